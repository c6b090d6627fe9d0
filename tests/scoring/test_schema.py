"""Wire schema: round trips, limits, rejections that name the JSON path."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from scoring.schema import (
    MAX_EVENTS,
    Environment,
    Signals,
    UserAgentData,
    decode_signals,
    signals_json_schema,
)

REPO = Path(__file__).resolve().parents[2]

FULL = {
    "v": 1,
    "pointer": [[0.0, 10.0, 20.0, 0], [16.5, 11.0, 21.5, 0], [30.0, 11.0, 21.5, 1]],
    "keys": [[100.0, 0, 0], [180.0, 1, 0]],
    "scroll": [[5.0, 0.0, 120.0]],
    "touch": [[1.0, 5.0, 6.0, 1, 1], [90.0, 5.0, 6.0, 2, 0]],
    "focus": [[0.0, 1]],
    "timing": {"first_interaction_ms": 350.0, "elapsed_ms": 4000.0, "pointer_total": 3},
    "env": {
        "webdriver": False,
        "user_agent": "Mozilla/5.0",
        "ua_data": {"brands": ["Chromium"], "mobile": False, "platform": "Linux"},
        "languages": ["en-US", "en"],
        "screen": [1920, 1080, 1920, 1040, 24],
        "window": [1280, 700, 1300, 800],
        "errors": [{"source": "webgl", "error": "blocked"}],
    },
    "pow": {"solve_ms": 812.5, "hashes": 40000, "where": "worker"},
}


def test_full_payload_round_trips() -> None:
    sig = decode_signals(json.dumps(FULL))
    again = decode_signals(msgspec.json.encode(sig))
    assert again == sig
    assert sig.env is not None and sig.env.ua_data == UserAgentData(
        brands=["Chromium"], mobile=False, platform="Linux"
    )
    assert sig.pointer is not None and sig.pointer[1] == (16.5, 11.0, 21.5, 0)


def test_every_section_is_optional() -> None:
    assert decode_signals(b"{}") == Signals()
    only_pointer = decode_signals(b'{"pointer": [[0, 1, 2, 0]]}')
    assert only_pointer.keys is None and only_pointer.env is None


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"pointer": [[0, 1, 2, 3]]}, "$.pointer[0][3]"),
        ({"pointer": [[-1, 1, 2, 0]]}, "$.pointer[0][0]"),
        ({"pointer": [[0, 1e9, 2, 0]]}, "$.pointer[0][1]"),
        ({"pointer": [[0, 1, 2]]}, "$.pointer[0]"),
        ({"keys": [[0, 0, 9]]}, "$.keys[0][2]"),
        ({"env": {"webdriver": "yes"}}, "$.env.webdriver"),
        ({"env": {"nope": 1}}, "$.env"),
        ({"surprise": 1}, "surprise"),  # top level: msgspec names the field
        ({"v": 2}, "$.v"),
        ({"pow": {"solve_ms": -1}}, "$.pow.solve_ms"),
        ({"env": {"screen": [1, 2, 3]}}, "$.env.screen"),
        ({"pointer": [[5, 0, 0, 0], [4, 0, 0, 0]]}, "$.pointer[1]"),
        ({"touch": [[0, 0, 0, 1, 1], [9, 0, 0, 0, 1], [8, 0, 0, 2, 0]]}, "$.touch[2]"),
    ],
)
def test_rejections_name_the_path(payload: dict[str, object], path: str) -> None:
    with pytest.raises(msgspec.ValidationError) as err:
        decode_signals(json.dumps(payload))
    assert f"`{path}`" in str(err.value)


def test_size_limit() -> None:
    ok = {"pointer": [[float(i), 0.0, 0.0, 0] for i in range(MAX_EVENTS)]}
    assert decode_signals(json.dumps(ok)).pointer is not None
    too_many = {"pointer": [[float(i), 0.0, 0.0, 0] for i in range(MAX_EVENTS + 1)]}
    with pytest.raises(msgspec.ValidationError, match=r"\$\.pointer"):
        decode_signals(json.dumps(too_many))


def test_equal_times_are_allowed() -> None:
    sig = decode_signals(b'{"keys": [[5, 0, 0], [5, 1, 0]]}')
    assert sig.keys == [(5.0, 0, 0), (5.0, 1, 0)]


def test_malformed_json_is_a_decode_error() -> None:
    with pytest.raises(msgspec.DecodeError):
        decode_signals(b'{"pointer": [')


def test_committed_json_schema_is_current() -> None:
    committed = json.loads((REPO / "docs" / "signals.schema.json").read_text())
    assert committed == signals_json_schema()


def test_environment_defaults_mean_unknown() -> None:
    env = Environment()
    assert env.webdriver is None and env.languages is None and env.errors == []
