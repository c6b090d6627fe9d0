"""Pointer kinematics: the movement towards the widget and the click on it.

The analysed window is the last ``WINDOW_MS`` of the section (the widget keeps
everything since page load; what matters is the approach and the click). The
movement part runs from the window start to the last move before the last
button press (or to the last event when there was no press). Kinematics are
computed on a fixed time grid (:mod:`scoring.features._grid`), so neither the
browser's event rate nor a bot loop's sleep leaks into them. The same
kinematics are measured again on a 60 ms grid (``pointer.*_60ms``), and two
more groups read the 20 ms grid: :mod:`scoring.features.shape` (sub-movements,
smooth-curve fits) and :mod:`scoring.features.noise` (the residual after smoothing).
One group reads the events themselves, step by step: :mod:`scoring.features.steps`
(what a script's random sleeps between steps leave smooth).

This runs inline on every submit: positions are complex numbers (one
interpolation, rotations for free) and every statistic is a handful of numpy
calls, because per-call overhead, not arithmetic, is the cost at this size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import chain
from typing import Any, NamedTuple

import msgspec
import numpy as np

from scoring.features import _kernel, _kernel_fine, noise, shape, steps
from scoring.features._grid import COARSE_GRID_MS, GRID_MS, Array, CArray, resample
from scoring.features._kernel import BACK_SPEED, FLAT_VAR, REVERSAL_EPS, RISE_EPS, STILL_SPEED

__all__ = [
    "NAMES",
    "WINDOW_MS",
    "Section",
    "extract",
    "extract_array",
    "extract_span",
    "extract_with",
    "section_of",
    "section_of_array",
    "warm_up",
]

WINDOW_MS = 6000.0

_BASE: tuple[str, ...] = (
    "pointer.missing",
    "pointer.duration",
    "pointer.path_len",
    "pointer.displacement",
    "pointer.straightness",
    "pointer.lateral_dev",
    "pointer.overshoot",
    "pointer.backtrack",
    "pointer.speed_mean",
    "pointer.speed_max",
    "pointer.speed_cv",
    "pointer.peak_time_frac",
    "pointer.start_speed",
    "pointer.end_speed",
    "pointer.accel_mean",
    "pointer.accel_cv",
    "pointer.jerk_ratio",
    "pointer.curvature",
    "pointer.heading_std",
    "pointer.turn_balance",
    "pointer.straight_frac",
    "pointer.const_speed_frac",
    "pointer.pause_frac",
    "pointer.submovements",
    "pointer.smooth_resid",
    "pointer.power_law",
    "pointer.end_dwell",
    "pointer.hold",
    "pointer.press_move",
)
_COARSE_SRC = np.array(_kernel.COARSE_SLOTS)
_COARSE = tuple(f"{_BASE[i]}_60ms" for i in _COARSE_SRC)
NAMES: tuple[str, ...] = _BASE + _COARSE + shape.NAMES + noise.NAMES + steps.NAMES
_N = len(NAMES)
_C0 = len(_BASE)
_COARSE_AT = slice(_C0, _C0 + len(_COARSE))
_SHAPE_AT = slice(_COARSE_AT.stop, _COARSE_AT.stop + len(shape.NAMES))
_NOISE_AT = slice(_SHAPE_AT.stop, _SHAPE_AT.stop + len(noise.NAMES))
_STEPS_AT = slice(_NOISE_AT.stop, _N)
_I = {n: i for i, n in enumerate(NAMES)}
_DWELL, _HOLD, _PRESS_MOVE = _I["pointer.end_dwell"], _I["pointer.hold"], _I["pointer.press_move"]
_DURATION = _I["pointer.duration"]
# The ufunc reductions themselves: ndarray.sum/max add a Python-level wrapper.
_sum = np.add.reduce
_max = np.maximum.reduce

Event = Sequence[float]


def _missing() -> Array:
    out = np.full(_N, np.nan)
    out[0] = 1.0
    return out


_packer = msgspec.msgpack.Encoder()
# One decoded event, as msgpack writes it: fixarray(4), then float64 t, x, y
# (msgspec decodes every wire number of those fields to float) and a fixint kind.
_PACKED_EVENT = np.dtype(
    [
        ("a", "u1"),
        ("m0", "u1"),
        ("t", ">f8"),
        ("m1", "u1"),
        ("x", ">f8"),
        ("m2", "u1"),
        ("y", ">f8"),
        ("k", "u1"),
    ]
)


class Section(NamedTuple):
    """A pointer section as columns: ``t``, ``x``, ``y`` and the kinds as bytes (0
    move, 1 press, 2 release), searched in C. Built once per section; every approach
    of it is a span of these columns."""

    t: Array
    x: Array
    y: Array
    kinds: bytes


def section_of(events: Sequence[Event]) -> Section:
    """The columns of a list of ``[t, x, y, kind]`` events.

    Unboxing 4n Python numbers one by one costs more than all the kinematics;
    packing the list with msgspec and viewing the bytes is several times faster.
    Anything not laid out as expected (ints, floats for kind) takes the plain path.
    """
    m = len(events)
    try:
        packed = _packer.encode(events)
    except TypeError:  # numpy scalars from a caller; the wire never has them
        packed = b""
    head = 1 if m < 16 else 3 if m < 65536 else 5
    if m and len(packed) == head + _PACKED_EVENT.itemsize * m:
        rows = np.frombuffer(packed, _PACKED_EVENT, count=m, offset=head)
        if rows["a"][0] == 0x94 and rows["m0"][0] == rows["m1"][0] == rows["m2"][0] == 0xCB:
            return Section(
                rows["t"].astype(np.float64),
                rows["x"].astype(np.float64),
                rows["y"].astype(np.float64),
                rows["k"].tobytes(),
            )
    flat = np.fromiter(chain.from_iterable(events), np.float64, count=4 * m).reshape(m, 4)
    return section_of_array(flat)


def section_of_array(ev: Array) -> Section:
    """The columns of an ``(n, 4)`` array of ``[t, x, y, kind]`` rows."""
    return Section(
        np.ascontiguousarray(ev[:, 0], dtype=np.float64),
        np.ascontiguousarray(ev[:, 1], dtype=np.float64),
        np.ascontiguousarray(ev[:, 2], dtype=np.float64),
        ev[:, 3].astype(np.uint8).tobytes(),
    )


def extract_array(ev: Array) -> Array:
    """Like :func:`extract`, from an ``(n, 4)`` array of ``[t, x, y, kind]`` rows."""
    return extract_span(section_of_array(ev), 0, ev.shape[0])


def extract(events: Sequence[Event] | None) -> Array:
    """Feature vector (``NAMES`` order) of a pointer section; NaN where undefined."""
    return extract_with(events, _COMPILED)


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel now, not on a first request."""
    extract([(0.0, 0.0, 0.0, 0), (50.0, 10.0, 5.0, 0), (100.0, 30.0, 9.0, 0)])


