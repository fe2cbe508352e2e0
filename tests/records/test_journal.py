"""Tests for the append-only session journal (game.records)."""

from __future__ import annotations

import ast
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.records import (
    SCHEMA_VERSION,
    AmbiguousSessionError,
    Journal,
    JournalError,
    SessionEndedError,
    SessionNotFoundError,
    SessionRecord,
    StoreError,
    default_store_path,
)

REPO = Path(__file__).resolve().parents[2]


def _new(journal: Journal, **overrides: Any) -> str:
    """Create a session with sensible defaults."""
    kwargs: dict[str, Any] = {
        "scenario_id": "taiwan-strait",
        "scenario_version": "1.2",
        "content_hash": "sha256:abc123",
        "scenario_title": "Taiwan Strait, 2027",
        "scenario_path": "scenarios/taiwan.yaml",
        "seed": 42,
        "roles": ["secdef", "nsa"],
    }
    kwargs.update(overrides)
    return journal.create_session(**kwargs)


@pytest.fixture
def journal(store_spec: str) -> Any:
    """An open journal on each backend (a SQLite file, then a PostgreSQL database)."""
    with Journal(store_spec) as j:
        yield j


@pytest.fixture
def sqlite_journal(tmp_path: Path) -> Any:
    """An open SQLite journal, for tests that look into the file with sqlite3."""
    with Journal(tmp_path / "journal.sqlite3") as j:
        yield j


# -- round trip -------------------------------------------------------------


def test_create_append_read_round_trip(journal: Journal) -> None:
    sid = _new(journal, trainee="Lt. Ana Ruiz", meta={"cohort": "B-7"})
    choice = {
        "type": "choose",
        "option": "call-dtl",
        "rationale": "Open the line before posture moves — «vite»",
        "role": "secdef",
        "seconds": 12.5,
    }
    inject = {"type": "inject", "node": "n3", "text": "Fishing fleet sighted"}
    assert journal.append_input(sid, choice) == 1
    assert journal.append_input(sid, inject) == 2

    assert journal.inputs(sid) == [choice, inject]
    rec = journal.session(sid)
    assert isinstance(rec, SessionRecord)
    assert rec.id == sid
    assert rec.scenario_id == "taiwan-strait"
    assert rec.scenario_version == "1.2"
    assert rec.content_hash == "sha256:abc123"
    assert rec.scenario_title == "Taiwan Strait, 2027"
    assert rec.scenario_path == "scenarios/taiwan.yaml"
    assert rec.seed == 42
    assert rec.roles == ("secdef", "nsa")
    assert rec.trainee == "Lt. Ana Ruiz"
    assert rec.mode == "trainee"
    assert rec.meta == {"cohort": "B-7"}
    assert rec.status == "active" and not rec.ended
    assert rec.ending_id is None and rec.ending_title is None and rec.score is None
    assert rec.n_inputs == 2
    assert rec.created_at.endswith("+00:00")
    assert rec.updated_at >= rec.created_at
    assert rec.app_version


def test_inputs_stored_as_canonical_json(sqlite_journal: Journal) -> None:
    sid = _new(sqlite_journal)
    sqlite_journal.append_input(sid, {"b": 1, "a": "é", "c": [1, 2]})
    conn = sqlite3.connect(sqlite_journal.path)
    (text,) = conn.execute("SELECT data FROM inputs").fetchone()
    conn.close()
    assert text == '{"a":"é","b":1,"c":[1,2]}'


def test_order_and_seq(journal: Journal) -> None:
    a, b = _new(journal), _new(journal)
    for i in range(30):
        assert journal.append_input(a, {"i": i}) == i + 1
        if i % 3 == 0:
            journal.append_input(b, {"other": i})
    assert journal.inputs(a) == [{"i": i} for i in range(30)]
    assert [r.seq for r in journal.input_records(a)] == list(range(1, 31))
    assert journal.inputs(b) == [{"other": i} for i in range(0, 30, 3)]
    assert journal.session(a).n_inputs == 30


def test_rejects_bad_inputs(journal: Journal) -> None:
    sid = _new(journal)
    with pytest.raises(JournalError, match="must be a dict"):
        journal.append_input(sid, ["not", "a", "dict"])  # type: ignore[arg-type]
    with pytest.raises(JournalError, match="JSON"):
        journal.append_input(sid, {"x": float("nan")})
    with pytest.raises(JournalError, match="JSON"):
        journal.append_input(sid, {"x": object()})
    with pytest.raises(JournalError, match="round trip"):
        journal.append_input(sid, {"x": (1, 2)})
    with pytest.raises(JournalError, match="round trip"):
        journal.append_input(sid, {"x": {1: "int key"}})
    assert journal.inputs(sid) == []


