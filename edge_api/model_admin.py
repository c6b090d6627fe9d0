"""``/admin/v1/model``: see the scoring models and swap them without a restart."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Literal

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from edge_api._exceptions import InvalidRequest, NotFound
from edge_api.admin import require_admin
from edge_api.coalesce import CoalescedScorer
from edge_api.errors import json_response, validation_error
from scoring import ModelError, ModelScorer

__all__ = ["model_routes"]


class ModelSwap(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    path: str | None
    role: Literal["active", "shadow"] = "active"


_decoder = msgspec.json.Decoder(ModelSwap)


def _model_scorer(scorer: CoalescedScorer) -> ModelScorer:
    inner = scorer.inner
    if not isinstance(inner, ModelScorer):
        raise NotFound("this service scores without a model", code="no_model")
    return inner


def _describe(scorer: ModelScorer) -> dict[str, object]:
    return {
        "active": scorer.version,
        "shadow": scorer.shadow_version,
        "shadow_stats": dataclasses.asdict(scorer.shadow_stats),
    }


async def get_model(request: Request) -> Response:
    services = require_admin(request)
    return json_response(_describe(_model_scorer(services.scorer)))


async def swap_model(request: Request) -> Response:
    """Only this worker swaps; with several workers, replace the model file instead
    (every worker watches it) or call each worker."""
    services = require_admin(request)
    scorer = _model_scorer(services.scorer)
    try:
        change = _decoder.decode(await request.body() or b"{}")
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise validation_error(exc) from None
    try:
        if change.role == "shadow":
            scorer.set_shadow(None if change.path is None else Path(change.path))
        elif change.path is None:
            raise InvalidRequest("the active model needs a path", path="$.path")
        else:
            scorer.swap(Path(change.path))
    except (ModelError, OSError) as exc:
        raise InvalidRequest(
            f"cannot load that model: {exc}", code="bad_model", path="$.path"
        ) from None
    return json_response(_describe(scorer))


def model_routes() -> list[Route]:
    return [
        Route("/admin/v1/model", get_model, methods=["GET"]),
        Route("/admin/v1/model", swap_model, methods=["POST"]),
    ]
