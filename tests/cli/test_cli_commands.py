"""The ``hotline`` command end to end, through ``main([...])``."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from game.cli import main
from game.commands import validate as validate_command
from game.records import Journal
from game.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))

BAD_YAML = """\
id: Bad Id
title: x
version: "1"
summary: s
period: p
objectives: []
roles: [{id: lead, title: Lead}]
meters: [{id: escalation, label: E, initial: 500}]
channels: [{id: dtl, label: D, level: military}]
counterpart: {name: C}
nodes:
  - id: first
    title: T
    time: "2023-02-01T09:00"
    brief: B
    decision:
      prompt: P
      options: [{id: go, kind: wait, label: Go, next: nowhere}]
endings: [{id: end-it, title: E, text: T}]
colour: red
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- validate / schema -------------------------------------------------------


def test_validate_good_files(capsys: pytest.CaptureFixture[str], tiny_path: str) -> None:
    code, out, _ = run(capsys, "validate", tiny_path, *map(str, SCENARIOS))
    assert code == 0, out
    assert f"{tiny_path}: ok (tiny v1" in out
    assert out.rstrip().splitlines()[-1].startswith(f"{1 + len(SCENARIOS)} file(s) checked: "
                                                    f"{1 + len(SCENARIOS)} valid, 0 invalid")


def test_validate_reports_every_error_with_position(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, tiny_path: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_YAML, encoding="utf-8")
    empty = tmp_path / "empty.yaml"
    empty.write_bytes(b"")
    code, out, err = run(capsys, "validate", str(bad), tiny_path, str(empty),
                         str(tmp_path / "missing.yaml"))
    assert code == 2
    assert "Traceback" not in out + err
    lines = out.splitlines()
    bad_lines = [line for line in lines if line.startswith(f"{bad}:")]
    assert len(bad_lines) >= 3  # all errors at once: id pattern, unknown key, meter range...
    assert any(line.startswith(f"{bad}:1:") and "id" in line for line in bad_lines)
    assert any("colour" in line and "(fix:" in line for line in bad_lines)
    assert any(line.startswith(f"{empty}") for line in lines)
    assert any("missing.yaml" in line for line in lines)
    assert "4 file(s) checked: 1 valid, 3 invalid" in lines[-1]


def test_validate_internal_fault_exits_1_without_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tiny_path: str
) -> None:
    def boom(path: object) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(validate_command, "inspect_scenario_file", boom)
    monkeypatch.delenv("HOTLINE_DEBUG", raising=False)
    code, out, err = run(capsys, "validate", tiny_path)
    assert code == 1
    assert "internal error: RuntimeError: disk on fire" in err
    assert "report it" in err
    assert "Traceback" not in err


