"""Shared test setup.

Qt is forced offscreen before anything can import it, and no test may leave
a top-level window open (a leaked window usually means a dialog a user would
be stuck with, or a widget the test forgot to close).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

# Must happen before any PySide6 import anywhere in the test session.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent


def _visible_top_level_widgets() -> list[object]:
    """Visible top-level widgets, without importing Qt into non-Qt tests."""
    if "PySide6.QtWidgets" not in sys.modules:
        return []
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return []
    QApplication.processEvents()
    QApplication.sendPostedEvents(None, 0)  # includes DeferredDelete
    QApplication.processEvents()
    leaked: list[object] = []
    for widget in QApplication.topLevelWidgets():
        if not widget.isVisible():
            continue
        if widget.windowType() == Qt.WindowType.ToolTip:
            continue  # tooltips hide themselves on a timer
        leaked.append(widget)
    return leaked


def _describe(widget: object) -> str:
    title = ""
    try:
        title = widget.windowTitle()  # type: ignore[attr-defined]
    except RuntimeError:  # already deleted on the C++ side
        pass
    name = type(widget).__name__
    return f"{name}({title!r})" if title else name


@pytest.fixture(autouse=True)
def _no_leaked_windows(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that leaves a visible top-level widget behind.

    Runs after pytest-qt's own teardown (this fixture is set up first), so
    widgets registered with ``qtbot.addWidget`` are already closed by then.
    """
    yield
    leaked = _visible_top_level_widgets()
    if not leaked:
        return
    names = ", ".join(_describe(w) for w in leaked)
    for widget in leaked:  # close them so one failure doesn't cascade
        try:
            widget.close()  # type: ignore[attr-defined]
            widget.deleteLater()  # type: ignore[attr-defined]
        except RuntimeError:
            pass
    _visible_top_level_widgets()  # let the closes and deletions happen
    pytest.fail(
        f"{request.node.nodeid} left visible top-level widget(s) open: {names}. "
        "Close them in the test or register them with qtbot.addWidget().",
        pytrace=False,
    )


@pytest.fixture
def repo_root() -> Path:
    """The repository root (where pyproject.toml, scenarios/ and assets/ are)."""
    return REPO_ROOT


@pytest.fixture
def tmp_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh journal location for this test, exported as HOTLINE_STORE."""
    store = tmp_path / "hotline-store.sqlite3"
    monkeypatch.setenv("HOTLINE_STORE", str(store))
    return store


# -- a real PostgreSQL server (tests/pgserver.py) -------------------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """A throwaway PostgreSQL server for the whole run (initdb + pg_ctl, a free port).

    Skips only when the server binaries are absent (and fails then too when
    ``HOTLINE_REQUIRE_POSTGRES=1``, as ``.ci/run`` sets); any other failure to
    start is an error, since setup installs Debian's postgresql package.
    """
    from pgserver import find_pg_bin, start_server

    if find_pg_bin() is None:
        if os.environ.get("HOTLINE_REQUIRE_POSTGRES") == "1":  # CI: never skip them silently
            pytest.fail(
                "HOTLINE_REQUIRE_POSTGRES=1 but the PostgreSQL server binaries (initdb, pg_ctl, "
                "postgres) are not installed; `bash scripts/setup.sh` installs Debian's "
                "postgresql package", pytrace=False)
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) are not installed; "
            "`bash scripts/setup.sh` installs Debian's postgresql package"
        )
    server = start_server()
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
def pg_store(pg_server: object) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database for this test."""
    url: str = pg_server.create_database()  # type: ignore[attr-defined]
    try:
        yield url
    finally:
        pg_server.drop_database(url)  # type: ignore[attr-defined]
