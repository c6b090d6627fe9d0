"""Palisade's exception hierarchy.

    PalisadeError
    ├── ConfigError            settings or keys are missing or invalid (refuse to start)
    ├── StoreError             the state store failed
    │   └── StoreUnavailable   it did not answer in time or refused the connection
    └── RequestError           a client sent something we refuse (answered as 4xx JSON)
        ├── InvalidRequest     400: malformed body or parameter, with a JSON path
        ├── Unauthorized       401: missing or wrong credentials
        ├── Forbidden          403
        ├── NotFound           404
        └── PayloadTooLarge    413

Verification of challenges and tokens does not raise: it returns results with
reasons (see ``edge_api.pow`` and ``edge_api.tokens``).
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "Forbidden",
    "InvalidRequest",
    "NotFound",
    "PalisadeError",
    "PayloadTooLarge",
    "RequestError",
    "StoreError",
    "StoreUnavailable",
    "Unauthorized",
]


class PalisadeError(Exception):
    """Base of every error Palisade raises on purpose."""


class ConfigError(PalisadeError):
    """Settings or keys are missing or invalid."""


class StoreError(PalisadeError):
    """The state store failed."""


class StoreUnavailable(StoreError):
    """The store did not answer in time or refused the connection."""


class RequestError(PalisadeError):
    """A client error, answered as a JSON body ``{error, detail, path?}``."""

    status_code = 400
    code = "invalid_request"

    def __init__(self, detail: str, *, code: str | None = None, path: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.path = path
        if code is not None:
            self.code = code


class InvalidRequest(RequestError):
    status_code = 400
    code = "invalid_request"


class Unauthorized(RequestError):
    status_code = 401
    code = "unauthorized"


class Forbidden(RequestError):
    status_code = 403
    code = "forbidden"


class NotFound(RequestError):
    status_code = 404
    code = "not_found"


class PayloadTooLarge(RequestError):
    status_code = 413
    code = "body_too_large"
