"""Where Hotline keeps things: the content it ships, and the user's own folders.

Everything that needs a location asks this module, so an installed Hotline
(a wheel, pipx) and a checkout behave the same.

* **Bundled** (read-only, part of the package): the scenarios, the Studio's
  templates, icons and themes. They sit at the top of the repository
  (``scenarios/``, ``assets/``) and the build maps them into the package as
  ``game.scenarios`` and ``game.assets`` (see setup.py); they are found with
  importlib.resources, never relative to the repository.
* **The user's** (platformdirs, so ``XDG_DATA_HOME``/``XDG_CONFIG_HOME`` and
  the other platforms' rules apply; created on first use): scenarios the user
  writes, the session store, the Studio's backups and the settings.

Environment overrides: ``HOTLINE_STORE`` (the store), ``HOTLINE_BACKUPS``
(backups folder), ``HOTLINE_SETTINGS`` (settings file).

This module is Qt-free and cheap to import: ``hotline`` imports it before it
knows whether it opens the app.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import platformdirs

from game import __version__

__all__ = [
    "APP_NAME",
    "BACKUPS_ENV",
    "SCENARIO_SUFFIXES",
    "SETTINGS_ENV",
    "STORE_ENV",
    "Folder",
    "ScenarioNotFound",
    "applications_dir",
    "assets_dir",
    "backups_dir",
    "bundled_scenarios_dir",
    "config_dir",
    "default_store_path",
    "desktop_entry_path",
    "desktop_icon_path",
    "find_scenario",
    "folders",
    "is_bundled",
    "known_scenarios",
    "scenario_dirs",
    "scenario_files",
    "settings_file",
    "templates_dir",
    "user_data_dir",
    "user_scenarios_dir",
]

#: The folder name platformdirs is given (``~/.local/share/hotline`` on Linux).
APP_NAME = "hotline"
#: Environment variable that overrides the default store location.
STORE_ENV = "HOTLINE_STORE"
#: Environment variable that overrides the Studio's backups folder.
BACKUPS_ENV = "HOTLINE_BACKUPS"
#: Environment variable that names the settings file.
SETTINGS_ENV = "HOTLINE_SETTINGS"
SCENARIO_SUFFIXES = (".yaml", ".yml")


# ``scheme://`` (two letters at least, so ``C://x`` stays a path); the same
# rule game.records.stores uses to pick a backend.
_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+://")


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def _package_dir(package: str) -> Path:
    """The folder of a bundled data package, as a real directory."""
    try:
        root = resources.files(package)
    except ModuleNotFoundError:
        # An editable install made before the folders were mapped into the package.
        raise RuntimeError(f"Hotline's bundled files ({package}) are not installed; reinstall "
                           "Hotline (in a clone: `bash scripts/setup.sh`, or "
                           "`pip install -e .`).") from None
    if not isinstance(root, Path):
        # A zip import would give a zipfile.Path: Hotline reads and lists these
        # folders as files, and every supported install (wheel, pipx, checkout)
        # unpacks them, so say so plainly instead of failing later.
        raise RuntimeError(f"Hotline's bundled files ({package}) are not on the file system "
                           f"({root}); install Hotline from its wheel or source.")
    return root


# -- bundled, read-only -------------------------------------------------------


def bundled_scenarios_dir() -> Path:
    """The scenarios that ship with Hotline."""
    return _package_dir("game.scenarios")


def templates_dir() -> Path:
    """The Studio's templates for new scenarios."""
    return bundled_scenarios_dir() / "templates"


def assets_dir() -> Path:
    """Icons (``icons/``) and themes (``themes/``)."""
    return _package_dir("game.assets")


def is_bundled(path: Path | str) -> bool:
    """True for a file inside the bundled scenarios (which are never written)."""
    try:
        Path(path).resolve().relative_to(bundled_scenarios_dir().resolve())
    except ValueError:
        return False
    return True


# -- the user's folders -------------------------------------------------------


def user_data_dir() -> Path:
    """The user's Hotline data folder (``$XDG_DATA_HOME/hotline`` on Linux)."""
    return platformdirs.user_data_path(APP_NAME)


def user_scenarios_dir() -> Path:
    """Scenarios the user writes; the Studio saves new scenarios here."""
    return user_data_dir() / "scenarios"


def default_store_path() -> Path:
    """The session journal file: ``$HOTLINE_STORE``, else ``journal.sqlite3`` in the data folder.

    When ``$HOTLINE_STORE`` is a URL (a PostgreSQL store, see
    game.records.stores) this is still the default file.
    """
    env = os.environ.get(STORE_ENV, "").strip()
    if env and not _URL_LIKE.match(env):
        return Path(env).expanduser()
    return user_data_dir() / "journal.sqlite3"


def backups_dir() -> Path:
    """The Studio's automatic backups: ``$HOTLINE_BACKUPS``, else in the data folder."""
    return _env_path(BACKUPS_ENV) or user_data_dir() / "backups"


def config_dir() -> Path:
    """The user's Hotline configuration folder (``$XDG_CONFIG_HOME/hotline`` on Linux)."""
    return platformdirs.user_config_path(APP_NAME)


def settings_file() -> Path:
    """The app's settings (theme, window sizes): ``$HOTLINE_SETTINGS``, else in config."""
    return _env_path(SETTINGS_ENV) or config_dir() / "settings.ini"


