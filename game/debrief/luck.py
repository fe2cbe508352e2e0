"""Luck or choice: what an alternative is worth apart from this session's dice.

A what-if plays every alternative with the session's own dice, so its expert
road is exactly what would have happened. That road includes the counterpart's
luck: on this session's dice an alternative may end better than the expert's
pick only because a call happened to be answered. To tell luck from choice,
:func:`add_dice` plays the expert on from each alternative again over ``m``
other rolls of the world's dice (the state at the fork kept, the dice redrawn
from then on) and records the distribution in ``branch.dice``.
:func:`luck_note` then says in words whether the difference on this session's
dice is luck or the choice.

Dice stream ``j`` is ``random.Random`` seeded with ``(seed, "dice", j)``, the
same for every alternative (common random numbers), so the comparison is fair
and the result deterministic. The roads are played by the batch kernel from
the engine's state at the fork (``engine=True``: by the engine; the same roads).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from game.analysis.kernel import PathPolicy, _copy_state, _seed_generator, kernel_for, string_key
from game.engine.session import EngineError, Session
from game.scenario.compile import CompiledScenario
from game.scenario.models import MAX_TURNS as SESSION_MAX_TURNS

from .policies import MAX_TURNS, get_policy, play_out, policy_rng
from .whatif import Branch, Road, WhatIf, _summarise, fork_prefix

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

DEFAULT_DICE = 100
#: Mean scores closer than this are "about the same".
SAME = 2.0


def _dice_seed(seed: int, j: int) -> str:
    return f"{seed}/dice/{j}"


def add_dice(result: WhatIf, scenario: CompiledScenario, inputs: Sequence[Mapping[str, Any]],
             *, m: int = DEFAULT_DICE, roles: Sequence[str] = (),
             progress: Progress | None = None, cancel: Cancel | None = None,
             engine: bool = False) -> WhatIf:
    """Play the expert on from each alternative over ``m`` other rolls of the dice.

    Args:
        result: A what-if (its branches get ``dice``; changed in place).
        scenario: The scenario the inputs replay on.
        inputs: The session's inputs.
        m: Other rolls of the dice per alternative.
        roles: The session's roles.
        progress: ``progress(done, total)``.
        cancel: Polled between roads; True stops (branches keep what was done).
        engine: Play the roads in the engine rather than the batch kernel (the
            reference: the same roads).

    Returns:
        The same what-if.
    """
    session = Session(scenario, result.seed, tuple(roles), batch=True, record=False)
    for data in fork_prefix(inputs, result.decision):
        session.apply(data)
    if not engine:
        return _add_dice_by_kernel(result, scenario, session, m, progress, cancel)
    fork = session.snapshot()
    expert = get_policy("expert")
    esc = scenario.model.scoring.escalation_meter
    total = len(result.branches) * m
    done = 0
    for branch in result.branches:
        roads: list[Road] = []
        for j in range(m):
            if cancel is not None and cancel():
                break
            session.restore(fork)
            session.rng.seed(_dice_seed(result.seed, j))
            session.apply({"type": "choose", "option": branch.option})
            play_out(session, expert, policy_rng(result.seed), MAX_TURNS)
            outcome = session.outcome
            roads.append(Road(
                option=branch.option, policy="expert-dice", index=j,
                ending=outcome.ending_id if outcome else "",
                ending_title=outcome.title if outcome else "(did not end)",
                tone=outcome.tone if outcome else "mixed",
                score=outcome.score if outcome else 0.0,
                peak_escalation=float(session.peaks.get(esc, 0.0)),
                first_contact_turn=session.first_contact_turn))
            done += 1
            if progress is not None and (done % 20 == 0 or done == total):
                progress(done, total)
        branch.dice = _summarise(roads) if roads else None
    result.dice_n = m
    return result


def _add_dice_by_kernel(result: WhatIf, scenario: CompiledScenario, session: Session, m: int,
                        progress: Progress | None, cancel: Cancel | None) -> WhatIf:
    """add_dice's roads, played by the batch kernel from the session at the fork."""
    kernel = kernel_for(scenario)
    fork = kernel.state_from_session(session)
    st = kernel.new_state(result.seed)
    expert = PathPolicy(kernel, "expert")
    step, choose = kernel.step, expert.choose
    node = kernel.nodes[session.node]
    esc = scenario.model.scoring.escalation_meter
    keys = [string_key(_dice_seed(result.seed, j)) for j in range(m)]
    total = len(result.branches) * m
    done = 0
    for branch in result.branches:
        first = next(o for o in node.options if o.id == branch.option)
        roads: list[Road] = []
        for j in range(m):
            if cancel is not None and cancel():
                break
            _copy_state(fork, st)
            _seed_generator(st.rng, keys[j])  # session.rng.seed(_dice_seed(seed, j))
            step(st, first)
            chosen = 0
            while st.ending is None and chosen < MAX_TURNS:  # play_out's loop
                if st.turn >= SESSION_MAX_TURNS:  # as Session.validate_input refuses it
                    raise EngineError(f"the session has taken {SESSION_MAX_TURNS} decisions "
                                      "without reaching an ending")
                step(st, choose(st))
                chosen += 1
            ending = st.ending
            roads.append(Road(
                option=branch.option, policy="expert-dice", index=j,
                ending=ending.ending.id if ending else "",
                ending_title=ending.ending.title if ending else "(did not end)",
                tone=ending.ending.tone if ending else "mixed",
                score=st.score if ending else 0.0,
                peak_escalation=float(st.peaks.get(esc, 0.0)),
                first_contact_turn=st.first_contact_turn))
            done += 1
            if progress is not None and (done % 20 == 0 or done == total):
                progress(done, total)
        branch.dice = _summarise(roads) if roads else None
    result.dice_n = m
    return result


