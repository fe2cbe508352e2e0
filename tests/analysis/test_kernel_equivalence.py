"""The batch kernel plays exactly as the engine does.

For every shipped scenario, the engine's test scenarios, a scenario that uses
every part of the counterpart model (kernel_features.yaml) and the authoring
guide's worked example; for many seeds (hypothesis) and every policy: the
kernel's game ends as the engine's does, with the same score and parts,
meters, peaks, flags, channels, leadership state, prices, pressure, requests,
answers, ratings, path and dice left over. The engine is the reference; these
tests compare the two independent computations game by game.
"""

from __future__ import annotations

import _random
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from analysis_scenarios import ALL_FILES, ROOT, scenario_at
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.analysis import simulate
from game.analysis.batch import policy_rng
from game.analysis.kernel import (
    Kernel,
    KernelState,
    _policy_key,
    _Tape,
    kernel_for,
    make_policy,
)
from game.analysis.policies import GreedyPolicy, Policy, get_policy, policy_names
from game.engine import Session
from game.scenario import CompiledScenario
from game.scenario.loader import load_scenario_text

FEATURES = ROOT / "tests" / "analysis" / "kernel_features.yaml"
LEADERSHIP = ROOT / "tests" / "engine" / "leadership.yaml"


def _guide_example() -> CompiledScenario:
    text = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- counterpart-example -->\s*```yaml\n(.*?)\n```", text, re.S)
    assert match, "docs/authoring.md lost its counterpart example"
    return load_scenario_text(match.group(1), "authoring.md")


_GUIDE: list[CompiledScenario] = []


def _scenario(name: str) -> CompiledScenario:
    if name == "guide-example":
        if not _GUIDE:
            _GUIDE.append(_guide_example())
        return _GUIDE[0]
    return scenario_at(Path(name))


SCENARIOS = [str(p) for p in (*ALL_FILES, LEADERSHIP, FEATURES)] + ["guide-example"]
SEEDS = st.integers(min_value=0, max_value=2**40)
EQUIVALENCE = settings(max_examples=12, deadline=None,
                       suppress_health_check=[HealthCheck.too_slow])


def _engine_policy(name: str) -> Policy:
    # the reference: greedy looks ahead in scratch engine sessions, not the kernel
    return GreedyPolicy(kernel=False) if name == "greedy" else get_policy(name)


def _engine_game(scenario: CompiledScenario, seed: int, policy: Policy) -> Session:
    session = Session(scenario, seed, batch=True, record=False)
    rng = policy_rng(seed)
    while session.outcome is None:
        assert session.turn < 500, "the test scenarios all end"
        session.apply({"type": "choose", "option": policy(session, rng)})
    return session


_STATE = ("meters", "peaks", "flags", "channels", "contact", "visited", "recent", "turn",
          "leadership", "leader_why", "fired", "refusals", "decided", "decided_turn",
          "pressure", "prices", "asked", "answers", "answered_calls", "first_contact_turn",
          "path", "forced")


def assert_same_game(kernel: Kernel, st: KernelState, session: Session, *,
                     dice: bool = True) -> None:
    """Everything the kernel's game left equals what the engine's left."""
    engine_outcome = session.outcome
    assert engine_outcome is not None and st.ending is not None
    outcome = kernel.outcome(st)
    assert (outcome.ending_id, outcome.title, outcome.tone) == (
        engine_outcome.ending_id, engine_outcome.title, engine_outcome.tone)
    assert st.score == outcome.score == engine_outcome.score
    assert outcome.parts == engine_outcome.parts
    assert outcome.ratings == engine_outcome.ratings
    for name in _STATE:
        assert getattr(st, name) == getattr(session, name), name
    assert [(p[0], p[1], p[2], p[3]) for p in st.pending] == [
        (p.channel, p.due_turn, p.requested_turn, p.option) for p in session.pending]
    assert [e.compiled for e in st.untaken] == session._untaken
    assert [p.compiled for p in st.unraised] == session._unraised
    if dice:  # greedy's lookahead may draw ahead of the game itself
        assert st.rng.getstate() == session.rng.getstate()


@pytest.mark.parametrize("policy", policy_names())
@pytest.mark.parametrize("scenario_name", SCENARIOS, ids=lambda p: Path(p).stem)
@EQUIVALENCE
@given(seed=SEEDS)
def test_the_kernel_plays_every_game_as_the_engine_does(scenario_name: str, policy: str,
                                                         seed: int) -> None:
    scenario = _scenario(scenario_name)
    kernel = kernel_for(scenario)
    chosen = make_policy(kernel, policy)
    assert chosen is not None, f"the kernel plays every named policy ({policy})"
    st = kernel.new_state()
    reference = _engine_policy(policy)
    for game in range(seed, seed + 3):  # a few neighbours: a state reused from game to game
        chosen.play(st, game)
        assert_same_game(kernel, st, _engine_game(scenario, game, reference),
                         dice=policy != "greedy")


