"""Settings from the environment, masked secrets, and key handling."""

from __future__ import annotations

import secrets
import stat
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from edge_api import ConfigError, Secret, Settings
from edge_api.keys import KeyRing, dev_secret, load_admin_token, load_keyring


def test_defaults_are_dev_with_embedded_store() -> None:
    settings = Settings.from_env({})
    assert settings.dev
    assert settings.embedded_store


def test_secrets_are_masked_in_repr() -> None:
    settings = Settings.from_env(
        {
            "PALISADE_REDIS_URL": "redis://:hunter2@redis:6379/0",
            "PALISADE_ADMIN_TOKEN": "admin-hunter2",
            "PALISADE_SIGNING_KEYS": KeyRing.generate_spec(),
        }
    )
    text = repr(settings) + str(settings)
    assert "hunter2" not in text
    assert settings.redis_url is not None
    assert settings.redis_url.reveal() == "redis://:hunter2@redis:6379/0"
    assert repr(Secret("x")) == "Secret('**********')"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PALISADE_ENV": "staging"}, "PALISADE_ENV"),
        ({"PALISADE_REDIS_URL": "http://x"}, "PALISADE_REDIS_URL"),
        ({"PALISADE_TRUSTED_PROXIES": "10.0.0.0/8,nope"}, "nope"),
        ({"PALISADE_SITE_CACHE_SECONDS": "-1"}, "SITE_CACHE_SECONDS"),
        ({"PALISADE_CHALLENGE_SECONDS": "abc"}, "CHALLENGE_SECONDS"),
        ({"PALISADE_LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"PALISADE_ENV": "production"}, "PALISADE_SIGNING_KEYS and PALISADE_ADMIN_TOKEN"),
        (
            {"PALISADE_ENV": "production", "PALISADE_ADMIN_TOKEN": "t"},
            "without PALISADE_SIGNING_KEYS",
        ),
        (
            {
                "PALISADE_ENV": "production",
                "PALISADE_ADMIN_TOKEN": "t",
                "PALISADE_SIGNING_KEYS": "k1:" + "A" * 43 + "=",
                "PALISADE_RECORD_PEOPLE": "/tmp/people.jsonl",
            },
            "PALISADE_RECORD_PEOPLE .* needs PALISADE_ENV=dev",
        ),
    ],
)
def test_invalid_settings_are_refused_clearly(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_trusted_proxies_parse() -> None:
    settings = Settings.from_env({"PALISADE_TRUSTED_PROXIES": "10.0.0.0/8, 2001:db8::/32"})
    assert [str(n) for n in settings.trusted_proxies] == ["10.0.0.0/8", "2001:db8::/32"]


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "nokey",
        "k1:short",
        "bad kid:" + "A" * 43,
        "k1:" + "A" * 43 + ",k1:" + "B" * 43,
        "k1:%%%",
    ],
)
def test_bad_key_specs(spec: str) -> None:
    with pytest.raises(ConfigError):
        KeyRing.parse(spec)


def test_first_key_signs() -> None:
    ring = KeyRing.parse(f"{KeyRing.generate_spec('new')},{KeyRing.generate_spec('old')}")
    assert ring.active == "new"
    assert set(ring.keys) == {"new", "old"}
    assert "new" in repr(ring)
    assert str(ring.keys["new"]) not in repr(ring)


def test_dev_keys_are_generated_once_and_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    ring = load_keyring(settings)
    assert load_keyring(settings).keys == ring.keys
    token = load_admin_token(settings)
    assert token and load_admin_token(settings) == token
    mode = stat.S_IMODE((tmp_path / "keys.json").stat().st_mode)
    assert mode == 0o600


def test_dev_processes_starting_together_share_one_set_of_keys(tmp_path: Path) -> None:
    # Each thread opens the lock file itself, so they contend as separate processes do.
    def slow_make() -> str:
        time.sleep(0.02)  # widens the read-then-write window the lock must close
        return secrets.token_hex(16)

    with ThreadPoolExecutor(8) as pool:
        values = list(pool.map(lambda _: dev_secret(tmp_path, "signing", slow_make), range(8)))
    assert len(set(values)) == 1


def test_production_has_no_generated_admin_token(tmp_path: Path) -> None:
    settings = Settings(
        env="production", data_dir=tmp_path, signing_keys=Secret(KeyRing.generate_spec())
    )
    assert load_admin_token(settings) is None
