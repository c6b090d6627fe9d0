"""Every decision becomes an event, attributed to its site, with a hashed subnet."""

from __future__ import annotations

from pathlib import Path

from edge_api.events import DecisionEvent, SubnetHasher, subnet_of
from tests.conftest import FakeClock
from tests.edge_api.conftest import open_harness


class ListSink:
    def __init__(self) -> None:
        self.events: list[DecisionEvent] = []

    def emit(self, event: DecisionEvent) -> None:
        self.events.append(event)


def test_decisions_are_emitted(tmp_path: Path, clock: FakeClock) -> None:
    sink = ListSink()
    harness_gen = open_harness(tmp_path, clock, events=sink)
    harness = next(harness_gen)
    site = harness.create_site(mode="invisible")
    sitekey = site["sitekey"]
    token = harness.token(sitekey, action="login")
    harness.client.post("/siteverify", data={"secret": site["secret"], "response": token})
    harness.client.post("/siteverify", data={"secret": site["secret"], "response": token})
    harness.client.post("/v1/challenge", json={"sitekey": sitekey, "hostname": "evil.test"})
    bot = harness.submit(harness.challenge(sitekey), signals={"v": 1, "env": {"webdriver": True}})
    assert bot.json()["status"] == "escalate"
    harness_gen.close()

    mine = [(e.kind, e.outcome) for e in sink.events if e.sitekey == sitekey]
    assert mine == [
        ("challenge", "issued"),
        ("submit", "passed"),
        ("siteverify", "ok"),
        ("siteverify", "already-seen-response"),
        ("challenge", "refused"),
        ("challenge", "issued"),
        ("submit", "escalated"),
    ]
    passed = next(e for e in sink.events if e.outcome == "passed")
    assert passed.action == "login"
    assert passed.mode == "invisible"
    assert passed.model == "rules"
    assert passed.score == 1.0
    escalated = sink.events[-1]
    # The replayed siteverify above raised this client's reputation, so the later
    # challenge carried it and the score was cut.
    assert escalated.reasons == ("low_score", "env.webdriver", "reputation.bad")
    assert passed.subnet is not None
    assert "198.51" not in passed.subnet  # the test client's address, hashed


def test_subnets() -> None:
    assert subnet_of("203.0.113.77") == "203.0.113.0/24"
    assert subnet_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    hasher = SubnetHasher(b"k" * 32)
    assert hasher("203.0.113.1") == hasher("203.0.113.200")
    assert hasher("203.0.113.1") != hasher("203.0.114.1")
    assert hasher("203.0.113.1") != SubnetHasher(b"j" * 32)("203.0.113.1")
