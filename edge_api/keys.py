"""Signing keys: a ring of named HMAC keys, the first of which signs.

Tokens and challenges carry the key id (``kid``) that signed them, so keys can
rotate: add a new key in front, keep the old one in the ring until every token it
signed has expired, then drop it (retire). Each purpose (challenges, tokens, IP
hashing) uses its own key derived from the ring key, so one kind of signed thing
can never be passed off as another.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson

from edge_api._exceptions import ConfigError
from edge_api._signing import b64decode, b64encode
from edge_api.settings import Settings

__all__ = ["KeyRing", "dev_secret", "load_admin_token", "load_keyring"]

_KID_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
_MIN_KEY_BYTES = 32
DEV_KEYS_FILE = "keys.json"


@dataclass(frozen=True)
class KeyRing:
    """Named keys; ``active`` names the one that signs."""

    keys: dict[str, bytes]
    active: str

    def __post_init__(self) -> None:
        if self.active not in self.keys:
            raise ConfigError(f"active key {self.active!r} is not in the key ring")

    def __repr__(self) -> str:
        return f"KeyRing(kids={list(self.keys)}, active={self.active!r})"

    def derive(self, purpose: str) -> dict[str, bytes]:
        """Per-purpose keys for every kid (computed once at start-up)."""
        return {
            kid: hmac.new(key, purpose.encode(), hashlib.sha256).digest()
            for kid, key in self.keys.items()
        }

    @classmethod
    def parse(cls, spec: str) -> KeyRing:
        """Parse ``kid:base64key[,kid:base64key...]``; the first key signs."""
        keys: dict[str, bytes] = {}
        for part in spec.split(","):
            part = part.strip()
            if not part:
                continue
            kid, sep, encoded = part.partition(":")
            if not sep or not kid or not set(kid) <= _KID_ALPHABET or len(kid) > 16:
                raise ConfigError(
                    "PALISADE_SIGNING_KEYS: each entry is kid:base64key with a kid of "
                    "1-16 characters [A-Za-z0-9_-]"
                )
            try:
                key = b64decode(encoded)
            except ValueError:
                raise ConfigError(f"PALISADE_SIGNING_KEYS: key {kid!r} is not base64") from None
            if len(key) < _MIN_KEY_BYTES:
                raise ConfigError(
                    f"PALISADE_SIGNING_KEYS: key {kid!r} has {len(key)} bytes, "
                    f"at least {_MIN_KEY_BYTES} are required"
                )
            if kid in keys:
                raise ConfigError(f"PALISADE_SIGNING_KEYS: kid {kid!r} appears twice")
            keys[kid] = key
        if not keys:
            raise ConfigError("PALISADE_SIGNING_KEYS is empty")
        return cls(keys=keys, active=next(iter(keys)))

    @staticmethod
    def generate_spec(kid: str = "k1") -> str:
        """A fresh ``kid:base64key`` entry (``palisade keys generate``)."""
        key = b64encode(secrets.token_bytes(32))
        return f"{kid}:{key}"


def load_keyring(settings: Settings) -> KeyRing:
    """Keys from settings; in dev mode, generated once and kept in the data dir."""
    if settings.signing_keys is not None:
        return KeyRing.parse(settings.signing_keys.reveal())
    if not settings.dev:
        raise ConfigError("production mode needs PALISADE_SIGNING_KEYS")
    return KeyRing.parse(dev_secret(settings.data_dir, "signing_keys", KeyRing.generate_spec))


def load_admin_token(settings: Settings) -> str | None:
    """The admin token from settings; in dev mode generated once and kept."""
    if settings.admin_token is not None:
        return settings.admin_token.reveal()
    if not settings.dev:
        return None
    return dev_secret(settings.data_dir, "admin_token", lambda: secrets.token_urlsafe(24))


def dev_secret(data_dir: Path, name: str, make: Callable[[], str]) -> str:
    """Read ``name`` from the dev secrets file, creating it (mode 0600) if needed.

    Several dev processes may start at once on one data dir: an exclusive lock on a
    side file makes the read-or-create one step, so they all end up with the same keys.
    """
    path = data_dir / DEV_KEYS_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    lock_fd = os.open(path.with_suffix(".lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        stored: dict[str, str] = {}
        if path.exists():
            try:
                stored = orjson.loads(path.read_bytes())
            except orjson.JSONDecodeError:
                raise ConfigError(f"{path} is not valid JSON; delete it to regenerate") from None
        if name not in stored:
            stored[name] = make()
            tmp = path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(orjson.dumps(stored, option=orjson.OPT_INDENT_2))
            tmp.replace(path)
        return stored[name]
    finally:
        os.close(lock_fd)  # closing releases the lock
