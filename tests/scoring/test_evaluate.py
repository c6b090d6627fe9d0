"""Which people ``scoring.evaluate`` holds the model to (skipped without the data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.evaluate import main, unseen_users
from scoring.humans import list_users
from scoring.model import DEFAULT_MODEL, OnnxModel

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "mouse-human"

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="no human data at ../shared/data")


def test_the_shipped_model_is_held_to_the_people_it_never_saw() -> None:
    model = OnnxModel.load(DEFAULT_MODEL)
    # Its own test users first, in its order: the card's figures reproduce.
    assert unseen_users(model, list_users(DATA)) == ["user9", "user21"]
    assert unseen_users(model, ["user21", "user7", "user23"]) == ["user21", "user23"]


def test_people_not_in_the_folder_are_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--human", str(DATA), "--users", "user9,user99"]) == 2
    err = capsys.readouterr().err
    assert f"no such people under {DATA}: user99 (found: user12," in err


def test_a_folder_of_training_people_only_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "user7").symlink_to(DATA / "user7")
    assert main(["--human", str(tmp_path)]) == 2
    assert "trained on every person" in capsys.readouterr().err


def test_a_folder_of_new_people_is_evaluated_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Another person in the same layout: evaluated without naming anyone.
    (tmp_path / "user9").symlink_to(DATA / "user9")
    args = ["--human", str(tmp_path), "--max-sessions", "1", "--max-pieces", "60"]
    args += ["--bots", "20", "--visits", "0", "--pages", "0", "--recording", "raw"]
    assert main([*args, "--jitter-px", "4", "--delay-ms", "20"]) == 0
    out = capsys.readouterr().out
    assert "user9, recording raw, jitter 4 px on every bot, sleeps up to 20 ms" in out
    assert "| puppeteer (user9) | 20 |" in out


@pytest.mark.parametrize(
    ("flag", "value", "limits"),
    [("--jitter-px", "-1", "0 and 100"), ("--delay-ms", "2000", "0 and 1000")],
)
def test_humanizers_out_of_range_are_refused(
    flag: str, value: str, limits: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--human", str(DATA), flag, value])
    assert exit_.value.code == 2
    assert f"{flag} must be between {limits}" in capsys.readouterr().err
