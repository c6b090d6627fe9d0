"""Every approach of a visit: each click the page saw, scored on its own, then combined.

The widget records the whole page (a form filled in before the checkbox is
clicked), so a pointer section often holds several moves to a target and
clicks. The pointer model is trained on one approach-and-click; one approach
tells a bot from a person less surely than several, because a person's
pieces vary while a tool makes the same kind of movement each time.

:func:`split` cuts a section into the last :data:`MAX_APPROACHES` approaches
that look like the model's training pieces (:mod:`scoring.humans`: at least
:data:`MIN_MOVES` moves and :data:`MIN_DISPLACEMENT_PX` from the first move to
the press, the previous click outside it; when none does, the click with the most
moves before it, see :func:`clicks`). Each is then scored as a section of
its own would be, so a one-click section is scored exactly as before, and
:func:`combine` averages the approaches' logits: the mean of log odds, whose
ranking is that of the product of the likelihood ratios, without claiming the
approaches are independent (one person's, or one tool's, are not). A model may
carry a calibration of that mean for each number of approaches (fitted in
training on out-of-fold visits of the training users), so a score means the same
whether the page saw one click or four, and with it the weight of the evidence that
the approaches are more alike than a person's (:mod:`scoring.consistency`): each
approach of a tool with one configuration can pass for a person's, the set of them
less often.

Padding is a known limit: a bot that makes several human-like approaches and
one of its own gets the mean of them; the lowest approach still gives the
reason codes.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from itertools import islice
from typing import NamedTuple

import numpy as np

from scoring.features._grid import Array
from scoring.features.pointer import Section, section_of

__all__ = [
    "CALIBRATION_KEY",
    "MAX_APPROACHES",
    "MAX_SCANNED",
    "MIN_DISPLACEMENT_PX",
    "MIN_MOVES",
    "Calibration",
    "Clicks",
    "calibration_of",
    "clicks",
    "combine",
    "evidence_weight",
    "mean_logit",
    "parse_calibration",
    "spans",
    "split",
]

# Four approaches caught nearly every bot of most families held out of training
# (docs/scoring.md, Visits); the cost is one model row and one feature pass each.
MAX_APPROACHES = 4
# The training pieces are cut the same way (scoring.humans): smaller movements
# are not what the model learnt from.
MIN_MOVES = 4
MIN_DISPLACEMENT_PX = 30.0
# Clicks looked at, newest first, for those approaches: only clicks with moves before
# them count (a double click or a burst of clicks in place costs nothing to pass over).
MAX_SCANNED = 4 * MAX_APPROACHES
# In the reversed kinds: a press (1), then the moves (0) since the button event before it.
_PRESS_AFTER_MOVES = re.compile(rb"\x01\x00+")
# Log odds are clipped here: the model's output never reaches 0 or 1, and a
# probability rounded to either must not decide the mean alone.
_P_FLOOR = 1e-6

Event = Sequence[float]


def _next_button(kinds: bytes, start: int) -> int:
    press, release = kinds.find(1, start), kinds.find(2, start)
    if press < 0 or 0 <= release < press:
        return release
    return press


class Clicks(NamedTuple):
    """What :func:`clicks` found in a pointer section, as ``(lo, hi)`` event spans."""

    readable: list[tuple[int, int]]
    """The approaches the model can read, oldest first (at most ``MAX_APPROACHES``)."""
    fallback: tuple[int, int]
    """What is read when none is: the click with the most moves before it (the newest
    of those), or the whole section when no click had a move before it."""


def clicks(section: Section) -> Clicks:
    """The clicks of a pointer section: each runs from the event after the previous
    button event through its press and, when it comes before the next button event,
    its release.

    A section with at most one press is read whole (the feature extractor reads its
    last window as it always has). When several presses came and none qualifies, a
    person double-clicked or clicked in place after moving somewhere: the click with
    the most moves before it is the nearest thing to the approach-and-click the model
    knows, where the whole section is several clicks read as one movement, which no
    training piece looks like.
    """
    kinds = section.kinds
    n = len(kinds)
    whole = (0, n)
    found: list[tuple[int, int]] = []
    if kinds.count(1) <= 1:
        return Clicks(found, whole)
    fallback, fallback_moves = whole, 0
    x, y = section.x, section.y
    # Newest first: a press right after the moves since the previous button event,
    # found in the reversed kinds. A press with no move before it can never qualify,
    # so a burst of clicks in place costs nothing to pass over.
    for match in islice(_PRESS_AFTER_MOVES.finditer(kinds[::-1]), MAX_SCANNED):
        press, lo = n - 1 - match.start(), n - match.end()
        moves = press - lo
        readable = (
            moves >= MIN_MOVES
            and math.hypot(x[press] - x[lo], y[press] - y[lo]) >= MIN_DISPLACEMENT_PX
        )
        if not readable and moves <= fallback_moves:
            continue
        after = _next_button(kinds, press + 1)
        hi = after + 1 if after >= 0 and kinds[after] == 2 else press + 1
        if not readable:
            fallback, fallback_moves = (lo, hi), moves
            continue
        found.append((lo, hi))
        if len(found) == MAX_APPROACHES:
            break
    found.reverse()
    return Clicks(found, fallback)


def spans(section: Section) -> list[tuple[int, int]]:
    """The spans the scorer reads: the readable approaches, or else the fallback; none
    when the section has no press. Moves without a click are not what the model
    learnt (an approach and its click), and its reading of them is no evidence:
    people's recorded pages with the presses taken out score below 0.5 two times in
    three. A page whose person has only moved so far (a managed widget's first submit,
    a checkbox ticked from the keyboard) is then scored as one with no pointer events,
    which is what a script could send anyway."""
    if 1 not in section.kinds:
        return []
    found = clicks(section)
    return found.readable or [found.fallback]


def split(events: Sequence[Event]) -> list[Sequence[Event]]:
    """:func:`spans` as slices of ``events``."""
    return [events[lo:hi] for lo, hi in spans(section_of(events))]


# A model's per-count calibration of the mean logit: for k approaches,
# ``sigmoid(scale * mean + shift + weight * evidence)``, where ``evidence`` is how
# much more alike the approaches are than people's (:mod:`scoring.consistency`;
# models from before it carry no weight: 0), in its metadata under this key.
CALIBRATION_KEY = "visit_calibration"

Calibration = dict[int, tuple[float, float, float]]


def calibration_of(metadata: Mapping[str, str]) -> Calibration:
    """The per-count calibration a model carries (empty: the plain mean)."""
    return parse_calibration(json.loads(metadata.get(CALIBRATION_KEY, "{}")))


def parse_calibration(raw: Mapping[str, Sequence[float]]) -> Calibration:
    """A calibration from its JSON form (``{"k": [scale, shift, weight]}``; models from
    before the consistency evidence have no weight)."""
    return {
        int(k): (float(v[0]), float(v[1]), float(v[2]) if len(v) > 2 else 0.0)
        for k, v in raw.items()
    }


def mean_logit(p: Array) -> float:
    """The mean of the approaches' log odds (each P(human) clipped away from 0 and 1)."""
    q = np.clip(p, _P_FLOOR, 1.0 - _P_FLOOR)
    return float(np.mean(np.log(q) - np.log1p(-q)))


def evidence_weight(count: int, calibration: Calibration | None) -> float:
    """The weight of the consistency evidence for ``count`` approaches (0: unused)."""
    c = (calibration or {}).get(count)
    return c[2] if c is not None else 0.0


def combine(p: Array, calibration: Calibration | None = None, evidence: float = 0.0) -> float:
    """One P(human) from the approaches' P(human): the sigmoid of their mean logit,
    scaled and shifted for their number when the model was calibrated for it, plus
    the weighted evidence that they are more alike than a person's.

    The mean of several approaches' logits is not calibrated by the one-approach
    Platt scaling: people's visits vary less than their pieces, bots' agree more.
    """
    if p.size == 1:
        return float(p[0])
    scale, shift, weight = (calibration or {}).get(p.size, (1.0, 0.0, 0.0))
    return 1.0 / (1.0 + math.exp(-(scale * mean_logit(p) + shift + weight * evidence)))