@pytest.mark.parametrize("scenario_name", SCENARIOS, ids=lambda p: Path(p).stem)
def test_simulate_counts_visits_and_decisions_as_the_engine_does(scenario_name: str) -> None:
    # a flow where no node can be entered twice is tallied from the paths alone
    # (Kernel.acyclic); one with a loop from the visited sets: both as the engine
    scenario = _scenario(scenario_name)
    kernel = simulate(scenario, 80, "random", seed=11, workers=1, chunk_size=30)
    engine = simulate(scenario, 80, "random", seed=11, workers=1, chunk_size=30, engine=True)
    assert kernel == engine
    assert kernel.node_visits == engine.node_visits and kernel.decisions == engine.decisions


def test_the_shipped_flows_have_no_loop_and_the_features_one_has() -> None:
    # so the test above exercises both ways of counting
    assert all(kernel_for(scenario_at(path)).acyclic for path in ALL_FILES)
    assert not kernel_for(scenario_at(FEATURES)).acyclic


_TALLIED = ("ending", "score", "peaks", "meters", "turn", "path", "visited", "answers", "flags")


@pytest.mark.parametrize("policy", ["random", "always-call", "greedy"])
@pytest.mark.parametrize("scenario_name", SCENARIOS, ids=lambda p: Path(p).stem)
def test_a_game_without_the_final_check_ends_the_same_for_the_tally(
        scenario_name: str, policy: str) -> None:
    # batch runs skip the last check of the prices and the leadership
    # (final_check False): what a tally or the score reads must not change
    scenario = _scenario(scenario_name)
    kernel = kernel_for(scenario)
    full, lean = kernel.new_state(), kernel.new_state()
    lean.final_check = False
    checked, unchecked = make_policy(kernel, policy), make_policy(kernel, policy)
    assert checked is not None and unchecked is not None
    differs = 0
    for game in range(40 if policy == "greedy" else 150):
        checked.play(full, game)
        unchecked.play(lean, game)
        for name in _TALLIED:
            assert getattr(lean, name) == getattr(full, name), (game, name)
        differs += (lean.leadership, lean.prices) != (full.leadership, full.prices)
    if scenario_name == str(FEATURES) and policy == "random":
        assert differs, "the features scenario has games whose last check changes something"


_INPUTS = st.lists(st.sampled_from(("choose", "choose", "choose", "force", "adjust", "flag",
                                    "jump", "pause", "note")), min_size=1, max_size=12)


def _engine_prefix(scenario: CompiledScenario, seed: int, script: list[str],
                   pick: random.Random) -> Session:
    """An engine session driven by choices and facilitator inputs."""
    session = Session(scenario, seed, batch=True, record=False)
    channels = sorted(scenario.channels)
    for action in script:
        if session.ended:
            break
        if action == "choose":
            session.choose(pick.choice(session.available()).id)
        elif action == "force":
            session.apply({"type": "force_answer", "channel": pick.choice(channels),
                           "result": pick.choice(("answered", "declined", "unanswered"))})
        elif action == "adjust":
            meter = pick.choice(sorted(scenario.meters))
            session.apply({"type": "adjust", "meter": meter, "delta": pick.randint(-30, 30)})
        elif action == "flag":
            flag = pick.choice(sorted(scenario.names.flags))
            session.apply({"type": "set_flag", "flag": flag, "value": pick.random() < 0.5})
        elif action == "jump":
            session.apply({"type": "jump", "node": pick.choice(sorted(scenario.nodes))})
        elif action == "pause":
            session.apply({"type": "pause"})
            session.apply({"type": "resume"})
        else:
            session.apply({"type": "note", "text": "noted"})
    return session


@pytest.mark.parametrize("scenario_name", SCENARIOS, ids=lambda p: Path(p).stem)
@EQUIVALENCE
@given(seed=SEEDS, script=_INPUTS, policy=st.sampled_from(policy_names()))
def test_the_kernel_goes_on_from_any_engine_session(scenario_name: str, seed: int,
                                                    script: list[str], policy: str) -> None:
    """What-ifs replay a recorded prefix (facilitator inputs and all) in the engine
    and play on in the kernel: both must end the same."""
    scenario = _scenario(scenario_name)
    kernel = kernel_for(scenario)
    session = _engine_prefix(scenario, seed, script, random.Random(seed))
    if session.ended:
        return
    st = kernel.state_from_session(session)
    chosen = make_policy(kernel, policy)
    reference = _engine_policy(policy)
    assert chosen is not None
    if policy == "greedy":
        chosen.start(st, seed)
    rng = policy_rng(seed)
    chosen.rng.setstate(rng.getstate())
    while not session.ended:
        assert session.turn < 500
        option = reference(session, rng)
        assert chosen.choose(st).id == option
        session.apply({"type": "choose", "option": option})
        kernel.step(st, next(o for o in st.node.options if o.id == option))
    chosen.finish(st)
    assert_same_game(kernel, st, session, dice=policy != "greedy")


