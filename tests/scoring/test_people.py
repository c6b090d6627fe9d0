"""``python -m scoring people``: recorded people's payloads, counted as the server scores them."""

from __future__ import annotations

from pathlib import Path

import msgspec
import numpy as np
import pytest

from scoring import load_default_scorer
from scoring.cli import main
from scoring.humans import load_user_pages
from scoring.pages import BROWSER_ENV, widget_pointer
from scoring.payload_lines import LineError
from scoring.people import summarize
from scoring.result import RequestContext, ScoreResult
from tests.scoring.conftest import line_events, signals
from tests.scoring.test_consistency import HUMANS


def _result(score: float, *reasons: str, pointer: float | None = None) -> ScoreResult:
    return ScoreResult(
        score=score, channels={"pointer": pointer, "touch": None}, reasons=reasons, model="m"
    )


def test_a_group_is_counted_against_the_threshold() -> None:
    answers = [
        _result(0.9, pointer=0.9),
        _result(0.2, "pointer.model", "pointer.hold.low", "pointer.model", pointer=0.2),
        LineError("Expected `array`", "$.pointer[0]"),
        _result(0.4, "env.cdp", pointer=0.7),
        _result(0.7),
    ]
    g = summarize("mouse", answers, threshold=0.5)
    assert (g.scored, g.with_pointer, g.with_touch) == (4, 3, 0)
    assert g.invalid == {3: answers[2]}  # by line number, from 1
    assert (g.challenged, g.pointer_below) == (2, 1)
    assert g.median_score == pytest.approx(0.55)
    # A reason counts once per challenged payload.
    assert dict(g.reasons) == {"pointer.model": 1, "pointer.hold.low": 1, "env.cdp": 1}
    assert summarize("none", [], 0.5).median_score is None


def _write(path: Path, payloads: list[bytes]) -> Path:
    path.write_bytes(b"".join(p + b"\n" for p in payloads))
    return path


def test_people_and_a_script_as_the_model_scores_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not HUMANS.is_dir():
        pytest.skip("no human data at ../shared/data")
    rng = np.random.default_rng(3)
    people = [
        msgspec.json.encode({"pointer": widget_pointer(p.events, rng), "env": BROWSER_ENV})
        for p in load_user_pages(HUMANS, "user9", rng, 80)
    ]
    script = [msgspec.json.encode({"pointer": line_events(30, 16.0, 4.0 + i)}) for i in range(20)]
    files = [_write(tmp_path / "user9.jsonl", people), _write(tmp_path / "script.jsonl", script)]

    assert main(["people", *map(str, files)]) == 0
    out = capsys.readouterr().out
    scorer = load_default_scorer()
    assert out.startswith(f"model {scorer.version}; challenged: final score below 0.5\n")
    # Each row counts what the production scorer says of each payload.
    for name, payloads in (("user9", people), ("script", script)):
        scores = [
            scorer.score(signals(**msgspec.json.decode(p)), RequestContext()).score
            for p in payloads
        ]
        challenged = sum(s < 0.5 for s in scores)
        share = f"{challenged} ({100.0 * challenged / len(scores):.1f}%)"
        row = next(line for line in out.splitlines() if line.startswith(f"| {name} |"))
        assert row.startswith(f"| {name} | {len(scores)} | 0 | {len(scores)} | 0 | {share} |"), row
    assert "| script | 20 | 0 | 20 | 0 | 20 (100.0%) |" in out  # a constant-speed line
    assert "| user9 | 80 | 0 | 80 | 0 | 80 (" not in out


def test_bad_lines_are_named_and_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = msgspec.json.encode({"pointer": line_events(30, 16.0, 4.0)})
    mixed = _write(tmp_path / "mixed.jsonl", [good, b"{not json", b'{"pointer": [[0, 1, 2]]}'])
    assert main(["people", str(mixed)]) == 0
    captured = capsys.readouterr()
    assert f"{mixed}:2: " in captured.err and "malformed" in captured.err
    assert f"{mixed}:3: Expected `array` of length 4 (at $.pointer[0]); not counted" in captured.err
    assert "| mixed | 1 | 2 | 1 | 0 |" in captured.out

    broken = _write(tmp_path / "broken.jsonl", [b"", b"[]"])
    assert main(["people", str(mixed), str(broken)]) == 2
    assert f"{broken}: no valid payload" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere.jsonl"], "no such file: nowhere.jsonl"),
        (["--threshold", "0", "x.jsonl"], "--threshold must be in (0, 1], got 0.0"),
        (["--model", "nowhere.onnx", "people.jsonl"], "nowhere.onnx: cannot load the model"),
    ],
)
def test_bad_arguments_are_refused_clearly(
    args: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "people.jsonl", [b"{}"])
    assert main(["people", *args]) == 2
    assert message in capsys.readouterr().err
