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

__all__ = ["Batch", "Key", "event_key", "reduce_counts", "reduce_events"]


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
    # Raw events for the export stream (kept only when the stream is on).
    events: list[DecisionEvent] = field(default_factory=list)


# What an event contributes, less its time within the minute: events of one client
# with one outcome in one minute share a key, so the buffer holds one entry for them.
Key = tuple[
    str, str, str, "int | None", tuple[str, ...], "str | None", int, "str | None", "str | None"
]


def event_key(event: DecisionEvent) -> Key:
    return (
        event.sitekey,
        event.kind,
        event.outcome,
        None if event.score is None or event.kind != "submit" else score_bucket(event.score),
        event.reasons,
        event.model,
        int(event.ts // 60) * 60,
        event.subnet,
        event.fingerprint,
    )


def _fields(key: Key, count: int) -> dict[str, int]:
    _, kind, outcome, score, reasons, model, _, _, _ = key
    fields = {f"c:{kind}:{outcome}": count}
    if score is not None:
        fields[f"s:{score}"] = count
    for reason in reasons:
        fields[f"r:{reason}"] = fields.get(f"r:{reason}", 0) + count
    if model is not None:
        fields[f"m:{model}"] = count
    return fields


def reduce_events(events: list[DecisionEvent], now: float) -> Batch:
    counts: dict[Key, int] = {}
    for event in events:
        key = event_key(event)
        counts[key] = counts.get(key, 0) + 1
    return reduce_counts(counts, events, now)


def reduce_counts(counts: dict[Key, int], events: list[DecisionEvent], now: float) -> Batch:
    """The writes for ``counts`` (from :func:`event_key`); ``events`` go to the raw stream."""
    batch = Batch(events=events)
    for key, count in counts.items():
        sitekey, _, outcome, _, _, _, minute, subnet, fingerprint = key
        prefix = site_prefix(sitekey)
        fields = _fields(key, count)
        clients = [c for c in (subnet, fingerprint) if c]
        for window in WINDOWS.values():
            start = window.start(minute)
            if start < window.oldest(now):
                continue  # already past retention: nothing to keep
            ttl = window.ttl(start, now)
            ckey = f"{prefix}{window.counters}:{start}"
            counters = batch.counters[ckey]
            for name, amount in fields.items():
                counters[name] += amount
            batch.ttls[ckey] = ttl
            if clients:
                ukey = f"{prefix}{window.uniques}:{start}"
                batch.uniques[ukey].update(clients)
                batch.ttls[ukey] = ttl
        if outcome in REFUSAL_OUTCOMES:
            hour = HOUR.start(minute)
            if hour < HOUR.oldest(now):
                continue
            for part, member in (("zs", subnet), ("zf", fingerprint)):
                if member:
                    zkey = f"{prefix}{part}:{hour}"
                    batch.tops[zkey][member] += count
                    batch.ttls[zkey] = HOUR.ttl(hour, now)
    return batch
