"""Fuzzing: mutated scenario files always end in a clear answer.

Hypothesis takes valid scenarios and breaks them the ways people and attackers
do (lines dropped, duplicated or swapped, hostile words and numbers put in
place of values, the file cut short, stray bytes). For every mutant,
``validate`` and ``lint`` exit 0 or 2 without an internal error, and a mutant
that validates is played to its end with the random policy, also exiting 0
or 2. Each example must finish within a deadline (Hypothesis's per-example
deadline and pytest-timeout); the turn cap and the file limits are what make
that possible.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.cli import main

ROOT = Path(__file__).resolve().parents[2]
SEEDS = [
    (ROOT / "tests" / "engine" / "tiny.yaml").read_text(encoding="utf-8"),
    (ROOT / "tests" / "scenario" / "minimal.yaml").read_text(encoding="utf-8"),
]

HOSTILE_WORDS = [
    "1" + "0" * 310, "1e400", "-1e308", ".nan", ".inf", "999999999999999999999", "-0",
    "escalation + 5", "not escalation", "flags.x == 1", "max(escalation, 1) > 0",
    "channels.dtl-link.suspended", "visited.first", "turn * turn * turn * turn * 1e14",
    "escalation * escalation * escalation * escalation", "first", "end", "second",
    "\"\\e]0;pwned\\a\"", "\"\\u202e\"", "\u202e", "'", "\"", ":", ": :", "{", "}", "[", "]",
    "- ", "*alias", "&anchor x", "!!python/object:os.system", "<<: *x", "~", "", "|",
    "{goto: first}", "[{when: escalation > 1000, goto: first}, {goto: first}]",
    "\t", "true", "false", "call.answered", "peak.escalation >= 0",
]


@st.composite
def mutants(draw: st.DrawFn) -> str:
    """A scenario text with a few random mutations."""
    lines = draw(st.sampled_from(SEEDS)).splitlines()
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["drop", "dup", "swap", "word", "value", "cut", "bytes"]))
        at = draw(st.integers(0, len(lines) - 1))
        if kind == "drop" and len(lines) > 1:
            del lines[at]
        elif kind == "dup":
            lines.insert(at, lines[at])
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "word":
            words = lines[at].split(" ")
            spot = draw(st.integers(0, len(words) - 1))
            words[spot] = draw(st.sampled_from(HOSTILE_WORDS))
            lines[at] = " ".join(words)
        elif kind == "value" and ": " in lines[at]:
            key = lines[at].split(": ", 1)[0]
            lines[at] = f"{key}: {draw(st.sampled_from(HOSTILE_WORDS))}"
        elif kind == "cut":
            lines = lines[:at + 1]
        elif kind == "bytes":
            lines[at] += draw(st.text(max_size=4))
    return "\n".join(lines) + "\n"


def _run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue() + err.getvalue()


@pytest.mark.timeout(600)
@settings(max_examples=100, deadline=timedelta(seconds=30), derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutants())
def test_mutated_files_end_in_a_clear_answer(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutant.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        code, said = _run("validate", str(path))
        assert code in (0, 2) and "internal error" not in said, said
        lint_code, lint_said = _run("lint", str(path))
        assert lint_code in (0, 2) and "internal error" not in lint_said, lint_said
        if code == 0:
            store = str(Path(folder) / "store.sqlite3")
            played, play_said = _run("--store", store, "play", str(path), "--policy", "random",
                                     "--seed", "7")
            assert played in (0, 2) and "internal error" not in play_said, play_said
