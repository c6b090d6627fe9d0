"""A few-second training run on a small slice of the real data (skipped without it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoring import approaches
from scoring.consistency import reference_of
from scoring.model import OnnxModel
from scoring.registry import ModelRegistry

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "mouse-human"

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="no human data at ../shared/data")


def test_tiny_training_run_writes_a_loadable_model_and_card(tmp_path: Path) -> None:
    pytest.importorskip("lightgbm")
    from scoring.train import main

    args = ["--human", str(DATA), "--out", str(tmp_path), "--seed", "1", "--max-sessions", "1"]
    args += ["--max-pieces", "40", "--bots", "30", "--mixed", "20", "--trees", "10", "--no-lofo"]
    assert main([*args, "--visits", "6"]) == 0
    model = OnnxModel.load(tmp_path / "pointer.onnx")
    ModelRegistry(tmp_path / "pointer.onnx")  # passes the serving-time feature check
    card = (tmp_path / "model-card.md").read_text()
    assert model.version in card and "caught @ 1% humans" in card
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["onnx_parity_max_abs"] < 1e-4
    assert set(metrics["users"]["test"]).isdisjoint(metrics["users"]["train"])
    # Recombined bots are training data only.
    assert metrics["counts"]["train"]["mixed"] == 20
    assert "mixed" not in metrics["counts"]["test"]
    # Sigma-lognormal movers train at a quarter share (training users, then the pooled
    # calibration user's half-size set); tests see a full one.
    assert metrics["counts"]["train"]["lognormal"] == round(30 * 0.25) + round(15 * 0.25)
    assert metrics["counts"]["test"]["lognormal"] == metrics["counts"]["test"]["tween"] == 15
    assert metrics["counts"]["train"]["smoothed"] == round(30 * 0.5) + round(15 * 0.5)
    assert metrics["counts"]["test"]["smoothed"] == 15
    # Randomised smooth movers: training and calibration at twice a share, never tested.
    assert metrics["aids"] == ["randomized"]
    assert metrics["counts"]["train"]["randomized"] == round(30 * 2.0) + round(15 * 2.0)
    assert metrics["counts"]["calibration"]["randomized"] == round(15 * 2.0)
    assert "randomized" not in metrics["counts"]["test"]
    assert "randomized bots, which stand for no tool" in card
    assert metrics["version"] == model.version
    # Evaluation-only families: tested, never trained on, reported apart.
    for family in ("natural", "oxymouse"):
        assert family not in metrics["counts"]["train"] and family not in metrics["families"]
        assert metrics["counts"]["test"][family] == 15
        assert f"| {family} |" in card
    assert metrics["evaluation_only"] == ["natural", "oxymouse"]
    assert {r["family"] for r in metrics["never_trained_family"]} >= {"natural", "natural (user9)"}
    assert "families never trained on" in card
    # Visits of several approaches, scored through the server's own cut.
    (natural,) = [v for v in metrics["visits_never_trained_family"] if v["family"] == "natural"]
    assert natural["visits"] == 6 and natural["humans"] > 0
    assert len(natural["caught_at_1pct"]) == len(natural["auc"]) == 4
    assert "Visits of several approaches" in card
    # The combined score's calibration per number of approaches travels in the model.
    calibration = approaches.calibration_of(model.metadata)
    assert calibration and set(calibration) <= {2, 3, 4}
    assert {str(n) for n in calibration} == set(metrics["count_calibration"])
    assert all(scale > 0 for scale, _, _ in calibration.values())
    # And the people's spreads its consistency evidence is read against.
    reference = reference_of(model.metadata)
    assert reference is not None and set(reference.quantiles) <= {2, 3, 4}
    assert reference.scale.shape == (len(model.feature_names),)
    assert "consistency" in card


def test_the_calibration_user_trains_too_unless_told_not(tmp_path: Path) -> None:
    pytest.importorskip("lightgbm")
    from scoring.train import main

    args = ["--human", str(DATA), "--seed", "1", "--max-sessions", "1", "--no-lofo"]
    args += ["--max-pieces", "40", "--bots", "30", "--mixed", "20", "--trees", "10"]
    args += ["--visits", "4"]
    counts = {}
    for flag, out in (([], "pooled"), (["--no-pool-calib"], "apart")):
        assert main([*args, "--out", str(tmp_path / out), *flag]) == 0
        metrics = json.loads((tmp_path / out / "metrics.json").read_text())
        assert metrics["pool_calib"] is (out == "pooled")
        assert metrics["onnx_parity_max_abs"] < 1e-4
        counts[out] = metrics["counts"]
        card = (tmp_path / out / "model-card.md").read_text()
        assert ("also trained on" in card) is (out == "pooled")
    calibration = counts["pooled"]["calibration"]
    assert calibration["human"] > 0
    for label in ("human", "tween"):
        pooled, apart = counts["pooled"]["train"], counts["apart"]["train"]
        assert pooled[label] == apart[label] + calibration[label]


def test_families_can_be_chosen(tmp_path: Path) -> None:
    pytest.importorskip("lightgbm")
    from scoring.train import main

    args = ["--human", str(DATA), "--seed", "1", "--max-sessions", "1", "--no-lofo"]
    args += ["--max-pieces", "40", "--bots", "30", "--mixed", "20", "--trees", "10"]
    args += ["--visits", "4"]
    assert main([*args, "--out", str(tmp_path), "--families", "tween,bezier"]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["families"] == ["tween", "bezier"]
    assert set(metrics["counts"]["test"]) == {"human", "tween", "bezier"}
    assert main([*args, "--out", str(tmp_path), "--families", "tween,nosuch"]) == 2


def test_evaluate_prints_metrics_for_the_shipped_model(capsys: pytest.CaptureFixture[str]) -> None:
    from scoring.evaluate import main

    args = ["--human", str(DATA), "--max-sessions", "1", "--max-pieces", "40", "--bots", "20"]
    assert main([*args, "--visits", "5"]) == 0
    out = capsys.readouterr().out
    assert "caught @ 1% humans" in out and "ECE" in out
    assert "| tween (user9) |" in out
    assert "Visits of several approaches" in out and "| tween | 5 |" in out
