"""``POST /v1/submit``: check the solution, score the signals, then a token, a harder
challenge, or a refusal. Everything it reads and writes in Redis is one gate call and
the mark of its signals, sent in one round trip."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Literal

import msgspec
from starlette.types import Scope

from edge_api.asgi_io import header
from edge_api.challenge_api import TEST_DIFFICULTY
from edge_api.cors import allow_origin_headers
from edge_api.errors import validation_error
from edge_api.guard import (
    ESCALATE_DELTAS,
    FAILED_POW_DELTAS,
    PASS_DELTAS,
    REFUSE_DELTAS,
    REPLAYED_SIGNALS_DELTAS,
    Client,
    Verdict,
)
from edge_api.pow import ChallengeClaims
from edge_api.services import Services
from edge_api.sites import Site, hostname_allowed
from edge_api.testkeys import TEST_SITEKEYS, TestSitekey
from edge_api.widget_wire import (
    EscalateOut,
    Headers,
    PassOut,
    RefusedOut,
    SubmitRequest,
    WidgetEndpoint,
    WireAnswer,
    challenge_out,
    check_origin,
    client_of,
    emit,
    header_text,
    json_struct,
    rate_limited,
)
from scoring import RequestContext, ScoreResult

__all__ = ["ESCALATION_BITS", "MAX_ESCALATIONS", "submit_app", "submit_endpoint"]

# Each escalation adds this many bits per sub-puzzle: 4x the work.
ESCALATION_BITS = 2
MAX_ESCALATIONS = 2
FINGERPRINT_REASON_AT = 2.0

_decoder = msgspec.json.Decoder(SubmitRequest)
Decision = Literal["pass", "escalate", "refuse"]


async def submit_endpoint(services: Services, scope: Scope, raw: bytes) -> WireAnswer:
    try:
        body = _decoder.decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise validation_error(exc) from None
    now = services.clock()
    ip, client = client_of(services, scope, body.signals)
    origin = header(scope, b"origin")
    check = services.challenges.check(body.challenge, body.solution, now=now)
    claims = check.claims
    if not check.ok or claims is None:
        reason = check.reason or "malformed"
        if claims is not None:  # signed by us: the sitekey is attributable
            await _record_failed_pow(services, claims, client, now)
            emit(services, "submit", claims.sk, "refused", client, reasons=(reason,))
        # Readable by the page: a refusal reveals nothing a forger does not know.
        return json_struct(RefusedOut([reason]), 403, allow_origin_headers(origin))
    check_origin(origin, claims.h)
    cors = allow_origin_headers(origin)

    def refuse(*reasons: str, final_score: float | None = None) -> WireAnswer:
        emit(
            services,
            "submit",
            claims.sk,
            "refused",
            client,
            reasons=reasons,
            final_score=final_score,
            action=body.action,
        )
        return json_struct(RefusedOut(list(reasons)), 403, cors)

    site = TEST_SITEKEYS.get(claims.sk) or await services.sites.get(claims.sk)
    if site is None:
        return refuse("wrong_site")
    if isinstance(site, TestSitekey):
        if await services.store.claim("ch:" + claims.id, claims.exp - now) is not None:
            return refuse("already_used")
        return _test_outcome(services, site, claims, cors)
    if not hostname_allowed(claims.h, site.hostnames):
        return refuse("hostname_not_allowed")

    # Score before the gate: the reputation comes signed inside the challenge, so the
    # gate call can apply this outcome's reputation change in the same round trip.
    context = RequestContext(
        user_agent=header_text(scope, b"user-agent"),
        accept_language=header_text(scope, b"accept-language"),
    )
    if services.people is not None and body.signals is not None and claims.esc == 0:
        services.people.record(site.sitekey, body.signals)  # a visit's first round only
    result = await services.scorer.score(body.signals, context)
    score, penalty_reasons = services.guard.adjust_score(result.score, claims.r)
    reasons = (*result.reasons, *penalty_reasons)
    decision: Decision = (
        "pass"
        if score >= site.score_threshold
        else "escalate"
        if claims.esc < MAX_ESCALATIONS
        else "refuse"
    )
    deltas = {"pass": PASS_DELTAS, "escalate": ESCALATE_DELTAS, "refuse": REFUSE_DELTAS}[decision]
    guard = services.guard
    gate_call = guard.at_submit(
        site,
        client,
        claim_key=guard.challenge_claim_key(client, claims.id),
        claim_ttl=claims.exp - now,
        deltas=deltas,
        now=now,
    )
    signals_key = guard.signals_claim_key(site.sitekey, body.signals)
    replayed = False
    if signals_key is None:
        verdict = await gate_call
    else:
        # Sent together: the auto-pipeline puts both in the same round trip.
        verdict, replayed = await _both(
            gate_call, guard.signals_replayed(signals_key, client, site.failure_policy)
        )
    gate = verdict.result
    if gate.status == "limited":
        limit = gate.limited or "limit"
        if site.on_rate_limit == "harder" and claims.esc < MAX_ESCALATIONS:
            return _escalate(
                services,
                site,
                claims,
                verdict,
                client,
                "rate_limited",
                False,
                cors,
                result=result,
                final_score=score,
                action=body.action,
            )
        emit(
            services,
            "submit",
            site.sitekey,
            "rate_limited",
            client,
            reasons=(limit,),
            action=body.action,
        )
        return rate_limited(limit, gate.retry_after, cors)
    if gate.status == "replay":
        return refuse("already_used")
    if replayed:
        await guard.at_submit(
            site, client, claim_key=None, claim_ttl=0, deltas=REPLAYED_SIGNALS_DELTAS, now=now
        )
        return refuse("signals_replayed")
    if len(gate.reputation) > 2 and gate.reputation[2] >= FINGERPRINT_REASON_AT:
        reasons = (*reasons, "reputation.fingerprint")
    if verdict.degraded:
        reasons = (*reasons, "store_unavailable")

    if decision == "pass":
        token, _ = services.tokens.issue(
            sitekey=site.sitekey,
            hostname=claims.h,
            action=body.action,
            cdata=body.cdata,
            score=score,
            reasons=reasons,
            lifetime=site.token_lifetime,
            client_ip=ip,
            model=result.model,
            now=now,
            degraded=verdict.degraded,
            subnet_hash=client.subnet_hash,
        )
        emit(
            services,
            "submit",
            site.sitekey,
            "passed",
            client,
            reasons=reasons,
            score=result,
            final_score=score,
            mode=site.mode,
            action=body.action,
        )
        return json_struct(PassOut(token, site.token_lifetime), 200, cors)
    if decision == "escalate":
        return _escalate(
            services,
            site,
            claims,
            verdict,
            client,
            "low_score",
            site.mode != "invisible",
            cors,
            result=result,
            final_score=score,
            reasons=reasons,
            action=body.action,
        )
    return refuse("low_score", *reasons, final_score=score)


async def _both(gate: Awaitable[Verdict], replay: Awaitable[bool]) -> tuple[Verdict, bool]:
    """Both calls' answers; the first failure is raised once both have finished."""
    verdict, replayed = await asyncio.gather(gate, replay, return_exceptions=True)
    for outcome in (verdict, replayed):
        if isinstance(outcome, BaseException):
            raise outcome
    assert isinstance(verdict, Verdict) and isinstance(replayed, bool)
    return verdict, replayed


