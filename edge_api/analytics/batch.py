"""Events reduced to the writes one flush makes: counters, uniques, top lists, TTLs.

Reducing in the worker first means a burst of 1000 decisions of one site in one
minute becomes a handful of HINCRBYs, not 1000 of each.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from edge_api.analytics.schema import (
    HOUR,
    REFUSAL_OUTCOMES,
    WINDOWS,
    score_bucket,
    site_prefix,
)
from edge_api.events import DecisionEvent

__all__ = ["Batch", "reduce_events"]


def _counter_dict() -> defaultdict[str, int]:
    return defaultdict(int)


@dataclass(slots=True)
class Batch:
    """Writes keyed by store key (without the store's own prefix)."""

    counters: defaultdict[str, defaultdict[str, int]] = field(
        default_factory=lambda: defaultdict(_counter_dict)
    )
    uniques: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    tops: defaultdict[str, defaultdict[str, int]] = field(
        default_factory=lambda: defaultdict(_counter_dict)
    )
    # Seconds to live for every key above, from the flush's ``now``.
    ttls: dict[str, int] = field(default_factory=dict)
    events: list[DecisionEvent] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.events)


def _fields(event: DecisionEvent) -> dict[str, int]:
    fields = {f"c:{event.kind}:{event.outcome}": 1}
    if event.score is not None and event.kind == "submit":
        fields[f"s:{score_bucket(event.score)}"] = 1
    for reason in event.reasons:
        fields[f"r:{reason}"] = fields.get(f"r:{reason}", 0) + 1
    if event.model is not None:
        fields[f"m:{event.model}"] = 1
    return fields


def reduce_events(events: list[DecisionEvent], now: float) -> Batch:
    batch = Batch(events=events)
    for event in events:
        prefix = site_prefix(event.sitekey)
        fields = _fields(event)
        for window in WINDOWS.values():
            start = window.start(event.ts)
            if start < window.oldest(now):
                continue  # already past retention: nothing to keep
            ttl = window.ttl(start, now)
            key = f"{prefix}{window.counters}:{start}"
            counters = batch.counters[key]
            for name, amount in fields.items():
                counters[name] += amount
            batch.ttls[key] = ttl
            clients = [c for c in (event.subnet, event.fingerprint) if c]
            if clients:
                ukey = f"{prefix}{window.uniques}:{start}"
                batch.uniques[ukey].update(clients)
                batch.ttls[ukey] = ttl
        if event.outcome in REFUSAL_OUTCOMES:
            hour = HOUR.start(event.ts)
            if hour < HOUR.oldest(now):
                continue
            for part, member in (("zs", event.subnet), ("zf", event.fingerprint)):
                if member:
                    zkey = f"{prefix}{part}:{hour}"
                    batch.tops[zkey][member] += 1
                    batch.ttls[zkey] = HOUR.ttl(hour, now)
    return batch
