"""Rate limits, reputation and adaptive difficulty through the HTTP API (fake clock)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from edge_api.settings import DEFAULT_LIMITS
from tests.conftest import FakeClock
from tests.edge_api.conftest import BACKEND_FIXTURES, Harness, backend_url, open_harness

PROXY = (ipaddress.ip_network("198.51.100.0/24"),)
RELAXED = {name: (10_000.0, 100_000) for name in DEFAULT_LIMITS}


@contextmanager
def limited_harness(
    tmp_path: Path, clock: FakeClock, redis_url: str | None = None, **limits: tuple[float, int]
) -> Iterator[Harness]:
    yield from open_harness(
        tmp_path,
        clock,
        redis_url=redis_url,
        limits={**RELAXED, **limits},
        trusted_proxies=PROXY,
    )


def from_ip(ip: str) -> dict[str, str]:
    return {"X-Forwarded-For": ip}


def challenge(h: Harness, sitekey: str, ip: str) -> Any:
    return h.client.post(
        "/v1/challenge",
        json={"sitekey": sitekey, "hostname": "example.com"},
        headers=from_ip(ip),
    )


@pytest.fixture(params=list(BACKEND_FIXTURES))
def backend(request: pytest.FixtureRequest) -> str | None:
    return backend_url(request)


def test_per_ip_limit_answers_429_naming_the_limit(
    tmp_path: Path, clock: FakeClock, backend: str | None
) -> None:
    clock.advance(hash(tmp_path) % 10_000)  # fresh limit state in a shared Redis
    with limited_harness(tmp_path, clock, backend, ip=(1.0, 3)) as h:
        site = h.create_site()
        statuses = [challenge(h, site["sitekey"], "203.0.113.10").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = challenge(h, site["sitekey"], "203.0.113.10")
        assert refused.json()["error"] == "rate_limited"
        assert refused.json()["limit"] == "ip"
        assert refused.headers["retry-after"] == "1"
        # Another IP is not affected; after a second this IP may ask again.
        assert challenge(h, site["sitekey"], "203.0.113.11").status_code == 200
        clock.advance(1.0)
        assert challenge(h, site["sitekey"], "203.0.113.10").status_code == 200


def test_subnet_limit_groups_a_slash_24(tmp_path: Path, clock: FakeClock) -> None:
    with limited_harness(tmp_path, clock, subnet=(1.0, 2)) as h:
        site = h.create_site()
        assert challenge(h, site["sitekey"], "203.0.113.1").status_code == 200
        assert challenge(h, site["sitekey"], "203.0.113.2").status_code == 200
        third = challenge(h, site["sitekey"], "203.0.113.3")
        assert (third.status_code, third.json()["limit"]) == (429, "subnet")
        assert challenge(h, site["sitekey"], "203.0.114.3").status_code == 200
        v6 = [challenge(h, site["sitekey"], f"2001:db8:0:1::{i}").status_code for i in range(1, 4)]
        assert v6 == [200, 200, 429]


def test_site_policy_overrides_site_limit_and_can_answer_harder(
    tmp_path: Path, clock: FakeClock
) -> None:
    with limited_harness(tmp_path, clock) as h:
        strict = h.create_site(rate_limit=1.0, rate_burst=2)
        codes = [challenge(h, strict["sitekey"], f"203.0.{i}.1").status_code for i in range(3)]
        assert codes == [200, 200, 429]
        assert challenge(h, strict["sitekey"], "203.0.9.9").json()["limit"] == "site"

        harder = h.create_site(rate_limit=1.0, rate_burst=2, on_rate_limit="harder")
        first = challenge(h, harder["sitekey"], "192.0.2.1").json()
        challenge(h, harder["sitekey"], "192.0.2.2")  # fills the site's burst
        answer = h.submit(first, signals={"v": 1}).json()
        assert answer["status"] == "escalate"
        assert answer["reason"] == "rate_limited"
        assert answer["challenge"]["difficulty"] > first["difficulty"]


def test_siteverify_limited_per_secret(tmp_path: Path, clock: FakeClock) -> None:
    with limited_harness(tmp_path, clock, secret=(1.0, 2)) as h:
        site = h.create_site()
        tokens = [h.token(site["sitekey"]) for _ in range(3)]
        answers = [
            h.client.post("/siteverify", data={"secret": site["secret"], "response": t})
            for t in tokens
        ]
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert answers[2].json() == {"success": False, "error-codes": ["rate-limited"]}
        assert answers[2].headers["retry-after"] == "1"
        clock.advance(1)
        # The limited request did not spend the token.
        late = h.client.post("/siteverify", data={"secret": site["secret"], "response": tokens[2]})
        assert late.json()["success"] is True


def test_bad_reputation_costs_orders_of_magnitude_more(
    tmp_path: Path, clock: FakeClock, backend: str | None
) -> None:
    with limited_harness(tmp_path, clock, backend) as h:
        site = h.create_site(pow_min=4, pow_max=16, score_threshold=0.0)
        sitekey = site["sitekey"]
        good, bad = "192.0.2.50", "198.18.7.9"
        assert challenge(h, sitekey, good).json()["difficulty"] == 4
        # The bad client replays a solved challenge and sends forged solutions.
        solved = challenge(h, sitekey, bad).json()
        from edge_api.pow import solve

        body = {
            "challenge": solved["challenge"],
            "solution": solve(solved["id"], solved["puzzles"], solved["difficulty"]),
        }
        for _ in range(3):
            h.client.post("/v1/submit", json=body, headers=from_ip(bad))
        for _ in range(3):
            forged = challenge(h, sitekey, bad).json()
            h.client.post(
                "/v1/submit",
                json={"challenge": forged["challenge"], "solution": [0] * 16},
                headers=from_ip(bad),
            )
        bad_bits = challenge(h, sitekey, bad).json()["difficulty"]
        good_bits = challenge(h, sitekey, good).json()["difficulty"]
        assert good_bits == 4
        assert bad_bits - good_bits >= 7  # >= 2^7 = 128x the expected work
        # Reputation decays: a day later (24 half-lives) the bad client is clean again.
        clock.advance(86_400)
        assert challenge(h, sitekey, bad).json()["difficulty"] == 4


def test_surge_raises_difficulty_for_everyone(tmp_path: Path, clock: FakeClock) -> None:
    with limited_harness(tmp_path, clock) as h:
        site = h.create_site(pow_min=10, pow_max=20, rate_limit=10.0, rate_burst=100)
        sitekey = site["sitekey"]
        difficulties = []
        for wave in range(3):
            for i in range(25):
                challenge(h, sitekey, f"10.{wave}.{i}.1")
            difficulties.append(challenge(h, sitekey, "192.0.2.200").json()["difficulty"])
        # A quarter, half, three quarters of the site's burst in use: +1, +2, +3 bits.
        assert difficulties == [11, 12, 13]
        clock.advance(60)  # the surge is over
        assert challenge(h, sitekey, "192.0.2.201").json()["difficulty"] == 10