def extract_with(events: Sequence[Event] | None, compiled: bool) -> Array:
    """:func:`extract` with the compiled kernels, or with numpy when ``compiled`` is False."""
    if not events:
        return _missing()
    return _extract(section_of(events), 0, len(events), compiled)


def extract_span(section: Section, lo: int, hi: int) -> Array:
    """:func:`extract` of the events ``lo:hi`` of a section (one approach of a page)."""
    return _extract(section, lo, hi, _COMPILED)


def _extract(section: Section, lo: int, hi: int, compiled: bool) -> Array:
    if hi <= lo:
        return _missing()
    t, x, y, kinds = section
    out = np.full(_N, np.nan)
    out[0] = 0.0
    cutoff = float(t[hi - 1]) - WINDOW_MS
    start = lo + int(np.searchsorted(t[lo:hi], cutoff)) if t[lo] < cutoff else lo
    # The click is at the end of the section: byte searches from there.
    press = kinds.rfind(1, start, hi)
    end = hi
    if press >= 0:
        release = kinds.find(2, press + 1, hi)
        if release >= 0:
            out[_HOLD] = math.log1p(t[release] - t[press])
            out[_PRESS_MOVE] = math.hypot(x[release] - x[press], y[release] - y[press])
        end = press + 1
        last_move = kinds.rfind(0, start, press)
        if last_move >= 0:
            out[_DWELL] = math.log1p(t[press] - t[last_move])
            # The dwell is end_dwell, not movement, unless the press lands
            # somewhere else (a teleporting click).
            if x[last_move] == x[press] and y[last_move] == y[press]:
                end = last_move + 1
    m = end - start
    if m < 2 or t[end - 1] - t[start] < 2 * GRID_MS:
        return out
    tw, xw, yw = t[start:end], x[start:end], y[start:end]
    kw = np.frombuffer(kinds, np.uint8, count=m, offset=start)
    if compiled:
        _steps(xw, yw, kw, out, _STEPS_AT.start)
        ok = _compiled(tw, xw, yw, out)
    else:
        steps.compute(xw, yw, kw, out[_STEPS_AT])
        ok = _numpy(tw, xw, yw, out)
    if not ok:
        out[_DURATION] = math.log1p(t[end - 1] - t[start])
    return out


def _compiled(t: Array, x: Array, y: Array, out: Array) -> bool:
    ok, xg, yg = _both_scales(t, x, y, out, _COARSE_AT.start)
    if ok:
        _fine(
            xg, yg, shape.basis(xg.size - 1), out, _SHAPE_AT.start, _NOISE_AT.start, _NOISE_AT.stop
        )
    return bool(ok)


# The compiled kernels (None without numba, when _compiled is never called).
_both_scales: Any = _kernel.both_scales
_fine: Any = _kernel_fine.fine
_steps: Any = _kernel_fine.steps
_COMPILED = _both_scales is not None and _fine is not None and _steps is not None


