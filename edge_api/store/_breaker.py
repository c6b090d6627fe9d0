"""A circuit breaker: after repeated store failures, fail fast for a while."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

__all__ = ["DEFAULT_COOLDOWN", "DEFAULT_FAILURE_THRESHOLD", "BreakerState", "CircuitBreaker"]

DEFAULT_FAILURE_THRESHOLD = 3
DEFAULT_COOLDOWN = 2.0

BreakerState = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    """Closed: calls go through. ``threshold`` consecutive failures open it: calls fail
    at once (no waiting on a dead server) until ``cooldown`` has passed; then one probe
    call is let through (half-open) and its result closes or re-opens the breaker."""

    def __init__(
        self,
        *,
        threshold: int = DEFAULT_FAILURE_THRESHOLD,
        cooldown: float = DEFAULT_COOLDOWN,
        clock: Callable[[], float] = time.monotonic,
        on_state: Callable[[BreakerState], None] | None = None,
    ) -> None:
        self._on_state = on_state
        self._reported: BreakerState = "closed"
        self._threshold = threshold
        self._cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return "closed"
        if self._probing or self._clock() >= self._opened_at + self._cooldown:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        """Whether a call may go to the store now."""
        if self._opened_at is None:
            return True
        if self._probing:
            return False  # one probe at a time
        if self._clock() >= self._opened_at + self._cooldown:
            self._probing = True
            self._report()
            return True
        return False

    def success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probing = False
        self._report()

    def failure(self) -> None:
        self._failures += 1
        self._probing = False
        if self._opened_at is not None or self._failures >= self._threshold:
            self._opened_at = self._clock()
        self._report()

    def _report(self) -> None:
        state = self.state
        if state != self._reported:
            self._reported = state
            if self._on_state is not None:
                self._on_state(state)
