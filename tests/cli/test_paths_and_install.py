"""The user's folders, scenarios by id, `hotline paths`, `install-desktop`, `studio` and
mistyped commands, through ``main([...])`` with a private HOME and XDG folders."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from game import paths
from game.cli import main

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
TINY = ROOT / "tests" / "engine" / "tiny.yaml"


@pytest.fixture
def user_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HOME and XDG folders, so nothing reaches the real ones."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("HOTLINE_STORE", "HOTLINE_BACKUPS", "HOTLINE_SETTINGS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def app_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Stand in for the desktop app: record what it was asked to open."""
    calls: list[list[str]] = []
    fake = types.ModuleType("game.ui.app")

    def run_app(args: list[str]) -> int:
        calls.append(list(args))
        return 0

    fake.run_app = run_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "game.ui.app", fake)
    return calls


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- the folders ------------------------------------------------------------------


def test_user_folders_follow_xdg(user_home: Path) -> None:
    assert paths.user_scenarios_dir() == user_home / "data" / "hotline" / "scenarios"
    assert paths.default_store_path() == user_home / "data" / "hotline" / "journal.sqlite3"
    assert paths.backups_dir() == user_home / "data" / "hotline" / "backups"
    assert paths.settings_file() == user_home / "config" / "hotline" / "settings.ini"
    assert paths.desktop_entry_path() == user_home / "data" / "applications" / "hotline.desktop"


def test_bundled_content_comes_from_the_package(user_home: Path) -> None:
    import importlib.resources

    bundled = paths.bundled_scenarios_dir()
    assert bundled == Path(str(importlib.resources.files("game.scenarios")))
    assert sorted(p.name for p in paths.scenario_files(bundled)) == BUNDLED
    assert (paths.templates_dir() / "new-scenario.yaml").is_file()
    assert (paths.assets_dir() / "themes" / "light.theme").is_file()
    assert paths.is_bundled(bundled / "balloon-2023.yaml")
    assert not paths.is_bundled(paths.user_scenarios_dir() / "balloon-2023.yaml")


def test_paths_command_prints_every_folder(capsys: pytest.CaptureFixture[str],
                                           user_home: Path) -> None:
    code, out, _ = run(capsys, "paths")
    assert code == 0
    for label, path in (("Your scenarios", paths.user_scenarios_dir()),
                        ("Session store", paths.default_store_path()),
                        ("Studio backups", paths.backups_dir()),
                        ("Settings", paths.settings_file()),
                        ("Bundled scenarios", paths.bundled_scenarios_dir())):
        line = next(ln for ln in out.splitlines() if ln.startswith(label))
        assert str(path) in line
    assert "(not created yet)" in next(ln for ln in out.splitlines()
                                       if ln.startswith("Your scenarios"))
    code, out, _ = run(capsys, "--store", str(user_home / "class.sqlite3"), "paths", "--json")
    data = json.loads(out)
    assert code == 0 and data["store"] == str(user_home / "class.sqlite3")
    assert data["user_scenarios"] == str(paths.user_scenarios_dir())
    assert set(data) >= {"user_scenarios", "store", "backups", "config", "bundled_scenarios",
                         "templates", "assets", "desktop", "program"}


# --- scenarios by id ----------------------------------------------------------------


def test_validate_and_lint_take_a_scenario_id(capsys: pytest.CaptureFixture[str],
                                              user_home: Path) -> None:
    code, out, _ = run(capsys, "validate", "balloon-2023", "pelosi-2022")
    assert code == 0, out
    assert out.splitlines()[0] == (f"{paths.bundled_scenarios_dir() / 'balloon-2023.yaml'}: "
                                   "ok (balloon-2023 v1.0: 13 nodes, 7 endings)")
    assert "2 file(s) checked: 2 valid" in out
    code, out, _ = run(capsys, "lint", "ep3-hainan-2001", "--json")
    assert code == 0, out
    assert json.loads(out)["files"][0]["file"].endswith("ep3-hainan-2001.yaml")


def test_play_and_simulate_take_a_scenario_id(capsys: pytest.CaptureFixture[str],
                                              user_home: Path) -> None:
    code, out, err = run(capsys, "play", "balloon-2023", "--policy", "expert", "--seed", "4",
                         "--json")
    assert code == 0, err
    played = json.loads(out)
    assert played["scenario"]["path"] == str(paths.bundled_scenarios_dir() / "balloon-2023.yaml")
    assert played["ended"] is True
    # The default store is in the user's data folder.
    assert paths.default_store_path().is_file()
    code, out, err = run(capsys, "simulate", "strait-2027", "-n", "20", "--json")
    assert code == 0, err
    assert json.loads(out)["scenario"] == "strait-2027"


def test_a_user_scenario_with_the_same_id_takes_the_bundled_ones_place(
        capsys: pytest.CaptureFixture[str], user_home: Path) -> None:
    mine = paths.user_scenarios_dir() / "my-balloon.yaml"
    mine.parent.mkdir(parents=True)
    shutil.copy(ROOT / "scenarios" / "balloon-2023.yaml", mine)
    shutil.copy(TINY, paths.user_scenarios_dir() / "tiny.yaml")
    assert paths.find_scenario("balloon-2023") == mine
    assert paths.find_scenario("tiny") == paths.user_scenarios_dir() / "tiny.yaml"
    code, out, _ = run(capsys, "validate", "tiny")
    assert code == 0 and out.startswith(f"{paths.user_scenarios_dir() / 'tiny.yaml'}: ok")


