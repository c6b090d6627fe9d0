"""Shared fixtures: a controllable clock, a real Redis server, a live Palisade server."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


class FakeClock:
    """Wall-clock seconds that only move when a test says so."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            # A server with a password answers too, refusing: it is up.
            return sock.recv(16).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def launch_redis(port: int, workdir: Path | str, *options: str) -> subprocess.Popen[bytes]:
    """A loopback redis-server that writes no RDB snapshots; ``options`` add to that."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server)")
    return subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            str(workdir),
            *options,
        ],
        stdout=subprocess.DEVNULL,
    )


def wait_for_redis(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not _redis_answers(port):
        if time.monotonic() > deadline:
            pytest.fail(f"redis-server on port {port} did not start")
        time.sleep(0.02)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real Redis: PALISADE_TEST_REDIS_URL, else 127.0.0.1:6379, else one we start."""
    given = os.environ.get("PALISADE_TEST_REDIS_URL")
    if given:
        yield given
        return
    if _redis_answers(6379):
        yield "redis://127.0.0.1:6379/15"
        return
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="palisade-redis-")
    process = launch_redis(port, workdir, "--appendonly", "no")
    wait_for_redis(port)
    yield f"redis://127.0.0.1:{port}/15"
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)


@dataclass
class LiveServer:
    """A real ``palisade serve`` process (uvicorn, uvloop, httptools) on a free port."""

    url: str
    admin_token: str
    data_dir: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    def request(
        self, method: str, path: str, body: object = None, *, token: str | None = None
    ) -> tuple[int, object]:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            return exc.code, json.loads(raw) if raw else None

    def create_site(self, **fields: object) -> tuple[str, str]:
        fields.setdefault("hostnames", ["localhost", "127.0.0.1"])
        status, body = self.request("POST", "/admin/v1/sites", fields, token=self.admin_token)
        assert status == 201, body
        assert isinstance(body, dict)
        return str(body["sitekey"]), str(body["secret"])


def start_server(env: dict[str, str], port: int, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    """``palisade serve`` in a subprocess, its output in ``log`` (a pipe could fill up)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "edge_api", "serve", "--port", str(port), *extra],
            env={**os.environ, **env},
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_healthy(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not become ready")


# Every browser test comes from 127.0.0.1: limits are tested elsewhere.
RELAXED_LIVE_LIMITS = "ip=1000/10000,subnet=1000/10000,site_ip=1000/10000"


@contextmanager
def running_server(data_dir: Path, **env: str) -> Iterator[LiveServer]:
    """A real ``palisade serve`` in dev mode on a free port, stopped on exit."""
    token = secrets.token_urlsafe(16)
    port = free_port()
    log = data_dir / "server.log"
    process = start_server(
        {
            "PALISADE_ENV": "dev",
            "PALISADE_DATA_DIR": str(data_dir),
            "PALISADE_ADMIN_TOKEN": token,
            "PALISADE_LIMITS": RELAXED_LIVE_LIMITS,
            **env,
        },
        port,
        log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, log)
        yield LiveServer(url=url, admin_token=token, data_dir=data_dir, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("palisade-live")) as server:
        yield server


class RedisProcess:
    """A redis-server of the test's own, which the test may stop and start again.

    Append-only with fsync always, so what was written survives a restart.
    """

    def __init__(self, workdir: Path, port: int) -> None:
        self.workdir = workdir
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = launch_redis(
            self.port, self.workdir, "--appendonly", "yes", "--appendfsync", "always"
        )
        wait_for_redis(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_process(tmp_path: Path) -> Iterator[RedisProcess]:
    process = RedisProcess(tmp_path, free_port())
    process.start()
    yield process
    process.stop()


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _cluster_ports(count: int) -> list[int]:
    """Ports whose cluster bus port (port + 10000) is free and valid too."""
    ports: list[int] = []
    candidate = 20000 + secrets.randbelow(20000)
    while len(ports) < count:
        candidate += 1
        if _port_free(candidate) and _port_free(candidate + 10000):
            ports.append(candidate)
    return ports


@pytest.fixture(scope="session")
def redis_cluster_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real three-master Redis Cluster on loopback ports, for the session."""
    cli = shutil.which("redis-cli")
    if cli is None:
        pytest.fail("redis-cli is needed for the cluster tests")
    workdir = tmp_path_factory.mktemp("redis-cluster")
    ports = _cluster_ports(3)
    processes = []
    for port in ports:
        node_dir = workdir / str(port)
        node_dir.mkdir()
        processes.append(
            launch_redis(
                port,
                node_dir,
                "--appendonly",
                "no",
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                str(node_dir / "nodes.conf"),
            )
        )
    try:
        for port in ports:
            wait_for_redis(port)
        subprocess.run(
            [
                cli,
                "--cluster",
                "create",
                *(f"127.0.0.1:{p}" for p in ports),
                "--cluster-replicas",
                "0",
                "--cluster-yes",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        deadline = time.monotonic() + 30
        while True:
            infos = [
                subprocess.run(
                    [cli, "-p", str(p), "cluster", "info"],
                    capture_output=True,
                    text=True,
                    check=False,
                ).stdout
                for p in ports
            ]
            if all("cluster_state:ok" in info for info in infos):
                break
            if time.monotonic() > deadline:
                pytest.fail("the cluster did not reach cluster_state:ok")
            time.sleep(0.1)
        yield f"redis+cluster://127.0.0.1:{ports[0]}"
    finally:
        for process in processes:
            process.kill()
            process.wait(timeout=10)