def test_schema_is_sorted_json_with_trailing_newline(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    assert out.endswith("}\n")
    schema = json.loads(out)
    assert "properties" in schema and "nodes" in schema["properties"]
    assert out == json.dumps(schema, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


# --- play ----------------------------------------------------------------------


def test_play_expert_json(capsys: pytest.CaptureFixture[str], tiny_path: str, store: str) -> None:
    code, out, err = run(capsys, "--store", store, "play", tiny_path, "--policy", "expert",
                         "--seed", "5", "--json", "--trainee", "Ada")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["ended"] is True
    assert doc["scenario"]["id"] == "tiny" and len(doc["scenario"]["content_hash"]) == 16
    assert doc["seed"] == 5
    assert [i["option"] for i in doc["inputs"]] == ["call", "back", "allies"]
    assert doc["events"][-2]["type"] == "ending"
    assert doc["ending"]["ending"] == doc["events"][-2]["ending"]
    assert 0 <= doc["score"]["total"] <= 100 and doc["score"]["parts"]
    with Journal(store) as journal:
        record = journal.session(doc["session"])
        assert record.status == "ended" and record.trainee == "Ada"
        assert record.ending_id == doc["ending"]["ending"]
        assert record.score == doc["score"]["total"]
        assert journal.inputs(record.id) == doc["inputs"]
        assert record.seed == 5 and record.scenario_path == str(Path(tiny_path).resolve())


def test_play_transcript(capsys: pytest.CaptureFixture[str], tiny_path: str, store: str) -> None:
    code, out, _ = run(capsys, "play", tiny_path, "--seed", "3", "--choices", "shoot,wait,concede")
    assert code == 0
    assert "== 2023-02-01 09:00 | Something in the sky ==" in out
    assert "[Intelligence] Intel: It is big." in out
    assert "> Chose “Shoot it down” [escalate, option shoot]" in out
    assert ("Escalation risk 20 → 50 (+30), because of decision: Shoot it down "
            "[escalation += 30]") in out
    assert "flag shot set, because of decision: Shoot it down [flags.shot = true]" in out
    assert "== Ending: Freeze (mixed) ==" in out
    assert "Low rise in escalation" in out and "Objectives" in out
    assert f"recorded in {store}" in out


def test_play_json_same_seed_same_events(
    capsys: pytest.CaptureFixture[str], tiny_path: str, store: str
) -> None:
    docs = []
    for _ in range(2):
        code, out, _ = run(capsys, "play", tiny_path, "--seed", "9", "--policy", "random",
                           "--json")
        assert code == 0
        docs.append(json.loads(out))
    assert docs[0]["session"] != docs[1]["session"]
    assert docs[0]["events"] == docs[1]["events"]


def test_choices_then_policy(capsys: pytest.CaptureFixture[str], tiny_path: str,
                             store: str) -> None:
    code, out, _ = run(capsys, "play", tiny_path, "--seed", "1", "--choices", "wait",
                       "--policy", "always-allies", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["inputs"][0]["option"] == "wait" and doc["ended"]


def test_bad_choice_lists_valid_options_and_records_nothing(
    capsys: pytest.CaptureFixture[str], tiny_path: str, store: str
) -> None:
    code, out, err = run(capsys, "play", tiny_path, "--seed", "1", "--choices", "call,fly,wait")
    assert code == 2
    assert "choice 2 'fly' is not an option at node 'second' (The morning after)" in err
    assert "back (Political back-channel), wait (Wait), war (Escalate hard)" in err
    with Journal(store) as journal:
        assert journal.sessions() == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--choices", "call,back,allies,wait"], "left over"),
        (["--choices", "call", "--json"], "do not reach an ending"),
        (["--json"], "--json needs --choices or --policy"),
        (["--policy", "clever"], "valid policies: random, expert"),
        (["--role", "pilot", "--policy", "random"], "unknown role 'pilot'"),
        (["--seed", str(2**70), "--policy", "random"], "too large"),
    ],
)
def test_play_argument_errors(
    capsys: pytest.CaptureFixture[str], tiny_path: str, store: str, argv: list[str],
    message: str,
) -> None:
    code, _, err = run(capsys, "play", tiny_path, "--seed", "1", *argv)
    assert code == 2
    assert message in err


def test_play_invalid_scenario_prints_diagnostics(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_YAML, encoding="utf-8")
    for command in ("play", "simulate"):
        code, _, err = run(capsys, command, str(bad), "--policy", "random")
        assert code == 2
        assert f"{bad}:1:" in err and "cannot load the scenario" in err
        code, _, err = run(capsys, command, str(tmp_path / "nope.yaml"), "--policy", "random")
        assert code == 2 and "does not exist" in err


def test_interactive_play_via_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tiny_path: str,
    store: str,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("9\nshoot\nthey crossed the line\n"))
    code, out, err = run(capsys, "play", tiny_path, "--seed", "2")
    assert code == 0  # EOF: left cleanly
    assert "1) Shoot it down  [escalate]" in out
    assert "2) Call the defense link  [call, Defense telephone link]" in out
    assert "Please type a number from 1 to 3" in out
    assert "Channel openness" not in out  # hidden meter: not shown to the trainee
    assert "Continue with: hotline resume" in err
    with Journal(store) as journal:
        (record,) = journal.sessions()
        assert record.status == "active" and record.mode == "trainee"
        (data,) = journal.inputs(record.id)
        assert data["option"] == "shoot" and data["rationale"] == "they crossed the line"

    # Resume and finish it (number choices, one without a rationale).
    monkeypatch.setattr(sys, "stdin", io.StringIO("2\n\n1\nsorry\n"))
    code, out, err = run(capsys, "resume", record.id[:13])
    assert code == 0, err
    assert "1 input(s) replayed" in out
    assert "The morning after" in out and "Ending:" in out
    with Journal(store) as journal:
        record = journal.session(record.id)
        assert record.status == "ended"
        inputs = journal.inputs(record.id)
        assert [i["option"] for i in inputs] == ["shoot", "wait", "concede"]
        assert "rationale" not in inputs[1] and inputs[2]["rationale"] == "sorry"


