"""Wire schema of the client signals the widget sends with ``/v1/submit``.

Version 1. Every section is optional: a payload with only ``pointer`` scores.
Sizes and numeric ranges are bounded here, so a hostile payload fails in the
decoder with a :class:`msgspec.ValidationError` naming the JSON path, long
before feature extraction sees it.

Canonical event shapes (arrays, not objects, to keep payloads small):

* ``pointer``: ``[t, x, y, kind]``; ``t`` ms since the first event of the
  section (non-decreasing), ``x``/``y`` viewport CSS pixels, ``kind`` 0 move,
  1 button down, 2 button up.
* ``keys``: ``[t, kind, class]``; kind 0 down, 1 up; class 0 letter, 1 digit,
  2 space, 3 delete/backspace, 4 modifier, 5 other. Never the key itself.
* ``scroll``: ``[t, scroll_x, scroll_y]`` page offsets in CSS pixels.
* ``touch``: ``[t, x, y, kind, touches]``; kind 0 move, 1 start, 2 end,
  3 cancel; ``touches`` the number of active touch points.
* ``focus``: ``[t, kind]``; kind 0 window blur, 1 window focus, 2 page
  hidden, 3 page visible.

``t`` in every section counts from the same origin: the first event the
widget recorded on the page (the ``timing`` section says how long after
script load that was).
"""

from __future__ import annotations

import inspect
from operator import itemgetter
from typing import Annotated, Literal

import msgspec

__all__ = [
    "MAX_EVENTS",
    "MAX_KEY_EVENTS",
    "Environment",
    "PowTiming",
    "Signals",
    "SourceError",
    "Timing",
    "UserAgentData",
    "decode_signals",
    "signals_json_schema",
]

MAX_EVENTS = 2000
MAX_KEY_EVENTS = 1000
MAX_SMALL_EVENTS = 500
# One hour of page time: the widget keeps only a recent window, so anything
# later than this is a forged or broken timestamp.
MAX_T_MS = 3_600_000.0
MAX_COORD = 100_000.0

TimeMs = Annotated[float, msgspec.Meta(ge=0.0, le=MAX_T_MS)]
Coord = Annotated[float, msgspec.Meta(ge=-MAX_COORD, le=MAX_COORD)]
ShortStr = Annotated[str, msgspec.Meta(max_length=128)]
LongStr = Annotated[str, msgspec.Meta(max_length=512)]
SmallCount = Annotated[int, msgspec.Meta(ge=0, le=100_000)]

PointerEvent = tuple[TimeMs, Coord, Coord, Annotated[int, msgspec.Meta(ge=0, le=2)]]
KeyEvent = tuple[
    TimeMs,
    Annotated[int, msgspec.Meta(ge=0, le=1)],
    Annotated[int, msgspec.Meta(ge=0, le=5)],
]
ScrollEvent = tuple[TimeMs, Coord, Coord]
TouchEvent = tuple[
    TimeMs,
    Coord,
    Coord,
    Annotated[int, msgspec.Meta(ge=0, le=3)],
    Annotated[int, msgspec.Meta(ge=0, le=10)],
]
FocusEvent = tuple[TimeMs, Annotated[int, msgspec.Meta(ge=0, le=3)]]


