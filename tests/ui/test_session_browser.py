"""The session browser: find any session, open or resume it, archive and delete with a question."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QDate, Qt  # noqa: E402

from game.records import InputRecord, Journal, SessionRecord  # noqa: E402
from game.ui.session_browser import COLUMNS, SessionBrowser  # noqa: E402


def _session(journal: Journal, sid: str, *, trainee: str, scenario: str, day: str,
             status: str = "ended", score: float | None = 70.0, mode: str = "trainee",
             meta: dict[str, Any] | None = None) -> None:
    stamp = f"{day}T12:00:00+00:00"
    journal.import_session(SessionRecord(
        id=sid, scenario_id=scenario, scenario_version="1", content_hash="sha256:x",
        scenario_title=f"{scenario.title()} crisis", scenario_path=None, seed=1, roles=(),
        trainee=trainee, mode=mode, meta=meta or {}, created_at=stamp, updated_at=stamp,
        status=status, ending_id="e" if status == "ended" else None,
        ending_title="Quiet end" if status == "ended" else None,
        score=score if status == "ended" else None, n_inputs=1, ended_at=stamp),
        [InputRecord(1, {"type": "choose", "option": "wait"}, stamp)])


@pytest.fixture
def filled(journal: Journal) -> Journal:
    """Thirty sessions: more than the home screen lists, of two scenarios and four trainees."""
    for k in range(30):
        _session(journal, f"2603{k + 1:02d}-100000-{k:06d}",
                 trainee=("Ana Diaz", "Ben Okafor", "Chen Wu", "")[k % 4],
                 scenario=("balloon", "strait")[k % 2], day=f"2026-03-{k + 1:02d}",
                 score=float(40 + k), status="active" if k == 29 else "ended",
                 mode="headless" if k == 3 else "trainee",
                 meta={"policy": "random"} if k == 3 else None)
    return journal


@pytest.fixture
def browser(qtbot: Any, filled: Journal) -> SessionBrowser:
    b = SessionBrowser(filled, actor="Instructor Ng")
    qtbot.addWidget(b)
    b.show()
    qtbot.waitUntil(lambda: b.status.text().startswith("30 of 30"), timeout=5000)
    return b


def _column(b: SessionBrowser, title: str) -> list[str]:
    col = COLUMNS.index(title)
    return [b.table.item(row, col).text() for row in range(b.table.rowCount())]


def test_every_session_is_listed_newest_first(browser: SessionBrowser) -> None:
    assert browser.table.rowCount() == 30
    assert browser.row_ids()[0].startswith("260330") and browser.row_ids()[-1].startswith("260301")
    assert _column(browser, "Player").count("policy") == 1


def test_filters_narrow_the_list(qtbot: Any, browser: SessionBrowser) -> None:
    browser.trainee.setText("ana")
    assert set(_column(browser, "Trainee")) == {"Ana Diaz"} and browser.table.rowCount() == 8
    browser.trainee.clear()
    browser.scenario.setCurrentIndex(browser.scenario.findData("strait"))
    assert set(_column(browser, "Scenario")) == {"Strait crisis"}
    browser.scenario.setCurrentIndex(0)
    browser.since.setDate(QDate(2026, 3, 10))
    browser.until.setDate(QDate(2026, 3, 12))
    assert sorted(_column(browser, "Started")) == [
        "2026-03-10 12:00", "2026-03-11 12:00", "2026-03-12 12:00"]
    browser.since.setDate(browser.since.minimumDate())
    browser.until.setDate(browser.until.minimumDate())
    browser.status_box.setCurrentIndex(browser.status_box.findData("active"))
    assert _column(browser, "Status") == ["unfinished"]
    browser.status_box.setCurrentIndex(0)
    browser.humans.setChecked(True)
    assert "policy" not in _column(browser, "Player") and browser.table.rowCount() == 29
    browser.search.setText("chen balloon")
    assert set(_column(browser, "Trainee")) == {"Chen Wu"}
    assert set(_column(browser, "Scenario")) == {"Balloon crisis"}
    assert "do not match the filter" in browser.status.text()


def test_columns_sort_by_value(browser: SessionBrowser) -> None:
    score = COLUMNS.index("Score")
    browser.table.sortByColumn(score, Qt.SortOrder.DescendingOrder)
    scores = [s for s in _column(browser, "Score") if s]
    assert scores == sorted(scores, key=float, reverse=True) and scores[0] == "68.0"
    assert _column(browser, "Score")[-1] == ""  # the unfinished session has none
    browser.table.sortByColumn(COLUMNS.index("Trainee"), Qt.SortOrder.AscendingOrder)
    names = _column(browser, "Trainee")
    assert names[:8] == ["Ana Diaz"] * 8


def test_open_and_resume_ask_the_main_window(qtbot: Any, browser: SessionBrowser) -> None:
    opened: list[str] = []
    resumed: list[str] = []
    browser.debriefRequested.connect(opened.append)
    browser.resumeRequested.connect(resumed.append)
    assert browser.select("260301-100000-000000")
    assert not browser.resume_button.isEnabled()  # ended: nothing to resume
    qtbot.mouseClick(browser.open_button, Qt.MouseButton.LeftButton)
    assert opened == ["260301-100000-000000"]
    browser.table.setFocus()
    qtbot.keyClick(browser.table, Qt.Key.Key_Return)
    assert opened[-1] == "260301-100000-000000"
    assert browser.select("260330-100000-000029")
    assert browser.resume_button.isEnabled()
    qtbot.mouseClick(browser.resume_button, Qt.MouseButton.LeftButton)
    assert resumed == ["260330-100000-000029"]


def test_archive_hides_and_logs(browser: SessionBrowser, filled: Journal) -> None:
    assert browser.select("260302-100000-000001")
    browser.archive_button.click()
    assert "260302-100000-000001" not in browser.row_ids()
    (event,) = filled.admin_events(action="archive")
    assert (event.session_id, event.actor) == ("260302-100000-000001", "Instructor Ng")
    browser.archived.setCurrentIndex(browser.archived.findData("only"))
    assert browser.row_ids() == ["260302-100000-000001"]
    assert browser.select("260302-100000-000001")
    assert browser.archive_button.text() == "Unarchive"
    browser.archive_button.click()
    assert browser.row_ids() == []
    assert filled.admin_events(action="unarchive")


def test_delete_asks_first_and_keeps_a_copy(qtbot: Any, browser: SessionBrowser,
                                            filled: Journal) -> None:
    assert browser.select("260305-100000-000004")
    dialog = browser.ask_delete()
    assert dialog is not None and dialog.isVisible()
    dialog.cancel_button.click()  # No: nothing happens
    assert "260305-100000-000004" in browser.row_ids()
    assert filled.admin_events() == []
    assert browser.select("260305-100000-000004")
    dialog = browser.ask_delete()
    assert dialog is not None
    dialog.reason.setText("a test run")
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert "260305-100000-000004" not in browser.row_ids()
    assert [r.id for r in filled.sessions() if r.id.endswith("000004")] == []
    (event,) = filled.admin_events(action="delete")
    assert (event.actor, event.reason) == ("Instructor Ng", "a test run")
    assert "restore" in browser.status.text()


def test_home_links_to_the_browser(qtbot: Any, make_window: Any, filled: Journal) -> None:
    window = make_window()
    button = window.home.browse_button
    qtbot.waitUntil(button.isVisible, timeout=3000)
    assert button.text() == "All sessions…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    browser = window.registry.find("browser")
    assert isinstance(browser, SessionBrowser) and browser.isVisible()
    qtbot.waitUntil(lambda: browser.table.rowCount() == 30, timeout=5000)
    assert window.open_browser() is browser  # one browser, brought forward
