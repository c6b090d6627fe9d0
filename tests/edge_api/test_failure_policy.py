"""A real Redis server killed and restarted mid-run: each site's failure policy holds,
no request hangs or answers 500, and the service recovers by itself."""

from __future__ import annotations

import time
from pathlib import Path

from tests.conftest import FakeClock, RedisProcess
from tests.edge_api.conftest import Harness, open_harness

# Store timeout is 0.25 s; the breaker then answers at once. Allow scheduling slack.
MAX_SECONDS = 2.0


def timed(
    h: Harness, method: str, path: str, **kwargs: object
) -> tuple[int, dict[str, object], float]:
    start = time.monotonic()
    response = h.client.request(method, path, **kwargs)  # type: ignore[arg-type]
    return response.status_code, response.json(), time.monotonic() - start


def test_redis_outage_and_recovery(
    tmp_path: Path, clock: FakeClock, redis_process: RedisProcess
) -> None:
    gen = open_harness(tmp_path, clock, redis_url=redis_process.url)
    h = next(gen)
    try:
        open_site = h.create_site(failure_policy="open", score_threshold=0.0)
        closed_site = h.create_site(failure_policy="closed", score_threshold=0.0)
        open_early = h.token(open_site["sitekey"])
        closed_early = h.token(closed_site["sitekey"])
        spare = h.token(open_site["sitekey"])
        # Warm the secret cache, as a live service would have it.
        for site, token in ((open_site, spare), (closed_site, h.token(closed_site["sitekey"]))):
            h.client.post("/siteverify", data={"secret": site["secret"], "response": token})
        challenge_open = h.challenge(open_site["sitekey"])

        redis_process.stop()

        status, body, seconds = timed(
            h,
            "POST",
            "/v1/challenge",
            json={"sitekey": closed_site["sitekey"], "hostname": "example.com"},
        )
        assert (status, body["error"]) == (503, "store_unavailable")
        assert seconds < MAX_SECONDS
        status, body, seconds = timed(
            h,
            "POST",
            "/v1/challenge",
            json={"sitekey": open_site["sitekey"], "hostname": "example.com"},
        )
        assert status == 200
        assert seconds < MAX_SECONDS

        degraded = h.submit(challenge_open)
        assert degraded.status_code == 200
        degraded_token = degraded.json()["token"]
        answer = h.client.post(
            "/siteverify", data={"secret": open_site["secret"], "response": degraded_token}
        ).json()
        assert answer["success"] is True
        assert answer["degraded"] is True
        assert "store_unavailable" in answer["score_reason"]

        status, body, seconds = timed(
            h,
            "POST",
            "/siteverify",
            data={"secret": closed_site["secret"], "response": closed_early},
        )
        assert (status, body) == (200, {"success": False, "error-codes": ["internal-error"]})
        assert seconds < MAX_SECONDS
        assert h.client.get("/readyz").status_code == 503

        redis_process.start()
        # Recovery is automatic: the breaker lets a probe through after its cooldown.
        deadline = time.monotonic() + 15
        while True:
            status, body, _ = timed(
                h,
                "POST",
                "/siteverify",
                data={"secret": closed_site["secret"], "response": closed_early},
            )
            if body.get("success") is True or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert body["success"] is True
        assert "degraded" not in body
        assert h.client.get("/readyz").status_code == 200
        # What was written before the outage survived (append-only file): no replay.
        again = h.client.post(
            "/siteverify", data={"secret": open_site["secret"], "response": spare}
        ).json()
        assert again["error-codes"] == ["already-seen-response"]
        fresh = h.client.post(
            "/siteverify", data={"secret": open_site["secret"], "response": open_early}
        ).json()
        assert fresh["success"] is True
        assert "degraded" not in fresh
    finally:
        gen.close()
