"""``hotline sessions``: filters, sort, archive, delete with a yes, restore from the admin log."""

from __future__ import annotations

import json
from typing import Any

import pytest

from game.commands import main
from game.records import InputRecord, Journal, SessionRecord


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _session(journal: Journal, sid: str, *, trainee: str, scenario: str, day: str,
             status: str = "ended", score: float | None = 70.0, mode: str = "trainee",
             meta: dict[str, Any] | None = None) -> None:
    stamp = f"{day}T12:00:00+00:00"
    journal.import_session(SessionRecord(
        id=sid, scenario_id=scenario, scenario_version="1", content_hash="sha256:x",
        scenario_title=f"{scenario.title()} crisis", scenario_path=None, seed=1, roles=(),
        trainee=trainee, mode=mode, meta=meta or {}, created_at=stamp, updated_at=stamp,
        status=status, ending_id="e" if status == "ended" else None,
        ending_title="E" if status == "ended" else None,
        score=score if status == "ended" else None, n_inputs=1, ended_at=stamp),
        [InputRecord(1, {"type": "choose", "option": "wait"}, stamp)])


@pytest.fixture
def class_store(store: str) -> str:
    with Journal(store) as journal:
        _session(journal, "260301-100000-aaaaaa", trainee="Ana Diaz", scenario="balloon",
                 day="2026-03-01", score=81.5)
        _session(journal, "260305-100000-bbbbbb", trainee="Ben Okafor", scenario="balloon",
                 day="2026-03-05", score=55.0)
        _session(journal, "260310-100000-cccccc", trainee="ana d.", scenario="strait",
                 day="2026-03-10", status="active")
        _session(journal, "260311-100000-dddddd", trainee="", scenario="balloon",
                 day="2026-03-11", mode="headless", meta={"policy": "expert"}, score=95.0)
    return store


def _ids(out: str) -> list[str]:
    return [d["id"][-6:] for d in json.loads(out)]


def test_filters_mean_what_they_say(capsys: pytest.CaptureFixture[str], class_store: str) -> None:
    assert _ids(run(capsys, "sessions", "--json")[1]) == ["dddddd", "cccccc", "bbbbbb", "aaaaaa"]
    assert _ids(run(capsys, "sessions", "--json", "--trainee", "ANA")[1]) == ["cccccc", "aaaaaa"]
    assert _ids(run(capsys, "sessions", "--json", "--scenario", "balloon")[1]) == [
        "dddddd", "bbbbbb", "aaaaaa"]
    assert _ids(run(capsys, "sessions", "--json", "--scenario", "Strait cri")[1]) == ["cccccc"]
    assert _ids(run(capsys, "sessions", "--json", "--since", "2026-03-05",
                    "--until", "2026-03-10")[1]) == ["cccccc", "bbbbbb"]
    assert _ids(run(capsys, "sessions", "--json", "--status", "active")[1]) == ["cccccc"]
    assert _ids(run(capsys, "sessions", "--json", "--humans")[1]) == [
        "cccccc", "bbbbbb", "aaaaaa"]
    docs = json.loads(run(capsys, "sessions", "--json")[1])
    assert [d["player"] for d in docs] == ["policy", "human", "human", "human"]


def test_sort_by_score_keeps_unscored_last(capsys: pytest.CaptureFixture[str],
                                          class_store: str) -> None:
    assert _ids(run(capsys, "sessions", "--json", "--sort", "score")[1]) == [
        "dddddd", "aaaaaa", "bbbbbb", "cccccc"]
    assert _ids(run(capsys, "sessions", "--json", "--sort", "score", "--ascending")[1]) == [
        "bbbbbb", "aaaaaa", "dddddd", "cccccc"]


def test_bad_dates_are_the_users_problem(capsys: pytest.CaptureFixture[str],
                                         class_store: str) -> None:
    code, _, err = run(capsys, "sessions", "--since", "March 5")
    assert code == 2 and "--since 'March 5' is not a date; write it like 2026-03-31" in err
    code, _, err = run(capsys, "sessions", "--since", "2026-04-01", "--until", "2026-03-01")
    assert code == 2 and "swap them" in err


def test_archive_hides_until_asked(capsys: pytest.CaptureFixture[str], class_store: str) -> None:
    code, out, _ = run(capsys, "sessions", "--archive", "260305", "--by", "Ng")
    assert code == 0 and "archived session 260305-100000-bbbbbb" in out
    assert "bbbbbb" not in _ids(run(capsys, "sessions", "--json")[1])
    code, out, _ = run(capsys, "sessions", "--archived")
    row = next(line for line in out.splitlines() if "bbbbbb" in line)
    assert row.rstrip().endswith("A")
    assert run(capsys, "sessions", "--unarchive", "260305")[0] == 0
    assert "bbbbbb" in _ids(run(capsys, "sessions", "--json")[1])


def test_delete_needs_a_yes_and_can_be_restored(capsys: pytest.CaptureFixture[str],
                                                class_store: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # Not a terminal and no --yes: nothing is deleted, and the message says what to do.
    code, _, err = run(capsys, "sessions", "--delete", "260301")
    assert code == 2 and "add --yes" in err
    assert "aaaaaa" in _ids(run(capsys, "sessions", "--json")[1])
    # In a terminal, a "no" keeps it.
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    code, out, _ = run(capsys, "sessions", "--delete", "260301")
    assert code == 0 and "not deleted" in out
    code, out, _ = run(capsys, "sessions", "--delete", "260301", "--yes", "--by", "Ng",
                       "--reason", "test run")
    assert code == 0 and "kept in the admin log" in out
    assert "aaaaaa" not in _ids(run(capsys, "sessions", "--json")[1])
    code, out, _ = run(capsys, "sessions", "--deleted")
    assert "260301-100000-aaaaaa" in out and "Ng" in out and "test run" in out
    code, out, _ = run(capsys, "sessions", "--restore", "260301")
    assert code == 0 and "restored session 260301-100000-aaaaaa" in out
    assert "aaaaaa" in _ids(run(capsys, "sessions", "--json")[1])
