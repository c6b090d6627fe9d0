"""A scripted traffic mix: the aggregates equal exactly what was sent (memory and Redis)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from edge_api.analytics.schema import HOUR, MINUTE, score_bucket
from tests.edge_api.analytics.conftest import BOT_SIGNALS, HUMAN_IP, Lab

HUMAN = HUMAN_IP
BOT = "198.18.0.20"
EVIL = "192.0.2.30"


def _mix(lab: Lab, site: dict[str, Any], other: dict[str, Any]) -> None:
    sitekey = site["sitekey"]
    tokens = []
    for _ in range(4):
        response = lab.submit(sitekey, HUMAN, action="login")
        assert response.json()["status"] == "pass"
        tokens.append(response.json()["token"])
    lab.h.clock.advance(61)  # next minute
    for token in tokens[:2]:
        lab.h.client.post("/siteverify", data={"secret": site["secret"], "response": token})
    lab.h.client.post("/siteverify", data={"secret": site["secret"], "response": tokens[0]})
    lab.h.client.post("/siteverify", data={"secret": "sk_wrong", "response": tokens[3]})
    lab.h.clock.advance(61)
    for _ in range(2):
        response = lab.submit(sitekey, BOT, signals=BOT_SIGNALS)
        assert response.json()["status"] == "escalate"
    for _ in range(3):
        assert lab.challenge(sitekey, EVIL, hostname="evil.test").status_code == 403
    # Another site's traffic must not leak into this one's numbers.
    assert lab.submit(other["sitekey"], HUMAN).json()["status"] == "pass"


def test_exact_counts(lab: Lab) -> None:
    site = lab.h.create_site()
    other = lab.h.create_site()
    start = lab.h.clock.now
    _mix(lab, site, other)
    assert lab.flush() > 0
    sitekey, secret = site["sitekey"], site["secret"]
    mine = [e for e in lab.seen if e.sitekey == sitekey]
    window = {"from": int(start) - 3600, "to": int(lab.h.clock.now) + 60}

    outcomes = lab.get(f"/v1/analytics/{sitekey}/outcomes", secret, step="minute", **window)
    assert outcomes.status_code == 200, outcomes.text
    got = {(r["kind"], r["outcome"]): r["count"] for r in outcomes.json()["outcomes"]}
    assert got == {
        ("challenge", "issued"): 6,
        ("submit", "passed"): 4,
        ("siteverify", "ok"): 2,
        ("siteverify", "already-seen-response"): 1,
        ("submit", "escalated"): 2,
        ("challenge", "refused"): 3,
    }
    totals = outcomes.json()["totals"]
    assert totals["requests"] == 18 == len(mine)
    assert (totals["passed"], totals["escalated"], totals["refused"]) == (4, 2, 3)
    assert totals["pass_rate"] == round(4 / 6, 4)
    clients = {c for e in mine for c in (e.subnet, e.fingerprint) if c}
    assert len(clients) >= 3  # three subnets, plus fingerprints where signals were sent
    assert outcomes.json()["unique_clients"] == len(clients)

    # The same totals at hour resolution, and per minute in the right buckets.
    hourly = lab.get(f"/v1/analytics/{sitekey}/outcomes", secret, step="hour", **window).json()
    assert hourly["totals"] == totals
    series = lab.get(f"/v1/analytics/{sitekey}/timeseries", secret, step="minute", **window)
    rows = {r["ts"]: r for r in series.json()["timeseries"] if r["requests"]}
    assert {ts: r["requests"] for ts, r in rows.items()} == dict(
        Counter(MINUTE.start(e.ts) for e in mine)
    )
    assert sum(r["escalated"] for r in rows.values()) == 2
    assert sum(r["refused"] for r in rows.values()) == 3

    scores = lab.get(f"/v1/analytics/{sitekey}/scores", secret, **window).json()["scores"]
    expected = Counter(
        score_bucket(e.score) for e in mine if e.kind == "submit" and e.score is not None
    )
    assert {r["bucket"]: r["count"] for r in scores if r["count"]} == dict(expected)
    assert scores[9]["count"] >= 4 and len(scores) == 10

    reasons = lab.get(f"/v1/analytics/{sitekey}/reasons", secret, **window).json()["reasons"]
    assert {r["reason"]: r["count"] for r in reasons} == dict(
        Counter(r for e in mine for r in e.reasons)
    )
    assert {"hostname_not_allowed": 3}.items() <= {r["reason"]: r["count"] for r in reasons}.items()

    models = lab.get(f"/v1/analytics/{sitekey}/models", secret, **window).json()["models"]
    # Every scored submit counts: 4 passed and 2 escalated (refusals here are unscored).
    assert models == [{"model": "rules", "count": 6, "share": 1.0}]

    tops = lab.get(f"/v1/analytics/{sitekey}/subnets", secret, **window).json()
    services = lab.h.client.app.state.services  # type: ignore[attr-defined]
    assert tops["subnets"] == [{"subnet": services.subnet_hash(EVIL), "refusals": 3}]
    assert tops["fingerprints"] == []

    other_totals = lab.get(
        f"/v1/analytics/{other['sitekey']}/outcomes", other["secret"], **window
    ).json()["totals"]
    assert other_totals["requests"] == 2


def test_retention(lab: Lab) -> None:
    site = lab.h.create_site()
    sitekey, secret = site["sitekey"], site["secret"]
    t0 = lab.h.clock.now
    assert lab.submit(sitekey, HUMAN).json()["status"] == "pass"
    lab.flush()
    span = {"from": int(t0) - 60, "to": int(t0) + 60}

    def total(step: str) -> int:
        body = lab.get(f"/v1/analytics/{sitekey}/outcomes", secret, step=step, **span).json()
        return int(body["totals"]["requests"])

    assert total("minute") == total("hour") == 2
    lab.h.clock.advance(47 * 3600)
    assert total("minute") == 2
    lab.h.clock.advance(2 * 3600)  # minute buckets are kept 48 h
    assert total("minute") == 0
    assert total("hour") == 2
    lab.h.clock.advance(90 * 86_400)  # hour buckets 90 days
    assert total("hour") == 0


def test_ttls_are_set(lab: Lab) -> None:
    site = lab.h.create_site()
    sitekey = site["sitekey"]
    now = lab.h.clock.now
    assert lab.submit(sitekey, HUMAN).json()["status"] == "pass"
    lab.flush()
    minute = f"an:{{{sitekey}}}:m:{MINUTE.start(now)}"
    hour = f"an:{{{sitekey}}}:h:{HOUR.start(now)}"
    backend = lab.analytics.backend
    if hasattr(backend, "ttl"):
        ttls = [backend.ttl(minute), backend.ttl(hour)]
    else:
        client = lab.h.store.client  # type: ignore[attr-defined]

        async def read() -> list[int]:
            return [await client.ttl("pal:" + minute), await client.ttl("pal:" + hour)]

        ttls = lab.call(read)
    assert abs(ttls[0] - MINUTE.ttl(MINUTE.start(now), now)) <= 2
    assert abs(ttls[1] - HOUR.ttl(HOUR.start(now), now)) <= 2
    assert 48 * 3600 <= ttls[0] <= 48 * 3600 + 60
    assert 90 * 86_400 <= ttls[1] <= 90 * 86_400 + 3600
