"""Hot-seat team play: whose decision it is, hand-overs, role-only messages, team votes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

LEAD_ONLY = ("For the lead only: the President wants options by noon.",
             "For the lead only: a reporter has the story.")
DEPUTY_ONLY = ("For the deputy only: fighters are on alert.",
               "For the deputy only: their attaché hints at a call.")
ADVISER_ONLY = ("For the adviser only: allies want consultation.",)
EVERYONE = ("It is big.", "Allies ask what is going on.")


def settle() -> None:
    QApplication.processEvents()
    QApplication.processEvents()


def feed_texts(window) -> list[str]:  # type: ignore[no-untyped-def]
    feed = window.session_view.play.feed
    feed.refresh()
    return feed.texts()


def all_label_text(root) -> str:  # type: ignore[no-untyped-def]
    """What the screen shows (cleared widgets wait hidden for the event loop to delete them)."""
    return "\n".join(w.text() for w in root.findChildren(QLabel)
                     if w.text() and w.isVisibleTo(root))


def ready(qtbot, window, role_title: str) -> None:  # type: ignore[no-untyped-def]
    """The hand-over cover is up for ``role_title``; they press its button."""
    play = window.session_view.play
    cover = play.handover
    assert cover.covering, "no hand-over cover"
    assert cover.title.text() == f"Pass the keyboard to the {role_title}"
    assert not play.splitter.isEnabled(), "the options must not be usable under the cover"
    qtbot.mouseClick(cover.ready, Qt.MouseButton.LeftButton)
    settle()
    assert not cover.covering
    assert play.splitter.isEnabled()


def choose(window, option: str, why: str = "") -> None:  # type: ignore[no-untyped-def]
    panel = window.session_view.play.decision
    assert panel.pick_id(option), option
    panel.rationale.setPlainText(why)
    panel.confirm_choice()
    settle()


def go_on(window) -> None:  # type: ignore[no-untyped-def]
    window.session_view.consequences.go_on()
    settle()


def test_two_role_team_each_role_sees_only_its_messages(qtbot, facilitated, journal) -> None:  # type: ignore[no-untyped-def]
    window, console, controller = facilitated(roles=["lead", "deputy"], seed=0)
    play = window.session_view.play
    assert controller.team
    # Decision 1 belongs to the lead.
    ready(qtbot, window, "Team lead")
    assert play.team_bar.isVisibleTo(play)
    assert play.team_bar.who.text() == "Decision for: Team lead"
    assert "You chair the cell" in play.team_bar.brief.full_text()
    texts = feed_texts(window)
    assert LEAD_ONLY[0] in texts and EVERYONE[0] in texts
    assert not set(texts) & set(DEPUTY_ONLY + ADVISER_ONLY)
    choose(window, "call", "Open the military line first")
    consequences = window.session_view.consequences
    assert consequences.decided_by.text.text() == "Decided by the Team lead."
    go_on(window)
    # Decision 2 belongs to the deputy: a hand-over, then only the deputy's messages.
    ready(qtbot, window, "Deputy")
    assert play.team_bar.who.text() == "Decision for: Deputy"
    texts = feed_texts(window)
    assert DEPUTY_ONLY[0] in texts and DEPUTY_ONLY[1] in texts
    assert EVERYONE[0] in texts and EVERYONE[1] in texts
    assert not set(texts) & set(LEAD_ONLY + ADVISER_ONLY)
    assert not any(t in all_label_text(play) for t in LEAD_ONLY)
    choose(window, "hold", "Wait for their attaché")
    go_on(window)
    # Decision 3 is a majority vote: the lead votes, then the deputy, in secret.
    ready(qtbot, window, "Team lead")
    bar = play.team_bar
    assert bar.who.text() == "Team vote — now voting: Team lead (1 of 2)"
    assert bar.rule.text() == "Majority vote, in secret: a tie goes to the Team lead."
    assert "earliest role at the table (Team lead, then Deputy)" in bar.rule.toolTip()
    assert LEAD_ONLY[1] in feed_texts(window)
    choose(window, "allies", "Allies first")
    assert controller.votes == {"lead": "allies"}
    assert controller.stage == "deciding", "one vote is not a decision"
    # The deputy's turn: a cover, a clean panel, the deputy's messages, the lead's vote unseen.
    ready(qtbot, window, "Deputy")
    assert bar.who.text() == "Team vote — now voting: Deputy (2 of 2)"
    assert play.decision.selected() is None and play.decision.rationale.toPlainText() == ""
    texts = feed_texts(window)
    assert not set(texts) & set(LEAD_ONLY)
    assert "Consult allies" not in all_label_text(bar), "votes stay secret until all are in"
    # The console sees the votes as they come.
    assert "Team lead → Consult allies" in console.votes_line.text()
    choose(window, "concede", "Give a little")
    # A 1–1 tie goes to the earliest role: the lead's "allies".
    assert controller.stage in ("consequences", "ended")
    decision = next(e for e in controller.session.events if e.type == "decision"
                    and e.node == "third")
    assert decision.option == "allies"
    assert dict(decision.votes or ()) == {"lead": "allies", "deputy": "concede"}
    assert decision.vote_rule == "majority"
    assert "Team lead: Allies first" in decision.rationale
    assert "Deputy: Give a little" in decision.rationale
    line = consequences.decided_by.text.text()
    assert line.startswith("Team vote (majority)")
    assert "Team lead: Consult allies" in line and "Deputy: Concede a little" in line
    # The journal records who decided each choice.
    chooses = [d for d in journal.inputs(controller.session_id) if d["type"] == "choose"]
    assert [d.get("role") for d in chooses[:2]] == ["lead", "deputy"]
    assert chooses[2]["votes"] == {"lead": "allies", "deputy": "concede"}
    # Nobody at this table ever saw the adviser's message.
    assert not any(t in feed_texts(window) for t in ADVISER_ONLY)


def test_the_hand_over_cover_swallows_option_keys(qtbot, facilitated) -> None:  # type: ignore[no-untyped-def]
    window, _console, controller = facilitated(roles=["lead", "deputy"], seed=0)
    cover = window.session_view.play.handover
    assert cover.covering
    cover.setFocus()
    qtbot.keyClick(cover, Qt.Key.Key_1)
    settle()
    assert window.session_view.play.decision.selected() is None
    qtbot.keyClick(cover, Qt.Key.Key_Return)
    settle()
    assert not cover.covering
    assert controller.stage == "deciding"


def test_the_team_box_on_the_new_session_screen_seats_every_role(facilitated, journal) -> None:  # type: ignore[no-untyped-def]
    window, console, controller = facilitated(team=True, facilitator=False)
    assert console is None
    assert controller.roles == ("lead", "deputy", "adviser")
    assert list(journal.session(controller.session_id).roles) == ["lead", "deputy", "adviser"]
    assert window.session_view.play.handover.covering


def test_a_single_trainee_sees_no_team_furniture(facilitated) -> None:  # type: ignore[no-untyped-def]
    window, _console, controller = facilitated(team=False, facilitator=False)
    play = window.session_view.play
    assert not controller.team
    assert not play.team_bar.isVisibleTo(play)
    assert not play.handover.covering
    # A lone trainee in one role gets that role's messages and everyone's.
    texts = feed_texts(window)
    assert LEAD_ONLY[0] in texts and DEPUTY_ONLY[0] not in texts


def test_unanimous_disagreement_falls_back_to_the_time_out_rule(team) -> None:  # type: ignore[no-untyped-def]
    # Engine rule, checked here for the wording the team bar states.
    from game.engine import Session

    session = Session.start(team, 0, roles=("lead", "deputy"))
    session.choose("wait", role="lead")
    session.choose("hold", role="deputy")
    assert session.tally({"lead": "allies", "deputy": "concede"}) == "allies"  # majority: lead

