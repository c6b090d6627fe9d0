"""WebGL through a software rasteriser: headless Chrome's SwiftShader, Mesa's llvmpipe.

Also seen on GPU-less VMs and remote desktops, so ``suspicious``, not ``bot``.
"""

from __future__ import annotations

from scoring.detectors._base import Detection, Verdict
from scoring.result import RequestContext
from scoring.schema import Environment

__all__ = ["MARKERS", "REASON", "detect"]

REASON = "env.software_renderer"
MARKERS = (
    "swiftshader",
    "llvmpipe",
    "softpipe",
    "mesa offscreen",
    "software rasterizer",
    "microsoft basic render driver",
)


def detect(env: Environment | None, ctx: RequestContext) -> Detection:
    if env is None or not env.webgl_renderer:
        return Detection(Verdict.UNKNOWN, REASON)
    text = f"{env.webgl_vendor or ''} {env.webgl_renderer}".lower()
    hit = any(m in text for m in MARKERS)
    return Detection(Verdict.SUSPICIOUS if hit else Verdict.OK, REASON)
