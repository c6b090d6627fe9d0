"""The whole verification over HTTP semantics, on memory and on a real Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from edge_api.keys import KeyRing
from edge_api.pow import solve
from tests.conftest import FakeClock
from tests.edge_api.conftest import Harness, open_harness

ALIASES = ["/siteverify", "/turnstile/v0/siteverify", "/recaptcha/api/siteverify"]


def test_challenge_submit_siteverify_then_replay_refused(any_harness: Harness) -> None:
    site = any_harness.create_site()
    token = any_harness.token(site["sitekey"], action="login", cdata="order-42")
    assert len(token) <= 2048

    first = any_harness.client.post(
        "/siteverify", data={"secret": site["secret"], "response": token}
    ).json()
    assert first["success"] is True
    assert first["error-codes"] == []
    assert first["hostname"] == "example.com"
    assert first["action"] == "login"
    assert first["cdata"] == "order-42"
    assert 0.0 <= first["score"] <= 1.0
    assert first["challenge_ts"].endswith("Z")

    second = any_harness.client.post(
        "/siteverify", data={"secret": site["secret"], "response": token}
    ).json()
    assert second == {"success": False, "error-codes": ["already-seen-response"]}


@pytest.mark.parametrize(
    ("path", "expired_code", "duplicate_code"),
    [
        ("/siteverify", "expired-input-response", "already-seen-response"),
        ("/turnstile/v0/siteverify", "timeout-or-duplicate", "timeout-or-duplicate"),
        ("/recaptcha/api/siteverify", "timeout-or-duplicate", "timeout-or-duplicate"),
    ],
)
def test_expiry_and_duplicate_codes_per_flavour(
    harness: Harness, path: str, expired_code: str, duplicate_code: str
) -> None:
    site = harness.create_site(token_lifetime=60)
    used = harness.token(site["sitekey"])
    assert harness.client.post(path, json={"secret": site["secret"], "response": used}).json()[
        "success"
    ]
    assert harness.client.post(path, json={"secret": site["secret"], "response": used}).json() == {
        "success": False,
        "error-codes": [duplicate_code],
    }
    late = harness.token(site["sitekey"])
    harness.clock.advance(60)
    answer = harness.client.post(path, json={"secret": site["secret"], "response": late}).json()
    assert answer == {"success": False, "error-codes": [expired_code]}


@pytest.mark.parametrize("path", ALIASES)
def test_every_input_error_code_on_every_alias(harness: Harness, path: str) -> None:
    site = harness.create_site()
    token = harness.token(site["sitekey"])
    post = harness.client.post

    def codes(**kwargs: object) -> list[str]:
        body = post(path, **kwargs).json()  # type: ignore[arg-type]
        assert body["success"] is False
        return list(body["error-codes"])

    assert codes(data={"response": token}) == ["missing-input-secret"]
    assert codes(data={"secret": "sk_nope", "response": token}) == ["invalid-input-secret"]
    assert codes(data={"secret": site["secret"]}) == ["missing-input-response"]
    assert codes(data={"secret": site["secret"], "response": "garbage"}) == [
        "invalid-input-response"
    ]
    assert codes(content=b"{not json", headers={"content-type": "application/json"}) == [
        "bad-request"
    ]
    assert codes(content=b"[1, 2]", headers={"content-type": "application/json"}) == ["bad-request"]
    assert codes(json={"secret": 5, "response": token}) == ["bad-request"]
    # The token still works after all those refusals.
    ok = post(path, data={"secret": site["secret"], "response": token}).json()
    assert ok["success"] is True


def test_store_failure_follows_the_site_policy(harness: Harness) -> None:
    from edge_api import StoreUnavailable

    open_site = harness.create_site(failure_policy="open")
    closed_site = harness.create_site(failure_policy="closed")
    open_token = harness.token(open_site["sitekey"])
    closed_token = harness.token(closed_site["sitekey"])

    async def broken_gate(request: object) -> object:
        raise StoreUnavailable("connection refused")

    harness.store.gate = broken_gate  # type: ignore[method-assign,assignment]
    closed = harness.client.post(
        "/siteverify", data={"secret": closed_site["secret"], "response": closed_token}
    )
    assert closed.status_code == 200
    assert closed.json() == {"success": False, "error-codes": ["internal-error"]}
    opened = harness.client.post(
        "/siteverify", data={"secret": open_site["secret"], "response": open_token}
    ).json()
    assert opened["success"] is True
    assert opened["degraded"] is True


def test_tampered_and_spliced_tokens_are_refused(harness: Harness) -> None:
    site = harness.create_site()
    token_a = harness.token(site["sitekey"], cdata="a")
    token_b = harness.token(site["sitekey"], cdata="b")
    prefix, kid, payload_a, mac_a = token_a.split(".")
    _, _, payload_b, mac_b = token_b.split(".")
    flipped = payload_a[:-2] + ("A" if payload_a[-2] != "A" else "B") + payload_a[-1]
    forged = [
        f"{prefix}.{kid}.{payload_a}.{mac_b}",  # spliced: A's claims with B's MAC
        f"{prefix}.{kid}.{payload_b}.{mac_a}",
        f"{prefix}.{kid}.{flipped}.{mac_a}",  # tampered claims
        f"{prefix}.other.{payload_a}.{mac_a}",  # unknown key id
        token_a + "x",
        token_a.replace("p1.", "c1.", 1),  # a token posing as a challenge envelope
    ]
    for response in forged:
        answer = harness.client.post(
            "/turnstile/v0/siteverify", data={"secret": site["secret"], "response": response}
        ).json()
        assert answer == {"success": False, "error-codes": ["invalid-input-response"]}, response
    # Neither original was spent by the forgeries.
    for token in (token_a, token_b):
        answer = harness.client.post(
            "/turnstile/v0/siteverify", data={"secret": site["secret"], "response": token}
        ).json()
        assert answer["success"] is True


def test_other_sites_token_and_sitekey_parameter(harness: Harness) -> None:
    site_a = harness.create_site()
    site_b = harness.create_site()
    token_a = harness.token(site_a["sitekey"])
    mismatch = {"secret": site_b["secret"], "response": token_a}
    assert harness.client.post("/siteverify", data=mismatch).json()["error-codes"] == [
        "sitekey-secret-mismatch"
    ]
    assert harness.client.post("/turnstile/v0/siteverify", data=mismatch).json()["error-codes"] == [
        "invalid-input-response"
    ]
    # hCaptcha's optional sitekey parameter must match the token's sitekey.
    wrong_key = {"secret": site_a["secret"], "response": token_a, "sitekey": site_b["sitekey"]}
    assert harness.client.post("/siteverify", data=wrong_key).json()["error-codes"] == [
        "sitekey-secret-mismatch"
    ]
    right_key = {**wrong_key, "sitekey": site_a["sitekey"]}
    assert harness.client.post("/siteverify", data=right_key).json()["success"] is True


def test_hostname_rules(harness: Harness) -> None:
    site = harness.create_site(hostnames=["example.com", "*.example.org"])
    sitekey = site["sitekey"]
    for allowed in ("example.com", "EXAMPLE.com.", "shop.example.org", "a.b.example.org"):
        assert harness.challenge(sitekey, allowed)["puzzles"] > 0
    for refused in ("example.org", "evil.com", "example.com.evil.com", "notexample.com"):
        response = harness.client.post(
            "/v1/challenge", json={"sitekey": sitekey, "hostname": refused}
        )
        assert response.status_code == 403, refused
        assert response.json()["error"] == "hostname_not_allowed"


def test_origin_must_match_claimed_hostname(harness: Harness) -> None:
    site = harness.create_site()
    response = harness.client.post(
        "/v1/challenge",
        json={"sitekey": site["sitekey"], "hostname": "example.com"},
        headers={"Origin": "https://evil.test"},
    )
    assert response.status_code == 403
    assert response.json()["error"] == "hostname_mismatch"
    response = harness.client.post(
        "/v1/challenge",
        json={"sitekey": site["sitekey"], "hostname": "example.com"},
        headers={"Origin": "https://example.com"},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://example.com"
    assert response.headers["vary"] == "Origin"
    challenge = response.json()
    solution = solve(challenge["id"], challenge["puzzles"], challenge["difficulty"])
    body = {"challenge": challenge["challenge"], "solution": solution}
    answer = harness.client.post("/v1/submit", json=body, headers={"Origin": "https://example.com"})
    assert answer.status_code == 200 and answer.json()["status"] == "pass", answer.text
    assert answer.headers["access-control-allow-origin"] == "https://example.com"
    assert answer.headers["vary"] == "Origin"
    assert answer.headers["content-type"] == "application/json"
    assert int(answer.headers["content-length"]) == len(answer.content)
    # Without an Origin (a script, not a page) no CORS headers are sent.
    other = harness.submit(harness.challenge(site["sitekey"]))
    assert other.status_code == 200 and "access-control-allow-origin" not in other.headers


def test_hostname_removed_after_challenge_is_refused_at_submit(harness: Harness) -> None:
    site = harness.create_site(hostnames=["example.com", "other.com"])
    challenge = harness.challenge(site["sitekey"], "example.com")
    harness.client.patch(
        f"/admin/v1/sites/{site['sitekey']}",
        json={"hostnames": ["other.com"]},
        headers=harness.admin,
    )
    harness.clock.advance(10)  # past the site cache
    response = harness.submit(challenge)
    assert response.status_code == 403
    assert response.json()["reasons"] == ["hostname_not_allowed"]


def test_challenge_single_use_expiry_and_wrong_solution(harness: Harness) -> None:
    # Threshold 0: the replays below also raise this client's reputation (tested apart).
    site = harness.create_site(score_threshold=0.0)
    challenge = harness.challenge(site["sitekey"])
    assert harness.submit(challenge).json()["status"] == "pass"
    replay = harness.submit(challenge)
    assert replay.status_code == 403
    assert replay.json()["reasons"] == ["already_used"]

    stale = harness.challenge(site["sitekey"])
    harness.clock.advance(stale["expires_in"])
    assert harness.submit(stale).json()["reasons"] == ["expired"]

    fresh = harness.challenge(site["sitekey"])
    wrong = harness.client.post(
        "/v1/submit",
        json={"challenge": fresh["challenge"], "solution": [0] * fresh["puzzles"]},
    )
    # Nonce 0 for all 16 puzzles at 13 bits: chance 2^-208 of being right.
    assert wrong.json()["reasons"] == ["wrong_solution"]
    short = harness.client.post(
        "/v1/submit", json={"challenge": fresh["challenge"], "solution": [1, 2]}
    )
    assert short.json()["reasons"] == ["malformed_solution"]
    # A wrong solution did not burn the challenge.
    assert harness.submit(fresh).json()["status"] == "pass"


def test_low_score_escalates_then_refuses(harness: Harness) -> None:
    site = harness.create_site(mode="managed", pow_min=4, pow_max=12)
    signals = {"v": 1, "env": {"webdriver": True}}
    challenge = harness.challenge(site["sitekey"])
    difficulties = [challenge["difficulty"]]
    for _ in range(2):
        answer = harness.submit(challenge, signals=signals).json()
        assert answer["status"] == "escalate"
        assert answer["interactive"] is True
        challenge = answer["challenge"]
        difficulties.append(challenge["difficulty"])
    refused = harness.submit(challenge, signals=signals)
    assert refused.status_code == 403
    assert refused.json()["reasons"][:2] == ["low_score", "env.webdriver"]
    # +2 bits per escalation, plus reputation bits as the escalations raise it
    # (1 -> 2 bits, 2 -> 3 bits), capped at pow_max.
    assert difficulties == [4, 8, 12]


def test_key_rotation(tmp_path: Path, clock: FakeClock) -> None:
    old = KeyRing.generate_spec("old")
    new = KeyRing.generate_spec("new")
    harness_gen = open_harness(tmp_path, clock, keys=old)
    h = next(harness_gen)
    site = h.create_site()
    old_token = h.token(site["sitekey"])
    store = h.store
    # New key in front, old key kept: old tokens still verify, new ones use "new".
    rotated_gen = open_harness(tmp_path, clock, keys=f"{new},{old}")
    rotated = next(rotated_gen)
    rotated.client.app.state.services.store = store  # type: ignore[attr-defined]
    rotated.client.app.state.services.sites._store = store  # type: ignore[attr-defined]
    new_token = rotated.token(site["sitekey"])
    assert new_token.split(".")[1] == "new"
    body = {"secret": site["secret"], "response": old_token}
    assert rotated.client.post("/siteverify", data=body).json()["success"] is True
    # Old key retired: a token it signed is refused.
    retired_gen = open_harness(tmp_path, clock, keys=new)
    retired = next(retired_gen)
    retired.client.app.state.services.store = store  # type: ignore[attr-defined]
    retired.client.app.state.services.sites._store = store  # type: ignore[attr-defined]
    another_old = h.token(site["sitekey"])
    answer = retired.client.post(
        "/siteverify", data={"secret": site["secret"], "response": another_old}
    ).json()
    assert answer["error-codes"] == ["invalid-input-response"]
    for gen in (harness_gen, rotated_gen, retired_gen):
        gen.close()


def test_idempotency_key_reverifies_same_token(harness: Harness) -> None:
    site = harness.create_site()
    token = harness.token(site["sitekey"])
    path = "/turnstile/v0/siteverify"
    body = {"secret": site["secret"], "response": token, "idempotency_key": "7f1b8d2a-1"}
    first = harness.client.post(path, json=body).json()
    again = harness.client.post(path, json=body).json()
    assert first["success"] is True
    assert again["success"] is True
    other_key = harness.client.post(path, json={**body, "idempotency_key": "other"}).json()
    assert other_key["error-codes"] == ["timeout-or-duplicate"]
    no_key = harness.client.post(path, json={**body, "idempotency_key": ""}).json()
    assert no_key["error-codes"] == ["timeout-or-duplicate"]


def test_form_json_and_multipart_bodies(harness: Harness) -> None:
    site = harness.create_site()
    for kind in ("form", "json", "multipart"):
        token = harness.token(site["sitekey"])
        fields = {"secret": site["secret"], "response": token}
        if kind == "form":
            response = harness.client.post("/recaptcha/api/siteverify", data=fields)
        elif kind == "json":
            response = harness.client.post("/recaptcha/api/siteverify", json=fields)
        else:
            response = harness.client.post(
                "/recaptcha/api/siteverify", files={k: (None, v) for k, v in fields.items()}
            )
        assert response.json()["success"] is True, kind


def test_siteverify_reads_the_query_string_and_a_streamed_body(harness: Harness) -> None:
    site = harness.create_site()
    # reCAPTCHA accepts its fields in the query string too.
    token = harness.token(site["sitekey"])
    query = harness.client.post(
        "/recaptcha/api/siteverify", params={"secret": site["secret"], "response": token}
    )
    assert query.json()["success"] is True
    # A body sent in pieces (chunked) is read whole.
    body = urlencode({"secret": site["secret"], "response": harness.token(site["sitekey"])})

    def pieces() -> Iterator[bytes]:
        for start in range(0, len(body), 40):
            yield body[start : start + 40].encode()

    streamed = harness.client.post(
        "/siteverify",
        content=pieces(),
        headers={"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    assert streamed.json()["success"] is True


def test_siteverify_refuses_unreadable_bodies(harness: Harness) -> None:
    site = harness.create_site()
    token = harness.token(site["sitekey"])
    form = {"content-type": "application/x-www-form-urlencoded"}
    cases = [
        (b"secret=" + site["secret"].encode() + b"&response", form),  # a field without "="
        (b"secret=\xff\xfe", form),  # not UTF-8
        (b"[1, 2]", {"content-type": "application/json"}),  # JSON, not an object
        (b"{oops", {"content-type": "application/json"}),
    ]
    for body, headers in cases:
        answer = harness.client.post("/siteverify", content=body, headers=headers)
        assert answer.status_code == 200, body
        assert answer.json() == {"success": False, "error-codes": ["bad-request"]}, body
    # A multipart body that does not parse is the form parser's 400, in JSON.
    broken = harness.client.post(
        "/siteverify",
        content=b"--xyz\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--xyz--\r\n",
        headers={"content-type": "multipart/form-data; boundary=xyz"},
    )
    assert broken.status_code == 400
    assert broken.json()["error"] == "invalid_request"
    # The token was never spent by those refusals.
    good = harness.client.post("/siteverify", data={"secret": site["secret"], "response": token})
    assert good.json()["success"] is True


def test_malformed_submit_names_the_path(harness: Harness) -> None:
    site = harness.create_site()
    challenge = harness.challenge(site["sitekey"])
    cases = [
        ({"challenge": challenge["challenge"], "solution": "x"}, "$.solution"),
        ({"challenge": challenge["challenge"], "solution": [], "signals": {"v": 2}}, "$.signals.v"),
        (
            {"challenge": challenge["challenge"], "solution": [], "signals": {"pointer": [[0, 1]]}},
            "$.signals.pointer[0]",
        ),
        ({"challenge": challenge["challenge"], "solution": [], "bogus": 1}, "$"),
        ({"challenge": challenge["challenge"], "solution": [], "action": "a b"}, "$.action"),
    ]
    for body, path in cases:
        response = harness.client.post("/v1/submit", json=body)
        assert response.status_code == 400, body
        assert response.json()["path"] == path, response.json()
    not_json = harness.client.post("/v1/submit", content=b"{oops")
    assert not_json.status_code == 400
    assert not_json.json()["error"] == "invalid_json"


def test_body_limits(harness: Harness) -> None:
    huge = b'{"sitekey": "' + b"a" * 5000 + b'", "hostname": "x"}'
    response = harness.client.post("/v1/challenge", content=huge)
    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"

    def chunks() -> object:
        for _ in range(10):
            yield b"x" * 1024

    streamed = harness.client.post(
        "/siteverify",
        content=chunks(),
        headers={"content-type": "application/json"},  # type: ignore[arg-type]
    )
    assert streamed.status_code == 413
    assert streamed.json()["error"] == "body_too_large"


def test_unknown_sitekey(harness: Harness) -> None:
    response = harness.client.post(
        "/v1/challenge", json={"sitekey": "pk_nope", "hostname": "x.com"}
    )
    assert response.status_code == 404
    assert response.json()["error"] == "unknown_sitekey"
