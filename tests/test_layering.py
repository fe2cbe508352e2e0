"""Architecture rules, checked rather than hoped for.

1. The core packages (scenario, engine, analysis, records, sessions) never
   import PySide6; the debrief package never imports QtWidgets (its exporters may
   use QtGui to print PDF). Only game/ui touches widgets.
2. Content is data, never code: nothing in game/ calls eval/exec, uses
   pickle, loads YAML unsafely or runs a shell.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
GAME = REPO_ROOT / "game"

CORE_PACKAGES = ("scenario", "engine", "analysis", "records", "sessions")


def _py_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(REPO_ROOT)}:{getattr(node, 'lineno', '?')}"


def _imported_modules(tree: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    """Every module named by an import statement, anywhere in the file.

    ``from PySide6 import QtWidgets`` yields both ``PySide6`` and
    ``PySide6.QtWidgets``.
    """
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node, node.module
            for alias in node.names:
                yield node, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Call):
            # importlib.import_module("PySide6...") / __import__("PySide6...")
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    yield node, arg.value


def _is_pyside(module: str) -> bool:
    return module == "PySide6" or module.startswith("PySide6.")


# --- (a) static scan -------------------------------------------------------


def test_core_packages_never_import_pyside6() -> None:
    offences = []
    for package in CORE_PACKAGES:
        for path in _py_files(GAME / package):
            for node, module in _imported_modules(_parse(path)):
                if _is_pyside(module):
                    offences.append(f"{_where(path, node)}: imports {module}")
    assert not offences, (
        "scenario/engine/analysis/records/sessions must not import PySide6 "
        "(Qt belongs in game/ui, bridged by SessionController):\n"
        + "\n".join(sorted(set(offences)))
    )


def test_debrief_never_imports_qtwidgets() -> None:
    offences = []
    for path in _py_files(GAME / "debrief"):
        for node, module in _imported_modules(_parse(path)):
            if "QtWidgets" in module.split("."):
                offences.append(f"{_where(path, node)}: imports {module}")
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if "QtWidgets" in code:
                offences.append(f"{path.relative_to(REPO_ROOT)}:{lineno}: mentions QtWidgets")
    assert not offences, (
        "game/debrief may use QtGui for PDF export but never QtWidgets:\n"
        + "\n".join(sorted(set(offences)))
    )


# --- (b) what importing actually pulls in ----------------------------------

_IMPORT_PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(m for m in sys.modules if m == "PySide6" or m.startswith("PySide6."))))
"""


def _qt_modules_after_import(module: str) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE, module],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"importing {module} failed:\n{proc.stderr}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_importing_core_package_loads_no_qt(package: str) -> None:
    if not (GAME / package / "__init__.py").is_file():
        pytest.skip(f"game/{package} does not exist yet")
    loaded = _qt_modules_after_import(f"game.{package}")
    assert not loaded, f"importing game.{package} pulled in {loaded}"


def test_importing_debrief_loads_no_qtwidgets() -> None:
    if not (GAME / "debrief" / "__init__.py").is_file():
        pytest.skip("game/debrief does not exist yet")
    loaded = _qt_modules_after_import("game.debrief")
    assert "PySide6.QtWidgets" not in loaded, f"importing game.debrief pulled in {loaded}"


# --- content is data, never code ------------------------------------------

_UNSAFE_YAML_TYPES = {"unsafe", "base"}


def _unsafe_constructs(path: Path, tree: ast.Module) -> Iterator[str]:
    # Names bound to the PyYAML module (`import yaml`, `import yaml as y`).
    pyyaml_names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == "yaml"
    }
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            for module in modules:
                if module.split(".")[0] in ("pickle", "cPickle", "_pickle", "dill", "shelve"):
                    yield f"{_where(path, node)}: imports {module} (pickle)"
            continue
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("eval", "exec"):
            yield f"{_where(path, node)}: calls {func.id}()"
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "builtins"
            and func.attr in ("eval", "exec")
        ):
            yield f"{_where(path, node)}: calls builtins.{func.attr}()"
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in pyyaml_names
            and func.attr in ("load", "load_all", "unsafe_load", "full_load")
        ):
            yield f"{_where(path, node)}: yaml.{func.attr}() (use a safe loader)"
        callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        for kw in node.keywords:
            if kw.arg == "shell" and not (
                isinstance(kw.value, ast.Constant) and kw.value.value is False
            ):
                yield f"{_where(path, node)}: subprocess call with shell=..."
            if (
                callee == "YAML"
                and kw.arg == "typ"
                and isinstance(kw.value, ast.Constant)
                and kw.value.value in _UNSAFE_YAML_TYPES
            ):
                yield f"{_where(path, node)}: YAML(typ={kw.value.value!r}) is not a safe loader"
        if callee in ("system", "popen") and isinstance(func, ast.Attribute):
            if isinstance(func.value, ast.Name) and func.value.id == "os":
                yield f"{_where(path, node)}: os.{callee}() runs a shell"


def test_game_treats_content_as_data() -> None:
    offences: list[str] = []
    for path in _py_files(GAME):
        offences.extend(_unsafe_constructs(path, _parse(path)))
    assert not offences, (
        "scenario content is data, never code; no eval/exec, pickle, unsafe YAML "
        "loading or shells in game/:\n" + "\n".join(offences)
    )


def test_unsafe_scan_catches_what_it_should(tmp_path: Path) -> None:
    """Guard the guard: the scanner must see the constructs it forbids."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import pickle\n"
        "import yaml\n"
        "import subprocess\n"
        "from ruamel.yaml import YAML\n"
        "eval('1')\n"
        "exec('x = 1')\n"
        "yaml.load(open('f'))\n"
        "subprocess.run('ls', shell=True)\n"
        "YAML(typ='unsafe')\n"
        # Allowed: Qt's exec(), sqlite's execute(), ast.literal_eval, ruamel's load.
        "app.exec()\n"
        "conn.execute('SELECT 1')\n"
        "import ast; ast.literal_eval('1')\n"
        "YAML(typ='safe').load('a: 1')\n",
        encoding="utf-8",
    )
    tree = ast.parse(sample.read_text(encoding="utf-8"))
    # _where() reports paths relative to the repo, so name a path inside it.
    found = list(_unsafe_constructs(REPO_ROOT / "game" / "_sample.py", tree))
    lines = sorted(int(msg.split(":")[1]) for msg in found)
    assert lines == [1, 5, 6, 7, 8, 9], found
