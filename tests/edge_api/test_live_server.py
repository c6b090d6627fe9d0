"""A real ``palisade serve`` process over real HTTP: the flow, the CLI, start-up checks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from edge_api.pow import solve
from tests.conftest import REPO, LiveServer, free_port, start_server, wait_healthy


def siteverify(server: LiveServer, path: str, fields: dict[str, str]) -> dict[str, object]:
    data = urllib.parse.urlencode(fields).encode()
    with urllib.request.urlopen(server.url + path, data=data, timeout=10) as response:
        result: dict[str, object] = json.loads(response.read())
        return result


def test_full_flow_over_http(live_server: LiveServer) -> None:
    # Threshold 0: this checks the verify loop; the model's judgement is tested apart.
    sitekey, secret = live_server.create_site(hostnames=["shop.example"], score_threshold=0.0)
    status, challenge = live_server.request(
        "POST", "/v1/challenge", {"sitekey": sitekey, "hostname": "shop.example"}
    )
    assert status == 200
    assert isinstance(challenge, dict)
    solution = solve(challenge["id"], challenge["puzzles"], challenge["difficulty"])
    status, answer = live_server.request(
        "POST",
        "/v1/submit",
        {
            "challenge": challenge["challenge"],
            "solution": solution,
            "signals": {"v": 1},
            "action": "signup",
        },
    )
    assert status == 200, answer
    assert isinstance(answer, dict)
    token = answer["token"]
    first = siteverify(
        live_server, "/turnstile/v0/siteverify", {"secret": secret, "response": token}
    )
    assert first["success"] is True
    assert first["action"] == "signup"
    second = siteverify(
        live_server, "/turnstile/v0/siteverify", {"secret": secret, "response": token}
    )
    assert second == {"success": False, "error-codes": ["timeout-or-duplicate"]}


def run_cli(server: LiveServer, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "edge_api", "sites", "--url", server.url, *args],
        env={**os.environ, "PALISADE_ADMIN_TOKEN": server.admin_token},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_sites_cli(live_server: LiveServer) -> None:
    created = run_cli(live_server, "create", "--hostname", "cli.example", "--mode", "invisible")
    assert created.returncode == 0, created.stderr
    site = json.loads(created.stdout)
    assert site["mode"] == "invisible"
    assert site["secret"].startswith("sk_")
    sitekey = site["sitekey"]
    assert sitekey in run_cli(live_server, "list").stdout
    updated = run_cli(live_server, "update", sitekey, "--score-threshold", "0.8")
    assert json.loads(updated.stdout)["score_threshold"] == 0.8
    rotated = json.loads(run_cli(live_server, "rotate-secret", sitekey).stdout)
    assert rotated["secret"] != site["secret"]
    assert run_cli(live_server, "delete", sitekey).returncode == 0
    missing = run_cli(live_server, "get", sitekey)
    assert missing.returncode == 1
    assert "unknown_sitekey" in missing.stderr
    bad = run_cli(live_server, "create", "--hostname", "bad host")
    assert bad.returncode == 1
    assert "$.hostnames[0]" in bad.stderr


def serve(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "edge_api", "serve", *args],
        env={k: v for k, v in os.environ.items() if not k.startswith("PALISADE_")} | env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_embedded_store_refuses_several_workers(tmp_path: Path) -> None:
    result = serve({"PALISADE_DATA_DIR": str(tmp_path)}, "--workers", "2")
    assert result.returncode == 2
    assert "PALISADE_REDIS_URL" in result.stderr


def test_production_refuses_to_start_without_keys(tmp_path: Path) -> None:
    result = serve({"PALISADE_ENV": "production", "PALISADE_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "PALISADE_SIGNING_KEYS" in result.stderr
    assert not (tmp_path / "keys.json").exists()


def test_graceful_shutdown(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    process = start_server({"PALISADE_DATA_DIR": str(tmp_path)}, port, log)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process, log)
        process.send_signal(signal.SIGTERM)
        # uvicorn finishes the lifespan, then re-raises the signal for process managers.
        assert process.wait(timeout=15) in (0, -signal.SIGTERM)
        assert "Application shutdown complete" in log.read_text()
    finally:
        if process.poll() is None:
            process.kill()


def test_the_cli_loads_no_metrics_before_choosing_where_they_go() -> None:
    # Granian forks workers from the CLI's process: prometheus_client must not have
    # picked its (single-process) value class there before PROMETHEUS_MULTIPROC_DIR is set.
    probe = "import sys, edge_api.cli; print('prometheus_client' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == "False"
