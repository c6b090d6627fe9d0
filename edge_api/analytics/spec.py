"""The OpenAPI description of ``GET /v1/analytics/{sitekey}/{view}``."""

from __future__ import annotations

from typing import Any

from edge_api.analytics.query import MAX_LIMIT, VIEWS

__all__ = ["analytics_paths"]


def _param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def analytics_paths() -> dict[str, Any]:
    time = {"oneOf": [{"type": "number"}, {"type": "string", "format": "date-time"}]}
    error = {
        "description": "error",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
    return {
        "/v1/analytics/{sitekey}/{view}": {
            "get": {
                "summary": "Aggregated decisions of a site (see docs/analytics.md)",
                "security": [{"siteSecret": []}, {"adminToken": []}],
                "parameters": [
                    {
                        "name": "sitekey",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "view",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": list(VIEWS)},
                    },
                    _param("from", "start: unix seconds or ISO 8601 (default: to - 24 h)", time),
                    _param("to", "end, exclusive: unix seconds or ISO 8601 (default: now)", time),
                    _param("step", "bucket size", {"type": "string", "enum": ["minute", "hour"]}),
                    _param(
                        "format", "or Accept: text/csv", {"type": "string", "enum": ["json", "csv"]}
                    ),
                    _param(
                        "limit",
                        "rows of top lists",
                        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                    ),
                ],
                "responses": {
                    "200": {
                        "description": "the view",
                        "content": {
                            "application/json": {"schema": {"type": "object"}},
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                    "400": error,
                    "401": error,
                    "403": error,
                    "404": error,
                },
            }
        }
    }