def test_an_unknown_id_is_a_user_error_with_the_nearest_ids(
        capsys: pytest.CaptureFixture[str], user_home: Path) -> None:
    code, out, err = run(capsys, "play", "balloon-2032", "--policy", "expert")
    assert code == 2
    assert "'balloon-2032' is neither a scenario file nor the id of a scenario" in err
    assert "did you mean balloon-2023?" in err
    assert "Traceback" not in out + err
    assert not paths.default_store_path().exists(), "nothing may be recorded"


def test_a_missing_file_path_is_still_reported_by_the_loader(
        capsys: pytest.CaptureFixture[str], user_home: Path) -> None:
    missing = str(user_home / "nowhere.yaml")
    code, out, err = run(capsys, "validate", missing)
    assert code == 2
    assert out.startswith(f"{missing}:") and "neither a scenario file" not in out + err


# --- mistyped commands, the app, the Studio ----------------------------------------


def test_a_mistyped_command_is_reported_with_the_nearest(
        capsys: pytest.CaptureFixture[str], app_calls: list[list[str]]) -> None:
    code, _, err = run(capsys, "simulte", "balloon-2023")
    assert code == 2
    assert "unknown command 'simulte'" in err and "Did you mean `hotline simulate`" in err
    code, _, err = run(capsys, "--store", "/tmp/x.sqlite3", "clas")
    assert code == 2 and "unknown command 'clas'" in err
    assert app_calls == [], "a mistyped command must not open the app"


def test_the_app_still_opens_without_a_command(
        capsys: pytest.CaptureFixture[str], app_calls: list[list[str]],
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HOTLINE_STORE", raising=False)
    assert main([]) == 0
    assert main(["--store", str(tmp_path / "s.sqlite3")]) == 0
    assert main(["-platform", "offscreen"]) == 0
    assert app_calls == [[], [], ["-platform", "offscreen"]]


def test_studio_command_opens_the_studio_on_a_file_or_id(
        capsys: pytest.CaptureFixture[str], app_calls: list[list[str]], user_home: Path) -> None:
    assert run(capsys, "studio")[0] == 0
    assert run(capsys, "studio", "balloon-2023")[0] == 0
    assert run(capsys, "studio", str(TINY))[0] == 0
    assert app_calls == [["--studio"],
                         ["--studio", str(paths.bundled_scenarios_dir() / "balloon-2023.yaml")],
                         ["--studio", str(TINY)]]
    code, _, err = run(capsys, "studio", str(user_home / "typo.yaml"))
    assert code == 2 and "no such scenario file" in err
    assert len(app_calls) == 3


# --- the desktop menu entry ---------------------------------------------------------


def test_install_desktop_writes_entry_and_icon_into_xdg_data_home(
        capsys: pytest.CaptureFixture[str], user_home: Path) -> None:
    code, out, err = run(capsys, "install-desktop")
    assert code == 0, err
    entry = user_home / "data" / "applications" / "hotline.desktop"
    icon = user_home / "data" / "icons" / "hicolor" / "scalable" / "apps" / "hotline.svg"
    assert str(entry) in out and str(icon) in out
    text = entry.read_text(encoding="utf-8")
    fields = dict(line.split("=", 1) for line in text.split("\n\n")[0].splitlines()[1:])
    assert fields["Type"] == "Application" and fields["Name"] == "Hotline"
    assert fields["Icon"] == str(icon)
    assert Path(fields["TryExec"]).is_file()
    assert icon.read_bytes() == (paths.assets_dir() / "icons" / "app.svg").read_bytes()
    assert not list((user_home / "home").iterdir()), "nothing written into HOME itself"
    validator = shutil.which("desktop-file-validate")
    if validator:
        proc = subprocess.run([validator, str(entry)], capture_output=True, text=True)
        assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr
    code, out, _ = run(capsys, "install-desktop", "--remove")
    assert code == 0 and not entry.exists() and not icon.exists()


def test_desktop_entry_quotes_a_launcher_with_spaces() -> None:
    from game.commands.install_desktop import desktop_entry

    text = desktop_entry(["/opt/my apps/hotline"], Path("/icons/hotline.svg"))
    assert 'Exec="/opt/my apps/hotline"\n' in text
    assert 'Exec="/opt/my apps/hotline" studio\n' in text
    text = desktop_entry(["/usr/bin/python3", "-m", "game"], Path("/i.svg"))
    assert "Exec=/usr/bin/python3 -m game\n" in text


def test_readme_names_every_command() -> None:
    from game.launch import COMMANDS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in COMMANDS if c != "app" and f"`hotline {c}" not in readme]
    assert not missing, f"README.md does not show: {missing}"
    assert "## Install as a user" in readme and "pipx install" in readme


def test_a_stale_install_without_the_bundled_package_says_how_to_fix_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(package: str) -> None:
        raise ModuleNotFoundError(f"No module named '{package}'", name=package)

    monkeypatch.setattr(paths.resources, "files", missing)
    with pytest.raises(RuntimeError, match=r"game\.scenarios.*scripts/setup\.sh"):
        paths.bundled_scenarios_dir()
