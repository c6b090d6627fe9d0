"""Model registry: swap, file-change reload, broken files, concurrent calls."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from scoring import RequestContext
from scoring.model import DEFAULT_MODEL, ModelError, OnnxModel
from scoring.model_scorer import ModelScorer
from scoring.registry import ModelRegistry
from tests.conftest import FakeClock
from tests.scoring.conftest import line_events, signals

CTX = RequestContext()


def _touch_newer(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_swap_and_back(tmp_path: Path, other_model: Path) -> None:
    scorer = ModelScorer(ModelRegistry(DEFAULT_MODEL))
    shipped, other = scorer.version, OnnxModel.load(other_model).version
    payload = signals(pointer=line_events(20, 16.0, 5.0))
    before = scorer.score(payload, CTX)
    assert scorer.swap(other_model) == other
    assert scorer.score(payload, CTX).model == other
    assert scorer.swap(DEFAULT_MODEL) == shipped
    assert scorer.score(payload, CTX) == before


def test_bad_swap_keeps_the_running_model(tmp_path: Path) -> None:
    scorer = ModelScorer(ModelRegistry(DEFAULT_MODEL))
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"garbage")
    with pytest.raises(ModelError):
        scorer.swap(bad)
    with pytest.raises(FileNotFoundError):
        scorer.swap(tmp_path / "absent.onnx")
    assert scorer.version == OnnxModel.load(DEFAULT_MODEL).version


def test_reload_on_file_change_at_most_once_per_interval(
    tmp_path: Path, other_model: Path, clock: FakeClock
) -> None:
    live = tmp_path / "live.onnx"
    shutil.copyfile(DEFAULT_MODEL, live)
    registry = ModelRegistry(live, check_interval=1.0, clock=clock)
    scorer = ModelScorer(registry)
    shipped, other = scorer.version, OnnxModel.load(other_model).version
    shutil.copyfile(other_model, live)
    _touch_newer(live)
    scorer.score(None, CTX)
    assert scorer.version == shipped  # not yet: checked at most once per second
    clock.advance(1.0)
    assert scorer.score(None, CTX).model == other
    # A broken write keeps the running model, and is not retried until it changes.
    live.write_bytes(b"half a file")
    _touch_newer(live)
    clock.advance(1.0)
    assert scorer.score(None, CTX).model == other
    assert registry.reload() is False
    shutil.copyfile(DEFAULT_MODEL, live)
    _touch_newer(live)
    assert scorer.reload() is True and scorer.version == shipped


def test_hot_swap_under_concurrent_calls(other_model: Path) -> None:
    scorer = ModelScorer(ModelRegistry(DEFAULT_MODEL))
    payload = signals(pointer=line_events(40, 16.0, 3.0))
    expected = {scorer.version: scorer.score(payload, CTX)}
    scorer.swap(other_model)
    expected[scorer.version] = scorer.score(payload, CTX)
    assert len(expected) == 2
    errors: list[BaseException] = []
    seen: set[str] = set()
    stop = threading.Event()

    def caller() -> None:
        try:
            while not stop.is_set():
                res = scorer.score(payload, CTX)
                seen.add(res.model)
                # Never a mix: the score always belongs to the model it names.
                assert res == expected[res.model]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=caller) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for i in range(40):
            scorer.swap(DEFAULT_MODEL if i % 2 else other_model)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors
    assert seen == set(expected)
