"""``/admin/v1/sites``: manage sites with the operator's bearer token."""

from __future__ import annotations

import hmac
from typing import TypeVar

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from edge_api._exceptions import Unauthorized
from edge_api.errors import json_response, validation_error
from edge_api.services import Services
from edge_api.sites import SiteCreate, SiteUpdate

__all__ = ["admin_routes", "require_admin"]

T = TypeVar("T")

_create_decoder = msgspec.json.Decoder(SiteCreate)
_update_decoder = msgspec.json.Decoder(SiteUpdate)


def require_admin(request: Request) -> Services:
    """The services, once the bearer token is checked (constant time)."""
    services: Services = request.app.state.services
    expected = services.admin_token
    if expected is None:
        raise Unauthorized(
            "the admin API is disabled: set PALISADE_ADMIN_TOKEN", code="admin_disabled"
        )
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), expected.encode()
    ):
        raise Unauthorized("missing or wrong bearer token", code="unauthorized")
    return services


async def _body(request: Request, decoder: msgspec.json.Decoder[T]) -> T:
    try:
        return decoder.decode(await request.body() or b"{}")
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise validation_error(exc) from None


async def list_sites(request: Request) -> Response:
    services = require_admin(request)
    return json_response({"sites": [site.public() for site in await services.sites.all()]})


async def create_site(request: Request) -> Response:
    services = require_admin(request)
    spec = await _body(request, _create_decoder)
    site, secret = await services.sites.create(spec)
    return json_response({**site.public(), "secret": secret}, 201)


async def get_site(request: Request) -> Response:
    services = require_admin(request)
    site = await services.sites.require(request.path_params["sitekey"])
    return json_response(site.public())


async def update_site(request: Request) -> Response:
    services = require_admin(request)
    change = await _body(request, _update_decoder)
    site = await services.sites.update(request.path_params["sitekey"], change)
    return json_response(site.public())


async def rotate_secret(request: Request) -> Response:
    services = require_admin(request)
    site, secret = await services.sites.rotate_secret(request.path_params["sitekey"])
    return json_response({**site.public(), "secret": secret})


async def delete_site(request: Request) -> Response:
    services = require_admin(request)
    await services.sites.delete(request.path_params["sitekey"])
    return Response(status_code=204)


def admin_routes() -> list[Route]:
    return [
        Route("/admin/v1/sites", list_sites, methods=["GET"]),
        Route("/admin/v1/sites", create_site, methods=["POST"]),
        Route("/admin/v1/sites/{sitekey}", get_site, methods=["GET"]),
        Route("/admin/v1/sites/{sitekey}", update_site, methods=["PATCH"]),
        Route("/admin/v1/sites/{sitekey}", delete_site, methods=["DELETE"]),
        Route("/admin/v1/sites/{sitekey}/rotate-secret", rotate_secret, methods=["POST"]),
    ]
