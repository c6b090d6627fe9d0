"""Channel scores that come from rules, not from the model.

Keys, scroll and touch have no labelled training data yet, so their channels
are deterministic checks on their features; the environment channel combines
the detectors' verdicts. Each returns ``(score, reasons)`` with score in 0..1
(1 = nothing wrong found) or ``None`` when the channel had no data.
"""

from __future__ import annotations

import math

from scoring.detectors import Detection, Verdict
from scoring.features import keys, scroll, touch
from scoring.features._grid import Array

__all__ = ["env_channel", "keys_channel", "scroll_channel", "touch_channel"]

ChannelScore = tuple[float | None, list[str]]

_K = {n: i for i, n in enumerate(keys.NAMES)}
_S = {n: i for i, n in enumerate(scroll.NAMES)}
_T = {n: i for i, n in enumerate(touch.NAMES)}
# A channel score with nothing wrong found: not 1.0, rules prove little.
CLEAN = 0.9
SUSPICIOUS_FACTOR = 0.6
BOT_SCORE = 0.02


def _val(v: Array, i: int) -> float | None:
    x = float(v[i])
    return None if math.isnan(x) else x


def keys_channel(v: Array, *, on_screen: bool = False) -> ChannelScore:
    """``on_screen``: the page was used by touch, so its keys most likely came from an
    on-screen keyboard, whose key events follow the text it commits rather than the
    finger (Android's IME reports unidentified keys): their holds and pairing measure
    the keyboard, not the person, so only the timing between keys is read. (Not
    measured on devices here; a script that claims a touch page gains only the two
    hold rules, and the timing rule and everything else still apply.)"""
    if v[_K["keys.missing"]] == 1.0:
        return None, []
    reasons: list[str] = []
    score = CLEAN
    downs = _val(v, _K["keys.count"]) or 0.0
    zero = _val(v, _K["keys.hold_zero_frac"])
    if not on_screen and downs >= 3 and zero is not None and zero >= 0.5:
        score, reasons = 0.1, ["keys.zero_hold"]
    flight_cv = _val(v, _K["keys.flight_cv"])
    repeat = _val(v, _K["keys.flight_repeat_frac"])
    if downs >= 6 and (
        (flight_cv is not None and flight_cv < 0.05) or (repeat is not None and repeat > 0.8)
    ):
        score = min(score, 0.15)
        reasons.append("keys.regular_timing")
    unpaired = _val(v, _K["keys.unpaired_frac"])
    if not on_screen and downs >= 3 and unpaired is not None and unpaired > 0.5:
        score = min(score, 0.4)
        reasons.append("keys.unpaired")
    return score, reasons


def scroll_channel(v: Array) -> ChannelScore:
    if v[_S["scroll.missing"]] == 1.0:
        return None, []
    count = _val(v, _S["scroll.count"]) or 0.0
    jumps = _val(v, _S["scroll.jump_frac"])
    if count >= 2 and jumps is not None and jumps >= 1.0:
        return 0.5, ["scroll.jumps"]
    return CLEAN, []


def touch_channel(v: Array, *, touch_points: int | None = None) -> ChannelScore:
    """``touch_points``: the browser's ``navigator.maxTouchPoints`` (None: not sent).
    Touch events fire only where there is a touch screen, and then it is at least 1;
    events dispatched by automation (CDP's ``Input.dispatchTouchEvent``) reach a page
    whose browser has none."""
    if v[_T["touch.missing"]] == 1.0:
        return None, []
    if touch_points == 0:
        return 0.1, ["touch.no_touchscreen"]
    tap = _val(v, _T["touch.tap_ms"])
    if tap is not None and tap <= 1.0:
        return 0.1, ["touch.instant_tap"]
    count = _val(v, _T["touch.count"]) or 0.0
    straight = _val(v, _T["touch.straightness"])
    if count > 5 and straight is not None and straight >= 0.9999:
        return 0.4, ["touch.straight"]
    return CLEAN, []


# Module constants: an enum member looked up on its class costs more than the loop's test.
_UNKNOWN, _BOT, _SUSPICIOUS = Verdict.UNKNOWN, Verdict.BOT, Verdict.SUSPICIOUS


def env_channel(detections: dict[str, Detection]) -> tuple[float | None, list[str], bool]:
    """Environment score, reasons, and whether any detector said ``bot``."""
    reasons: list[str] = []
    score = 1.0
    known = False
    bot = False
    for d in detections.values():
        verdict = d.verdict
        if verdict is _UNKNOWN:
            continue
        known = True
        if verdict is _BOT:
            bot = True
            reasons.append(d.reason)
        elif verdict is _SUSPICIOUS:
            score *= SUSPICIOUS_FACTOR
            reasons.append(d.reason)
    if not known:
        return None, [], False
    return (BOT_SCORE if bot else score), reasons, bot
