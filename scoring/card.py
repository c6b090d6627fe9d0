"""The model card written next to a trained model (training only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scoring.dataset import MODEL_FEATURES
from scoring.evaluate import FamilyMetrics, format_calibration, format_table
from scoring.features._grid import Array
from scoring.visits import VISIT_SIZE, VisitMetrics, format_visit_table

__all__ = ["write_card"]


def write_card(
    out: Path,
    facts: dict[str, Any],
    lofo: list[FamilyMetrics],
    seen: list[FamilyMetrics],
    never: list[FamilyMetrics],
    scores: Array,
    y: Array,
    visits: list[VisitMetrics],
) -> None:
    """Write ``model-card.md`` into ``out``."""
    users = facts["users"]
    gain = sorted(facts["feature_gain"].items(), key=lambda kv: -kv[1])
    lines = [
        "# Pointer model card",
        "",
        f"- version: `{facts['version']}` (SHA-256 prefix of `pointer.onnx`)",
        f"- size: {facts['size_bytes']} bytes; LightGBM, {facts['trees']} trees, "
        "Platt calibration inside the ONNX graph",
        f"- seed: {facts['seed']}; training took {facts['train_seconds']} s",
        f"- ONNX vs LightGBM+calibration, max |difference|: {facts['onnx_parity_max_abs']:.2e}",
        "- output: calibrated P(human) of one pointer approach-and-click; several are "
        "combined by the mean of their logits, calibrated for their number (below)",
        "",
        "## Data",
        "",
        "Humans: Balabit Mouse Dynamics Challenge (Fülöp, Kovács, Kurics, "
        "Windhager-Pokol, 2016), the `training_files` sessions, cut into "
        "approach-and-click pieces. Split by user:",
        "",
        f"- train: {', '.join(users['train'])} (sha256 `{facts['data_sha256']['train']}`)",
        f"- calibration: {', '.join(users['calibration'])} "
        f"(sha256 `{facts['data_sha256']['calibration']}`)"
        + (
            "; also trained on, and Platt scaling is fitted on out-of-fold logits "
            "(each training user's pieces scored by a model trained without that user)"
            if facts.get("pool_calib")
            else ""
        ),
        f"- test: {', '.join(users['test'])} (sha256 `{facts['data_sha256']['test']}`)",
        "",
        f"Bots: families {', '.join(facts['families'])} (see `scoring/botgen`), built on "
        "the same users' start and click positions, captured like the human recordings "
        "and passed through the same browser-like recorder (`scoring/recorder.py`). Half "
        "of the bots (in every set, test included) copy a real person's click timing and "
        "half get Gaussian position jitter. "
        f"Training also has {facts.get('mixed', 0)} recombined bots (`mixed`: one family's "
        "path driven by another family's timing, `scoring/botgen/mixed.py`); the test and "
        "calibration sets have none. "
        + (
            f"Training and calibration also have {', '.join(facts['aids'])} bots, which "
            "stand for no tool (`scoring/botgen/randomized.py`: smooth movers drawn from "
            "the whole space the families are corners of); every model has them, the "
            "held-out-family ones included, and no test set does."
            if facts.get("aids")
            else ""
        ),
        "",
        "Pieces per set: "
        + "; ".join(
            f"{name}: " + ", ".join(f"{f} {n}" for f, n in counts.items())
            for name, counts in facts["counts"].items()
        ),
        "",
        "## Held-out users against held-out bot families",
        "",
        "For each family a model trained on the other families only (and on no "
        "recombined bot that uses it), scored on the test users' humans and that "
        "family's bots (the honest number):",
        "",
        format_table(lofo) if lofo else "(not run)",
        "",
        "Rows marked `(user)` restrict humans and bots to one test user's pieces, i.e. one "
        "capture rate: user9 was recorded at ~60 Hz like a browser, user21 at ~9 Hz "
        "(bots built on a user's pieces are captured at that user's rate). Production "
        "traffic is browser-rate, so the user9 rows are the closer guide.",
        "",
        "## Shipped model on held-out users (families seen in training, fresh bots)",
        "",
        format_table(seen),
        "",
        *(
            [
                "## Shipped model on held-out users against families never trained on",
                "",
                f"Left out of every training set ({', '.join(facts['evaluation_only'])}: "
                "`scoring.botgen.EVALUATION_ONLY`), so these are the shipped model's own "
                "held-out figures:",
                "",
                format_table(never),
                "",
            ]
            if never
            else []
        ),
        *(_visit_section(facts, visits) if visits else []),
        "## Calibration on the test set (humans and the trained bot families)",
        "",
        format_calibration(scores, y),
        "",
        "## Features (by gain)",
        "",
        *[f"- `{name}`: {value}" for name, value in gain],
        "",
        f"Model input order: {', '.join(f'`{n}`' for n in MODEL_FEATURES)}.",
        "",
        "## Limits",
        "",
        "- Seven people on remote desktop, not browsers; the recorder only approximates a "
        "browser's event stream.",
        "- Bot families are this project's reproductions of the tools; a tool not like "
        "any of them may score as human. A replay of a real human path with its "
        "original timing is indistinguishable by design.",
        "- Pointer only: keys, scroll and touch are scored by rules until data exists.",
        "",
    ]
    (out / "model-card.md").write_text("\n".join(lines))


def _visit_section(facts: dict[str, Any], visits: list[VisitMetrics]) -> list[str]:
    overall = [v for v in visits if "(" not in v.family]
    per_user = [v for v in visits if "(" in v.family]
    trained = [v for v in overall if v.family not in facts["evaluation_only"]]
    means = (
        [100 * sum(v.caught_at_1pct[k] for v in trained) / len(trained) for k in range(VISIT_SIZE)]
        if trained
        else []
    )
    return [
        "## Visits of several approaches (held-out users, held-out families)",
        "",
        "The server scores every approach-and-click of a page's pointer section, up to "
        f"{VISIT_SIZE}, averages their logits (`scoring/approaches.py`) and weighs how much "
        "more alike they are than people's approaches (`scoring/consistency.py`, against "
        "the training users' visits). A person's "
        f"visit here is {VISIT_SIZE} consecutive pieces of one recorded session; a bot's is "
        "one tool with one configuration making every piece from the same random state "
        "(`scoring/visits.py`); visits of k approaches are their first k pieces, joined "
        "into one section with pauses and cut by the server's own code. Trained families: "
        "each scored by its leave-one-family-out model above, with a calibration and "
        "consistency weight fitted without that family; never-trained families: by "
        "the shipped model.",
        "",
        format_visit_table(overall + sorted(per_user, key=lambda v: v.family.split(" (")[1])),
        "",
        "Rows marked `(user)`: that user's visits alone (user9 ~60 Hz, as a browser "
        "sends; user21 ~9 Hz). The interval: 95% of 400 bootstrap resamples of the share "
        f"caught at {VISIT_SIZE} approaches, people resampled by recorded session (one "
        "session's visits are not independent) and bots one by one; the threshold moves "
        "with the people drawn.",
        "",
        *(
            [
                "Mean over the trained families, held out: "
                + ", ".join(f"{m:.1f}% ({k + 1})" for k, m in enumerate(means))
                + " caught by number of approaches.",
                "",
            ]
            if means
            else []
        ),
        *(
            [
                "Calibration of the combined score (the shipped model on fresh visits of the "
                "trained families and the people's, weighted equally): ECE "
                + ", ".join(f"{e:.3f} ({k + 1})" for k, e in enumerate(facts["visits_ece"]))
                + " by number of approaches, with the model's calibration for each number "
                "(`visit_calibration` in its metadata: the mean logit x scaled and shifted, "
                "plus the weighted consistency evidence e, fitted on out-of-fold visits of "
                "the training users: "
                + ", ".join(
                    f"{n}: {v[0]:.3f} x + {v[1]:.3f} + {v[2]:.3f} e"
                    for n, v in facts.get("count_calibration", {}).items()
                )
                + "); the plain mean: "
                + ", ".join(f"{e:.3f}" for e in facts.get("visits_ece_plain_mean", []))
                + ".",
                "",
            ]
            if facts.get("visits_ece")
            else []
        ),
    ]
