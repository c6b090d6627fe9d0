"""How long an analytics flush holds a worker's event loop, by distinct clients per flush.

    .venv/bin/python -m benchmarks.bench_flush [--clients 1,100,1000,5000]
        [--redis redis://127.0.0.1:6379/14] [--rounds 3]

A worker flushes what it recorded once a second. For each client count N this emits
the events of one second of N distinct visitors (two submits each, one passed and one
refused, as a surge against a site looks) into the recorder the app builds
(``open_analytics`` on a real Redis) and flushes it, while a probe task asks to run
every millisecond. It prints the flush's CPU time, the longest time the probe waited
(how long a request arriving during the flush could wait for the loop), and that wait
as a ratio of the probe's longest wait over the same time without a flush, measured
just before in the same run. The database given is flushed first.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import uvloop

from edge_api.analytics.recorder import AnalyticsConfig, open_analytics
from edge_api.events import DecisionEvent
from edge_api.store import RedisStore

PROBE_SECONDS = 0.001


async def _longest_wait(work: asyncio.Future[object] | None, seconds: float) -> float:
    """The probe's longest wait past its 1 ms sleep while ``work`` runs (or for
    ``seconds`` with nothing else running)."""
    longest = 0.0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (work is not None and not work.done()) or (work is None and loop.time() < deadline):
        asked = time.perf_counter()
        await asyncio.sleep(PROBE_SECONDS)
        longest = max(longest, time.perf_counter() - asked - PROBE_SECONDS)
    return longest


def _events(clients: int, now: float) -> list[DecisionEvent]:
    events = []
    for i in range(clients):
        client = f"{i:016x}"
        for outcome in ("passed", "refused"):
            events.append(
                DecisionEvent(
                    kind="submit",
                    sitekey="pk_bench",
                    ts=now,
                    outcome=outcome,
                    reasons=() if outcome == "passed" else ("pointer.model",),
                    score=0.9 if outcome == "passed" else 0.1,
                    model="m-bench",
                    subnet=client,
                    fingerprint=client[::-1],
                    mode="managed",
                )
            )
    return events


async def _measure(store: RedisStore, clients: int) -> tuple[float, float, float]:
    """(flush CPU ms, longest probe wait during it ms, without it ms)."""
    analytics = open_analytics(store, time.time, AnalyticsConfig(flush_seconds=3600.0))
    recorder = analytics.recorder
    for event in _events(clients, time.time()):
        recorder.emit(event)
    cpu = time.process_time()
    flush = asyncio.ensure_future(recorder.flush())
    during = await _longest_wait(flush, 0.0)
    written = await flush
    cpu = time.process_time() - cpu
    assert written == 2 * clients, (written, clients)
    baseline = await _longest_wait(None, max(0.05, during * 2))
    return cpu * 1e3, during * 1e3, baseline * 1e3


async def run(args: argparse.Namespace) -> None:
    store = RedisStore(args.redis)
    await store.client.flushdb()
    await _measure(store, 10)  # connect and warm up
    print(f"redis={args.redis} rounds={args.rounds} (medians)")
    print(
        f"{'clients':>8}{'events':>8}{'flush cpu ms':>14}{'us/event':>10}"
        f"{'longest wait ms':>17}{'without flush ms':>18}{'ratio':>8}"
    )
    for clients in args.clients:
        rows = [await _measure(store, clients) for _ in range(args.rounds)]
        cpu, during, baseline = (statistics.median(column) for column in zip(*rows, strict=True))
        per_event = cpu * 1e3 / (2 * clients)
        ratio = during / max(baseline, 1e-3)
        print(
            f"{clients:>8}{2 * clients:>8}{cpu:>14.2f}{per_event:>10.2f}"
            f"{during:>17.2f}{baseline:>18.2f}{ratio:>8.1f}"
        )
    await store.client.flushdb()
    await store.close()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--clients",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 100, 1000, 5000],
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    uvloop.run(run(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
