"""``POST /v1/challenge``: a signed proof-of-work challenge, as hard as the client deserves."""

from __future__ import annotations

import msgspec
from starlette.types import Scope

from edge_api._exceptions import Forbidden
from edge_api.asgi_io import header
from edge_api.cors import allow_origin_headers
from edge_api.errors import validation_error
from edge_api.services import Services
from edge_api.sites import Site, hostname_allowed, normalise_hostname
from edge_api.testkeys import TEST_SITEKEYS
from edge_api.widget_wire import (
    ChallengeRequest,
    WidgetEndpoint,
    WireAnswer,
    challenge_out,
    check_origin,
    client_of,
    emit,
    json_struct,
    rate_limited,
)

__all__ = ["TEST_DIFFICULTY", "challenge_app", "challenge_endpoint"]

TEST_DIFFICULTY = 1

_decoder = msgspec.json.Decoder(ChallengeRequest)


async def challenge_endpoint(services: Services, scope: Scope, raw: bytes) -> WireAnswer:
    try:
        body = _decoder.decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise validation_error(exc) from None
    hostname = normalise_hostname(body.hostname)
    test = TEST_SITEKEYS.get(body.sitekey)
    site = None if test is not None else await services.sites.require(body.sitekey)
    _, client = client_of(services, scope)
    origin = header(scope, b"origin")
    try:
        check_origin(origin, hostname)
        if site is not None and not hostname_allowed(hostname, site.hostnames):
            raise Forbidden(
                f"hostname {hostname!r} is not allowed for this sitekey",
                code="hostname_not_allowed",
            )
    except Forbidden as exc:
        emit(services, "challenge", body.sitekey, "refused", client, reasons=(exc.code,))
        raise
    cors = allow_origin_headers(origin)
    now = services.clock()
    verdict = await services.guard.at_challenge(body.sitekey, site, client, now)
    if verdict.result.status == "limited":
        limit = verdict.result.limited or "limit"
        emit(services, "challenge", body.sitekey, "rate_limited", client, reasons=(limit,))
        return rate_limited(limit, verdict.result.retry_after, cors)
    if isinstance(site, Site):
        difficulty = services.guard.difficulty(site, verdict)
        mode = site.mode
    else:
        assert test is not None
        difficulty, mode = TEST_DIFFICULTY, test.mode
    text, claims = services.challenges.issue(
        sitekey=body.sitekey,
        hostname=hostname,
        difficulty=difficulty,
        now=now,
        reputation=verdict.reputation,
    )
    emit(services, "challenge", body.sitekey, "issued", client, mode=mode)
    return json_struct(challenge_out(text, claims, mode), 200, cors)


challenge_app = WidgetEndpoint(challenge_endpoint)
