"""The OpenAPI document is valid and covers every public endpoint."""

from __future__ import annotations

from openapi_spec_validator import validate

from tests.edge_api.conftest import Harness


def test_openapi_document_is_valid_and_complete(harness: Harness) -> None:
    response = harness.client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    public = {
        "/v1/challenge",
        "/v1/submit",
        "/siteverify",
        "/turnstile/v0/siteverify",
        "/recaptcha/api/siteverify",
        "/healthz",
        "/readyz",
        "/metrics",
        "/admin/v1/sites",
        "/admin/v1/sites/{sitekey}",
        "/admin/v1/sites/{sitekey}/rotate-secret",
    }
    assert public <= set(document["paths"])
    submit = document["components"]["schemas"]["SubmitRequest"]
    assert "signals" in submit["properties"]


def test_health_ready_metrics(harness: Harness) -> None:
    assert harness.client.get("/healthz").json() == {"status": "ok"}
    assert harness.client.get("/readyz").json()["status"] == "ready"
    site = harness.create_site()
    harness.token(site["sitekey"])
    metrics = harness.client.get("/metrics").text
    assert 'palisade_http_requests_total{method="POST",route="/v1/submit",status="200"}' in metrics
    assert harness.client.get("/healthz").headers["x-request-id"]
    echoed = harness.client.get("/healthz", headers={"x-request-id": "cdn-req-12345"})
    assert echoed.headers["x-request-id"] == "cdn-req-12345"
