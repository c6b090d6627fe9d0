"""The learning curve over training people: group draws, even human rows, a tiny run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scoring.dataset import Split
from scoring.learning_curve import groups, human_rows, main

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "mouse-human"


def test_groups_cover_every_size_at_most_so_many_of_each() -> None:
    people = ["a", "b", "c", "d", "e"]
    drawn = groups(people, 3, np.random.default_rng(1))
    sizes = [len(g) for g in drawn]
    # Sizes 1..5: C(5,k) = 5, 10, 10, 5, 1, capped at 3.
    assert sizes == [1] * 3 + [2] * 3 + [3] * 3 + [4] * 3 + [5]
    assert len(set(drawn)) == len(drawn)
    assert all(set(g) <= set(people) and len(set(g)) == len(g) for g in drawn)
    assert drawn == groups(people, 3, np.random.default_rng(1))
    assert groups(people, 100, np.random.default_rng(1))[:5] == [(p,) for p in people]


def _split(owners: list[str], families: list[str]) -> Split:
    n = len(owners)
    y = np.array([1.0 if f == "human" else 0.0 for f in families])
    return Split(np.zeros((n, 2)), y, np.array(families), np.array(owners))


def test_human_rows_are_drawn_evenly_from_the_group_and_never_bots() -> None:
    owners = ["a"] * 10 + ["b"] * 10 + ["c"] * 10 + ["a"] * 5
    families = ["human"] * 30 + ["tween"] * 5
    split = _split(owners, families)
    mask = human_rows(split, ["a", "c"], 8, np.random.default_rng(2))
    assert np.count_nonzero(mask & (split.user == "a")) == 4
    assert np.count_nonzero(mask & (split.user == "c")) == 4
    assert not np.any(mask & (split.user == "b"))
    assert not np.any(mask & (split.family != "human"))
    # A person with fewer pieces than their share gives all they have.
    assert np.count_nonzero(human_rows(split, ["b"], 50, np.random.default_rng(2))) == 10


@pytest.mark.skipif(not DATA.is_dir(), reason="no human data at ../shared/data")
def test_a_tiny_curve_prints_a_row_per_group_and_a_summary_per_size(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("lightgbm")
    args = ["--human", str(DATA), "--max-sessions", "1", "--max-pieces", "40", "--bots", "30"]
    args += ["--mixed", "20", "--trees", "10", "--subsets", "1", "--pieces", "40"]
    assert main(args) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| user")]
    # Five training people (four plus the pooled calibration user): one group per size.
    assert [row.split(" | ")[1] for row in rows] == ["1", "2", "3", "4", "5"]
    assert all(row.split(" | ")[2] in ("40", "39") for row in rows)
    assert "user15" in out and "user9" not in rows[-1].split(" | ")[0]
    summary = [line for line in out.splitlines() if line.startswith("| 1 | 1 |")]
    assert len(summary) == 1


def test_a_bad_user_split_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    if not DATA.is_dir():
        pytest.skip("no human data at ../shared/data")
    assert main(["--human", str(DATA), "--test-users", "nobody"]) == 2
    assert "bad user split" in capsys.readouterr().err
    assert main(["--human", str(DATA), "--pieces", "0"]) == 2
