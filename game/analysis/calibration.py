"""Calibration checks: does a scenario teach what the record teaches?

One set of checks, used by ``hotline check FILE`` (any scenario an author
writes) and by the library tests (``tests/library``), so both judge a
scenario the same way:

* **historical ending** — the historical path ends in the ending the scenario
  says really happened (at least :data:`HISTORICAL_MIN` of the games);
* **expert vs random** — the expert path's mean and median score are at or
  above the 75th percentile of random play;
* **always call** — calling at every chance scores at least
  :data:`ALWAYS_CALL_GAP` points below the expert: persistence is not a
  strategy;
* **single habits** — no habit matches the expert: every ``always-KIND``
  policy (one kind of option wherever it is offered) scores at least
  :data:`HABIT_GAP` points below it;
* **retry** — a request on a military line repeated after a refusal, with no
  change in the counterpart's leadership state in between, is answered in
  at most :data:`RETRY_MAX` of the games where it happens;
* **historical mistake** — the historical step marked ``mistake: true``
  costs at least :data:`MISTAKE_MIN` points against the expert's choice
  there, both continued by the expert;
* **contact window** (opt-in, :func:`answered_within`) — how often a channel
  is answered within some hours of a flag being set (the balloon: the
  defense link within 30 days of the shootdown).

Every figure is seeded and deterministic. Checks that do not apply (no
historical path, no marked mistake, no military line) are reported as such.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from game.engine import Session
from game.engine.events import CallResolved, ChannelChanged, FlagChanged, LeadershipDecided
from game.scenario import OPTION_KINDS, CompiledScenario

from .batch import SimulationReport, policy_rng, simulate
from .policies import get_policy

__all__ = [
    "ALWAYS_CALL_GAP",
    "HABIT_GAP",
    "HISTORICAL_MIN",
    "MISTAKE_MIN",
    "RETRY_MAX",
    "WINDOW_MAX",
    "CalibrationReport",
    "Check",
    "Games",
    "answered_within",
    "calibrate",
    "mistake_cost",
    "retry_answer_rate",
]

HISTORICAL_MIN = 0.98
# Call gates that are the counterpart's own decision (see CallResult.gate).
_DECISIONS = ("withheld", "standing", "roll")
ALWAYS_CALL_GAP = 15.0
HABIT_GAP = 10.0
RETRY_MAX = 0.10
MISTAKE_MIN = 8.0
WINDOW_MAX = 0.10


@dataclass(frozen=True)
class Games:
    """How many games each check plays (the defaults suit a test run)."""

    random: int = 1000
    paths: int = 200
    always: int = 300
    retry: int = 400
    mistake: int = 200
    seed: int = 0


@dataclass(frozen=True)
class Check:
    """One calibration check and its figure.

    Attributes:
        key: Stable id (``historical-ending``, ``expert-vs-random``, ...).
        title: What is checked, in words.
        passed: True or False; None when the check does not apply.
        figure: The measured value in words.
        target: What it must reach, in words.
        value: The measured number (None when it does not apply).
    """

    key: str
    title: str
    passed: bool | None
    figure: str
    target: str
    value: float | None = None


@dataclass(frozen=True)
class CalibrationReport:
    """Every check on one scenario."""

    scenario_id: str
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """No check failed (checks that do not apply are not failures)."""
        return all(c.passed is not False for c in self.checks)

    def check(self, key: str) -> Check:
        """The check with this key."""
        return next(c for c in self.checks if c.key == key)

    def to_dict(self) -> dict[str, object]:
        """JSON-able data."""
        return {"scenario": self.scenario_id, "ok": self.ok,
                "checks": [vars(c).copy() for c in self.checks]}


# --- single checks ------------------------------------------------------------------


def retry_answer_rate(scenario: CompiledScenario, n: int, seed: int = 0) -> tuple[float, int]:
    """How often a refused military call, asked again, is then answered.

    Plays ``n`` games with the ``retry`` policy. A *retry* is a call on a
    military line after an earlier call on the same line was refused, with no
    leadership event touching the line's level in between. It counts as
    answered when the retry is answered or put through (ringing). Lines that
    need no leadership decision (``authority: none``, such as ship-to-ship
    radio, where hailing again is ordinary seamanship) are left out.

    A refusal by a scenario rule (a precondition such as "there is no
    minister", or a suspended line) is a stated obstacle, not a decision: a
    retry that gets through after one was made when the obstacle had gone,
    which is a change, so it is not counted; a retry the rule still refuses
    is counted (as not answered).

    Returns:
        ``(rate, games)``: the share of games with a retry in which a retry
        was answered, and how many games had a retry (0: the rate is 0).
    """
    policy = get_policy("retry")
    channels = scenario.channels
    with_retry = answered = 0
    session = Session(scenario, seed, batch=True)
    for game in range(seed, seed + n):
        session.restart(game)
        rng = policy_rng(game)
        refused: dict[str, bool] = {}  # channel -> its last refusal was a decision
        retried = got = False
        while not session.ended:
            start = len(session.events)
            session.apply({"type": "choose", "option": policy(session, rng)})
            for event in session.events[start:]:
                if isinstance(event, LeadershipDecided):
                    levels = {change.level for change in event.levels}
                    for line in [c for c in refused if scenario.authority.get(c) in levels]:
                        del refused[line]
                elif (isinstance(event, CallResolved) and event.level is not None
                      and channels[event.channel].level == "military"):
                    line = event.channel
                    through = event.result in ("answered", "ringing")
                    if line in refused and (refused[line] or not through):
                        retried = True
                        got = got or through
                    if not through:
                        refused[line] = event.gate in _DECISIONS
        with_retry += retried
        answered += got
    return (answered / with_retry if with_retry else 0.0), with_retry


def mistake_cost(scenario: CompiledScenario, n: int, seed: int = 0) -> tuple[float, int] | None:
    """Points the marked historical mistake costs against the expert's choice.

    For each seed the expert path is played to the mistake's node; from there
    one road takes the mistake and one the expert's option, and the expert
    plays both to the end (same dice). Returns ``(mean cost, games that
    reached the node)``, or None when no historical step is marked.
    """
    historical = scenario.model.historical
    step = next((s for s in historical.steps if s.mistake), None) if historical else None
    if step is None:
        return None
    expert = get_policy("expert")
    live = Session(scenario, seed, batch=True, record=False)
    costs: list[float] = []
    for game in range(seed, seed + n):
        live.restart(game)
        rng = policy_rng(game)
        while not live.ended and live.node != step.node:
            live.apply({"type": "choose", "option": expert(live, rng)})
        if live.ended or not any(o.id == step.option for o in live.available()):
            continue
        fork = live.snapshot()
        scores: list[float] = []
        for first in (step.option, scenario.expert.get(step.node) or expert(live, rng)):
            live.restore(fork)
            live.apply({"type": "choose", "option": first})
            while not live.ended:
                live.apply({"type": "choose", "option": expert(live, rng)})
            assert live.outcome is not None
            scores.append(live.outcome.score)
        costs.append(scores[1] - scores[0])
    return (math.fsum(costs) / len(costs) if costs else 0.0), len(costs)


def answered_within(
    scenario: CompiledScenario, channel: str, flag: str, hours: float, policy: str, n: int,
    seed: int = 0,
) -> tuple[float, int]:
    """How often ``channel`` is answered within ``hours`` (scenario time) of ``flag`` being set.

    Returns:
        ``(rate, games)``: among the games in which the flag was set, the
        share where the channel was answered between the flag and ``hours``
        later, and how many games set the flag.
    """
    chooser = get_policy(policy)
    session = Session(scenario, seed, batch=True)
    flagged = hits = 0
    for game in range(seed, seed + n):
        session.restart(game)
        rng = policy_rng(game)
        while not session.ended:
            session.apply({"type": "choose", "option": chooser(session, rng)})
        since: datetime | None = None
        hit = False
        for event in session.events:
            if since is None and isinstance(event, FlagChanged) and event.flag == flag \
                    and event.value:
                since = datetime.fromisoformat(event.clock)
            elif (since is not None and isinstance(event, ChannelChanged)
                  and event.channel == channel and event.after == "answered"):
                elapsed = (datetime.fromisoformat(event.clock) - since).total_seconds()
                hit = hit or elapsed <= hours * 3600
        flagged += since is not None
        hits += hit
    return (hits / flagged if flagged else 0.0), flagged


def _mean(report: SimulationReport) -> float:
    assert report.score is not None
    return report.score.mean


def _share(rate: float) -> str:
    """``100%``, ``99.5%``: never rounded up to a whole 100% that was not."""
    whole = f"{rate:.0%}"
    return whole if abs(rate * 100 - round(rate * 100)) < 1e-9 else f"{rate:.1%}"


# --- all checks ----------------------------------------------------------------------


def calibrate(scenario: CompiledScenario, games: Games = Games()) -> CalibrationReport:
    """Run every calibration check on a scenario (see the module docstring)."""
    seed = games.seed
    reports: dict[str, SimulationReport] = {}

    def report(policy: str, n: int) -> SimulationReport:
        if policy not in reports:
            reports[policy] = simulate(scenario, n, policy, seed=seed, workers=1)
        return reports[policy]

    checks: list[Check] = []
    model = scenario.model
    if model.historical is not None:
        wanted = model.historical.ending
        rate = report("historical", games.paths).share(wanted)
        checks.append(Check(
            "historical-ending", "The historical path ends in the historical ending",
            rate >= HISTORICAL_MIN, f"{_share(rate)} of {games.paths} games end in '{wanted}'",
            f"at least {HISTORICAL_MIN:.0%}", rate))
    else:
        checks.append(Check("historical-ending", "The historical path ends in the historical "
                            "ending", None, "no historical path", "", None))

    expert = report("expert", games.paths).score
    rand = report("random", games.random).score
    assert expert is not None and rand is not None
    checks.append(Check(
        "expert-vs-random", "The expert beats three quarters of random play",
        expert.mean >= rand.p75 and expert.p50 >= rand.p75,
        f"expert mean {expert.mean:.1f} (median {expert.p50:.1f}); random p75 {rand.p75:.1f}",
        "expert mean and median at or above random p75", expert.mean - rand.p75))

    always = report("always-call", games.always).score
    assert always is not None
    gap = expert.mean - always.mean
    checks.append(Check(
        "always-call", "Calling at every chance does clearly worse than the expert",
        gap >= ALWAYS_CALL_GAP, f"always-call mean {always.mean:.1f}, {gap:.1f} below the expert",
        f"at least {ALWAYS_CALL_GAP:g} points below", gap))

    gaps = {kind: expert.mean - _mean(report(f"always-{kind}", games.always))
            for kind in OPTION_KINDS}
    closest = min(gaps, key=lambda kind: (gaps[kind], kind))
    checks.append(Check(
        "habits", "No single habit matches the expert",
        gaps[closest] >= HABIT_GAP,
        f"the closest habit, always-{closest}, is {gaps[closest]:.1f} below the expert",
        f"every always-KIND at least {HABIT_GAP:g} points below", gaps[closest]))

    if any(c.level == "military" for c in model.channels):
        rate, with_retry = retry_answer_rate(scenario, games.retry, seed)
        checks.append(Check(
            "retry", "Asking again after a refused military call, with nothing changed, "
            "does not get an answer", rate <= RETRY_MAX if with_retry else None,
            f"answered in {rate:.1%} of the {with_retry} games with a retry"
            if with_retry else "no game repeated a refused military call",
            f"at most {RETRY_MAX:.0%}", rate if with_retry else None))
    else:
        checks.append(Check("retry", "Asking again after a refused military call does not get "
                            "an answer", None, "no military line", "", None))

    cost = mistake_cost(scenario, games.mistake, seed)
    if cost is None:
        checks.append(Check("mistake", "The historical mistake costs points", None,
                            "no historical step is marked 'mistake: true'", "", None))
    else:
        points, reached = cost
        checks.append(Check(
            "mistake", "The historical mistake costs points against the expert's choice",
            points >= MISTAKE_MIN if reached else False,
            f"{points:.1f} points over {reached} games" if reached
            else "the expert path never reaches the mistake's node",
            f"at least {MISTAKE_MIN:g} points", points if reached else None))
    return CalibrationReport(model.id, tuple(checks))


def format_report(report: CalibrationReport, filename: str = "") -> list[str]:
    """The report as lines of text for a terminal."""
    lines = [f"{filename or report.scenario_id}: calibration"]
    for check in report.checks:
        mark = {True: "ok  ", False: "FAIL", None: "n/a "}[check.passed]
        target = f" (needs {check.target})" if check.target and check.passed is not None else ""
        lines.append(f"  {mark} {check.title}: {check.figure}{target}")
    lines.append(f"{filename or report.scenario_id}: "
                 + ("calibrated" if report.ok else "NOT calibrated"))
    return lines


def summary_line(reports: Sequence[CalibrationReport]) -> str:
    """One line over several scenarios."""
    bad = [r.scenario_id for r in reports if not r.ok]
    return "all calibrated" if not bad else f"not calibrated: {', '.join(bad)}"
