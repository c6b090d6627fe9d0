"""JSON error responses: every refusal names its problem, nothing answers a bare 500."""

from __future__ import annotations

import logging
import re

import msgspec
import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from edge_api._exceptions import RequestError, StoreError, StoreUnavailable

__all__ = ["exception_handlers", "json_error", "json_response", "validation_error"]

logger = logging.getLogger("palisade.errors")
_PATH_RE = re.compile(r" - at `(\$[^`]*)`$")


def json_response(
    content: object, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        orjson.dumps(content),
        status_code=status_code,
        headers=headers,
        media_type="application/json",
    )


def json_error(
    status_code: int,
    code: str,
    detail: str,
    *,
    path: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, str] = {"error": code, "detail": detail}
    if path is not None:
        body["path"] = path
    return json_response(body, status_code, headers)


def validation_error(
    exc: msgspec.ValidationError | msgspec.DecodeError, prefix: str = "$"
) -> RequestError:
    """A msgspec error as a 400 naming the JSON path (``$.signals.pointer[3][0]``)."""
    message = str(exc)
    match = _PATH_RE.search(message)
    path = None
    if match is not None:
        path = prefix + match.group(1)[1:]
        message = message[: match.start()]
    if isinstance(exc, msgspec.ValidationError):
        return RequestError(message, code="invalid_request", path=path or prefix)
    return RequestError(f"body is not valid JSON: {message}", code="invalid_json")


async def _request_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestError)
    return json_error(exc.status_code, exc.code, exc.detail, path=exc.path)


_HTTP_CODES = {400: "invalid_request", 404: "not_found", 405: "method_not_allowed"}


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no route, wrong method, a malformed form) as JSON."""
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    headers = dict(exc.headers) if exc.headers else None
    return json_error(exc.status_code, code, exc.detail, headers=headers)


async def _store_error(request: Request, exc: Exception) -> Response:
    logger.warning("store error on %s: %s", request.url.path, exc)
    code = "store_unavailable" if isinstance(exc, StoreUnavailable) else "store_error"
    return json_error(
        503, code, "the state store did not answer; retry shortly", headers={"Retry-After": "1"}
    )


async def _unexpected(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error on %s", request.url.path)
    return json_error(500, "internal_error", "unexpected server error; it has been logged")


exception_handlers = {
    HTTPException: _http_error,
    RequestError: _request_error,
    StoreError: _store_error,
    Exception: _unexpected,
}
