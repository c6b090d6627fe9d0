"""Could replayed paths be caught across requests? A measurement, by exact key and by
nearest neighbour.

    python -m scoring.replay_keys --human ../shared/data/mouse-human [--points 16]
        [--cell 0.05] [--pieces 1500] [--replays 2000] [--seed 3] [--nearest]

Each path (its moves and press point) is mapped by the similarity transform taking
its start to 0 and its end to 1 (the replay family fits a recorded path to a new start
and target by such a transform), resampled by arc length to ``--points`` points and
quantised on a grid of ``--cell``, plus a grid offset by half a cell: keys that Redis
could hold with a TTL. Near-straight paths are set aside (every one would share a key).
Prints the share of human pieces whose keys meet another piece's (false alarms) and
the share of replays whose keys meet their own source's (catches). docs/scoring.md has
the figures: a key lookup catches too few replays for the humans it would flag.

``--nearest`` measures a distance search instead: each human piece's distance (RMS
over the resampled points) to the nearest piece of another person sets thresholds at
0.1-5% of human pieces flagged, and it prints the share of replays that come within
each threshold of their source, and of a second replay of the same source (what a
service would see: the bot replays its recording twice).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from scoring.botgen.families import replay
from scoring.dataset import bot_job
from scoring.features._grid import Array
from scoring.humans import list_users, load_user_pieces
from scoring.recorder import capture, is_sparse, to_browser

__all__ = ["nearest_other", "path_keys"]

MIN_POINTS = 8
MIN_CHORD_PX = 50.0
Key = tuple[float, tuple[int, ...], tuple[int, ...]]


def _normalised(events: Array, points: int) -> np.ndarray | None:
    path = events[events[:, 3] == 0.0][:, 1:3]
    press = events[events[:, 3] == 1.0][:, 1:3]
    if press.size:
        path = np.vstack((path, press[:1]))
    moved = np.ones(len(path), dtype=bool)
    moved[1:] = np.any(path[1:] != path[:-1], axis=1)
    path = path[moved]
    if len(path) < MIN_POINTS:
        return None
    z = path[:, 0] + 1j * path[:, 1]
    chord = z[-1] - z[0]
    if abs(chord) < MIN_CHORD_PX:
        return None
    z = (z - z[0]) / chord
    along = np.concatenate(([0.0], np.cumsum(np.abs(np.diff(z)))))
    straight = along[-1] < 1.03 and float(np.max(np.abs(z.imag))) < 0.05
    if straight or along[-1] > 3.0:
        return None
    at = np.linspace(0.0, along[-1], points + 2)[1:-1]
    resampled: np.ndarray = np.interp(at, along, z.real) + 1j * np.interp(at, along, z.imag)
    return resampled


def path_keys(events: Array, *, points: int, cell: float) -> set[Key] | None:
    """The path's keys on two offset grids, or None for an uninformative path."""
    shape = _normalised(events, points)
    if shape is None:
        return None
    keys: set[Key] = set()
    for offset in (0.0, 0.5):
        xs = np.floor(shape.real / cell + offset).astype(int)
        ys = np.floor(shape.imag / cell + offset).astype(int)
        keys.add((offset, tuple(xs.tolist()), tuple(ys.tolist())))
    return keys


def nearest_other(shapes: np.ndarray, owners: np.ndarray, chunk: int = 512) -> np.ndarray:
    """For each row of ``shapes`` (real vectors), the RMS distance to the nearest row
    of a different owner."""
    squared = np.einsum("ij,ij->i", shapes, shapes)
    nearest = np.empty(len(shapes))
    for start in range(0, len(shapes), chunk):
        rows = shapes[start : start + chunk]
        d2 = squared[start : start + chunk, None] + squared[None, :] - 2.0 * rows @ shapes.T
        d2[owners[start : start + chunk, None] == owners[None, :]] = np.inf
        nearest[start : start + chunk] = np.sqrt(np.maximum(d2.min(axis=1), 0.0) / shapes.shape[1])
    return nearest


