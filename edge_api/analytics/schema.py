"""What the aggregates look like: windows, key names, hash fields, score buckets.

Every key of one site carries the sitekey as a Redis Cluster hash tag
(``an:{pk_...}:...``), so a site's keys share a slot and one query touches one node.

Per site and per bucket (a minute kept 48 h, an hour kept 90 days):

* ``an:{sk}:m:<start>`` / ``an:{sk}:h:<start>``: a hash of counters.
  ``c:<kind>:<outcome>`` decisions, ``s:<0-9>`` score histogram (submit decisions
  with a score), ``r:<reason>`` reason codes, ``m:<model>`` model versions.
* ``an:{sk}:um:<start>`` / ``an:{sk}:uh:<start>``: HyperLogLog of unique clients
  (hashed subnet, and fingerprint when the widget sent one).
* ``an:{sk}:zs:<hour>`` / ``an:{sk}:zf:<hour>``: sorted sets of hashed subnets and
  fingerprints scored by refusals (refused or rate limited), per hour, capped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "HOUR",
    "MINUTE",
    "REFUSAL_OUTCOMES",
    "SCORE_BUCKETS",
    "TOP_CAP",
    "WINDOWS",
    "Step",
    "Window",
    "bucket_keys",
    "score_bucket",
    "site_prefix",
]

Step = Literal["minute", "hour"]

SCORE_BUCKETS = 10
# Per-hour sorted sets keep this many members (the top ones) under a flood.
TOP_CAP = 1000
# Outcomes that count against a subnet or fingerprint.
REFUSAL_OUTCOMES = frozenset({"refused", "rate_limited"})


@dataclass(frozen=True, slots=True)
class Window:
    step: Step
    seconds: int
    retention: int
    counters: str  # key part of the counter hash
    uniques: str  # key part of the HyperLogLog

    def start(self, ts: float) -> int:
        return int(ts // self.seconds) * self.seconds

    def ttl(self, bucket: int, now: float) -> int:
        """Seconds the bucket is kept from ``now``: until its end plus the retention."""
        return max(1, int(bucket + self.seconds + self.retention - now))

    def oldest(self, now: float) -> int:
        """The first bucket still within retention at ``now``."""
        return self.start(now - self.retention)


MINUTE = Window("minute", 60, 48 * 3600, "m", "um")
HOUR = Window("hour", 3600, 90 * 86_400, "h", "uh")
WINDOWS: dict[str, Window] = {"minute": MINUTE, "hour": HOUR}


def site_prefix(sitekey: str) -> str:
    return f"an:{{{sitekey}}}:"


def bucket_keys(sitekey: str, part: str, starts: range) -> list[str]:
    prefix = f"{site_prefix(sitekey)}{part}:"
    return [f"{prefix}{start}" for start in starts]


def score_bucket(score: float) -> int:
    """0..9: ``[0, 0.1)``, ..., ``[0.9, 1.0]``."""
    if score != score:  # NaN
        return 0
    return min(SCORE_BUCKETS - 1, max(0, int(score * SCORE_BUCKETS)))
