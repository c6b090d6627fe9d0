"""Dashboard sessions: a signed, expiring cookie (HttpOnly, SameSite=Strict).

The cookie is an envelope ``pds.<kid>.<payload>.<HMAC>`` signed with a key derived
from the service key ring (``palisade/session/v1``), so it survives restarts and is
accepted by every worker, and rotates with the ring. The payload binds the session
to the credential it was opened with: rotating a site's secret (or changing the admin
token) ends its sessions at once.
"""

from __future__ import annotations

import hashlib
import os

import msgspec

from edge_api._signing import open_envelope, seal

__all__ = [
    "COOKIE",
    "DEFAULT_SESSION_SECONDS",
    "Session",
    "SessionSigner",
    "admin_binding",
    "session_seconds",
]

COOKIE = "palisade_session"
COOKIE_PATH = "/dashboard"
PREFIX = "pds"
DEFAULT_SESSION_SECONDS = 8 * 3600
ADMIN = "admin"


class Session(msgspec.Struct, frozen=True):
    role: str  # "admin" or "site"
    sitekey: str  # "" for admin
    exp: float
    bind: str  # a digest of the credential the session was opened with

    @property
    def admin(self) -> bool:
        return self.role == ADMIN


def admin_binding(token: str) -> str:
    return hashlib.sha256(b"palisade/session/admin\0" + token.encode()).hexdigest()[:24]


def session_seconds() -> float:
    return float(os.environ.get("PALISADE_DASHBOARD_SESSION_SECONDS", DEFAULT_SESSION_SECONDS))


class SessionSigner:
    def __init__(self, keys: dict[str, bytes], active: str) -> None:
        self._keys = keys
        self._active = active
        self._decoder = msgspec.json.Decoder(Session)

    def sign(self, session: Session) -> str:
        return seal(PREFIX, self._active, self._keys[self._active], msgspec.json.encode(session))

    def verify(self, cookie: str, now: float) -> Session | None:
        """The session, if the cookie is ours, intact and not expired."""
        if len(cookie) > 1024:
            return None
        reason, payload = open_envelope(PREFIX, self._keys, cookie)
        if reason or payload is None:
            return None
        try:
            session = self._decoder.decode(payload)
        except msgspec.DecodeError:
            return None
        if session.exp <= now:
            return None
        return session
