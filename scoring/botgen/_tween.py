"""Easing functions as pytweening (used by pyautogui and pyclick) defines them."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from scoring.features._grid import Array

__all__ = ["TWEENS"]


def _ease_out_elastic(n: Array) -> Array:
    p = 0.3
    s = p / 4.0
    return np.asarray(2.0 ** (-10.0 * n) * np.sin((n - s) * (2.0 * np.pi / p)) + 1.0)


def _ease_in_out_quad(n: Array) -> Array:
    return np.where(n < 0.5, 2.0 * n * n, -2.0 * n * n + 4.0 * n - 1.0)


def _ease_in_out_cubic(n: Array) -> Array:
    m = 2.0 * n - 2.0
    return np.where(n < 0.5, 4.0 * n**3, 0.5 * m**3 + 1.0)


TWEENS: dict[str, Callable[[Array], Array]] = {
    "linear": lambda n: n,
    "easeInQuad": lambda n: n * n,
    "easeOutQuad": lambda n: -n * (n - 2.0),
    "easeInOutQuad": _ease_in_out_quad,
    "easeInCubic": lambda n: n**3,
    "easeOutCubic": lambda n: (n - 1.0) ** 3 + 1.0,
    "easeInOutCubic": _ease_in_out_cubic,
    "easeInOutSine": lambda n: -0.5 * (np.cos(np.pi * n) - 1.0),
    "easeOutElastic": _ease_out_elastic,
}
