"""The words the trainee reads, derived from engine state (no Qt needed)."""

from __future__ import annotations

from game.engine import Session
from game.engine.events import Cause
from game.ui import present


def test_duration_words() -> None:
    assert present.format_duration(0.5) == "30 min"
    assert present.format_duration(5) == "5 h"
    assert present.format_duration(24) == "24 h"
    assert present.format_duration(51) == "2 days 3 h"
    assert present.format_duration(48) == "2 days"


def test_clock_words() -> None:
    assert present.format_clock("2023-02-04T14:39") == "Sat 4 Feb 2023 · 14:39"
    assert present.format_short("2023-02-04T14:39") == "4 Feb 14:39"
    assert present.hours_between("2023-02-01T09:00", "2023-02-02T09:00") == 24


def _ringing_then_unanswered(tiny: object) -> Session:
    """Call the defense link (rings), then answer nothing: the call stays open a day later."""
    for seed in range(200):
        session = Session.start(tiny, seed=seed)
        result = session.choose("call")
        if result.of_type("call")[0].result in ("unanswered", "ringing"):
            return session
    raise AssertionError("no seed gave an unanswered or ringing call")


def test_channel_board_says_how_long_a_call_went_unanswered(tiny: object) -> None:
    session = _ringing_then_unanswered(tiny)
    rows = {r.id: r for r in present.channel_rows(tiny, session.channels, session.events,
                                                   session.clock)}
    dtl = rows["dtl"]
    assert dtl.status in ("unanswered", "ringing")
    # The call was made on 1 Feb 09:00; the clock now reads 2 Feb 09:00.
    assert "24 h" in dtl.detail
    assert dtl.detail.startswith("Unanswered for" if dtl.status == "unanswered"
                                 else "Awaiting an answer for")
    assert rows["press"].detail == "Not used yet"
    assert rows["press"].status_label == "Open"
    assert [c.after for c in dtl.history][-1] == dtl.status


def test_hidden_meters_are_left_out_unless_asked(tiny: object) -> None:
    session = Session.start(tiny, seed=1)
    session.choose("call")
    visible = [r.id for r in present.meter_rows(tiny, session.meters, session.events)]
    assert "openness" not in visible
    assert visible[0] == "escalation"  # the ladder first
    everything = [r.id for r in present.meter_rows(tiny, session.meters, session.events,
                                                   include_hidden=True)]
    assert "openness" in everything


def test_consequences_explain_each_change_and_hide_hidden_meters(tiny: object) -> None:
    for seed in range(200):
        session = Session.start(tiny, seed=seed)
        session.choose("call")
        result = session.choose("back")
        if any(e.type == "meter" and e.meter == "openness" for e in result.events):
            break
    else:
        raise AssertionError("no seed answered the political call")
    view = present.consequence_view(tiny, result.events)
    assert view.decision_label == "Political back-channel"
    assert view.calls and view.calls[0].status_label == "Answered"
    assert all(c.meter != "openness" for c in view.meter_changes + view.later_changes)
    escalation = [c for c in view.meter_changes if c.meter == "escalation"]
    assert escalation and escalation[0].why == "Political back-channel answered"
    assert escalation[0].good  # escalation went down, and higher is worse
    assert view.next_title == "Last call"


def test_cause_words_are_plain() -> None:
    assert present.cause_words(Cause("option", "shoot", "Shoot it down")) == \
        "your choice “Shoot it down”"
    assert present.cause_words(Cause("counterpart", "dtl", "No answer.")) == \
        "the counterpart: No answer."
    assert present.cause_words(Cause("outcome", "press", "The press notices.")) == \
        "The press notices."
    assert "+=" not in present.cause_words(Cause("option", "x", "x", "a += 1"))


def test_feed_is_newest_first_and_includes_silences(tiny: object) -> None:
    session = _ringing_then_unanswered(tiny)
    items = present.feed_items(tiny, session.events)
    assert [i.seq for i in items] == sorted((i.seq for i in items), reverse=True)
    assert any(i.kind == "counterpart" for i in items)
    assert items[-1].text == "It is big."


def test_a_timed_out_choice_is_not_called_the_trainees_choice(tiny: object) -> None:
    session = Session.start(tiny, seed=1)
    session.choose("wait")
    result = session.choose("war", timed_out=True)  # pretend the rule picked it
    view = present.consequence_view(tiny, result.events)
    assert view.timed_out
    change = next(c for c in view.meter_changes if c.meter == "escalation")
    assert change.why.startswith("running out of time")
    assert "your choice" not in change.why
