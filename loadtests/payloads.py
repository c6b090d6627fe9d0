"""Request bodies and client addresses for the load-test users.

Human signals are recorded pointer movement from ``../shared/data/mouse-human`` turned
into what the widget sends (the benchmarks use the same payloads), so every submit runs
the real scorer on realistic input. Bots send what a cheap headless script sends.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from scoring.humans import load_user_pages, load_user_pieces
from scoring.pages import BROWSER_ENV, widget_pointer
from scoring.pages import BROWSER_UA as BROWSER_UA  # the load tests and benchmarks send it

REPO = Path(__file__).resolve().parent.parent
HUMANS = REPO.parent / "shared" / "data" / "mouse-human"
HOSTNAME = "loadtest.example"
ORIGIN = f"https://{HOSTNAME}"
BOT_UA = "python-requests/2.32.3"
# Abusive clients come from three documentation subnets (RFC 5737), four hosts each:
# few enough that the per-IP and per-subnet limits must bite.
ABUSIVE_IPS = tuple(
    f"{net}.{host}" for net in ("192.0.2", "198.51.100", "203.0.113") for host in (7, 8, 9, 10)
)

Signals = dict[str, object]


# The recordings captured at about a browser's event rate (the others are ~9 Hz).
BROWSER_RATE_USERS = ("user9", "user7", "user20")


def human_signals(
    count: int, users: tuple[str, ...] = BROWSER_RATE_USERS, *, pages: bool = True
) -> list[Signals]:
    """``count`` signal payloads of a few recorded users with a browser's environment.

    ``pages``: what the widget sends when a person clicks, the last ten seconds of the
    page's pointer events (a median of about 180 at 60 Hz, often several approaches);
    otherwise one approach-and-click piece each (a tenth of that).
    """
    rng = np.random.default_rng(7)
    per_user = max(1, count // len(users))
    load = load_user_pages if pages else load_user_pieces
    found: list[Signals] = []
    for user in users:
        # Two sessions per user: reading every session costs seconds at start.
        for piece in load(HUMANS, user, rng, per_user, max_sessions=2):
            found.append({"v": 1, "pointer": widget_pointer(piece.events, rng), "env": BROWSER_ENV})
    if not found:
        raise RuntimeError(f"no human recordings under {HUMANS}")
    return found


def as_visitor(signals: Signals, visitor: int) -> Signals:
    """The recorded movement as another visitor's page places it: shifted by whole CSS
    pixels, a different shift for each of 2**24 visitor numbers. The service remembers
    submitted behaviour and refuses the same signals from a second client, as it would
    a recording replayed by a bot farm."""
    dx, dy = visitor % 4096, (visitor // 4096) % 4096
    pointer = signals["pointer"]
    assert isinstance(pointer, list)
    return {**signals, "pointer": [[t, x + dx, y + dy, k] for t, x, y, k in pointer]}


def bot_signals() -> Signals:
    """An automation framework that does not hide itself: no pointer, webdriver set."""
    return {"v": 1, "env": {"webdriver": True, "user_agent": BOT_UA, "languages": []}}


def visitor_ip(rng: random.Random) -> str:
    """A fresh visitor from anywhere in 10.0.0.0/8: humans rarely share a /24."""
    return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
