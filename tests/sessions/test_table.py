"""A team with fewer roles than the scenario: who takes the missing role's decisions, and why.

One rule everywhere (``game.sessions.table.Table``): a role not at the table
has its decisions taken by the first role at the table, who also reads the
messages that came for it with them; votes are cast by the roles present. The
rule is checked here on its own, in a class session's seats (SQLite store),
and on the terminal (``hotline play --role ... --role ...``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from game.cli import main
from game.engine import Session
from game.engine.events import InjectShown
from game.records import Journal
from game.scenario.compile import CompiledScenario
from game.scenario.loader import load_scenario
from game.sessions import ClassSession, Table

ROOT = Path(__file__).resolve().parents[2]
GLIDER = ROOT / "scenarios" / "glider-2016.yaml"
FOR_STATE = "For State: the embassy can deliver a formal démarche"


@cache
def glider() -> CompiledScenario:
    return load_scenario(GLIDER)


def injects(session: Session, node: str) -> list[InjectShown]:
    return [e for e in session.events if isinstance(e, InjectShown) and e.node == node]


def test_the_first_role_at_the_table_takes_an_absent_roles_decisions() -> None:
    table = Table(glider(), ("fleet", "osd"))
    assert table.seated == ("fleet", "osd") and table.absent == ("state",)
    assert table.lead == "fleet"
    assert table.decider("protest-channel") == "fleet"  # State's decision
    assert table.stands_in_for("protest-channel") == "state"
    assert table.decider("statement") == "osd" and table.stands_in_for("statement") is None
    assert table.decider("keep-it") is None  # a team vote is nobody's alone
    assert table.decisions_of("state") == ["protest-channel", "tweet", "after-statement"]
    # The order of the table decides who leads: the Pentagon, seated first, stands in.
    assert Table(glider(), ("osd", "fleet")).decider("protest-channel") == "osd"
    # Every role at the table (or none named): nobody stands in for anybody.
    for full in (Table(glider()), Table(glider(), ("fleet", "osd", "state"))):
        assert full.absent == () and full.stands_in_for("protest-channel") is None
        assert full.summary() == [] and full.note("protest-channel") == ""


def test_the_stand_in_reads_the_absent_roles_messages_of_that_decision_only() -> None:
    table = Table(glider(), ("fleet", "osd"))
    session = Session(glider(), 0, ("fleet", "osd"), batch=False)
    session.choose("hail")
    [embassy, attache, bowditch] = injects(session, "protest-channel")
    assert embassy.to == ("state",) and attache.to == ("osd",) and bowditch.to == ("fleet",)
    assert table.reaches(embassy, ("fleet",))  # the fleet decides for State here
    assert not table.reaches(embassy, ("osd",))
    assert not table.reaches(attache, ("fleet",))  # the Pentagon's message stays its own
    assert table.reaches(embassy, ())  # the facilitator sees everything
    # At a vote, a message for the absent role reaches nobody at the table.
    for option in ("demarche", "factual-public", "one-voice", "accept-story"):
        session.choose(option)
    assert session.node == "keep-it"
    private = [e for e in injects(session, "keep-it") if e.to == ("state",)]
    assert private and not any(table.reaches(e, (r,)) for e in private for r in ("fleet", "osd"))


def test_the_explanation_names_the_roles_their_decisions_and_the_reason() -> None:
    table = Table(glider(), ("fleet", "osd"))
    lines = table.summary()
    assert lines[0] == "At the table: Seventh Fleet staff and Office of the Secretary of Defense."
    assert lines[1] == (
        "Not at the table: the State Department and NSC. Its 3 decisions (Which channel?; "
        "\"Unprecedented act\"; What Washington says) fall to the Seventh Fleet staff, the first "
        "role at the table, who leads the team and reads the messages that come with them for "
        "the State Department and NSC.")
    assert lines[2].startswith("Team votes are cast by the roles at the table only")
    assert table.note("tweet") == (
        "The State Department and NSC is not at the table, so the Seventh Fleet staff takes "
        "this decision: a role nobody plays falls to the first role at the table, the team "
        "lead. The messages it brings for the State Department and NSC are shown to the "
        "Seventh Fleet staff.")
    alone = Table(glider(), ("osd",))
    assert alone.summary() == []  # one trainee: the decision panel says it is all theirs
    assert alone.note("seizure").startswith("Nobody plays the Seventh Fleet staff, so this "
                                            "decision is yours")


def test_a_class_seat_takes_and_reads_the_absent_roles_decision(tmp_path: Path) -> None:
    store = str(tmp_path / "class.sqlite3")
    with Journal(store) as a, Journal(store) as b:
        _sid, code = ClassSession.create(a, glider(), roles=["fleet", "osd"], seed=1)
        fleet = ClassSession.join(a, code, role="fleet", seat="fleet-desk")
        osd = ClassSession.join(b, code, role="osd", seat="osd-desk")
        fleet.refresh()
        fleet.decide("hail")
        fleet.refresh()
        osd.refresh()
        assert fleet.turn.node == "protest-channel"
        assert fleet.turn.kind == "decide" and fleet.turn.owner == "fleet"
        assert osd.turn.kind == "waiting" and osd.turn.owner == "fleet"
        assert "is the Seventh Fleet staff's" in osd.why_not()
        shown = injects(fleet.session, "protest-channel")
        assert [e.text for e in shown if fleet.may_see(e)] == [
            e.text for e in shown if e.to != ("osd",)]
        assert not any(e.text.startswith(FOR_STATE) for e in shown if osd.may_see(e))
        result = fleet.decide("demarche")
        decision = next(e for e in result.events if e.type == "decision")
        assert decision.role == "fleet"


def test_the_terminal_says_who_stands_in(
        tmp_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", str(GLIDER), "--role", "fleet", "--role", "osd", "--policy",
                 "expert", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert "  Not at the table: the State Department and NSC. Its 3 decisions (" in out
    assert out.count("  [Table] The State Department and NSC is not at the table, so the "
                     "Seventh Fleet staff takes this decision") == 3
    assert main(["play", str(GLIDER), "--policy", "expert", "--seed", "2"]) == 0
    assert "[Table]" not in capsys.readouterr().out  # every role at the table


def test_a_seat_on_the_terminal_says_who_stands_in(tmp_path: Path) -> None:
    from io import StringIO

    from game.commands.seat import SeatScreen

    store = str(tmp_path / "class.sqlite3")
    with Journal(store) as a, Journal(store) as b:
        _sid, code = ClassSession.create(a, glider(), roles=["fleet", "osd"], seed=1)
        fleet = ClassSession.join(a, code, role="fleet", seat="fleet-desk")
        osd = ClassSession.join(b, code, role="osd", seat="osd-desk")
        fleet.refresh()
        fleet.decide("hail")
        osd.refresh()
        out = StringIO()
        screen = SeatScreen(osd, out)
        screen.welcome()
        screen.turn(osd.turn)
        text = out.getvalue()
    assert "At the table: Seventh Fleet staff, Office of the Secretary of Defense." in text
    assert "Not at the table: the State Department and NSC. Its 3 decisions (" in text
    assert "  [Table] The State Department and NSC is not at the table" in text
    assert ("Waiting for the Seventh Fleet staff to decide, for the State Department and NSC "
            "(not at the table)…") in text
    assert FOR_STATE not in text  # the Pentagon's seat does not read State's messages
