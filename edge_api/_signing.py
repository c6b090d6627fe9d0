"""Compact signed envelopes: ``<prefix>.<kid>.<base64url payload>.<base64url HMAC>``."""

from __future__ import annotations

import base64
import binascii
import hmac

__all__ = ["b64decode", "b64encode", "open_envelope", "seal"]


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: str) -> bytes:
    """Strict unpadded base64url; raises ValueError on anything else."""
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


def seal(prefix: str, kid: str, key: bytes, payload: bytes) -> str:
    head = f"{prefix}.{kid}.{b64encode(payload)}"
    mac = hmac.digest(key, head.encode("ascii"), "sha256")
    return f"{head}.{b64encode(mac)}"


def open_envelope(prefix: str, keys: dict[str, bytes], text: str) -> tuple[str, bytes | None]:
    """Check an envelope's MAC. Returns ``("", payload)`` or ``(reason, None)``.

    Reasons: ``malformed``, ``unknown_key`` (retired or never ours), ``bad_signature``.
    """
    parts = text.split(".")
    if len(parts) != 4 or parts[0] != prefix:
        return "malformed", None
    _, kid, body, mac_text = parts
    key = keys.get(kid)
    if key is None:
        return "unknown_key", None
    try:
        mac = b64decode(mac_text)
        payload = b64decode(body)
    except ValueError:
        return "malformed", None
    head = text[: len(text) - len(mac_text) - 1]
    expected = hmac.digest(key, head.encode("ascii", "replace"), "sha256")
    if not hmac.compare_digest(mac, expected):
        return "bad_signature", None
    return "", payload
