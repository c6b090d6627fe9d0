"""An app whose analytics we can drive: fake clock, forwarded client IPs, manual flush."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from edge_api.analytics import Analytics
from edge_api.events import DecisionEvent
from edge_api.pow import solve
from tests.conftest import FakeClock
from tests.edge_api.conftest import Harness, open_harness

PROXY = "198.51.100.7"
HUMAN_IP = "203.0.113.10"
BOT_SIGNALS = {"v": 1, "env": {"webdriver": True}}


@dataclass
class Lab:
    """A harness plus what the app emitted, seen on the way into the recorder."""

    h: Harness
    seen: list[DecisionEvent] = field(default_factory=list)

    @property
    def analytics(self) -> Analytics:
        analytics: Analytics = self.h.client.app.state.analytics  # type: ignore[attr-defined]
        return analytics

    def flush(self) -> int:
        return int(self.h.client.portal.call(self.analytics.recorder.flush))  # type: ignore[union-attr]

    def call(self, fn: Any, *args: Any) -> Any:
        return self.h.client.portal.call(fn, *args)  # type: ignore[union-attr]

    def challenge(self, sitekey: str, ip: str, hostname: str = "example.com") -> Any:
        return self.h.client.post(
            "/v1/challenge",
            json={"sitekey": sitekey, "hostname": hostname},
            headers={"X-Forwarded-For": ip},
        )

    def submit(self, sitekey: str, ip: str, **extra: Any) -> Any:
        ch = self.challenge(sitekey, ip).json()
        solution = solve(ch["id"], ch["puzzles"], ch["difficulty"])
        return self.h.client.post(
            "/v1/submit",
            json={"challenge": ch["challenge"], "solution": solution, **extra},
            headers={"X-Forwarded-For": ip},
        )

    def get(self, path: str, secret: str, **params: Any) -> Any:
        return self.h.client.get(path, params=params, headers={"Authorization": f"Bearer {secret}"})


def open_lab(tmp_path: Path, clock: FakeClock, redis_url: str | None) -> Iterator[Lab]:
    for harness in open_harness(
        tmp_path,
        clock,
        redis_url=redis_url,
        trusted_proxies=(ipaddress.ip_network(f"{PROXY}/32"),),
    ):
        lab = Lab(harness)
        recorder = lab.analytics.recorder
        recorder.emit = _tee(lab.seen, recorder.emit)  # type: ignore[method-assign]
        yield lab


def _tee(seen: list[DecisionEvent], emit: Callable[[DecisionEvent], None]) -> Any:
    def tee(event: DecisionEvent) -> None:
        seen.append(event)
        emit(event)

    return tee


URL_FIXTURES = {"memory": None, "redis": "redis_url", "cluster": "redis_cluster_url"}


@pytest.fixture(
    params=[
        "memory",
        pytest.param("redis", marks=pytest.mark.redis),
        pytest.param("cluster", marks=pytest.mark.redis),
    ]
)
def lab(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[Lab]:
    """The app over the embedded store, a real Redis and a real Redis Cluster."""
    fixture = URL_FIXTURES[request.param]
    redis_url = None if fixture is None else str(request.getfixturevalue(fixture))
    yield from open_lab(tmp_path, clock, redis_url)
