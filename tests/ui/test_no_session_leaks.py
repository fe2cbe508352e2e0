"""No session stays attached to the flow machines after a UI flow.

The scenario's flow machine keeps every model attached to it until told, and
the scenarios live as long as the library, so a session the UI forgets to
detach is kept for the life of the app. Only the recorded-session service
detaches (RecordedSession.close); each flow below ends with nothing new
attached.
"""

from __future__ import annotations

from typing import Any

from test_ui_resume_and_errors import begin, play_turn, settle

from game.engine.machines import attached_models


def _attached() -> set[int]:
    return {id(m) for m in attached_models()}


def test_play_then_home_then_resume_then_close_leaves_nothing_attached(  # type: ignore[no-untyped-def]
        qtbot, make_window, library) -> None:
    before = _attached()
    window = make_window()
    begin(window, library, qtbot)
    play_turn(window, 0)
    live = window.controller.session
    assert id(live) in _attached(), "a session being played is attached to its flow machine"
    sid = window.controller.session_id
    window.go_home()
    settle()
    assert _attached() == before, "going home leaves a session attached"
    window.resume_session(sid)
    qtbot.waitUntil(lambda: window.page() == "consequences", timeout=5000)
    assert len(_attached() - before) == 1  # the resumed one, attached on the GUI thread
    # Starting another session lets go of the first.
    begin(window, library, qtbot)
    assert len(_attached() - before) == 1
    window.close()
    settle()
    assert _attached() == before, "closing the window leaves a session attached"


def test_debrief_and_timeline_windows_attach_nothing(  # type: ignore[no-untyped-def]
        qtbot, make_window, library, journal, flagship) -> None:
    from game.ui.debrief_window import DebriefWindow
    from game.ui.timeline_view import TimelineWindow

    window = make_window()
    begin(window, library, qtbot)
    play_turn(window, 0)
    sid = window.controller.session_id
    window.go_home()
    settle()
    before = _attached()
    opened: list[Any] = [TimelineWindow(journal, sid, flagship), DebriefWindow(journal, sid)]
    for other in opened:
        qtbot.addWidget(other)
        other.show()
    assert _attached() == before
    for other in opened:
        other.close()
    settle()
    assert _attached() == before
