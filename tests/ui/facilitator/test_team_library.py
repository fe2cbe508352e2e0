"""A hot-seat team plays every scenario in the library to its end, votes included.

Every shipped scenario declares roles, so every one can be played as a team.
Here the facilitator ticks team play on the setup screen, each role takes the
keyboard at its hand-over cover, and the team plays the scenario's expert path
(each role voting at a team vote; at a majority vote of three the last role
dissents and is outvoted). The game must end exactly as the expert policy's
game with the same seed ends when the engine plays it alone: team play changes
who decides, never what the choices do.

The two scenarios written for team play get their own, scripted tests
(test_team_scenarios.py); this one keeps the rest of the library honest.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from game.analysis.batch import play_one, policy_rng
from game.analysis.policies import get_policy

REPO = Path(__file__).resolve().parents[3]
SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))
SEED = 7


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for path in SCENARIOS:
        shutil.copy(path, folder / path.name)
    return folder


def settle() -> None:
    QApplication.processEvents()
    QApplication.processEvents()


def role_title(controller, role: str) -> str:  # type: ignore[no-untyped-def]
    return next(r.title for r in controller.scenario.model.roles if r.id == role)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_hot_seat_team_plays_it_to_the_end(
        qtbot, facilitated, library, journal, path: Path) -> None:  # type: ignore[no-untyped-def]
    entry = next(e for e in library.entries if e.ok and e.path.name == path.name)
    scenario = entry.scenario
    roles = tuple(r.id for r in scenario.model.roles)
    # team play ticked on the setup screen, no facilitator console
    window, _console, controller = facilitated(scenario.model.id, seed=SEED, team=True,
                                               facilitator=False)
    assert controller.roles == roles
    play = window.session_view.play
    expert = get_policy("expert")
    rng = policy_rng(SEED)
    covers = votes_seen = 0

    while not controller.session.ended:
        node = controller.scenario.nodes[controller.session.node]
        decision = node.decision
        option = expert(controller.session, rng)
        voters = roles if decision.vote else (decision.role or roles[0],)
        decided_before = sum(1 for e in controller.session.events if e.type == "decision")
        for n, role in enumerate(voters):
            if play.handover.covering:
                # The cover names the role whose turn it is, and nothing is usable under it.
                assert play.handover.title.text() == (
                    f"Pass the keyboard to the {role_title(controller, role)}")
                assert not play.splitter.isEnabled()
                qtbot.keyClick(play.handover, Qt.Key.Key_Return)
                settle()
                covers += 1
            choice = option
            if decision.vote == "majority" and len(roles) >= 3 and n == len(voters) - 1:
                # The last voter dissents, and is outvoted.
                others = [o.id for o in controller.session.available() if o.id != option]
                choice = others[0] if others else option
            assert play.decision.pick_id(choice), (node.id, choice)
            play.decision.confirm_choice()
            settle()
        decisions = [e for e in controller.session.events if e.type == "decision"]
        assert len(decisions) == decided_before + 1, node.id
        assert decisions[-1].option == option, node.id
        if decision.vote:
            votes_seen += 1
            assert set(dict(decisions[-1].votes or ())) == set(roles), node.id
        if not controller.session.ended:
            window.session_view.consequences.go_on()
            settle()

    alone = play_one(scenario, SEED, "expert", engine=True)
    assert controller.session.outcome.ending_id == alone.ending
    assert controller.session.outcome.score == pytest.approx(alone.score, abs=1e-9)
    assert covers >= len(roles)  # the keyboard went round the table
    if any(n.decision.vote for n in scenario.model.nodes):
        assert votes_seen >= 1
    chooses = [d for d in journal.inputs(controller.session_id) if d["type"] == "choose"]
    assert len(chooses) == len([e for e in controller.session.events if e.type == "decision"])
