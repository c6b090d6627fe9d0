"""Compact signed envelopes: ``<prefix>.<kid>.<base64url payload>.<base64url HMAC>``."""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac

__all__ = ["b64decode", "b64encode", "mac", "open_envelope", "seal"]


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


_URLSAFE_TO_STANDARD = bytes.maketrans(b"-_", b"+/")


def b64decode(text: str) -> bytes:
    """Strict unpadded base64url; raises ValueError on anything else.

    What ``base64.b64decode(..., altchars=b"-_", validate=True)`` accepts, read by
    binascii's strict mode instead of the module's regular expression (2.1 against
    3.3 µs for a token; a request reads two or three envelopes).
    """
    try:
        data = text.encode("ascii").translate(_URLSAFE_TO_STANDARD)
        return binascii.a2b_base64(data + b"=" * (-len(data) % 4), strict_mode=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


def mac(key: bytes, data: bytes) -> bytes:
    """HMAC-SHA256. A copy of a state keyed once skips what ``hmac.digest`` does again
    on every call (OpenSSL 3 looks the algorithm up and pads the key): 3 against 4.3 µs,
    and a submit computes four."""
    state = _keyed(key).copy()
    state.update(data)
    return state.digest()


@functools.lru_cache(maxsize=32)  # the ring's keys: a few, retired ones fall out
def _keyed(key: bytes) -> hmac.HMAC:
    return hmac.new(key, digestmod=hashlib.sha256)


def seal(prefix: str, kid: str, key: bytes, payload: bytes) -> str:
    head = f"{prefix}.{kid}.{b64encode(payload)}"
    return f"{head}.{b64encode(mac(key, head.encode('ascii')))}"


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
        signature = b64decode(mac_text)
        payload = b64decode(body)
    except ValueError:
        return "malformed", None
    head = text[: len(text) - len(mac_text) - 1]
    if not hmac.compare_digest(signature, mac(key, head.encode("ascii", "replace"))):
        return "bad_signature", None
    return "", payload
