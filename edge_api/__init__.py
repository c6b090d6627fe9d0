"""Palisade's edge API: the stateless ASGI service behind the CDN."""

from typing import TYPE_CHECKING

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
from edge_api.settings import Settings

if TYPE_CHECKING:
    from edge_api.app import create_app

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


def __getattr__(name: str) -> object:
    # The app (and prometheus_client with it) loads on first use, not with the package:
    # `palisade serve` must set PROMETHEUS_MULTIPROC_DIR before the metrics exist, or
    # workers forked from it (Granian's) would each keep private, unscraped samples.
    if name == "create_app":
        from edge_api.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
