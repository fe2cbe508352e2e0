"""The Studio and the library with the user's folders: bundled scenarios are read-only,
Save makes the user's own copy, new scenarios go to the user's folder, and
`hotline studio FILE` opens the Studio on the file. HOME and XDG folders are private."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QFileDialog, QMessageBox  # noqa: E402

from game import paths  # noqa: E402
from game.ui.studio.window import StudioWindow  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
TINY = ROOT / "tests" / "engine" / "tiny.yaml"
TIMEOUT = 20_000


@pytest.fixture
def user_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("HOTLINE_STORE", "HOTLINE_BACKUPS", "HOTLINE_SETTINGS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Answer the save dialog with the path it proposes; record warnings instead of showing."""
    seen: dict[str, list[Any]] = {"proposed": [], "warnings": []}

    def save_name(_parent: Any, _title: str, start: str, _filter: str) -> tuple[str, str]:
        seen["proposed"].append(Path(start))
        return start, ""

    def warning(_parent: Any, title: str, text: str, *_: Any) -> Any:
        seen["warnings"].append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    return seen


def wait_checked(qtbot: Any, window: StudioWindow) -> None:
    def caught_up() -> bool:
        last = window.checker.last
        return last is not None and last.text == window.text() and not window.checker.busy

    qtbot.waitUntil(caught_up, timeout=TIMEOUT)


@pytest.fixture
def open_studio(qtbot: Any, user_home: Path) -> Iterator[Any]:
    windows: list[StudioWindow] = []

    def make(path: Path | None) -> StudioWindow:
        window = StudioWindow(path, balance_workers=1)
        window.show()
        wait_checked(qtbot, window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.editor.document().setModified(False)
        window.close()
        window.deleteLater()


def test_a_bundled_scenario_opens_read_only_and_save_makes_a_copy(
        qtbot: Any, open_studio: Any, dialogs: dict[str, list[Any]]) -> None:
    bundled = paths.bundled_scenarios_dir() / "ep3-hainan-2001.yaml"
    original = bundled.read_bytes()
    studio = open_studio(bundled)
    assert studio.read_only
    assert "(read-only)" in studio.windowTitle()
    assert "read-only" in studio.file_label.text()
    studio.editor.go_to(1)
    qtbot.keyClicks(studio.editor, "# my variant")
    assert studio.save()
    copy = paths.user_scenarios_dir() / "ep3-hainan-2001.yaml"
    assert dialogs["proposed"] == [copy], "Save proposes the user's scenarios folder"
    assert bundled.read_bytes() == original, "the bundled file is never written"
    assert copy.read_text(encoding="utf-8").startswith("# my variant")
    assert studio.path == copy and not studio.read_only
    assert "(read-only)" not in studio.windowTitle()


def test_save_as_into_the_bundled_folder_is_refused(
        qtbot: Any, open_studio: Any, dialogs: dict[str, list[Any]]) -> None:
    bundled = paths.bundled_scenarios_dir() / "pelosi-2022.yaml"
    original = bundled.read_bytes()
    studio = open_studio(bundled)
    studio.editor.go_to(1)
    qtbot.keyClicks(studio.editor, "# changed")
    assert studio.save_as(bundled) is False
    assert bundled.read_bytes() == original
    assert dialogs["warnings"] and "read-only" in dialogs["warnings"][0][1]
    assert str(paths.user_scenarios_dir()) in dialogs["warnings"][0][1]
    assert studio.editor.document().isModified(), "the text stays, unsaved"


def test_a_new_scenario_is_saved_in_the_user_folder(
        qtbot: Any, open_studio: Any, dialogs: dict[str, list[Any]]) -> None:
    studio = open_studio(None)
    assert studio.new_from_template(title="Border talks 2031", ask=False)
    assert studio.save()
    saved = paths.user_scenarios_dir() / "border-talks-2031.yaml"
    assert dialogs["proposed"] == [saved]
    assert saved.read_text(encoding="utf-8") == studio.text() + (
        "" if studio.text().endswith("\n") else "\n")
    # The browser lists it under My scenarios, apart from the bundled ones.
    groups = {studio.browser.topLevelItem(i).text(0): studio.browser.topLevelItem(i)
              for i in range(studio.browser.topLevelItemCount())}
    mine = groups["My scenarios"]
    assert [mine.child(j).text(0) for j in range(mine.childCount())] == ["border-talks-2031"]
    bundled = groups["Bundled (read-only)"]
    assert bundled.childCount() == len(list(paths.scenario_files(
        paths.bundled_scenarios_dir())))


def test_an_own_scenario_saves_in_place(
        qtbot: Any, open_studio: Any, dialogs: dict[str, list[Any]], user_home: Path) -> None:
    mine = user_home / "work" / "tiny.yaml"
    mine.parent.mkdir()
    shutil.copy(TINY, mine)
    studio = open_studio(mine)
    assert not studio.read_only
    studio.editor.go_to(1)
    qtbot.keyClicks(studio.editor, "# note")
    assert studio.save()
    assert dialogs["proposed"] == [], "no dialog for a file of the user's"
    assert mine.read_text(encoding="utf-8").startswith("# note")


def test_the_library_lists_bundled_and_user_scenarios(qapp: Any, user_home: Path) -> None:
    from game.ui.library import ScenarioLibrary

    own = paths.user_scenarios_dir() / "tiny.yaml"
    own.parent.mkdir(parents=True)
    shutil.copy(TINY, own)
    library = ScenarioLibrary()
    library.reload_now()
    names = sorted(e.path.name for e in library.entries if e.ok and not e.user)
    assert names == sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
    (entry,) = [e for e in library.entries if e.user]
    assert entry.path == own.resolve() and entry.ok
    assert library.default_entry() is not None
    assert library.default_entry().path.name == "balloon-2023.yaml"


def test_studio_command_opens_only_the_studio_on_the_file(
        qapp: Any, user_home: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from game.ui.app import run_app

    bundled = paths.bundled_scenarios_dir() / "balloon-2023.yaml"
    seen: dict[str, Any] = {}

    def look_then_close() -> None:
        visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        seen["kinds"] = sorted(type(w).__name__ for w in visible)
        studios = [w for w in visible if isinstance(w, StudioWindow)]
        if not studios:
            QApplication.exit(3)
            return
        seen["path"] = studios[0].path
        seen["read_only"] = studios[0].read_only
        studios[0].close()
        QTimer.singleShot(0, lambda: QApplication.exit(0))

    QTimer.singleShot(50, look_then_close)
    assert run_app(["--studio", str(bundled)]) == 0
    assert seen["kinds"] == ["StudioWindow"]
    assert seen["path"] == bundled and seen["read_only"] is True
    # The Studio keeps its settings in the user's config folder.
    assert paths.settings_file().is_file()
