"""Lessons in plain words: one line per decision, the what-if and the expert together.

For every decision the session is forked (same seed, everything before it
replayed) and two roads are played to the end by the expert: one from the
trainee's choice, one from the expert's. These are exactly the expert roads of
the what-ifs (:mod:`game.debrief.whatif`) of those two alternatives, so the
Expert and What-ifs tabs cannot disagree; where the trainee's choice ends
better on this session's dice, the lesson says whether that is the
counterpart's luck or the choice (:mod:`game.debrief.luck`).

:func:`decision_roads` needs the scenario and is computed when a debrief is
opened (``Debrief.roads``); :func:`lessons` words them, with the saved
what-ifs' random continuations when there are any.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from game.engine.session import Session
from game.scenario.compile import CompiledScenario

from .luck import SAME
from .policies import MAX_TURNS, get_policy, play_out, policy_rng
from .whatif import Branch, WhatIf


@dataclass(frozen=True)
class RoadEnd:
    """Where one alternative leads when the expert plays on (with the session's dice)."""

    option: str
    label: str
    ending_title: str
    tone: str
    score: float


@dataclass(frozen=True)
class DecisionRoads:
    """The trainee's choice and the expert's at one decision, each played on by the expert.

    Attributes:
        decision: 0-based decision number.
        turn: The turn it was taken at.
        node_title: The decision point.
        chosen: The trainee's choice and where it leads.
        expert: The expert's choice there and where it leads (None: no expert
            path in the scenario).
        from_path: The expert's choice is the scenario's expert path (False:
            the path is silent there and the prudent choice stands in).
    """

    decision: int
    turn: int
    node_title: str
    chosen: RoadEnd
    expert: RoadEnd | None = None
    from_path: bool = True

    @property
    def agrees(self) -> bool:
        """The trainee chose as the expert would."""
        return self.expert is not None and self.expert.option == self.chosen.option


def _road(session: Session, fork: Any, option: str, label: str, seed: int) -> RoadEnd:
    session.restore(fork)
    session.apply({"type": "choose", "option": option})
    play_out(session, get_policy("expert"), policy_rng(seed), MAX_TURNS)
    outcome = session.outcome
    return RoadEnd(option, label, outcome.title if outcome else "(did not end)",
                   outcome.tone if outcome else "mixed", outcome.score if outcome else 0.0)


def decision_roads(scenario: CompiledScenario, seed: int, inputs: Sequence[Mapping[str, Any]],
                   roles: Sequence[str] = ()) -> list[DecisionRoads]:
    """For each decision, the trainee's choice and the expert's, each played on by the expert.

    Args:
        scenario: The scenario the session replays on.
        seed: The session's seed.
        inputs: The session's inputs.
        roles: The session's roles.

    Returns:
        One entry per decision, in order.
    """
    session = Session(scenario, seed, tuple(roles), batch=True, record=False)
    expert = get_policy("expert")
    out: list[DecisionRoads] = []
    for data in inputs:
        if data.get("type") != "choose":
            session.apply(data)
            continue
        labels = {o.id: o.option.label for o in session.available()}
        node = scenario.nodes[session.node]
        turn = session.turn
        fork = session.snapshot()
        chosen_id = str(data.get("option"))
        chosen = _road(session, fork, chosen_id, labels.get(chosen_id, chosen_id), seed)
        pick: RoadEnd | None = None
        from_path = True
        if scenario.expert:
            session.restore(fork)
            expert_id = expert(session, policy_rng(seed))
            from_path = scenario.expert.get(node.id) == expert_id
            pick = chosen if expert_id == chosen_id else _road(
                session, fork, expert_id, labels.get(expert_id, expert_id), seed)
        out.append(DecisionRoads(len(out), turn, node.title, chosen, pick, from_path))
        session.restore(fork)
        session.apply(data)
    return out


@dataclass(frozen=True)
class Lesson:
    """One decision's lesson.

    Attributes:
        decision: 0-based decision number.
        turn: Its turn.
        node_title: The decision point.
        text: The lesson in plain words.
        agrees: The trainee chose as the expert would.
        luck: The trainee's choice ends better than the expert's on this
            session's dice (the text then says whether that is luck).
    """

    decision: int
    turn: int
    node_title: str
    text: str
    agrees: bool
    luck: bool = False


def _q(text: str) -> str:
    return f"“{text}”"


def _at(road: RoadEnd) -> str:
    return f"{road.ending_title} ({road.score:.1f})"


def _branch(w: WhatIf | None, option: str) -> Branch | None:
    if w is None:
        return None
    return next((b for b in w.branches if b.option == option), None)


def _random(w: WhatIf | None, option: str) -> str:
    b = _branch(w, option)
    if b is None or b.random is None:
        return ""
    return f"; random continuations average {b.random.mean_score:.1f}"


def lesson_for(r: DecisionRoads, w: WhatIf | None = None) -> Lesson:
    """The lesson of one decision (with its saved what-if, if any)."""
    if r.expert is None:
        text = (f"You chose {_q(r.chosen.label)}; the expert playing on from there reaches "
                f"{_at(r.chosen)}{_random(w, r.chosen.option)}. The scenario gives no expert "
                "path to compare with.")
        return Lesson(r.decision, r.turn, r.node_title, text, False)
    whose = ("the expert's choice" if r.from_path
             else "the prudent choice; the expert path is silent here")
    if r.agrees:
        text = (f"You chose as the expert would ({_q(r.chosen.label)}): the expert "
                f"continuation reaches {_at(r.chosen)}{_random(w, r.chosen.option)}.")
        return Lesson(r.decision, r.turn, r.node_title, text, True)
    text = (f"Had you chosen {_q(r.expert.label)} ({whose}), the expert continuation reaches "
            f"{_at(r.expert)}{_random(w, r.expert.option)}; from your {_q(r.chosen.label)} it "
            f"reaches {_at(r.chosen)}{_random(w, r.chosen.option)}.")
    luck = r.chosen.score > r.expert.score + 1e-9
    if luck:
        mine, theirs = _branch(w, r.chosen.option), _branch(w, r.expert.option)
        if mine is not None and theirs is not None and mine.dice and theirs.dice:
            n = theirs.dice.n
            if theirs.dice.mean_score + SAME >= mine.dice.mean_score:
                text += (f" Your choice ends better only on this session's dice: over {n} other "
                         f"rolls the expert's choice averages {theirs.dice.mean_score:.1f} and "
                         f"yours {mine.dice.mean_score:.1f}. That is the counterpart's luck, not "
                         "the choice.")
            else:
                text += (f" Your choice also does better over {n} other rolls of the dice "
                         f"({mine.dice.mean_score:.1f} against {theirs.dice.mean_score:.1f}): "
                         "a good call the expert path does not make.")
        else:
            text += (" Your choice ends better on this session's dice; the what-ifs of this "
                     "decision show whether that is the counterpart's luck or the choice.")
    return Lesson(r.decision, r.turn, r.node_title, text, False, luck)


def lessons(roads: Sequence[DecisionRoads], whatifs: Sequence[WhatIf] = ()) -> list[Lesson]:
    """One lesson per decision, using the saved what-ifs where there are some."""
    by_decision = {w.decision: w for w in whatifs}
    return [lesson_for(r, by_decision.get(r.decision)) for r in roads]


def section_lessons(d: Any, whatifs: Sequence[WhatIf] = ()) -> str:
    """The lessons as an HTML section ('' when the session could not be replayed)."""
    roads = getattr(d, "roads", None) or []
    if not roads:
        return ""
    out = ["<h2>Lessons, decision by decision</h2>",
           '<p class="small muted">Each choice and the expert\'s, played on by the expert with '
           "this session's dice (the what-ifs' expert roads); random continuations where the "
           "what-ifs were run.</p>",
           '<table width="100%" cellspacing="0" cellpadding="4"><tr>'
           '<th width="5%" nowrap>Turn</th><th width="22%" nowrap>Decision</th>'
           '<th width="73%" nowrap>Lesson</th></tr>']
    for lesson in lessons(roads, whatifs):
        mark = '<span class="same">✔</span> ' if lesson.agrees else ""
        out.append(f"<tr><td>{lesson.turn + 1}</td><td>{escape(lesson.node_title)}</td>"
                   f"<td>{mark}{escape(lesson.text)}</td></tr>")
    out.append("</table>")
    return "".join(out)
