"""Hot-seat teams play the library's team scenarios to the end, votes included.

reassurance-2020 is played by all three roles; glider-2016 by two of its three
("2 of 3"): the State Department's decisions fall to the first role at the
table, and the screens say so — on the setup screen, the hand-over cover, the
team banner, the decision panel and the consequences.

Each test starts the session the way a facilitator does (the new-session
screen, team play ticked), hands the keyboard over at every cover, casts each
role's vote in secret, and reads the journal afterwards.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

REPO = Path(__file__).resolve().parents[3]
REASSURANCE = REPO / "scenarios" / "reassurance-2020.yaml"
GLIDER = REPO / "scenarios" / "glider-2016.yaml"
FLAGSHIP = REPO / "scenarios" / "balloon-2023.yaml"


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    """The library for these tests: the flagship and the two team scenarios."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for path in (FLAGSHIP, REASSURANCE, GLIDER):
        shutil.copy(path, folder / path.name)
    return folder


def settle() -> None:
    QApplication.processEvents()
    QApplication.processEvents()


def start(make_window, library, scenario_id: str, *, table: list[str] | None = None,  # type: ignore[no-untyped-def]
          seed: int = 0):
    """The setup screen, team play ticked (and some roles unticked), a fixed seed, Begin."""
    window = make_window()
    entry = next(e for e in library.entries if e.ok and e.scenario.model.id == scenario_id)
    window.show_new_session(entry)
    setup = window.new_session
    setup.team.setChecked(True)
    for role, box in setup.seats.items():
        box.setChecked(table is None or role in table)
    setup.advanced.setChecked(True)
    setup.seed.setValue(seed)
    setup.fixed_seed.setChecked(True)
    notes = setup.table_note.text()
    setup._begin()
    settle()
    return window, window.controller, notes


def title(controller, role: str) -> str:  # type: ignore[no-untyped-def]
    return next(r.title for r in controller.scenario.model.roles if r.id == role)


def hand_over(qtbot, window, expected_title: str) -> str:  # type: ignore[no-untyped-def]
    """The cover is up for ``expected_title``; they press its button. Returns the cover's text."""
    play = window.session_view.play
    cover = play.handover
    assert cover.covering, "no hand-over cover"
    assert cover.title.text() == f"Pass the keyboard to the {expected_title}"
    assert not play.splitter.isEnabled(), "the options must not be usable under the cover"
    text = cover.text.text()
    qtbot.keyClick(cover, Qt.Key.Key_Return)
    settle()
    assert not cover.covering
    return text


def same_role(window) -> None:  # type: ignore[no-untyped-def]
    """The same role stays at the keyboard: no cover."""
    assert not window.session_view.play.handover.covering


def pick(window, option: str, why: str = "") -> None:  # type: ignore[no-untyped-def]
    panel = window.session_view.play.decision
    assert panel.pick_id(option), option
    panel.rationale.setPlainText(why)
    panel.confirm_choice()
    settle()


def feed(window) -> list[str]:  # type: ignore[no-untyped-def]
    play = window.session_view.play
    play.feed.refresh()
    return play.feed.texts()


def go_on(window) -> None:  # type: ignore[no-untyped-def]
    window.session_view.consequences.go_on()
    settle()


def visible_text(widget) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(w.text() for w in widget.findChildren(QLabel)
                     if w.text() and w.isVisibleTo(widget))


