"""Stateless proof-of-work challenges (``palisade-pow-v1``, specified in docs/pow.md)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Literal

import msgspec

from edge_api._signing import b64encode, open_envelope, seal
from edge_api.keys import KeyRing

__all__ = [
    "ALGORITHM",
    "DEFAULT_PUZZLES",
    "ChallengeCheck",
    "ChallengeClaims",
    "ChallengeIssuer",
    "leading_zero_bits",
    "solve",
]

ALGORITHM = "palisade-pow-v1"
PREFIX = "c1"
DEFAULT_PUZZLES = 16
MAX_NONCE = 2**53

ChallengeReason = Literal[
    "malformed", "unknown_key", "bad_signature", "expired", "malformed_solution", "wrong_solution"
]


class ChallengeClaims(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What a challenge binds (field names kept short: this travels twice per solve)."""

    v: int
    id: str
    sk: str  # sitekey
    h: str  # hostname the challenge was asked for
    k: int  # sub-puzzles
    d: int  # leading zero bits per sub-puzzle
    iat: int
    exp: int
    esc: int = 0  # escalation level: 0 first challenge, +1 per harder one
    r: float = 0.0  # the client's reputation when the challenge was issued (0 = clean)


class ChallengeCheck(msgspec.Struct, frozen=True):
    """Result of checking a challenge and its solution: ``reason`` is empty when ok."""

    reason: ChallengeReason | Literal[""]
    claims: ChallengeClaims | None = None

    @property
    def ok(self) -> bool:
        return not self.reason


def leading_zero_bits(digest: bytes) -> int:
    return 256 - int.from_bytes(digest, "big").bit_length()


# A SHA-256 digest has at least d leading zero bits exactly when, read as a big-endian
# number, it is below 2**(256 - d): one bytes comparison per sub-puzzle at check time.
# (For d = 0 every digest passes: 33 bytes of 0xff sort after any 32-byte digest.)
_BELOW = (b"\xff" * 33, *((1 << (256 - d)).to_bytes(32, "big") for d in range(1, 257)))


def solve(challenge_id: str, puzzles: int, difficulty: int) -> list[int]:
    """Reference solver (tests, load tests and docs use it)."""
    solution = []
    for index in range(puzzles):
        prefix = f"{challenge_id}:{index}:".encode()
        nonce = 0
        while leading_zero_bits(hashlib.sha256(prefix + str(nonce).encode()).digest()) < difficulty:
            nonce += 1
        solution.append(nonce)
    return solution


class ChallengeIssuer:
    """Issues and checks challenges with the ring's challenge keys."""

    def __init__(self, keyring: KeyRing, *, lifetime: int, puzzles: int = DEFAULT_PUZZLES) -> None:
        self._keys = keyring.derive("palisade/challenge/v1")
        self._active = keyring.active
        self._lifetime = lifetime
        self._puzzles = puzzles
        self._encoder = msgspec.json.Encoder()
        self._decoder = msgspec.json.Decoder(ChallengeClaims)

    @property
    def lifetime(self) -> int:
        return self._lifetime

    def issue(
        self,
        *,
        sitekey: str,
        hostname: str,
        difficulty: int,
        now: float,
        escalation: int = 0,
        reputation: float = 0.0,
    ) -> tuple[str, ChallengeClaims]:
        iat = int(now)
        claims = ChallengeClaims(
            v=1,
            id=b64encode(secrets.token_bytes(16)),
            sk=sitekey,
            h=hostname,
            k=self._puzzles,
            d=difficulty,
            iat=iat,
            exp=iat + self._lifetime,
            esc=escalation,
            r=round(reputation, 2),
        )
        text = seal(PREFIX, self._active, self._keys[self._active], self._encoder.encode(claims))
        return text, claims

    def check(self, challenge: str, solution: list[int], *, now: float) -> ChallengeCheck:
        """Signature, expiry and solution; the caller then marks ``claims.id`` used."""
        reason, payload = open_envelope(PREFIX, self._keys, challenge)
        if payload is None:
            return ChallengeCheck(reason)  # type: ignore[arg-type]
        try:
            claims = self._decoder.decode(payload)
        except msgspec.DecodeError:
            return ChallengeCheck("malformed")
        if now >= claims.exp:
            return ChallengeCheck("expired", claims)
        if len(solution) != claims.k or any(not 0 <= n < MAX_NONCE for n in solution):
            return ChallengeCheck("malformed_solution", claims)
        below = _BELOW[min(max(claims.d, 0), 256)]
        prefix = claims.id + ":"
        for index, nonce in enumerate(solution):
            if hashlib.sha256(f"{prefix}{index}:{nonce}".encode()).digest() >= below:
                return ChallengeCheck("wrong_solution", claims)
        return ChallengeCheck("", claims)
