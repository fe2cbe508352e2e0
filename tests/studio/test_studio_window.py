"""The Studio window, driven like an author would: type, click, save, playtest, balance."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtGui import QTextCursor  # noqa: E402

from game.ui.studio.window import StudioWindow  # noqa: E402

REPO = Path(__file__).resolve().parent.parent.parent
TINY = REPO / "tests" / "engine" / "tiny.yaml"
TIMEOUT = 20_000


@pytest.fixture
def backups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "backups"
    monkeypatch.setenv("HOTLINE_BACKUPS", str(folder))
    return folder


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    shutil.copy(TINY, path)
    return path


def wait_checked(qtbot: Any, window: StudioWindow) -> None:
    """Wait until the live check has caught up with the editor's text."""
    def caught_up() -> bool:
        last = window.checker.last
        return last is not None and last.text == window.text() and not window.checker.busy

    qtbot.waitUntil(caught_up, timeout=TIMEOUT)


@pytest.fixture
def studio(qtbot: Any, scenario_file: Path, backups: Path) -> Iterator[StudioWindow]:
    # Not qtbot.addWidget: pytest-qt would close it before this fixture can mark
    # the text as saved, and the window would ask whether to save (a modal box).
    window = StudioWindow(scenario_file, balance_workers=1)
    window.show()
    wait_checked(qtbot, window)
    yield window
    window.balance.cancel()
    window.balance.wait()
    window.editor.document().setModified(False)
    window.close()
    window.deleteLater()


def line_of(window: StudioWindow, needle: str, start: int = 1) -> int:
    for number, line in enumerate(window.text().splitlines(), 1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")


def select_on_line(window: StudioWindow, line: int, word: str) -> None:
    """Select ``word`` on ``line`` in the editor, as a double-click would."""
    block = window.editor.document().findBlockByNumber(line - 1)
    col = block.text().index(word)
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + col)
    cursor.setPosition(block.position() + col + len(word), QTextCursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)


def type_over(qtbot: Any, window: StudioWindow, line: int, word: str, new: str) -> None:
    select_on_line(window, line, word)
    window.editor.setFocus()
    qtbot.keyClicks(window.editor, new)


def test_typing_an_error_marks_its_line_and_lists_it(qtbot: Any, studio: StudioWindow) -> None:
    assert studio.editor.markers() == {} or all(
        studio.editor.marker_severity(ln) == "warning" for ln in studio.editor.markers())
    line = line_of(studio, "next: second")
    type_over(qtbot, studio, line, "second", "secnd")
    wait_checked(qtbot, studio)
    assert studio.editor.marker_severity(line) == "error"
    assert "'secnd' is not a node" in studio.editor.marker_text(line)
    texts = [studio.issues.list.item(i).text() for i in range(studio.issues.list.count())]
    assert any(t.startswith(f"✗  line {line}:") and "secnd" in t for t in texts)
    assert studio.issues.summary.text().startswith("✗ 1 error")
    # Undo puts it right again.
    studio.editor.undo()
    wait_checked(qtbot, studio)
    assert studio.editor.marker_severity(line) != "error"


