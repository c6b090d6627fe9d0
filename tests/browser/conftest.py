"""Browser fixtures: Debian's chromium driven by Python playwright, against a real server.

Customer pages come from a second local HTTP server on ``http://localhost:<port>`` while
Palisade listens on ``127.0.0.1``: the widget runs cross-origin from the Palisade server, as
on a customer's site. (A real server, not playwright's router: Chromium's local network
access checks refuse a routed "public" page calling loopback.)
"""

from __future__ import annotations

import json
import os
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright

from edge_api.sites import DEFAULT_POW_MIN
from tests.conftest import REPO, LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOP_HOST = "localhost"
DIST = REPO / "sdk_js" / "dist" / "api.js"
ARTIFACTS = REPO / "test-artifacts" / "browser"


@pytest.fixture(scope="session")
def server(live_server: LiveServer) -> LiveServer:
    """The shared live ``palisade serve`` (dev mode), once the widget is built."""
    if not DIST.exists():
        pytest.fail("widget not built: run npm ci && npm run build in sdk_js")
    return live_server


@pytest.fixture(scope="session")
def pw() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


def launch_chromium(pw: Playwright, profile: Path, **options: Any) -> BrowserContext:
    """Debian's Chromium, headless, on a fresh profile; ``options`` as playwright's
    ``launch_persistent_context`` takes them (viewport, touch, user agent)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium missing: apt-get install -y chromium")
    return pw.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, **options
    )


@pytest.fixture(scope="session")
def context(pw: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    ctx = launch_chromium(
        pw, tmp_path_factory.mktemp("chromium-profile"), viewport={"width": 1000, "height": 700}
    )
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    p = context.new_page()
    yield p
    p.close()


def script_url(server: LiveServer, query: str = "") -> str:
    return f"{server.url}/v1/api.js" + (f"?{query}" if query else "")


class _Pages:
    """Pages by path, each with extra response headers (a CSP, say)."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, dict[str, str]]] = {}


@pytest.fixture(scope="session")
def shop() -> Iterator[tuple[str, _Pages]]:
    """The customer's web server: ``(origin, pages)``."""
    pages = _Pages()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            found = pages.pages.get(path)
            if found is None:
                self.send_error(404)
                return
            body, headers = found
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{httpd.server_address[1]}", pages
    httpd.shutdown()
    httpd.server_close()


ServePage = Callable[..., str]
_counter = iter(range(1_000_000))


@pytest.fixture
def serve_page(page: Page, shop: tuple[str, _Pages]) -> ServePage:
    """``serve_page(html, csp=None)``: serve ``html`` at a fresh path of the shop, open it."""
    return page_server(page, shop)


def page_server(page: Page, shop: tuple[str, _Pages]) -> ServePage:
    """:func:`serve_page` for any page (another browser context's)."""
    origin, pages = shop

    def open_(html: str, csp: str | None = None) -> str:
        path = f"/page{next(_counter)}.html"
        pages.pages[path] = (html, {"Content-Security-Policy": csp} if csp else {})
        page.goto(origin + path)
        return origin + path

    return open_


def make_site(server: LiveServer, **fields: Any) -> tuple[str, str]:
    """A site for this origin that accepts any score, at the default PoW difficulty.

    Chromium under playwright reports navigator.webdriver, which the scorer (rightly)
    scores 0, and every test shares 127.0.0.1, whose reputation then raises the PoW
    difficulty. These tests check the widget's mechanics: pin both. What the signals
    say is checked on the submitted payload instead.
    """
    fields.setdefault("hostnames", [SHOP_HOST])
    fields.setdefault("score_threshold", 0.0)
    fields.setdefault("pow_min", DEFAULT_POW_MIN)
    fields.setdefault("pow_max", fields["pow_min"])
    return server.create_site(**fields)


