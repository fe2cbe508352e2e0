"""The batch kernel compiled to C with mypyc, when a current build is installed.

``kernel.py`` is written once, in Python, and stays the reference text and
the fallback. ``hotline kernel build`` compiles a copy of it
with mypyc (the same code, typed as it is, run as C: about twice as fast) and
installs it next to the interpreter's packages as the top-level module
``_hotline_kernel``, stamped with the SHA-256 of the text it was compiled
from. ``kernel.py`` ends by asking :func:`load` for that module and, when it
gets one, takes its names in place of its own, as the standard library's
``heapq`` takes ``_heapq``'s.

:func:`load` hands the build out only when its stamp matches ``kernel.py``'s
text as it is now: after an edit the build is stale, and batch play runs the
edited Python until the next build (``scripts/setup.sh`` rebuilds when it is
needed). ``HOTLINE_PURE_KERNEL=1`` turns the build off. Both give the same
games to the last bit; ``tests/analysis/test_kernel_native.py`` checks that,
and the equivalence tests check whichever is running against the engine.

Building needs mypy (it carries mypyc; the test extras install it), a C
compiler and Python's headers. Without them Hotline runs as before, slower.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

MODULE = "_hotline_kernel"
STAMP = "NATIVE_SOURCE_SHA256"
OFF = "HOTLINE_PURE_KERNEL"
SOURCE = Path(__file__).with_name("kernel.py")
PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # the 'game' folder

# kernel.py's relative imports, made absolute for a top-level module
_RELATIVE = re.compile(r"^([ \t]*)from \.(\w*) import", re.M)

# mypy's view of the build: the project's own settings that change what it
# accepts (the pydantic plugin types the scenario models), nothing stricter
_MYPY_INI = """\
[mypy]
python_version = {version}
check_untyped_defs = True
plugins = pydantic.mypy
[mypy-transitions.*,ruamel.*,yaml.*]
ignore_missing_imports = True
"""

_status = "pure Python (not looked for yet)"


class BuildError(Exception):
    """The build could not be made; the message says what to install or fix."""


# Raise it when compiled_text() or the build's settings change what is built
# from the same kernel.py: builds stamped before it are then stale.
BUILD_FORMAT = 1


def digest(text: str) -> str:
    """The stamp of a build of kernel.py's ``text``."""
    return hashlib.sha256(f"{BUILD_FORMAT}\n{text}".encode()).hexdigest()


def compiled_text(source: str) -> str:
    """The text mypyc compiles: ``source`` as a top-level module, with its stamp."""
    text = _RELATIVE.sub(lambda m: f"{m.group(1)}from game.analysis"
                         f"{'.' + m.group(2) if m.group(2) else ''} import", source)
    if re.search(r"^\s*from \.", text, re.M):
        raise BuildError("kernel.py has a relative import this build cannot rewrite; "
                         "write it as 'from .module import name'")
    return f"{text}\n\n{STAMP} = {digest(source)!r}  # written by game/analysis/native.py\n"


def is_current(module: ModuleType, source: str) -> bool:
    """Whether ``module`` was compiled from ``source`` as it is now."""
    return getattr(module, STAMP, None) == digest(source)


def load() -> ModuleType | None:
    """The compiled kernel if it is installed, current and wanted, else None
    (:func:`status` says which)."""
    global _status
    if os.environ.get(OFF, "").strip() not in ("", "0"):
        _status = f"pure Python ({OFF} is set)"
        return None
    if importlib.util.find_spec(MODULE) is None:
        _status = ("pure Python (no compiled build; make one with "
                   "'hotline kernel build')")
        return None
    try:
        module = importlib.import_module(MODULE)
    except Exception as exc:  # noqa: BLE001 - a broken build must never stop batch play
        _status = f"pure Python (the compiled build would not load: {exc})"
        return None
    try:
        source = SOURCE.read_text(encoding="utf-8")
    except OSError as exc:
        _status = f"pure Python (cannot read {SOURCE} to check the build: {exc})"
        return None
    if not is_current(module, source):
        _status = ("pure Python (the compiled build is older than kernel.py; rebuild with "
                   "'hotline kernel build')")
        return None
    _status = f"compiled with mypyc ({module.__file__})"
    return module


def status() -> str:
    """Which kernel batch play runs, in words."""
    return _status


# --- building ----------------------------------------------------------------------------


def default_target() -> Path:
    """Where the build goes: the running interpreter's (or venv's) package folder."""
    return Path(sysconfig.get_paths()["platlib"])


