"""Each family alone against people: the model sees no other family's bots."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scoring.ceiling import alone, main
from scoring.dataset import Split

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "mouse-human"


def _split(rng: np.random.Generator, shift: dict[str, float], n: int) -> Split:
    """People around 0 and each family around its own shift, on two features."""
    rows, families, users = [], [], []
    for family, mean in {"human": 0.0, **shift}.items():
        for user in ("u1", "u2"):
            rows.append(rng.normal(mean, 1.0, size=(n, 2)))
            families += [family] * n
            users += [user] * n
    labels = np.array(families)
    return Split(np.vstack(rows), (labels == "human").astype(float), labels, np.array(users))


def test_a_family_is_judged_by_a_model_that_saw_only_it_and_people() -> None:
    pytest.importorskip("lightgbm")
    rng = np.random.default_rng(3)
    # Family "b" trains below people and is tested above them, where "a" trains: only a
    # model that never saw "a" lets the test's "b" through.
    train = _split(rng, {"a": 6.0, "b": -6.0}, 300)
    test = _split(rng, {"a": 6.0, "b": 6.0}, 300)
    rows = alone(train, test, ["a", "b"], seed=1, trees=30)
    by_name = {r.family: r for r in rows}
    assert set(by_name) == {"a", "b", "a (u1)", "a (u2)", "b (u1)", "b (u2)"}
    assert by_name["a"].caught_at_1pct > 0.95 and by_name["a"].auc > 0.99
    assert by_name["b"].caught_at_1pct < 0.1
    assert by_name["a"].humans == 600 and by_name["a (u1)"].humans == 300


@pytest.mark.skipif(not DATA.is_dir(), reason="no human data at ../shared/data")
def test_a_tiny_run_prints_every_trained_family(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("lightgbm")
    args = ["--human", str(DATA), "--max-sessions", "1", "--max-pieces", "40", "--bots", "30"]
    assert main([*args, "--mixed", "0", "--trees", "10"]) == 0
    out = capsys.readouterr().out
    for family in ("ghost_cursor", "replay", "lognormal", "smoothed", "replay (user9)"):
        assert f"| {family} |" in out
    assert "| natural |" not in out  # evaluation-only families are never trained on
    assert main(["--human", str(DATA), "--calib-users", "nobody"]) == 2