class _Wire(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """Base of every wire struct: immutable, strict about unknown fields."""


class UserAgentData(_Wire, frozen=True):
    """``navigator.userAgentData`` (Chromium only; absent elsewhere)."""

    brands: Annotated[list[ShortStr], msgspec.Meta(max_length=16)] = []
    mobile: bool | None = None
    platform: ShortStr | None = None


class SourceError(_Wire, frozen=True):
    """A signal source that threw: its name and the error's message."""

    source: ShortStr
    error: LongStr


class Environment(_Wire, frozen=True):
    """Raw environment values collected by the widget's sources.

    ``None`` means the source was not available or failed (then an entry in
    ``errors`` says why); it never means "bot". Verdicts are computed on the
    server by ``scoring.detectors`` from these raw values.
    """

    webdriver: bool | None = None
    user_agent: LongStr | None = None
    ua_data: UserAgentData | None = None
    # Values read inside a Web Worker: headless tooling often patches only
    # the window scope.
    worker_user_agent: LongStr | None = None
    worker_languages: Annotated[list[ShortStr], msgspec.Meta(max_length=32)] | None = None
    worker_hardware_concurrency: Annotated[int, msgspec.Meta(ge=0, le=4096)] | None = None
    language: ShortStr | None = None
    languages: Annotated[list[ShortStr], msgspec.Meta(max_length=32)] | None = None
    plugins: Annotated[int, msgspec.Meta(ge=0, le=1000)] | None = None
    mime_types: Annotated[int, msgspec.Meta(ge=0, le=1000)] | None = None
    webgl_vendor: LongStr | None = None
    webgl_renderer: LongStr | None = None
    # [width, height, avail_width, avail_height, color_depth]
    screen: tuple[SmallCount, SmallCount, SmallCount, SmallCount, SmallCount] | None = None
    # [inner_width, inner_height, outer_width, outer_height]
    window: tuple[SmallCount, SmallCount, SmallCount, SmallCount] | None = None
    device_pixel_ratio: Annotated[float, msgspec.Meta(gt=0.0, le=16.0)] | None = None
    hardware_concurrency: Annotated[int, msgspec.Meta(ge=0, le=4096)] | None = None
    device_memory: Annotated[float, msgspec.Meta(ge=0.0, le=4096.0)] | None = None
    timezone: ShortStr | None = None
    # Minutes, as Date.prototype.getTimezoneOffset returns them.
    timezone_offset: Annotated[int, msgspec.Meta(ge=-1440, le=1440)] | None = None
    notification_permission: Literal["default", "granted", "denied"] | None = None
    permissions_query: Literal["prompt", "granted", "denied"] | None = None
    # True when serialising an Error to the console read its ``stack``: a
    # DevTools protocol client (Puppeteer, Playwright, Selenium 4) is attached.
    cdp: bool | None = None
    # Native functions whose toString or property descriptors lie.
    tampered: Annotated[list[ShortStr], msgspec.Meta(max_length=64)] | None = None
    # Known automation globals present on window or document.
    automation_globals: Annotated[list[ShortStr], msgspec.Meta(max_length=64)] | None = None
    touch_points: Annotated[int, msgspec.Meta(ge=0, le=256)] | None = None
    errors: Annotated[list[SourceError], msgspec.Meta(max_length=64)] = []


class Timing(_Wire, frozen=True):
    """Page-level timing, in ms."""

    # From script load to the first recorded interaction; None when there was none.
    first_interaction_ms: Annotated[float, msgspec.Meta(ge=0.0, le=86_400_000.0)] | None = None
    # From script load to this submit.
    elapsed_ms: Annotated[float, msgspec.Meta(ge=0.0, le=86_400_000.0)] | None = None
    # Totals since load, including events dropped from the bounded windows.
    pointer_total: Annotated[int, msgspec.Meta(ge=0)] | None = None
    keys_total: Annotated[int, msgspec.Meta(ge=0)] | None = None
    scroll_total: Annotated[int, msgspec.Meta(ge=0)] | None = None
    touch_total: Annotated[int, msgspec.Meta(ge=0)] | None = None


class PowTiming(_Wire, frozen=True):
    """How the proof of work was solved."""

    solve_ms: Annotated[float, msgspec.Meta(ge=0.0, le=600_000.0)]
    hashes: Annotated[int, msgspec.Meta(ge=0)] | None = None
    # "worker" or "main" (the slice-by-slice fallback when Workers are blocked)
    where: Literal["worker", "main"] | None = None


_time = itemgetter(0)


def _first_decrease(events: list[tuple[float, ...]]) -> int:
    """Index of the first event earlier than its predecessor, or -1."""
    times = list(map(_time, events))
    # Sorted input (the normal case) is one linear pass in C.
    if times == sorted(times):
        return -1
    return next(i for i in range(1, len(times)) if times[i] < times[i - 1])


class Signals(_Wire, frozen=True):
    """Everything the widget observed; every section optional.

    Within each event section ``t`` must not decrease; the error names the
    first offending event (``$.pointer[12]``).
    """

    v: Literal[1] = 1
    pointer: Annotated[list[PointerEvent], msgspec.Meta(max_length=MAX_EVENTS)] | None = None
    keys: Annotated[list[KeyEvent], msgspec.Meta(max_length=MAX_KEY_EVENTS)] | None = None
    scroll: Annotated[list[ScrollEvent], msgspec.Meta(max_length=MAX_SMALL_EVENTS)] | None = None
    touch: Annotated[list[TouchEvent], msgspec.Meta(max_length=MAX_EVENTS)] | None = None
    focus: Annotated[list[FocusEvent], msgspec.Meta(max_length=MAX_SMALL_EVENTS)] | None = None
    timing: Timing | None = None
    env: Environment | None = None
    pow: PowTiming | None = None

    def __post_init__(self) -> None:
        for name in ("pointer", "keys", "scroll", "touch", "focus"):
            events = getattr(self, name)
            if events:
                bad = _first_decrease(events)
                if bad >= 0:
                    raise ValueError(f"`t` decreases - at `$.{name}[{bad}]`")


_decoder = msgspec.json.Decoder(Signals)


def decode_signals(data: bytes | str) -> Signals:
    """Decode one JSON signals payload; raises :class:`msgspec.ValidationError`."""
    return _decoder.decode(data)


def signals_json_schema() -> dict[str, object]:
    """The JSON Schema of :class:`Signals` (written to ``docs/signals.schema.json``)."""
    schema = msgspec.json.schema(Signals)
    # Descriptions come from docstrings, which msgspec releases clean up differently
    # (0.23 dedents them, earlier ones did not): clean them here, the same everywhere.
    for definition in schema.get("$defs", {}).values():
        if "description" in definition:
            definition["description"] = inspect.cleandoc(definition["description"])
    return schema
