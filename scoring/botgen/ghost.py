"""ghost-cursor paths through node (training only).

Install once into the git-ignored ``scoring/botgen/node_modules``:
``npm install --no-save --prefix scoring/botgen ghost-cursor``
(or point ``GHOST_CURSOR_DIR`` at an installed package).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np

from scoring.botgen.families import Job, click_tail
from scoring.features._grid import Array

__all__ = ["ghost_cursor_available", "ghost_cursor_batch"]

_HERE = Path(__file__).resolve().parent
_SCRIPT = _HERE / "ghost_cursor.js"


def _package_dir() -> Path:
    env = os.environ.get("GHOST_CURSOR_DIR")
    return Path(env) if env else _HERE / "node_modules" / "ghost-cursor"


def ghost_cursor_available() -> bool:
    """Whether node and the ghost-cursor package can be found."""
    return shutil.which("node") is not None and (_package_dir() / "lib" / "spoof.js").is_file()


def ghost_cursor_batch(jobs: list[Job], rng: np.random.Generator) -> list[Array]:
    """One ghost-cursor move-and-click per job, in one node process."""
    targets = [j.box for j in jobs]
    use_ts = rng.random(len(jobs)) < 0.5
    seeds = rng.integers(1, 2**31 - 1, size=len(jobs))
    lines = [
        json.dumps({"seed": int(s), "start": list(j.start), "box": list(b), "timestamps": bool(u)})
        for j, b, s, u in zip(jobs, targets, seeds, use_ts, strict=True)
    ]
    proc = subprocess.run(
        ["node", str(_SCRIPT)],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GHOST_CURSOR_DIR": str(_package_dir())},
    )
    out: list[Array] = []
    for line, ts in zip(proc.stdout.splitlines(), use_ts, strict=True):
        pts = np.asarray(
            [[p[0], p[1], p[2] if p[2] is not None else 0.0] for p in json.loads(line)]
        )
        if ts:
            t = pts[:, 2] - pts[0, 2]
        else:
            # Without timestamps each point is one awaited CDP call.
            t = np.cumsum(np.concatenate(([0.0], rng.uniform(0.8, 5.0, pts.shape[0] - 1))))
        path = np.column_stack((t, pts[:, 0], pts[:, 1]))
        if rng.random() < 0.6:  # defaults: hesitate 0, waitForClick 0
            dwell, hold = rng.uniform(0.5, 4.0), rng.uniform(1.0, 6.0)
        else:
            dwell, hold = rng.uniform(30.0, 300.0), rng.uniform(30.0, 200.0)
        out.append(click_tail(path, dwell, hold))
    return out
