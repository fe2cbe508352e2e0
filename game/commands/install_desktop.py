"""``hotline install-desktop``: put Hotline in the desktop's application menu (Linux).

Writes a freedesktop.org menu entry (``hotline.desktop``) into the user's
applications folder and the icon into the user's hicolor icon theme, both
under ``$XDG_DATA_HOME`` (``~/.local/share`` when unset); ``--remove`` takes
them away again. Nothing outside the user's own folders is touched.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from game import paths

from .common import EXIT_OK, CliError

NAME = "install-desktop"

# Characters that make an Exec argument need quoting (Desktop Entry spec, "The Exec key").
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        NAME, help="add Hotline to the desktop's application menu (Linux)",
        description="Write hotline.desktop into your applications folder and the icon into "
        "your icon theme ($XDG_DATA_HOME, else ~/.local/share), so Hotline appears in the "
        "application menu.",
    )
    parser.add_argument("--remove", action="store_true", help="remove the menu entry and icon")
    return parser


def _exec_arg(arg: str) -> str:
    """One Exec argument, quoted as the Desktop Entry spec asks."""
    if arg and not (set(arg) & _RESERVED):
        return arg
    inner = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
    return f'"{inner}"'


def _desktop_value(text: str) -> str:
    """A string value for a .desktop file (backslash escapes; one line)."""
    return (text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
            .replace("\r", "\\r"))


def launcher() -> list[str]:
    """The command that starts this Hotline: its ``hotline`` script, else ``python -m game``."""
    candidates = []
    if Path(sys.argv[0]).name == "hotline":
        candidates.append(Path(sys.argv[0]))
    candidates.append(Path(sys.executable).parent / "hotline")
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            # Absolute, but not resolved: pipx's ~/.local/bin/hotline link survives upgrades.
            return [os.path.abspath(candidate)]
    return [os.path.abspath(sys.executable), "-m", "game"]


def desktop_entry(command: list[str], icon: Path) -> str:
    """The text of hotline.desktop."""
    exec_line = " ".join(_exec_arg(a) for a in command)
    studio_line = " ".join(_exec_arg(a) for a in [*command, "studio"])
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.5",
        "Name=Hotline",
        "GenericName=Crisis-communication wargame",
        "Comment=" + _desktop_value("Train for a military crisis when the other side may not "
                                    "answer the phone"),
        f"Exec={_desktop_value(exec_line)}",
        f"TryExec={_desktop_value(command[0])}",
        f"Icon={_desktop_value(str(icon))}",
        "Terminal=false",
        "Categories=Education;Game;StrategyGame;",
        "Keywords=wargame;crisis;hotline;training;scenario;debrief;",
        "StartupNotify=true",
        "Actions=studio;",
        "",
        "[Desktop Action studio]",
        "Name=Authoring Studio",
        f"Exec={_desktop_value(studio_line)}",
        "",
    ]
    return "\n".join(lines)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def run(args: argparse.Namespace) -> int:
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        raise CliError("install-desktop writes a freedesktop.org menu entry, which this system "
                       f"({sys.platform}) does not use; start Hotline with `hotline`")
    entry, icon = paths.desktop_entry_path(), paths.desktop_icon_path()
    try:
        if args.remove:
            removed = [p for p in (entry, icon) if p.exists()]
            for path in removed:
                path.unlink()
            print("Removed " + " and ".join(str(p) for p in removed) if removed
                  else f"Nothing to remove: {entry} does not exist.")
            return EXIT_OK
        source = paths.assets_dir() / "icons" / "app.svg"
        _write(icon, source.read_bytes())
        _write(entry, desktop_entry(launcher(), icon).encode("utf-8"))
    except OSError as exc:
        raise CliError(f"could not write the menu entry: {exc.strerror or exc} "
                       f"({exc.filename or entry}); check that folder's permissions or set "
                       "XDG_DATA_HOME to a folder of yours") from None
    print(f"Menu entry: {entry}")
    print(f"Icon:       {icon}")
    print("Hotline is now in your application menu; `hotline install-desktop --remove` "
          "takes it away.")
    return EXIT_OK
