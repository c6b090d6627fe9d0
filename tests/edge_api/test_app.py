"""The app's lifespan: what it builds once, before the first request."""

from __future__ import annotations

import gc
from pathlib import Path

from tests.conftest import FakeClock
from tests.edge_api.conftest import open_harness


def test_startup_heap_is_left_out_of_garbage_collection(tmp_path: Path, clock: FakeClock) -> None:
    # A full collection over the start-up heap (model, compiled kernels) took >100 ms
    # and stalled requests; the lifespan freezes that heap once it is built.
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    for harness in open_harness(tmp_path, clock, scorer=None):
        assert gc.get_freeze_count() > 0
        assert harness.client.get("/healthz").status_code == 200


def test_hot_and_other_routes_refuse_in_json(tmp_path: Path, clock: FakeClock) -> None:
    for harness in open_harness(tmp_path, clock):
        client = harness.client
        missing = client.get("/no/such/path")
        assert missing.status_code == 404
        assert missing.json()["error"] == "not_found"
        assert missing.headers["x-request-id"]
        # A hot route's path with another method falls through to the router: 405.
        wrong = client.get("/siteverify")
        assert wrong.status_code == 405
        assert wrong.json()["error"] == "method_not_allowed"
        assert "POST" in wrong.headers["allow"]
        # A hot route's own errors come from the same handlers as every route's.
        bad = client.post(
            "/v1/challenge", content=b"{", headers={"content-type": "application/json"}
        )
        assert bad.status_code == 400
        assert bad.json()["error"] in ("invalid_json", "invalid_request")
        assert bad.headers["x-request-id"]


class BrokenScorer:
    """A scorer with a bug: the hot route must still answer in JSON."""

    version = "broken"

    def score(self, signals: object, context: object) -> object:
        raise RuntimeError("scorer bug")

    def score_many(self, items: object) -> object:
        raise RuntimeError("scorer bug")


def test_a_bug_on_a_hot_route_is_a_json_500(tmp_path: Path, clock: FakeClock) -> None:
    for harness in open_harness(tmp_path, clock, scorer=BrokenScorer()):  # type: ignore[arg-type]
        site = harness.create_site()
        response = harness.submit(harness.challenge(site["sitekey"]))
        assert response.status_code == 500
        assert response.json()["error"] == "internal_error"
        assert response.headers["x-request-id"]