def _quote(branch: Branch) -> str:
    return f"“{branch.label}”"


def luck_note(result: WhatIf) -> str:
    """Why the expert's pick does not end best on this session's dice, if it does not.

    Empty when the expert's pick's road is (one of) the best, or when there is
    nothing to compare.
    """
    pick = next((b for b in result.branches if b.expert_pick), None)
    if pick is None or pick.expert is None:
        return ""
    better = [b for b in result.branches if b is not pick and b.expert is not None
              and b.expert.score > pick.expert.score + 1e-9]
    if not better:
        return ""
    best = max(better, key=lambda b: b.expert.score if b.expert else 0.0)
    assert best.expert is not None
    head = (f"On this session's dice {_quote(best)} ends better ({best.expert.ending_title}, "
            f"{best.expert.score:.1f}) than the expert's pick {_quote(pick)} "
            f"({pick.expert.ending_title}, {pick.expert.score:.1f}).")
    if pick.dice is None or best.dice is None:
        if pick.random is not None and best.random is not None:
            return (head + f" Played on at random, {_quote(pick)} averages "
                    f"{pick.random.mean_score:.1f} and {_quote(best)} "
                    f"{best.random.mean_score:.1f}; the expert road depends on how the "
                    "counterpart happened to answer with these dice.")
        return head
    n = pick.dice.n
    if pick.dice.mean_score + SAME >= best.dice.mean_score:
        return (head + f" That is the counterpart's luck, not the choice: over {n} other "
                f"rolls of the dice, with the expert playing on, {_quote(pick)} averages "
                f"{pick.dice.mean_score:.1f} and {_quote(best)} {best.dice.mean_score:.1f}.")
    return (head + f" It is not only luck: over {n} other rolls of the dice {_quote(best)} "
            f"also averages more ({best.dice.mean_score:.1f} against "
            f"{pick.dice.mean_score:.1f}), so the scenario's expert path may deserve a second "
            "look at this decision.")


def dice_line(branch: Branch) -> str:
    """``averages 81.3 over 100 other rolls (ends well 78%)`` ('' without dice)."""
    d = branch.dice
    if d is None:
        return ""
    good = 1.0 - d.bad_rate
    return (f"averages {d.mean_score:.1f} over {d.n} other rolls of the dice "
            f"(not a bad ending in {100 * good:.0f}%)")


__all__ = ["DEFAULT_DICE", "add_dice", "dice_line", "luck_note"]

