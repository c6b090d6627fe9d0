"""The shipped ONNX model behind the real HTTP flow: held-out people pass, a scripted
straight-line mouse does not, and models swap through the admin API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from scoring import DEFAULT_MODEL, version_of
from scoring.humans import load_user_pieces
from scoring.recorder import to_browser
from tests.conftest import REPO, FakeClock
from tests.edge_api.conftest import Harness, open_harness

HUMANS = REPO.parent / "shared" / "data" / "mouse-human"
HELD_OUT_USER = "user21"  # not used in training or calibration (see the model card)
BROWSER_ENV = {
    "webdriver": False,
    "user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "languages": ["en-US", "en"],
    "language": "en-US",
    "plugins": 5,
    "mime_types": 2,
    "hardware_concurrency": 8,
    "webgl_renderer": "ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)",
}


@pytest.fixture
def model_harness(tmp_path: Path, clock: FakeClock) -> Iterator[Harness]:
    yield from open_harness(tmp_path, clock, scorer=None)


def human_paths(count: int) -> list[list[list[float]]]:
    rng = np.random.default_rng(7)
    pieces = load_user_pieces(HUMANS, HELD_OUT_USER, rng, max_pieces=count)
    paths = [to_browser(piece.events, rng).tolist() for piece in pieces]
    return [[[t, x, y, int(kind)] for t, x, y, kind in path] for path in paths]


def straight_line() -> list[list[float]]:
    """A bot moving at constant speed in a straight line, then clicking."""
    moves = [[i * 16.0, 100.0 + i * 12.0, 200.0 + i * 6.0, 0] for i in range(40)]
    end = moves[-1]
    return [*moves, [end[0] + 1, end[1], end[2], 1], [end[0] + 2, end[1], end[2], 2]]


def submit(h: Harness, sitekey: str, pointer: list[list[float]]) -> dict[str, object]:
    from edge_api.pow import solve

    challenge = h.challenge(sitekey)
    signals = {"v": 1, "pointer": pointer, "env": BROWSER_ENV}
    solution = solve(challenge["id"], challenge["puzzles"], challenge["difficulty"])
    response = h.client.post(
        "/v1/submit",
        json={"challenge": challenge["challenge"], "solution": solution, "signals": signals},
        # The browser's own header: the scorer compares it with the reported one.
        headers={"User-Agent": BROWSER_ENV["user_agent"], "Accept-Language": "en-US,en;q=0.9"},
    )
    assert response.status_code in (200, 403), response.text
    body: dict[str, object] = response.json()
    return body


def test_model_scores_people_above_a_scripted_line(model_harness: Harness) -> None:
    h = model_harness
    site = h.create_site(score_threshold=0.5, pow_min=1, pow_max=4)
    answers = [submit(h, site["sitekey"], path) for path in human_paths(10)]
    passed = [a for a in answers if a["status"] == "pass"]
    assert len(passed) >= 7, [a.get("status") for a in answers]
    token = str(passed[0]["token"])
    verdict = h.client.post("/siteverify", data={"secret": site["secret"], "response": token})
    assert verdict.json()["success"] is True
    assert verdict.json()["score"] >= 0.5

    bot = submit(h, site["sitekey"], straight_line())
    assert bot["status"] == "escalate"
    assert bot["reason"] == "low_score"


def test_model_version_is_reported_and_swappable(model_harness: Harness, tmp_path: Path) -> None:
    h = model_harness
    described = h.client.get("/admin/v1/model", headers=h.admin).json()
    assert described["active"] == version_of(DEFAULT_MODEL.read_bytes())
    assert described["shadow"] is None

    shadow = h.client.post(
        "/admin/v1/model", json={"path": str(DEFAULT_MODEL), "role": "shadow"}, headers=h.admin
    )
    assert shadow.json()["shadow"] == described["active"]
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    refused = h.client.post("/admin/v1/model", json={"path": str(broken)}, headers=h.admin)
    assert refused.status_code == 400
    assert refused.json()["error"] == "bad_model"
    assert h.client.get("/admin/v1/model", headers=h.admin).json()["active"] == described["active"]
    assert h.client.get("/admin/v1/model").status_code == 401