def test_reassurance_2020_three_roles_play_it_to_the_end_with_their_votes(
        qtbot, make_window, library, journal) -> None:  # type: ignore[no-untyped-def]
    window, controller, note = start(make_window, library, "reassurance-2020")
    assert note == "Every role is at the table."
    assert controller.roles == ("cjcs", "secdef", "nsc")
    play = window.session_view.play
    bar = play.team_bar
    cjcs, secdef, nsc = (title(controller, r) for r in ("cjcs", "secdef", "nsc"))

    # 1. A majority vote on reading the fear: the Secretary is outvoted.
    votes = {"cjcs": "take-seriously", "secdef": "watch", "nsc": "take-seriously"}
    for n, role in enumerate(("cjcs", "secdef", "nsc"), 1):
        text = hand_over(qtbot, window, title(controller, role))
        assert f"It is the {title(controller, role)}'s turn to vote." in text
        assert bar.who.text() == f"Team vote — now voting: {title(controller, role)} ({n} of 3)"
        assert bar.rule.text() == f"Majority vote, in secret: a tie goes to the {cjcs}."
        texts = feed(window)
        mine = {"cjcs": "For the Chairman: Navy freedom-of-navigation",
                "secdef": "For the Secretary: a new US–China crisis",
                "nsc": "For the NSC: the campaign's last week"}
        assert any(t.startswith(mine[role]) for t in texts), (role, texts)
        others = [v for r, v in mine.items() if r != role]
        assert not any(t.startswith(o) for t in texts for o in others), (role, texts)
        pick(window, votes[role], f"{role}'s reading")
    decision = next(e for e in controller.session.events if e.type == "decision")
    assert decision.option == "take-seriously"
    assert dict(decision.votes or ()) == votes and decision.vote_rule == "majority"
    assert window.session_view.consequences.decided_by.text.text().startswith(
        "Team vote (majority)")
    go_on(window)

    # 2. The Secretary's own decision: only the Secretary's message is on screen.
    hand_over(qtbot, window, secdef)
    assert bar.who.text() == f"Decision for: {secdef}"
    assert not bar.standin.isVisibleTo(bar)
    assert any("will not do so without your direction" in t for t in feed(window))
    pick(window, "policy-first", "Working level first, on my authority")
    assert window.session_view.consequences.decided_by.text.text() == f"Decided by the {secdef}."
    go_on(window)

    # 3–8: the NSC, the Chairman twice (one cover), the Secretary, the NSC, the Secretary.
    for role, option in (("nsc", "hold-actions"), ("cjcs", "reassure-li"),
                         ("cjcs", "facts-only"), ("secdef", "full-record"),
                         ("nsc", "pipeline-with-note"), ("secdef", "reschedule")):
        if option == "facts-only":
            same_role(window)
        else:
            hand_over(qtbot, window, title(controller, role))
        assert bar.who.text() == f"Decision for: {title(controller, role)}"
        pick(window, option)
        go_on(window)

    # 9. Beijing asks for the call: a unanimous vote, and all three agree.
    for role in ("cjcs", "secdef", "nsc"):
        hand_over(qtbot, window, title(controller, role))
        assert "Unanimous vote" in bar.rule.text()
        pick(window, "take-it")
    capitol = [e for e in controller.session.events if e.type == "decision"][-1]
    assert capitol.option == "take-it" and capitol.vote_rule == "unanimous"
    go_on(window)

    # 10–12: the Chairman's second call and advice, the NSC's record.
    for role, option in (("cjcs", "facts-jan"), ("cjcs", "postpone"),
                         ("nsc", "president-and-hill")):
        if option == "postpone":
            same_role(window)
        else:
            hand_over(qtbot, window, title(controller, role))
        pick(window, option)
        go_on(window)

    # 13. The disclosure: a 1–1–1 split goes to the first role at the table.
    for role, option in (("cjcs", "full-account"), ("secdef", "routine-only"),
                         ("nsc", "say-nothing")):
        hand_over(qtbot, window, title(controller, role))
        pick(window, option)
    assert controller.session.ended
    last = [e for e in controller.session.events if e.type == "decision"][-1]
    assert last.option == "full-account"
    assert controller.session.outcome.ending_id == "reassured-on-record"
    # The journal: each role's own decisions, and every vote.
    chooses = [d for d in journal.inputs(controller.session_id) if d["type"] == "choose"]
    assert len(chooses) == 13
    assert chooses[0]["votes"] == votes
    assert [d.get("role") for d in chooses[1:3]] == ["secdef", "nsc"]
    assert chooses[-1]["votes"] == {"cjcs": "full-account", "secdef": "routine-only",
                                    "nsc": "say-nothing"}
    assert "cjcs's reading" in chooses[0]["rationale"]


