"""An in-process app on a fake clock, over memory or a real Redis."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from edge_api import Secret, Settings, create_app
from edge_api.events import EventSink
from edge_api.keys import KeyRing
from edge_api.pow import solve
from edge_api.settings import DEFAULT_LIMITS
from edge_api.store import MemoryStore, Store
from scoring import RulesScorer, Scorer
from tests.conftest import FakeClock

ADMIN_TOKEN = "test-admin-token-0123456789"
RULES = RulesScorer()


# Generous limits for tests about other things: the test client is one IP on a clock
# that stands still, and Redis keeps limit state between tests.
RELAXED_LIMITS = {name: (10_000.0, 100_000) for name in DEFAULT_LIMITS}


def make_settings(tmp_path: Path, keys: str | None = None, **overrides: Any) -> Settings:
    overrides.setdefault("limits", RELAXED_LIMITS)
    return Settings(
        env="dev",
        admin_token=Secret(ADMIN_TOKEN),
        signing_keys=Secret(keys or KeyRing.generate_spec("k1")),
        data_dir=tmp_path,
        **overrides,
    )


@dataclass
class Harness:
    client: TestClient
    clock: FakeClock

    @property
    def store(self) -> Store:
        store: Store = self.client.app.state.services.store  # type: ignore[attr-defined]
        return store

    @property
    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    def create_site(self, **fields: Any) -> dict[str, Any]:
        fields.setdefault("hostnames", ["example.com", "*.example.org"])
        response = self.client.post("/admin/v1/sites", json=fields, headers=self.admin)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def challenge(self, sitekey: str, hostname: str = "example.com") -> dict[str, Any]:
        response = self.client.post(
            "/v1/challenge", json={"sitekey": sitekey, "hostname": hostname}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def submit(self, challenge: dict[str, Any], **extra: Any) -> Any:
        solution = solve(challenge["id"], challenge["puzzles"], challenge["difficulty"])
        return self.client.post(
            "/v1/submit",
            json={"challenge": challenge["challenge"], "solution": solution, **extra},
        )

    def token(self, sitekey: str, hostname: str = "example.com", **extra: Any) -> str:
        response = self.submit(self.challenge(sitekey, hostname), **extra)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "pass", response.json()
        return str(response.json()["token"])


def open_harness(
    tmp_path: Path,
    clock: FakeClock,
    *,
    redis_url: str | None = None,
    keys: str | None = None,
    events: EventSink | None = None,
    scorer: Scorer | None = RULES,
    **overrides: Any,
) -> Iterator[Harness]:
    """The app in-process. Without ``redis_url`` it runs on a memory store on the fake
    clock; with it, the lifespan opens (and closes) the Redis pool in the app's loop.
    The verify-loop tests score with the deterministic rules; ``scorer=None`` loads
    the shipped ONNX model as production does."""
    settings = make_settings(
        tmp_path, keys, redis_url=None if redis_url is None else Secret(redis_url), **overrides
    )
    store = None if redis_url is not None else MemoryStore(clock=clock)
    app = create_app(settings, clock=clock, store=store, events=events, scorer=scorer)
    with TestClient(app, client=("198.51.100.7", 40000)) as client:
        yield Harness(client=client, clock=clock)


@pytest.fixture
def harness(tmp_path: Path, clock: FakeClock) -> Iterator[Harness]:
    yield from open_harness(tmp_path, clock)


BACKEND_FIXTURES = {"memory": None, "redis": "redis_url", "cluster": "redis_cluster_url"}


def backend_url(request: pytest.FixtureRequest) -> str | None:
    fixture = BACKEND_FIXTURES[request.param]
    return None if fixture is None else str(request.getfixturevalue(fixture))


@pytest.fixture(params=list(BACKEND_FIXTURES))
def any_harness(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> Iterator[Harness]:
    """The same app over the embedded store, a real Redis and a real Redis Cluster."""
    redis_url = backend_url(request)
    yield from open_harness(tmp_path, clock, redis_url=redis_url)
