"""edge_api.widget: serving the built bundle, and the dev demo's server-side verification."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from edge_api import widget

BUNDLE = b"/*! Palisade widget */(()=>{window.palisade={}})();\n" * 20


@pytest.fixture
def dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "dist"
    directory.mkdir()
    monkeypatch.setenv("PALISADE_WIDGET_DIR", str(directory))
    return directory


def build(dist: Path, body: bytes = BUNDLE, version: str = "0.1.0") -> None:
    (dist / "api.js").write_bytes(body)
    (dist / "VERSION").write_text(version + "\n")


def make_client(demo: bool = True) -> TestClient:
    app = Starlette(routes=[*widget.widget_routes(), *widget.demo_routes()])
    if demo:
        app.state.demo_site = SimpleNamespace(sitekey="sk_demo", secret="secret_demo")
    return TestClient(app)


def test_unbuilt_widget_is_a_clear_503(dist: Path) -> None:
    response = make_client().get("/v1/api.js")
    assert response.status_code == 503
    assert response.json() == {
        "error": "widget_not_built",
        "detail": "run npm ci && npm run build in sdk_js",
    }
    assert make_client().get("/demo").status_code == 503


def test_api_js_short_cache_etag_and_304(dist: Path) -> None:
    build(dist)
    client = make_client()
    response = client.get("/v1/api.js", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.content == BUNDLE
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["x-content-type-options"] == "nosniff"
    etag = response.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    again = client.get("/v1/api.js", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert client.get("/v1/api.js", headers={"If-None-Match": '"other"'}).status_code == 200


def test_gzip_and_head(dist: Path) -> None:
    build(dist)
    client = make_client()
    response = client.get("/v1/api.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.content == BUNDLE  # httpx decodes; the wire body was gzip
    assert int(response.headers["content-length"]) == len(gzip.compress(BUNDLE, 9, mtime=0))
    head = client.head("/v1/api.js", headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200
    assert head.headers["content-length"] == str(len(BUNDLE))


def test_versioned_urls_are_immutable_only_for_the_current_build(dist: Path) -> None:
    build(dist)
    client = make_client()
    version = client.get("/v1/api.js").headers["x-palisade-widget-version"]
    assert version.startswith("0.1.0-")
    immutable = "public, max-age=31536000, immutable"
    assert client.get(f"/v1/api.js?v={version}").headers["cache-control"] == immutable
    assert client.get(f"/v1/{version}/api.js").headers["cache-control"] == immutable
    stale = client.get("/v1/api.js?v=0.0.9-deadbeef00")
    assert stale.status_code == 200
    assert stale.headers["cache-control"] == "public, max-age=300"


def test_a_rebuild_changes_version_and_etag(dist: Path) -> None:
    build(dist)
    client = make_client()
    first = client.get("/v1/api.js").headers
    build(dist, BUNDLE + b"//changed\n")
    second = client.get("/v1/api.js").headers
    assert first["etag"] != second["etag"]
    assert first["x-palisade-widget-version"] != second["x-palisade-widget-version"]


def test_demo_is_dev_only(dist: Path) -> None:
    build(dist)
    client = make_client(demo=False)
    assert client.get("/demo").status_code == 404
    assert client.post("/demo/submit", content=b"palisade-response=x").status_code == 404


def test_demo_page_loads_the_versioned_widget_under_a_strict_csp(dist: Path) -> None:
    build(dist)
    client = make_client()
    version = client.get("/v1/api.js").headers["x-palisade-widget-version"]
    response = client.get("/demo")
    assert response.status_code == 200
    page = response.text
    assert 'data-sitekey="sk_demo"' in page
    assert "secret_demo" not in page
    match = re.search(r'<script nonce="([^"]+)" src="([^"]+)"', page)
    assert match is not None
    nonce, src = match.groups()
    assert src.startswith(f"/v1/api.js?v={version}")
    csp = response.headers["content-security-policy"]
    assert f"script-src 'nonce-{nonce}' 'strict-dynamic'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    # A fresh nonce per response.
    assert f"'nonce-{nonce}'" not in client.get("/demo").headers["content-security-policy"]


def test_demo_submit_verifies_like_a_customer_backend(
    dist: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, dict[str, str]]] = []

    def fake_siteverify(url: str, fields: dict[str, str]) -> tuple[int, object]:
        calls.append((url, fields))
        ok = fields["response"] == "good-token"
        return 200, {"success": ok, "error-codes": [] if ok else ["invalid-input-response"]}

    monkeypatch.setattr(widget, "_post_siteverify", fake_siteverify)
    client = make_client()
    good = client.post(
        "/demo/submit",
        content=b"message=hi+%3Cb%3E&palisade-response=good-token",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert calls == [
        ("http://testserver:80/siteverify", {"secret": "secret_demo", "response": "good-token"})
    ]
    assert good.status_code == 200
    assert "Verified" in good.text
    assert "&quot;success&quot;: true" in good.text
    assert "hi &lt;b&gt;" in good.text  # echoed input is escaped
    bad = client.post("/demo/submit", content=b"palisade-response=forged")
    assert bad.status_code == 400
    assert "Not verified" in bad.text
    assert "invalid-input-response" in bad.text


def test_demo_submit_ignores_a_forged_host_header(
    dist: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls: list[str] = []
    monkeypatch.setattr(
        widget, "_post_siteverify", lambda url, fields: (urls.append(url), (200, {}))[1]
    )
    make_client().post(
        "/demo/submit", content=b"palisade-response=t", headers={"Host": "evil.example"}
    )
    assert urls == ["http://testserver:80/siteverify"]


def test_demo_submit_bounds_the_form(dist: Path) -> None:
    response = make_client().post("/demo/submit", content=b"a=" + b"x" * 20_000)
    assert response.status_code == 413


def test_siteverify_helper_refuses_other_schemes() -> None:
    with pytest.raises(ValueError, match="http"):
        widget._post_siteverify("file:///etc/passwd", {})