def _escalate(
    services: Services,
    site: Site,
    claims: ChallengeClaims,
    verdict: Verdict,
    client: Client,
    reason: str,
    interactive: bool,
    cors: Headers,
    *,
    result: ScoreResult,
    final_score: float,
    reasons: tuple[str, ...] = (),
    action: str = "",
) -> WireAnswer:
    difficulty = services.guard.difficulty(site, verdict, base=claims.d + ESCALATION_BITS)
    text, harder = services.challenges.issue(
        sitekey=site.sitekey,
        hostname=claims.h,
        difficulty=difficulty,
        now=services.clock(),
        escalation=claims.esc + 1,
        reputation=verdict.reputation,
    )
    emit(
        services,
        "submit",
        site.sitekey,
        "escalated",
        client,
        reasons=(reason, *reasons),
        score=result,
        final_score=final_score,
        mode=site.mode,
        action=action,
    )
    out = EscalateOut(
        reason=reason, interactive=interactive, challenge=challenge_out(text, harder, site.mode)
    )
    return json_struct(out, 200, cors)


async def _record_failed_pow(
    services: Services, claims: ChallengeClaims, client: Client, now: float
) -> None:
    """A forged, expired or wrong solution raises the client's reputation."""
    site = await services.sites.get(claims.sk) if claims.sk not in TEST_SITEKEYS else None
    if site is not None:
        await services.guard.at_submit(
            site, client, claim_key=None, claim_ttl=0, deltas=FAILED_POW_DELTAS, now=now
        )


def _test_outcome(
    services: Services, site: TestSitekey, claims: ChallengeClaims, cors: Headers
) -> WireAnswer:
    """The documented behaviour of the published test sitekeys."""
    if site.outcome == "block":
        return json_struct(RefusedOut(["test_sitekey_blocks"]), 403, cors)
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
            challenge=challenge_out(text, harder, site.mode),
        )
        return json_struct(out, 200, cors)
    return json_struct(PassOut(site.token, 300), 200, cors)


submit_app = WidgetEndpoint(submit_endpoint)
