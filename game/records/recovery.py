"""Checking a store, and copying every readable session out of a damaged one.

Both open the source read-only, so they work on a store that the journal
refuses to write to, and change nothing in it. Reading is done row by row
where a whole-table read fails: on SQLite the sessions are found through
their index when the table's own pages are damaged, and inputs are read one
sequence number at a time, so one bad page costs only the rows on it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Final

from .errors import BadRecordError, DamagedStoreError, JournalError, StoreError
from .journal import (
    InputRecord,
    Journal,
    RowProblem,
    SessionRecord,
    _input_from_row,
    _session_from_row,
)
from .seating import Seating, SeatRows
from .stores import parse_store

__all__ = ["SessionCopy", "StoreReport", "check_store", "iter_lines", "recover_store"]

# The session columns without the count of inputs (that count reads the
# inputs table, which may be the damaged part).
_HEADER_COLUMNS: Final = (
    "s.id, s.scenario_id, s.scenario_version, s.content_hash, s.scenario_title, "
    "s.scenario_path, s.seed, s.roles, s.trainee, s.mode, s.meta, s.created_at, "
    "s.updated_at, s.status, s.ending_id, s.ending_title, s.score, 0, "
    "s.ended_at, s.app_version"
)


@dataclass
class SessionCopy:
    """What could be read of one session.

    Attributes:
        session_id: The session id (as stored).
        record: Its header, or None when the header cannot be read.
        inputs: The inputs read, in order from 1, up to the first unreadable one.
        stored_inputs: How many inputs the store says it holds (None if unknown).
        problem: Why the session is not complete, or None.
    """

    session_id: str
    record: SessionRecord | None
    inputs: list[InputRecord] = field(default_factory=list)
    stored_inputs: int | None = None
    problem: str | None = None

    @property
    def complete(self) -> bool:
        """The header and every input read back."""
        return self.record is not None and self.problem is None


@dataclass
class StoreReport:
    """The result of :func:`check_store` (and the source side of :func:`recover_store`).

    Attributes:
        display: The store, as shown to a user.
        kind: ``"sqlite"`` or ``"postgresql"``.
        structure: Problems the database's own structural check found.
        sessions: One entry per session found.
        unlisted: Problems that hid sessions altogether (unreadable rows
            without an id).
    """

    display: str
    kind: str
    structure: list[str] = field(default_factory=list)
    sessions: list[SessionCopy] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """Nothing wrong at all."""
        return not self.structure and not self.unlisted and all(
            s.complete for s in self.sessions
        )

    @property
    def readable(self) -> list[SessionCopy]:
        """Sessions whose header could be read (complete or not)."""
        return [s for s in self.sessions if s.record is not None]

    @property
    def problems(self) -> list[RowProblem]:
        """One entry per session that is not complete."""
        return [
            RowProblem(s.session_id, s.problem or "cannot be read")
            for s in self.sessions
            if not s.complete
        ]


def _error_text(exc: Exception) -> str:
    if isinstance(exc, DamagedStoreError) and exc.problems:
        return exc.problems[0]  # not the whole advice again for every row
    return " ".join(str(exc).split())


def _session_ids(journal: Journal, report: StoreReport) -> list[str]:
    """Every session id that can be found, oldest first."""
    backend = journal.backend
    try:
        with backend.read() as tx:
            return [str(r[0]) for r in tx.all("SELECT id FROM sessions ORDER BY created_at, id")]
    except JournalError as exc:
        whole_table = _error_text(exc)
        if journal.kind != "sqlite":
            report.unlisted.append(whole_table)
            return []
    # SQLite: find the rows through an index (it holds their rowids), then
    # read them one by one.
    rowids: list[int] = []
    for sql in (
        "SELECT rowid FROM sessions INDEXED BY sessions_by_created ORDER BY created_at",
        "SELECT rowid FROM sessions INDEXED BY sessions_by_scenario",
        "SELECT rowid FROM sessions ORDER BY rowid",
    ):
        try:
            with backend.read() as tx:
                rowids = [int(r[0]) for r in tx.all(sql)]
            break
        except JournalError:
            continue
    ids: list[str] = []
    for rowid in rowids:
        try:
            with backend.read() as tx:
                row = tx.one("SELECT id FROM sessions WHERE rowid = ?", (rowid,))
        except JournalError as exc:
            report.unlisted.append(f"session row {rowid} cannot be read ({_error_text(exc)})")
            continue
        if row is not None:
            ids.append(str(row[0]))
    if not rowids:
        report.unlisted.append(f"the sessions table cannot be read ({whole_table})")
    return ids


def _read_inputs(journal: Journal, sid: str, copy: SessionCopy) -> None:
    backend = journal.backend
    try:
        with backend.read() as tx:
            (count,) = tx.one("SELECT COUNT(*) FROM inputs WHERE session_id = ?", (sid,)) or (0,)
        copy.stored_inputs = int(count)
    except JournalError:
        copy.stored_inputs = None
    columns = "seq, data, recorded_at, " + journal._decision_column
    try:
        with backend.read() as tx:
            rows = tx.all(
                f"SELECT {columns} FROM inputs WHERE session_id = ? ORDER BY seq", (sid,)
            )
        copy.inputs = [_input_from_row(sid, row) for row in rows]
        expected = list(range(1, len(copy.inputs) + 1))
        if [r.seq for r in copy.inputs] != expected:
            raise BadRecordError(f"session {sid} has a gap in its inputs", session_id=sid)
        return
    except JournalError:
        pass  # read them one at a time below
    copy.inputs = []
    seq = 1
    while True:
        try:
            with backend.read() as tx:
                row = tx.one(
                    f"SELECT {columns} FROM inputs WHERE session_id = ? AND seq = ?", (sid, seq)
                )
            if row is None:
                if copy.stored_inputs is not None and seq <= copy.stored_inputs:
                    copy.problem = f"input {seq} is missing"
                return
            copy.inputs.append(_input_from_row(sid, row))
        except JournalError as exc:
            copy.problem = f"input {seq} cannot be read ({_error_text(exc)})"
            return
        seq += 1


def _read_session(journal: Journal, sid: str) -> SessionCopy:
    copy = SessionCopy(sid, None)
    try:
        with journal.backend.read() as tx:
            row = tx.one(f"SELECT {_HEADER_COLUMNS} FROM sessions s WHERE s.id = ?", (sid,))
        if row is None:
            copy.problem = "its row disappeared while reading"
            return copy
        copy.record = _session_from_row(row)
    except JournalError as exc:
        copy.problem = _error_text(exc)
        return copy
    _read_inputs(journal, sid, copy)
    if copy.problem is None and copy.stored_inputs not in (None, len(copy.inputs)):
        copy.problem = f"only {len(copy.inputs)} of {copy.stored_inputs} inputs can be read"
    if copy.problem is None and copy.stored_inputs is None:
        copy.problem = "the count of its inputs cannot be read"
    return copy


def _scan(journal: Journal, report: StoreReport, *, full: bool) -> None:
    report.structure = list(journal.damage) or journal.backend.integrity_problems(full=full)
    for sid in _session_ids(journal, report):
        report.sessions.append(_read_session(journal, sid))


def check_store(store: Path | str | PathLike[str] | None) -> StoreReport:
    """Check a store thoroughly without changing it.

    Runs the database's full structural check and reads back every session
    and every input.

    Args:
        store: A store spec (file path or URL; None for the default).

    Returns:
        The report.

    Raises:
        StoreError: If the store cannot be opened at all (missing, empty,
            foreign, unreachable); nothing was changed.
    """
    with Journal(store, read_only=True) as journal:
        report = StoreReport(journal.location.display, journal.kind)
        _scan(journal, report, full=True)
    return report


def _copy_in(out: Journal, copy: SessionCopy, source: str) -> None:
    record = copy.record
    assert record is not None
    if not copy.complete:
        # A partial copy cannot have reached the recorded ending: reopen it, so
        # it can be resumed from its last readable input.
        meta = dict(record.meta)
        meta["recovered"] = {
            "from": source,
            "inputs_read": len(copy.inputs),
            "inputs_stored": copy.stored_inputs,
            "problem": copy.problem,
            "status_was": record.status,
        }
        record = dataclasses.replace(
            record, status="active", ending_id=None, ending_title=None, score=None,
            ended_at=None, meta=meta,
        )
    out.import_session(record, copy.inputs)


def recover_store(
    source: Path | str | PathLike[str] | None,
    out: Path | str,
    *,
    progress: Callable[[SessionCopy], None] | None = None,
) -> StoreReport:
    """Copy every readable session of ``source`` into the new store ``out``.

    A session whose inputs can be read only in part is copied up to its last
    readable input, reopened (status ``active``) and marked in its meta under
    ``recovered``; a session whose header cannot be read is left out. Every
    input keeps its sequence number and time.

    Args:
        source: The store to read (opened read-only; never changed).
        out: A new SQLite file path (must not exist) or an empty PostgreSQL store.
        progress: Called with each session after it is handled.

    Returns:
        The source's report (which sessions were complete, partial or lost).

    Raises:
        StoreError: ``out`` exists or already holds sessions, or either store
            cannot be opened.
    """
    target = parse_store(out)
    if target.kind == "sqlite" and target.path is not None and (
        target.path.exists() or target.path.is_symlink()
    ):
        raise StoreError(
            f"{target.display} already exists; `store recover` writes a new journal, so name "
            "a file that does not exist yet"
        )
    with Journal(source, read_only=True) as src:
        report = StoreReport(src.location.display, src.kind)
        if target.kind == "sqlite" and src.kind == "sqlite" and (
            Path(target.target).resolve() == src.path.resolve()
        ):
            raise StoreError("the recovered journal must be a new file, not the damaged one")
        with Journal(target.target) as dst:
            if dst.list_sessions().records or dst.list_sessions().problems:
                raise StoreError(
                    f"{dst.location.display} already holds sessions; recover into an empty store"
                )
            report.structure = list(src.damage) or src.backend.integrity_problems(full=False)
            for sid in _session_ids(src, report):
                copy = _read_session(src, sid)
                report.sessions.append(copy)
                if copy.record is not None:
                    _copy_in(dst, copy, src.location.display)
                    _copy_seats(src, dst, copy, report)
                if progress is not None:
                    progress(copy)
            _copy_snapshots(src, dst, report)
            _copy_admin_log(src, dst, report)
    return report


def _copy_seats(src: Journal, dst: Journal, copy: SessionCopy, report: StoreReport) -> None:
    """Copy a class session's join code, votes and clocks, so its desks rejoin with the same code.

    A session copied only in part is reopened at its last readable input: its
    votes and clocks may belong to decisions after that point, so only the
    join code goes with it (the desks vote again, on a fresh clock).
    """
    try:
        rows = Seating(src).export_rows(copy.session_id)
        if not copy.complete:
            rows = SeatRows(rows.code, (), ())
        if rows.code is not None or rows.votes or rows.clocks:
            Seating(dst).import_rows(copy.session_id, rows)
    except JournalError as exc:
        report.unlisted.append(
            f"session {copy.session_id}: its join code, votes or clocks ({_error_text(exc)})")


def _copy_admin_log(src: Journal, dst: Journal, report: StoreReport) -> None:
    """Copy the admin log (deleted sessions live on only there), times and actors kept."""
    try:
        events = src.admin_events()
    except JournalError as exc:
        report.unlisted.append(f"the admin log cannot be read ({_error_text(exc)})")
        return
    for event in events:
        try:
            dst.import_admin_event(event)
        except JournalError as exc:
            report.unlisted.append(f"admin event {event.id}: {_error_text(exc)}")


def _copy_snapshots(src: Journal, dst: Journal, report: StoreReport) -> None:
    """Copy the scenario snapshots that read back intact (a damaged one is left out)."""
    try:
        snapshots = src.scenario_snapshots()
    except JournalError as exc:
        report.unlisted.append(f"the scenario snapshots cannot be read ({_error_text(exc)})")
        return
    for content_hash, scenario_id, version, title, text in snapshots:
        try:
            dst.put_scenario(content_hash, text, scenario_id=scenario_id, version=version,
                             title=title)
        except JournalError as exc:
            report.unlisted.append(f"scenario snapshot {content_hash}: {_error_text(exc)}")


def iter_lines(report: StoreReport) -> Iterator[str]:
    """The problems of a report, one line each (for commands to print)."""
    for line in report.structure:
        yield f"structure: {line}"
    for line in report.unlisted:
        yield f"rows: {line}"
    for copy in report.sessions:
        if not copy.complete:
            yield f"session {copy.session_id}: {copy.problem}"
