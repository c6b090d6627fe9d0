"""ModelScorer: channels, missing data, environment caps, the shadow model."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring import RequestContext, Scorer, load_default_scorer
from scoring.model import DEFAULT_MODEL, OnnxModel
from scoring.model_scorer import BOT_CAP, NO_BEHAVIOUR_SCORE, ModelScorer
from tests.scoring.conftest import line_events, signals

CTX = RequestContext()
TWEEN = line_events(30, 50.0, 20.0)


@pytest.fixture(scope="module")
def scorer() -> ModelScorer:
    return load_default_scorer()


def test_is_a_scorer(scorer: ModelScorer) -> None:
    s: Scorer = scorer
    assert s.score(None, CTX).model == OnnxModel.load(DEFAULT_MODEL).version


def test_pointer_only_payload_scores_with_the_model(scorer: ModelScorer) -> None:
    res = scorer.score(signals(pointer=TWEEN), CTX)
    assert res.channels["pointer"] is not None
    assert res.score == pytest.approx(res.channels["pointer"], abs=1e-4)
    assert res.channels["keys"] is None and res.channels["env"] is None
    if res.score < 0.5:
        assert res.reasons[0] == "pointer.model"
        assert all(r.startswith("pointer.") for r in res.reasons)


def test_no_data_is_neutral_not_bot(scorer: ModelScorer) -> None:
    for sig in (None, signals()):
        res = scorer.score(sig, CTX)
        assert res.score == NO_BEHAVIOUR_SCORE
        assert res.reasons == ("behaviour.missing",)
        assert all(v is None for v in res.channels.values())


def test_moves_without_a_click_are_not_read_by_the_model(scorer: ModelScorer) -> None:
    # A managed widget's first submit, or a checkbox ticked from the keyboard: the person
    # has moved the mouse and not clicked. The same moves with a click are read.
    moves = TWEEN[:-2]
    res = scorer.score(signals(pointer=moves), CTX)
    assert res.score == NO_BEHAVIOUR_SCORE
    assert res.reasons == ("pointer.no_click",)
    assert res.channels["pointer"] is None
    assert scorer.score(signals(pointer=TWEEN), CTX).channels["pointer"] is not None
    # A tap's touch section still decides when there is one.
    tap = [[0.0, 50.0, 60.0, 1, 1], [90.0, 50.0, 60.0, 2, 0]]
    res = scorer.score(signals(pointer=moves, touch=tap), CTX)
    assert res.channels["touch"] is not None and res.score == res.channels["touch"]


def test_touches_from_a_browser_without_a_touch_screen(scorer: ModelScorer) -> None:
    # Automation can dispatch touch events to a desktop browser, whose maxTouchPoints is 0.
    tap = [[0.0, 50.0, 60.0, 1, 1], [90.0, 50.0, 60.0, 2, 0]]
    phone = scorer.score(signals(touch=tap, env={"touch_points": 5}), CTX)
    assert phone.channels["touch"] is not None and phone.channels["touch"] >= 0.8
    desktop = scorer.score(signals(touch=tap, env={"touch_points": 0}), CTX)
    assert desktop.channels["touch"] is not None and desktop.channels["touch"] < 0.5
    assert "touch.no_touchscreen" in desktop.reasons
    unknown = scorer.score(signals(touch=tap), CTX)
    assert unknown.channels["touch"] == phone.channels["touch"]


def test_environment_bot_caps_the_score(scorer: ModelScorer) -> None:
    clean = scorer.score(signals(env={"webdriver": False}), CTX)
    assert clean.channels["env"] == 1.0 and clean.score == NO_BEHAVIOUR_SCORE
    bot = scorer.score(signals(env={"webdriver": True}), CTX)
    assert bot.score <= BOT_CAP and "env.webdriver" in bot.reasons
    suspicious = scorer.score(signals(env={"cdp": True}), CTX)
    assert BOT_CAP < suspicious.score < NO_BEHAVIOUR_SCORE
    header = scorer.score(signals(), RequestContext(user_agent="python-requests/2.31"))
    assert header.score <= BOT_CAP and header.reasons[-1] == "env.headless_ua"


def test_keys_channel(scorer: ModelScorer) -> None:
    human = [[0, 0, 0], [95, 1, 0], [230, 0, 0], [310, 1, 0], [400, 0, 2], [520, 1, 2]]
    res = scorer.score(signals(keys=human), CTX)
    assert res.channels["keys"] is not None and res.channels["keys"] >= 0.8
    robot = [[t * 50.0 + d, k, 0] for t in range(8) for d, k in ((0.0, 0), (0.0, 1))]
    res = scorer.score(signals(keys=robot), CTX)
    assert res.channels["keys"] is not None and res.channels["keys"] < 0.5
    assert "keys.zero_hold" in res.reasons
    assert res.score < NO_BEHAVIOUR_SCORE
    # On a page used by touch the keys came from an on-screen keyboard, whose down and
    # up arrive together: holds say nothing there, the timing between keys still does.
    tap = [[0.0, 50.0, 60.0, 1, 1], [90.0, 50.0, 60.0, 2, 0]]
    phone = [[t, k, 5] for t0 in (0.0, 210.0, 380.0, 700.0, 820.0) for t, k in ((t0, 0), (t0, 1))]
    res = scorer.score(signals(keys=phone, touch=tap), CTX)
    assert res.channels["keys"] is not None and res.channels["keys"] >= 0.8, res
    assert "keys.zero_hold" in scorer.score(signals(keys=phone), CTX).reasons
    res = scorer.score(signals(keys=robot, touch=tap), CTX)
    assert res.channels["keys"] is not None and res.channels["keys"] < 0.5
    assert res.reasons == ("keys.regular_timing",)


def test_batch_matches_single(scorer: ModelScorer) -> None:
    payloads = [signals(pointer=line_events(n, 16.0, s)) for n in (8, 25, 80) for s in (1.0, 7.0)]
    payloads.append(signals())
    batch = scorer.score_many([(p, CTX) for p in payloads])
    assert batch == [scorer.score(p, CTX) for p in payloads]


def test_shadow_never_changes_the_answer(other_model: Path) -> None:
    plain = load_default_scorer()
    seen: list[tuple[str, str, float, float]] = []
    shadowed = load_default_scorer(shadow_path=other_model, on_shadow=lambda *a: seen.append(a))
    assert shadowed.shadow_version == OnnxModel.load(other_model).version
    assert shadowed.shadow_version != shadowed.version
    payloads = [signals(pointer=line_events(n, 12.0, 4.0)) for n in (6, 15, 40, 90)]
    payloads += [signals(), signals(env={"webdriver": True})]
    for p in payloads:
        assert shadowed.score(p, CTX) == plain.score(p, CTX)
    assert shadowed.shadow_stats.scored == 4 == len(seen)
    assert all(v[0] == plain.version and v[1] == shadowed.shadow_version for v in seen)
    # The shadow really scored differently somewhere (otherwise the test proves nothing).
    assert any(abs(a - b) > 1e-3 for *_, a, b in seen)
