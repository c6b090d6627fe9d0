"""Every approach of a visit: each click the page saw, scored on its own, then combined.

The widget records the whole page (a form filled in before the checkbox is
clicked), so a pointer section often holds several moves to a target and
clicks. The pointer model is trained on one approach-and-click; one approach
tells a bot from a person less surely than several, because a person's
pieces vary while a tool makes the same kind of movement each time.

:func:`split` cuts a section into the last :data:`MAX_APPROACHES` approaches
that look like the model's training pieces (:mod:`scoring.humans`: at least
:data:`MIN_MOVES` moves and :data:`MIN_DISPLACEMENT_PX` from the first move to
the press, the previous click outside it). Each is then scored as a section of
its own would be, so a one-click section is scored exactly as before, and
:func:`combine` averages the approaches' logits: the mean of log odds, whose
ranking is that of the product of the likelihood ratios, without claiming the
approaches are independent (one person's, or one tool's, are not).

Padding is a known limit: a bot that makes several human-like approaches and
one of its own gets the mean of them; the lowest approach still gives the
reason codes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from operator import itemgetter

import numpy as np

from scoring.features._grid import Array

__all__ = ["MAX_APPROACHES", "MIN_DISPLACEMENT_PX", "MIN_MOVES", "combine", "split"]

# Four approaches caught nearly every bot of most families held out of training
# (docs/scoring.md, Visits); the cost is one model row and one feature pass each.
MAX_APPROACHES = 4
# As the training pieces are cut (scoring.humans): smaller movements are not
# what the model learnt from.
MIN_MOVES = 4
MIN_DISPLACEMENT_PX = 30.0
# Log odds are clipped here: the model's output never reaches 0 or 1, and a
# probability rounded to either must not decide the mean alone.
_P_FLOOR = 1e-6

Event = Sequence[float]
_kind = itemgetter(3)
_BUTTON = re.compile(b"[\x01\x02]")


def _approach(events: Sequence[Event], code: bytes, lo: int, press: int) -> bool:
    """Whether ``events[lo:press]`` holds an approach the model can read."""
    if code.count(0, lo, press) < MIN_MOVES:
        return False
    a, p = events[code.find(0, lo, press)], events[press]
    return math.hypot(p[1] - a[1], p[2] - a[2]) >= MIN_DISPLACEMENT_PX


def split(events: Sequence[Event]) -> list[Sequence[Event]]:
    """The approaches of a pointer section, oldest first (at most ``MAX_APPROACHES``).

    A section with at most one press, or none that qualifies, is returned whole:
    the feature extractor reads its last window as it always has.
    """
    # The kinds as bytes, searched in C: most sections have one click, and a Python
    # loop over a full buffer would cost a good part of an approach's features.
    try:
        code = bytes(map(_kind, events))
    except TypeError:  # float kinds from a caller; the wire's are ints
        code = bytes(int(e[3]) for e in events)
    if code.count(1) <= 1:
        return [events]
    buttons = [m.start() for m in _BUTTON.finditer(code)]
    presses = [k for k, i in enumerate(buttons) if code[i] == 1]
    found: list[Sequence[Event]] = []
    for k in reversed(presses):
        press = buttons[k]
        lo = buttons[k - 1] + 1 if k > 0 else 0
        # Through this press's release, when it comes before the next button event.
        hi = press + 1
        if k + 1 < len(buttons) and code[buttons[k + 1]] == 2:
            hi = buttons[k + 1] + 1
        if _approach(events, code, lo, press):
            found.append(events[lo:hi])
            if len(found) == MAX_APPROACHES:
                break
    if not found:
        return [events]
    found.reverse()
    return found


def combine(p: Array) -> float:
    """One P(human) from the approaches' P(human): the sigmoid of their mean logit."""
    if p.size == 1:
        return float(p[0])
    q = np.clip(p, _P_FLOOR, 1.0 - _P_FLOOR)
    mean = float(np.mean(np.log(q) - np.log1p(-q)))
    return 1.0 / (1.0 + math.exp(-mean))
