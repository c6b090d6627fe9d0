"""Bot movement families (training only). Each returns source events
``[t_ms, x, y, kind]`` in device pixels from t=0: moves, then press and release.

* ``tween``: pyautogui.moveTo(x, y, duration, tween) then click(), reproducing
  its step rule (one step per pixel, at least MINIMUM_SLEEP apart) and PAUSE.
* ``puppeteer``: page.mouse.move(x, y, {steps}) (linear, back-to-back CDP
  events) then page.mouse.click(x, y, {delay}).
* ``bezier``: pyclick's HumanCurve (random knots, Gaussian distortion, a tween
  over the point index) replayed at a constant sleep per point.
* ``windmouse``: the WindMouse algorithm (gravity, wind, clipped velocity).
* ``minjerk``: a minimum-jerk (5th order) speed profile along a straight or
  gently curved path, with optional Gaussian jitter: the "smooth like a
  hand" movers.
* ``replay``: a recorded human path (fitted to the new start and target by a
  similarity transform) replayed with changed timing.
* ``ghost_cursor``: the ghost-cursor npm package, see :mod:`scoring.botgen.ghost`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.botgen._tween import TWEENS
from scoring.features._grid import Array, CArray

__all__ = [
    "Job",
    "bezier",
    "click_tail",
    "drop_repeats",
    "fit_path",
    "minjerk",
    "puppeteer",
    "replay",
    "tween",
    "windmouse",
]


@dataclass(frozen=True, slots=True)
class Job:
    """Where a bot starts and what it clicks; ``template`` is a human piece."""

    start: tuple[float, float]
    box: tuple[float, float, float, float]
    template: Array

    def target(self, rng: np.random.Generator) -> tuple[float, float]:
        bx, by, bw, bh = self.box
        return bx + rng.uniform(0.2, 0.8) * bw, by + rng.uniform(0.2, 0.8) * bh


def click_tail(path: Array, dwell: float, hold: float) -> Array:
    """Append press and release at the last position of ``path`` (rows t, x, y)."""
    t, x, y = path[-1]
    tail = np.array([[t + dwell, x, y, 1.0], [t + dwell + hold, x, y, 2.0]])
    return np.vstack((np.column_stack((path, np.zeros(path.shape[0]))), tail))


def fit_path(points: Array, start: tuple[float, float], target: tuple[float, float]) -> CArray:
    """``points`` (rows x, y) as complex positions, moved by the similarity transform
    (shift, rotation, scale) that takes their first point to ``start`` and their last
    to ``target``: a recorded path fitted to a new movement."""
    z = points[:, 0] - points[0, 0] + 1j * (points[:, 1] - points[0, 1])
    goal = complex(target[0] - start[0], target[1] - start[1])
    k = goal / z[-1] if abs(z[-1]) > 1e-6 else 1.0
    out: CArray = z * k + complex(*start)
    return out


def drop_repeats(path: Array) -> Array:
    """Rows (t, x, y) without those that repeat the previous position: a script sends
    every tick, moved or not, and the browser fires no event for a still pointer."""
    keep = np.ones(path.shape[0], dtype=bool)
    keep[1:] = np.any(path[1:, 1:] != path[:-1, 1:], axis=1)
    out: Array = path[keep]
    return out


def tween(job: Job, rng: np.random.Generator) -> Array:
    (sx, sy), (tx, ty) = job.start, job.target(rng)
    name = str(rng.choice(list(TWEENS)))
    duration = rng.uniform(0.1, 1.5)
    min_sleep = 0.05 if rng.random() < 0.7 else 0.01
    steps = max(int(max(abs(tx - sx), abs(ty - sy))), 1)
    sleep = duration / steps
    if sleep < min_sleep:
        steps = max(int(duration / min_sleep), 1)
        sleep = duration / steps
    n = TWEENS[name](np.arange(steps) / steps)
    xs = np.append(sx + (tx - sx) * n, tx)
    ys = np.append(sy + (ty - sy) * n, ty)
    # time.sleep overshoots by a little, a different little each call.
    dt = sleep * 1000.0 + rng.uniform(0.05, 1.5, size=xs.size)
    dt[0] = 0.0
    path = np.column_stack((np.cumsum(dt), np.round(xs), np.round(ys)))
    hold = rng.uniform(0.0, 2.0) if rng.random() < 0.7 else rng.uniform(50.0, 150.0)
    return click_tail(path, 100.0 + rng.uniform(0.0, 3.0), hold)


def puppeteer(job: Job, rng: np.random.Generator) -> Array:
    (sx, sy), (tx, ty) = job.start, job.target(rng)
    steps = int(rng.choice([1, 2, 5, 10, 20, 25, 50]))
    f = np.arange(0, steps + 1) / steps
    dt = rng.uniform(0.5, 4.0, size=f.size)
    dt[0] = 0.0
    path = np.column_stack((np.cumsum(dt), sx + (tx - sx) * f, sy + (ty - sy) * f))
    hold = rng.uniform(0.2, 3.0) if rng.random() < 0.5 else rng.uniform(20.0, 150.0)
    return click_tail(path, rng.uniform(0.2, 4.0), hold)


def _bezier_through(pts: Array, count: int) -> Array:
    # De Casteljau over all control points at once.
    u = np.linspace(0.0, 1.0, count)[:, None, None]
    ctrl = np.broadcast_to(pts, (count, *pts.shape)).copy()
    while ctrl.shape[1] > 1:
        ctrl = (1.0 - u) * ctrl[:, :-1] + u * ctrl[:, 1:]
    return ctrl[:, 0]


def bezier(job: Job, rng: np.random.Generator) -> Array:
    (sx, sy), (tx, ty) = job.start, job.target(rng)
    bound = rng.uniform(20.0, 150.0)
    knots = int(rng.integers(1, 4))
    lo = np.array([min(sx, tx) - bound, min(sy, ty) - bound])
    hi = np.array([max(sx, tx) + bound, max(sy, ty) + bound])
    inner = lo + rng.random((knots, 2)) * (hi - lo)
    ctrl = np.vstack(([sx, sy], inner, [tx, ty]))
    dense = _bezier_through(ctrl, max(int(max(abs(tx - sx), abs(ty - sy))), 2))
    # Distortion: Gaussian kicks on a share of the interior points.
    mean, std, freq = 1.0, rng.uniform(0.5, 1.5), rng.uniform(0.2, 0.6)
    noise = rng.normal(mean, std, dense.shape[0]) * (rng.random(dense.shape[0]) < freq)
    kick = np.asarray(noise, dtype=np.float64)
    kick[[0, -1]] = 0.0
    dense[:, 1] += kick
    target_points = int(rng.integers(30, 120))
    name = str(rng.choice(["easeOutQuad", "easeInOutQuad", "easeOutCubic", "linear"]))
    idx = TWEENS[name](np.linspace(0.0, 1.0, target_points)) * (dense.shape[0] - 1)
    pts = dense[np.clip(np.round(idx).astype(int), 0, dense.shape[0] - 1)]
    duration = rng.uniform(300.0, 2000.0)
    dt = np.full(pts.shape[0], duration / pts.shape[0]) + rng.uniform(0.05, 1.5, pts.shape[0])
    dt[0] = 0.0
    path = np.column_stack((np.cumsum(dt), np.round(pts[:, 0]), np.round(pts[:, 1])))
    if rng.random() < 0.5:
        return click_tail(path, dt[-1] + rng.uniform(0.0, 2.0), rng.uniform(0.0, 2.0))
    return click_tail(path, rng.uniform(30.0, 400.0), rng.uniform(40.0, 160.0))


def windmouse(job: Job, rng: np.random.Generator) -> Array:
    (sx, sy), (tx, ty) = job.start, job.target(rng)
    g0, w0 = rng.uniform(5.0, 12.0), rng.uniform(1.0, 5.0)
    m0, d0 = rng.uniform(8.0, 25.0), rng.uniform(8.0, 16.0)
    base_dt = rng.uniform(4.0, 16.0)
    sqrt3, sqrt5 = np.sqrt(3.0), np.sqrt(5.0)
    x, y, vx, vy, wx, wy = sx, sy, 0.0, 0.0, 0.0, 0.0
    cx, cy = round(sx), round(sy)
    out = [(0.0, float(cx), float(cy))]
    t = 0.0
    for _ in range(5000):
        dist = float(np.hypot(tx - x, ty - y))
        if dist < 1.0:
            break
        w_mag = min(w0, dist)
        if dist >= d0:
            wx = wx / sqrt3 + (2.0 * rng.random() - 1.0) * w_mag / sqrt5
            wy = wy / sqrt3 + (2.0 * rng.random() - 1.0) * w_mag / sqrt5
        else:
            wx, wy = wx / sqrt3, wy / sqrt3
            m0 = rng.random() * 3.0 + 3.0 if m0 < 3.0 else m0 / sqrt5
        vx += wx + g0 * (tx - x) / dist
        vy += wy + g0 * (ty - y) / dist
        v_mag = float(np.hypot(vx, vy))
        if v_mag > m0:
            clip = m0 / 2.0 + rng.random() * m0 / 2.0
            vx, vy = vx / v_mag * clip, vy / v_mag * clip
        x, y = x + vx, y + vy
        t += base_dt * rng.uniform(0.8, 1.2)
        mx, my = round(x), round(y)
        if (mx, my) != (cx, cy):
            cx, cy = mx, my
            out.append((t, float(mx), float(my)))
    path = np.asarray(out)
    return click_tail(path, rng.uniform(20.0, 300.0), rng.uniform(40.0, 150.0))


def minjerk(job: Job, rng: np.random.Generator) -> Array:
    (sx, sy), (tx, ty) = job.start, job.target(rng)
    dist = float(np.hypot(tx - sx, ty - sy))
    # Fitts-like duration with spread, as these libraries compute it.
    duration = (200.0 + 150.0 * np.log2(1.0 + dist / 20.0)) * rng.uniform(0.6, 1.6)
    dt = rng.choice([4.0, 8.0, 10.0, 16.0, 16.7])
    n = max(int(duration / dt), 2)
    tau = np.linspace(0.0, 1.0, n + 1)
    s = 10.0 * tau**3 - 15.0 * tau**4 + 6.0 * tau**5
    # Optional bow: a sine bump perpendicular to the line.
    bow = rng.uniform(-0.15, 0.15) * dist if rng.random() < 0.6 else 0.0
    ux, uy = (tx - sx) / max(dist, 1e-9), (ty - sy) / max(dist, 1e-9)
    off = bow * np.sin(np.pi * s)
    xs = sx + (tx - sx) * s - uy * off
    ys = sy + (ty - sy) * s + ux * off
    jitter = rng.uniform(0.0, 1.5) if rng.random() < 0.5 else 0.0
    xs = xs + rng.normal(0.0, jitter, xs.size) * (tau > 0) * (tau < 1)
    ys = ys + rng.normal(0.0, jitter, ys.size) * (tau > 0) * (tau < 1)
    t = tau * n * dt + rng.uniform(0.0, 0.3 * dt, tau.size) * (tau > 0)
    t = np.maximum.accumulate(t)
    path = np.column_stack((t, np.round(xs), np.round(ys)))
    return click_tail(path, rng.uniform(20.0, 300.0), rng.uniform(40.0, 150.0))


def replay(job: Job, rng: np.random.Generator) -> Array:
    src = job.template
    moves = src[src[:, 3] == 0.0][:, 1:3]
    press = src[src[:, 3] == 1.0][0]
    release = src[src[:, 3] == 2.0][0]
    last_move_t = float(src[src[:, 3] == 0.0][-1, 0])
    z = fit_path(np.vstack((moves, press[1:3])), job.start, job.target(rng))
    n = z.size
    mode = int(rng.integers(0, 3))
    if mode == 0:  # a fixed sleep per recorded point
        dt = np.full(n, rng.uniform(8.0, 30.0))
    elif mode == 1:  # constant speed along the path
        seg = np.abs(np.diff(z, prepend=z[0]))
        dt = seg / rng.uniform(0.3, 2.0) + 0.5
    else:  # the recorded intervals, shuffled
        dt = np.diff(src[src[:, 3] == 0.0][:, 0], prepend=0.0)
        dt = np.append(rng.permutation(dt), dt[-1] if dt.size else 10.0)
    dt[0] = 0.0
    path = np.column_stack((np.cumsum(dt), np.round(z.real), np.round(z.imag)))
    dwell = float(press[0]) - last_move_t
    return click_tail(path, max(dwell, 0.0), float(release[0] - press[0]))