@pytest.mark.parametrize("scenario_name", SCENARIOS, ids=lambda p: Path(p).stem)
@EQUIVALENCE
@given(seed=SEEDS, steps=st.integers(min_value=0, max_value=6))
def test_the_engine_goes_on_from_a_kernel_state(scenario_name: str, seed: int,
                                                steps: int) -> None:
    """A kernel state handed back as an engine snapshot plays on identically."""
    scenario = _scenario(scenario_name)
    kernel = kernel_for(scenario)
    policy = make_policy(kernel, "random")
    assert policy is not None
    st = kernel.new_state(seed)
    policy.start(st, seed)
    for _ in range(steps):
        if st.ending is not None:
            break
        kernel.step(st, policy.choose(st))
    session = Session(scenario, 0, batch=True, record=False)
    session.restore(kernel.snapshot_of(st))
    rng = random.Random(seed)
    while st.ending is None:
        option = rng.choice(list(kernel.available(st)))
        session.apply({"type": "choose", "option": option.id})
        kernel.step(st, option)
    assert_same_game(kernel, st, session)


def test_the_tape_reads_the_generators_stream() -> None:
    """Greedy's lookahead reads the dice through a tape of 32-bit words: every read,
    from any place, gives what the generator itself gives there."""
    source = random.Random(2024)
    tape = _Tape()
    tape.source = source.getrandbits
    reference = random.Random(2024)
    pick = random.Random(7)
    for _ in range(2000):
        if pick.random() < 0.7:
            assert tape.random() == reference.random()
        else:
            k = pick.randint(1, 32)
            assert tape.getrandbits(k) == reference.getrandbits(k)
    # read again from the start: the same values
    tape.pos = 0
    again = random.Random(2024)
    assert [tape.random() for _ in range(50)] == [again.random() for _ in range(50)]


@pytest.mark.parametrize("seed", [0, 1, 99, 2**31, 2**63 + 5, -3])
def test_the_policy_stream_is_policy_rng(seed: int) -> None:
    generator = random.Random()
    _random.Random.seed(generator, _policy_key(seed))
    assert generator.getstate()[1] == policy_rng(seed).getstate()[1]


class _Seen:
    """What the kernel did, as it did it (the observer hook)."""

    def __init__(self) -> None:
        self.gates: Counter[str] = Counter()
        self.statuses: Counter[str] = Counter()
        self.events: Counter[str] = Counter()

    def call(self, _st: Any, _channel: str, _level: Any, status: str, gate: str) -> None:
        self.gates[gate] += 1
        self.statuses[status] += 1

    def leadership(self, _st: Any, event: Any, _changes: Any) -> None:
        self.events[event.id] += 1


def test_the_features_scenario_exercises_every_part_of_the_model() -> None:
    """The equivalence tests are only as good as what the games do: on
    kernel_features.yaml random play meets every gate, every answer, every
    leadership event, every price status and both kinds of ending."""
    scenario = scenario_at(FEATURES)
    kernel = kernel_for(scenario)
    policy = make_policy(kernel, "random")
    assert policy is not None
    st = kernel.new_state()
    seen = _Seen()
    endings: Counter[str] = Counter()
    prices: Counter[tuple[str, str]] = Counter()
    late = pressed = 0
    for seed in range(3000):
        kernel.reset(st, seed)
        policy.start(st, seed)
        st.observer = seen
        while st.ending is None:
            had = len(st.pending)
            kernel.step(st, policy.choose(st))
            late += had > len(st.pending)
        st.observer = None
        assert st.ending is not None
        endings[st.ending.ending.id] += 1
        prices.update(st.prices.items())
        pressed += sum(st.pressure.values()) > 0
    assert set(seen.gates) == {"precondition", "suspended", "withheld", "standing", "roll"}
    assert set(seen.statuses) == {"answered", "ringing", "declined", "unanswered"}
    assert set(seen.events) == {"go-ahead", "anger", "cooling", "fear", "late-thaw"}
    assert {status for (_price, status) in prices} >= {"none", "demanded", "paid", "refused",
                                                        "deferred"}
    assert late and pressed
    assert endings["war"] and endings["talking"] and endings["frozen"]


@pytest.mark.parametrize("policy", ["random", "expert", "always-call", "greedy"])
@pytest.mark.parametrize("workers", [1, 2])
def test_simulate_reports_the_same_by_kernel_and_engine(policy: str, workers: int) -> None:
    scenario = scenario_at(FEATURES)
    n = 60 if policy == "greedy" else 400
    kernel = simulate(scenario, n, policy, seed=5, workers=workers, chunk_size=70)
    engine = simulate(scenario, n, policy, seed=5, workers=workers, chunk_size=70, engine=True)
    assert kernel == engine
    assert kernel.to_dict() | {"elapsed": 0} == engine.to_dict() | {"elapsed": 0}
