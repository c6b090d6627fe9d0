"""The OpenAPI 3.1 document of every public endpoint, built from the wire Structs."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from edge_api.analytics.spec import analytics_paths
from edge_api.sites import SiteCreate, SiteUpdate
from edge_api.widget_wire import (
    ChallengeOut,
    ChallengeRequest,
    EscalateOut,
    PassOut,
    RefusedOut,
    SubmitRequest,
)

__all__ = ["openapi_document", "openapi_endpoint"]

VERSION = "0.1.0"


class ErrorOut(msgspec.Struct, frozen=True):
    error: str
    detail: str
    path: str | None = None


class SiteverifyForm(msgspec.Struct, frozen=True):
    """Form-encoded or JSON."""

    secret: str
    response: Annotated[str, msgspec.Meta(max_length=2048)]
    remoteip: str | None = None
    sitekey: str | None = None
    idempotency_key: str | None = None


class SiteverifyAnswer(msgspec.Struct, frozen=True, rename={"error_codes": "error-codes"}):
    success: bool
    error_codes: list[str]
    challenge_ts: str | None = None
    hostname: str | None = None
    action: str | None = None
    cdata: str | None = None
    score: float | None = None
    score_reason: list[str] | None = None


class SiteOut(msgspec.Struct, frozen=True):
    sitekey: str
    name: str
    hostnames: list[str]
    mode: Literal["invisible", "managed", "checkbox"]
    score_threshold: float
    pow_min: int
    pow_max: int
    token_lifetime: int
    failure_policy: Literal["open", "closed"]
    created_at: float
    updated_at: float
    secret: str | None = None


_SCHEMAS: tuple[type[msgspec.Struct], ...] = (
    ChallengeRequest,
    ChallengeOut,
    SubmitRequest,
    PassOut,
    EscalateOut,
    RefusedOut,
    ErrorOut,
    SiteverifyForm,
    SiteverifyAnswer,
    SiteCreate,
    SiteUpdate,
    SiteOut,
)


def _ref(struct: type[msgspec.Struct]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{struct.__name__}"}


def _json(struct: type[msgspec.Struct] | dict[str, Any]) -> dict[str, Any]:
    schema = struct if isinstance(struct, dict) else _ref(struct)
    return {"content": {"application/json": {"schema": schema}}}


def _answer(
    description: str, struct: type[msgspec.Struct] | dict[str, Any] | None = None
) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description}
    if struct is not None:
        answer.update(_json(struct))
    return answer


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): _answer("error", ErrorOut) for code in codes}


def _siteverify(flavour: str) -> dict[str, Any]:
    form = _ref(SiteverifyForm)
    return {
        "post": {
            "summary": f"Verify a response token ({flavour} flavour)",
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {"schema": form},
                    "application/json": {"schema": form},
                },
            },
            "responses": {"200": _answer("verification answer", SiteverifyAnswer), **_errors(413)},
        }
    }


@cache
def openapi_document() -> dict[str, Any]:
    _, components = msgspec.json.schema_components(
        _SCHEMAS, ref_template="#/components/schemas/{name}"
    )
    admin_security: list[dict[str, list[str]]] = [{"adminToken": []}]
    site_path = {"name": "sitekey", "in": "path", "required": True, "schema": {"type": "string"}}
    submit_answer = {"oneOf": [_ref(PassOut), _ref(EscalateOut)]}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Palisade", "version": VERSION},
        "paths": {
            "/v1/challenge": {
                "post": {
                    "summary": "Get a proof-of-work challenge",
                    "requestBody": {"required": True, **_json(ChallengeRequest)},
                    "responses": {
                        "200": _answer("challenge", ChallengeOut),
                        **_errors(400, 403, 404, 413),
                    },
                }
            },
            "/v1/submit": {
                "post": {
                    "summary": "Submit a solution: a token, a harder challenge or a refusal",
                    "requestBody": {"required": True, **_json(SubmitRequest)},
                    "responses": {
                        "200": _answer("token or escalation", submit_answer),
                        "403": _answer("refused", RefusedOut),
                        **_errors(400, 413),
                    },
                }
            },
            "/siteverify": _siteverify("hCaptcha"),
            "/turnstile/v0/siteverify": _siteverify("Turnstile"),
            "/recaptcha/api/siteverify": _siteverify("reCAPTCHA"),
            "/healthz": {"get": {"summary": "Liveness", "responses": {"200": _answer("alive")}}},
            "/readyz": {
                "get": {
                    "summary": "Readiness (store reachable)",
                    "responses": {"200": _answer("ready"), "503": _answer("not ready")},
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus metrics",
                    "responses": {
                        "200": {
                            "description": "text exposition format",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
            "/admin/v1/sites": {
                "get": {
                    "summary": "List sites",
                    "security": admin_security,
                    "responses": {
                        "200": _answer(
                            "sites",
                            {
                                "type": "object",
                                "properties": {"sites": {"type": "array", "items": _ref(SiteOut)}},
                            },
                        ),
                        **_errors(401),
                    },
                },
                "post": {
                    "summary": "Create a site (the secret is shown once)",
                    "security": admin_security,
                    "requestBody": {"required": True, **_json(SiteCreate)},
                    "responses": {"201": _answer("created", SiteOut), **_errors(400, 401)},
                },
            },
            "/admin/v1/sites/{sitekey}": {
                "parameters": [site_path],
                "get": {
                    "summary": "Get a site",
                    "security": admin_security,
                    "responses": {"200": _answer("site", SiteOut), **_errors(401, 404)},
                },
                "patch": {
                    "summary": "Update a site",
                    "security": admin_security,
                    "requestBody": {"required": True, **_json(SiteUpdate)},
                    "responses": {"200": _answer("site", SiteOut), **_errors(400, 401, 404)},
                },
                "delete": {
                    "summary": "Delete a site",
                    "security": admin_security,
                    "responses": {"204": _answer("deleted"), **_errors(401, 404)},
                },
            },
            "/admin/v1/sites/{sitekey}/rotate-secret": {
                "parameters": [site_path],
                "post": {
                    "summary": "Rotate the secret (the new one is shown once)",
                    "security": admin_security,
                    "responses": {
                        "200": _answer("site with new secret", SiteOut),
                        **_errors(401, 404),
                    },
                },
            },
            **analytics_paths(),
        },
        "components": {
            "schemas": components,
            "securitySchemes": {
                "adminToken": {"type": "http", "scheme": "bearer"},
                "siteSecret": {"type": "http", "scheme": "bearer"},
            },
        },
    }


async def openapi_endpoint(request: Request) -> Response:
    return Response(msgspec.json.encode(openapi_document()), media_type="application/json")
