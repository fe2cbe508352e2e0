"""Driving a recorded session from the terminal: input sources and the play loop."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from game.analysis import PolicyError, get_policy, policy_rng
from game.engine import SCHEMA_VERSION, EngineError, Event, Session
from game.engine.events import EndingReached, NodeEntered, ScoreGiven
from game.scenario import CompiledScenario
from game.sessions import RecordedSession

from .common import EXIT_INTERRUPTED, EXIT_OK, CliError, err, store_flag
from .transcript import Transcript

InputDict = dict[str, Any]


class Quit(Exception):
    """The player left an interactive session (EOF, ``q`` or Ctrl-C)."""

    def __init__(self, interrupted: bool) -> None:
        super().__init__("quit")
        self.interrupted = interrupted


InputSource = Callable[[Session], "InputDict | None"]


def from_list(choices: list[str]) -> InputSource:
    queue = list(choices)

    def source(session: Session) -> InputDict | None:
        if not queue:
            return None
        return {"type": "choose", "option": queue.pop(0)}

    return source


def from_policy(name: str, seed: int) -> InputSource:
    policy = get_policy(name)
    rng = policy_rng(seed)

    def source(session: Session) -> InputDict | None:
        return {"type": "choose", "option": policy(session, rng)}

    return source


def chain(*sources: InputSource) -> InputSource:
    remaining = list(sources)

    def source(session: Session) -> InputDict | None:
        while remaining:
            data = remaining[0](session)
            if data is not None:
                return data
            remaining.pop(0)
        return None

    return source


def read_answer(prompt: str) -> str:
    try:
        return input(prompt)
    except EOFError:
        raise Quit(interrupted=False) from None
    except KeyboardInterrupt:
        raise Quit(interrupted=True) from None


def named_option(answer: str, ids: Sequence[str]) -> str | None:
    """The option a typed answer names (its number from 1, or its id), else None.

    Raises:
        Quit: The answer is q, quit or exit.
    """
    if answer.lower() in ("q", "quit", "exit"):
        raise Quit(interrupted=False)
    if answer.isdigit() and 1 <= int(answer) <= len(ids):
        return ids[int(answer) - 1]
    return answer if answer in ids else None


def interactive(transcript: Transcript) -> InputSource:
    def source(session: Session) -> InputDict | None:
        transcript.status(session)
        transcript.options(session)
        view = session.current()
        ids = [o.id for o in view.options]
        started = time.monotonic()
        while (option := named_option(
                read_answer(f"Your choice [1-{len(ids)}, q to stop]: ").strip(), ids)) is None:
            transcript.write(f"  Please type a number from 1 to {len(ids)} (or q to stop).")
        seconds = time.monotonic() - started
        rationale = read_answer("why? (Enter to skip): ").strip()
        data: InputDict = {"type": "choose", "option": option, "seconds": round(seconds, 1)}
        if rationale:
            data["rationale"] = rationale
        return data

    return source


def check_choices(
    scenario: CompiledScenario, seed: int, roles: list[str], choices: list[str], open_end: bool
) -> None:
    """Dry-run ``--choices`` so a typo fails before anything is recorded."""
    session = Session(scenario, seed, roles, batch=True)
    for i, choice in enumerate(choices, 1):
        if session.ended:
            raise CliError(f"the session ended after {i - 1} choice(s); "
                           f"{len(choices) - i + 1} choice(s) left over, from '{choice}'")
        available = session.available()
        if choice not in {o.id for o in available}:
            node = scenario.nodes[session.node]
            valid = ", ".join(f"{o.id} ({o.option.label})" for o in available)
            raise CliError(f"choice {i} '{choice}' is not an option at node '{node.id}' "
                           f"({node.title}); valid options there: {valid}")
        session.apply({"type": "choose", "option": choice})
    if not session.ended and not open_end:
        raise CliError(f"the {len(choices)} choice(s) do not reach an ending (stopped at node "
                       f"'{session.node}'); add more, or add --policy to finish")


def drive(recorded: RecordedSession, source: InputSource,
          transcript: Transcript | None) -> bool:
    """Feed inputs until the session ends or the source runs dry.

    Every input goes through the recorded-session service: validated, then
    committed to the journal, and only then applied to the engine and shown.

    Returns:
        True if the session ended (and was finished in the journal).
    """
    session = recorded.session
    while not session.ended:
        if not session.available():  # a stuck node: asking anyone for a choice would never end
            node = session.scenario.nodes[session.node]
            raise EngineError(f"no option can be chosen at node '{node.id}' ({node.title}): "
                              "the scenario is stuck there (check it with `hotline lint`)")
        data = source(session)
        if data is None:
            return False
        result = recorded.apply(data)
        if transcript is not None:
            transcript.events(result.events)
    recorded.finish()  # idempotent: a resumed session may have ended before
    return True


def session_json(recorded: RecordedSession) -> dict[str, Any]:
    """The session as JSON for ``--json``: header, inputs, events, ending and score."""
    session, scenario = recorded.session, recorded.scenario
    ending = next((e for e in session.events if isinstance(e, EndingReached)), None)
    score = next((e for e in session.events if isinstance(e, ScoreGiven)), None)
    model = scenario.model
    score_data = score.to_dict() if score is not None else None
    return {
        "session": recorded.id,
        "scenario": {"id": model.id, "version": model.version, "title": model.title,
                     "content_hash": scenario.content_hash, "path": recorded.record.scenario_path},
        "seed": session.seed,
        "roles": list(session.roles),
        "inputs": session.inputs,
        "event_schema": SCHEMA_VERSION,
        "events": [e.to_dict() for e in session.events],
        "ended": session.ended,
        "ending": None if ending is None else {"ending": ending.ending, "title": ending.title,
                                               "tone": ending.tone, "text": ending.text},
        "score": None if score_data is None else {k: score_data[k] for k in (
            "total", "severity_total", "parts", "ratings")},
    }


def left_message(recorded: RecordedSession, store: str | None) -> str:
    session, sid = recorded.session, recorded.id
    node = session.scenario.nodes.get(session.node)
    where = f" at '{node.title}'" if node is not None else ""
    return (f"Session {sid} saved after {len(session.inputs)} input(s){where}. "
            f"Continue with: hotline {store_flag(store)}resume {sid}")


def play_session(*, recorded: RecordedSession, source: InputSource,
                 transcript: Transcript | None, store: str | None) -> int:
    """Drive a recorded session; on leaving early, say how to continue."""
    try:
        ended = drive(recorded, source, transcript)
    except Quit as quit_:
        err("")
        err(left_message(recorded, store))
        return EXIT_INTERRUPTED if quit_.interrupted else EXIT_OK
    except EngineError as exc:
        err(left_message(recorded, store))
        raise CliError(str(exc)) from None
    if not ended:
        err(left_message(recorded, store))
        raise CliError("the inputs ran out before an ending")
    return EXIT_OK


def policy_or_error(name: str) -> str:
    try:
        get_policy(name)
    except PolicyError as exc:
        raise CliError(str(exc)) from None
    return name


def last_node_start(events: list[Event]) -> int:
    """Index of the last ``node_entered`` (or ending) event (0 if none)."""
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], (NodeEntered, EndingReached)):
            return index
    return 0
