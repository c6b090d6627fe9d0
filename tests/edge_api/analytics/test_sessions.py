"""Dashboard sign-in and sessions, in-process on a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from edge_api.analytics.session import COOKIE, DEFAULT_SESSION_SECONDS
from tests.conftest import FakeClock
from tests.edge_api.analytics.conftest import Lab, open_lab
from tests.edge_api.conftest import ADMIN_TOKEN


@pytest.fixture
def mem(tmp_path: Path, clock: FakeClock) -> Iterator[Lab]:
    yield from open_lab(tmp_path, clock, None)


def _login(lab: Lab, **form: str) -> tuple[int, str | None]:
    response = lab.h.client.post("/dashboard/login", data=form, follow_redirects=False)
    lab.h.client.cookies.clear()  # tests set the cookie they mean explicitly
    return response.status_code, response.cookies.get(COOKIE)


def _use(lab: Lab, cookie: str) -> None:
    lab.h.client.cookies.clear()
    lab.h.client.cookies.set(COOKIE, cookie, path="/dashboard")


def test_sign_in_session_and_expiry(mem: Lab) -> None:
    client = mem.h.client
    site = mem.h.create_site()
    first = client.get("/dashboard", follow_redirects=False)
    assert (first.status_code, first.headers["location"]) == (303, "/dashboard/login")
    page = client.get("/dashboard/login")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script" not in page.text  # nothing inline, nothing at all on the sign-in page

    assert _login(mem, sitekey=site["sitekey"], secret="sk_wrong")[0] == 401
    assert _login(mem, sitekey="pk_other", secret=site["secret"])[0] == 401
    status, cookie = _login(mem, sitekey=site["sitekey"], secret=site["secret"])
    assert status == 303 and cookie
    raw = client.post(
        "/dashboard/login",
        data={"sitekey": site["sitekey"], "secret": site["secret"]},
        follow_redirects=False,
    ).headers["set-cookie"]
    client.cookies.clear()
    assert "HttpOnly" in raw and "SameSite=strict" in raw and "Path=/dashboard" in raw
    assert site["secret"] not in raw

    _use(mem, cookie)
    assert client.get("/dashboard/api/session").json()["role"] == "site"
    views = client.get(f"/dashboard/api/{site['sitekey']}/outcomes")
    assert views.status_code == 200
    mem.h.clock.advance(DEFAULT_SESSION_SECONDS - 1)
    assert client.get("/dashboard/api/session").status_code == 200
    mem.h.clock.advance(2)
    expired = client.get("/dashboard/api/session")
    assert (expired.status_code, expired.json()["error"]) == (401, "no_session")
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_tampering_rotation_and_scope(mem: Lab) -> None:
    client = mem.h.client
    site, other = mem.h.create_site(), mem.h.create_site()
    _, cookie = _login(mem, sitekey=site["sitekey"], secret=site["secret"])
    assert cookie
    head, kid, payload, mac = cookie.split(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB")
    _use(mem, f"{head}.{kid}.{forged}.{mac}")
    assert client.get("/dashboard/api/session").status_code == 401
    _use(mem, cookie)
    assert client.get(f"/dashboard/api/{other['sitekey']}/outcomes").status_code == 403
    # Rotating the secret ends the sessions opened with the old one.
    client.post(f"/admin/v1/sites/{site['sitekey']}/rotate-secret", headers=mem.h.admin)
    assert client.get("/dashboard/api/session").status_code == 401


def test_admin_sees_every_site(mem: Lab) -> None:
    client = mem.h.client
    a, b = mem.h.create_site(name="A"), mem.h.create_site(name="B")
    assert _login(mem, token="nope")[0] == 401
    status, cookie = _login(mem, token=ADMIN_TOKEN)
    assert status == 303 and cookie
    _use(mem, cookie)
    info = client.get("/dashboard/api/session").json()
    assert info["role"] == "admin"
    assert {a["sitekey"], b["sitekey"]} <= {s["sitekey"] for s in info["sites"]}
    assert client.get(f"/dashboard/api/{b['sitekey']}/reasons").status_code == 200


def test_cross_site_form_post_is_refused(mem: Lab) -> None:
    site = mem.h.create_site()
    response = mem.h.client.post(
        "/dashboard/login",
        data={"sitekey": site["sitekey"], "secret": site["secret"]},
        headers={"Sec-Fetch-Site": "cross-site"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert COOKIE not in response.cookies
    huge = mem.h.client.post("/dashboard/login", content=b"a=" + b"x" * 5000)
    assert huge.status_code == 413
