"""Golden tests: the journal protects what it holds (issue 13, item 10).

Each case builds the damaged, empty, foreign, tampered, read-only or locked
store a user could meet, then checks what the journal and the ``hotline``
commands do with it: the answer names the store and the right fix, the exit
status is 2, and nothing in the file is changed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from game.commands import main
from game.records import (
    HOTLINE_APPLICATION_ID,
    BadRecordError,
    DamagedStoreError,
    ForeignStoreError,
    Journal,
    JournalError,
    StoreError,
    StoreLockedError,
    sqlite_backend,
)
from game.records.recovery import check_store, recover_store

REPO = Path(__file__).resolve().parents[2]
TINY = str(REPO / "tests" / "engine" / "tiny.yaml")


def _new(journal: Journal, **overrides: Any) -> str:
    kwargs: dict[str, Any] = {
        "scenario_id": "strait", "scenario_version": "1", "content_hash": "sha256:abc",
        "scenario_title": "Strait", "scenario_path": None, "seed": 42, "roles": ["secdef"],
    }
    kwargs.update(overrides)
    return journal.create_session(**kwargs)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _filled_store(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Five sessions; the third has 400 inputs, so its inputs span many pages."""
    written: dict[str, list[dict[str, Any]]] = {}
    with Journal(path) as journal:
        for k in range(5):
            sid = _new(journal, scenario_id=f"s{k}", seed=k)
            inputs = [{"i": i, "pad": "x" * 200} for i in range(400 if k == 2 else 5)]
            for data in inputs:
                journal.append_input(sid, data)
            written[sid] = inputs
        journal.finish(next(iter(written)), ending_id="e", ending_title="E", score=50)
    return written


# -- damaged pages -------------------------------------------------------------

