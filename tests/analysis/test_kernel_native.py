"""The compiled batch kernel (game/analysis/native.py): used only when current,
and the very same games as the Python it is compiled from.

The equivalence tests (test_kernel_equivalence.py) check whichever kernel runs
against the engine; CI builds the compiled one (scripts/setup.sh) and sets
HOTLINE_REQUIRE_NATIVE=1, so there it is the compiled one, and the test below
checks the Python text game by game against it.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest
from analysis_scenarios import ALL_FILES, scenario_at

from game.analysis import kernel as active
from game.analysis import native
from game.commands import main as hotline

SOURCE = native.SOURCE.read_text(encoding="utf-8")
_STATE = ("meters", "peaks", "flags", "channels", "contact", "visited", "recent", "turn",
          "leadership", "leader_why", "fired", "refusals", "decided", "decided_turn",
          "pressure", "prices", "asked", "answers", "answered_calls", "first_contact_turn",
          "path", "score")


def _module_from(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # (its dataclass-like classes look themselves up)
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


@pytest.fixture(scope="module")
def pure() -> ModuleType:
    """kernel.py run as Python, whatever the package uses (its dispatch runs only
    under its own name)."""
    return _module_from(native.SOURCE, "game.analysis._kernel_as_python")


def test_ci_runs_the_compiled_kernel_when_it_is_required() -> None:
    if os.environ.get("HOTLINE_REQUIRE_NATIVE", "") in ("", "0"):
        pytest.skip("HOTLINE_REQUIRE_NATIVE is not set (.ci/run sets it)")
    assert native.status().startswith("compiled with mypyc"), native.status()
    build = sys.modules[native.MODULE]
    assert getattr(build, native.STAMP) == native.digest(SOURCE)
    assert Path(build.__file__).suffix in (".so", ".pyd")  # compiled, not a text
    # every name the package imports from kernel is the build's
    assert active.Kernel is build.Kernel and active.KernelState is build.KernelState
    assert active.RandomPolicy is build.RandomPolicy


@pytest.mark.parametrize("policy", ["random", "greedy", "expert", "always-call", "retry"])
@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.stem)
def test_the_python_text_plays_the_games_the_running_kernel_plays(
        pure: ModuleType, path: Path, policy: str) -> None:
    scenario = scenario_at(path)
    ours, theirs = pure.Kernel(scenario), active.kernel_for(scenario)
    mine, other = pure.make_policy(ours, policy), active.make_policy(theirs, policy)
    a, b = ours.new_state(), theirs.new_state()
    for seed in range(60 if policy == "greedy" else 300):
        mine.play(a, seed)
        other.play(b, seed)
        assert a.ending.ending.id == b.ending.ending.id, seed
        for name in _STATE:
            assert getattr(a, name) == getattr(b, name), (seed, name)
        assert a.rng.getstate() == b.rng.getstate(), seed
        assert ours.outcome(a) == theirs.outcome(b), seed


def test_the_compiled_text_is_a_top_level_module_stamped_with_its_source(
        tmp_path: Path) -> None:
    text = native.compiled_text(SOURCE)
    assert "from ." not in text
    assert "from game.analysis.errors import" in text
    assert "    from game.analysis.native import load as _load_native" in text
    assert text.rstrip().endswith(f"{native.STAMP} = {native.digest(SOURCE)!r}  "
                                  "# written by game/analysis/native.py")
    # run as Python, the text is a kernel that plays (no C compiler needed here)
    (tmp_path / "as_built.py").write_text(text, encoding="utf-8")
    module = _module_from(tmp_path / "as_built.py", "as_built")
    assert native.is_current(module, SOURCE)
    assert not native.is_current(module, SOURCE + "\n# an edit\n")
    scenario = scenario_at(ALL_FILES[1])
    kernel = module.Kernel(scenario)
    st = kernel.new_state()
    module.make_policy(kernel, "random").play(st, 3)
    reference = active.kernel_for(scenario)
    other = reference.new_state()
    active.make_policy(reference, "random").play(other, 3)
    assert (st.path, st.score) == (other.path, other.score)


@pytest.fixture
def a_build_on_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                        ) -> Path:
    """A folder first on sys.path, with no build loaded from anywhere yet."""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, native.MODULE, raising=False)
    monkeypatch.delenv(native.OFF, raising=False)
    importlib.invalidate_caches()
    return tmp_path


def test_a_build_of_other_text_is_refused_and_the_status_says_why(
        a_build_on_the_path: Path) -> None:
    (a_build_on_the_path / f"{native.MODULE}.py").write_text(
        native.compiled_text(SOURCE + "\n# the text before an edit\n"), encoding="utf-8")
    assert native.load() is None
    assert "older than kernel.py" in native.status()
    assert "hotline kernel build" in native.status()


def test_a_current_build_is_used(a_build_on_the_path: Path) -> None:
    (a_build_on_the_path / f"{native.MODULE}.py").write_text(
        native.compiled_text(SOURCE), encoding="utf-8")
    module = native.load()
    assert module is not None and Path(module.__file__).parent == a_build_on_the_path
    assert native.status().startswith("compiled with mypyc")


def test_a_build_that_will_not_load_is_refused(a_build_on_the_path: Path) -> None:
    (a_build_on_the_path / f"{native.MODULE}.py").write_text(
        "raise RuntimeError('a broken build')\n", encoding="utf-8")
    assert native.load() is None
    assert "would not load: a broken build" in native.status()


def test_HOTLINE_PURE_KERNEL_turns_the_build_off(a_build_on_the_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (a_build_on_the_path / f"{native.MODULE}.py").write_text(
        native.compiled_text(SOURCE), encoding="utf-8")
    monkeypatch.setenv(native.OFF, "1")
    assert native.load() is None
    assert native.status() == f"pure Python ({native.OFF} is set)"


def test_hotline_kernel_says_which_kernel_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert hotline(["kernel"]) == 0
    assert capsys.readouterr().out == f"batch kernel: {native.status()}\n"


def test_a_build_without_a_compiler_exits_2_saying_what_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CC", str(tmp_path / "no-such-cc"))
    assert hotline(["kernel", "build", "--target", str(tmp_path / "site")]) == 2
    said = capsys.readouterr().err
    assert f"a C compiler ('{tmp_path / 'no-such-cc'}'): apt-get install gcc" in said
    assert "pure Python" in said
    assert not (tmp_path / "site").exists()


def test_looking_for_what_a_build_needs_imports_none_of_it() -> None:
    # importing setuptools puts its vendored packages on sys.path, where they
    # pass for installed ones (the wheel test's pins then held two platformdirs)
    import subprocess

    code = ("import sys; from game.analysis import native; native._missing(); "
            "print(sorted(m for m in ('setuptools', 'mypyc', 'mypy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=native.PACKAGE_ROOT.parent, check=True)
    assert done.stdout.strip() == "[]"


def test_a_build_for_another_python_is_refused_as_one_that_will_not_load(
        a_build_on_the_path: Path) -> None:
    # not "no build": the file is there, and the status says why it is not used
    (a_build_on_the_path / f"{native.MODULE}.py").write_text(
        "raise ImportError('undefined symbol: PyFoo_Bar')\n", encoding="utf-8")
    assert native.load() is None
    assert native.status() == ("pure Python (the compiled build would not load: "
                               "undefined symbol: PyFoo_Bar)")
