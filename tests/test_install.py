"""Hotline installed like a user installs it: sdist -> wheel -> a fresh virtual environment.

The source is copied (without .git, .venv or the tests), built into an sdist
with the build backend, the wheel is built from the unpacked sdist (as pip and
pipx do), and the wheel is installed into a new virtual environment. Its
dependencies come from a wheelhouse kept inside the test environment
(``<.venv>/hotline-wheelhouse``), filled once with ``pip download`` at the
versions the test environment has, so later runs need no network.

The installed ``hotline`` then runs from a folder outside the checkout with
its own HOME and XDG folders: ``--version``, ``validate`` and ``play`` by
scenario id, ``paths``, ``install-desktop``, and the app offscreen.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import zipfile
from contextlib import redirect_stdout
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest

import game
from game.cli import main as source_main

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_FILES = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))

# The build backend's own hooks (PEP 517), called without pip's build isolation
# so no network is needed: the test extra brings setuptools.
BUILD = """
import sys
import setuptools.build_meta as backend
kind, out = sys.argv[1], sys.argv[2]
hook = backend.build_sdist if kind == "sdist" else backend.build_wheel
print(hook(out))
"""

_SKIP_COPY = {".git", ".venv", "build", "dist", "out", "tests", "bench", ".pytest_cache",
              ".mypy_cache", ".ruff_cache", ".hypothesis", "__pycache__"}


def _ignore(_folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in _SKIP_COPY or n.endswith((".egg-info", ".pyc"))}


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None,
         timeout: float = 300) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, (f"{' '.join(cmd)} failed ({proc.returncode}):\n"
                                  f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def _wheelhouse() -> Path:
    override = os.environ.get("HOTLINE_WHEELHOUSE")
    if override:
        return Path(override)
    if sys.prefix != sys.base_prefix:  # the test venv: kept between runs, never the home
        return Path(sys.prefix) / "hotline-wheelhouse"
    return Path(os.environ.get("TMPDIR", "/tmp")) / "hotline-wheelhouse"


def _requirements(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(name).decode("utf-8")
    return [line.split(":", 1)[1].strip() for line in text.splitlines()
            if line.startswith("Requires-Dist:") and "extra ==" not in line]


def _pins() -> str:
    """The test environment's versions, so the fresh install matches what was tested."""
    pinned: dict[str, str] = {}
    for dist in metadata.distributions():  # in sys.path order: the one Python imports first
        name = dist.metadata["Name"]
        if name and name.lower() != "hotline":
            # (a package vendored inside another, once that one is imported, is
            # listed too, later: it must not pin a second version)
            pinned.setdefault(name.lower().replace("_", "-"), f"{name}=={dist.version}")
    return "\n".join(sorted(pinned.values())) + "\n"


def _pip_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.pop("PYTHONPATH", None)
    return env


def _install(venv_python: Path, wheel: Path, work: Path) -> None:
    house = _wheelhouse()
    house.mkdir(parents=True, exist_ok=True)
    offline = [str(venv_python), "-m", "pip", "install", "--quiet", "--no-index",
               "--find-links", str(house), str(wheel)]
    first = subprocess.run(offline, cwd=work, env=_pip_env(), capture_output=True, text=True,
                           timeout=600)
    if first.returncode == 0:
        return
    # The wheelhouse lacks something: fetch the dependencies once, at the tested versions
    # (pip answers from its cache when it has them), then install offline again.
    pins = work / "pins.txt"
    pins.write_text(_pins(), encoding="utf-8")
    _run([sys.executable, "-m", "pip", "download", "--quiet", "--only-binary", ":all:",
          "--dest", str(house), "-c", str(pins), *_requirements(wheel)],
         cwd=work, env=_pip_env(), timeout=600)
    _run(offline, cwd=work, env=_pip_env(), timeout=600)


@dataclass
class Installed:
    work: Path
    venv: Path
    sdist: Path
    wheel: Path
    env: dict[str, str]
    data_home: Path
    config_home: Path

    @property
    def hotline(self) -> str:
        return str(self.venv / "bin" / "hotline")

    def run(self, *args: str, timeout: float = 180,
            extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        env = {**self.env, **(extra_env or {})}
        return subprocess.run([self.hotline, *args], cwd=self.work, env=env,
                              capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=_ignore)
    dist = work / "dist"
    sdist_name = _run([sys.executable, "-c", BUILD, "sdist", str(dist)],
                      cwd=source).stdout.split()[-1]
    sdist = dist / sdist_name
    unpacked = work / "unpacked"
    with tarfile.open(sdist) as archive:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4+; Debian 12 has 3.11.2
            archive.extractall(unpacked, filter="data")
        else:
            archive.extractall(unpacked)  # our own sdist, just built
    (built,) = list(unpacked.iterdir())
    wheel_name = _run([sys.executable, "-c", BUILD, "wheel", str(dist)],
                      cwd=built).stdout.split()[-1]
    wheel = dist / wheel_name
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=work)
    _install(venv / "bin" / "python", wheel, work)

    home = work / "home"
    data_home, config_home = work / "xdg" / "data", work / "xdg" / "config"
    runtime = work / "xdg" / "runtime"
    for folder in (home, data_home, config_home, runtime):
        folder.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(home),
        "XDG_DATA_HOME": str(data_home),
        "XDG_CONFIG_HOME": str(config_home),
        "XDG_CACHE_HOME": str(work / "xdg" / "cache"),
        "XDG_STATE_HOME": str(work / "xdg" / "state"),
        "XDG_RUNTIME_DIR": str(runtime),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
    }
    return Installed(work, venv, sdist, wheel, env, data_home, config_home)