def _vector(shape: np.ndarray) -> np.ndarray:
    return np.concatenate((shape.real, shape.imag))


def _nearest(humans: list[Any], owners: list[str], args: argparse.Namespace, rng: Any) -> None:
    shapes = [_normalised(to_browser(h.events, rng), args.points) for h in humans]
    index = [i for i, shape in enumerate(shapes) if shape is not None]
    vectors = np.array([_vector(shapes[i]) for i in index])  # type: ignore[arg-type]
    human_nearest = nearest_other(vectors, np.array([owners[i] for i in index]))
    row_of = {piece: row for row, piece in enumerate(index)}
    to_source: list[float] = []
    to_replay: list[float] = []
    for piece in rng.choice(index, size=min(args.replays, len(index)), replace=False):
        source = humans[int(piece)]
        replays = []
        for _ in range(2):
            bot = replay(bot_job(source, rng), rng)
            seen = to_browser(capture(bot, is_sparse(source.events), rng), rng)
            shape = _normalised(seen, args.points)
            replays.append(None if shape is None else _vector(shape))
        first, second = replays
        if first is not None:
            to_source.append(float(np.sqrt(np.mean((first - vectors[row_of[int(piece)]]) ** 2))))
        if first is not None and second is not None:
            to_replay.append(float(np.sqrt(np.mean((first - second) ** 2))))
    print(f"points={args.points} informative human pieces: {len(index)}/{len(humans)}")
    print(f"replays: {len(to_source)} compared with their source, {len(to_replay)} pairs")
    print("humans flagged   threshold   replay near its source   replay near another replay")
    for flagged in (0.1, 0.5, 1.0, 2.0, 5.0):
        threshold = float(np.quantile(human_nearest, flagged / 100))
        near_source = float(np.mean(np.array(to_source) < threshold))
        near_replay = float(np.mean(np.array(to_replay) < threshold))
        print(
            f"{flagged:>13.1f}%   {threshold:>9.4f}   {near_source:>22.1%}   {near_replay:>26.1%}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--human", type=Path, required=True)
    parser.add_argument("--points", type=int, default=16)
    parser.add_argument("--cell", type=float, default=0.05)
    parser.add_argument("--pieces", type=int, default=1500, help="per user")
    parser.add_argument("--replays", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--nearest", action="store_true", help="a distance search, not keys")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    humans = []
    owners = []
    for user in list_users(args.human):
        for piece in load_user_pieces(args.human, user, rng, args.pieces):
            humans.append(piece)
            owners.append(user)
    if args.nearest:
        _nearest(humans, owners, args, rng)
        return 0
    keys = [
        path_keys(to_browser(h.events, rng), points=args.points, cell=args.cell) for h in humans
    ]
    informative = [k for k in keys if k is not None]
    seen = Counter(key for piece_keys in informative for key in piece_keys)
    alarms = sum(1 for piece_keys in informative if any(seen[k] > 1 for k in piece_keys))
    caught = tried = 0
    for index in rng.choice(len(humans), size=min(args.replays, len(humans)), replace=False):
        source, source_keys = humans[int(index)], keys[int(index)]
        if source_keys is None:
            continue
        bot = replay(bot_job(source, rng), rng)
        seen_by_widget = to_browser(capture(bot, is_sparse(source.events), rng), rng)
        replay_keys = path_keys(seen_by_widget, points=args.points, cell=args.cell)
        tried += 1
        caught += bool(replay_keys and replay_keys & source_keys)
    print(f"points={args.points} cell={args.cell} pieces={len(humans)}")
    print(f"informative human pieces: {len(informative) / len(humans):.1%}")
    print(
        f"human pieces sharing a key with another: {alarms}/{len(informative)}"
        f" = {alarms / max(len(informative), 1):.2%}"
    )
    print(
        f"replays sharing a key with their source: {caught}/{tried} = {caught / max(tried, 1):.1%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
