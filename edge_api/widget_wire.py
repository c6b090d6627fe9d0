"""Wire shapes and shared helpers of the widget endpoints (``/v1/challenge``, ``/v1/submit``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

import msgspec
from starlette.types import Receive, Scope, Send

from edge_api._exceptions import Forbidden
from edge_api.asgi_io import header, read_body, send_json
from edge_api.clientip import client_ip
from edge_api.cors import origin_host
from edge_api.events import DecisionEvent, EventKind
from edge_api.guard import Client
from edge_api.metrics import DECISIONS, labelled
from edge_api.pow import ALGORITHM, ChallengeClaims
from edge_api.services import Services
from edge_api.sites import normalise_hostname
from scoring import ScoreResult, Signals

__all__ = [
    "ChallengeOut",
    "ChallengeRequest",
    "EscalateOut",
    "PassOut",
    "RefusedOut",
    "SubmitRequest",
    "WidgetEndpoint",
    "WireAnswer",
    "challenge_out",
    "check_origin",
    "client_of",
    "emit",
    "header_text",
    "json_struct",
    "rate_limited",
]

Sitekey = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class ChallengeRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    sitekey: Sitekey
    hostname: Annotated[str, msgspec.Meta(min_length=1, max_length=253)]


class SubmitRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    challenge: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
    solution: Annotated[list[Annotated[int, msgspec.Meta(ge=0)]], msgspec.Meta(max_length=64)]
    signals: Signals | None = None
    action: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{0,32}$")] = ""
    cdata: Annotated[str, msgspec.Meta(max_length=255)] = ""


class ChallengeOut(msgspec.Struct, frozen=True):
    challenge: str
    id: str
    algorithm: str
    puzzles: int
    difficulty: int
    expires_in: int
    mode: str


class PassOut(msgspec.Struct, frozen=True):
    token: str
    expires_in: int
    status: Literal["pass"] = "pass"


class EscalateOut(msgspec.Struct, frozen=True):
    reason: str
    interactive: bool
    challenge: ChallengeOut
    status: Literal["escalate"] = "escalate"


class RefusedOut(msgspec.Struct, frozen=True):
    reasons: list[str]
    status: Literal["refused"] = "refused"
    error: Literal["refused"] = "refused"


class RateLimitedOut(msgspec.Struct, frozen=True):
    limit: str
    retry_after: float
    detail: str
    error: Literal["rate_limited"] = "rate_limited"


_encoder = msgspec.json.Encoder()

Headers = list[tuple[bytes, bytes]]


class WireAnswer(msgspec.Struct, frozen=True):
    """A widget endpoint's answer: status, the encoded JSON body, extra headers."""

    status: int
    body: bytes
    headers: Headers


class WidgetEndpoint:
    """The ASGI app of a widget endpoint: ``handler(services, scope, body)`` gives the
    answer; the body is read and the answer written here, without Starlette's request
    and response objects (they cost 8-10 µs of a submit). A refusal the handler raises
    is answered by the application's error handlers (:mod:`edge_api.hotpath`)."""

    def __init__(self, handler: Callable[[Services, Scope, bytes], Awaitable[WireAnswer]]) -> None:
        self.handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        services: Services = scope["app"].state.services
        answer = await self.handler(services, scope, await read_body(receive))
        await send_json(send, answer.status, answer.body, answer.headers)


def json_struct(body: msgspec.Struct, status: int, headers: Headers) -> WireAnswer:
    outcome = getattr(body, "status", None)
    if outcome is not None:
        labelled(DECISIONS, "submit", outcome).inc()
    return WireAnswer(status, _encoder.encode(body), headers)


def rate_limited(limit: str, retry_after: float, headers: Headers) -> WireAnswer:
    """429 naming the limit, with ``Retry-After`` in whole seconds (at least 1)."""
    seconds = max(1, int(retry_after + 0.999))
    body = RateLimitedOut(limit, round(retry_after, 3), f"over the {limit} rate limit")
    return WireAnswer(429, _encoder.encode(body), [*headers, (b"retry-after", b"%d" % seconds)])


def header_text(scope: Scope, name: bytes) -> str | None:
    """A header's value as Starlette reads it (latin-1), or ``None`` when absent."""
    value = header(scope, name)
    return value.decode("latin-1") if value else None


def check_origin(origin: bytes, hostname: str) -> None:
    """A browser's Origin (the header's raw value) must be the hostname the challenge
    is for."""
    text = origin.decode("latin-1")
    host = origin_host(text)
    if host is not None and host != normalise_hostname(hostname):
        raise Forbidden(
            f"Origin {text!r} does not match hostname {hostname!r}",
            code="hostname_mismatch",
        )


def client_of(
    services: Services, scope: Scope, signals: Signals | None = None
) -> tuple[str, Client]:
    ip = client_ip(scope, services.settings.trusted_proxies)
    client = Client(
        ip_hash=services.tokens.ip_hash(ip),
        subnet_hash=services.subnet_hash(ip),
        fingerprint=services.guard.fingerprint(signals),
    )
    return ip, client


def challenge_out(text: str, claims: ChallengeClaims, mode: str) -> ChallengeOut:
    return ChallengeOut(
        challenge=text,
        id=claims.id,
        algorithm=ALGORITHM,
        puzzles=claims.k,
        difficulty=claims.d,
        expires_in=claims.exp - claims.iat,
        mode=mode,
    )


def emit(
    services: Services,
    kind: EventKind,
    sitekey: str,
    outcome: str,
    client: Client,
    *,
    reasons: tuple[str, ...] = (),
    score: ScoreResult | None = None,
    final_score: float | None = None,
    mode: str | None = None,
    action: str = "",
) -> None:
    services.events.emit(
        DecisionEvent(
            kind=kind,
            sitekey=sitekey,
            ts=services.clock(),
            outcome=outcome,
            reasons=reasons,
            score=final_score if final_score is not None else (score.score if score else None),
            model=None if score is None else score.model,
            subnet=client.subnet_hash,
            fingerprint=client.fingerprint,
            mode=mode,
            action=action,
        )
    )
