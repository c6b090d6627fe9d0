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
    Window,
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
# A key without its client (subnet, fingerprint): what the counters are kept by.
Head = tuple[str, str, str, "int | None", tuple[str, ...], "str | None", int]


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


def _fields(head: Head, count: int) -> dict[str, int]:
    _, kind, outcome, score, reasons, model, _ = head
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
    # Keys differ mostly by client; the counters do not depend on it. Counts are first
    # summed without the client and the clients gathered per site and minute, so the
    # per-key work is a few dict updates (a flush of thousands of clients held the
    # event loop for milliseconds).
    heads: dict[Head, int] = {}
    clients: defaultdict[tuple[str, int], set[str]] = defaultdict(set)
    refused: defaultdict[tuple[str, int], tuple[defaultdict[str, int], ...]] = defaultdict(
        _two_counters
    )
    for key, count in counts.items():
        head = key[:7]
        heads[head] = heads.get(head, 0) + count
        subnet, fingerprint = key[7], key[8]
        if subnet or fingerprint:
            site_minute = (key[0], key[6])
            seen = clients[site_minute]
            if subnet:
                seen.add(subnet)
            if fingerprint:
                seen.add(fingerprint)
            if key[2] in REFUSAL_OUTCOMES:
                by_subnet, by_fingerprint = refused[site_minute]
                if subnet:
                    by_subnet[subnet] += count
                if fingerprint:
                    by_fingerprint[fingerprint] += count
    batch = Batch(events=events)
    for head, count in heads.items():
        prefix = site_prefix(head[0])
        fields = _fields(head, count)
        for window in _live_windows(head[6], now):
            start = window.start(head[6])
            ckey = f"{prefix}{window.counters}:{start}"
            counters = batch.counters[ckey]
            for name, amount in fields.items():
                counters[name] += amount
            batch.ttls[ckey] = window.ttl(start, now)
    for (sitekey, minute), members in clients.items():
        prefix = site_prefix(sitekey)
        for window in _live_windows(minute, now):
            start = window.start(minute)
            ukey = f"{prefix}{window.uniques}:{start}"
            batch.uniques[ukey].update(members)
            batch.ttls[ukey] = window.ttl(start, now)
    for (sitekey, minute), parts in refused.items():
        hour = HOUR.start(minute)
        if hour < HOUR.oldest(now):
            continue
        prefix = site_prefix(sitekey)
        for part, scores in zip(("zs", "zf"), parts, strict=True):
            if scores:
                zkey = f"{prefix}{part}:{hour}"
                top = batch.tops[zkey]
                for member, amount in scores.items():
                    top[member] += amount
                batch.ttls[zkey] = HOUR.ttl(hour, now)
    return batch


def _two_counters() -> tuple[defaultdict[str, int], ...]:
    return _counter_dict(), _counter_dict()  # (by subnet, by fingerprint)


def _live_windows(minute: int, now: float) -> list[Window]:
    """The windows whose bucket for ``minute`` is still within retention."""
    return [w for w in WINDOWS.values() if w.start(minute) >= w.oldest(now)]
