"""``GET /v1/analytics/{sitekey}/{view}``: the aggregates as JSON or CSV.

Authenticated by the site's secret (``Authorization: Bearer <secret>``) or the admin
token. The dashboard reads the same views under ``/dashboard/api/`` with its session.
"""

from __future__ import annotations

import csv
import hmac
import io
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from edge_api._exceptions import Forbidden, InvalidRequest, NotFound, Unauthorized
from edge_api.analytics.query import VIEWS, View, parse_range, run_view
from edge_api.analytics.recorder import Analytics
from edge_api.errors import json_response
from edge_api.services import Services

__all__ = ["analytics_response", "analytics_routes", "authorize_bearer"]

NO_STORE = {"Cache-Control": "no-store"}


def analytics_of(request: Request) -> Analytics:
    analytics: Analytics | None = getattr(request.app.state, "analytics", None)
    if analytics is None:
        raise NotFound("analytics are not enabled on this server", code="analytics_disabled")
    return analytics


async def authorize_bearer(request: Request, sitekey: str) -> None:
    """The admin token, or the secret of this very site (constant-time compares)."""
    services: Services = request.app.state.services
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    given = given.strip()
    if scheme.lower() != "bearer" or not given:
        raise Unauthorized(
            "send Authorization: Bearer <site secret or admin token>", code="unauthorized"
        )
    admin = services.admin_token
    if admin is not None and hmac.compare_digest(given.encode(), admin.encode()):
        await services.sites.require(sitekey)
        return
    site = await services.sites.by_secret(given)
    if site is None:
        raise Unauthorized("wrong secret or token", code="unauthorized")
    if site.sitekey != sitekey:
        raise Forbidden("this secret belongs to another site", code="wrong_site")


def _view(request: Request) -> View:
    name = request.path_params["view"]
    for view in VIEWS:
        if view == name:
            return view
    raise NotFound(f"no analytics view {name!r}; one of {', '.join(VIEWS)}", code="unknown_view")


def _wants_csv(request: Request) -> bool:
    fmt = request.query_params.get("format")
    if fmt is None:
        return "text/csv" in request.headers.get("accept", "")
    if fmt not in ("json", "csv"):
        raise InvalidRequest(
            "format must be 'json' or 'csv'", code="invalid_parameter", path="format"
        )
    return fmt == "csv"


def _csv(view: View, answer: dict[str, object]) -> str:
    rows: list[dict[str, object]] = []
    if view == "subnets":
        for kind in ("subnets", "fingerprints"):
            for row in answer[kind]:  # type: ignore[attr-defined]
                rows.append({"type": kind[:-1], "id": next(iter(row.values())), **row})
        for row in rows:
            row.pop("subnet", None)
            row.pop("fingerprint", None)
    else:
        rows = list(answer[view])  # type: ignore[call-overload]
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


async def analytics_response(request: Request, sitekey: str) -> Response:
    """Parse, query and encode one view (authorisation is the caller's)."""
    view = _view(request)
    as_csv = _wants_csv(request)
    services: Services = request.app.state.services
    span = parse_range(request.query_params, services.clock())
    answer = await run_view(analytics_of(request).backend, sitekey, view, span)
    if as_csv:
        filename = f"palisade-{view}-{span.start}-{span.end}.csv"
        return Response(
            _csv(view, answer),
            media_type="text/csv; charset=utf-8",
            headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'},
        )
    return json_response(answer, headers=NO_STORE)


def _with(
    authorize: Callable[[Request, str], Awaitable[None]],
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        sitekey = request.path_params["sitekey"]
        await authorize(request, sitekey)
        return await analytics_response(request, sitekey)

    return endpoint


def analytics_routes() -> list[Route]:
    return [
        Route("/v1/analytics/{sitekey}/{view}", _with(authorize_bearer), methods=["GET"]),
    ]
