"""The query API: authentication, parameter errors, CSV, and 90 days of hours at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from edge_api.analytics.batch import reduce_events
from edge_api.events import DecisionEvent
from tests.conftest import FakeClock
from tests.edge_api.analytics.conftest import HUMAN_IP, Lab, open_lab
from tests.edge_api.conftest import ADMIN_TOKEN


@pytest.fixture
def mem(tmp_path: Path, clock: FakeClock) -> Iterator[Lab]:
    yield from open_lab(tmp_path, clock, None)


def test_auth(mem: Lab) -> None:
    site, other = mem.h.create_site(), mem.h.create_site()
    path = f"/v1/analytics/{site['sitekey']}/outcomes"
    assert mem.h.client.get(path).status_code == 401
    assert mem.get(path, "sk_wrong").json()["error"] == "unauthorized"
    assert mem.get(path, "sk_wrong").status_code == 401
    wrong_site = mem.get(path, other["secret"])
    assert (wrong_site.status_code, wrong_site.json()["error"]) == (403, "wrong_site")
    assert mem.get(path, site["secret"]).status_code == 200
    assert mem.get(path, ADMIN_TOKEN).status_code == 200
    missing = mem.get("/v1/analytics/pk_nope/outcomes", ADMIN_TOKEN)
    assert missing.status_code == 404
    assert mem.get(f"/v1/analytics/{site['sitekey']}/nope", site["secret"]).status_code == 404


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"step": "day"}, "step"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-13-45"}, "to"),
        ({"from": "1800000100", "to": "1800000000"}, "from"),
        ({"from": "0", "to": "1800000000", "step": "minute"}, "from"),
        ({"from": "0", "to": "1800000000", "step": "hour"}, "from"),
        ({"limit": "0"}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"format": "xml"}, "format"),
    ],
)
def test_bad_parameters(mem: Lab, params: dict[str, str], name: str) -> None:
    site = mem.h.create_site()
    response = mem.get(f"/v1/analytics/{site['sitekey']}/timeseries", site["secret"], **params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["path"] == name
    assert name in body["detail"] or body["error"] == "invalid_range"


def test_iso_times_and_csv(mem: Lab) -> None:
    site = mem.h.create_site()
    assert mem.submit(site["sitekey"], HUMAN_IP).json()["status"] == "pass"
    mem.flush()
    path = f"/v1/analytics/{site['sitekey']}/timeseries"
    # FakeClock starts at 1_800_000_000 = 2027-01-15T08:00:00Z.
    span = {"from": "2027-01-15T07:58:00Z", "to": "2027-01-15T08:02:00+00:00", "step": "minute"}
    rows = mem.get(path, site["secret"], **span).json()["timeseries"]
    assert [r["ts"] for r in rows] == [1_800_000_000 + 60 * i for i in range(-2, 2)]
    assert [r["requests"] for r in rows] == [0, 0, 2, 0]
    as_csv = mem.get(path, site["secret"], format="csv", **span)
    assert as_csv.headers["content-type"].startswith("text/csv")
    lines = as_csv.text.splitlines()
    assert lines[0].startswith("ts,requests,challenges,passed")
    assert lines[3].startswith("1800000000,2,1,1,")
    accept = mem.h.client.get(
        f"/v1/analytics/{site['sitekey']}/subnets",
        headers={"Authorization": f"Bearer {site['secret']}", "Accept": "text/csv"},
    )
    assert accept.text.splitlines() == []  # no refusals: no rows


@pytest.mark.redis
def test_ninety_days_of_hours_is_one_round_trip(
    tmp_path: Path, clock: FakeClock, redis_url: str
) -> None:
    gen = open_lab(tmp_path, clock, redis_url)
    lab = next(gen)
    try:
        site = lab.h.create_site()
        sitekey = site["sitekey"]
        now = clock.now
        events = [
            DecisionEvent(
                kind="submit",
                sitekey=sitekey,
                ts=now - h * 3600,
                outcome="passed",
                score=0.9,
                model="m1",
            )
            for h in range(1, 2161, 3)
        ]
        lab.call(lab.analytics.backend.write, reduce_events(events, now))
        body = lab.get(
            f"/v1/analytics/{sitekey}/timeseries",
            site["secret"],
            step="hour",
            **{"from": str(now - 90 * 86_400), "to": str(now)},
        ).json()
        assert len(body["timeseries"]) == 2160
        assert sum(r["passed"] for r in body["timeseries"]) == len(events)
    finally:
        gen.close()
