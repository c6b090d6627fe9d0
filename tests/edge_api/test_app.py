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
