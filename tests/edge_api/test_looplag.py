"""The event-loop lag probe sees a stall, and the app reports it in /metrics."""

from __future__ import annotations

import asyncio
import time

from edge_api.looplag import LoopLagProbe
from tests.edge_api.conftest import Harness


def test_a_stall_is_observed_as_lag() -> None:
    seen: list[float] = []

    async def scenario() -> None:
        probe = LoopLagProbe(interval=0.01, observe=seen.append)
        probe.start()
        await asyncio.sleep(0.05)
        time.sleep(0.12)  # noqa: ASYNC251 - the stall under test: something holds the loop
        await asyncio.sleep(0.05)
        await probe.stop()

    asyncio.run(scenario())
    assert len(seen) >= 4
    assert max(seen) >= 0.1
    assert sorted(seen)[len(seen) // 2] < 0.05  # only the stall was late


def test_stop_ends_the_probe() -> None:
    seen: list[float] = []

    async def scenario() -> int:
        probe = LoopLagProbe(interval=0.005, observe=seen.append)
        probe.start()
        await asyncio.sleep(0.03)
        await probe.stop()
        stopped_at = len(seen)
        await asyncio.sleep(0.03)
        return stopped_at

    assert asyncio.run(scenario()) == len(seen)


def test_the_app_reports_loop_lag(harness: Harness) -> None:
    deadline = time.monotonic() + 5
    while True:
        metrics = harness.client.get("/metrics").text
        counts = [
            float(line.split()[-1])
            for line in metrics.splitlines()
            if line.startswith("palisade_event_loop_lag_seconds_count")
        ]
        if (counts and counts[0] > 0) or time.monotonic() > deadline:
            break
        time.sleep(0.06)
    assert counts and counts[0] > 0
