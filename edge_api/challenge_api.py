"""The widget endpoints: ``POST /v1/challenge`` and ``POST /v1/submit``."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from edge_api._exceptions import Forbidden
from edge_api.clientip import client_ip
from edge_api.cors import allow_origin_headers, origin_host
from edge_api.errors import validation_error
from edge_api.events import DecisionEvent, EventKind
from edge_api.metrics import DECISIONS
from edge_api.pow import ALGORITHM, ChallengeClaims
from edge_api.services import Services
from edge_api.sites import Site, hostname_allowed, normalise_hostname
from edge_api.testkeys import TEST_SITEKEYS, TestSitekey
from scoring import RequestContext, ScoreResult, Signals

__all__ = ["ChallengeRequest", "SubmitRequest", "challenge_endpoint", "submit_endpoint"]

# Each escalation adds this many bits per sub-puzzle: 4x the work.
ESCALATION_BITS = 2
MAX_ESCALATIONS = 2
TEST_DIFFICULTY = 1

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


_challenge_decoder = msgspec.json.Decoder(ChallengeRequest)
_submit_decoder = msgspec.json.Decoder(SubmitRequest)
_encoder = msgspec.json.Encoder()


def _json(body: msgspec.Struct, status: int, headers: dict[str, str]) -> Response:
    outcome = getattr(body, "status", None)
    if outcome is not None:
        DECISIONS.labels("submit", outcome).inc()
    return Response(_encoder.encode(body), status, headers, media_type="application/json")


def _check_origin(request: Request, hostname: str) -> None:
    """A browser's Origin must be the hostname the challenge is for."""
    host = origin_host(request)
    if host is not None and host != normalise_hostname(hostname):
        raise Forbidden(
            f"Origin {request.headers.get('origin')!r} does not match hostname {hostname!r}",
            code="hostname_mismatch",
        )


async def _resolve_site(services: Services, sitekey: str) -> Site | TestSitekey:
    test = TEST_SITEKEYS.get(sitekey)
    if test is not None:
        return test
    return await services.sites.require(sitekey)


def _challenge_out(text: str, claims: ChallengeClaims, mode: str) -> ChallengeOut:
    return ChallengeOut(
        challenge=text,
        id=claims.id,
        algorithm=ALGORITHM,
        puzzles=claims.k,
        difficulty=claims.d,
        expires_in=claims.exp - claims.iat,
        mode=mode,
    )


async def challenge_endpoint(request: Request) -> Response:
    services: Services = request.app.state.services
    try:
        body = _challenge_decoder.decode(await request.body())
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise validation_error(exc) from None
    hostname = normalise_hostname(body.hostname)
    site = await _resolve_site(services, body.sitekey)
    ip = client_ip(request.scope, services.settings.trusted_proxies)
    try:
        _check_origin(request, hostname)
        if isinstance(site, Site) and not hostname_allowed(hostname, site.hostnames):
            raise Forbidden(
                f"hostname {hostname!r} is not allowed for this sitekey",
                code="hostname_not_allowed",
            )
    except Forbidden as exc:
        _emit(services, "challenge", body.sitekey, "refused", ip, reasons=(exc.code,))
        raise
    difficulty = TEST_DIFFICULTY if isinstance(site, TestSitekey) else site.pow_min
    text, claims = services.challenges.issue(
        sitekey=body.sitekey, hostname=hostname, difficulty=difficulty, now=services.clock()
    )
    _emit(services, "challenge", body.sitekey, "issued", ip, mode=site.mode)
    out = _challenge_out(text, claims, site.mode)
    return _json(out, 200, allow_origin_headers(request))


def _emit(
    services: Services,
    kind: EventKind,
    sitekey: str,
    outcome: str,
    ip: str,
    *,
    reasons: tuple[str, ...] = (),
    score: ScoreResult | None = None,
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
            score=None if score is None else score.score,
            model=None if score is None else score.model,
            subnet=services.subnet_hash(ip),
            mode=mode,
            action=action,
        )
    )