def test_clicking_an_issue_jumps_to_its_line(qtbot: Any, studio: StudioWindow) -> None:
    line = line_of(studio, "next: third")
    type_over(qtbot, studio, line, "third", "thrid")
    wait_checked(qtbot, studio)
    studio.editor.go_to(1)
    issues = studio.issues.list
    row = next(i for i in range(issues.count()) if "thrid" in issues.item(i).text())
    rect = issues.visualItemRect(issues.item(row))
    qtbot.mouseClick(issues.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert studio.editor.current_line() == line
    assert studio.editor.textCursor().block().text().strip().startswith("next: thrid")


def test_saving_keeps_comments_and_layout(qtbot: Any, studio: StudioWindow,
                                          scenario_file: Path) -> None:
    original = scenario_file.read_text(encoding="utf-8")
    studio.editor.go_to(1)
    qtbot.keyClicks(studio.editor, "# An author's note, kept as written.")
    qtbot.keyClick(studio.editor, Qt.Key.Key_Return)
    assert studio.editor.document().isModified()
    assert studio.save()
    saved = scenario_file.read_text(encoding="utf-8")
    assert saved == studio.text() if studio.text().endswith("\n") else studio.text() + "\n"
    assert saved == "# An author's note, kept as written.\n" + original
    assert "# A tiny scenario for engine tests" in saved
    assert "  - {id: dtl, label: Defense telephone link, level: military," in saved
    assert not studio.editor.document().isModified()
    assert studio.windowTitle().startswith("tiny.yaml")


def test_graph_follows_edits(qtbot: Any, studio: StudioWindow) -> None:
    graph = studio.graph
    assert set(graph.node_ids()) == {"first", "second", "third"}
    assert graph.nodes["second"].title == "The morning after"
    line = line_of(studio, "title: The morning after")
    type_over(qtbot, studio, line, "The morning after", "Day two")
    wait_checked(qtbot, studio)
    assert graph.nodes["second"].title == "Day two"
    # A new node nobody points at appears, flagged as unreachable.
    at = line_of(studio, "endings:")
    cursor = QTextCursor(studio.editor.document().findBlockByNumber(at - 1))
    cursor.insertText(
        "  - id: fourth\n    title: Forgotten\n    time: \"2023-02-04T09:00\"\n"
        "    brief: Nobody comes here.\n    decision:\n      prompt: Hello?\n"
        "      options:\n        - {id: out, kind: wait, label: Out, next: end}\n")
    wait_checked(qtbot, studio)
    assert "fourth" in graph.node_ids()
    assert graph.nodes["fourth"].flag == "unreachable"
    assert any("concede" in label for label in graph.edge_labels())


def test_clicking_a_graph_node_jumps_to_its_text(qtbot: Any, studio: StudioWindow) -> None:
    graph = studio.graph
    studio.side.setCurrentIndex(0)
    item = graph.nodes["third"]
    graph.ensureVisible(item)
    center = item.mapToScene(item.shape_rect().center())
    pos: QPoint = graph.mapFromScene(center)
    with qtbot.waitSignal(graph.activated, timeout=TIMEOUT) as signal:
        qtbot.mouseClick(graph.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert signal.args == ["node", "third"]
    assert "id: third" in studio.editor.textCursor().block().text()
    graph.activate("ending", "freeze")
    assert "id: freeze" in studio.editor.textCursor().block().text()


def test_cursor_in_a_node_selects_it_for_playtest(qtbot: Any, studio: StudioWindow) -> None:
    studio.editor.go_to(line_of(studio, "prompt: Next?"))
    assert studio.playtest.node.currentData() == "second"
    assert graph_selected(studio) == "second"


def graph_selected(studio: StudioWindow) -> str | None:
    items = studio.graph.scene().selectedItems()
    return getattr(items[0], "ident", None) if items else None


def test_playtest_from_here_starts_at_the_chosen_node(qtbot: Any, studio: StudioWindow) -> None:
    panel = studio.playtest
    panel.select_node("third")
    panel.meter_boxes["escalation"].setValue(70)
    panel.flag_boxes["shot"].setChecked(True)
    qtbot.mouseClick(panel.start, Qt.MouseButton.LeftButton)
    runner = studio.runner
    assert runner is not None and runner.controller is not None
    session = runner.controller.session
    assert session is not None
    assert session.node == "third"
    assert session.meters["escalation"] == 70
    assert "shot" in session.flags
    window = studio.playtest_window
    assert window is not None and window.isVisible()
    view = window.view
    assert view.page_name() == "play"
    assert view.play.clock_bar.title.text() == "Last call"
    assert "Playtest from “Last call” (third)" in window.info.text()


def test_playtest_replays_choices_after_edit_and_save(qtbot: Any, studio: StudioWindow) -> None:
    studio.playtest.select_node("first")
    studio.playtest.seed.setValue(11)
    studio.start_playtest(studio.playtest.current_setup())
    controller = studio.runner.controller  # type: ignore[union-attr]
    controller.choose("wait", "")
    controller.proceed()
    assert controller.session.node == "second"
    # Edit the brief of the node the author is on, then save: still on it. (The editor is
    # locked while the playtest is in front; the author unlocks it to edit.)
    studio.edit_during_playtest()
    line = line_of(studio, "brief: Things develop.")
    type_over(qtbot, studio, line, "Things develop.", "Things develop fast.")
    studio.save()
    qtbot.waitUntil(lambda: "Replayed all 1 step" in studio.playtest_window.info.text(),
                    timeout=TIMEOUT)
    session = studio.runner.controller.session  # type: ignore[union-attr]
    assert session.path == [("first", "wait")]
    assert session.node == "second"
    assert session.scenario.nodes["second"].brief == "Things develop fast."
    # Rename the option that was chosen: the replay stops before it.
    studio.edit_during_playtest()
    line = line_of(studio, "- id: wait")
    type_over(qtbot, studio, line, "wait", "hold")
    studio.save()
    qtbot.waitUntil(lambda: "Replayed 0 of 1" in studio.playtest_window.info.text(),
                    timeout=TIMEOUT)
    assert studio.runner.controller.session.node == "first"  # type: ignore[union-attr]


def test_balance_panel_runs_and_charts(qtbot: Any, studio: StudioWindow) -> None:
    panel = studio.balance
    studio.show_balance()
    panel.games.setValue(60)
    with qtbot.waitSignal(panel.finished, timeout=60_000) as signal:
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    report = signal.args[0]
    assert not report.cancelled
    qtbot.waitUntil(lambda: not panel.running, timeout=TIMEOUT)
    chart = panel.endings_chart.chart()
    bars = chart.series()[0].barSets()
    assert [b.label() for b in bars] == ["War (bad)", "Talking (good)", "Freeze (mixed)"]
    assert panel.scores_chart.chart().series()[0].count() == len(report.policies)
    assert panel.decisions.rowCount() == 8
    assert panel.findings.count() >= 1
    assert panel.progress.value() == panel.progress.maximum()
    assert panel.html_button.isEnabled()


def test_live_balance_updates_after_an_edit(qtbot: Any, studio: StudioWindow) -> None:
    """The live balance plays the scenario once it loads, and again after an edit:
    the table then says which policies' scores moved, and by how much."""
    panel = studio.balance
    studio.show_balance()
    qtbot.waitUntil(lambda: panel.live_report is not None and not panel.live_running,
                    timeout=60_000)
    first = panel.live_report
    assert first is not None and not first.cancelled
    assert panel.live_table.rowCount() == len(first.policies) >= 5
    assert panel.live_changed.text().startswith("First run")
    assert panel.live_progress.value() == panel.live_progress.maximum() == first.games_played
    rows = {panel.live_table.item(r, 0).text(): r for r in range(panel.live_table.rowCount())}
    conceding = rows["always concede"]
    before = float(panel.live_table.item(conceding, 1).text())
    # conceding now costs 35 points of standing at home, not 5
    line = line_of(studio, "id: concede")
    with qtbot.waitSignal(panel.live_updated, timeout=60_000) as signal:
        type_over(qtbot, studio, line, "standing -= 5", "standing -= 35")
    second = signal.args[0]
    assert second.content_hash != first.content_hash
    after = float(panel.live_table.item(conceding, 1).text())
    assert after < before
    moved = {c.policy: c.delta for c in panel.live_changes}
    assert moved["always-concede"] < 0
    assert panel.live_table.item(conceding, 2).text() == f"−{-moved['always-concede']:.1f}"
    said = panel.live_changed.text()
    assert said.startswith("Since the last run:")
    assert f"always-concede −{-moved['always-concede']:.1f}" in said
    assert moved["always-escalate"] == 0  # escalating never concedes
    assert panel.live_table.item(rows["always escalate"], 2).text() == "±0.0"


def test_balance_panel_can_be_cancelled(qtbot: Any, studio: StudioWindow) -> None:
    panel = studio.balance
    panel.games.setValue(200_000)
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert panel.running and not panel.run_button.isEnabled()
    qtbot.waitUntil(lambda: panel.progress.maximum() > 1 and panel.progress.value() > 0,
                    timeout=TIMEOUT)
    with qtbot.waitSignal(panel.finished, timeout=60_000) as signal:
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    report = signal.args[0]
    assert report.cancelled
    assert report.games_played < 200_000
    qtbot.waitUntil(lambda: not panel.running, timeout=TIMEOUT)
    assert panel.run_button.isEnabled()
    assert panel.status.text().startswith("Cancelled — partial results")


def test_text_is_backed_up(qtbot: Any, studio: StudioWindow, backups: Path) -> None:
    studio.editor.go_to(1)
    qtbot.keyClicks(studio.editor, "# typed but not saved")
    qtbot.keyClick(studio.editor, Qt.Key.Key_Return)
    studio.backup()
    saved = list(backups.rglob("*.yaml"))
    assert saved, "no backup was written"
    assert any("# typed but not saved" in p.read_text(encoding="utf-8") for p in saved)
    count = len(saved)
    studio.backup()  # unchanged text: no new copy
    assert len(list(backups.rglob("*.yaml"))) == count


def test_new_scenario_from_template_validates(qtbot: Any, studio: StudioWindow) -> None:
    studio.editor.document().setModified(False)
    assert studio.new_from_template(title="Border talks 2031", ask=False)
    assert "id: border-talks-2031" in studio.text()
    assert 'title: "Border talks 2031"' in studio.text()
    assert studio.path is None and studio.suggested_path is not None
    assert studio.suggested_path.name == "border-talks-2031.yaml"
    wait_checked(qtbot, studio)
    assert studio.result is not None and studio.result.scenario is not None
    assert studio.result.diagnostics == []
    assert studio.windowTitle().startswith("*border-talks-2031.yaml")


def test_new_scenario_from_msel_csv(qtbot: Any, studio: StudioWindow, tmp_path: Path) -> None:
    from game.analysis.msel import msel_export_command

    csv_path = tmp_path / "drill-table.csv"
    assert msel_export_command(str(TINY), str(csv_path), err=open("/dev/null", "w")) == 0
    studio.editor.document().setModified(False)
    assert studio.new_from_msel(csv_path)
    assert "TODO" in studio.text()
    wait_checked(qtbot, studio)
    assert studio.result is not None and studio.result.scenario is not None
    assert studio.result.scenario.model.id == "drill-table"
    assert set(studio.graph.node_ids()) == {"first", "second", "third"}


def test_browser_lists_shipped_scenarios_and_templates(studio: StudioWindow) -> None:
    names = {p.name for p in studio.browser.files()}
    assert "balloon-2023.yaml" in names
    assert "new-scenario.yaml" in names


def test_playtests_and_their_replays_leave_no_session_attached(
        qtbot: Any, studio: StudioWindow) -> None:
    from game.engine.machines import attached_models

    before = {id(m) for m in attached_models()}
    studio.start_playtest(studio.playtest.current_setup())
    controller = studio.runner.controller  # type: ignore[union-attr]
    controller.choose("wait", "")
    line = line_of(studio, "brief: Things develop.")
    type_over(qtbot, studio, line, "Things develop.", "Things develop fast.")
    studio.save()
    qtbot.waitUntil(lambda: "Replayed" in studio.playtest_window.info.text(), timeout=TIMEOUT)
    # Only the playtest on screen is attached (the dry run and the one it replaced are not).
    assert {id(m) for m in attached_models()} - before == {id(controller.session)}
    studio.playtest_window.close()
    studio.editor.document().setModified(False)
    studio.close()
    assert {id(m) for m in attached_models()} == before