def test_q_leaves_and_ctrl_c_exits_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tiny_path: str,
    store: str,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("q\n"))
    code, _, err = run(capsys, "play", tiny_path, "--seed", "2")
    assert code == 0 and "saved after 0 input(s)" in err

    def interrupt(prompt: str = "") -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("builtins.input", interrupt)
    code, _, err = run(capsys, "play", tiny_path, "--seed", "2")
    assert code == 130 and "Continue with:" in err and "Traceback" not in err


# --- resume --------------------------------------------------------------------


def _start_partial(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                   scenario: str) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO("2\n\n"))
    assert main(["play", scenario, "--seed", "4"]) == 0
    capsys.readouterr()
    with Journal() as journal:
        return journal.sessions()[0].id


def test_resume_continues_on_the_recorded_version_after_an_edit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    tiny_path: str, store: str,
) -> None:
    copy = tmp_path / "tiny.yaml"
    shutil.copy(tiny_path, copy)
    sid = _start_partial(capsys, monkeypatch, str(copy))
    copy.write_text(copy.read_text().replace("It is big.", "It is very big."))
    code, out, err = run(capsys, "resume", sid, "--policy", "expert")
    assert code == 0, err
    assert "edited since" in err and "continues on the version it was played on" in err
    assert "Ending:" in out
    with Journal() as journal:
        record = journal.session(sid)
        assert record.status == "ended" and "played_on" not in record.meta
    code, _, err = run(capsys, "resume", sid)
    assert code == 2 and "has already ended" in err


def test_resume_on_the_current_file_is_explicit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    tiny_path: str, store: str,
) -> None:
    copy = tmp_path / "tiny.yaml"
    shutil.copy(tiny_path, copy)
    sid = _start_partial(capsys, monkeypatch, str(copy))
    copy.write_text(copy.read_text().replace("It is big.", "It is very big."))
    code, out, err = run(capsys, "resume", sid, "--on-current-file", "--policy", "expert")
    assert code == 0, err
    assert "continuing on the current file" in err and "Ending:" in out
    with Journal() as journal:
        record = journal.session(sid)
        assert record.meta["played_on"] != record.content_hash  # marked: replays on the edit
    code, out, _ = run(capsys, "debrief", sid)
    assert code == 0 and "continued on content" in out
    # A scenario with another id is refused.
    other = tmp_path / "other.yaml"
    other.write_text(copy.read_text().replace("id: tiny", "id: other"))
    sid2 = _start_partial(capsys, monkeypatch, str(copy))
    code, _, err = run(capsys, "resume", sid2, "--on-current-file", "--scenario", str(other))
    assert code == 2 and "is not 'tiny'" in err


