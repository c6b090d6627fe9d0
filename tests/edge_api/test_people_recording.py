"""edge_api.people_recording: the demo page's first submits, appended as payload lines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from starlette.testclient import TestClient

from edge_api import ConfigError, create_app
from scoring import decode_signals
from tests.conftest import FakeClock
from tests.edge_api.conftest import Harness, make_settings, open_harness

# A payload of every kind the recording must keep as it came.
SIGNALS = {
    "v": 1,
    "pointer": [[0, 10, 20, 0], [16, 14.5, 22, 0], [250, 14.5, 22, 1], [330, 14.5, 22, 2]],
    "keys": [[0, 0, 0], [95, 1, 0]],
    "env": {"webdriver": False, "languages": ["en-GB", "en"]},
}


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    return tmp_path / "people.jsonl"


@pytest.fixture
def recorded_harness(tmp_path: Path, clock: FakeClock, recording: Path) -> Iterator[Harness]:
    yield from open_harness(tmp_path, clock, record_people=recording)


def demo_sitekey(harness: Harness) -> str:
    return str(harness.client.app.state.demo_site.sitekey)  # type: ignore[attr-defined]


def recorded_lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines() if path.exists() else []


def test_the_demo_sites_submits_are_appended_as_scoreable_lines(
    recorded_harness: Harness, recording: Path
) -> None:
    sitekey = demo_sitekey(recorded_harness)
    for _ in range(2):
        challenge = recorded_harness.challenge(sitekey, hostname="localhost")
        assert recorded_harness.submit(challenge, signals=SIGNALS).status_code == 200
    lines = recorded_lines(recording)
    assert len(lines) == 2
    # Each line is the payload the widget sent, in the format `python -m scoring` reads.
    assert all(
        decode_signals(line) == decode_signals(msgspec.json.encode(SIGNALS)) for line in lines
    )


def test_other_sites_and_submits_without_signals_are_not_recorded(
    recorded_harness: Harness, recording: Path
) -> None:
    site = recorded_harness.create_site()
    assert recorded_harness.submit(recorded_harness.challenge(site["sitekey"]), signals=SIGNALS)
    demo = recorded_harness.challenge(demo_sitekey(recorded_harness), hostname="localhost")
    assert recorded_harness.submit(demo).status_code == 200
    assert recorded_lines(recording) == []


def test_an_escalated_visit_is_recorded_once(recorded_harness: Harness, recording: Path) -> None:
    """The rounds after an escalation hold the same person's page again: counting them
    would weigh the people the model doubts twice."""
    doubted = {**SIGNALS, "env": {"webdriver": True}}
    challenge = recorded_harness.challenge(demo_sitekey(recorded_harness), hostname="localhost")
    for _ in range(2):
        answer = recorded_harness.submit(challenge, signals=doubted).json()
        assert answer["status"] == "escalate"
        challenge = answer["challenge"]
    lines = recorded_lines(recording)
    assert len(lines) == 1
    assert decode_signals(lines[0]).env == decode_signals(msgspec.json.encode(doubted)).env


def test_recording_waits_for_the_click(recorded_harness: Harness) -> None:
    """A managed site passes most people at page load, before they move: the recorded
    demo site shows its checkbox instead."""
    path = f"/admin/v1/sites/{demo_sitekey(recorded_harness)}"
    assert recorded_harness.client.get(path, headers=recorded_harness.admin).json()["mode"] == (
        "checkbox"
    )


def test_nothing_is_recorded_unless_asked(
    tmp_path: Path, clock: FakeClock, recording: Path
) -> None:
    for harness in open_harness(tmp_path, clock):
        challenge = harness.challenge(demo_sitekey(harness), hostname="localhost")
        assert harness.submit(challenge, signals=SIGNALS).status_code == 200
        assert harness.client.app.state.services.people is None  # type: ignore[attr-defined]
        site = harness.client.get(f"/admin/v1/sites/{demo_sitekey(harness)}", headers=harness.admin)
        assert site.json()["mode"] == "managed"
    assert not recording.exists()


def test_a_file_that_cannot_be_written_stops_the_start(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, record_people=tmp_path / "missing-dir" / "people.jsonl")
    with (
        pytest.raises(ConfigError, match="PALISADE_RECORD_PEOPLE: cannot append"),
        TestClient(create_app(settings)),
    ):
        pass
