"""The ``hotline`` command.

Run with no command to open the desktop app. Commands:

* ``validate FILE...`` — check scenario files, every problem at once.
* ``schema`` — print the scenario JSON Schema.
* ``play SCENARIO`` — play a session on the terminal, from ``--choices``, with a
  ``--policy``, or interactively; every play is recorded in the journal.
* ``resume ID`` — continue a recorded session.
* ``sessions`` — list recorded sessions.
* ``simulate SCENARIO -n N --policy P`` — Monte Carlo outcome distribution.

Exit status: 0 success, 2 bad input (invalid scenario, unknown option, unknown
session...), 1 an internal fault or an environment problem (store cannot be
opened, app cannot start). Qt is imported only when the app is opened.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shlex
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from game import __version__
from game.analysis import (
    PolicyError,
    SimulationError,
    SimulationReport,
    get_policy,
    policy_names,
    policy_rng,
    simulate,
)
from game.cli import COMMANDS, _open_app, _split_app_args
from game.engine import EngineError, Event, Session
from game.records import (
    STORE_ENV,
    Journal,
    JournalError,
    SessionNotFoundError,
    SessionRecord,
    default_store_path,
)
from game.scenario import CompiledScenario
from game.scenario.diagnostics import ScenarioLoadError
from game.scenario.loader import check_scenario_file, load_scenario

__all__ = ["COMMANDS", "main"]


EXIT_OK = 0
EXIT_FAULT = 1
EXIT_INVALID = 2
EXIT_INTERRUPTED = 130

InputDict = dict[str, Any]


class CliError(Exception):
    """Bad input from the user: printed as ``hotline: message`` with exit status 2."""

    def __init__(self, message: str, status: int = EXIT_INVALID) -> None:
        super().__init__(message)
        self.status = status


class _Quit(Exception):
    """The player left an interactive session (EOF, ``q`` or Ctrl-C)."""

    def __init__(self, interrupted: bool) -> None:
        super().__init__("quit")
        self.interrupted = interrupted


def _err(*parts: object) -> None:
    print(*parts, file=sys.stderr)


# --------------------------------------------------------------------------
# Argument parsing
# --------------------------------------------------------------------------


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hotline",
        description="Hotline: a crisis-communication training wargame. "
        "Run without a command to open the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"hotline {__version__}")
    parser.add_argument(
        "--store", metavar="PATH",
        help=f"session journal file (default: ${STORE_ENV}, else {default_store_path()})",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    app = sub.add_parser("app", help="open the desktop app (the default)")
    app.add_argument("app_args", nargs="*", metavar="ARG", help="arguments for the app")

    validate = sub.add_parser("validate", help="check scenario files and report every problem")
    validate.add_argument("files", nargs="+", metavar="FILE")

    lint = sub.add_parser("lint", help="validate, then look for design problems "
                          "(unreachable nodes, dead options, unreached endings...)")
    lint.add_argument("files", nargs="+", metavar="FILE")
    lint.add_argument("--json", action="store_true", help="print one JSON document")
    lint.add_argument("--strict", action="store_true", help="warnings fail too (exit 2)")

    sub.add_parser("schema", help="print the scenario file JSON Schema")

    policies = ", ".join(policy_names())
    play = sub.add_parser(
        "play", help="play a scenario on the terminal",
        description="Play a scenario to an ending. With neither --choices nor --policy it is "
        "interactive. Every play is recorded in the journal and can be resumed.",
    )
    play.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    play.add_argument("--seed", type=int, help="random seed (default: a new random one)")
    play.add_argument("--choices", metavar="ID,ID,...",
                      help="option ids to take, in order (then --policy or interactive)")
    play.add_argument("--policy", metavar="POLICY", help=f"automatic player: {policies}")
    play.add_argument("--json", action="store_true", help="print the session as JSON")
    play.add_argument("--trainee", default="", metavar="NAME", help="trainee or team name")
    play.add_argument("--role", action="append", default=[], metavar="ROLE",
                      help="role being played (repeatable; default: every role)")

    resume = sub.add_parser("resume", help="continue a recorded session")
    resume.add_argument("session_id", metavar="ID", help="session id or a unique prefix")
    resume.add_argument("--force", action="store_true",
                        help="continue even if the scenario file changed since")
    resume.add_argument("--scenario", metavar="PATH",
                        help="scenario file to use instead of the recorded path")
    resume.add_argument("--policy", metavar="POLICY",
                        help="finish the session with an automatic player")

    sessions = sub.add_parser("sessions", help="list recorded sessions")
    sessions.add_argument("--json", action="store_true", help="print JSON")
    sessions.add_argument("--scenario", metavar="ID", help="only sessions of this scenario id")
    sessions.add_argument("--status", choices=("active", "ended"), help="only this status")

    simulate_p = sub.add_parser("simulate", help="play many games and report the outcomes")
    simulate_p.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    simulate_p.add_argument("-n", type=int, default=1000, metavar="N",
                            help="number of games (default 1000)")
    simulate_p.add_argument("--policy", default="random", metavar="POLICY",
                            help=f"automatic player (default random): {policies}")
    simulate_p.add_argument("--seed", type=int, default=0, help="base seed (default 0)")
    simulate_p.add_argument("--workers", type=int, metavar="W",
                            help="processes (default: every core for 2000 games or more)")
    simulate_p.add_argument("--json", action="store_true", help="print the report as JSON")
    simulate_p.add_argument("--html", metavar="FILE",
                            help="with --balance: also write an HTML report")
    simulate_p.add_argument("--balance", action="store_true",
                            help="the balance report: every policy, -n games each")

    balance = sub.add_parser("balance", help="balance report: every policy on a scenario")
    balance.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    balance.add_argument("-n", type=int, default=None, metavar="N",
                         help="games per policy (default 10000)")
    balance.add_argument("--seed", type=int, default=0, help="base seed (default 0)")
    balance.add_argument("--workers", type=int, metavar="W", help="processes (default: all)")
    balance.add_argument("--json", action="store_true", help="print the report as JSON")
    balance.add_argument("--html", metavar="FILE", help="also write an HTML report")

    debrief = sub.add_parser("debrief", help="print or export a session's debrief")
    debrief.add_argument("session_id", metavar="ID", help="session id or a unique prefix")
    debrief.add_argument("--export", metavar="FILE", help="write .pdf, .html or .json")
    debrief.add_argument("--scenario", metavar="PATH",
                         help="scenario file to use instead of the recorded path")
    msel = sub.add_parser("msel", help="export or import a Master Scenario Events List (CSV)")
    msel_sub = msel.add_subparsers(dest="msel_command", required=True, metavar="export|import")
    msel_export = msel_sub.add_parser("export", help="write a scenario's injects as an MSEL CSV")
    msel_export.add_argument("scenario", metavar="FILE")
    msel_export.add_argument("--csv", metavar="OUT", default="-",
                             help="CSV to write (default: standard output)")
    msel_import = msel_sub.add_parser("import", help="turn an MSEL CSV into a scenario skeleton")
    msel_import.add_argument("csv", metavar="CSV")
    msel_import.add_argument("--out", metavar="SCENARIO.yaml", default="-")
    msel_import.add_argument("--id", dest="scenario_id", default=None,
                             help="scenario id (default: from the file name)")
    msel_import.add_argument("--title", default=None)
    msel_import.add_argument("--force", action="store_true", help="overwrite --out")

    # --store is accepted after the command too (hotline play X --store P).
    for command in sub.choices.values():
        command.add_argument("--store", metavar="PATH", default=argparse.SUPPRESS,
                             help="session journal file (as before the command)")
    return parser


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``hotline`` command (terminal commands; see :mod:`game.cli`).

    Args:
        argv: Arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 success, 2 bad input, 1 internal fault.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(args_list)
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_INVALID)
    except CliError as exc:
        _err(f"hotline: {exc}")
        return exc.status
    except JournalError as exc:
        _err(f"hotline: journal: {exc}")
        return EXIT_FAULT
    except KeyboardInterrupt:
        _err("hotline: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `hotline sessions | head`); not an error.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        _err(f"hotline: internal error: {type(exc).__name__}: {exc}")
        if os.environ.get("HOTLINE_DEBUG"):
            traceback.print_exc()
        else:
            _err("This is a bug in Hotline, not in your input. Please report it with the "
                 "command you ran (set HOTLINE_DEBUG=1 to see the traceback).")
        return EXIT_FAULT


def _main(argv: list[str]) -> int:
    parser = _build_parser()
    split = _split_app_args(argv)
    if split is not None:
        global_args, app_args = split
        args = parser.parse_args(global_args)
        return _open_app(app_args, args.store)
    args = parser.parse_args(argv)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "app": lambda a: _open_app(list(a.app_args), a.store),
        "validate": _cmd_validate,
        "lint": _cmd_lint,
        "balance": _cmd_balance,
        "debrief": _cmd_debrief,
        "schema": _cmd_schema,
        "play": _cmd_play,
        "resume": _cmd_resume,
        "sessions": _cmd_sessions,
        "simulate": _cmd_simulate,
        "msel": _cmd_msel,
    }
    return handlers[args.command](args)


# --------------------------------------------------------------------------
# Helpers shared by commands
# --------------------------------------------------------------------------


def _journal(store: str | None) -> Journal:
    return Journal(store)  # None: $HOTLINE_STORE, else the user data dir


def _store_flag(store: str | None) -> str:
    return f"--store {shlex.quote(store)} " if store else ""


def _load_or_report(path: str) -> CompiledScenario:
    """Load a scenario for play/simulate; print diagnostics and exit 2 if it is bad."""
    try:
        return load_scenario(path)
    except ScenarioLoadError as exc:
        for diagnostic in exc.diagnostics:
            _err(diagnostic.format())
        errors = len(exc.errors)
        raise CliError(f"{path}: cannot load the scenario ({errors} error(s); "
                       f"run `hotline validate {shlex.quote(path)}`)") from None


def _num(value: float) -> str:
    return f"{value:g}" if abs(value - round(value)) > 1e-9 else str(int(round(value)))


def _band(scenario: CompiledScenario, meter: str, value: float) -> str:
    for band in scenario.meters[meter].bands:
        if value <= band.upto:
            return band.label
    return ""


# --------------------------------------------------------------------------
# validate / schema
# --------------------------------------------------------------------------


def _cmd_validate(args: argparse.Namespace) -> int:
    files: list[str] = args.files
    invalid = errors = warnings = 0
    for path in files:
        scenario, diagnostics = check_scenario_file(path)
        for diagnostic in diagnostics:
            print(diagnostic.format())
        problems = [d for d in diagnostics if d.severity == "error"]
        errors += len(problems)
        warnings += len(diagnostics) - len(problems)
        if scenario is None:
            invalid += 1
            if not problems:  # cannot happen, but never call a file valid silently
                print(f"{path}: cannot be loaded")
            continue
        model = scenario.model
        print(f"{path}: ok ({model.id} v{model.version}: {len(model.nodes)} nodes, "
              f"{len(model.endings)} endings)")
    valid = len(files) - invalid
    print(f"{len(files)} file(s) checked: {valid} valid, {invalid} invalid "
          f"({errors} error(s), {warnings} warning(s))")
    return EXIT_INVALID if invalid else EXIT_OK


def _cmd_lint(args: argparse.Namespace) -> int:
    from game.scenario.lint import lint_command

    return int(lint_command(list(args.files), bool(args.json), strict=bool(args.strict)))


def _cmd_msel(args: argparse.Namespace) -> int:
    from game.analysis.msel import msel_export_command, msel_import_command

    if args.msel_command == "export":
        return int(msel_export_command(args.scenario, args.csv))
    return int(msel_import_command(args.csv, args.out, scenario_id=args.scenario_id,
                                   title=args.title, force=bool(args.force)))


def _cmd_balance(args: argparse.Namespace) -> int:
    from game.analysis.balance import DEFAULT_GAMES, balance_command

    if args.workers is not None and args.workers < 1:
        raise CliError("--workers must be at least 1")
    return int(balance_command(args.scenario, DEFAULT_GAMES if args.n is None else args.n,
                               args.seed, bool(args.json), getattr(args, "html", None),
                               workers=args.workers))


def _cmd_debrief(args: argparse.Namespace) -> int:
    from game.debrief.commands import debrief_command

    with _journal(args.store) as journal:
        return int(debrief_command(journal, args.session_id, args.export,
                                   scenario_path=args.scenario))


def _cmd_schema(args: argparse.Namespace) -> int:
    from game.scenario.schema import schema_text

    sys.stdout.write(schema_text())
    return EXIT_OK


# --------------------------------------------------------------------------
# Transcript rendering
# --------------------------------------------------------------------------


class Transcript:
    """Turns engine events into readable lines for the terminal.

    Args:
        scenario: The scenario being played (for labels and briefs).
        out: Where to write.
        show_hidden: Show what only a facilitator should see (hidden meters,
            flags, acceptance chances); off in interactive trainee play.
    """

    def __init__(self, scenario: CompiledScenario, out: TextIO, show_hidden: bool) -> None:
        self.scenario = scenario
        self.out = out
        self.show_hidden = show_hidden
        self._last_call: Event | None = None

    def write(self, line: str = "") -> None:
        """Write one line."""
        self.out.write(line + "\n")

    def events(self, events: Iterable[Event]) -> None:
        """Render events in order."""
        for event in events:
            self.event(event)
        self.out.flush()

    def _channel_label(self, channel: str | None) -> str:
        if channel is None:
            return ""
        spec = self.scenario.channels.get(channel)
        return spec.label if spec is not None else channel

    def _meter_visible(self, meter: str) -> bool:
        spec = self.scenario.meters.get(meter)
        return self.show_hidden or spec is None or not spec.hidden

    def event(self, e: Event) -> None:
        """Render one event (some are folded into their neighbours)."""
        kind = e["type"]
        render = getattr(self, f"_on_{kind}", None)
        if render is not None:
            render(e)

    def _on_session_started(self, e: Event) -> None:
        model = self.scenario.model
        self.write(f"Hotline - {model.title} ({e['scenario']} v{e['version']}, "
                   f"hash {e['content_hash']}), seed {e['seed']}")

    def _on_node_entered(self, e: Event) -> None:
        node = self.scenario.nodes.get(e["node"])
        self.write()
        self.write(f"== {e['time'].replace('T', ' ')} | {e['title']} ==")
        if node is not None:
            for line in node.brief.strip().splitlines():
                self.write(line)

    def _on_inject(self, e: Event) -> None:
        via = f" via {self._channel_label(e['channel'])}" if e.get("channel") else ""
        who = "facilitator" if e.get("facilitator") else e["kind"]
        self.write(f"  [{who}] {e['sender']}{via}: {e['text']}")

    def _on_decision(self, e: Event) -> None:
        via = f" via {self._channel_label(e['channel'])}" if e.get("channel") else ""
        flag = " (time ran out)" if e.get("timed_out") else ""
        self.write(f"> Choice: {e['label']} [{e['kind']}{via}] (option '{e['option']}'){flag}")
        if e.get("rationale"):
            self.write(f"    why: {e['rationale']}")

    def _on_meter(self, e: Event) -> None:
        meter = e["meter"]
        if not self._meter_visible(meter):
            return
        spec = self.scenario.meters.get(meter)
        label = spec.label if spec is not None else meter
        hidden = " (hidden)" if spec is not None and spec.hidden else ""
        cause = e.get("cause") or {}
        why = cause.get("text") or cause.get("ref") or ""
        rule = cause.get("rule")
        because = f"  <- {why}" + (f" ({rule})" if rule else "") if why or rule else ""
        delta = e["delta"]
        sign = "+" if delta > 0 else ""
        self.write(f"  {label}{hidden}: {_num(e['before'])} -> {_num(e['after'])} "
                   f"({sign}{_num(delta)}){because}")

    def _on_flag(self, e: Event) -> None:
        if self.show_hidden:
            state = "set" if e["value"] else "cleared"
            self.write(f"  flag {e['flag']} {state}  <- {e['cause'].get('text', '')}")

    def _on_channel(self, e: Event) -> None:
        cause = e.get("cause") or {}
        # Calls and answers are shown by their own events; show effects and facilitator moves.
        if cause.get("type") in ("counterpart", "answer") or (
            cause.get("type") == "option" and not cause.get("rule")
        ):
            return
        self.write(f"  {self._channel_label(e['channel'])}: {e['before']} -> {e['after']}"
                   f"  <- {cause.get('text', '')}")

    def _on_call(self, e: Event) -> None:
        self._last_call = e
        chance = f" (acceptance {e['acceptance']:.0%})" if self.show_hidden else ""
        later = ""
        if e["result"] == "ringing" and self.show_hidden and e.get("delay"):
            later = f"; answer due in {e['delay']} turn(s)"
        self.write(f"  Call on {self._channel_label(e['channel'])}: {e['result'].upper()} - "
                   f"{e['reason']}{chance}{later}")

    def _on_signal(self, e: Event) -> None:
        call = self._last_call
        if call is not None and call["channel"] == e["channel"] and call["reason"] == e["text"]:
            return  # the call line already says it
        self.write(f"  Signal on {self._channel_label(e['channel'])} ({e['status']}): {e['text']}")

    def _on_call_answered_late(self, e: Event) -> None:
        self.write(f"  Late answer on {self._channel_label(e['channel'])} (requested at turn "
                   f"{e['requested_turn'] + 1}): {e['text']}")

    def _on_outcome(self, e: Event) -> None:
        self.write(f"  Outcome: {e['text']}")

    def _on_facilitator(self, e: Event) -> None:
        fields = ", ".join(f"{k}={v}" for k, v in e.items()
                           if k not in ("seq", "turn", "clock", "type", "action") and v)
        self.write(f"  [facilitator] {e['action']}" + (f": {fields}" if fields else ""))

    def _on_ending(self, e: Event) -> None:
        self.write()
        self.write(f"== Ending: {e['title']} ({e['tone']}) ==")
        self.write(e["text"])

    def _on_score(self, e: Event) -> None:
        self.write()
        self.write(f"Score {_num(e['total'])}/100 (escalation severity total "
                   f"{_num(e['severity_total'])})")
        width = max((len(p["label"]) for p in e["parts"]), default=0)
        for part in e["parts"]:
            self.write(f"  {part['label']:<{width}}  {part['points']:6.1f} / "
                       f"{_num(part['max']):>3}  {part['detail']}")
        ratings: dict[str, str | None] = e.get("ratings") or {}
        if ratings:
            from game.engine import RATING_LABELS

            texts = {o.id: o.text for o in self.scenario.model.objectives}
            self.write("Objectives")
            for objective, code in ratings.items():
                label = RATING_LABELS.get(code or "", "not rated")
                self.write(f"  {code or '-'}  {texts.get(objective, objective)} ({label})")

    # -- the decision point ---------------------------------------------

    def status(self, session: Session) -> None:
        """One line with the meters the player may see."""
        parts = []
        for meter_id, value in session.meters.items():
            if not self._meter_visible(meter_id):
                continue
            spec = self.scenario.meters[meter_id]
            band = _band(self.scenario, meter_id, value)
            parts.append(f"{spec.label} {_num(value)}" + (f" ({band})" if band else ""))
        if parts:
            self.write("  " + " | ".join(parts))

    def options(self, session: Session) -> None:
        """The prompt and the numbered options of the current decision."""
        view = session.current()
        self.write()
        limit = f" (time limit {view.time_limit} s; not enforced here)" if view.time_limit else ""
        self.write(f"{view.prompt}{limit}")
        for i, option in enumerate(view.options, 1):
            channel = f", {option.channel_label}" if option.channel_label else ""
            self.write(f"  {i}) {option.label}  [{option.kind}{channel}]")
            if option.description:
                self.write(f"       {option.description.strip()}")
        self.out.flush()


# --------------------------------------------------------------------------
# Input sources
# --------------------------------------------------------------------------

InputSource = Callable[[Session], "InputDict | None"]


def _from_list(choices: list[str]) -> InputSource:
    queue = list(choices)

    def source(session: Session) -> InputDict | None:
        if not queue:
            return None
        return {"type": "choose", "option": queue.pop(0)}

    return source


def _from_policy(name: str, seed: int) -> InputSource:
    policy = get_policy(name)
    rng = policy_rng(seed)

    def source(session: Session) -> InputDict | None:
        return {"type": "choose", "option": policy(session, rng)}

    return source


def _chain(*sources: InputSource) -> InputSource:
    remaining = list(sources)

    def source(session: Session) -> InputDict | None:
        while remaining:
            data = remaining[0](session)
            if data is not None:
                return data
            remaining.pop(0)
        return None

    return source


def _read(prompt: str) -> str:
    try:
        return input(prompt)
    except EOFError:
        raise _Quit(interrupted=False) from None
    except KeyboardInterrupt:
        raise _Quit(interrupted=True) from None


def _interactive(transcript: Transcript) -> InputSource:
    def source(session: Session) -> InputDict | None:
        transcript.status(session)
        transcript.options(session)
        view = session.current()
        ids = [o.id for o in view.options]
        started = time.monotonic()
        while True:
            answer = _read(f"Your choice [1-{len(ids)}, q to stop]: ").strip()
            if answer.lower() in ("q", "quit", "exit"):
                raise _Quit(interrupted=False)
            if answer.isdigit() and 1 <= int(answer) <= len(ids):
                option = ids[int(answer) - 1]
                break
            if answer in ids:
                option = answer
                break
            transcript.write(f"  Please type a number from 1 to {len(ids)} (or q to stop).")
        seconds = time.monotonic() - started
        rationale = _read("why? (Enter to skip): ").strip()
        data: InputDict = {"type": "choose", "option": option, "seconds": round(seconds, 1)}
        if rationale:
            data["rationale"] = rationale
        return data

    return source


# --------------------------------------------------------------------------
# play / resume
# --------------------------------------------------------------------------


def _check_choices(
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


def _drive(
    journal: Journal,
    sid: str,
    session: Session,
    source: InputSource,
    transcript: Transcript | None,
) -> bool:
    """Feed inputs until the session ends or the source runs dry.

    Every input is validated, then committed to the journal, and only then
    applied to the engine and shown.

    Returns:
        True if the session ended (and was finished in the journal).
    """
    while not session.ended:
        data = source(session)
        if data is None:
            return False
        session.validate_input(data)
        journal.append_input(sid, data)
        result = session.apply(data)
        if transcript is not None:
            transcript.events(result.events)
    outcome = session.outcome
    assert outcome is not None
    journal.finish(sid, ending_id=outcome.ending_id, ending_title=outcome.title,
                   score=outcome.score)
    return True


def _session_json(sid: str, scenario: CompiledScenario, path: str | None,
                  session: Session) -> dict[str, Any]:
    ending = next((e for e in session.events if e["type"] == "ending"), None)
    score = next((e for e in session.events if e["type"] == "score"), None)
    model = scenario.model
    return {
        "session": sid,
        "scenario": {"id": model.id, "version": model.version, "title": model.title,
                     "content_hash": scenario.content_hash, "path": path},
        "seed": session.seed,
        "roles": list(session.roles),
        "inputs": session.inputs,
        "events": session.events,
        "ended": session.ended,
        "ending": None if ending is None else {k: ending[k] for k in ("ending", "title", "tone",
                                                                      "text")},
        "score": None if score is None else {k: score[k] for k in ("total", "severity_total",
                                                                   "parts", "ratings")},
    }


def _left_message(sid: str, session: Session, store: str | None) -> str:
    node = session.scenario.nodes.get(session.node)
    where = f" at '{node.title}'" if node is not None else ""
    return (f"Session {sid} saved after {len(session.inputs)} input(s){where}. "
            f"Continue with: hotline {_store_flag(store)}resume {sid}")


def _play_session(
    *,
    journal: Journal,
    sid: str,
    session: Session,
    source: InputSource,
    transcript: Transcript | None,
    store: str | None,
) -> int:
    try:
        ended = _drive(journal, sid, session, source, transcript)
    except _Quit as quit_:
        _err("")
        _err(_left_message(sid, session, store))
        return EXIT_INTERRUPTED if quit_.interrupted else EXIT_OK
    except EngineError as exc:
        _err(_left_message(sid, session, store))
        raise CliError(str(exc)) from None
    if not ended:
        _err(_left_message(sid, session, store))
        raise CliError("the inputs ran out before an ending")
    return EXIT_OK


def _policy_or_error(name: str) -> str:
    try:
        get_policy(name)
    except PolicyError as exc:
        raise CliError(str(exc)) from None
    return name


def _cmd_play(args: argparse.Namespace) -> int:
    choices = [c.strip() for c in (args.choices or "").split(",") if c.strip()]
    policy = _policy_or_error(args.policy) if args.policy else None
    interactive = not choices and policy is None
    if args.json and policy is None and not choices:
        raise CliError("--json needs --choices or --policy (interactive play prints text)")
    scenario = _load_or_report(args.scenario)
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    if not -(2**63) <= seed < 2**63:
        raise CliError(f"--seed {seed} is too large; use a number that fits in 64 bits")
    roles: list[str] = list(args.role)
    known_roles = {r.id for r in scenario.model.roles}
    for role in roles:
        if role not in known_roles:
            raise CliError(f"unknown role '{role}'; roles: {', '.join(sorted(known_roles))}")
    if choices:
        _check_choices(scenario, seed, roles, choices,
                       open_end=policy is not None or not args.json)
    path = str(Path(args.scenario).resolve())
    model = scenario.model
    meta: dict[str, Any] = {"source": "cli"}
    if choices:
        meta["choices"] = choices
    if policy:
        meta["policy"] = policy
    with _journal(args.store) as journal:
        sid = journal.create_session(
            scenario_id=model.id, scenario_version=model.version,
            content_hash=scenario.content_hash, scenario_title=model.title,
            scenario_path=path, seed=seed, roles=roles, trainee=args.trainee,
            mode="trainee" if interactive else "headless", meta=meta,
        )
        session = Session(scenario, seed, roles)
        transcript = None if args.json else Transcript(scenario, sys.stdout,
                                                       show_hidden=not interactive)
        if transcript is not None:
            transcript.events(session.events[:1])
            trainee = f", trainee {args.trainee}" if args.trainee else ""
            transcript.write(f"Session {sid}{trainee}")
            transcript.events(session.events[1:])
        sources: list[InputSource] = []
        if choices:
            sources.append(_from_list(choices))
        if policy:
            sources.append(_from_policy(policy, seed))
        elif not args.json and transcript is not None:
            sources.append(_interactive(Transcript(scenario, sys.stdout, show_hidden=False)))
        status = _play_session(journal=journal, sid=sid, session=session,
                               source=_chain(*sources), transcript=transcript, store=args.store)
        if status == EXIT_OK and args.json:
            json.dump(_session_json(sid, scenario, path, session), sys.stdout,
                      ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        elif session.ended and transcript is not None:
            transcript.write(f"\n(session {sid} recorded in {journal.path})")
        return status


def _cmd_resume(args: argparse.Namespace) -> int:
    policy = _policy_or_error(args.policy) if args.policy else None
    with _journal(args.store) as journal:
        try:
            record = journal.session(args.session_id)
        except SessionNotFoundError as exc:
            raise CliError(str(exc)) from None
        except JournalError as exc:  # ambiguous prefix and the like
            raise CliError(str(exc)) from None
        if record.ended:
            raise CliError(f"session {record.id} has already ended: {record.ending_title} "
                           f"(score {_num(record.score or 0)}); nothing to resume")
        path = args.scenario or record.scenario_path
        if not path:
            raise CliError(f"session {record.id} has no scenario path recorded; "
                           "pass --scenario PATH")
        if not Path(path).is_file():
            raise CliError(f"the scenario file of session {record.id} is missing: {path} "
                           "(moved or deleted?); pass --scenario PATH to point at it")
        scenario = _load_or_report(path)
        if scenario.content_hash != record.content_hash or scenario.id != record.scenario_id:
            what = (f"scenario '{scenario.id}' is not '{record.scenario_id}'"
                    if scenario.id != record.scenario_id else
                    f"the scenario changed since session {record.id} was recorded "
                    f"(recorded version {record.scenario_version}, hash {record.content_hash}; "
                    f"the file {path} is now version {scenario.model.version}, hash "
                    f"{scenario.content_hash})")
            if not args.force:
                raise CliError(f"{what}. Replaying the recorded answers on it may not "
                               "reproduce the session; re-run with --force to continue anyway")
            _err(f"warning: {what}; continuing because of --force")
            journal.update_meta(record.id, {"forced_resume_hash": scenario.content_hash})
        inputs = journal.inputs(record.id)
        session = Session(scenario, record.seed, list(record.roles))
        for n, data in enumerate(inputs, 1):
            try:
                session.apply(data)
            except EngineError as exc:
                raise CliError(f"recorded input {n} of {len(inputs)} no longer applies: {exc}"
                               ) from None
        transcript = Transcript(scenario, sys.stdout, show_hidden=policy is not None)
        transcript.write(f"Resuming session {record.id}: {record.scenario_title}, seed "
                         f"{record.seed}, {len(inputs)} input(s) replayed"
                         + (f", trainee {record.trainee}" if record.trainee else ""))
        if session.ended:
            # Killed after the last input was saved but before the session was closed.
            transcript.events(session.events[_last_node_start(session.events):])
            outcome = session.outcome
            assert outcome is not None
            journal.finish(record.id, ending_id=outcome.ending_id,
                           ending_title=outcome.title, score=outcome.score)
            return EXIT_OK
        transcript.events(session.events[_last_node_start(session.events):])
        source = (_from_policy(policy, record.seed) if policy else
                  _interactive(Transcript(scenario, sys.stdout, show_hidden=False)))
        status = _play_session(journal=journal, sid=record.id, session=session, source=source,
                               transcript=transcript, store=args.store)
        if session.ended:
            transcript.write(f"\n(session {record.id} recorded in {journal.path})")
        return status


def _last_node_start(events: list[Event]) -> int:
    """Index of the last ``node_entered`` event (0 if none)."""
    for index in range(len(events) - 1, -1, -1):
        if events[index]["type"] in ("node_entered", "ending"):
            return index
    return 0


# --------------------------------------------------------------------------
# sessions
# --------------------------------------------------------------------------


def _record_json(record: SessionRecord) -> dict[str, Any]:
    data = asdict(record)
    data["roles"] = list(record.roles)
    return data


def _when(stamp: str) -> str:
    return stamp[:16].replace("T", " ")


def _cmd_sessions(args: argparse.Namespace) -> int:
    with _journal(args.store) as journal:
        records = journal.sessions(scenario_id=args.scenario, status=args.status)
        if args.json:
            json.dump([_record_json(r) for r in records], sys.stdout, ensure_ascii=False,
                      indent=1)
            sys.stdout.write("\n")
            return EXIT_OK
        if not records:
            print(f"No sessions in {journal.path}.")
            return EXIT_OK
        header = ("ID", "SCENARIO", "TRAINEE", "STATUS", "ENDING", "SCORE", "INPUTS", "UPDATED")
        rows = [
            (r.id, r.scenario_id, r.trainee or "-", r.status, r.ending_id or "-",
             "-" if r.score is None else f"{r.score:.1f}", str(r.n_inputs), _when(r.updated_at))
            for r in records
        ]
        widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
        for row in (header, *rows):
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        print(f"{len(records)} session(s) in {journal.path}")
    return EXIT_OK


# --------------------------------------------------------------------------
# simulate
# --------------------------------------------------------------------------


def _print_report(report: SimulationReport) -> None:
    rate = report.games / report.elapsed if report.elapsed > 0 else 0.0
    last = report.seed + report.games - 1
    print(f"{report.games} game(s) of {report.scenario_id} with policy '{report.policy}', "
          f"seeds {report.seed}..{last}, {report.workers} worker(s), "
          f"{report.elapsed:.2f} s ({rate:,.0f} games/s)"
          + (" - CANCELLED" if report.cancelled else ""))
    print()
    print("Endings")
    width = max(len(f"{e} ({report.ending_titles[e]})") for e in report.endings)
    for ending, count in sorted(report.endings.items(), key=lambda kv: -kv[1]):
        name = f"{ending} ({report.ending_titles[ending]})"
        share = report.share(ending)
        bar = "#" * round(share * 40)
        print(f"  {name:<{width}}  {count:>7}  {share:6.1%}  {bar}")
    score = report.score
    if score is not None:
        print()
        print(f"Score            mean {score.mean:.1f}  p10 {score.p10:.1f}  p25 {score.p25:.1f}  "
              f"median {score.p50:.1f}  p75 {score.p75:.1f}  p90 {score.p90:.1f}  "
              f"(min {score.min:.1f}, max {score.max:.1f})")
        print(f"Peak escalation  mean {report.peak_escalation_mean:.1f}  "
              f"max {_num(report.peak_escalation_max)}")
        print(f"Decisions        mean {report.turns_mean:.2f} per game, "
              f"longest {report.turns_max}")
    nodes = len(report.node_visits)
    print(f"Coverage         nodes {nodes - len(report.unvisited_nodes)}/{nodes}, endings "
          f"{len(report.endings) - len(report.unreached_endings)}/{len(report.endings)}")
    if report.unvisited_nodes:
        print(f"  never visited: {', '.join(report.unvisited_nodes)}")
    if report.unreached_endings:
        print(f"  never reached: {', '.join(report.unreached_endings)}")


def _cmd_simulate(args: argparse.Namespace) -> int:
    if args.balance:
        return _cmd_balance(args)
    if args.n < 1:
        raise CliError("-n must be at least 1")
    if args.workers is not None and args.workers < 1:
        raise CliError("--workers must be at least 1")
    policy = _policy_or_error(args.policy)
    scenario = _load_or_report(args.scenario)
    progress = None
    if sys.stderr.isatty():
        def progress(done: int, total: int) -> None:
            sys.stderr.write(f"\rsimulating... {done}/{total} games")
            sys.stderr.flush()
    try:
        report = simulate(scenario, args.n, policy, seed=args.seed, workers=args.workers,
                          progress=progress)
    except SimulationError as exc:
        raise CliError(str(exc)) from None
    finally:
        if progress is not None:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
    if args.json:
        json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _print_report(report)
    return EXIT_OK
