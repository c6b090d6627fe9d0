"""Every decision becomes an event, attributed to its site, with a hashed subnet."""

from __future__ import annotations

import ipaddress
import random
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


def _ipaddress_subnet(ip: str) -> str:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "invalid"
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def test_subnets_are_written_as_ipaddress_writes_them() -> None:
    # Subnet hashes key reputation across workers and releases: the text must not drift.
    rng = random.Random(7)
    addresses = [
        "0.0.0.0",
        "255.255.255.255",
        "01.2.3.4",
        "1.2.3",
        "::",
        "::1",
        "::ffff:1.2.3.4",
        "::1.2.3.4",
        "64:ff9b::1.2.3.4",
        "fe80::1%eth0",
        "2001:0db8:0000:0000:0000:ff00:0042:8329",
        "0:0:1::",
        "not an ip",
        "",
        "1.2.3.4\x00",
    ]
    for _ in range(500):
        addresses.append(str(ipaddress.IPv4Address(rng.getrandbits(32))))
        addresses.append(str(ipaddress.IPv6Address(rng.getrandbits(128))))
        addresses.append(str(ipaddress.IPv6Address(rng.getrandbits(16) << 112)))
    for address in addresses:
        assert subnet_of(address) == _ipaddress_subnet(address), address
