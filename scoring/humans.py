"""Human pieces from the Balabit Mouse Dynamics Challenge sessions (training only).

A session is tens of minutes of remote-desktop mouse use; the widget sees seconds.
Each left click becomes one piece: the movement from the pause before it (at
most ``MAX_APPROACH_MS`` earlier) to the press, the press and the release, the
way a widget sees someone move to its checkbox and click. Coordinates stay in
screen pixels and times in the session's timer steps; :mod:`scoring.recorder`
turns humans and bots alike into the browser-like stream the widget sends.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scoring.approaches import MIN_DISPLACEMENT_PX
from scoring.features._grid import Array

__all__ = [
    "PAGE_WINDOW_MS",
    "HumanPiece",
    "data_hash",
    "list_users",
    "load_user_pages",
    "load_user_pieces",
]

# The movement before a click starts after a still period at least this long.
START_PAUSE_MS = 300.0
MAX_APPROACH_MS = 5000.0
MAX_HOLD_MS = 2000.0
# Balabit has a few absurd coordinates (remote-desktop glitches).
MAX_SCREEN_PX = 10_000.0
# About what the widget's pointer buffer holds of a page's movement (sdk_js behaviour.ts).
PAGE_WINDOW_MS = 10_000.0


@dataclass(frozen=True, slots=True)
class HumanPiece:
    """One approach-and-click: ``events`` rows are ``[t_ms, x, y, kind]`` from t=0."""

    user: str
    session: str
    events: Array


def list_users(root: Path) -> list[str]:
    """User directory names under ``root``, sorted."""
    return sorted(p.name for p in root.iterdir() if p.is_dir())


def data_hash(root: Path, users: list[str]) -> str:
    """SHA-256 over the named users' session files (names and bytes), for the model card."""
    h = hashlib.sha256()
    for user in users:
        for f in sorted((root / user).glob("*.csv*")):
            h.update(f"{user}/{f.name}".encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def _read_session(path: Path) -> Array:
    """Rows ``[t_ms, x, y, kind]``: kind 0 move (or drag), 1 left press, 2 left release."""
    opener = gzip.open if path.suffix == ".gz" else open
    rows: list[tuple[float, float, float, float]] = []
    with opener(path, "rt", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        for rec in reader:
            if len(rec) < 6:
                continue
            button, state = rec[2], rec[3]
            if state in ("Move", "Drag"):
                kind = 0.0
            elif button == "Left" and state == "Pressed":
                kind = 1.0
            elif button == "Left" and state == "Released":
                kind = 2.0
            else:
                continue
            try:
                t, x, y = float(rec[1]) * 1000.0, float(rec[4]), float(rec[5])
            except ValueError:
                continue
            if 0.0 <= x <= MAX_SCREEN_PX and 0.0 <= y <= MAX_SCREEN_PX:
                rows.append((t, x, y, kind))
    arr = np.asarray(rows, dtype=np.float64).reshape(-1, 4)
    # Out-of-order rows exist; a stable sort keeps same-time events in file order.
    return arr[np.argsort(arr[:, 0], kind="stable")]


def _pieces(ev: Array) -> list[Array]:
    t, kind = ev[:, 0], ev[:, 3]
    out: list[Array] = []
    moves = np.flatnonzero(kind == 0.0)
    for p in np.flatnonzero(kind == 1.0).tolist():
        rel = np.flatnonzero(kind[p + 1 :] == 2.0)
        if not rel.size:
            continue
        r = p + 1 + int(rel[0])
        if t[r] - t[p] > MAX_HOLD_MS or np.any(kind[p + 1 : r] == 1.0):
            continue
        before = moves[(moves < p) & (t[moves] >= t[p] - MAX_APPROACH_MS)]
        if before.size < 4:
            continue
        # Earlier clicks inside the window: start after the last of them.
        gaps = np.flatnonzero(np.diff(t[before]) >= START_PAUSE_MS)
        prior = np.flatnonzero((kind[:p] != 0.0) & (t[:p] >= t[before[0]]))
        if gaps.size:
            first = int(before[gaps[-1] + 1])
        elif p > 0 and t[before[0]] - t[max(int(before[0]) - 1, 0)] >= START_PAUSE_MS:
            first = int(before[0])
        else:
            continue
        if prior.size and prior[-1] >= first:
            continue
        seg = np.concatenate([ev[first:p][kind[first:p] == 0.0], ev[p : p + 1], ev[r : r + 1]])
        if seg.shape[0] < 6:
            continue
        if np.hypot(seg[-2, 1] - seg[0, 1], seg[-2, 2] - seg[0, 2]) < MIN_DISPLACEMENT_PX:
            continue
        seg = seg.copy()
        seg[:, 0] -= seg[0, 0]
        out.append(seg)
    return out


def _pages(ev: Array, window_ms: float) -> list[Array]:
    t, kind = ev[:, 0], ev[:, 3]
    out: list[Array] = []
    for r in np.flatnonzero(kind == 2.0).tolist():
        lo = int(np.searchsorted(t, t[r] - window_ms, side="left"))
        page = ev[lo : r + 1]
        if np.count_nonzero(page[:, 3] == 0.0) < 4 or not np.any(page[:, 3] == 1.0):
            continue
        page = page.copy()
        page[:, 0] -= page[0, 0]
        out.append(page)
    return out


def _load(
    root: Path,
    user: str,
    rng: np.random.Generator,
    most: int,
    max_sessions: int,
    cut: Callable[[Array], list[Array]],
) -> list[HumanPiece]:
    """``cut`` of each session of ``user`` (``max_sessions`` > 0: its first sessions
    only), at most ``most`` of them, sampled reproducibly."""
    found: list[HumanPiece] = []
    files = sorted((root / user).glob("*.csv*"))
    for f in files[:max_sessions] if max_sessions > 0 else files:
        found.extend(HumanPiece(user, f.name, events) for events in cut(_read_session(f)))
    if len(found) > most:
        keep = np.sort(rng.choice(len(found), size=most, replace=False))
        found = [found[i] for i in keep.tolist()]
    return found


def load_user_pages(
    root: Path,
    user: str,
    rng: np.random.Generator,
    max_pages: int,
    *,
    window_ms: float = PAGE_WINDOW_MS,
    max_sessions: int = 0,
) -> list[HumanPiece]:
    """What the widget holds when a person clicks: every move, press and release of the
    ``window_ms`` before each left release, from t=0 (often several approaches and
    clicks, as on a form). At most ``max_pages``, sampled reproducibly."""
    return _load(root, user, rng, max_pages, max_sessions, lambda ev: _pages(ev, window_ms))


def load_user_pieces(
    root: Path, user: str, rng: np.random.Generator, max_pieces: int, max_sessions: int = 0
) -> list[HumanPiece]:
    """At most ``max_pieces`` pieces of one user (``max_sessions`` > 0: of its first
    sessions only), sampled reproducibly."""
    return _load(root, user, rng, max_pieces, max_sessions, _pieces)
