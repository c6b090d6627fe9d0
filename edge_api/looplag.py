"""How late a worker's event loop runs what is due: its stalls, as a metric.

Every request on a worker waits for whatever else its event loop is doing, so one
piece of work that holds the loop (a large flush, a full garbage collection, a slow
callback) delays every request in flight, and no request's own latency says why. A
probe task asks to wake every ``interval`` and records how late it woke in
``palisade_event_loop_lag_seconds``, as Node's ``monitorEventLoopDelay`` does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from edge_api._background import Background
from edge_api.metrics import observe_loop_lag

__all__ = ["DEFAULT_INTERVAL", "LoopLagProbe"]

# 20 wake-ups a second: a stall of a few milliseconds once a second is seen in about a
# tenth of the seconds, at a cost of a few microseconds per wake-up.
DEFAULT_INTERVAL = 0.05


class LoopLagProbe:
    """Started and stopped by the app's lifespan, one per worker."""

    def __init__(
        self,
        *,
        interval: float = DEFAULT_INTERVAL,
        observe: Callable[[float], None] = observe_loop_lag,
    ) -> None:
        self._interval = interval
        self._observe = observe
        self._background = Background(self._run)

    def start(self) -> None:
        self._background.start()

    async def stop(self) -> None:
        await self._background.stop()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            await asyncio.sleep(self._interval)
            self._observe(max(0.0, loop.time() - asked - self._interval))
