"""Peers for benchmarks/bench_peers.py: request bodies for ALTCHA and Cap, solved offline.

The peers' own code is not here: ALTCHA is the ``altcha`` package (``pip install -e
'.[bench]'``) and Cap is ``@cap.js/server`` from npm (package.json / package-lock.json in
this folder, installed into its node_modules by ``npm ci``). This module holds what a
visitor's browser would do: solve their proofs of work.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import time
from datetime import UTC, datetime, timedelta
from itertools import count
from multiprocessing import Pool
from pathlib import Path

PEERS = Path(__file__).resolve().parent
_M32 = 0xFFFFFFFF
_FNV_OFFSET = 2166136261
_FNV_PRIME = 16777619


def _fnv1a(state: int, text: str) -> int:
    # Cap's fnv1a in JS: the xor works on int32, the shifted sum is exact in a double,
    # so the whole is FNV-1a modulo 2**32.
    for char in text:
        state = ((state ^ ord(char)) * _FNV_PRIME) & _M32
    return state


def _xorshift_hex(state: int, length: int) -> str:
    out = ""
    while len(out) < length:
        state ^= (state << 13) & _M32
        state ^= state >> 17
        state ^= (state << 5) & _M32
        out += f"{state:08x}"
    return out[:length]


_DECIMALS = [str(n).encode() for n in range(4096)]


def _decimal(n: int) -> bytes:
    return _DECIMALS[n] if n < len(_DECIMALS) else str(n).encode()


def cap_prng(seed: str, length: int) -> str:
    """Cap's ``prng``: the hex string it derives each puzzle's salt and target from."""
    return _xorshift_hex(_fnv1a(_FNV_OFFSET, seed), length)


def cap_solve(job: tuple[str, int, int, int]) -> list[int]:
    """Solutions to a Cap challenge ``(token, count, size, difficulty)``, as the widget
    finds them: for puzzle i (from 1), the first n with sha256(salt + n) starting with
    the target, both hex strings from ``prng``."""
    token, puzzles, size, difficulty = job
    prefix = _fnv1a(_FNV_OFFSET, token)
    solutions = []
    for i in range(1, puzzles + 1):
        salt = _xorshift_hex(_fnv1a(prefix, str(i)), size)
        target = _xorshift_hex(_fnv1a(prefix, f"{i}d"), difficulty)
        salt_bytes = salt.encode()
        for n in count():
            if hashlib.sha256(salt_bytes + _decimal(n)).hexdigest().startswith(target):
                solutions.append(n)
                break
    return solutions


def cap_redeem_bodies(challenges: list[bytes]) -> list[bytes]:
    """Request bodies for ``POST /redeem`` from answers of ``POST /challenge``."""
    answers = [json.loads(text) for text in challenges]
    jobs = [
        (a["token"], a["challenge"]["c"], a["challenge"]["s"], a["challenge"]["d"]) for a in answers
    ]
    with Pool(2) as pool:
        solved = pool.map(cap_solve, jobs, chunksize=64)
    return [
        json.dumps({"token": job[0], "solutions": s}, separators=(",", ":")).encode()
        for job, s in zip(jobs, solved, strict=True)
    ]


def _altcha_v1(job: tuple[str, int]) -> str:
    import altcha

    hmac_key, max_number = job
    expires = datetime.now(UTC) + timedelta(hours=1)
    challenge = altcha.create_challenge_v1(
        hmac_key=hmac_key, max_number=max_number, expires=expires
    )
    solution = altcha.solve_challenge_v1(challenge)
    assert solution is not None
    return altcha.PayloadV1(
        challenge.algorithm,
        challenge.challenge,
        solution.number,
        challenge.salt,
        challenge.signature,
    ).to_base64()


def _altcha_v2(job: tuple[str, str]) -> str:
    import altcha

    hmac_key, hmac_key_secret = job
    # Cost 1: verification (two HMACs, deterministic mode) does not depend on the cost,
    # and solving at the server's cost would take the load generator minutes.
    challenge = altcha.create_challenge(
        "PBKDF2/SHA-256",
        1,
        counter=secrets.randbelow(4),
        expires_at=int(time.time()) + 3600,
        hmac_secret=hmac_key,
        hmac_key_secret=hmac_key_secret,
    )
    solution = altcha.solve_challenge(challenge)
    assert solution is not None
    return altcha.Payload(challenge, solution).to_base64()


def altcha_verify_bodies(
    version: str, amount: int, *, hmac_key: str, hmac_key_secret: str, max_number: int
) -> list[bytes]:
    """Distinct solved payloads, as the widget posts them, signed with the server's keys."""
    with Pool(2) as pool:
        if version == "v1":
            payloads = pool.map(_altcha_v1, [(hmac_key, max_number)] * amount, chunksize=256)
        else:
            payloads = pool.map(_altcha_v2, [(hmac_key, hmac_key_secret)] * amount, chunksize=256)
    return [json.dumps({"altcha": p}).encode() for p in payloads]


async def _post_all(
    port: int, path: str, bodies: list[bytes], connections: int, batch: int
) -> list[bytes]:
    answers = [b""] * len(bodies)
    head = b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" % (
        path.encode()
    )
    batches = iter(range(0, len(bodies), batch))

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for start in batches:  # shared: each body is sent once; pipelined a batch at a time
            indices = range(start, min(start + batch, len(bodies)))
            writer.write(
                b"".join(
                    head + b"Content-Length: %d\r\n\r\n" % len(bodies[i]) + bodies[i]
                    for i in indices
                )
            )
            for i in indices:
                status = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                answers[i] = await reader.readexactly(length)
                if status.split()[1] != b"200":
                    raise RuntimeError(f"POST {path}: {status.decode().strip()} {answers[i]!r}")
        writer.close()

    await asyncio.gather(*(connection() for _ in range(connections)))
    return answers


def post_all(
    port: int, path: str, bodies: list[bytes], *, connections: int = 8, batch: int = 32
) -> list[bytes]:
    """Send each body once over keep-alive, pipelined connections; the answers, in order,
    every one a 200."""
    import uvloop

    return uvloop.run(_post_all(port, path, bodies, connections, batch))


def write_lines_script(work: Path, name: str, path: str, bodies: list[bytes]) -> Path:
    """A wrk script sending one body per request, round robin."""
    from benchmarks._flow import lines_script

    lines = work / f"{name}.txt"
    lines.write_bytes(b"\n".join(bodies) + b"\n")
    script = work / f"{name}.lua"
    script.write_text(lines_script(path, lines))
    return script
