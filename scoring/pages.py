"""People's pages: what the widget sends when a person clicks, scored as the server does.

The model card judges approach-and-click pieces and visits built from them. A real page
is messier: the widget sends the last ten seconds of the pointer (wandering, pauses,
double clicks, small corrections before a click), the scorer cuts it into the
approaches it can read (:mod:`scoring.approaches`) and, when none qualifies, the
click with the most moves before it. This measures what that means for people:
recorded pages of held-out
users (:func:`scoring.humans.load_user_pages`, through the widget's recorder), scored
whole by the production scorer, the share challenged at a threshold, by how many
readable approaches the page had.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec
import numpy as np

from scoring import approaches
from scoring.features import pointer
from scoring.features._grid import Array
from scoring.humans import load_user_pages
from scoring.recorder import to_browser
from scoring.result import RequestContext
from scoring.schema import Signals, decode_signals
from scoring.scorer import Scorer

__all__ = [
    "BROWSER_ENV",
    "BROWSER_UA",
    "PAGE_KINDS",
    "PageMetrics",
    "format_page_table",
    "page_kind",
    "page_metrics",
    "widget_pointer",
]

PAGE_KINDS = (
    "one press or none",
    "several presses, none readable",
    "several presses, 1 readable",
    "several presses, 2-4 readable",
)
THRESHOLDS = (0.5, 0.1)
BROWSER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
# The environment section of a plain desktop browser (payloads built from recordings).
BROWSER_ENV = {"webdriver": False, "user_agent": BROWSER_UA, "languages": ["en-US", "en"]}


@dataclass(frozen=True, slots=True)
class PageMetrics:
    """One user's pages of one kind: how many, and the share below each threshold."""

    user: str
    kind: str
    pages: int
    below: tuple[float, ...]


def widget_pointer(events: Array, rng: np.random.Generator) -> list[list[float]]:
    """A recording's ``[t, x, y, kind]`` rows as the widget would send them."""
    return [[t, x, y, int(k)] for t, x, y, k in to_browser(events, rng).tolist()]


def page_kind(events: Sequence[Sequence[float]]) -> str:
    """Which of :data:`PAGE_KINDS` a pointer section is."""
    section = pointer.section_of(events)
    if section.kinds.count(1) <= 1:
        return PAGE_KINDS[0]
    readable = len(approaches.clicks(section).readable)
    return PAGE_KINDS[min(readable, 2) + 1]


def _user_pages(root: Path, user: str, max_pages: int, seed: int) -> list[Signals]:
    rng = np.random.default_rng([seed, 97])
    return [
        decode_signals(
            msgspec.json.encode({"pointer": widget_pointer(page.events, rng), "env": BROWSER_ENV})
        )
        for page in load_user_pages(root, user, rng, max_pages)
    ]


def page_metrics(
    scorer: Scorer, root: Path, users: Sequence[str], *, max_pages: int, seed: int = 7
) -> list[PageMetrics]:
    """Per user, per kind and over all its pages: the share scored below each of
    :data:`THRESHOLDS` by ``scorer``, pages scored sixteen at a time as a loaded
    worker does."""
    ctx = RequestContext(user_agent=BROWSER_UA, accept_language="en-US,en")
    rows: list[PageMetrics] = []
    for user in users:
        pages = _user_pages(root, user, max_pages, seed)
        scores: list[float] = []
        for i in range(0, len(pages), 16):
            scores += [r.score for r in scorer.score_many([(p, ctx) for p in pages[i : i + 16]])]
        kinds = np.array([page_kind(p.pointer or []) for p in pages])
        s = np.array(scores)
        for kind in (*PAGE_KINDS, "all"):
            mine = s if kind == "all" else s[kinds == kind]
            below = tuple(
                float(np.mean(mine < t)) if mine.size else float("nan") for t in THRESHOLDS
            )
            rows.append(PageMetrics(user, kind, int(mine.size), below))
    return rows


def format_page_table(rows: Sequence[PageMetrics]) -> str:
    heads = " | ".join(f"score < {t}" for t in THRESHOLDS)
    lines = [
        f"| user | page | pages | {heads} |",
        "| --- | --- | --- |" + " --- |" * len(THRESHOLDS),
    ]
    for r in rows:
        shares = " | ".join(f"{100 * b:.1f}%" for b in r.below)
        lines.append(f"| {r.user} | {r.kind} | {r.pages} | {shares} |")
    return "\n".join(lines)