def test_resume_errors(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    tiny_path: str, store: str,
) -> None:
    code, _, err = run(capsys, "resume", "nope")
    assert code == 2 and "hotline" in err and "sessions" in err
    # A session survives its file: the journal keeps the scenario it was played on.
    copy = tmp_path / "tiny.yaml"
    shutil.copy(tiny_path, copy)
    sid = _start_partial(capsys, monkeypatch, str(copy))
    copy.unlink()
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\n\n1\n\n"))
    code, out, err = run(capsys, "resume", sid)
    assert code == 0, err
    # A journal from before snapshots: without the file the session cannot be replayed.
    with Journal() as journal:
        old = journal.create_session(
            scenario_id="tiny", scenario_version="1", content_hash="0123456789abcdef",
            scenario_title="Tiny test crisis", scenario_path=str(copy), seed=4, roles=[])
    code, _, err = run(capsys, "resume", old)
    assert code == 2 and "holds no copy" in err and "--scenario PATH" in err


def test_resume_finishes_a_session_killed_after_its_last_input(
    capsys: pytest.CaptureFixture[str], tiny_path: str, store: str
) -> None:
    with Journal(store) as journal:
        sid = journal.create_session(
            scenario_id="tiny", scenario_version="1",
            content_hash=load_scenario(tiny_path).content_hash, scenario_title="Tiny",
            scenario_path=tiny_path, seed=1, roles=[])
        for option in ("call", "back", "allies"):
            journal.append_input(sid, {"type": "choose", "option": option})
    code, out, _ = run(capsys, "resume", sid)
    assert code == 0 and "Ending:" in out
    with Journal(store) as journal:
        assert journal.session(sid).status == "ended"


# --- sessions ------------------------------------------------------------------


def test_sessions_table_and_json(capsys: pytest.CaptureFixture[str], tiny_path: str,
                                 store: str) -> None:
    code, out, _ = run(capsys, "sessions")
    assert code == 0 and "No sessions" in out
    assert main(["play", tiny_path, "--seed", "1", "--policy", "expert", "--json",
                 "--trainee", "Team Blue"]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "sessions")
    header, row, footer = out.splitlines()
    for column in ("ID", "SCENARIO", "TRAINEE", "STATUS", "ENDING", "SCORE", "INPUTS", "STARTED"):
        assert column in header
    assert "tiny" in row and "Team Blue" in row and "ended" in row
    assert footer.startswith("1 session(s)")
    code, out, _ = run(capsys, "sessions", "--json")
    (doc,) = json.loads(out)
    assert doc["scenario_id"] == "tiny" and doc["n_inputs"] == 3 and doc["roles"] == []
    code, out, _ = run(capsys, "sessions", "--json", "--scenario", "other")
    assert json.loads(out) == []


def test_store_flag_beats_environment(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                      tiny_path: str, store: str) -> None:
    other = tmp_path / "other.sqlite3"
    assert main(["--store", str(other), "play", tiny_path, "--seed", "1", "--policy",
                 "random", "--json"]) == 0
    capsys.readouterr()
    with Journal(other) as journal:
        assert len(journal.sessions()) == 1
    with Journal(store) as journal:
        assert journal.sessions() == []


# --- simulate ------------------------------------------------------------------


def test_simulate_text_and_json(capsys: pytest.CaptureFixture[str], tiny_path: str) -> None:
    code, out, err = run(capsys, "simulate", tiny_path, "-n", "300", "--policy", "random",
                         "--seed", "2")
    assert code == 0
    assert "300 game(s) of tiny with policy 'random', seeds 2..301" in out
    assert "Endings" in out and "freeze (Freeze)" in out and "%" in out
    assert "median" in out and "Peak escalation" in out
    assert err == ""  # no progress when stderr is not a terminal
    docs = []
    for workers in ("1", "2"):
        code, out, _ = run(capsys, "simulate", tiny_path, "-n", "300", "--seed", "2", "--json",
                           "--workers", workers)
        assert code == 0
        doc = json.loads(out)
        doc.pop("elapsed"), doc.pop("workers")
        docs.append(doc)
    assert docs[0] == docs[1]
    assert sum(e["games"] for e in docs[0]["endings"]) == 300