async def submit_endpoint(request: Request) -> Response:
    services: Services = request.app.state.services
    try:
        body = _submit_decoder.decode(await request.body())
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise validation_error(exc) from None
    now = services.clock()
    ip = client_ip(request.scope, services.settings.trusted_proxies)
    check = services.challenges.check(body.challenge, body.solution, now=now)
    claims = check.claims
    if not check.ok or claims is None:
        reason = check.reason or "malformed"
        if claims is not None:  # signed by us, so the sitekey is attributable
            _emit(services, "submit", claims.sk, "refused", ip, reasons=(reason,))
        return _json(RefusedOut([reason]), 403, {})
    _check_origin(request, claims.h)
    cors = allow_origin_headers(request)

    def refuse(*reasons: str, score: ScoreResult | None = None) -> Response:
        _emit(
            services,
            "submit",
            claims.sk,
            "refused",
            ip,
            reasons=reasons,
            score=score,
            action=body.action,
        )
        return _json(RefusedOut(list(reasons)), 403, cors)

    site = TEST_SITEKEYS.get(claims.sk) or await services.sites.get(claims.sk)
    if site is None:
        return refuse("wrong_site")
    if isinstance(site, Site) and not hostname_allowed(claims.h, site.hostnames):
        return refuse("hostname_not_allowed")
    # Single use: the first submit of a challenge id wins, until the challenge expires.
    if await services.store.claim("ch:" + claims.id, claims.exp - now) is not None:
        return refuse("already_used")

    if isinstance(site, TestSitekey):
        return _test_outcome(services, site, claims, cors)

    context = RequestContext(
        user_agent=request.headers.get("user-agent"),
        accept_language=request.headers.get("accept-language"),
    )
    result = services.scorer.score(body.signals, context)
    if result.score >= site.score_threshold:
        token, _ = services.tokens.issue(
            sitekey=site.sitekey,
            hostname=claims.h,
            action=body.action,
            cdata=body.cdata,
            score=result.score,
            reasons=result.reasons,
            lifetime=site.token_lifetime,
            client_ip=ip,
            model=result.model,
            now=now,
        )
        _emit(
            services,
            "submit",
            site.sitekey,
            "passed",
            ip,
            reasons=result.reasons,
            score=result,
            mode=site.mode,
            action=body.action,
        )
        return _json(PassOut(token, site.token_lifetime), 200, cors)
    if claims.esc < MAX_ESCALATIONS:
        difficulty = min(site.pow_max, claims.d + ESCALATION_BITS)
        text, harder = services.challenges.issue(
            sitekey=site.sitekey,
            hostname=claims.h,
            difficulty=difficulty,
            now=now,
            escalation=claims.esc + 1,
        )
        out = EscalateOut(
            reason="low_score",
            interactive=site.mode != "invisible",
            challenge=_challenge_out(text, harder, site.mode),
        )
        _emit(
            services,
            "submit",
            site.sitekey,
            "escalated",
            ip,
            reasons=result.reasons,
            score=result,
            mode=site.mode,
            action=body.action,
        )
        return _json(out, 200, cors)
    return refuse("low_score", *result.reasons, score=result)


def _test_outcome(
    services: Services, site: TestSitekey, claims: ChallengeClaims, cors: dict[str, str]
) -> Response:
    """The documented behaviour of the published test sitekeys."""
    if site.outcome == "block":
        return _json(RefusedOut(["test_sitekey_blocks"]), 403, cors)
    if site.outcome == "interactive" and claims.esc == 0:
        text, harder = services.challenges.issue(
            sitekey=claims.sk,
            hostname=claims.h,
            difficulty=TEST_DIFFICULTY,
            now=services.clock(),
            escalation=1,
        )
        out = EscalateOut(
            reason="test_sitekey_interactive",
            interactive=True,
            challenge=_challenge_out(text, harder, site.mode),
        )
        return _json(out, 200, cors)
    return _json(PassOut(site.token, 300), 200, cors)
