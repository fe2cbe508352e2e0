"""A safe Studio: no keys in the editor behind a playtest, a graph that fits, YAML-aware
colours, playtests that start from the file's values, panes reachable by keyboard."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtGui import QTextCursor, QTextDocument  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from game.ui.studio.highlighter import YamlHighlighter  # noqa: E402
from game.ui.studio.window import StudioWindow  # noqa: E402

REPO = Path(__file__).resolve().parent.parent.parent
TINY = REPO / "tests" / "engine" / "tiny.yaml"
FLAGSHIP = REPO / "scenarios" / "balloon-2023.yaml"
TIMEOUT = 20_000


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Backups, settings and user data of these tests stay in ``tmp_path``."""
    home = tmp_path / "home"
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.setenv("HOTLINE_BACKUPS", str(home / "backups"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(home / "settings"))
    return home


def settle() -> None:
    QApplication.processEvents()
    QApplication.processEvents()


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    shutil.copy(TINY, path)
    return path


def wait_checked(qtbot: Any, window: StudioWindow) -> None:
    def caught_up() -> bool:
        last = window.checker.last
        return last is not None and last.text == window.text() and not window.checker.busy

    qtbot.waitUntil(caught_up, timeout=TIMEOUT)


@pytest.fixture
def studio(qtbot: Any, scenario_file: Path) -> Iterator[StudioWindow]:
    window = StudioWindow(scenario_file, balance_workers=1)
    window.show()
    wait_checked(qtbot, window)
    yield window
    window.balance.cancel()
    window.balance.wait()
    window.editor.document().setModified(False)
    window.close()
    window.deleteLater()


def select_word(window: StudioWindow, needle: str) -> None:
    for number, line in enumerate(window.text().splitlines()):
        if needle in line:
            block = window.editor.document().findBlockByNumber(number)
            cursor = QTextCursor(block)
            cursor.setPosition(block.position() + line.index(needle))
            cursor.setPosition(block.position() + line.index(needle) + len(needle),
                               QTextCursor.MoveMode.KeepAnchor)
            window.editor.setTextCursor(cursor)
            return
    raise AssertionError(needle)


def replace_text(window: StudioWindow, old: str, new: str) -> None:
    select_word(window, old)
    window.editor.textCursor().insertText(new)


# --- 6: keys stay out of the editor during a playtest -----------------------------------------


def test_keys_meant_for_a_playtest_never_reach_the_editor(qtbot: Any, studio: StudioWindow,  # type: ignore[no-untyped-def]
                                                          _isolated: Path) -> None:
    original = studio.text()
    select_word(studio, "The morning after")
    studio.editor.setFocus()
    studio.playtest_here()
    settle()
    window = studio.playtest_window
    assert window is not None and window.isVisible()
    assert studio.editor.isReadOnly()
    assert studio.lock_bar.isVisibleTo(studio)
    studio.backup()  # the text as it was
    backups = sorted((_isolated / "backups").rglob("*.yaml"))
    assert len(backups) == 1
    # The case from the field: the editor still had the focus and a selection, "1" pressed.
    QTest.keyClick(studio.editor, "1")
    QTest.keyClicks(studio.editor, "23")
    settle()
    assert studio.text() == original, "a key meant for the playtest changed the scenario"
    assert not studio.editor.document().isModified()
    studio.backup()
    assert sorted((_isolated / "backups").rglob("*.yaml")) == backups, \
        "a backup was taken of text nobody wrote"
    # The author may edit on purpose while the playtest stays open ...
    qtbot.mouseClick(studio.unlock_button, Qt.MouseButton.LeftButton)
    assert not studio.editor.isReadOnly() and not studio.lock_bar.isVisibleTo(studio)
    # ... until the playtest comes to the front again.
    window.present()
    assert studio.editor.isReadOnly()
    window.close()
    settle()
    assert not studio.editor.isReadOnly() and not studio.lock_bar.isVisibleTo(studio)


def test_the_playtest_window_takes_the_keys(qtbot: Any, studio: StudioWindow) -> None:
    studio.playtest_here()
    settle()
    window = studio.playtest_window
    panel = window.view.play.decision
    assert window.focusWidget() is not None and window.view.isAncestorOf(window.focusWidget())
    QTest.keyClick(window.focusWidget(), "1")
    settle()
    assert panel.selected() is panel.buttons[0]
    window.close()


# --- 9: playtests start from the file's values ------------------------------------------------


def test_a_playtest_starts_from_the_values_in_the_file(qtbot: Any, studio: StudioWindow) -> None:
    panel = studio.playtest
    assert panel.meter_boxes["escalation"].value() == 20
    # The author edits the file: escalation now starts at 25.
    replace_text(studio, "initial: 20", "initial: 25")
    assert studio.save()
    wait_checked(qtbot, studio)
    assert panel.meter_boxes["escalation"].value() == 25, "the panel kept the old value"
    studio.start_playtest(panel.current_setup())
    settle()
    session = studio.runner.controller.session
    assert session.meters["escalation"] == 25
    assert not [d for d in session.inputs if d["type"] in ("adjust", "set_flag")], \
        "a hidden facilitator adjustment was made"
    assert "with the file's meters and flags" in studio.playtest_window.info.text()
    studio.playtest_window.close()


def test_a_value_the_author_chose_is_kept_and_said(qtbot: Any, studio: StudioWindow) -> None:
    panel = studio.playtest
    panel.meter_boxes["standing"].setValue(35)
    replace_text(studio, "initial: 20", "initial: 22")
    assert studio.save()
    wait_checked(qtbot, studio)
    assert panel.meter_boxes["standing"].value() == 35  # the author's choice survives
    assert panel.meter_boxes["escalation"].value() == 22  # the rest follows the file
    studio.start_playtest(panel.current_setup())
    settle()
    session = studio.runner.controller.session
    assert session.meters["standing"] == 35 and session.meters["escalation"] == 22
    adjusts = [d for d in session.inputs if d["type"] == "adjust"]
    assert [d["meter"] for d in adjusts] == ["standing"]
    assert "instead of the file's 50" in adjusts[0]["reason"]
    assert "standing 35 (the file: 50)" in studio.playtest_window.info.text()
    studio.playtest_window.close()


# --- 7: the graph fits ---------------------------------------------------------------------


@pytest.fixture
def flagship_graph(qtbot: Any) -> Any:
    from game.scenario.loader import load_scenario
    from game.ui.studio.graph import FlowGraphView

    view = FlowGraphView()
    qtbot.addWidget(view)
    view.resize(420, 520)
    view.show()
    view.set_scenario(load_scenario(FLAGSHIP))
    settle()
    return view


def test_fit_and_all_show_the_whole_graph(flagship_graph: Any) -> None:
    view = flagship_graph
    view.zoom(3.0)
    assert not view.whole_flow_visible()
    view.fit()
    settle()
    assert view.whole_flow_visible(), "Fit left part of the flow outside the view"
    assert view.transform().m11() <= 1.0
    view.zoom(2.0)
    view.fit_all()
    settle()
    assert view.whole_flow_visible(), "All left part of the flow outside the view"
    view.resize(300, 900)  # the pane changes: the whole flow stays in view
    settle()
    assert view.whole_flow_visible()


def test_all_fills_the_pane_with_a_small_graph(qtbot: Any) -> None:
    from game.scenario.loader import load_scenario
    from game.ui.studio.graph import FlowGraphView

    view = FlowGraphView()
    qtbot.addWidget(view)
    view.resize(1600, 1400)
    view.show()
    view.set_scenario(load_scenario(TINY))
    view.fit()
    assert view.transform().m11() == 1.0, "Fit never enlarges past actual size"
    view.fit_all()
    assert view.transform().m11() > 1.0 and view.whole_flow_visible()


@pytest.mark.parametrize("path", [FLAGSHIP, REPO / "tests" / "ui" / "facilitator" / "team.yaml",
                                  *sorted((REPO / "scenarios").glob("*.yaml"))],
                         ids=lambda p: p.stem)
def test_arrow_labels_do_not_overlap_where_the_flow_branches(qtbot: Any, path: Path) -> None:
    from game.scenario.loader import load_scenario
    from game.ui.studio.graph import FlowGraphView

    view = FlowGraphView()
    qtbot.addWidget(view)
    view.set_scenario(load_scenario(path))
    assert view.label_overlaps() == []
    boxes = [n.mapRectToScene(n.shape_rect()) for n in (*view.nodes.values(),
                                                        *view.endings.values())]
    for edge in view.edges:
        rect = edge.label.sceneBoundingRect()
        assert not any(rect.intersects(b) for b in boxes), f"{edge.label.text()!r} under a node"


# --- 8: the highlighter follows YAML -------------------------------------------------------


SAMPLE = """\
summary: China's balloon and the US, and their allies or not
brief: >
  China's "balloon" drifts north and west
  more prose: with a colon, and or not
nodes:
  - id: first
    when: flags.shot and escalation >= 60 or not contact.any
    effects: [escalation += 5, flags.shot = true]
    effects:
      - escalation -= 5
    text: It's done, and "quoted" later
    title: "A quoted title"
    next:
      - {when: peak.escalation < 50, goto: second}
    injects:
      - {from: Intel, kind: intel, text: China's move and more}
    time_limit: 60   # seconds
"""


@pytest.fixture
def colours(qapp: Any) -> Any:
    doc = QTextDocument()
    doc.setPlainText(SAMPLE)
    highlighter = YamlHighlighter(doc)
    lines = SAMPLE.splitlines()

    def at(line_start: str, needle: str, nth: int = 0) -> str | None:
        number = next(i for i, line in enumerate(lines) if line.startswith(line_start))
        column = -1
        for _ in range(nth + 1):
            column = lines[number].index(needle, column + 1)
        return highlighter.style_at(number, column)

    at.keep = (doc, highlighter)  # type: ignore[attr-defined]  # alive while the test runs
    return at


def test_an_apostrophe_in_prose_is_not_a_string(colours: Any) -> None:
    assert colours("summary:", "China's") is None
    assert colours("summary:", "balloon") is None
    assert colours("  China's", "China's") is None, "a block scalar is prose"
    assert colours("    text: It's", "It's") is None
    assert colours("    text: It's", "quoted") is None, "quotes inside prose are prose"
    assert colours("      - {from: Intel", "China's") is None
    assert colours("    title:", '"A quoted title"') == "string"


def test_and_or_not_are_keywords_only_in_conditions(colours: Any) -> None:
    assert colours("summary:", "and") is None
    assert colours("summary:", "or") is None
    assert colours("  more prose", "and") is None
    assert colours("  more prose", "more prose:") is None, "no keys inside a block scalar"
    assert colours("    when:", "and") == "cond"
    assert colours("    when:", "or") == "cond"
    assert colours("    when:", "not") == "cond"
    assert colours("    when:", ">=") == "cond"
    assert colours("    when:", "flags.") == "cond"
    assert colours("      - {when:", "peak.") == "cond"
    assert colours("      - {when:", "second") == "id"
    assert colours("    text: It's", "and") is None


def test_effects_and_structure_are_coloured(colours: Any) -> None:
    assert colours("    effects: [", "+=") == "cond"
    assert colours("      - escalation", "-=") == "cond"
    assert colours("      - escalation", "-") == "dash"
    assert colours("    when:", "when") == "key"
    assert colours("  - id:", "first") == "id"
    assert colours("    time_limit:", "60") == "number"
    assert colours("    time_limit:", "# seconds") == "comment"
    assert colours("      - {from: Intel", "from") == "key"


# --- keyboard: every pane of the Studio -------------------------------------------------------


def test_f6_reaches_every_pane_and_back(studio: StudioWindow) -> None:
    studio.activateWindow()
    studio.browser.setFocus()
    visited = []
    for _ in range(len(studio.panes())):
        target = studio.focus_pane(1)
        settle()
        visited.append(target)
        focus = QApplication.focusWidget()
        assert focus is not None and (focus is target or target.isAncestorOf(focus)), target
    assert visited[0] is studio.editor
    assert set(map(id, visited)) == set(map(id, studio.panes()))
    studio.focus_pane(-1)
    assert studio.side.isAncestorOf(QApplication.focusWidget()) or \
        QApplication.focusWidget() is studio.side.tabBar()