def test_simulate_bad_arguments(capsys: pytest.CaptureFixture[str], tiny_path: str) -> None:
    assert run(capsys, "simulate", tiny_path, "-n", "0")[0] == 2
    code, _, err = run(capsys, "simulate", tiny_path, "--policy", "nope")
    assert code == 2 and "valid policies" in err


# --- the app -------------------------------------------------------------------


def test_no_command_opens_the_app(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[list[str]] = []
    fake = types.ModuleType("game.ui.app")

    def run_app(args: list[str]) -> int:
        calls.append(list(args))
        return 0

    fake.run_app = run_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "game.ui.app", fake)
    monkeypatch.delenv("HOTLINE_STORE", raising=False)
    assert main([]) == 0
    assert main(["--store", str(tmp_path / "s.db"), "scenarios/x.yaml"]) == 0
    assert main(["app", "--fullscreen"]) == 0
    assert main(["--theme", "dark"]) == 0
    # A scenario file opens the app on it; app and Qt options go to the app.
    assert calls == [[], ["--scenario", "scenarios/x.yaml"], ["--fullscreen"],
                     ["--theme", "dark"]]
    import os

    assert os.environ["HOTLINE_STORE"] == str(tmp_path / "s.db")


def test_missing_app_is_a_clear_message(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "game.ui.app", None)
    code, _, err = run(capsys)
    assert code == 1
    assert "hotline:" in err and "Traceback" not in err


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "simulate" in out and "resume" in out
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("hotline ")
    code, _, err = run(capsys, "play")
    assert code == 2 and "usage" in err


def test_every_command_prints_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    # argparse formats help texts with '%': a bare '10%' in one is a crash, not a help.
    from game.commands import COMMAND_MODULES

    for module in COMMAND_MODULES:
        try:
            code = main([module.NAME, "--help"])
        except SystemExit as exited:  # argparse's own exit, when main lets it through
            code = exited.code  # type: ignore[assignment]
        out = capsys.readouterr().out
        assert code == 0 and out.startswith("usage: hotline "), module.NAME


# --- as a program ----------------------------------------------------------------


def test_python_dash_m_game(tmp_path: Path, tiny_path: str) -> None:
    env = {"HOTLINE_STORE": str(tmp_path / "j.sqlite3"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-m", "game", "play", tiny_path, "--seed", "3", "--policy", "expert",
         "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ended"] is True
    proc = subprocess.run([sys.executable, "-m", "game", "validate", tiny_path, "/nonexistent"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 2 and "/nonexistent" in proc.stdout


def test_terminal_commands_do_not_import_qt() -> None:
    probe = ("import sys, game.cli; "
             "print(sorted(m for m in sys.modules if m.startswith('PySide6')))")
    proc = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_store_may_follow_the_command(
    capsys: pytest.CaptureFixture[str], tiny_path: str, tmp_path: Path
) -> None:
    other = str(tmp_path / "elsewhere.sqlite3")
    code, _, _ = run(capsys, "play", tiny_path, "--policy", "expert", "--seed", "1",
                     "--store", other)
    assert code == 0
    code, out, _ = run(capsys, "--store", other, "sessions", "--json")
    assert code == 0 and len(json.loads(out)) == 1


def test_msel_round_trip_from_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    scenario = str(Path(__file__).resolve().parents[2] / "scenarios" / "ep3-hainan-2001.yaml")
    csv_path, skeleton = tmp_path / "msel.csv", tmp_path / "skeleton.yaml"
    assert run(capsys, "msel", "export", scenario, "--csv", str(csv_path))[0] == 0
    assert "Serial" in csv_path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert run(capsys, "msel", "import", str(csv_path), "--out", str(skeleton))[0] == 0
    assert run(capsys, "validate", str(skeleton))[0] == 0


def test_the_app_launcher_knows_every_command() -> None:
    # game.launch keeps the command names without importing the commands, so
    # that `hotline` alone opens the app fast; the two lists must agree.
    from game.commands import COMMAND_MODULES
    from game.launch import COMMANDS

    assert tuple(m.NAME for m in COMMAND_MODULES) == COMMANDS
