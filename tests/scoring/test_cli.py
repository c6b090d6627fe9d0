"""``python -m scoring score``: one answer per line, in order, errors per line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import msgspec

from scoring.cli import main, score_lines
from scoring.model_scorer import load_default_scorer
from tests.scoring.conftest import line_events

REPO = Path(__file__).resolve().parents[2]


def _line(obj: object) -> bytes:
    return msgspec.json.encode(obj)


def test_lines_in_order_with_errors_in_place() -> None:
    scorer = load_default_scorer()
    lines = [
        _line({"pointer": line_events(30, 16.0, 4.0)}),
        b"{not json",
        _line({"pointer": [[0, 1, 2, 7]]}),
        b"",
        _line({}),
        _line({"keys": [[3, 0, 0], [1, 1, 0]]}),
    ]
    out = [json.loads(o) for o in score_lines(scorer, lines, batch=2)]
    assert len(out) == len(lines)
    assert set(out[0]) == {"score", "channels", "reasons", "model"}
    assert out[0]["model"] == scorer.version and out[0]["channels"]["pointer"] is not None
    assert out[1]["path"] == "$" and "malformed" in out[1]["error"]
    assert out[2] == {"error": "Expected `int` <= 2", "path": "$.pointer[0][3]"}
    assert out[3]["error"] == "empty line"
    assert out[4]["reasons"] == ["behaviour.missing"]
    assert out[5]["path"] == "$.keys[1]"


def test_batching_does_not_change_answers() -> None:
    scorer = load_default_scorer()
    lines = [_line({"pointer": line_events(n, 16.0, 3.0)}) for n in range(3, 40)]
    one = list(score_lines(scorer, lines, batch=1))
    many = list(score_lines(scorer, lines, batch=16))
    assert one == many


def test_command_handles_thousands_of_lines(tmp_path: Path) -> None:
    payloads = [
        _line({"pointer": line_events(10 + i % 50, 16.0, 1.0 + i % 7)}) for i in range(3000)
    ]
    payloads[1234] = b'{"v": 3}'
    proc = subprocess.run(
        [sys.executable, "-m", "scoring", "score", "--batch", "500"],
        input=b"\n".join(payloads) + b"\n",
        capture_output=True,
        check=True,
        cwd=REPO,
        timeout=120,
    )
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == 3000
    assert out[1234]["path"] == "$.v"
    assert all("score" in o for i, o in enumerate(out) if i != 1234)
    # Same payload, same answer, wherever it sits in the stream.
    assert out[0] == out[350] and out[7] == out[357]


def test_schema_command_prints_the_committed_schema(capsys: object) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)  # type: ignore[attr-defined]
    assert printed == json.loads((REPO / "docs" / "signals.schema.json").read_text())
