"""/metrics: decisions, reasons, inference, Redis; JSON access log; several workers."""

from __future__ import annotations

import os
import re
import secrets
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from edge_api.metrics import set_breaker_state
from tests.conftest import FakeClock, free_port, start_server, wait_healthy
from tests.edge_api.analytics.conftest import BOT_SIGNALS, HUMAN_IP, Lab, open_lab


def _value(text: str, sample: str) -> float:
    match = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.MULTILINE)
    assert match is not None, sample
    return float(match.group(1))


@pytest.mark.redis
def test_decision_inference_and_redis_metrics(
    tmp_path: Path, clock: FakeClock, redis_url: str
) -> None:
    for lab in open_lab(tmp_path, clock, redis_url):
        before = lab.h.client.get("/metrics").text
        site = lab.h.create_site()
        assert lab.submit(site["sitekey"], HUMAN_IP).json()["status"] == "pass"
        assert lab.submit(site["sitekey"], HUMAN_IP, signals=BOT_SIGNALS).status_code == 200
        lab.flush()
        set_breaker_state("open")
        after = lab.h.client.get("/metrics").text
        set_breaker_state("closed")

        def delta(sample: str, before: str = before, after: str = after) -> float:
            old = _value(before, sample) if sample in before else 0.0
            return _value(after, sample) - old

        assert delta('palisade_decision_events_total{kind="submit",outcome="passed"}') == 1
        assert delta('palisade_decision_events_total{kind="submit",outcome="escalated"}') == 1
        assert delta('palisade_decision_reasons_total{kind="submit",reason="env.webdriver"}') == 1
        assert delta('palisade_model_inference_seconds_count{model="rules"}') == 2
        # Both scored submits (the pass and the escalation) are model decisions.
        assert delta('palisade_model_decisions_total{model="rules"}') == 2
        assert delta('palisade_redis_seconds_count{operation="analytics_write"}') >= 1
        assert _value(after, "palisade_redis_circuit_state") == 2


def test_access_log_one_json_line_per_request(
    tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    lab: Lab
    for lab in open_lab(tmp_path, clock, None):
        capsys.readouterr()
        given = lab.h.client.get("/healthz", headers={"X-Request-Id": "cdn-req-abcdef12"})
        made = lab.h.client.get("/v1/analytics/pk_x/outcomes?secret=leak")
    # The lines are on stderr once the lifespan has ended at the latest.
    lines = [line for line in capsys.readouterr().err.splitlines() if '"event":"request"' in line]
    records = [orjson.loads(line) for line in lines]
    assert len(records) == 2
    assert records[0]["request_id"] == "cdn-req-abcdef12" == given.headers["x-request-id"]
    assert records[1]["request_id"] == made.headers["x-request-id"]
    assert records[1]["status"] == 401
    assert records[1]["route"] == "/v1/analytics/{sitekey}/{view}"
    assert "leak" not in lines[1]  # never the query string
    assert {"ts", "method", "path", "duration_ms"} <= set(records[0])


@pytest.fixture(params=["uvicorn", "granian"])
def two_workers(request: pytest.FixtureRequest, tmp_path: Path, redis_url: str) -> Iterator[str]:
    port = free_port()
    log = tmp_path / "server.log"
    env = {
        "PALISADE_ENV": "dev",
        "PALISADE_DATA_DIR": str(tmp_path),
        "PALISADE_ADMIN_TOKEN": secrets.token_urlsafe(16),
        "PALISADE_REDIS_URL": redis_url,
        "PALISADE_ACCESS_LOG": "off",
    }
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    # Granian forks its workers from the CLI's process, uvicorn spawns fresh ones: the
    # samples must add up either way.
    process = start_server(env, port, log, "--workers", "2", "--server", request.param)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.redis
@pytest.mark.slow
def test_metrics_add_up_across_workers(two_workers: str) -> None:
    def get(path: str) -> str:
        with urllib.request.urlopen(two_workers + path, timeout=10) as response:
            return str(response.read().decode())

    for _ in range(40):
        get("/healthz")
    sample = 'palisade_http_requests_total{method="GET",route="/healthz",status="200"}'
    # Whichever worker answers, it reports the samples of both.
    for _ in range(4):
        assert _value(get("/metrics"), sample) == 40