def _numpy(t: Array, x: Array, y: Array, out: Array) -> bool:
    z = x + 1j * y
    tg, zg = resample(t, z)
    dz = zg[1:] - zg[:-1]
    step = np.abs(dz)
    path = float(_sum(step))
    if step.size < 3 or path < 1.0:
        return False
    _kinematics(out, float(tg[-1] - tg[0]), zg, dz, step, path, GRID_MS)
    shape.compute(zg, step, path, shape.basis(step.size), out[_SHAPE_AT])
    noise.compute(zg, dz, step, out[_NOISE_AT])
    tc, zc = resample(t, z, COARSE_GRID_MS)
    dzc = zc[1:] - zc[:-1]
    stepc = np.abs(dzc)
    pathc = float(_sum(stepc))
    if stepc.size >= 3 and pathc >= 1.0:
        coarse = np.full(26, np.nan)
        _kinematics(coarse, float(tc[-1] - tc[0]), zc, dzc, stepc, pathc, COARSE_GRID_MS)
        out[_COARSE_AT] = coarse[_COARSE_SRC]
    return True


def _kinematics(
    out: Array, duration: float, z: CArray, dz: CArray, step: Array, path: float, grid_ms: float
) -> None:
    k = step.size
    imax = int(step.argmax())
    smax = float(step[imax])
    e = complex(z[-1] - z[0])
    disp = abs(e)
    out[1] = math.log1p(duration)
    out[2] = math.log1p(path)
    out[3] = math.log1p(disp)
    out[4] = disp / path
    if disp >= 1.0:
        # Rotate so that the start->end line is the real axis.
        w = (z - z[0]) * (e.conjugate() / disp)
        along = w.real
        out[5] = float(_max(np.abs(w.imag))) / disp
        out[6] = max(0.0, float(_max(along)) - disp) / disp
        back = np.count_nonzero(along[1:] - along[:-1] < -BACK_SPEED * grid_ms)
        out[7] = back / k
    else:
        out[5] = out[6] = out[7] = 0.0
    mean = path / k
    out[8] = mean / grid_ms
    out[9] = smax / grid_ms
    d = step - mean
    out[10] = math.sqrt(float(np.dot(d, d)) / k) / mean
    out[11] = imax / (k - 1)
    out[12] = float(_sum(step[:3])) / 3.0 / smax
    moving = step > STILL_SPEED * grid_ms
    vm = step[moving]
    nm = vm.size
    out[13] = float(_sum(vm[-3:])) / min(3, nm) / smax if nm else 0.0
    acc = step[1:] - step[:-1]
    aabs = np.abs(acc)
    amean = float(_sum(aabs)) / (k - 1)
    out[14] = amean / smax
    if amean > 0.0:
        da = aabs - amean
        out[15] = math.sqrt(float(np.dot(da, da)) / (k - 1)) / amean
        out[16] = float(_sum(np.abs(acc[1:] - acc[:-1]))) / (k - 2) / amean
    else:
        out[15] = out[16] = 0.0
    if nm > 2:
        dm = dz[moving]
        r = dm[1:] * dm[:-1].conj()
        turn = np.arctan2(r.imag, r.real)
        turn[turn < REVERSAL_EPS - math.pi] = math.pi
        aturn = np.abs(turn)
        tabs = float(_sum(aturn))
        tsum = float(_sum(turn))
        out[17] = tabs / path
        dt_ = turn - tsum / turn.size
        out[18] = math.sqrt(float(np.dot(dt_, dt_)) / turn.size)
        out[19] = abs(tsum) / tabs if tabs > 0.0 else 1.0
        out[20] = np.count_nonzero(aturn < 0.01) / turn.size
        out[21] = np.count_nonzero(np.abs(vm[1:] - vm[:-1]) < 0.002 * smax) / (nm - 1)
        # Speed-curvature power law: hands slow down in bends (speed ~ curvature^-1/3).
        bent = aturn > 0.02
        if np.count_nonzero(bent) > 4:
            ls = np.log(vm[1:][bent])
            lc = np.log(aturn[bent]) - ls
            lc -= float(_sum(lc)) / lc.size
            var = float(np.dot(lc, lc))
            out[25] = float(np.dot(lc, ls)) / var if var > FLAT_VAR * lc.size else 0.0
    else:
        out[17] = out[18] = out[20] = out[21] = 0.0
        out[19] = 1.0
    out[22] = 1.0 - nm / k
    # Not > 0: constant-speed stretches differ from 0 only by rounding noise.
    rising = acc > RISE_EPS
    # A speed peak: rising into the step, not rising out of it (True > False).
    peaks = (rising[:-1] > rising[1:]) & (step[1:-1] > 0.2 * smax)
    out[23] = float(np.count_nonzero(peaks))
    out[24] = float(_sum(np.abs(dz[1:] - dz[:-1]))) / (k - 1) / mean
