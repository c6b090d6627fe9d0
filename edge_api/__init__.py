"""Palisade's edge API: the stateless ASGI service behind the CDN."""

from edge_api._exceptions import (
    ConfigError,
    Forbidden,
    InvalidRequest,
    NotFound,
    PalisadeError,
    PayloadTooLarge,
    RequestError,
    StoreError,
    StoreUnavailable,
    Unauthorized,
)
from edge_api._secret import Secret
from edge_api.app import create_app
from edge_api.settings import Settings

__all__ = [
    "ConfigError",
    "Forbidden",
    "InvalidRequest",
    "NotFound",
    "PalisadeError",
    "PayloadTooLarge",
    "RequestError",
    "Secret",
    "Settings",
    "StoreError",
    "StoreUnavailable",
    "Unauthorized",
    "create_app",
]
