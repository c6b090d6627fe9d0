"""The traffic mix: widget visitors, customer backends, abusive clients, and a surge.

Every request is marked a locust success when its answer is one the scenario expects
(a 429 for an abusive client is expected; for a visitor it is not) and a failure
otherwise; what each answer meant is counted in ``OUTCOMES`` for the report.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from gevent.queue import Empty, Full, Queue
from locust import LoadTestShape, between, task
from locust.contrib.fasthttp import FastHttpUser

from edge_api.pow import solve
from loadtests.payloads import (
    ABUSIVE_IPS,
    BOT_UA,
    BROWSER_UA,
    HOSTNAME,
    ORIGIN,
    Signals,
    as_visitor,
    bot_signals,
    visitor_ip,
)

__all__ = [
    "OUTCOMES",
    "AbusiveClient",
    "CustomerBackend",
    "LoadConfig",
    "SurgeShape",
    "WidgetVisitor",
    "configure",
]

# Outcome counters (greenlets share one thread: plain increments are safe).
OUTCOMES: Counter[str] = Counter()
# Share of verified tokens a backend verifies twice, expecting the single-use refusal.
REPLAY_SHARE = 0.05
MAX_ESCALATIONS = 2


@dataclass
class LoadConfig:
    """What the users need to know about the site under test (set before the run)."""

    sitekey: str = ""
    secret: str = ""
    hostname: str = HOSTNAME
    human_signals: list[Signals] = field(default_factory=list)
    # Tokens the visitors obtained, for the backends; bounded so a slow backend side
    # drops tokens (counted) instead of growing memory.
    tokens: Queue = field(default_factory=lambda: Queue(maxsize=1000))


CONFIG = LoadConfig()


def configure(
    sitekey: str, secret: str, signals: list[Signals], hostname: str = HOSTNAME
) -> LoadConfig:
    """Point the users at a site; resets the counters and the token queue."""
    global CONFIG
    CONFIG = LoadConfig(sitekey=sitekey, secret=secret, hostname=hostname, human_signals=signals)
    OUTCOMES.clear()
    return CONFIG


def _json(response: Any) -> dict[str, Any]:
    try:
        body = response.json()
    except Exception:  # an unparsable answer is reported as a failure by the caller
        return {}
    return body if isinstance(body, dict) else {}


class WidgetVisitor(FastHttpUser):
    """A browser running the widget: challenge, proof of work, submit, maybe escalate."""

    weight = 8
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.rng = random.Random()

    @task
    def verify_once(self) -> None:
        # Each iteration is a new visitor (own address): humans do not share limits.
        ip = visitor_ip(self.rng)
        headers = {
            "User-Agent": BROWSER_UA,
            "Origin": ORIGIN,
            "X-Forwarded-For": ip,
        }
        with self.client.post(
            "/v1/challenge",
            json={"sitekey": CONFIG.sitekey, "hostname": CONFIG.hostname},
            headers=headers,
            catch_response=True,
        ) as response:
            challenge = _json(response)
            if response.status_code != 200 or "challenge" not in challenge:
                response.failure(f"challenge: {response.status_code} {response.text[:200]}")
                OUTCOMES["visitor.challenge_failed"] += 1
                return
            OUTCOMES["visitor.challenge"] += 1
        for _ in range(MAX_ESCALATIONS + 1):
            challenge = self._submit(challenge, headers, ip)
            if not challenge:
                return
        OUTCOMES["visitor.gave_up"] += 1

    def _submit(
        self, challenge: dict[str, Any], headers: dict[str, str], ip: str
    ) -> dict[str, Any]:
        """Solve and submit; the next challenge when escalated, else ``{}``."""
        solution = solve(challenge["id"], challenge["puzzles"], challenge["difficulty"])
        body = {
            "challenge": challenge["challenge"],
            "solution": solution,
            "signals": as_visitor(self.rng.choice(CONFIG.human_signals), self.rng.getrandbits(24)),
            "action": "login",
        }
        with self.client.post("/v1/submit", json=body, headers=headers, catch_response=True) as r:
            answer = _json(r)
            status = answer.get("status")
            if r.status_code == 200 and status == "pass":
                OUTCOMES["visitor.pass"] += 1
                try:
                    CONFIG.tokens.put_nowait((answer["token"], ip))
                except Full:
                    OUTCOMES["tokens.dropped"] += 1
                return {}
            if r.status_code == 200 and status == "escalate":
                OUTCOMES["visitor.escalate"] += 1
                return dict(answer["challenge"])
            if r.status_code == 403 and status == "refused":
                reasons = answer.get("reasons", [])
                # The scorer refusing a person is a detection figure, not a load failure;
                # a protocol refusal (replay, bad proof) under load would be a bug.
                protocol = {"bad_signature", "expired", "already_used", "wrong_solution"}
                if protocol & set(reasons):
                    r.failure(f"submit refused: {reasons}")
                else:
                    r.success()  # a 403 is a failure unless said otherwise
                OUTCOMES["visitor.refused"] += 1
                for reason in reasons:
                    OUTCOMES[f"visitor.refused.{reason}"] += 1
                return {}
            r.failure(f"submit: {r.status_code} {r.text[:200]}")
            OUTCOMES["visitor.submit_failed"] += 1
            return {}


class CustomerBackend(FastHttpUser):
    """A site's backend checking the tokens its visitors bring, now and then twice."""

    fixed_count = 1
    wait_time = between(0.05, 0.2)

    @task
    def verify(self) -> None:
        try:
            token, ip = CONFIG.tokens.get(timeout=1.0)
        except Empty:
            return
        answer = self._siteverify(token, ip, "/siteverify")
        if answer.get("success") is True:
            OUTCOMES["siteverify.success"] += 1
            if random.random() < REPLAY_SHARE:
                again = self._siteverify(token, ip, "/siteverify (replay)")
                if again.get("error-codes") == ["already-seen-response"]:
                    OUTCOMES["siteverify.replay_refused"] += 1

    def _siteverify(self, token: str, ip: str, name: str) -> dict[str, Any]:
        form = urlencode({"secret": CONFIG.secret, "response": token, "remoteip": ip})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        with self.client.post(
            "/siteverify", data=form, headers=headers, name=name, catch_response=True
        ) as response:
            answer = _json(response)
            replay = name.endswith("(replay)")
            expected = (
                answer.get("error-codes") == ["already-seen-response"]
                if replay
                else answer.get("success") is True
            )
            if response.status_code != 200 or not expected:
                response.failure(f"{name}: {response.status_code} {response.text[:200]}")
                OUTCOMES["siteverify.failed"] += 1
            return answer


