"""The admin API: auth, CRUD, secret rotation, validation errors."""

from __future__ import annotations

from tests.edge_api.conftest import Harness


def test_requires_bearer_token(harness: Harness) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic xyz"}):
        response = harness.client.get("/admin/v1/sites", headers=headers)
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"


def test_crud_and_rotation(harness: Harness) -> None:
    site = harness.create_site(name="Shop", hostnames=["Shop.Example.com"], mode="invisible")
    assert site["hostnames"] == ["shop.example.com"]
    assert site["secret"].startswith("sk_")
    assert "secret_hash" not in site
    sitekey = site["sitekey"]

    listed = harness.client.get("/admin/v1/sites", headers=harness.admin).json()["sites"]
    demo = harness.client.app.state.demo_site.sitekey  # type: ignore[attr-defined]
    assert sorted(s["sitekey"] for s in listed) == sorted([sitekey, demo])
    assert all("secret" not in s for s in listed)

    updated = harness.client.patch(
        f"/admin/v1/sites/{sitekey}",
        json={"score_threshold": 0.7, "pow_max": 22},
        headers=harness.admin,
    ).json()
    assert updated["score_threshold"] == 0.7
    assert updated["pow_max"] == 22
    assert updated["mode"] == "invisible"

    token = harness.token(sitekey, hostname="shop.example.com")
    rotated = harness.client.post(
        f"/admin/v1/sites/{sitekey}/rotate-secret", headers=harness.admin
    ).json()
    assert rotated["secret"] != site["secret"]
    old = harness.client.post("/siteverify", data={"secret": site["secret"], "response": token})
    assert old.json()["error-codes"] == ["invalid-input-secret"]
    new = harness.client.post("/siteverify", data={"secret": rotated["secret"], "response": token})
    assert new.json()["success"] is True

    assert (
        harness.client.delete(f"/admin/v1/sites/{sitekey}", headers=harness.admin).status_code
        == 204
    )
    missing = harness.client.get(f"/admin/v1/sites/{sitekey}", headers=harness.admin)
    assert missing.status_code == 404
    assert missing.json()["error"] == "unknown_sitekey"
    gone = harness.client.post("/siteverify", data={"secret": rotated["secret"], "response": token})
    assert gone.json()["error-codes"] == ["invalid-input-secret"]


def test_validation_errors_name_the_field(harness: Harness) -> None:
    cases = [
        ({"hostnames": []}, "$.hostnames"),
        ({"hostnames": ["ok.com", "bad host"]}, "$.hostnames[1]"),
        ({"hostnames": ["ok.com"], "mode": "loud"}, "$.mode"),
        ({"hostnames": ["ok.com"], "score_threshold": 2}, "$.score_threshold"),
        ({"hostnames": ["ok.com"], "pow_min": 20, "pow_max": 10}, "$.pow_min"),
        ({"hostnames": ["ok.com"], "surprise": True}, "$"),
    ]
    for body, path in cases:
        response = harness.client.post("/admin/v1/sites", json=body, headers=harness.admin)
        assert response.status_code == 400, body
        assert response.json()["path"] == path, response.json()
    not_json = harness.client.post("/admin/v1/sites", content=b"nope", headers=harness.admin)
    assert not_json.status_code == 400
