"""Tests stay out of the user's home (see tests/conftest.py).

Every test gets its own home, XDG folders, temporary folder and Qt settings
location; a run as a whole must leave the real home and the temporary folder
as it found them. The last test proves it by running tests that write
settings, backups, journals and temporary folders in a child pytest whose
"real" home and temporary folder are fresh, empty folders.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

CANARY = "HOTLINE_HOME_CANARY"
REPO_ROOT = Path(__file__).resolve().parent.parent


def test_each_test_has_a_home_of_its_own(own_home: Path, home_isolation: dict[str, Any]
                                         ) -> None:
    import platformdirs

    from game.records.journal import default_store_path

    REAL_HOME = home_isolation["real_home"]
    SESSION_HOME = home_isolation["session_home"]
    HOME_VARIABLES = home_isolation["variables"]
    assert Path(os.environ["HOME"]) == own_home
    assert Path.home() == own_home
    assert REAL_HOME and not own_home.is_relative_to(REAL_HOME)
    assert not own_home.is_relative_to(SESSION_HOME)
    for variable, sub in HOME_VARIABLES.items():
        assert Path(os.environ[variable]) == (own_home / sub if sub else own_home)
    assert platformdirs.user_data_path("hotline").is_relative_to(own_home)
    assert platformdirs.user_config_path("hotline").is_relative_to(own_home)
    assert default_store_path().is_relative_to(own_home)
    run_tmp = Path(tempfile.gettempdir())
    assert run_tmp.name == "tmp" and run_tmp.parent == own_home.parent.parent
    assert os.environ["TMPDIR"] == str(run_tmp)
    assert "HOTLINE_STORE" not in os.environ


def test_qt_settings_land_in_the_tests_home(own_home: Path, qapp: Any) -> None:
    from PySide6.QtCore import QSettings

    settings = QSettings()  # what the app and the Studio use
    assert Path(settings.fileName()).is_relative_to(own_home)
    ini = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Hotline", "test")
    assert Path(ini.fileName()).is_relative_to(own_home)


@pytest.mark.skipif(not os.environ.get(CANARY), reason="run by the isolation test below")
def test_canary_writes_where_code_writes(qapp: Any) -> None:
    """Writes everywhere the app writes by default (only inside the child run)."""
    import platformdirs
    from PySide6.QtCore import QSettings

    from game.records.journal import Journal

    data = platformdirs.user_data_path("hotline")
    data.mkdir(parents=True, exist_ok=True)
    (data / "canary.txt").write_text("written by a test", encoding="utf-8")
    settings = QSettings()
    settings.setValue("studio/last", "/somewhere/canary.yaml")
    settings.sync()
    with Journal() as journal:  # the default store in the user data folder
        journal.create_session(scenario_id="canary", scenario_version="1", content_hash="x",
                               scenario_title="Canary", scenario_path="", seed=1, roles=[],
                               trainee="", mode="headless", meta={})
    tempfile.mkdtemp(prefix="hotline-debrief-shots-")  # left behind, as a careless test would
    (Path.home() / ".hotline-canary").write_text("x", encoding="utf-8")


@pytest.mark.slow
def test_a_run_leaves_the_real_home_and_temp_folder_untouched(
        tmp_path: Path, home_isolation: dict[str, Any]) -> None:
    real_home = tmp_path / "real-home"
    real_tmp = tmp_path / "real-tmp"
    real_home.mkdir()
    real_tmp.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in home_isolation["variables"] and not k.startswith("HOTLINE_")}
    env.update({"HOME": str(real_home), "TMPDIR": str(real_tmp), CANARY: "1",
                "QT_QPA_PLATFORM": "offscreen"})
    tests = [
        "tests/test_home_isolation.py::test_canary_writes_where_code_writes",
        "tests/studio/test_studio_window.py::test_text_is_backed_up",
        "tests/studio/test_studio_window.py::test_new_scenario_from_template_validates",
        "tests/cli/test_cli_commands.py",
    ]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         f"--basetemp={tmp_path / 'pytest-base'}", *tests],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert "passed" in summary and "skipped" not in summary, summary  # the canary ran
    left_in_home = sorted(str(p.relative_to(real_home)) for p in real_home.rglob("*"))
    assert left_in_home == [], f"the run wrote into the home folder: {left_in_home}"
    left_in_tmp = sorted(p.name for p in real_tmp.iterdir())
    assert left_in_tmp == [], f"the run left temporary folders: {left_in_tmp}"
