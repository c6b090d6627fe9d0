"""The published hCaptcha and Turnstile test keys behave as their services document."""

from __future__ import annotations

import pytest

from edge_api.testkeys import (
    HCAPTCHA_TEST_SECRET,
    HCAPTCHA_TEST_SITEKEY,
    HCAPTCHA_TEST_TOKEN,
    TURNSTILE_DUMMY_TOKEN,
)
from tests.edge_api.conftest import Harness

PASS_SECRET = "1x0000000000000000000000000000000AA"
FAIL_SECRET = "2x0000000000000000000000000000000AA"
SPENT_SECRET = "3x0000000000000000000000000000000AA"


@pytest.mark.parametrize(
    ("sitekey", "token"),
    [
        (HCAPTCHA_TEST_SITEKEY, HCAPTCHA_TEST_TOKEN),
        ("1x00000000000000000000AA", TURNSTILE_DUMMY_TOKEN),
        ("1x00000000000000000000BB", TURNSTILE_DUMMY_TOKEN),
    ],
)
def test_passing_test_sitekeys_give_their_token_on_any_hostname(
    harness: Harness, sitekey: str, token: str
) -> None:
    challenge = harness.challenge(sitekey, hostname="localhost")
    answer = harness.submit(challenge, signals={"v": 1, "env": {"webdriver": True}}).json()
    assert answer == {"status": "pass", "token": token, "expires_in": 300}


@pytest.mark.parametrize("sitekey", ["2x00000000000000000000AB", "2x00000000000000000000BB"])
def test_blocking_test_sitekeys_refuse(harness: Harness, sitekey: str) -> None:
    response = harness.submit(harness.challenge(sitekey, hostname="anything.test"))
    assert response.status_code == 403
    assert response.json()["reasons"] == ["test_sitekey_blocks"]


def test_interactive_test_sitekey_escalates_once(harness: Harness) -> None:
    first = harness.submit(harness.challenge("3x00000000000000000000FF")).json()
    assert first["status"] == "escalate"
    assert first["interactive"] is True
    second = harness.submit(first["challenge"]).json()
    assert second == {"status": "pass", "token": TURNSTILE_DUMMY_TOKEN, "expires_in": 300}


def test_test_sitekey_modes(harness: Harness) -> None:
    assert harness.challenge("1x00000000000000000000BB")["mode"] == "invisible"
    assert harness.challenge("1x00000000000000000000AA")["mode"] == "managed"


def test_hcaptcha_test_secret(harness: Harness) -> None:
    post = harness.client.post
    for _ in range(2):  # test tokens are not single use
        ok = post(
            "/siteverify", data={"secret": HCAPTCHA_TEST_SECRET, "response": HCAPTCHA_TEST_TOKEN}
        )
        assert ok.json()["success"] is True
        assert ok.json()["hostname"] == "dummy-key-pass"
    real_token = post(
        "/siteverify", data={"secret": HCAPTCHA_TEST_SECRET, "response": "p1.k1.abc.def"}
    ).json()
    assert real_token == {"success": False, "error-codes": ["not-using-dummy-passcode"]}


@pytest.mark.parametrize(
    "path", ["/siteverify", "/turnstile/v0/siteverify", "/recaptcha/api/siteverify"]
)
def test_turnstile_test_secrets(harness: Harness, path: str) -> None:
    post = harness.client.post
    for response in (TURNSTILE_DUMMY_TOKEN, "any-token-at-all"):
        assert post(path, data={"secret": PASS_SECRET, "response": response}).json()["success"]
    assert post(path, data={"secret": FAIL_SECRET, "response": TURNSTILE_DUMMY_TOKEN}).json() == {
        "success": False,
        "error-codes": ["invalid-input-response"],
    }
    spent = post(path, data={"secret": SPENT_SECRET, "response": TURNSTILE_DUMMY_TOKEN}).json()
    expected = "already-seen-response" if path == "/siteverify" else "timeout-or-duplicate"
    assert spent == {"success": False, "error-codes": [expected]}
    assert post(path, data={"secret": PASS_SECRET}).json()["error-codes"] == [
        "missing-input-response"
    ]


def test_real_secret_refuses_dummy_tokens(harness: Harness) -> None:
    site = harness.create_site()
    for path, token, code in [
        ("/turnstile/v0/siteverify", TURNSTILE_DUMMY_TOKEN, "invalid-input-response"),
        ("/siteverify", HCAPTCHA_TEST_TOKEN, "not-using-dummy-secret"),
    ]:
        answer = harness.client.post(
            path, data={"secret": site["secret"], "response": token}
        ).json()
        assert answer == {"success": False, "error-codes": [code]}