def _missing() -> list[str]:
    """What the build needs and this machine lacks, each with its fix."""
    missing = []
    # looked up, not imported: importing setuptools puts its vendored packages on
    # sys.path, where they would be taken for installed ones
    for module, package in (("mypyc", "mypy"), ("setuptools", "setuptools")):
        if importlib.util.find_spec(module) is None:
            missing.append(f"{module}: pip install {package} into this Python "
                           f"({sys.executable}; pipx: pipx inject hotline {package})")
    compiler = (os.environ.get("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        missing.append(f"a C compiler ('{compiler}'): apt-get install gcc")
    include = sysconfig.get_paths().get("include", "")
    if not include or not (Path(include) / "Python.h").is_file():
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        missing.append(f"Python's headers ({include}/Python.h): "
                       f"apt-get install python{version}-dev")
    return missing


def installed_stamp(target: Path) -> str | None:
    """The stamp of the build in ``target`` (None: none there, or it will not load).
    Asked of a fresh interpreter, so this one never loads a build it may replace."""
    code = (f"import sys; sys.path.insert(0, {str(target)!r}); import {MODULE} as m; "
            f"print(m.__file__); print(getattr(m, {STAMP!r}, ''))")
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=120, cwd=tempfile.gettempdir())
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = done.stdout.splitlines()
    if done.returncode != 0 or len(lines) != 2:
        return None
    where, stamp = lines
    # (a build found elsewhere on the path is not the one in target)
    if Path(where).resolve().parent != target.resolve():
        return None
    return stamp or None


def build(target: Path | None = None, *, force: bool = False, log: Path | None = None,
          starting: Callable[[], None] | None = None) -> tuple[Path, bool]:
    """Compile kernel.py into ``target`` (default: :func:`default_target`).

    Returns (the module's file, whether it was built: False when the build there
    was already current and ``force`` is not set). ``starting`` is called when
    compiling begins (it takes about a minute).

    Raises:
        BuildError: Something the build needs is missing, or mypyc failed (the
            message has the end of its log; the whole log is in ``log``).
    """
    target = default_target() if target is None else target
    source = SOURCE.read_text(encoding="utf-8")
    if not force and installed_stamp(target) == digest(source):
        return min(target.glob(f"{MODULE}.*")), False
    missing = _missing()
    if missing:
        raise BuildError("cannot compile the kernel; missing:\n  " + "\n  ".join(missing))
    if starting is not None:
        starting()
    with tempfile.TemporaryDirectory(prefix="hotline-kernel-build-") as folder:
        work = Path(folder)
        # mypy reads the game package from a copy of its code: an installed
        # package (no py.typed) or the working tree alike
        shutil.copytree(PACKAGE_ROOT, work / "game",
                        ignore=shutil.ignore_patterns("__pycache__", "scenarios", "assets"))
        (work / f"{MODULE}.py").write_text(compiled_text(source), encoding="utf-8")
        (work / "mypy.ini").write_text(_MYPY_INI.format(
            version=f"{sys.version_info.major}.{sys.version_info.minor}"), encoding="utf-8")
        script = (
            "import sys\n"
            "from mypyc.build import mypycify\n"
            "from setuptools import setup\n"
            f"setup(name={MODULE!r}, script_args=['build_ext', '--inplace'],\n"
            f"      ext_modules=mypycify(['--config-file', 'mypy.ini', '{MODULE}.py'],\n"
            "                           opt_level='3'))\n"
        )
        env = {**os.environ, "MYPYPATH": str(work)}
        done = subprocess.run([sys.executable, "-c", script], cwd=work, env=env,
                              capture_output=True, text=True)
        output = done.stdout + done.stderr
        if log is not None:
            log.write_text(output, encoding="utf-8")
        built = sorted(work.glob(f"{MODULE}.*.so")) + sorted(work.glob(f"{MODULE}.*.pyd"))
        if done.returncode != 0 or not built:
            tail = "\n".join(output.strip().splitlines()[-15:])
            raise BuildError(f"mypyc could not compile the kernel (exit {done.returncode}):\n"
                             f"{tail}")
        target.mkdir(parents=True, exist_ok=True)
        final = target / built[0].name
        # copied beside, then renamed over: a process that has the old build
        # loaded keeps it, a new one gets the whole new file or the old one
        partial = target / f".{built[0].name}.partial"
        shutil.copyfile(built[0], partial)
        os.replace(partial, final)
    return final, True