def test_unknown_session(journal: Journal) -> None:
    with pytest.raises(SessionNotFoundError, match="no session matches 'nope'.*hotline sessions"):
        journal.append_input("nope", {"type": "choose"})
    with pytest.raises(SessionNotFoundError):
        journal.session("nope")
    with pytest.raises(SessionNotFoundError):
        journal.inputs("")


def test_append_only_enforced_by_database(sqlite_journal: Journal) -> None:
    sid = _new(sqlite_journal)
    sqlite_journal.append_input(sid, {"i": 1})
    conn = sqlite3.connect(sqlite_journal.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE inputs SET data = '{}'")
    with pytest.raises(sqlite3.IntegrityError, match="in sequence"):
        conn.execute(
            "INSERT INTO inputs (session_id, seq, data, recorded_at) VALUES (?, 5, '{}', 'x')",
            (sid,),
        )
    conn.close()


# -- ids and prefixes -------------------------------------------------------


def test_ids_unique_sortable(journal: Journal) -> None:
    ids = [_new(journal) for _ in range(50)]
    assert len(set(ids)) == 50
    assert all(len(i) <= 24 for i in ids)
    # Same second → same time prefix; ids sort by creation time to the second.
    assert sorted(ids, key=lambda i: i[:13]) == ids
    newest_first = [r.id for r in journal.sessions()]
    assert newest_first == list(reversed(ids))


def test_prefix_lookup_and_ambiguity(journal: Journal) -> None:
    a, b = _new(journal), _new(journal)
    # A unique prefix resolves (the random tail differs).
    common = os.path.commonprefix([a, b])
    pa = a[: len(common) + 1]
    assert journal.session(pa).id == a
    assert journal.resolve(pa) == a
    assert journal.inputs(pa) == []
    assert journal.append_input(pa, {"via": "prefix"}) == 1
    assert journal.inputs(a) == [{"via": "prefix"}]
    # An ambiguous prefix is refused, naming the candidates.
    with pytest.raises(AmbiguousSessionError, match="matches several sessions") as info:
        journal.session(common)
    assert sorted(info.value.candidates) == sorted([a, b])
    assert a in str(info.value) and b in str(info.value)
    # LIKE wildcards in the prefix are literal.
    with pytest.raises(SessionNotFoundError):
        journal.session("%")
    with pytest.raises(SessionNotFoundError):
        journal.session("_")


# -- finish / status ----------------------------------------------------------


def test_finish_and_status(journal: Journal) -> None:
    sid = _new(journal)
    journal.append_input(sid, {"type": "choose", "option": "wait"})
    journal.finish(sid, ending_id="stand-down", ending_title="Both sides stand down", score=81.5)
    rec = journal.session(sid)
    assert rec.status == "ended" and rec.ended
    assert (rec.ending_id, rec.ending_title, rec.score) == (
        "stand-down",
        "Both sides stand down",
        81.5,
    )
    assert rec.ended_at is not None
    # Idempotent with the same outcome.
    journal.finish(sid, ending_id="stand-down", ending_title="Both sides stand down", score=81.5)
    assert journal.session(sid) == rec
    # A different outcome is refused.
    with pytest.raises(SessionEndedError, match="already ended"):
        journal.finish(sid, ending_id="war", ending_title="War", score=0)
    # No inputs after the end.
    with pytest.raises(SessionEndedError, match="has ended"):
        journal.append_input(sid, {"type": "choose"})
    assert journal.session(sid).n_inputs == 1
    with pytest.raises(JournalError, match="finite"):
        journal.finish(_new(journal), ending_id="x", ending_title="x", score=float("inf"))


def test_sessions_filter(journal: Journal) -> None:
    a = _new(journal, scenario_id="strait")
    b = _new(journal, scenario_id="strait")
    c = _new(journal, scenario_id="baltic")
    journal.finish(b, ending_id="e", ending_title="E", score=1.0)
    assert [r.id for r in journal.sessions()] == [c, b, a]
    assert [r.id for r in journal.sessions(scenario_id="strait")] == [b, a]
    assert [r.id for r in journal.sessions(status="active")] == [c, a]
    assert [r.id for r in journal.sessions(status="ended")] == [b]
    assert [r.id for r in journal.sessions(scenario_id="strait", status="active")] == [a]
    assert journal.sessions(scenario_id="nowhere") == []
    with pytest.raises(JournalError, match="unknown session status"):
        journal.sessions(status="paused")


# -- meta -------------------------------------------------------------------


def test_meta_updates(journal: Journal) -> None:
    sid = _new(journal, meta={"cohort": "B-7"})
    journal.set_meta(sid, "aar", {"summary": "Called early — good"})
    journal.set_meta(sid, "observer_notes", ["n1"])
    journal.finish(sid, ending_id="e", ending_title="E", score=50)
    journal.set_meta(sid, "observer_notes", ["n1", "n2"])  # allowed after the end
    assert journal.session(sid).meta == {
        "cohort": "B-7",
        "aar": {"summary": "Called early — good"},
        "observer_notes": ["n1", "n2"],
    }
    new = journal.update_meta(sid, {"x": 1}, remove=["cohort"])
    assert new == journal.session(sid).meta
    assert "cohort" not in new and new["x"] == 1
    # The record's meta is a copy.
    rec = journal.session(sid)
    rec.meta["x"] = 2
    assert journal.session(sid).meta["x"] == 1
    with pytest.raises(JournalError, match="JSON"):
        journal.set_meta(sid, "bad", {1, 2})


def test_meta_concurrent_writers_keep_all_keys(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    with Journal(path) as j:
        sid = _new(j)

    def writer(tag: str) -> None:
        with Journal(path) as mine:
            for i in range(25):
                mine.set_meta(sid, f"{tag}{i}", i)

    threads = [threading.Thread(target=writer, args=(t,)) for t in "abc"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with Journal(path) as j:
        assert len(j.session(sid).meta) == 75


# -- delete -----------------------------------------------------------------


def test_delete_session(sqlite_journal: Journal) -> None:
    keep, drop = _new(sqlite_journal), _new(sqlite_journal)
    sqlite_journal.append_input(drop, {"i": 1})
    sqlite_journal.append_input(keep, {"i": 1})
    sqlite_journal.delete_session(drop)
    assert [r.id for r in sqlite_journal.sessions()] == [keep]
    with pytest.raises(SessionNotFoundError):
        sqlite_journal.inputs(drop)
    conn = sqlite3.connect(sqlite_journal.path)
    (n,) = conn.execute("SELECT COUNT(*) FROM inputs").fetchone()
    conn.close()
    assert n == 1


# -- store handling ---------------------------------------------------------


def test_newer_schema_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    Journal(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer Hotline"):
        Journal(path)


def test_directory_path_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        Journal(tmp_path)


def test_reopen_keeps_data_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "j.sqlite3"
    with Journal(path) as j:
        sid = _new(j)
        j.append_input(sid, {"i": 1})
    assert path.exists()
    with Journal(str(path)) as j:
        assert j.inputs(sid) == [{"i": 1}]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_closed_journal(tmp_path: Path) -> None:
    j = Journal(tmp_path / "j.sqlite3")
    j.close()
    j.close()  # idempotent
    assert j.closed
    with pytest.raises(JournalError, match="closed"):
        j.sessions()


def test_hotline_store_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "from-env" / "store.sqlite3"
    monkeypatch.setenv("HOTLINE_STORE", str(target))
    assert default_store_path() == target
    with Journal() as j:
        assert j.path == target
        _new(j)
    assert target.exists()
    monkeypatch.delenv("HOTLINE_STORE")
    default = default_store_path()
    assert default.name == "journal.sqlite3"
    assert "hotline" in str(default).lower()


def test_rejects_bad_session_arguments(journal: Journal) -> None:
    with pytest.raises(JournalError, match="64-bit"):
        _new(journal, seed=2**70)
    with pytest.raises(JournalError, match="seed must be an int"):
        _new(journal, seed="42")
    with pytest.raises(JournalError, match="roles"):
        _new(journal, roles="secdef")
    assert journal.sessions() == []


# -- concurrency --------------------------------------------------------------


def test_two_journals_same_file(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    with Journal(path) as window, Journal(path) as cli:
        sid = _new(window)
        window.append_input(sid, {"from": "window"})
        assert cli.inputs(sid) == [{"from": "window"}]
        cli.set_meta(sid, "note", "from cli")
        assert window.session(sid).meta == {"note": "from cli"}
        assert cli.append_input(sid, {"from": "cli"}) == 2
        assert window.inputs(sid) == [{"from": "window"}, {"from": "cli"}]


def test_concurrent_appends_get_distinct_seqs(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    with Journal(path) as j:
        sid = _new(j)
    got: list[int] = []
    lock = threading.Lock()
    shared = Journal(path)

    def worker(n: int, own: bool) -> None:
        jj = Journal(path) if own else shared
        try:
            for i in range(20):
                seq = jj.append_input(sid, {"w": n, "i": i})
                with lock:
                    got.append(seq)
        finally:
            if own:
                jj.close()

    threads = [threading.Thread(target=worker, args=(n, n % 2 == 0)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    shared.close()
    assert sorted(got) == list(range(1, 81))
    with Journal(path) as j:
        data = j.inputs(sid)
    for n in range(4):
        assert [d["i"] for d in data if d["w"] == n] == list(range(20))


# -- crash safety -------------------------------------------------------------

_KILL_SCRIPT = textwrap.dedent(
    """
    import sys
    from game.records import Journal

    j = Journal(sys.argv[1])
    sid = j.create_session(
        scenario_id="s", scenario_version="1", content_hash="h",
        scenario_title="T", scenario_path=None, seed=7, roles=["secdef"],
    )
    print("SID", sid, flush=True)
    i = 0
    while True:
        i += 1
        data = {"type": "choose", "option": f"opt-{i}",
                "rationale": "pourquoi pas — 理由 " * (i % 5), "seconds": i * 0.25}
        seq = j.append_input(sid, data)
        print(seq, flush=True)
    """
)


def _expected_input(i: int) -> dict[str, Any]:
    return {
        "type": "choose",
        "option": f"opt-{i}",
        "rationale": "pourquoi pas — 理由 " * (i % 5),
        "seconds": i * 0.25,
    }


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_loses_nothing_acknowledged(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite3"
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILL_SCRIPT, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env,
        text=True,
        encoding="utf-8",
    )
    assert proc.stdout is not None
    printed: list[int] = []
    sid = ""
    try:
        first = proc.stdout.readline()
        assert first.startswith("SID "), first + (proc.stderr.read() if proc.stderr else "")
        sid = first.split()[1]
        while len(printed) < 150:
            line = proc.stdout.readline()
            assert line, "child died early: " + (proc.stderr.read() if proc.stderr else "")
            printed.append(int(line))
        proc.send_signal(signal.SIGKILL)
        # Whatever the child managed to print before dying was acknowledged too.
        rest = proc.stdout.read()
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    complete_lines = rest.split("\n")[:-1]  # a torn last line was never acknowledged
    printed.extend(int(line) for line in complete_lines)
    assert printed == list(range(1, len(printed) + 1))

    with Journal(path) as j:
        records = j.input_records(sid)
        rec = j.session(sid)
    stored = {r.seq: r.data for r in records}
    for seq in printed:
        assert stored[seq] == _expected_input(seq)
    # Nothing half-written either: stored seqs are contiguous and all intact.
    assert [r.seq for r in records] == list(range(1, len(records) + 1))
    assert all(r.data == _expected_input(r.seq) for r in records)
    assert rec.n_inputs == len(records) >= len(printed)
    assert rec.status == "active"


# -- properties ---------------------------------------------------------------

_json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
_json_values = st.recursive(
    _json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
_inputs = st.lists(st.dictionaries(st.text(max_size=12), _json_values, max_size=5), max_size=8)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=_inputs)
def test_property_inputs_round_trip(tmp_path: Path, data: list[dict[str, Any]]) -> None:
    with Journal(tmp_path / "prop.sqlite3") as j:
        sid = _new(j)
        seqs = [j.append_input(sid, d) for d in data]
        assert seqs == list(range(1, len(data) + 1))
        back = j.inputs(sid)
    assert back == data
    # Equal as canonical JSON too (catches int/float or -0.0 drift).
    canon = [json.dumps(d, sort_keys=True) for d in data]
    assert [json.dumps(d, sort_keys=True) for d in back] == canon


# -- boundaries ---------------------------------------------------------------


def test_records_never_imports_pyside() -> None:
    code = (
        "import sys, game.records; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')]; "
        "sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    for py in (REPO / "game" / "records").rglob("*.py"):
        tree = ast.parse(py.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] in ("PySide6", "shiboken6") for n in names), py
