"""The facilitator console: opening it, what it shows, and every control, end to end.

Each action goes through the console's own widgets (clicks, typed text) and
is checked where it should land: the trainees' window, the journal and the
debrief.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from game.engine import Session


def settle() -> None:
    QApplication.processEvents()
    QApplication.processEvents()


def texts(root) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(w.text() for w in root.findChildren(QLabel) if w.text())


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settle()


def show_screen(window) -> None:  # type: ignore[no-untyped-def]
    """Dismiss the hand-over cover, as the next role does."""
    cover = window.session_view.play.handover
    if cover.covering:
        cover.dismiss()
        settle()


def test_facilitator_mode_opens_the_console_and_presentation_type(facilitated, journal) -> None:  # type: ignore[no-untyped-def]
    window, console, controller = facilitated(team=False)
    assert console is not None and console.isVisible()
    assert console.controller is controller
    assert "Facilitator console" in console.windowTitle()
    assert journal.session(controller.session_id).mode == "facilitator"
    assert window.property("presentation") is True
    assert "font-size" in window.styleSheet()
    assert console.styleSheet() == ""  # the console keeps its dense type
    # The menu toggles it back.
    console.presentation_action.setChecked(False)
    assert window.styleSheet() == ""
    # Going home ends the session on screen: the console closes with it.
    window.go_home()
    settle()
    assert not any(w.objectName() == "facilitator-console" and w.isVisible()
                   for w in window.windows)


def test_trainee_mode_opens_no_console_but_the_menu_does(facilitated) -> None:  # type: ignore[no-untyped-def]
    window, console, controller = facilitated(team=False, facilitator=False)
    assert console is None
    assert window.property("presentation") in (None, False)
    from game.ui.facilitator.hookup import find_console

    actions = [a for a in window.menuBar().actions() if a.text() == "&Session"]
    menu = actions[0].menu()
    open_console = next(a for a in menu.actions() if "Facilitator console" in a.text())
    open_console.trigger()
    settle()
    console = find_console(window)
    assert console is not None and console.controller is controller


def test_an_adhoc_inject_reaches_the_trainee_view(qtbot, facilitated, journal) -> None:  # type: ignore[no-untyped-def]
    window, console, controller = facilitated(team=False)
    inject = console.inject
    console.tabs.setCurrentWidget(inject)
    inject.sender_name.setCurrentText("Reuters")
    inject.kind.setCurrentIndex(inject.kind.findData("press"))
    inject.channel.setCurrentIndex(inject.channel.findData("press"))
    assert not inject.deliver.isEnabled(), "nothing to deliver yet"
    qtbot.keyClicks(inject.text, "Reuters reports a second object over the Pacific.")
    click(qtbot, inject.deliver)
    feed = window.session_view.play.feed
    settle()
    feed.refresh()
    assert "Reuters reports a second object over the Pacific." in feed.texts()
    card = next(c for c in feed.cards if c.item.text.startswith("Reuters reports"))
    assert card.item.sender == "Reuters" and card.item.kind == "press"
    last = journal.inputs(controller.session_id)[-1]
    assert last == {"type": "inject", "sender": "Reuters", "kind": "press", "channel": "press",
                    "text": "Reuters reports a second object over the Pacific.", "to": []}
    assert inject.text.toPlainText() == ""
    assert "Delivered to everyone" in console.statusBar().currentMessage()
    # The console lists it with its recipients, and in its own log.
    assert "Reuters → everyone" in texts(console.trainee_column)
    assert "Inject: Reuters → everyone" in texts(console.log_scroll)


def test_a_prepared_inject_from_the_scenario_can_be_delivered(qtbot, facilitated) -> None:  # type: ignore[no-untyped-def]
    window, console, controller = facilitated(team=False)
    inject = console.inject
    index = next(i for i in range(inject.pick.count())
                 if "Allies ask what is going on" in inject.pick.itemText(i))
    inject.pick.setCurrentIndex(index)
    assert inject.sender_name.currentText() == "Embassy"
    assert inject.kind.currentData() == "allied"
    assert inject.everyone.isChecked()
    click(qtbot, inject.deliver)
    feed = window.session_view.play.feed
    feed.refresh()
    assert "Allies ask what is going on." in feed.texts()
    event = controller.session.events[-1]
    assert event.type == "inject" and event.facilitator is True


def test_role_recipients_are_exclusive_with_everyone(facilitated) -> None:  # type: ignore[no-untyped-def]
    _window, console, _controller = facilitated(team=True)
    inject = console.inject
    assert set(inject.roles) == {"lead", "deputy", "adviser"}
    inject.roles["deputy"].setChecked(True)
    assert not inject.everyone.isChecked()
    assert inject.recipients() == ["deputy"]
    inject.everyone.setChecked(True)
    assert not inject.roles["deputy"].isChecked()
    assert inject.recipients() == []
    inject.everyone.setChecked(False)  # would reach nobody: stays on
    assert inject.everyone.isChecked()


def _natural(team, seed, options):  # type: ignore[no-untyped-def]
    session = Session.start(team, seed, roles=("lead",))
    for option in options:
        session.choose(option, role="lead")
    return session


def test_a_forced_answer_changes_the_outcome_and_replays_identically(  # type: ignore[no-untyped-def]
        qtbot, facilitated, journal, team) -> None:
    # Seed 0: the defense link goes unanswered and the session ends frozen.
    natural = _natural(team, 0, ["call", "hold", "allies"])
    assert natural.outcome.ending_id == "freeze"
    assert natural.channels["dtl"] == "unanswered"

    window, console, controller = facilitated(team=False, seed=0)
    cp = console.counterpart
    console.cards["dtl"].clicked.emit("dtl")  # a click on the channel's card selects it
    assert console.tabs.currentWidget() is cp
    assert cp.channel.currentData() == "dtl"
    assert cp.buttons["answered"].text() == "Answered"
    cp.reason.setText("Let them pick up: the exercise is about what comes next")
    click(qtbot, cp.buttons["answered"])
    assert controller.session.forced == {"dtl": "answered"}
    assert "forced by you" in console.cards["dtl"].outlook.text()
    assert console.cards["dtl"].chance.text() == "—"
    panel = window.session_view.play.decision
    for option in ("call", "hold", "allies"):
        assert panel.pick_id(option)
        panel.confirm_choice()
        settle()
        if controller.stage != "ended":
            window.session_view.consequences.go_on()
            settle()
    session = controller.session
    assert session.outcome.ending_id == "talk"
    assert any(e.type == "call" and e.result == "answered" for e in session.events)
    # Replayed from the journal alone: byte-identical events.
    record = journal.session(controller.session_id)
    inputs = journal.inputs(controller.session_id)
    assert [d["type"] for d in inputs[:2]] == ["force_answer", "note"]
    assert "Let them pick up" in inputs[1]["text"]
    replayed = Session.replay(team, record.seed, inputs, roles=record.roles)
    assert replayed.events_json() == session.events_json()
    assert replayed.outcome.ending_id == "talk"


def test_a_ringing_call_can_be_vetoed_now(qtbot, facilitated, journal, team) -> None:  # type: ignore[no-untyped-def]
    window, console, controller = facilitated(team=False, seed=3)
    panel = window.session_view.play.decision
    panel.pick_id("call")
    panel.confirm_choice()
    settle()
    session = controller.session
    assert session.channels["dtl"] == "ringing"
    state = console.cards["dtl"]
    assert "Ringing since decision 1" in state.pending.text()
    assert "at decision 3" in state.pending.text()
    tab = console.tabs.tabText(console.tabs.indexOf(console.counterpart))
    assert tab == "Counterpart (1 ringing)"
    assert console.counterpart.channel.currentData() == "dtl", "a new ringing call is selected"
    console.select_channel("dtl")
    cp = console.counterpart
    assert cp.buttons["declined"].text() == "Veto: decline"
    assert "ringing" in cp.lead.text()
    click(qtbot, cp.buttons["declined"])
    assert session.channels["dtl"] == "declined"
    assert not session.pending
    board = window.session_view.consequences.board
    board.refresh()
    assert board.status_text("dtl").startswith("Declined")
    record = journal.session(controller.session_id)
    replayed = Session.replay(team, record.seed, journal.inputs(controller.session_id),
                              roles=record.roles)
    assert replayed.events_json() == session.events_json()
    assert replayed.channels["dtl"] == "declined"


def test_the_console_shows_what_the_trainees_do_not_see(facilitated, team) -> None:  # type: ignore[no-untyped-def]
    window, console, controller = facilitated(team=False, seed=0)
    hidden = texts(console.hidden_column)
    assert "Channel openness" in hidden and "HIDDEN" in hidden
    dtl = console.cards["dtl"]
    assert dtl.chance.text() == "50%"
    assert "base 50%" in dtl.factors.text() and "channel openness" in dtl.factors.text()
    political = console.cards["political"]
    assert political.chance.text() == "70%"  # base 50% + the channel's 20%
    trainee_side = texts(console.trainee_column)
    assert "★ Expert: Call the defense link — Call first, on the military line." in trainee_side
    # The option with the trainee's number key (calls come first on the decision panel).
    title = console.findChild(QLabel, "console-option-call")
    assert title is not None and title.text() == "1  Call the defense link   ★ expert"
    assert window.session_view.play.decision.option_ids()[0] == "call"  # key 1 there too
    assert "→  The morning after" in trainee_side  # where each option leads
    assert "For the deputy only" in trainee_side  # every role's messages, with recipients
    # After a kinetic act the defense link's precondition fails; the console says why.
    panel = window.session_view.play.decision
    panel.pick_id("shoot")
    panel.confirm_choice()
    settle()
    dtl = console.cards["dtl"]
    assert dtl.unmet.isVisibleTo(console)
    assert "The atmosphere is not right. (requires: not flags.shot)" in dtl.unmet.text()
    assert "declined (precondition)" in dtl.outlook.text()
    assert "Right after a kinetic act −60%" in console.cards["political"].factors.text()


def test_pause_adjust_flag_jump_and_notes_are_journaled_and_in_the_debrief(  # type: ignore[no-untyped-def]
        qtbot, facilitated, journal, team) -> None:
    from game.debrief.model import build_debrief

    window, console, controller = facilitated(team=False, seed=0)
    play = window.session_view.play
    # Pause from the console: the trainees' view says so and cannot decide.
    click(qtbot, console.pause)
    assert controller.paused and controller.clock.paused
    assert play.paused_banner.isVisibleTo(play)
    assert not play.decision.confirm.isEnabled()
    assert console.stage.text() == "Paused"
    click(qtbot, console.pause)
    assert not controller.paused
    # Move a hidden meter (a reason is required) and set a flag.
    meters = console.meters
    meters.meter.setCurrentIndex(meters.meter.findData("openness"))
    meters.delta.setValue(15)
    assert not meters.apply.isEnabled(), "no reason yet"
    qtbot.keyClicks(meters.reason, "They signalled interest through the attache")
    click(qtbot, meters.apply)
    assert controller.session.meters["openness"] == 65
    meters.flag.setCurrentIndex(meters.flag.findData("minister_sanctioned"))
    click(qtbot, meters.flag_on)
    assert "minister_sanctioned" in controller.session.flags
    assert console.cards["political"].unmet.isVisibleTo(console)
    # A note, tied to this decision.
    console.notes.text.setPlainText("Lead hesitated; asked about the press first.")
    click(qtbot, console.notes.add)
    # Jump: two clicks (the first only arms the button).
    jump = console.jump
    row = next(i for i in range(jump.nodes.count())
               if jump.nodes.item(i).data(Qt.ItemDataRole.UserRole) == "third")
    jump.nodes.setCurrentRow(row)
    click(qtbot, jump.go)
    assert controller.session.node == "first"
    assert "Click again" in jump.go.text()
    click(qtbot, jump.go)
    assert controller.session.node == "third"
    assert play.clock_bar.title.text() == "Last call"
    assert play.decision.prompt.text() == "Finish?"
    kinds = [d["type"] for d in journal.inputs(controller.session_id)]
    assert kinds == ["pause", "resume", "adjust", "set_flag", "note", "jump"]
    log = texts(console.log_scroll)
    for words in ("Pause", "Channel openness +15 — They signalled", "Note: Lead hesitated",
                  "Jump: to “Last call”"):
        assert words in log
    # Finish, then add a note after the end; everything is in the debrief, by turn.
    play.decision.pick_id("allies")
    play.decision.confirm_choice()
    settle()
    assert controller.stage == "ended"
    console.notes.text.setPlainText("Good debrief material: the team never called.")
    click(qtbot, console.notes.add)
    session = controller.session
    debrief = build_debrief(team, session.events, journal.inputs(controller.session_id),
                            references=False)
    actions = [(f.action, f.text) for turn in debrief.turns for f in turn.facilitator]
    assert ("note", "Lead hesitated; asked about the press first.") in actions
    from game.debrief.aar import load_aar

    assert "Good debrief material" in load_aar(journal, controller.session_id).notes
    assert "after-action report" in console.statusBar().currentMessage()
    assert any(a == "adjust" and "openness" in t for a, t in actions)
    assert any(a == "jump" and team.nodes["third"].title in t for a, t in actions)
    assert {"pause", "resume", "set_flag"} <= {a for a, _ in actions}


def test_a_refused_action_is_reported_on_the_console_not_the_trainee_screen(  # type: ignore[no-untyped-def]
        facilitated) -> None:
    window, console, controller = facilitated(team=False)
    assert controller.facilitate({"type": "adjust", "meter": "nope", "delta": 1}) is None
    assert "unknown meter" in console.statusBar().currentMessage()
    assert window.dialogs == []


def test_the_decision_clock_can_be_set_from_the_console(  # type: ignore[no-untyped-def]
        qtbot, facilitated, journal, fake_time) -> None:
    window, console, controller = facilitated(team=False)
    clock = console.clock_control
    assert "sets no limit" in clock.rule.text()
    clock.seconds.setValue(90)
    click(qtbot, clock.set)
    assert controller.clock.remaining() == 90
    assert console.timer.text() == "1:30 left"
    assert window.session_view.play.clock_bar.timer.text() == "1:30 left"
    note = journal.inputs(controller.session_id)[-1]
    assert note["type"] == "note" and note["time_limit"] == 90
    fake_time.advance(91)
    controller.clock.poll()
    settle()
    assert controller.stage == "consequences"
    last = journal.inputs(controller.session_id)[-1]
    assert last["timed_out"] is True and last["seconds"] == 90
    assert last["option"] == "wait"  # no on_timeout here: the scenario's wait option


def test_resuming_a_facilitated_session_reopens_the_console(  # type: ignore[no-untyped-def]
        qtbot, facilitated, make_window) -> None:
    from game.ui.facilitator.hookup import find_console

    window, console, controller = facilitated(team=True, seed=0)
    session_id = controller.session_id
    console.notes.text.setPlainText("Before the break.")
    console.notes.add_note()
    window.close()
    settle()
    again = make_window()
    again.resume_session(session_id)
    qtbot.waitUntil(lambda: again.controller is not None and again.controller.session is not None
                    and find_console(again) is not None, timeout=5000)
    console = find_console(again)
    assert console.controller is again.controller
    assert again.controller.team
    assert "Note: Before the break." in texts(console.log_scroll)
    assert again.session_view.play.handover.covering


def test_a_facilitated_team_session_leaves_nothing_attached(  # type: ignore[no-untyped-def]
        qtbot, facilitated) -> None:
    from game.engine.machines import attached_models

    before = {id(m) for m in attached_models()}
    window, console, controller = facilitated(team=True, seed=0)
    assert {id(m) for m in attached_models()} - before == {id(controller.session)}
    controller.facilitate({"type": "jump", "node": "third"})
    window.close()
    settle()
    assert {id(m) for m in attached_models()} == before
