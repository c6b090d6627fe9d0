"""Behaviour signals are single-use across clients: a recording replayed with fresh
challenges from another client is refused, while the same client may resubmit them."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from edge_api.pow import solve
from edge_api.settings import DEFAULT_LIMITS
from tests.conftest import FakeClock
from tests.edge_api.conftest import BACKEND_FIXTURES, Harness, backend_url, open_harness

PROXY = (ipaddress.ip_network("198.51.100.0/24"),)
RELAXED = {name: (10_000.0, 100_000) for name in DEFAULT_LIMITS}


def _pointer(offset: float = 0.0, events: int = 40) -> list[list[float]]:
    moves = [[i * 16.0, 100.0 + i * 9.0 + offset, 300.0 - (i - 20) ** 2 / 4] for i in range(events)]
    rows = [[*m, 0] for m in moves]
    t, x, y = moves[-1]
    return [*rows, [t + 90.0, x, y, 1], [t + 170.0, x, y, 2]]


@pytest.fixture(params=list(BACKEND_FIXTURES))
def lab(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[Harness]:
    clock.advance(hash(tmp_path) % 100_000)  # fresh state in a shared Redis
    yield from open_harness(
        tmp_path, clock, redis_url=backend_url(request), limits=RELAXED, trusted_proxies=PROXY
    )


def _submit(h: Harness, sitekey: str, ip: str, pointer: list[list[float]]) -> Any:
    headers = {"X-Forwarded-For": ip}
    challenge = h.client.post(
        "/v1/challenge", json={"sitekey": sitekey, "hostname": "example.com"}, headers=headers
    ).json()
    solution = solve(challenge["id"], challenge["puzzles"], challenge["difficulty"])
    signals = {"v": 1, "pointer": pointer}
    return h.client.post(
        "/v1/submit",
        json={"challenge": challenge["challenge"], "solution": solution, "signals": signals},
        headers=headers,
    )


def _difficulty(h: Harness, sitekey: str, ip: str) -> int:
    return int(
        h.client.post(
            "/v1/challenge",
            json={"sitekey": sitekey, "hostname": "example.com"},
            headers={"X-Forwarded-For": ip},
        ).json()["difficulty"]
    )


def test_another_clients_signals_are_refused_and_cost_reputation(lab: Harness) -> None:
    site = lab.create_site(score_threshold=0.0)
    sitekey = site["sitekey"]
    recording = _pointer()
    clean = _difficulty(lab, sitekey, "203.0.113.50")
    assert _submit(lab, sitekey, "203.0.113.10", recording).json()["status"] == "pass"
    replay = _submit(lab, sitekey, "192.0.2.20", recording)
    assert replay.status_code == 403
    assert replay.json()["reasons"] == ["signals_replayed"]
    # The replaying client now pays more for its next challenge.
    assert _difficulty(lab, sitekey, "192.0.2.21") > clean
    # Other behaviour from that client is judged as usual.
    assert _submit(lab, sitekey, "192.0.2.20", _pointer(offset=3.0)).status_code == 200


def test_the_same_client_may_send_its_signals_again(lab: Harness) -> None:
    site = lab.create_site(score_threshold=0.0)
    recording = _pointer()
    for _ in range(3):  # a resubmission after an escalation or a token refresh
        answer = _submit(lab, site["sitekey"], "203.0.113.10", recording)
        assert answer.json()["status"] == "pass", answer.text


def test_signals_are_remembered_per_site_and_short_ones_not_at_all(lab: Harness) -> None:
    one = lab.create_site(score_threshold=0.0)["sitekey"]
    other = lab.create_site(score_threshold=0.0)["sitekey"]
    recording = _pointer()
    assert _submit(lab, one, "203.0.113.10", recording).status_code == 200
    assert _submit(lab, other, "192.0.2.20", recording).status_code == 200
    click = _pointer(events=5)  # seven events: two people could send the same
    assert _submit(lab, one, "203.0.113.10", click).status_code == 200
    assert _submit(lab, one, "192.0.2.20", click).status_code == 200


def test_the_memory_expires_and_can_be_turned_off(tmp_path: Path, clock: FakeClock) -> None:
    for harness in open_harness(
        tmp_path, clock, limits=RELAXED, trusted_proxies=PROXY, signals_replay_seconds=60
    ):
        sitekey = harness.create_site(score_threshold=0.0)["sitekey"]
        recording = _pointer()
        assert _submit(harness, sitekey, "203.0.113.10", recording).status_code == 200
        harness.clock.advance(61)
        assert _submit(harness, sitekey, "192.0.2.20", recording).status_code == 200
    for harness in open_harness(
        tmp_path / "off", clock, limits=RELAXED, trusted_proxies=PROXY, signals_replay_seconds=0
    ):
        sitekey = harness.create_site(score_threshold=0.0)["sitekey"]
        assert _submit(harness, sitekey, "203.0.113.10", recording).status_code == 200
        assert _submit(harness, sitekey, "192.0.2.20", recording).status_code == 200
