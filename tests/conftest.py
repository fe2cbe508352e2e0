"""Shared test setup.

Qt is forced offscreen before anything can import it, and no test may leave
a top-level window open (a leaked window usually means a dialog a user would
be stuck with, or a widget the test forgot to close).

Tests stay out of the user's home. The whole run gets a home folder of its
own before anything is imported (so nothing can even find the real one), and
every test gets a fresh home, XDG data/config/cache/state folders and Qt
settings location, removed after the test. Temporary files of the run
(``tempfile``, and ``TMPDIR`` for child processes) go to one folder that is
removed at the end, so nothing forgotten stays behind in /tmp. At the end of
the run the session's home must still be empty: if some code wrote there
(outside any test's own folders), the run fails and says what was written.

The machine's tool chains (rustup, cargo, pyenv) stay where they are: their
folders are named explicitly, so a build a test starts finds them instead of
setting up new ones in the test's home.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

# Must happen before any PySide6 import anywhere in the test session.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent

#: Environment variables that name a user's folders or Hotline's files.
HOME_VARIABLES = {
    "HOME": "",
    "XDG_CONFIG_HOME": ".config",
    "XDG_DATA_HOME": ".local/share",
    "XDG_CACHE_HOME": ".cache",
    "XDG_STATE_HOME": ".local/state",
}
HOTLINE_VARIABLES = ("HOTLINE_STORE", "HOTLINE_BACKUPS", "HOTLINE_SETTINGS")

#: The real home, for the isolation test only: nothing else may use it.
REAL_HOME = os.environ.get("HOME", "")
_SESSION_ROOT = Path(tempfile.mkdtemp(prefix="hotline-tests-"))
SESSION_HOME = _SESSION_ROOT / "session-home"


def _point_home(home: Path, setenv: object = None) -> None:
    """Make ``home`` the home and XDG folders (with ``setenv``, or os.environ directly)."""
    for variable, sub in HOME_VARIABLES.items():
        folder = home / sub if sub else home
        folder.mkdir(parents=True, exist_ok=True)
        if setenv is None:
            os.environ[variable] = str(folder)
        else:
            setenv(variable, str(folder))  # type: ignore[operator]


for _variable, _folder in (("RUSTUP_HOME", ".rustup"), ("CARGO_HOME", ".cargo"),
                           ("PYENV_ROOT", ".pyenv")):
    if REAL_HOME and _variable not in os.environ and (Path(REAL_HOME) / _folder).is_dir():
        os.environ[_variable] = str(Path(REAL_HOME) / _folder)
# pip asks `rustc --version` for its user agent; a rustup proxy on PATH whose own
# folder is not in the real home would write its settings into the session home.
for _variable, _folder in (("RUSTUP_HOME", "rustup"), ("CARGO_HOME", "cargo")):
    os.environ.setdefault(_variable, str(_SESSION_ROOT / _folder))
_point_home(SESSION_HOME)
for _variable in HOTLINE_VARIABLES:
    os.environ.pop(_variable, None)
# Readable by others (a test server may run as another user, like PostgreSQL's).
_SESSION_ROOT.chmod(0o755)
SESSION_TMP = _SESSION_ROOT / "tmp"
SESSION_TMP.mkdir(mode=0o1777)
SESSION_TMP.chmod(0o1777)  # like /tmp: anyone may make folders, nobody removes others'


def _files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_dir())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if anything was written into the session's home, then clean up."""
    written = _files_under(SESSION_HOME) if SESSION_HOME.is_dir() else []
    shutil.rmtree(_SESSION_ROOT, ignore_errors=True)
    if written:
        shown = ", ".join(written[:10]) + (" ..." if len(written) > 10 else "")
        sys.stderr.write(f"\nERROR: the tests wrote into the home folder (outside every test's "
                         f"own folders): {shown}\n")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _point_qt_settings(config: Path) -> None:
    """Send QSettings (whose default folder Qt caches once) to ``config``."""
    if "PySide6.QtCore" not in sys.modules:
        return  # Qt will read XDG_CONFIG_HOME when it first needs it
    from PySide6.QtCore import QSettings

    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(settings_format, scope, str(config))


@pytest.fixture(autouse=True)
def own_home(monkeypatch: pytest.MonkeyPatch, _run_temp_folder: Path) -> Iterator[Path]:
    """A fresh home, XDG folders and Qt settings folder for each test, removed after it."""
    root = Path(tempfile.mkdtemp(prefix="test-", dir=_SESSION_ROOT))
    home = root / "home"
    _point_home(home, monkeypatch.setenv)
    for variable in HOTLINE_VARIABLES:
        # setenv first, so that undoing the delenv also removes a value a test set directly.
        monkeypatch.setenv(variable, "")
        monkeypatch.delenv(variable)
    _point_qt_settings(home / ".config")
    yield home
    _point_qt_settings(SESSION_HOME / ".config")
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def home_isolation() -> dict[str, object]:
    """What the isolation set up, for tests/test_home_isolation.py."""
    return {"real_home": REAL_HOME, "session_home": SESSION_HOME,
            "variables": dict(HOME_VARIABLES), "repo_root": REPO_ROOT}


@pytest.fixture(autouse=True, scope="session")
def _run_temp_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The run's temporary folder for ``tempfile`` and child processes (see above).

    pytest picks its own folder first (its ``tmp_path`` folders stay where pytest
    keeps them, for looking at after a failure).
    """
    tmp_path_factory.getbasetemp()
    saved = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = str(SESSION_TMP)
    os.environ["TMPDIR"] = str(SESSION_TMP)
    yield SESSION_TMP
    tempfile.tempdir = saved[0]
    if saved[1] is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = saved[1]


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
def _no_leaked_windows(request: pytest.FixtureRequest, own_home: Path) -> Iterator[None]:
    """Fail a test that leaves a visible top-level widget behind.

    Runs after pytest-qt's own teardown (this fixture is set up first), so
    widgets registered with ``qtbot.addWidget`` are already closed by then
    (and before the test's home is removed: closing may write settings).
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
