"""Queries over the aggregates: a time range, a step, and the six views.

Every view reads its whole range in one backend round trip (one Redis pipeline of
HGETALLs, or one ZUNIONSTORE per top list), so 90 days of hourly buckets (2160) is
one request to Redis, not thousands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Literal

import msgspec

from edge_api._exceptions import InvalidRequest
from edge_api.analytics.backends import Backend
from edge_api.analytics.schema import HOUR, SCORE_BUCKETS, WINDOWS, Window, bucket_keys

__all__ = ["VIEWS", "Range", "parse_range", "run_view"]

View = Literal["timeseries", "outcomes", "scores", "reasons", "subnets", "models"]
VIEWS: tuple[View, ...] = ("timeseries", "outcomes", "scores", "reasons", "subnets", "models")
MAX_BUCKETS = 2 * 90 * 24  # 90 days of hours, or 72 h of minutes, with room
DEFAULT_SPAN = 24 * 3600
DEFAULT_LIMIT = 20
MAX_LIMIT = 1000

SUBMIT_OUTCOMES = ("passed", "escalated", "refused", "rate_limited")


class Range(msgspec.Struct, frozen=True):
    start: int  # first bucket (inclusive)
    end: int  # last bucket (exclusive)
    window: Window
    limit: int

    @property
    def buckets(self) -> range:
        return range(self.start, self.end, self.window.seconds)


def _time(name: str, raw: str) -> float:
    text = raw.strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRequest(
            f"{name} must be unix seconds or an ISO 8601 time, not {raw[:40]!r}",
            code="invalid_parameter",
            path=name,
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def parse_range(params: Mapping[str, str], now: float) -> Range:
    """``from``, ``to``, ``step`` and ``limit`` from the query string, checked."""
    step = params.get("step", "hour")
    window = WINDOWS.get(step)
    if window is None:
        raise InvalidRequest(
            f"step must be 'minute' or 'hour', not {step[:20]!r}",
            code="invalid_parameter",
            path="step",
        )
    to = _time("to", params["to"]) if "to" in params else now
    start = _time("from", params["from"]) if "from" in params else to - DEFAULT_SPAN
    if start != start or to != to or abs(start) > 1e11 or abs(to) > 1e11:
        raise InvalidRequest("from/to are out of range", code="invalid_parameter", path="from")
    if start >= to:
        raise InvalidRequest("from must be before to", code="invalid_range", path="from")
    first = window.start(start)
    end = window.start(to - 1e-6) + window.seconds
    count = (end - first) // window.seconds
    if count > MAX_BUCKETS:
        raise InvalidRequest(
            f"the range holds {count} {step} buckets; at most {MAX_BUCKETS} "
            + ("(use step=hour)" if step == "minute" else "(narrow it)"),
            code="invalid_range",
            path="from",
        )
    raw_limit = params.get("limit", str(DEFAULT_LIMIT))
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        raise InvalidRequest(
            f"limit must be an integer from 1 to {MAX_LIMIT}",
            code="invalid_parameter",
            path="limit",
        )
    # Buckets older than the retention are gone (Redis expired them; memory too).
    first = max(first, min(window.oldest(now), end))
    return Range(first, end, window, int(raw_limit))


def _sum(hashes: list[dict[str, int]]) -> dict[str, int]:
    total: defaultdict[str, int] = defaultdict(int)
    for fields in hashes:
        for name, value in fields.items():
            total[name] += value
    return dict(total)


def _derived(c: Mapping[str, int]) -> dict[str, float | int]:
    passed = c.get("c:submit:passed", 0)
    escalated = c.get("c:submit:escalated", 0)
    refused = c.get("c:submit:refused", 0) + c.get("c:challenge:refused", 0)
    limited = c.get("c:submit:rate_limited", 0) + c.get("c:challenge:rate_limited", 0)
    submits = sum(c.get(f"c:submit:{o}", 0) for o in SUBMIT_OUTCOMES)
    verify_ok = c.get("c:siteverify:ok", 0)
    verify_total = sum(v for k, v in c.items() if k.startswith("c:siteverify:"))
    return {
        "requests": sum(v for k, v in c.items() if k.startswith("c:")),
        "challenges": c.get("c:challenge:issued", 0),
        "passed": passed,
        "escalated": escalated,
        "refused": refused,
        "rate_limited": limited,
        "verify_ok": verify_ok,
        "verify_failed": verify_total - verify_ok,
        "pass_rate": round(passed / submits, 4) if submits else 0.0,
    }


def _ranked(total: Mapping[str, int], prefix: str, limit: int) -> list[tuple[str, int]]:
    rows = [(k[len(prefix) :], v) for k, v in total.items() if k.startswith(prefix)]
    rows.sort(key=lambda kv: (-kv[1], kv[0]))
    return rows[:limit]


async def run_view(backend: Backend, sitekey: str, view: View, span: Range) -> dict[str, object]:
    """The view's answer: ``{"sitekey", "from", "to", "step", <view>: rows}``."""
    meta: dict[str, object] = {
        "sitekey": sitekey,
        "from": span.start,
        "to": span.end,
        "step": span.window.step,
    }
    if view == "subnets":
        hours = range(HOUR.start(span.start), max(span.end, HOUR.start(span.start) + 1), 3600)
        subnets, fingerprints = await backend.tops(
            [bucket_keys(sitekey, "zs", hours), bucket_keys(sitekey, "zf", hours)], span.limit
        )
        meta["subnets"] = [{"subnet": s, "refusals": n} for s, n in subnets]
        meta["fingerprints"] = [{"fingerprint": f, "refusals": n} for f, n in fingerprints]
        return meta
    counter_keys = bucket_keys(sitekey, span.window.counters, span.buckets)
    unique_keys = (
        bucket_keys(sitekey, span.window.uniques, span.buckets) if view == "outcomes" else []
    )
    hashes, uniques = await backend.read(counter_keys, unique_keys)
    if view == "timeseries":
        meta["timeseries"] = [
            {"ts": ts, **_derived(fields)} for ts, fields in zip(span.buckets, hashes, strict=True)
        ]
        return meta
    total = _sum(hashes)
    if view == "outcomes":
        meta["outcomes"] = [
            {"kind": k.split(":")[1], "outcome": k.split(":", 2)[2], "count": v}
            for k, v in sorted(total.items())
            if k.startswith("c:")
        ]
        meta["totals"] = _derived(total)
        meta["unique_clients"] = uniques
    elif view == "scores":
        meta["scores"] = [
            {
                "bucket": i,
                "low": i / SCORE_BUCKETS,
                "high": (i + 1) / SCORE_BUCKETS,
                "count": total.get(f"s:{i}", 0),
            }
            for i in range(SCORE_BUCKETS)
        ]
    elif view == "reasons":
        meta["reasons"] = [{"reason": r, "count": n} for r, n in _ranked(total, "r:", span.limit)]
    else:  # models
        models = _ranked(total, "m:", span.limit)
        scored = sum(n for k, n in total.items() if k.startswith("m:"))
        meta["models"] = [
            {"model": m, "count": n, "share": round(n / scored, 4) if scored else 0.0}
            for m, n in models
        ]
    return meta