def test_sdist_and_wheel_carry_every_scenario_and_asset(installed: Installed) -> None:
    with tarfile.open(installed.sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    with zipfile.ZipFile(installed.wheel) as archive:
        in_wheel = set(archive.namelist())
    content = sorted(p.relative_to(ROOT).as_posix()
                     for top in ("scenarios", "assets") for p in (ROOT / top).rglob("*")
                     if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    assert "scenarios/balloon-2023.yaml" in content and "assets/themes/light.theme" in content
    missing_sdist = [name for name in content if name not in in_sdist]
    missing_wheel = [name for name in content if f"game/{name}" not in in_wheel]
    assert not missing_sdist, f"not in the sdist: {missing_sdist}"
    assert not missing_wheel, (f"not in the wheel (add them to DATA in setup.py): "
                               f"{missing_wheel}")


def test_version(installed: Installed) -> None:
    proc = installed.run("--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"hotline {game.__version__}\n"
    assert installed.wheel.name.startswith(f"hotline-{game.__version__}-")


def test_installed_hotline_uses_its_package_and_the_user_folders(installed: Installed) -> None:
    proc = installed.run("paths", "--json")
    assert proc.returncode == 0, proc.stderr
    where = {key: Path(value) for key, value in json.loads(proc.stdout).items()}
    site = installed.venv / "lib"
    for key in ("program", "bundled_scenarios", "templates", "assets"):
        assert where[key].is_relative_to(site), (key, where[key])
    assert sorted(p.name for p in where["bundled_scenarios"].glob("*.yaml")) == SCENARIO_FILES
    for key in ("user_scenarios", "store", "backups", "desktop"):
        assert where[key].is_relative_to(installed.data_home), (key, where[key])
    assert where["config"].is_relative_to(installed.config_home)


def test_validate_by_id(installed: Installed) -> None:
    proc = installed.run("validate", "balloon-2023")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    path, _, verdict = proc.stdout.splitlines()[0].partition(": ")
    assert Path(path).is_relative_to(installed.venv / "lib")
    assert path.endswith("/game/scenarios/balloon-2023.yaml")
    assert verdict.startswith("ok (balloon-2023 v")
    assert "1 valid, 0 invalid" in proc.stdout
    unknown = installed.run("validate", "balloon-2032")
    assert unknown.returncode == 2
    assert "did you mean balloon-2023" in unknown.stderr and "Traceback" not in unknown.stderr


def test_policy_play_by_id_matches_the_checkout(installed: Installed, tmp_path: Path) -> None:
    proc = installed.run("play", "balloon-2023", "--policy", "expert", "--seed", "11", "--json")
    assert proc.returncode == 0, proc.stderr
    played = json.loads(proc.stdout)
    assert played["ended"] is True
    assert played["scenario"]["id"] == "balloon-2023"
    # Journalled in the user's data folder (platformdirs under XDG_DATA_HOME).
    assert (installed.data_home / "hotline" / "journal.sqlite3").is_file()
    # The same scenario, seed and policy from the source checkout: the same events.
    out = io.StringIO()
    with redirect_stdout(out):
        code = source_main(["play", str(ROOT / "scenarios" / "balloon-2023.yaml"), "--policy",
                            "expert", "--seed", "11", "--json", "--store",
                            str(tmp_path / "j.sqlite3")])
    assert code == 0
    assert played["events"] == json.loads(out.getvalue())["events"]


def test_install_desktop_writes_into_xdg_data_home(installed: Installed) -> None:
    proc = installed.run("install-desktop")
    assert proc.returncode == 0, proc.stderr
    entry = installed.data_home / "applications" / "hotline.desktop"
    icon = installed.data_home / "icons" / "hicolor" / "scalable" / "apps" / "hotline.svg"
    text = entry.read_text(encoding="utf-8")
    assert f"Exec={installed.hotline}\n" in text
    assert f"Icon={icon}\n" in text
    assert icon.read_bytes() == (ROOT / "assets" / "icons" / "app.svg").read_bytes()


def test_app_starts_offscreen_and_shows_every_bundled_scenario(installed: Installed) -> None:
    # The start-up report (bench/startup.py's hook) quits once the library has loaded.
    proc = installed.run(extra_env={"HOTLINE_BENCH_STARTUP": "1"}, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert f"hotline-scenarios {len(SCENARIO_FILES)} loaded, 0 with problems" in proc.stdout


def test_app_runs_offscreen_for_a_few_seconds(installed: Installed) -> None:
    app = subprocess.Popen([installed.hotline], cwd=installed.work, env=installed.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline and app.poll() is None:
            time.sleep(0.2)
        still_running = app.poll() is None
    finally:
        if app.poll() is None:
            app.send_signal(signal.SIGTERM)
        try:
            _out, err = app.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            app.kill()
            _out, err = app.communicate()
    assert still_running, f"the app ended on its own (exit {app.returncode}):\n{err}"
    assert "Traceback" not in err, err
