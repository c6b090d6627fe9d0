"""ALTCHA's Python library in the smallest server of its own stack (Starlette + uvicorn).

Used by benchmarks/bench_peers.py only. Two protocol versions, as the library ships them:

- ``/v1/challenge``, ``/v1/verify``: PoW v1 (``create_challenge_v1`` / ``verify_solution_v1``,
  SHA-256 with a ``max_number``; the server's work does not depend on it).
- ``/v2/challenge``, ``/v2/verify``: PoW v2, the library's default API, in the documented
  deterministic mode (PBKDF2/SHA-256, the server derives the key once when it creates the
  challenge and verification is two HMACs, ``hmac_key_secret``).

``verify_solution`` is stateless: it does not stop a payload being replayed until it
expires, so, as a real integration must, each verify route keeps the signatures it has
accepted (until their expiry) and refuses a second use.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import time
from datetime import UTC, datetime, timedelta

import altcha
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

HMAC_KEY = os.environ.get("ALTCHA_HMAC_KEY") or secrets.token_hex(32)
HMAC_KEY_SECRET = os.environ.get("ALTCHA_HMAC_KEY_SECRET") or secrets.token_hex(32)
MAX_NUMBER = int(os.environ.get("ALTCHA_MAX_NUMBER", "100"))
V2_COST = int(os.environ.get("ALTCHA_V2_COST", "5000"))
EXPIRES_SECONDS = 600


class UsedOnce:
    """Signatures already accepted, kept until their challenge expires."""

    def __init__(self) -> None:
        self._until: dict[str, float] = {}
        self._next_prune = time.time() + EXPIRES_SECONDS

    def claim(self, signature: str, now: float) -> bool:
        if now > self._next_prune:
            self._until = {k: v for k, v in self._until.items() if v > now}
            self._next_prune = now + EXPIRES_SECONDS
        if signature in self._until:
            return False
        self._until[signature] = now + EXPIRES_SECONDS
        return True


STATS = {v: {"challenge": 0, "verified": 0, "refused": 0, "replayed": 0} for v in ("v1", "v2")}
USED = {"v1": UsedOnce(), "v2": UsedOnce()}


async def challenge_v1(request: Request) -> JSONResponse:
    expires = datetime.now(UTC) + timedelta(seconds=EXPIRES_SECONDS)
    challenge = altcha.create_challenge_v1(
        hmac_key=HMAC_KEY, max_number=MAX_NUMBER, expires=expires
    )
    STATS["v1"]["challenge"] += 1
    return JSONResponse(challenge.to_dict())


async def challenge_v2(request: Request) -> JSONResponse:
    challenge = altcha.create_challenge(
        "PBKDF2/SHA-256",
        V2_COST,
        counter=secrets.randbelow(5_000) + 5_000,
        expires_at=int(time.time()) + EXPIRES_SECONDS,
        hmac_secret=HMAC_KEY,
        hmac_key_secret=HMAC_KEY_SECRET,
    )
    STATS["v2"]["challenge"] += 1
    return JSONResponse(challenge.to_dict())


def _answer(ok: bool, version: str, signature: str) -> JSONResponse:
    if not ok:
        STATS[version]["refused"] += 1
        return JSONResponse({"verified": False}, status_code=400)
    if not USED[version].claim(signature, time.time()):
        STATS[version]["replayed"] += 1
        return JSONResponse({"verified": False, "error": "replayed"}, status_code=400)
    STATS[version]["verified"] += 1
    return JSONResponse({"verified": True})


async def verify_v1(request: Request) -> JSONResponse:
    try:
        data = json.loads(base64.b64decode(json.loads(await request.body())["altcha"]))
    except (ValueError, KeyError, TypeError):
        return _answer(False, "v1", "")
    ok, _error = altcha.verify_solution_v1(data, HMAC_KEY, check_expires=True)
    return _answer(ok, "v1", str(data.get("signature")))


async def verify_v2(request: Request) -> JSONResponse:
    try:
        payload = altcha.Payload.from_base64(json.loads(await request.body())["altcha"])
    except (ValueError, KeyError, TypeError):
        return _answer(False, "v2", "")
    result = altcha.verify_solution(payload, HMAC_KEY, hmac_key_secret=HMAC_KEY_SECRET)
    return _answer(result.verified, "v2", str(payload.challenge.signature))


async def stats(request: Request) -> JSONResponse:
    return JSONResponse(STATS)


app = Starlette(
    routes=[
        Route("/v1/challenge", challenge_v1, methods=["GET", "POST"]),
        Route("/v1/verify", verify_v1, methods=["POST"]),
        Route("/v2/challenge", challenge_v2, methods=["GET", "POST"]),
        Route("/v2/verify", verify_v2, methods=["POST"]),
        Route("/stats", stats),
    ]
)
