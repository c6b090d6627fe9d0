"""``/dashboard``: sign-in, the session cookie, the page, its assets and its data.

Credentials only ever travel in a POST body; the session is a signed cookie scoped
to ``/dashboard`` (HttpOnly, SameSite=Strict, Secure outside dev mode). Pages carry
a strict CSP: scripts and styles from this origin only, nothing inline.
"""

from __future__ import annotations

import hmac
import os
import urllib.parse
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from edge_api._exceptions import Forbidden, PayloadTooLarge, Unauthorized
from edge_api.analytics.api import analytics_response
from edge_api.analytics.pages import app_page, login_page
from edge_api.analytics.session import (
    ADMIN,
    COOKIE,
    COOKIE_PATH,
    Session,
    SessionSigner,
    admin_binding,
    session_seconds,
)
from edge_api.errors import json_response
from edge_api.services import Services

__all__ = ["dashboard_dir", "dashboard_routes"]

LOGIN_BODY_LIMIT = 4096
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
ASSETS = {"dashboard.js": "text/javascript", "dashboard.css": "text/css"}


def dashboard_dir() -> Path:
    """``sdk_js/dashboard/dist``; ``PALISADE_DASHBOARD_DIR`` overrides (packaged installs)."""
    override = os.environ.get("PALISADE_DASHBOARD_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "sdk_js" / "dashboard" / "dist"


def _signer(request: Request) -> SessionSigner:
    state = request.app.state
    return SessionSigner(state.session_keys, state.session_kid)


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status, headers=SECURITY_HEADERS)


async def current_session(request: Request) -> Session | None:
    """The request's session if signed, unexpired and its credential is unchanged."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    services: Services = request.app.state.services
    session = _signer(request).verify(cookie, services.clock())
    if session is None:
        return None
    if session.admin:
        token = services.admin_token
        return session if token and session.bind == admin_binding(token) else None
    site = await services.sites.get(session.sitekey)
    if site is None or not hmac.compare_digest(site.secret_hash[:24], session.bind):
        return None
    return session


def _same_origin(request: Request) -> bool:
    """Whether a form post comes from our own pages (login CSRF guard)."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None  # not a browser, or an opaque origin
    return urllib.parse.urlsplit(origin).netloc == request.headers.get("host", "")


async def dashboard_page(request: Request) -> Response:
    if await current_session(request) is None:
        return RedirectResponse("/dashboard/login", 303, headers={"Cache-Control": "no-store"})
    return _html(app_page((dashboard_dir() / "dashboard.js").exists()))


async def login_form(request: Request) -> Response:
    notice = "Your session has expired; sign in again." if "expired" in request.query_params else ""
    return _html(login_page(notice=notice))


async def _form(request: Request) -> dict[str, str]:
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > LOGIN_BODY_LIMIT:
        raise PayloadTooLarge(f"at most {LOGIN_BODY_LIMIT} bytes", code="body_too_large")
    body = await request.body()
    if len(body) > LOGIN_BODY_LIMIT:
        raise PayloadTooLarge(f"at most {LOGIN_BODY_LIMIT} bytes", code="body_too_large")
    pairs = urllib.parse.parse_qsl(body.decode("utf-8", "replace"), max_num_fields=8)
    return {name: value.strip() for name, value in pairs}


async def login(request: Request) -> Response:
    if not _same_origin(request):
        return _html(login_page("Sign-in must come from this page."), 403)
    services: Services = request.app.state.services
    form = await _form(request)
    now = services.clock()
    exp = now + session_seconds()
    session: Session | None = None
    token = services.admin_token
    if "token" in form:
        given = form["token"]
        if token and given and hmac.compare_digest(given.encode(), token.encode()):
            session = Session(role=ADMIN, sitekey="", exp=exp, bind=admin_binding(token))
    else:
        site = (
            await services.sites.by_secret(form.get("secret", "")) if form.get("secret") else None
        )
        if site is not None and hmac.compare_digest(site.sitekey, form.get("sitekey", "")):
            session = Session(
                role="site", sitekey=site.sitekey, exp=exp, bind=site.secret_hash[:24]
            )
    if session is None:
        return _html(login_page("Wrong sitekey, secret or token."), 401)
    response = RedirectResponse("/dashboard", 303, headers={"Cache-Control": "no-store"})
    response.set_cookie(
        COOKIE,
        _signer(request).sign(session),
        max_age=int(exp - now),
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https" or not services.settings.dev,
    )
    return response


async def logout(request: Request) -> Response:
    response = RedirectResponse("/dashboard/login", 303, headers={"Cache-Control": "no-store"})
    if _same_origin(request):
        response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict")
    return response


async def _require(request: Request) -> Session:
    session = await current_session(request)
    if session is None:
        raise Unauthorized("sign in again: the session is missing or expired", code="no_session")
    return session


async def session_info(request: Request) -> Response:
    session = await _require(request)
    services: Services = request.app.state.services
    if session.admin:
        sites = [{"sitekey": s.sitekey, "name": s.name} for s in await services.sites.all()]
    else:
        site = await services.sites.require(session.sitekey)
        sites = [{"sitekey": site.sitekey, "name": site.name}]
    body = {"role": session.role, "expires": session.exp, "now": services.clock(), "sites": sites}
    return json_response(body, headers={"Cache-Control": "no-store"})


async def session_view(request: Request) -> Response:
    session = await _require(request)
    sitekey = request.path_params["sitekey"]
    if not session.admin and sitekey != session.sitekey:
        raise Forbidden("this session is for another site", code="wrong_site")
    return await analytics_response(request, sitekey)


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    media = ASSETS.get(name)
    path = dashboard_dir() / name
    if media is None or not path.is_file():
        return Response("not found", 404, media_type="text/plain")
    return Response(
        path.read_bytes(),
        media_type=media,
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )


def dashboard_routes() -> list[Route]:
    return [
        Route("/dashboard", dashboard_page, methods=["GET"]),
        Route("/dashboard/login", login_form, methods=["GET"]),
        Route("/dashboard/login", login, methods=["POST"]),
        Route("/dashboard/logout", logout, methods=["POST"]),
        Route("/dashboard/assets/{name}", asset, methods=["GET"]),
        Route("/dashboard/api/session", session_info, methods=["GET"]),
        Route("/dashboard/api/{sitekey}/{view}", session_view, methods=["GET"]),
    ]
