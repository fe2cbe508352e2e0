"""What a hostile file or name must never do to the terminal commands (issue 13).

Every case ends in a clear answer with exit status 0 or 2: no hang, no
endless loop, no control sequence reaching the terminal, no invalid JSON.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest

from game import strictjson
from game.cli import main
from game.engine import EngineError, Session
from game.records import Journal
from game.scenario.loader import load_scenario_text
from game.scenario.models import MAX_TURNS
from game.textsafe import CONTROL, escape

ROOT = Path(__file__).resolve().parents[2]
TINY = (ROOT / "tests" / "engine" / "tiny.yaml").read_text(encoding="utf-8")
HOSTILE = "Eve\x1b]0;pwned\x07\x1b[2J \u202eevil\u202c\nsecond line"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _looping_tiny() -> str:
    """Tiny, where the first node leads back to itself in play (validation, which
    ignores conditions, cannot tell: the way on needs escalation above 1000)."""
    text = TINY.replace("          next: second\n",
                        "          next: [{when: escalation > 1000, goto: second}, "
                        "{goto: first}]\n")
    return text.replace("  - {id: war, title: War, text: It went badly., when: escalation >= 90,"
                        " early: true, tone: bad, bonus: -20}\n", "")


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- a turn cap ------------------------------------------------------------------------


def test_the_engine_stops_a_session_at_the_turn_cap() -> None:
    scenario = load_scenario_text(_looping_tiny(), "loop.yaml")
    session = Session(scenario, 1, batch=True)
    for _ in range(MAX_TURNS):
        session.apply({"type": "choose", "option": "wait"})
    assert session.turn == MAX_TURNS and not session.ended
    with pytest.raises(EngineError, match=f"taken {MAX_TURNS} decisions without reaching an "
                                          "ending"):
        session.validate_input({"type": "choose", "option": "wait"})


def test_play_on_a_looping_scenario_ends_with_a_clear_message(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, store: str) -> None:
    path = _write(tmp_path, "loop.yaml", _looping_tiny())
    code, _out, err = run(capsys, "play", path, "--policy", "random", "--seed", "3")
    assert code == 2
    assert f"the session has taken {MAX_TURNS} decisions without reaching an ending" in err
    assert "hotline lint" in err and "internal error" not in err
    with Journal(store) as journal:
        [record] = journal.sessions()
        assert record.n_inputs == MAX_TURNS  # the refused input was never journalled


def test_play_at_a_node_where_nothing_can_be_chosen_stops(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, store: str) -> None:
    text = TINY.replace("        - id: wait\n          kind: wait\n          label: Wait\n"
                        "          next: third",
                        "        - id: wait\n          kind: wait\n          label: Wait\n"
                        "          available: escalation > 500\n          next: third")
    text = text.replace("          label: Political back-channel\n",
                        "          label: Political back-channel\n"
                        "          available: escalation > 500\n")
    text = text.replace("          label: Escalate hard\n",
                        "          label: Escalate hard\n          available: escalation > 500\n")
    path = _write(tmp_path, "stuck.yaml", text)
    code, _out, err = run(capsys, "play", path, "--choices", "call", "--policy", "random")
    assert code == 2
    assert "no option can be chosen at node 'second'" in err
    assert "internal error" not in err


def test_interactive_play_at_a_stuck_node_does_not_wait_for_input(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, store: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    text = TINY.replace("- {id: concede, kind: concede,",
                        "- {id: concede, kind: concede, available: escalation > 500,")
    text = text.replace("- {id: allies, kind: allies,",
                        "- {id: allies, kind: allies, available: escalation > 500,")
    path = _write(tmp_path, "stuck.yaml", text)
    answers = iter(["2", "", "2", ""])  # wait at 'first', wait at 'second'; then nothing

    def fake_input(prompt: str = "") -> str:
        return next(answers)

    monkeypatch.setattr("builtins.input", fake_input)
    code, _out, err = run(capsys, "play", path, "--seed", "1")
    assert code == 2 and "no option can be chosen at node 'third'" in err


# --- files that are not files ----------------------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("command", [["validate"], ["lint"], ["play", "--policy", "random"],
                                     ["simulate", "-n", "2", "--policy", "random"],
                                     ["balance"], ["msel", "export"]])
def test_a_fifo_or_device_never_hangs_a_command(
        command: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path,
        store: str) -> None:
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        argv = [*command[:1], *([command[1]] if command[0] == "msel" else []), path,
                *(command[2:] if command[0] == "msel" else command[1:])]
        code, out, err = run(capsys, *argv)
        assert code == 2, (argv, out, err)
        assert "not a regular file, so it is not read" in out + err


@pytest.mark.timeout(60)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_msel_import_refuses_a_fifo(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fifo = tmp_path / "table.csv"
    os.mkfifo(fifo)
    code, _out, err = run(capsys, "msel", "import", str(fifo))
    assert code == 2 and "named pipe (FIFO), not a regular file" in err


def test_lint_applies_the_size_limit_before_reading(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("w", encoding="utf-8") as handle:
        for _ in range(30_000):
            handle.write("# " + "x" * 97 + "\n")
    code, out, _err = run(capsys, "lint", "--json", str(big))
    assert code == 2
    [diag] = json.loads(out)["files"][0]["diagnostics"]
    assert diag["code"] == "file-size" and diag["line"] > 20_000 and diag["col"] > 0


# --- controls never reach the terminal ---------------------------------------------------


def _no_controls(text: str) -> None:
    assert CONTROL.search(text) is None, repr(text)


def test_sessions_and_transcripts_show_controls_escaped(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, store: str) -> None:
    tiny = _write(tmp_path, "tiny.yaml", TINY)
    code, out, err = run(capsys, "play", tiny, "--choices", "call,back,allies", "--seed", "1",
                         "--trainee", HOSTILE)
    assert code == 0, err
    _no_controls(out + err)
    assert escape("Eve\x1b]0;pwned\x07") in out
    code, out, err = run(capsys, "sessions")
    assert code == 0
    _no_controls(out + err)
    assert "\\u202eevil" in out and "\\u000asecond line" in out  # one line per session
    assert len(out.splitlines()) == 3  # header, the session, the summary


def test_debrief_shows_controls_escaped(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        store: str) -> None:
    tiny = _write(tmp_path, "tiny.yaml", TINY)
    assert run(capsys, "play", tiny, "--choices", "call,back,allies", "--seed", "1",
               "--trainee", HOSTILE)[0] == 0
    with Journal(store) as journal:
        sid = journal.sessions()[0].id
    code, out, err = run(capsys, "debrief", sid)
    assert code == 0, err
    _no_controls(out + err)


def test_error_messages_show_controls_escaped(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path, store: str) -> None:
    name = str(tmp_path / "no\x1b[2Jsuch\u202e.yaml")
    tiny = _write(tmp_path, "tiny.yaml", TINY)
    for argv in (["validate", name], ["play", name, "--policy", "random"],
                 ["resume", "\x1b[31mnope"], ["play", tiny, "--choices", "x\x07"]):
        code, out, err = run(capsys, *argv)
        assert code == 2, (argv, out, err)
        _no_controls(out + err)
        shown = out + err  # the name is still recognisable, its controls written out
        assert any(e in shown for e in ("\\u001b", "\\x1b", "\\u0007", "\\x07")), shown


# --- strictly valid JSON ------------------------------------------------------------------


def _strict(text: str) -> Any:
    def refuse(word: str) -> Any:
        raise ValueError(f"not JSON: {word}")

    return json.loads(text, parse_constant=refuse)


def test_play_json_is_strict_json(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                  store: str) -> None:
    tiny = _write(tmp_path, "tiny.yaml", TINY)
    code, out, _err = run(capsys, "play", tiny, "--policy", "random", "--seed", "5", "--json")
    assert code == 0
    document = _strict(out)
    assert math.isfinite(document["score"]["total"])


def test_non_finite_numbers_are_written_as_null() -> None:
    text = strictjson.dumps({"score": math.nan, "parts": [math.inf, 1.5, -math.inf]})
    assert _strict(text) == {"score": None, "parts": [None, 1.5, None]}
