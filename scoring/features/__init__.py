"""Behaviour features, one group per module, in a plain registry.

Every group maps its section of :class:`scoring.schema.Signals` to a fixed-size
float vector in its ``NAMES`` order. A missing section gives NaN everywhere and
``<group>.missing = 1``: its own state, never an implicit verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from scoring.features import keys, pointer, scroll, touch
from scoring.features._grid import Array
from scoring.schema import Signals

__all__ = [
    "FEATURE_GROUPS",
    "POINTER_MODEL_FEATURES",
    "FeatureGroup",
    "extract_all",
    "feature_names",
]


class FeatureGroup:
    """One feature group: its names and how to read its section from signals."""

    __slots__ = ("extract", "names")

    def __init__(self, names: tuple[str, ...], extract: Callable[[Signals], Array]) -> None:
        self.names = names
        self.extract = extract


FEATURE_GROUPS: Final[dict[str, FeatureGroup]] = {
    "pointer": FeatureGroup(pointer.NAMES, lambda s: pointer.extract(s.pointer)),
    "keys": FeatureGroup(keys.NAMES, lambda s: keys.extract(s.keys)),
    "scroll": FeatureGroup(scroll.NAMES, lambda s: scroll.extract(s.scroll)),
    "touch": FeatureGroup(touch.NAMES, lambda s: touch.extract(s.touch)),
}


# The pointer model's input: the pointer group without its missing flag (the
# model only runs when there is a pointer section).
POINTER_MODEL_FEATURES: Final[tuple[str, ...]] = pointer.NAMES[1:]


def feature_names() -> tuple[str, ...]:
    """All feature names, groups in registry order."""
    return tuple(n for g in FEATURE_GROUPS.values() for n in g.names)


def extract_all(signals: Signals) -> dict[str, Array]:
    """Every group's vector, by group name."""
    return {name: g.extract(signals) for name, g in FEATURE_GROUPS.items()}


def _self_check() -> None:
    # Names are the model's input contract: duplicates would silently shift columns.
    names = feature_names()
    if len(set(names)) != len(names):
        raise RuntimeError("duplicate feature names")


_self_check()