class AbusiveClient(FastHttpUser):
    """A script hammering one site from three subnets: limits and escalation must bite.

    429s, escalations and refusals are the expected answers; a pass is a detection
    miss (counted), never a load failure.
    """

    fixed_count = 1
    wait_time = between(0.01, 0.05)

    def on_start(self) -> None:
        self.rng = random.Random()

    @task
    def hammer(self) -> None:
        ip = self.rng.choice(ABUSIVE_IPS)
        headers = {"User-Agent": BOT_UA, "X-Forwarded-For": ip}
        with self.client.post(
            "/v1/challenge",
            json={"sitekey": CONFIG.sitekey, "hostname": CONFIG.hostname},
            headers=headers,
            name="/v1/challenge (abusive)",
            catch_response=True,
        ) as response:
            if response.status_code == 429:
                OUTCOMES["abusive.rate_limited"] += 1
                response.success()
                return
            challenge = _json(response)
            if response.status_code != 200 or "challenge" not in challenge:
                response.failure(f"abusive challenge: {response.status_code}")
                return
            OUTCOMES["abusive.challenge"] += 1
        body = {
            "challenge": challenge["challenge"],
            "solution": solve(challenge["id"], challenge["puzzles"], challenge["difficulty"]),
            "signals": bot_signals(),
        }
        with self.client.post(
            "/v1/submit",
            json=body,
            headers=headers,
            name="/v1/submit (abusive)",
            catch_response=True,
        ) as response:
            status = _json(response).get("status")
            if response.status_code == 429:
                OUTCOMES["abusive.rate_limited"] += 1
            elif response.status_code == 200 and status == "escalate":
                OUTCOMES["abusive.escalate"] += 1
            elif response.status_code == 403 and status == "refused":
                OUTCOMES["abusive.refused"] += 1
            elif response.status_code == 200 and status == "pass":
                OUTCOMES["abusive.pass"] += 1
            else:
                response.failure(f"abusive submit: {response.status_code}")
                return
            response.success()


class SurgeShape(LoadTestShape):
    """Half the users, then all of them at once for the middle third, then half again.

    ``peak`` and ``seconds`` are set by the runner; ``surge=False`` keeps the peak
    throughout (the soak).
    """

    peak = 10
    seconds = 60.0
    surge = True

    def tick(self) -> tuple[int, float] | None:
        elapsed = self.get_run_time()
        if elapsed >= self.seconds:
            return None
        fixed = AbusiveClient.fixed_count + CustomerBackend.fixed_count
        base = max(fixed + 1, math.ceil(self.peak / 2))
        if not self.surge:
            return self.peak, max(1.0, self.peak / 2)
        if self.seconds / 3 <= elapsed < 2 * self.seconds / 3:
            return self.peak, float(self.peak)  # the surge arrives within a second
        return base, max(1.0, base / 2)
