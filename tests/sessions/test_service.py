"""The recorded-session service: one protocol, one policy for edited scenarios, snapshots."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.engine import EngineError
from game.engine.machines import attached_models
from game.records import Journal, JournalError, snapshot_hash
from game.scenario.loader import load_scenario
from game.sessions import (
    PLAYED_ON,
    EndingNotRecorded,
    ScenarioUnavailable,
    SessionService,
    canonical_text,
    scenario_changes,
    scenario_from_text,
)

ROOT = Path(__file__).resolve().parent.parent.parent
TINY = ROOT / "tests" / "engine" / "tiny.yaml"
CHOICES = ("call", "back", "allies")


@pytest.fixture
def tiny_file(tmp_path: Path) -> Path:
    """A copy of tiny.yaml the test may edit or delete."""
    path = tmp_path / "scenarios" / "tiny.yaml"
    path.parent.mkdir()
    shutil.copy(TINY, path)
    return path


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal(tmp_path / "journal.sqlite3") as j:
        yield j


def _play(journal: Journal, path: Path, choices: tuple[str, ...] = CHOICES,
          seed: int = 3) -> str:
    with SessionService(journal).create(load_scenario(path), seed=seed,
                                        scenario_path=str(path)) as recorded:
        for option in choices:
            recorded.apply({"type": "choose", "option": option, "rationale": f"why {option}"})
        return recorded.id


def test_canonical_text_is_what_the_content_hash_hashes() -> None:
    for path in [*sorted((ROOT / "scenarios").glob("*.yaml")), TINY]:
        scenario = load_scenario(path)
        text = canonical_text(scenario)
        assert snapshot_hash(text) == scenario.content_hash, path.name
        again = scenario_from_text(text)
        assert again.content_hash == scenario.content_hash, path.name


def test_create_keeps_the_snapshot_once_and_apply_journals_before_the_engine(
        journal: Journal, tiny_file: Path) -> None:
    service = SessionService(journal)
    scenario = load_scenario(tiny_file)
    first = service.create(scenario, seed=1, attach=False)
    second = service.create(scenario, seed=2, attach=False)
    assert journal.scenario_text(scenario.content_hash) == canonical_text(scenario)
    with sqlite3.connect(journal.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM scenarios").fetchone()[0] == 1
    with pytest.raises(EngineError, match="not an option"):
        first.apply({"type": "choose", "option": "nope"})
    assert journal.inputs(first.id) == []  # refused inputs are never recorded
    for option in CHOICES:
        first.apply({"type": "choose", "option": option})
    assert first.ended and journal.session(first.id).ended  # the ending is recorded too
    assert journal.session(first.id).score == first.outcome.score  # type: ignore[union-attr]
    assert not journal.session(second.id).ended


def test_a_session_survives_its_file(journal: Journal, tiny_file: Path, tmp_path: Path) -> None:
    """Record a session, delete its scenario file: it still debriefs and exports its JSON."""
    from game.debrief.commands import debrief_command
    from game.debrief.source import open_debrief

    sid = _play(journal, tiny_file)
    recorded_score = journal.session(sid).score
    tiny_file.unlink()
    opened = open_debrief(journal, sid)
    assert opened.debrief.replayed and opened.scenario is not None
    assert opened.debrief.score == recorded_score
    assert [d.option for d in opened.debrief.decisions] == list(CHOICES)
    assert "its file is gone" in opened.debrief.played_on
    out = tmp_path / "debrief.json"
    assert debrief_command(journal, sid, str(out)) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["debrief"]["score"] == recorded_score
    assert [t["decision"]["option"] for t in document["debrief"]["turns"]] == list(CHOICES)
    assert document["debrief"]["meters"], "a replayed debrief has its meter series"


def test_an_edited_file_replays_on_the_recorded_version_unless_asked(
        journal: Journal, tiny_file: Path) -> None:
    sid = _play(journal, tiny_file, ("call",))
    before = SessionService(journal).open(sid).session.events_json()
    tiny_file.write_text(tiny_file.read_text(encoding="utf-8").replace(
        "text: It is big.", "text: It is enormous."), encoding="utf-8")
    service = SessionService(journal)
    opened = service.open(sid)
    assert opened.session.events_json() == before  # the version it was played on
    assert opened.version.edited and not opened.version.missing
    assert opened.version.describe() == (
        "played on version 1 (edited since; same version number, other content)")
    assert scenario_changes(opened.scenario, load_scenario(tiny_file)) == [
        "decision point first: messages"]
    # Looking at it on the current file is explicit, and marks nothing until played on.
    current = service.open(sid, on="current")
    assert "enormous" in current.session.events_json()
    assert PLAYED_ON not in journal.session(sid).meta
    current.apply({"type": "choose", "option": "back"})
    assert journal.session(sid).meta[PLAYED_ON] == current.scenario.content_hash
    # From then on it replays on the content it was continued on.
    again = service.open(sid)
    assert again.scenario.content_hash == current.scenario.content_hash
    assert again.version.continued_on_edit
    assert "continued on content" in again.version.describe()


def test_no_copy_anywhere_is_a_clear_error(journal: Journal, tiny_file: Path) -> None:
    scenario = load_scenario(tiny_file)
    sid = journal.create_session(  # written like a journal from before snapshots
        scenario_id=scenario.id, scenario_version="1", content_hash=scenario.content_hash,
        scenario_title=scenario.model.title, scenario_path=str(tiny_file), seed=1, roles=[])
    tiny_file.write_text(tiny_file.read_text(encoding="utf-8").replace(
        "text: It is big.", "text: It is enormous."), encoding="utf-8")
    with pytest.raises(ScenarioUnavailable, match="holds no copy") as info:
        SessionService(journal).open(sid)
    assert info.value.version.edited and not info.value.version.snapshot
    assert "tiny.yaml has other content now" in str(info.value)


def test_the_migration_fills_snapshots_from_files_that_still_match(
        tmp_path: Path, tiny_file: Path) -> None:
    store = tmp_path / "old.sqlite3"
    scenario = load_scenario(tiny_file)
    edited = tmp_path / "edited.yaml"
    edited.write_text(TINY.read_text(encoding="utf-8").replace("It is big.", "Big."),
                      encoding="utf-8")
    # A version-1 store (before snapshots), as an older Hotline wrote it.
    conn = sqlite3.connect(store, isolation_level=None)
    from game.records import MIGRATIONS

    conn.execute("PRAGMA journal_mode = WAL")
    for statement in MIGRATIONS[0].sqlite:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    for n, (path, content) in enumerate([(tiny_file, scenario.content_hash),
                                         (edited, scenario.content_hash),
                                         (tmp_path / "gone.yaml", "feedfacefeedface")]):
        conn.execute(
            "INSERT INTO sessions (id, scenario_id, scenario_version, content_hash, "
            "scenario_title, scenario_path, seed, roles, mode, created_at, updated_at) "
            "VALUES (?, 'tiny', '1', ?, 'Tiny', ?, 1, '[]', 'trainee', ?, ?)",
            (f"s{n}", content, str(path), f"2024-01-0{n + 1}", f"2024-01-0{n + 1}"))
    conn.close()
    with Journal(store, read_only=True) as journal:  # not migrated: no snapshots, no writes
        assert journal.scenario_text(scenario.content_hash) is None
        assert len(journal.missing_snapshots()) == 3
        assert SessionService(journal).fill_snapshots() == 0
        # Still replayable from the file that matches, without writing anything.
        assert SessionService(journal).open("s0").scenario.content_hash == scenario.content_hash
    with Journal(store) as journal:  # the schema step runs here
        assert journal.missing_snapshots() == [
            ("feedfacefeedface", str(tmp_path / "gone.yaml")),
            (scenario.content_hash, str(edited)),
            (scenario.content_hash, str(tiny_file)),
        ]
        assert SessionService(journal).fill_snapshots() == 1  # from the file that matches
        assert journal.scenario_text(scenario.content_hash) == canonical_text(scenario)
        assert journal.missing_snapshots() == [("feedfacefeedface",
                                                str(tmp_path / "gone.yaml"))]
        # s1's file was edited, but the snapshot s0's file gave is the same content.
        assert SessionService(journal).open("s1").scenario.content_hash == scenario.content_hash


def test_snapshots_are_checked_and_immutable(journal: Journal, tiny_file: Path) -> None:
    scenario = load_scenario(tiny_file)
    text = canonical_text(scenario)
    with pytest.raises(JournalError, match="canonical text"):
        journal.put_scenario(scenario.content_hash, text + " ", scenario_id="tiny",
                             version="1", title="t")
    assert journal.put_scenario(scenario.content_hash, text, scenario_id="tiny", version="1",
                                title="t")
    assert not journal.put_scenario(scenario.content_hash, text, scenario_id="tiny",
                                    version="1", title="t")
    with sqlite3.connect(journal.path) as conn, pytest.raises(sqlite3.IntegrityError,
                                                              match="immutable"):
        conn.execute("UPDATE scenarios SET title = 'x'")


def test_an_ending_that_cannot_be_recorded_still_returns_the_result(
        journal: Journal, tiny_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recorded = SessionService(journal).create(load_scenario(tiny_file), seed=3, attach=False)
    recorded.apply({"type": "choose", "option": "call"})
    recorded.apply({"type": "choose", "option": "back"})

    def refuse(*_a: object, **_k: object) -> None:
        raise JournalError("disk full")

    monkeypatch.setattr(journal, "finish", refuse)
    with pytest.raises(EndingNotRecorded) as info:
        recorded.apply({"type": "choose", "option": "allies"})
    assert info.value.result.ended and recorded.ended
    assert len(journal.inputs(recorded.id)) == 3  # the input itself was saved


def test_reopened_sessions_are_detached_until_attached_and_close_detaches(
        journal: Journal, tiny_file: Path) -> None:
    sid = _play(journal, tiny_file, ("call",))
    opened = SessionService(journal).open(sid, offered=True)
    assert opened.session not in attached_models()  # safe to build on a worker thread
    assert [o.id for o in opened.offered[0]] == ["shoot", "call", "wait"]
    assert opened.last_result is not None and opened.last_result.events[0].type == "decision"
    opened.attach()
    assert opened.session in attached_models()
    opened.apply({"type": "choose", "option": "wait"})
    opened.close()
    assert opened.session not in attached_models()


def test_scenario_changes_name_what_moved(tiny_file: Path) -> None:
    old = load_scenario(tiny_file)
    text = tiny_file.read_text(encoding="utf-8")
    text = text.replace('version: "1"', 'version: "2"').replace(
        "{id: allies, kind: allies, label: Consult allies, effects: [allies += 10], next: end}",
        "{id: allies, kind: allies, label: Consult allies, effects: [allies += 20], next: end}")
    tiny_file.write_text(text, encoding="utf-8")
    new = load_scenario(tiny_file)
    changes = scenario_changes(old, new)
    assert changes == ["version 1 → 2", "decision point third: options changed: allies"]
    assert scenario_changes(old, old) == []
