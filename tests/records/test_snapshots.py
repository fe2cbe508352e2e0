"""Scenario snapshots in the journal, on each backend: once per hash, checked, immutable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.records import Journal, JournalError, snapshot_hash
from game.records.recovery import recover_store


def _text(title: str) -> str:
    return json.dumps({"id": "s", "title": title}, sort_keys=True, separators=(",", ":"))


def test_a_snapshot_is_kept_once_checked_and_never_changed(any_journal: Journal) -> None:
    text = _text("one")
    key = snapshot_hash(text)
    with pytest.raises(JournalError, match="canonical text"):
        any_journal.put_scenario(key, text + " ", scenario_id="s", version="1", title="t")
    assert any_journal.scenario_text(key) is None
    assert any_journal.put_scenario(key, text, scenario_id="s", version="1", title="t")
    assert not any_journal.put_scenario(key, text, scenario_id="s", version="1", title="t")
    assert any_journal.scenario_text(key) == text
    assert any_journal.scenario_snapshots() == [(key, "s", "1", "t", text)]
    with pytest.raises(JournalError, match="immutable"), any_journal._write() as tx:
        tx.run("UPDATE scenarios SET title = 'x'")
    sid = any_journal.create_session(
        scenario_id="s", scenario_version="1", content_hash="0000000000000000",
        scenario_title="t", scenario_path="/x.yaml", seed=1, roles=[])
    assert sid and any_journal.missing_snapshots() == [("0000000000000000", "/x.yaml")]


def test_recovery_copies_the_snapshots(tmp_path: Path) -> None:
    source = tmp_path / "old.sqlite3"
    text = _text("two")
    with Journal(source) as journal:
        journal.put_scenario(snapshot_hash(text), text, scenario_id="s", version="2",
                             title="t")
    recover_store(str(source), tmp_path / "new.sqlite3")
    with Journal(tmp_path / "new.sqlite3") as journal:
        assert journal.scenario_text(snapshot_hash(text)) == text