def siteverify(server: LiveServer, secret: str, token: str, path: str = "/siteverify") -> Any:
    """What a customer backend does: form POST of secret + response."""
    data = urllib.parse.urlencode({"secret": secret, "response": token}).encode()
    req = urllib.request.Request(server.url + path, data=data, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return json.loads(exc.read())


def capture_submits(page: Page) -> list[dict[str, Any]]:
    """Bodies of every /v1/submit the page sends (to check the wire format)."""
    bodies: list[dict[str, Any]] = []

    def on_request(request: Any) -> None:
        if request.url.endswith("/v1/submit") and request.method == "POST":
            bodies.append(json.loads(request.post_data or "{}"))

    page.on("request", on_request)
    return bodies


MOUSE_DATA = Path(
    os.environ.get("PALISADE_MOUSE_DATA", REPO.parent / "shared" / "data" / "mouse-human")
)


def human_path(max_points: int = 90, nth: int = 0) -> list[tuple[float, float, float]]:
    """A recorded human approach to a click: ``[(t_seconds, dx, dy)]`` ending at (0, 0).

    From the Balabit mouse dynamics sessions: the moves in the ~1.5 s before a left
    press, relative to the press position (screen pixels, Windows timer steps); ``nth``
    picks a later one (0 is the first usable approach of the data).
    """
    import csv
    import gzip

    files = sorted(MOUSE_DATA.glob("user*/session_*.csv.gz"))
    if not files:
        pytest.fail(f"no human mouse data under {MOUSE_DATA} (set PALISADE_MOUSE_DATA)")
    for path in files:
        with gzip.open(path, "rt", newline="") as handle:
            moves: list[tuple[float, float, float]] = []
            for row in csv.DictReader(handle):
                t, x, y = float(row["client timestamp"]), float(row["x"]), float(row["y"])
                if row["state"] == "Move":
                    moves.append((t, x, y))
                    moves = moves[-400:]
                elif row["button"] == "Left" and row["state"] == "Pressed":
                    recent = [m for m in moves if t - 1.5 <= m[0] <= t]
                    span = max((abs(m[1] - x) + abs(m[2] - y) for m in recent), default=0)
                    # A real approach: enough samples, travelling a visible distance.
                    if len(recent) >= 40 and 150 <= span <= 600:
                        if nth == 0:
                            recent = recent[-max_points:]
                            return [(m[0] - recent[0][0], m[1] - x, m[2] - y) for m in recent]
                        nth -= 1
                    moves = []
    pytest.fail("no usable approach-to-click segment in the mouse data")


def replay_human_click(page: Page, target_x: float, target_y: float, nth: int = 0) -> None:
    """Moves the real mouse along a recorded human path (the ``nth``, see
    :func:`human_path`) ending on the target, then clicks."""
    import time

    path = human_path(nth=nth)
    start = time.monotonic()
    for i, (t, dx, dy) in enumerate(path):
        now = time.monotonic() - start
        # Each move is a round trip to the browser (about 30 ms on a busy 2-core
        # machine, longer than a 60 Hz step). A point whose successor is already due
        # is skipped, so every move lands at its recorded time, as a slower capture
        # of the same hand would; sending the late ones in a burst would draw a
        # different movement.
        if i + 1 < len(path) and path[i + 1][0] <= now:
            continue
        if t > now:
            time.sleep(t - now)
        page.mouse.move(target_x + dx, target_y + dy)
    page.mouse.move(target_x, target_y)
    time.sleep(0.09)  # press after settling, as people do
    page.mouse.down()
    time.sleep(0.11)
    page.mouse.up()


def js_await(page: Page, function: str, arg: Any = None, timeout_ms: int = 20_000) -> Any:
    """Calls the JS ``function`` (an arrow function's source) with ``arg`` and awaits it,
    bounded: a promise that never settles fails the test instead of hanging it (evaluate
    itself has no timeout)."""
    return page.evaluate(
        f"""(arg) => Promise.race([
            ({function})(arg),
            new Promise((_, no) => setTimeout(() => no(new Error('timed out')), {timeout_ms})),
        ])""",
        arg,
    )


def write_artifact(name: str, text: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.write_text(text)
    return path
