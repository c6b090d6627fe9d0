"""Recording people on the demo page (``PALISADE_RECORD_PEOPLE``), then counting them with
``python -m scoring people``: the real widget in Chromium, a real server, the shipped model."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from scoring import decode_signals
from scoring.cli import main
from tests.browser.conftest import replay_human_click
from tests.conftest import running_server

pytestmark = pytest.mark.browser


def test_a_person_on_the_demo_page_is_recorded_and_counted(
    page: Page, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recording = tmp_path / "mouse.jsonl"
    data_dir = tmp_path / "server"
    data_dir.mkdir()
    with running_server(data_dir, PALISADE_RECORD_PEOPLE=str(recording)) as server:
        page.goto(server.url.replace("127.0.0.1", "localhost") + "/demo")
        # People are told, and the page waits for their click (a checkbox site), so the
        # recording holds their approach to the box.
        expect(page.locator(".recording")).to_be_visible()
        expect(page.locator(".recording code")).to_have_text(str(recording))
        box = page.locator("[role=checkbox]")
        expect(box).to_have_attribute("aria-checked", "false")
        expect(box).to_have_attribute("aria-busy", "false", timeout=15_000)
        bounds = box.bounding_box()
        assert bounds is not None
        x, y = bounds["x"] + bounds["width"] / 2, bounds["y"] + bounds["height"] / 2
        replay_human_click(page, x, y)
        expect(box).not_to_have_attribute("aria-busy", "true", timeout=15_000)
        expect(box).to_have_attribute("aria-busy", "false", timeout=15_000)

    lines = recording.read_bytes().splitlines()
    assert len(lines) == 1
    signals = decode_signals(lines[0])
    assert signals.pointer is not None and signals.env is not None
    kinds = [event[3] for event in signals.pointer]
    assert kinds.count(0) > 10 and kinds[-2:] == [1, 2]  # the approach, then the click
    assert abs(signals.pointer[-1][1] - x) < 1 and abs(signals.pointer[-1][2] - y) < 1

    assert main(["people", str(recording)]) == 0
    out = capsys.readouterr().out
    assert "| mouse | 1 | 0 | 1 | 0 |" in out
