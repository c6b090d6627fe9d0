"""A fleet of ``palisade serve`` processes on one Redis Cluster, and the widget's and a
backend's requests to them over real HTTP (for tests/edge_api/test_multiprocess.py)."""

from __future__ import annotations

import http.client
import ipaddress
import itertools
import json
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edge_api.pow import solve
from loadtests.payloads import BROWSER_UA, as_visitor
from tests.conftest import free_port, start_server, wait_healthy

HOSTNAME = "shop.example"
ORIGIN = f"https://{HOSTNAME}"
POW_MIN, POW_MAX = 2, 4
# The per-IP limit is tight (one request per 100 s after a burst of 5), so that the
# refill during a test is negligible; the others are out of the way. Each simulated
# visitor has its own IP (and /24) and makes two requests, well within its burst.
IP_RATE, IP_BURST = 0.01, 5
LIMITS = (
    f"ip={IP_RATE}/{IP_BURST},subnet=1000/100000,site=1000/100000,"
    "site_ip=1000/100000,secret=1000/100000"
)
HCAPTCHA, TURNSTILE, RECAPTCHA = (
    "/siteverify",
    "/turnstile/v0/siteverify",
    "/recaptcha/api/siteverify",
)
DUPLICATE = {"success": False, "error-codes": ["timeout-or-duplicate"]}
ALREADY_SEEN = {"success": False, "error-codes": ["already-seen-response"]}

_addresses = itertools.count(1)


def next_ip() -> str:
    """A visitor address of its own, alone in its /24 (no shared subnet limit or reputation)."""
    n = next(_addresses)
    return f"10.{(n >> 8) & 255}.{n & 255}.7"


def visitor_number(ip: str) -> int:
    """Distinct for every address of 10.0.0.0/8: each visitor's signals of its own."""
    return int(ipaddress.ip_address(ip)) % (1 << 24)


class Unreachable(Exception):
    """The request failed at the connection level: refused, reset, cut off mid-answer."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


@dataclass
class Node:
    """One ``palisade serve`` process."""

    name: str
    url: str
    log: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    def call(
        self,
        method: str,
        path: str,
        *,
        body: object = None,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        data: bytes | None = None
        sent = dict(headers or {})
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=sent)
        try:
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return _answer(response.status, response.headers, response.read())
            except urllib.error.HTTPError as exc:
                return _answer(exc.code, exc.headers, exc.read())
        except (OSError, http.client.HTTPException) as exc:
            raise Unreachable(f"{self.name} {method} {path}: {exc!r}") from exc


def _answer(status: int, headers: Any, raw: bytes) -> Answer:
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = raw.decode(errors="replace")
    return Answer(status, {k.lower(): v for k, v in headers.items()}, body)


@dataclass(frozen=True)
class Site:
    sitekey: str
    secret: str


@dataclass
class Fleet:
    """Three processes with one configuration; ``restart`` replaces a dead one."""

    env: dict[str, str]
    admin_token: str
    workdir: Path
    nodes: list[Node] = field(default_factory=list)
    launched: list[Node] = field(default_factory=list)

    def launch(self) -> Node:
        number = len(self.launched)
        data_dir = self.workdir / f"node{number}"  # its own, empty: nothing is shared on disk
        data_dir.mkdir()
        port = free_port()
        log = data_dir / "server.log"
        process = start_server({**self.env, "PALISADE_DATA_DIR": str(data_dir)}, port, log)
        node = Node(f"node{number}", f"http://127.0.0.1:{port}", log, process)
        self.launched.append(node)
        return node

    def restart(self, index: int) -> None:
        node = self.launch()
        wait_healthy(node.url, node.process, node.log)
        self.nodes[index] = node

    def create_site(self, node: Node, **fields: object) -> Site:
        spec = {
            "hostnames": [HOSTNAME],
            "pow_min": POW_MIN,
            "pow_max": POW_MAX,
            # The verify loop is under test here; the model's judgement is tested apart.
            "score_threshold": 0.0,
            # A store failure must show, not pass as a degraded success.
            "failure_policy": "closed",
            **fields,
        }
        answer = node.call("POST", "/admin/v1/sites", body=spec, headers=self.admin_headers())
        assert answer.status == 201, answer
        return Site(answer.body["sitekey"], answer.body["secret"])

    def admin_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin_token}"}

    def stop(self) -> None:
        for node in self.launched:
            if node.process.poll() is None:
                node.process.terminate()
        for node in self.launched:
            try:
                node.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                node.process.kill()
                node.process.wait(timeout=10)


def browser_headers(ip: str) -> dict[str, str]:
    return {
        "X-Forwarded-For": ip,
        "Origin": ORIGIN,
        "User-Agent": BROWSER_UA,
        "Accept-Language": "en-US,en;q=0.9",
    }


def challenge(node: Node, site: Site, ip: str) -> Answer:
    return node.call(
        "POST",
        "/v1/challenge",
        body={"sitekey": site.sitekey, "hostname": HOSTNAME},
        headers=browser_headers(ip),
    )


@dataclass(frozen=True)
class Solved:
    challenge: str
    solution: list[int]


def solved(answer: Answer) -> Solved:
    body = answer.body
    return Solved(body["challenge"], solve(body["id"], body["puzzles"], body["difficulty"]))


def submit(node: Node, work: Solved, ip: str, signals: dict[str, object], **extra: str) -> Answer:
    return node.call(
        "POST",
        "/v1/submit",
        body={
            "challenge": work.challenge,
            "solution": work.solution,
            "signals": signals,
            **extra,
        },
        headers=browser_headers(ip),
    )


def siteverify(node: Node, path: str, site: Site, token: str, idempotency_key: str = "") -> Any:
    """The answer of the customer's backend call (always HTTP 200)."""
    form = {"secret": site.secret, "response": token}
    if idempotency_key:
        form["idempotency_key"] = idempotency_key
    answer = node.call("POST", path, form=form)
    assert answer.status == 200, answer
    return answer.body


def issue_token(node: Node, site: Site, signals: dict[str, object]) -> str:
    """A visitor's whole widget flow at one process: the token it hands out."""
    ip = next_ip()
    issued = challenge(node, site, ip)
    assert issued.status == 200, issued
    passed = submit(node, solved(issued), ip, as_visitor(signals, visitor_number(ip)))
    assert passed.status == 200, passed
    assert passed.body["status"] == "pass", passed
    return str(passed.body["token"])


# --- a token issued by one process verifies once at any other ----------------------