def test_glider_2016_two_of_three_play_it_and_the_absent_roles_decisions_are_explained(
        qtbot, make_window, library, journal) -> None:  # type: ignore[no-untyped-def]
    window, controller, note = start(make_window, library, "glider-2016",
                                     table=["fleet", "osd"])
    fleet, osd, state = (title(controller, r) for r in ("fleet", "osd", "state"))
    # The setup screen said who stands in, for which decisions, and why.
    assert note.startswith(f"Not at the table: the {state}. Its 3 decisions (Which channel?; "
                           f"\"Unprecedented act\"; What Washington says) fall to the {fleet}, "
                           "the first role at the table, who leads the team")
    assert "Team votes are cast by the roles at the table only" in note
    assert controller.roles == ("fleet", "osd")
    play = window.session_view.play
    bar = play.team_bar

    # 1. The fleet's own decision.
    hand_over(qtbot, window, fleet)
    pick(window, "hail")
    go_on(window)

    # 2. State's decision falls to the fleet, still at the keyboard (no cover): the banner
    #    and the panel say so, and the fleet reads the message that came for State with it.
    same_role(window)
    assert bar.who.text() == f"Decision for: {state} (not at the table) — the {fleet} decides"
    assert bar.standin.isVisibleTo(bar)
    assert f"the {state} is not at the table" in bar.standin.text()
    assert "falls to the first role at the table, the team lead" in bar.standin.toolTip()
    panel = play.decision
    assert panel.role.text() == (f"Decision for: {state}, who is not at the table — the "
                                 f"{fleet}, the first role at the table, takes it.")
    texts = feed(window)
    assert any(t.startswith("For State: the embassy can deliver a formal démarche") for t in texts)
    assert any(t.startswith("For the fleet: the PLA ship answered only") for t in texts)
    assert not any(t.startswith("For the Pentagon:") for t in texts)
    pick(window, "demarche", "State would protest formally")
    assert window.session_view.consequences.decided_by.text.text() == (
        f"Decided by the {fleet}, for the {state}, who is not at the table.")
    go_on(window)

    # 3. The Pentagon's own decision: the State message is not on its screen.
    hand_over(qtbot, window, osd)
    assert not bar.standin.isVisibleTo(bar)
    assert not any(t.startswith("For State:") for t in feed(window))
    pick(window, "factual-public")
    go_on(window)

    # 4. State's again: the keyboard goes back to the fleet, and the cover says why.
    text = hand_over(qtbot, window, fleet)
    assert text.startswith(f"The next decision is the {state}'s, who is not at the table, so "
                           f"it falls to the {fleet}, the first role at the table (the team "
                           "lead).")
    assert any(t.startswith("For State and the NSC: the transition team") for t in feed(window))
    pick(window, "one-voice")
    go_on(window)

    # 5. The Pentagon answers Beijing's story.
    hand_over(qtbot, window, osd)
    pick(window, "accept-story")
    go_on(window)

    # 6. A majority vote of the two at the table: a 1–1 tie goes to the fleet.
    hand_over(qtbot, window, fleet)
    assert bar.who.text() == f"Team vote — now voting: {fleet} (1 of 2)"
    assert f"Only the roles at the table vote (the {state} is not)." in bar.rule.toolTip()
    pick(window, "confirm-navy")
    hand_over(qtbot, window, osd)
    assert bar.who.text() == f"Team vote — now voting: {osd} (2 of 2)"
    pick(window, "carry-on")
    tweet = [e for e in controller.session.events if e.type == "decision"][-1]
    assert tweet.option == "confirm-navy" and dict(tweet.votes or ()) == {
        "fleet": "confirm-navy", "osd": "carry-on"}
    go_on(window)

    # 7–8. The Pentagon (still at the keyboard after its vote), then the fleet.
    same_role(window)
    pick(window, "leave-working")
    go_on(window)
    hand_over(qtbot, window, fleet)
    pick(window, "at-sea")
    go_on(window)

    # 9. A unanimous vote that splits: the scenario's time-out rule (keep the schedule).
    same_role(window)  # the fleet votes first, and is at the keyboard already
    pick(window, "continue")
    hand_over(qtbot, window, osd)
    pick(window, "defer")
    survey = [e for e in controller.session.events if e.type == "decision"][-1]
    assert survey.option == "continue" and survey.vote_rule == "unanimous"
    go_on(window)

    # 10–12. The handover (fleet), the closing line (State's, so the fleet), the escorts.
    hand_over(qtbot, window, fleet)
    pick(window, "quiet-handover")
    go_on(window)
    same_role(window)
    assert bar.standin.isVisibleTo(bar)
    pick(window, "mmca-review")
    go_on(window)
    same_role(window)
    assert not bar.standin.isVisibleTo(bar)
    pick(window, "procedures")
    assert controller.session.ended
    assert controller.session.outcome.ending_id == "returned-quietly"
    chooses = [d for d in journal.inputs(controller.session_id) if d["type"] == "choose"]
    assert len(chooses) == 12
    # Who decided: the fleet took State's three decisions; nobody recorded State.
    roles = [d.get("role") for d in chooses if "votes" not in d]
    assert "state" not in roles and roles.count("fleet") == 7 and roles.count("osd") == 3


def test_the_setup_screen_needs_two_roles_for_a_team_table(
        make_window, library) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    entry = next(e for e in library.entries if e.ok and e.scenario.model.id == "reassurance-2020")
    window.show_new_session(entry)
    setup = window.new_session
    assert not setup.table_box.isVisibleTo(setup)
    setup.team.setChecked(True)
    assert setup.table_box.isVisibleTo(setup)
    setup.seats["cjcs"].setChecked(False)
    note = setup.table_note.text()
    # The Chairman is not there: the Secretary, first of the rest, stands in for him.
    assert note.startswith("Not at the table: the Chairman of the Joint Chiefs of Staff. Its "
                           "4 decisions (")
    assert "fall to the Secretary of Defense, the first role at the table" in note
    assert setup.role_title.text() == "The roles at the table (2 of 3)"
    assert setup.team.text() == "Team play: 2 of 3 roles take turns here"
    assert setup.choices()["table"] == ["secdef", "nsc"]
    setup.seats["secdef"].setChecked(False)
    assert "Team play needs at least two roles at the table" in setup.table_note.text()
    assert not setup.begin.isEnabled()
    setup._begin()  # Enter does nothing either
    settle()
    assert window.new_session is setup and window.controller is None
    setup.team.setChecked(False)
    assert setup.begin.isEnabled()
