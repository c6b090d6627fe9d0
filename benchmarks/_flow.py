"""Palisade's three widget-and-backend steps as wrk workloads: shared by the benchmarks.

Each step gets requests that do real work every time: a challenge request per
``POST /v1/challenge``; a distinct, correctly solved challenge (minted offline with the
server's keys at difficulty 1, so the load generator does no PoW) carrying recorded
human pointer movement per ``POST /v1/submit`` (by default what the widget sends when a
person clicks, the page's last ten seconds: ``loadtests.payloads.human_signals``); a
distinct valid token per ``POST /siteverify``. A replayed body would measure the
cheaper refusal path, so every round gets fresh files.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from edge_api.keys import KeyRing
from edge_api.pow import ChallengeIssuer, solve
from edge_api.tokens import TokenService
from loadtests.payloads import BROWSER_UA, as_visitor, human_signals

HOSTNAME = "bench.example"
STEPS = ("challenge", "submit", "siteverify")
PATHS = {"challenge": "/v1/challenge", "submit": "/v1/submit", "siteverify": "/siteverify"}
CONTENT_TYPES = {
    "challenge": "application/json",
    "submit": "application/json",
    "siteverify": "application/x-www-form-urlencoded",
}

# wrk sends one line of the file per request, round robin, to `path`.
WRK_LINES = """
local lines = {}
local index = 0
init = function(args)
  for line in io.lines("%(file)s") do lines[#lines + 1] = line end
end
request = function()
  index = index + 1
  return wrk.format("POST", "%(path)s", {["Content-Type"] = "%(content_type)s",
                    ["User-Agent"] = "%(ua)s"%(client_header)s},
                    lines[((index - 1) %% #lines) + 1])
end
"""
# With many clients, each request names its visitor as a CDN would, in turn; the
# address's fastest-changing part is its /24, so consecutive visitors are also in
# different subnets (each wrk run starts from the first again).
CLIENT_HEADER = """,
                    ["X-Forwarded-For"] = string.format("10.%%d.%%d.%%d",
                      ((index - 1) %% %(clients)d) %% 256,
                      math.floor(((index - 1) %% %(clients)d) / 256) %% 256,
                      math.floor(((index - 1) %% %(clients)d) / 65536) %% 256)"""

# The same request every time: the bare baseline and the challenge step.
WRK_FIXED = """
wrk.method = "POST"
wrk.path = "%(path)s"
wrk.headers["Content-Type"] = "%(content_type)s"
wrk.headers["User-Agent"] = "%(ua)s"
wrk.body = '%(body)s'
"""


def fixed_script(path: str, body: str, content_type: str = "application/json") -> str:
    return WRK_FIXED % {
        "path": path,
        "content_type": content_type,
        "ua": BROWSER_UA,
        "body": body.replace("\\", "\\\\").replace("'", "\\'"),
    }


def lines_script(
    path: str, lines_file: Path, *, content_type: str = "application/json", clients: int = 1
) -> str:
    """``clients`` > 1: an ``X-Forwarded-For`` per request, cycling through that many
    addresses (the server must trust the loopback proxy)."""
    return WRK_LINES % {
        "file": lines_file,
        "path": path,
        "content_type": content_type,
        "ua": BROWSER_UA,
        "client_header": CLIENT_HEADER % {"clients": clients} if clients > 1 else "",
    }


def add_payload_argument(parser: argparse.ArgumentParser) -> None:
    """``--payload page|piece``: what each submit carries (see the module docstring)."""
    parser.add_argument(
        "--payload",
        choices=("page", "piece"),
        default="page",
        help="page: the widget's last ten seconds of a page at 60 Hz (the default); "
        "piece: one ~9 Hz approach-and-click, the payload before 2026-12-07",
    )


@dataclass(frozen=True)
class Site:
    sitekey: str
    secret: str


class PalisadeWorkload:
    """Writes wrk scripts for each step against a site whose keys the caller holds."""

    def __init__(
        self, keyring: KeyRing, site: Site, work: Path, *, clients: int = 1, pages: bool = True
    ) -> None:
        self._clients = clients
        self._issuer = ChallengeIssuer(keyring, lifetime=3600)
        self._tokens = TokenService(keyring)
        self._site = site
        self._work = work
        # The pieces are those the benchmarks sent before pages: a ~9 Hz person's.
        self._signals = (
            human_signals(200, pages=True)
            if pages
            else human_signals(200, ("user21",), pages=False)
        )
        self.payload = "page" if pages else "piece"
        self._serial = 0
        self._submits = 0

    def describe(self) -> str:
        """The submit payloads in a line: pointer events and signal bytes, medians."""
        events = statistics.median(len(s["pointer"]) for s in self._signals)  # type: ignore[arg-type]
        size = statistics.median(len(json.dumps(s)) for s in self._signals)
        return (
            f"payload={self.payload}: {events:.0f} pointer events, "
            f"{size:.0f} bytes of signals (medians)"
        )

    def bodies(self, step: str, count: int) -> list[bytes]:
        """``count`` request bodies for ``step``, distinct where it matters."""
        if step == "challenge":
            body = json.dumps({"sitekey": self._site.sitekey, "hostname": HOSTNAME})
            return [body.encode()] * count
        if step == "submit":
            return [line.encode() for line in self._submit_bodies(count)]
        prefix = f"secret={self._site.secret}&response="
        return [(prefix + token).encode() for token in self._tokens_of(count)]

    def script(self, step: str, count: int, *, path: str | None = None) -> Path:
        """A wrk script sending ``count`` bodies for ``step`` (one for a challenge) to
        ``path`` (the step's own by default; siteverify has aliases)."""
        self._serial += 1
        name = f"{step}-{self._serial}"
        lines_file = self._work / f"{name}.txt"
        lines_file.write_bytes(
            b"\n".join(self.bodies(step, 1 if step == "challenge" else count)) + b"\n"
        )
        script = self._work / f"{name}.lua"
        script.write_text(
            lines_script(
                path or PATHS[step],
                lines_file,
                content_type=CONTENT_TYPES[step],
                clients=self._clients,
            )
        )
        return script

    def _submit_bodies(self, count: int) -> Iterator[str]:
        for _ in range(count):
            self._submits += 1
            i = self._submits
            text, claims = self._issuer.issue(
                sitekey=self._site.sitekey, hostname=HOSTNAME, difficulty=1, now=time.time()
            )
            yield json.dumps(
                {
                    "challenge": text,
                    "solution": solve(claims.id, claims.k, 1),
                    # Every submit carries behaviour of its own (the service refuses
                    # one client's signals from another).
                    "signals": as_visitor(self._signals[i % len(self._signals)], i),
                }
            )

    def _tokens_of(self, count: int) -> Iterator[str]:
        for _ in range(count):
            token, _ = self._tokens.issue(
                sitekey=self._site.sitekey,
                hostname=HOSTNAME,
                action="login",
                cdata="",
                score=0.9,
                reasons=(),
                lifetime=3600,
                client_ip="203.0.113.1",
                model="rules",
                now=time.time(),
            )
            yield token


BARE_BODY = json.dumps({"sitekey": "0" * 32, "hostname": HOSTNAME})


def bare_script(work: Path) -> Path:
    """The baseline request: a small JSON POST to the bare Starlette endpoint."""
    script = work / "bare.lua"
    script.write_text(fixed_script("/bare", BARE_BODY))
    return script
