"""Signed, single-use response tokens handed to the browser and checked by siteverify.

Format: ``p1.<kid>.<base64url msgpack claims>.<base64url HMAC-SHA-256>``. The claims
are a msgpack array (field names cost bytes), so a token with 255 characters of
cdata stays far under the 2048-character limit the compatible services promise.
"""

from __future__ import annotations

import secrets
from typing import Literal

import msgspec

from edge_api._signing import b64encode, mac, open_envelope, seal
from edge_api.keys import KeyRing

__all__ = ["MAX_TOKEN_LENGTH", "TokenCheck", "TokenClaims", "TokenService"]

PREFIX = "p1"
MAX_TOKEN_LENGTH = 2048
MAX_CACHED_IP_HASHES = 50_000

TokenReason = Literal["malformed", "unknown_key", "bad_signature", "expired"]


class TokenClaims(msgspec.Struct, frozen=True, array_like=True, forbid_unknown_fields=True):
    sitekey: str
    hostname: str
    action: str
    cdata: str
    score: float
    reasons: tuple[str, ...]
    iat: int
    exp: int
    jti: str
    ip_hash: str
    model: str
    degraded: bool = False
    subnet_hash: str = ""


class TokenCheck(msgspec.Struct, frozen=True):
    """Result of checking a token: ``reason`` is empty when the token is good."""

    reason: TokenReason | Literal[""]
    claims: TokenClaims | None = None

    @property
    def ok(self) -> bool:
        return not self.reason


class TokenService:
    """Signs and checks tokens with the ring's token keys; hashes client IPs."""

    def __init__(self, keyring: KeyRing) -> None:
        self._keys = keyring.derive("palisade/token/v1")
        self._ip_key = keyring.derive("palisade/ip/v1")[keyring.active]
        self._active = keyring.active
        self._encoder = msgspec.msgpack.Encoder()
        self._decoder = msgspec.msgpack.Decoder(TokenClaims)
        self._ip_hashes: dict[str, str] = {}

    def ip_hash(self, ip: str) -> str:
        """Keyed hash of a client IP: comparable, never reversible to the IP."""
        # A client asks for a challenge, then submits: each IP is hashed once, not at
        # every step (bounded, like the subnet hashes: a flood of IPs cannot grow it).
        hashed = self._ip_hashes.get(ip)
        if hashed is None:
            if len(self._ip_hashes) >= MAX_CACHED_IP_HASHES:
                self._ip_hashes.clear()
            hashed = b64encode(mac(self._ip_key, ip.encode())[:9])
            self._ip_hashes[ip] = hashed
        return hashed

    def issue(
        self,
        *,
        sitekey: str,
        hostname: str,
        action: str,
        cdata: str,
        score: float,
        reasons: tuple[str, ...],
        lifetime: int,
        client_ip: str,
        model: str,
        now: float,
        degraded: bool = False,
        subnet_hash: str = "",
    ) -> tuple[str, TokenClaims]:
        iat = int(now)
        claims = TokenClaims(
            sitekey=sitekey,
            hostname=hostname,
            action=action,
            cdata=cdata,
            score=round(score, 3),
            reasons=reasons[:8],
            iat=iat,
            exp=iat + lifetime,
            jti=b64encode(secrets.token_bytes(12)),
            ip_hash=self.ip_hash(client_ip),
            model=model,
            degraded=degraded,
            subnet_hash=subnet_hash,
        )
        token = seal(PREFIX, self._active, self._keys[self._active], self._encoder.encode(claims))
        return token, claims

    def check(self, token: str, *, now: float) -> TokenCheck:
        if len(token) > MAX_TOKEN_LENGTH:
            return TokenCheck("malformed")
        reason, payload = open_envelope(PREFIX, self._keys, token)
        if payload is None:
            return TokenCheck(reason)  # type: ignore[arg-type]
        try:
            claims = self._decoder.decode(payload)
        except msgspec.DecodeError:
            return TokenCheck("malformed")
        if now >= claims.exp:
            return TokenCheck("expired", claims)
        return TokenCheck("", claims)
