"""The Debrief window, driven with pytest-qt (offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from debrief_fixtures import INPUTS, TINY, record

pytest.importorskip("pytestqt")

from PySide6.QtCharts import QLineSeries  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from game.debrief.aar import Finding, PlanItem, RatingOverride, load_aar  # noqa: E402
from game.records.journal import Journal  # noqa: E402
from game.scenario.compile import CompiledScenario  # noqa: E402
from game.ui.debrief_window import TIMELINE_COLUMNS, DebriefWindow  # noqa: E402


@pytest.fixture
def window(qtbot: QtBot, journal: Journal, recorded: str,
           tiny: CompiledScenario) -> Iterator[DebriefWindow]:
    w = DebriefWindow(journal, recorded, tiny)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    # Edits a test left unsaved are dropped without the question (it has its own tests).
    if w.close_box is not None:
        w.close_box.close()
    w._closing = True
    w.close()


def _cell(w: DebriefWindow, row: int, title: str) -> str:
    item = w.timeline.item(row, TIMELINE_COLUMNS.index(title))
    return item.text() if item is not None else ""


def test_timeline_has_a_row_per_turn(window: DebriefWindow) -> None:
    assert window.timeline.rowCount() == 3
    assert _cell(window, 0, "Situation") == "Something in the sky"
    assert _cell(window, 0, "Choice") == "Call the defense link"
    assert _cell(window, 0, "Rationale") == "Ring them first."
    assert _cell(window, 0, "Time") == "12.5 s"
    assert _cell(window, 1, "Counterpart and channels") == "Political back-channel: declined"
    assert "hesitated" in _cell(window, 1, "Facilitator")
    assert _cell(window, 2, "Time").startswith("8 s")  # timed out
    window.timeline.selectRow(1)
    detail = window.timeline_detail.toPlainText()
    assert "chance of acceptance 70%" in detail
    assert "<script>alert('why')</script>" in detail  # shown as text, not run as markup
    # The title the window system shows (Qt turns the "[*]" mark into "*" while edited).
    assert window.windowHandle().title() == (
        f"Debrief — Tiny test crisis — {window.debrief.session_id}")


def test_a_chart_series_per_visible_meter(window: DebriefWindow) -> None:
    window.show_tab("Charts")
    # Facilitator-only meters are hidden by default (the screen may be shared).
    assert not window.show_hidden.isChecked()
    assert {v.property("meter") for v in window.visible_chart_views()} == {
        m.id for m in window.debrief.meters if not m.hidden}
    window.show_hidden.setChecked(True)
    views = window.visible_chart_views()
    assert len(views) == len(window.debrief.meters)
    for view in views:
        chart = view.chart()
        lines = [s for s in chart.series() if isinstance(s, QLineSeries)
                 and s.name() == chart.title().replace(" (facilitator only)", "")]
        assert len(lines) == 1 and lines[0].count() == 4  # start + three decisions
    escalation = next(v for v in views if v.property("meter") == "escalation")
    names = [s.name() for s in escalation.chart().series()]
    assert {"Subcrisis", "Traditional crisis", "Intense crisis"} <= set(names)  # ladder bands
    assert "First contact (turn 3)" in names
    window.show_hidden.setChecked(False)
    hidden = {m.id for m in window.debrief.meters if m.hidden}
    assert hidden == {"openness"}
    assert {v.property("meter") for v in window.visible_chart_views()} == {
        m.id for m in window.debrief.meters if not m.hidden}
    assert window.channel_strip is not None
    assert window.channel_strip.status_at(window.channel_strip.left + 1, 30) is not None


def test_what_if_results_appear(qtbot: QtBot, window: DebriefWindow) -> None:
    window.show_tab("What-ifs")
    panel = window.whatifs
    assert panel.decision.count() == 3
    panel.decision.setCurrentIndex(0)
    panel.runs.setValue(40)
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.result is not None, timeout=20_000)
    assert panel.progress.value() == 100
    assert panel.table.rowCount() == 3
    labels = [panel.table.item(r, 0).text() for r in range(3)]
    assert labels[1].startswith("Call the defense link") and "your choice" in labels[1]
    # The expert plays on to Talking with this session's dice; other dice give an average.
    first, dice = panel.table.item(1, 1).text().splitlines()
    assert first == "Talking" and dice.startswith("other dice: average ")
    # The what-if is kept with the session: a new window (and every export) shows it.
    from game.debrief.whatif_store import load_whatifs

    (kept,) = load_whatifs(window.journal, window.debrief.session_id)
    assert kept.decision == panel.result.decision and kept.n == 40 and kept.dice_n == 40
    assert "Kept with the session" in panel.status.text()
    assert panel.chart.chart() is not None and panel.chart.chart().series()
    assert panel.run_button.isEnabled() and not panel.cancel_button.isEnabled()


def test_every_what_if_header_fits_its_column_at_1024x700(qtbot: QtBot,
                                                         window: DebriefWindow) -> None:
    window.resize(1024, 700)
    window.show_tab("What-ifs")
    qtbot.wait(50)
    panel = window.whatifs
    header = panel.table.horizontalHeader()
    # The view is no wider than the window: no column is pushed out of sight...
    assert sum(header.sectionSize(c) for c in range(panel.table.columnCount())) <= (
        panel.table.viewport().width())
    # ...and each header's longest line fits its column (the long titles take two lines).
    for column in range(panel.table.columnCount()):
        assert header.sectionSize(column) >= panel.columns.header_width(column), (
            panel.table.horizontalHeaderItem(column).text())


def test_aar_edits_are_saved_to_the_journal(qtbot: QtBot, window: DebriefWindow,
                                            journal: Journal, recorded: str) -> None:
    panel = window.show_tab("After-action report")
    assert panel is window.aar_panel
    assert not window.isWindowModified()
    # Exercise overview: prefilled from the session, then completed by the instructor.
    assert panel.exercise_name.text() == "Tiny test crisis"
    assert panel.participants.item(0, 0).text() == "Trainee A"
    panel.facilitator.setText("Col. Hart")
    panel.evaluators.setText("Maj. Ng, Capt. Ito")
    panel.first_day.setText("2026-03-02")
    panel.last_day.setText("2026-03-03")
    # An evaluator's rating is signed with the first evaluator's name.
    box = panel.rating_boxes[0]
    box.setCurrentIndex(box.findData("M"))
    assert panel.evaluator_edits[0].text() == "Maj. Ng"
    panel.comment_edits[0].setText("Contact came late.")
    assert window.isWindowModified() and window.windowHandle().title().endswith("*")
    # Findings: drafted from the ratings as edited (the M gives an area for improvement).
    assert panel.draft_from_ratings() == 1
    assert panel.findings[0].kind == "improvement" and panel.findings[0].objective == "contact"
    panel.finding_list.setCurrentRow(0)
    panel.remove_finding.click()
    assert panel.findings == []
    panel.add_finding(Finding(kind="improvement"))
    panel.finding_title.setText("Late first call")
    panel.finding_observation.setPlainText("The defense link was requested on day 1 only.")
    panel.finding_recommendation.setPlainText("Drill the DTL request.")
    panel.hot_wash.setPlainText("Players felt rushed.")
    panel.notes.setPlainText("Solid restraint.")
    panel.add_plan_row(PlanItem())
    row = panel.plan.rowCount() - 1
    panel.element_boxes[row].setCurrentIndex(panel.element_boxes[row].findData("training"))
    for col, text in ((1, "Slow first call"), (2, "Drill the DTL request"), (4, "J3"),
                      (5, "Maj. Ng"), (6, "2026-04-01"), (7, "2026-12-31")):
        panel.plan.setItem(row, col, type(panel.plan.item(row, 1))(text))
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    saved = load_aar(journal, recorded)
    assert saved.ratings["contact"] == RatingOverride("M", "Contact came late.", "Maj. Ng")
    assert saved.overview.facilitator == "Col. Hart"
    assert saved.overview.evaluators == ("Maj. Ng", "Capt. Ito")
    assert (saved.overview.start, saved.overview.end) == ("2026-03-02", "2026-03-03")
    (finding,) = saved.findings
    assert (finding.kind, finding.title, finding.recommendation) == (
        "improvement", "Late first call", "Drill the DTL request.")
    (plan,) = saved.plan
    assert (plan.issue, plan.element, plan.contact, plan.start, plan.completion) == (
        "Slow first call", "training", "Maj. Ng", "2026-04-01", "2026-12-31")
    assert (saved.hot_wash, saved.notes) == ("Players felt rushed.", "Solid restraint.")
    assert "Saved" in panel.status.text()
    assert not window.isWindowModified()
    overview = window.overview.toPlainText()  # the overview follows
    for text in ("Contact came late.", "Maj. Ng", "Col. Hart", "Late first call",
                 "Players felt rushed.", "Slow first call"):
        assert text in overview


def test_draft_findings_from_the_ratings(window: DebriefWindow) -> None:
    panel = window.aar_panel
    assert panel.draft_from_ratings() == 1  # the one objective is rated P: a strength
    (draft,) = panel.findings
    assert draft.kind == "strength" and "held" in draft.observation
    assert panel.draft_from_ratings() == 0  # not twice
    assert panel.dirty


def test_bad_dates_are_explained_not_saved(window: DebriefWindow, journal: Journal,
                                           recorded: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    panel = window.aar_panel
    panel.add_plan_row(PlanItem(issue="x", start="2026-05-01", completion="soon"))
    assert not panel.save()
    assert warned and "2026-12-31" in warned[0] and "row 1" in warned[0]
    assert "aar" not in journal.session(recorded).meta
    assert panel.dirty  # the edits stay on screen


def test_closing_with_unsaved_edits_asks_first(qtbot: QtBot, window: DebriefWindow,
                                               journal: Journal, recorded: str) -> None:
    panel = window.aar_panel
    panel.hot_wash.setPlainText("Said in the hot wash.")
    assert window.isWindowModified()
    assert not window.close()  # refused: a question instead
    box = window.close_box
    assert box is not None and box.isVisible() and window.isVisible()
    assert "not saved" in box.text()
    box.button(box.StandardButton.Cancel).click()  # keep editing
    assert window.isVisible() and panel.hot_wash.toPlainText() == "Said in the hot wash."
    window.close()
    window.save_close.click()  # save, then close
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
    assert load_aar(journal, recorded).hot_wash == "Said in the hot wash."


def test_discard_closes_without_saving(qtbot: QtBot, window: DebriefWindow, journal: Journal,
                                       recorded: str) -> None:
    window.aar_panel.notes.setPlainText("Not to keep.")
    window.close()
    window.discard_close.click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
    assert "aar" not in journal.session(recorded).meta


def test_replay_steps_turn_by_turn(window: DebriefWindow) -> None:
    replay = window.show_tab("Replay")
    assert replay is window.replay
    text = window.replay.view.toPlainText()
    assert "Something in the sky" in text and "It is big." in text
    assert "➜ Call the defense link (chosen)" in text
    assert "Shoot it down" in text  # the options the trainee saw
    assert "Channel openness" not in text.split("What happened")[0]  # hidden meter not shown
    window.replay.next.click()
    assert "The morning after" in window.replay.view.toPlainText()
    window.replay.last.click()
    last = window.replay.view.toPlainText()
    assert "Last call" in last and "Ending: Talking" in last
    assert not window.replay.next.isEnabled()


def test_cohort_tab_lists_sessions(qtbot: QtBot, window: DebriefWindow, journal: Journal,
                                   tiny: CompiledScenario) -> None:
    record(journal, tiny, [{"type": "choose", "option": o} for o in ("shoot", "wait", "concede")],
           seed=5, trainee="Other trainee")
    window.show_tab("Cohort")
    qtbot.waitUntil(lambda: window.cohort.cohort is not None, timeout=10_000)
    assert window.cohort.sessions.rowCount() == 2
    assert "2</b> session(s)" in window.cohort.summary.text()
    assert window.cohort.choices.topLevelItemCount() == 3
    opened: list[str] = []
    window.openSession.connect(opened.append)
    row = next(r for r in range(2) if window.cohort.sessions.item(r, 1).text() == "Other trainee")
    window.cohort.sessions.selectRow(row)
    window.cohort.open_selected()
    assert len(opened) == 1 and window.children_windows
    for child in window.children_windows:
        child.close()


def test_export_from_the_window(qtbot: QtBot, window: DebriefWindow, tmp_path: Path) -> None:
    for name in ("report.html", "report.json", "report.pdf"):
        window.export_to(tmp_path / name)
        assert not window.export_buttons[".pdf"].isEnabled()  # one export at a time
        qtbot.waitUntil(lambda: window.export_job is None, timeout=20_000)
        assert (tmp_path / name).stat().st_size > 0
    assert "Saved report.pdf" in window.export_status.text()


def test_window_explains_a_scenario_that_no_longer_replays(qtbot: QtBot, journal: Journal,
                                                           tiny: CompiledScenario,
                                                           tmp_path: Path) -> None:
    renamed = tmp_path / "tiny.yaml"
    renamed.write_text(TINY.read_text(encoding="utf-8").replace(
        "- id: back\n", "- id: back-channel\n").replace("option: back,", "option: back-channel,"),
        encoding="utf-8")
    # A journal from before snapshots, and a file edited since: only the journal is shown.
    sid = record(journal, tiny, INPUTS, path=str(renamed), snapshot=False)
    w = DebriefWindow(journal, sid)
    qtbot.addWidget(w)
    assert w.timeline.rowCount() == 3
    assert not w.whatifs.run_button.isEnabled()
    notices = [lbl.text() for lbl in w.findChildren(type(w.export_status), "notice")]
    assert any("holds no copy of that scenario" in n for n in notices)


def test_window_replays_an_edited_scenario_on_its_snapshot(qtbot: QtBot, journal: Journal,
                                                           tiny: CompiledScenario,
                                                           tmp_path: Path) -> None:
    renamed = tmp_path / "tiny.yaml"
    renamed.write_text(TINY.read_text(encoding="utf-8").replace(
        "- id: back\n", "- id: back-channel\n").replace("option: back,", "option: back-channel,"),
        encoding="utf-8")
    sid = record(journal, tiny, INPUTS, path=str(renamed))
    w = DebriefWindow(journal, sid)
    qtbot.addWidget(w)
    assert w.debrief.replayed and w.whatifs.run_button.isEnabled()
    notices = [lbl.text() for lbl in w.findChildren(type(w.export_status), "notice")]
    assert any("played on version 1 (edited since" in n for n in notices)
    changes = w.findChild(type(w.export_status), "scenario-changes")
    assert changes is not None and "options added: back-channel" in changes.text()
    assert "options removed: back" in changes.text()


def test_charts_follow_the_dark_theme(qtbot: QtBot, qapp: object, journal: Journal,
                                      recorded: str, tiny: CompiledScenario) -> None:
    from PySide6.QtGui import QPalette

    from game.ui import theme

    before = qapp.palette()  # type: ignore[attr-defined]
    theme.apply_theme(qapp, "dark")  # type: ignore[arg-type]
    try:
        w = DebriefWindow(journal, recorded, tiny)
        qtbot.addWidget(w)
        w.show_tab("Charts")
        chart = w.visible_chart_views()[0].chart()
        assert chart.backgroundBrush().color().lightness() < 100
        assert chart.titleBrush().color().lightness() > 150
        strip = w.channel_strip
        assert strip is not None
        image = strip.grab().toImage()
        assert image.pixelColor(2, 2).lightness() < 100  # no white box in a dark window
        w.close()
    finally:
        qapp.setPalette(before)  # type: ignore[attr-defined]
        theme.apply_theme(qapp, "light")  # type: ignore[arg-type]
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 128  # type: ignore[attr-defined]
