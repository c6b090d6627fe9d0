"""A short run of the whole load-test mix through ``python -m loadtests run`` against
a real ``palisade serve`` (which the runner starts), asserting the mix happened."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.mark.slow
def test_smoke_mix(tmp_path: Path) -> None:
    report_path = tmp_path / "report.json"
    # A subprocess: locust patches the standard library with gevent on import, which
    # must not happen inside pytest.
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "loadtests",
            "run",
            "--users",
            "10",
            "--seconds",
            "15",
            "--json",
            str(report_path),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    report = json.loads(report_path.read_text())
    outcomes = report["outcomes"]
    assert report["ok"] is True
    assert report["unexpected_failures"] == 0, report["errors"]
    assert report["missing_outcomes"] == []
    # Visitors solved, passed, and their backends verified the tokens.
    assert outcomes["visitor.challenge"] >= 10
    assert outcomes["visitor.pass"] >= 10
    assert outcomes["siteverify.success"] >= 5
    assert outcomes.get("siteverify.failed", 0) == 0
    # The abusive client was limited and escalated, and none of it counted as failure.
    assert outcomes["abusive.rate_limited"] >= 10
    assert outcomes.get("abusive.escalate", 0) + outcomes.get("abusive.refused", 0) >= 1
    endpoints = {row["name"]: row for row in report["endpoints"]}
    for name in ("/v1/challenge", "/v1/submit", "/siteverify", "/v1/challenge (abusive)"):
        assert endpoints[name]["requests"] > 0
        assert endpoints[name]["failures"] == 0
        assert endpoints[name]["p50_ms"] <= endpoints[name]["p99_ms"]
    # The surge: all 10 users at once in the middle third, fewer before and after.
    counts = [users for _, users in report["user_timeline"]]
    peak_at = counts.index(10)
    assert 0 < max(counts[:peak_at]) < 10
    assert min(counts[peak_at:]) < 10
    assert report["peak_users"]["AbusiveClient"] == 1
    assert report["peak_users"]["CustomerBackend"] == 1
    # The printed table is there for people.
    assert "p99 ms" in completed.stdout
    assert "unexpected failures: 0 -> OK" in completed.stdout