def applications_dir() -> Path:
    """The user's desktop menu entries (``$XDG_DATA_HOME/applications``; Linux)."""
    return platformdirs.user_data_path() / "applications"


def desktop_entry_path() -> Path:
    """Where ``hotline install-desktop`` writes Hotline's menu entry."""
    return applications_dir() / "hotline.desktop"


def desktop_icon_path() -> Path:
    """Where ``hotline install-desktop`` puts the icon (the hicolor theme, scalable)."""
    return platformdirs.user_data_path() / "icons" / "hicolor" / "scalable" / "apps" / "hotline.svg"


def scenario_dirs() -> list[Path]:
    """Where scenarios are looked for: the bundled ones first, then the user's."""
    return [bundled_scenarios_dir(), user_scenarios_dir()]


@dataclass(frozen=True)
class Folder:
    """One place Hotline uses, for ``hotline paths``."""

    key: str
    label: str
    path: Path
    writable: bool
    note: str = ""


def folders() -> list[Folder]:
    """Every folder and file location Hotline uses, in the order a user needs them."""
    store_env = os.environ.get(STORE_ENV, "").strip()
    store_note = (f"${STORE_ENV} names a server: {store_env.split('@')[-1]}; this is the "
                  "default file" if _URL_LIKE.match(store_env)
                  else f"from ${STORE_ENV}" if store_env else "")
    backups_note = f"from ${BACKUPS_ENV}" if _env_path(BACKUPS_ENV) else ""
    settings_note = f"from ${SETTINGS_ENV}" if _env_path(SETTINGS_ENV) else ""
    return [
        Folder("user_scenarios", "Your scenarios", user_scenarios_dir(), True,
               "the Studio saves new scenarios and copies here"),
        Folder("store", "Session store", default_store_path(), True, store_note),
        Folder("backups", "Studio backups", backups_dir(), True, backups_note),
        Folder("config", "Settings", settings_file(), True, settings_note),
        Folder("desktop", "Desktop menu entry", desktop_entry_path(), True,
               "written by `hotline install-desktop` (Linux)"),
        Folder("bundled_scenarios", "Bundled scenarios", bundled_scenarios_dir(), False,
               "read-only; Save as in the Studio makes your own copy"),
        Folder("templates", "Scenario templates", templates_dir(), False, "read-only"),
        Folder("assets", "Icons and themes", assets_dir(), False, "read-only"),
        Folder("program", "Hotline itself", Path(__file__).resolve().parent, False,
               f"version {__version__}"),
    ]


# -- scenarios by id ----------------------------------------------------------

# The top-level ``id:`` line of a scenario file. Reading it with a regular
# expression keeps `hotline play balloon-2023` from loading every scenario.
_ID_LINE = re.compile(r"^id:\s*['\"]?([A-Za-z0-9][A-Za-z0-9_.-]*)['\"]?\s*(?:#.*)?$",
                      re.MULTILINE)


class ScenarioNotFound(LookupError):
    """A scenario reference that is neither a file nor a known scenario id."""

    def __init__(self, ref: str, known: list[str]) -> None:
        self.ref = ref
        self.known = known
        self.suggestions = difflib.get_close_matches(ref, known, n=3, cutoff=0.6)
        hint = (f"did you mean {' or '.join(self.suggestions)}? " if self.suggestions else "")
        listed = ", ".join(known) if known else "none found"
        super().__init__(f"'{ref}' is neither a scenario file nor the id of a scenario; "
                         f"{hint}known scenario ids: {listed} (`hotline paths` shows the "
                         "folders searched)")


def scenario_files(folder: Path) -> list[Path]:
    """The scenario files directly in ``folder`` (none when it does not exist)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix in SCENARIO_SUFFIXES and p.is_file() and not p.name.startswith("."))


def _file_id(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            head = handle.read(64 * 1024)
    except (OSError, UnicodeDecodeError):
        return None
    match = _ID_LINE.search(head)
    return match.group(1) if match else None


def known_scenarios() -> dict[str, Path]:
    """Scenario id -> file, for the user's scenarios and the bundled ones.

    A scenario of the user's with the same id as a bundled one takes its
    place (it is the user's own copy); within a folder the first file wins.
    """
    found: dict[str, Path] = {}
    for folder in (user_scenarios_dir(), bundled_scenarios_dir()):
        for path in scenario_files(folder):
            ident = _file_id(path)
            if ident is not None and ident not in found:
                found[ident] = path
    return found


def _looks_like_id(ref: str) -> bool:
    return (os.sep not in ref and "/" not in ref
            and not ref.endswith(SCENARIO_SUFFIXES) and not ref.startswith("~"))


def find_scenario(ref: str) -> Path:
    """A scenario file from what the user typed: a path, or a scenario id.

    An existing file is returned as it is. Otherwise ``ref`` is looked up as
    a scenario id, first among the user's scenarios, then the bundled ones.

    Raises:
        ScenarioNotFound: ``ref`` looks like an id (no folder, no .yaml) and
            no scenario has it. A missing *path* is returned unchanged, so the
            loader reports it with its usual message.
    """
    path = Path(ref).expanduser()
    if path.exists() or not _looks_like_id(ref):
        return path
    known = known_scenarios()
    if ref in known:
        return known[ref]
    raise ScenarioNotFound(ref, sorted(known))