PAGE = 4096
#: Where each kind of damage goes: a byte offset in the file, or ("data", page,
#: offset) counting pages after the schema's last root page, so the damage lands
#: on the sessions' data whatever tables later schema steps add.
_DAMAGE: dict[str, tuple[Any, int, bytes | None]] = {
    "page 1 after the header": (100, 400, b"\xa5"),
    "five middle pages": (("data", 2, 0), PAGE * 5, b"\xa5"),
    "one page zeroed": (("data", 4, 0), PAGE, b"\x00"),
    "last page random": (-PAGE, PAGE, None),
    "first half of a page random": (("data", 12, 0), PAGE // 2, None),
    "a page's type byte": (("data", 0, 0), 1, b"\x0d"),
    "a cell pointer array": (("data", 1, 8), 16, b"\xff"),
    "page 2 zeroed": (PAGE, PAGE, b"\x00"),
}


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("filled") / "journal.sqlite3"
    return path, _filled_store(path)


def _last_root_page(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        (root,) = conn.execute("SELECT MAX(rootpage) FROM sqlite_master").fetchone()
    finally:
        conn.close()
    return int(root)


def _damage(src: Path, dst: Path, case: str) -> None:
    shutil.copy(src, dst)
    where, size, byte = _DAMAGE[case]
    if isinstance(where, tuple):  # pages are numbered from 1; the root page's offset is below
        _data, page, inside = where
        offset = (_last_root_page(src) + page) * PAGE + inside
    else:
        offset = where + (dst.stat().st_size if where < 0 else 0)
    rng = random.Random(case)
    data = bytes(rng.randrange(256) for _ in range(size)) if byte is None else byte * size
    with open(dst, "r+b") as handle:
        handle.seek(offset)
        handle.write(data)


@pytest.mark.parametrize("case", sorted(_DAMAGE))
def test_damaged_pages_detected_at_open_and_never_written(
    case: str, filled: tuple[Path, Any], tmp_path: Path
) -> None:
    path = tmp_path / "journal.sqlite3"
    _damage(filled[0], path, case)
    before = _digest(path)
    with pytest.raises(DamagedStoreError) as info:
        Journal(path)
    message = str(info.value)
    assert str(path) in message
    assert "will not write" in message
    assert "store recover" in message and "store check" in message
    assert "move the file aside" not in message
    assert info.value.problems
    # Opened read-only it still refuses every write.
    try:
        journal = Journal(path, read_only=True)
    except DamagedStoreError:
        journal = None  # even its table of contents is unreadable
    if journal is not None:
        with journal:
            assert journal.damage
            with pytest.raises(DamagedStoreError, match="store recover"):
                _new(journal)
    assert _digest(path) == before
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def test_damaged_store_commands_exit_2_and_recover_copies_the_readable_sessions(
    filled: tuple[Path, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "journal.sqlite3"
    _damage(filled[0], path, "first half of a page random")
    written = filled[1]
    before = _digest(path)

    code, _, err = _cli(capsys, "--store", str(path), "play", TINY, "--choices", "wait")
    assert code == 2 and "is damaged" in err and "store recover" in err

    code, out, err = _cli(capsys, "--store", str(path), "store", "check")
    assert code == 2
    assert "problem: structure:" in out
    assert "store recover NEW.sqlite3" in err

    out_path = tmp_path / "recovered.sqlite3"
    code, out, err = _cli(capsys, "--store", str(path), "store", "recover", str(out_path))
    assert code == 0, err
    assert f"into {out_path}" in out
    with Journal(out_path) as recovered:
        records = {r.id: r for r in recovered.sessions()}
        # Every session with all its inputs readable comes back exactly.
        report = check_store(path)
        complete = {c.session_id for c in report.sessions if c.complete}
        assert complete, "the damage should have spared some sessions"
        for sid in complete:
            assert recovered.inputs(sid) == written[sid]
        for copy in report.sessions:
            if copy.record is not None and not copy.complete:
                assert records[copy.session_id].status == "active"
                assert records[copy.session_id].meta["recovered"]["problem"] == copy.problem
                assert recovered.inputs(copy.session_id) == written[copy.session_id][
                    : len(copy.inputs)
                ]
    assert _digest(path) == before
    # The recovered store is sound.
    code, out, _ = _cli(capsys, "--store", str(out_path), "store", "check")
    assert code == 0 and "No problems found." in out


def test_recover_refuses_an_existing_target(
    filled: tuple[Path, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "exists.sqlite3"
    target.write_text("keep me")
    code, _, err = _cli(capsys, "--store", str(filled[0]), "store", "recover", str(target))
    assert code == 2 and "already exists" in err
    assert target.read_text() == "keep me"


def test_check_a_sound_store(filled: tuple[Path, Any], capsys: pytest.CaptureFixture[str]) -> None:
    before = _digest(filled[0])
    code, out, _ = _cli(capsys, "--store", str(filled[0]), "store", "check")
    assert code == 0
    assert "5 session(s) read back whole, 420 input(s)" in out
    assert "No problems found." in out
    assert _digest(filled[0]) == before


# -- zero-byte and foreign files -----------------------------------------------


def test_zero_byte_store_is_reported_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(ForeignStoreError) as info:
        Journal(path)
    message = str(info.value)
    assert "empty (0 bytes)" in message and str(path) in message
    assert "Nothing was changed" in message and "backup" in message
    for args in (["sessions"], ["store", "check"], ["play", TINY, "--choices", "wait"]):
        code, _, err = _cli(capsys, "--store", str(path), *args)
        assert code == 2, args
        assert "empty (0 bytes)" in err
    assert path.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.sqlite3"]


def _other_app_db(path: Path, *, app_id: int = 0) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    if app_id:
        conn.execute(f"PRAGMA application_id = {app_id}")
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('Ada')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("another SQLite database", "table or index named 'customers'"),
        ("another application id", "application id is 0x12345678"),
        ("a text file", "not an SQLite database at all"),
        ("a look-alike without the journal's trigger", "table or index named"),
    ],
)
def test_foreign_file_refused_without_touching_it(
    kind: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.db"
    if kind == "another SQLite database":
        _other_app_db(path)
    elif kind == "another application id":
        _other_app_db(path, app_id=0x12345678)
    elif kind == "a text file":
        path.write_text("name,score\nAda,3\n" * 50)
    else:
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE sessions (id TEXT)")
        conn.execute("CREATE TABLE inputs (id TEXT)")
        conn.execute("PRAGMA user_version = 1")
        conn.commit()
        conn.close()
    before = _digest(path)
    with pytest.raises(ForeignStoreError) as info:
        Journal(path)
    assert expected in str(info.value)
    assert "Nothing was changed" in str(info.value)
    code, _, err = _cli(capsys, "--store", str(path), "sessions")
    assert code == 2 and expected in err
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]  # no -wal, no -shm
    if kind != "a text file":
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # never WAL
        conn.close()


def test_new_store_is_marked_and_created_whole(tmp_path: Path) -> None:
    path = tmp_path / "new" / "journal.sqlite3"
    with Journal(path) as journal:
        _new(journal)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == HOTLINE_APPLICATION_ID
    conn.close()
    assert sorted(p.name for p in path.parent.iterdir()) == ["journal.sqlite3"]  # no temp left


def test_store_from_before_application_ids_is_adopted(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with Journal(path) as journal:
        sid = _new(journal)
        journal.append_input(sid, {"i": 1})
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 0")
    conn.commit()
    conn.close()
    with Journal(path) as journal:
        assert journal.inputs(sid) == [{"i": 1}]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == HOTLINE_APPLICATION_ID
    conn.close()


# -- bad rows ------------------------------------------------------------------


def _store_with_bad_rows(path: Path) -> dict[str, str]:
    """Three good sessions and three that another program spoiled."""
    with Journal(path) as journal:
        ids = {name: _new(journal, trainee=name) for name in
               ("good-1", "bad-seed", "good-2", "bad-input", "bad-meta", "good-3")}
        for sid in ids.values():
            journal.append_input(sid, {"type": "choose", "option": "wait"})
            journal.append_input(sid, {"type": "choose", "option": "call"})
    conn = sqlite3.connect(path)
    conn.execute("UPDATE sessions SET seed = 'abc' WHERE id = ?", (ids["bad-seed"],))
    conn.execute("UPDATE sessions SET meta = '[1, 2]' WHERE id = ?", (ids["bad-meta"],))
    conn.execute(
        "INSERT INTO inputs (session_id, seq, data, recorded_at) "
        "VALUES (?, 3, '\"not an object\"', 'x')",
        (ids["bad-input"],),
    )
    conn.commit()
    conn.close()
    return ids


def test_bad_rows_are_skipped_with_a_warning_and_the_rest_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "journal.sqlite3"
    ids = _store_with_bad_rows(path)
    with Journal(path) as journal:
        listing = journal.list_sessions()
        listed = {r.trainee for r in listing.records}
        assert listed == {"good-1", "good-2", "good-3", "bad-input"}
        problems = {p.session_id: p.message for p in listing.problems}
        assert set(problems) == {ids["bad-seed"], ids["bad-meta"]}
        assert "its seed is 'abc', not a whole number" in problems[ids["bad-seed"]]
        assert "its meta is [1, 2], not an object" in problems[ids["bad-meta"]]
        with caplog.at_level(logging.WARNING, logger="game.records"):
            assert len(journal.sessions()) == 4
        assert sum("skipped a session" in r.message for r in caplog.records) == 2
        with pytest.raises(BadRecordError, match="input 3 is 'not an object', not an object"):
            journal.inputs(ids["bad-input"])
        with pytest.raises(BadRecordError, match="seed is 'abc'"):
            journal.session(ids["bad-seed"])
        assert journal.inputs(ids["good-2"])[1] == {"type": "choose", "option": "call"}

    code, out, err = _cli(capsys, "--store", str(path), "sessions")
    assert code == 0
    for name in ("good-1", "good-2", "good-3", "bad-input"):
        assert name in out
    assert "4 session(s)" in out
    assert err.count("warning: skipped a session") == 2
    assert ids["bad-seed"] in err and ids["bad-meta"] in err and "store check" in err

    code, _, err = _cli(capsys, "--store", str(path), "debrief", ids["bad-seed"])
    assert code == 2 and "seed is 'abc'" in err

    code, out, _ = _cli(capsys, "--store", str(path), "store", "check")
    assert code == 2
    for key in ("bad-seed", "bad-meta", "bad-input"):
        assert f"session {ids[key]}:" in out

    out_path = tmp_path / "recovered.sqlite3"
    code, out, _ = _cli(capsys, "--store", str(path), "store", "recover", str(out_path))
    assert code == 0
    assert "3 whole, 1 partly, 2 lost" in out
    with Journal(out_path) as recovered:
        assert {r.trainee for r in recovered.sessions()} == {
            "good-1", "good-2", "good-3", "bad-input"}
        assert recovered.inputs(ids["bad-input"]) == [
            {"type": "choose", "option": "wait"}, {"type": "choose", "option": "call"}]


# -- read-only folder and held lock --------------------------------------------


def _unprivileged(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run Python code without root's power to ignore file permissions."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv to drop the permission override")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("HOTLINE_STORE", None)
    return subprocess.run(
        [*prefix, sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, env=env,
        capture_output=True, text=True, timeout=120,
    )


def test_read_only_folder_gets_folder_advice_and_can_still_be_read(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    path = folder / "journal.sqlite3"
    with Journal(path) as journal:
        sid = _new(journal, trainee="Ana")
        journal.append_input(sid, {"type": "choose", "option": "wait"})
    folder.chmod(0o555)
    try:
        done = _unprivileged(
            f"""
            import sys
            from game.records import Journal, ReadOnlyStoreError
            from game.commands import main
            try:
                Journal({str(path)!r})
            except ReadOnlyStoreError as exc:
                print("REFUSED", exc)
            sys.stdout.flush()
            print("PLAY", main(["--store", {str(path)!r}, "play", {TINY!r}, "--seed", "1",
                                "--choices", "wait"]))
            print("SESSIONS", main(["--store", {str(path)!r}, "sessions"]))
            """,
            tmp_path,
        )
    finally:
        folder.chmod(0o755)
    out = done.stdout
    assert "REFUSED" in out, done.stderr
    refused = out.split("REFUSED", 1)[1].split("\n", 1)[0]
    assert f"its folder {folder} cannot be written" in refused
    assert "chmod u+w" in refused and "move the file aside" not in refused
    assert "PLAY 2" in out
    assert "SESSIONS 0" in out and "Ana" in out  # listed read-only, with a warning
    assert "showing what can be read" in done.stderr
    with Journal(path) as journal:
        assert [r.trainee for r in journal.sessions()] == ["Ana"]


def test_held_write_lock_gets_lock_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "journal.sqlite3"
    with Journal(path) as journal:
        sid = _new(journal)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE sessions SET trainee = 'held' WHERE id = ?", (sid,))
    try:
        with Journal(path, busy_timeout=0.2) as journal:  # opening does not need the lock
            with pytest.raises(StoreLockedError) as info:
                journal.append_input(sid, {"i": 1})
            message = str(info.value)
            assert "locked by another program" in message and "try again" in message
            assert "move the file aside" not in message and "--store" not in message
            monkeypatch.setattr(sqlite_backend, "BUSY_TIMEOUT_S", 0.2)
            code, _, err = _cli(capsys, "--store", str(path), "play", TINY, "--seed", "1",
                                "--choices", "wait")
            assert code == 2 and "locked by another program" in err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Journal(path) as journal:
        assert journal.append_input(sid, {"i": 1}) == 1


def test_exclusive_lock_at_open_gets_lock_advice(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    Journal(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("COMMIT")  # the exclusive lock stays until the connection closes
    try:
        with pytest.raises(StoreLockedError, match="locked by another program"):
            Journal(path, busy_timeout=0.2)
    finally:
        holder.close()
    Journal(path).close()


# -- store URLs and exit codes -------------------------------------------------


def test_unknown_url_scheme_refused_and_no_folder_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError, match="unknown store URL scheme 'mysql'"):
        Journal("mysql://root:secret@db/class")
    code, _, err = _cli(capsys, "--store", "mysql://root:secret@db/class", "sessions")
    assert code == 2 and "unknown store URL scheme" in err
    assert "secret" not in err  # never print a password
    monkeypatch.setenv("HOTLINE_STORE", "sqlserver://db/class")
    code, _, err = _cli(capsys, "sessions")
    assert code == 2 and "unknown store URL scheme 'sqlserver'" in err
    assert list(tmp_path.iterdir()) == []


def test_unreachable_postgresql_is_a_clear_error_without_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOTLINE_STORE", "postgresql://class:pw@127.0.0.1:9/hotline")
    code, _, err = _cli(capsys, "sessions")
    assert code == 2
    assert "cannot reach the PostgreSQL server for postgresql://class@127.0.0.1:9/hotline" in err
    assert "pw@" not in err
    assert list(tmp_path.iterdir()) == []  # the old bug made a folder 'postgresql:'


@pytest.mark.parametrize(
    "args",
    [["sessions"], ["resume", "ID"], ["debrief", "ID"], ["play", TINY, "--choices", "wait"],
     ["store", "check"], ["store", "recover", "OUT"]],
)
def test_every_command_exits_2_for_an_unusable_store(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"")
    args = [str(tmp_path / "out.sqlite3") if a == "OUT" else a for a in args]
    code, _, err = _cli(capsys, "--store", str(path), *args)
    assert code == 2, err
    assert "empty (0 bytes)" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["resume", "debrief"])
def test_unknown_session_id_exits_2(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _cli(capsys, "--store", str(tmp_path / "j.sqlite3"), command, "nope")
    assert code == 2 and "no session matches 'nope'" in err


def test_internal_journal_fault_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Journal, *args: Any, **kwargs: Any) -> Any:
        raise JournalError("value is not JSON-able: a bug")

    monkeypatch.setattr(Journal, "list_sessions", broken)
    code, _, err = _cli(capsys, "--store", str(tmp_path / "j.sqlite3"), "sessions")
    assert code == 1 and "a bug" in err


def test_recover_and_check_refuse_a_missing_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.sqlite3"
    code, _, err = _cli(capsys, "--store", str(missing), "store", "check")
    assert code == 2 and "there is no journal at" in err
    assert not missing.exists()


def test_recover_api_reports_whole_sessions(filled: tuple[Path, Any], tmp_path: Path) -> None:
    report = recover_store(filled[0], tmp_path / "copy.sqlite3")
    assert report.healthy and len(report.sessions) == 5
    with Journal(tmp_path / "copy.sqlite3") as copy, Journal(filled[0], read_only=True) as src:
        assert [r for r in copy.sessions()] == [r for r in src.sessions()]
        for record in src.sessions():
            assert copy.input_records(record.id) == src.input_records(record.id)
