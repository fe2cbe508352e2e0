"""The scenario loader: safe YAML with positions, friendly diagnostics, real files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.scenario import yamlsafe
from game.scenario.diagnostics import Diagnostic, ScenarioLoadError, format_path
from game.scenario.loader import (
    check_scenario_file,
    check_scenario_text,
    load_scenario,
    load_scenario_text,
)
from game.scenario.yamlsafe import MAX_BYTES, parse_yaml

HERE = Path(__file__).resolve().parent
MINIMAL = HERE / "minimal.yaml"
REPO = HERE.parent.parent
SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))


def _codes(text: str) -> list[str]:
    _, diagnostics = check_scenario_text(text, "t.yaml")
    return [d.code for d in diagnostics]


def _error(text: str) -> Diagnostic:
    compiled, diagnostics = check_scenario_text(text, "t.yaml")
    assert compiled is None
    assert diagnostics
    return diagnostics[0]


# --- loading good files ------------------------------------------------------


def test_minimal_scenario_loads() -> None:
    scenario = load_scenario(MINIMAL)
    assert scenario.id == "minimal"
    assert scenario.source_path == str(MINIMAL)
    assert scenario.start == "incident"
    assert set(scenario.meters) == {"escalation", "openness", "standing", "allies"}
    assert [e.ending.id for e in scenario.endings] == ["clash", "calm"]
    compiled, diagnostics = check_scenario_file(MINIMAL)
    assert compiled is not None and diagnostics == []


def test_load_from_text_keeps_the_given_names() -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    scenario = load_scenario_text(text, "editor buffer")
    assert scenario.source_path == "editor buffer"
    scenario = load_scenario_text(text, "shown.yaml", source_path="/real/path.yaml")
    assert scenario.source_path == "/real/path.yaml"
    assert scenario.content_hash == load_scenario(MINIMAL).content_hash


@pytest.mark.skipif(not SCENARIOS, reason="no scenarios/*.yaml yet")
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_shipped_scenario_loads(path: Path) -> None:
    compiled, diagnostics = check_scenario_file(path)
    errors = [d.format() for d in diagnostics if d.severity == "error"]
    assert compiled is not None, "\n".join(errors)
    assert compiled.source_path == str(path)


@pytest.mark.skipif(not SCENARIOS, reason="no scenarios/*.yaml yet")
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_fast_and_pure_parsers_agree(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text(encoding="utf-8")
    fast = parse_yaml(text, path.name)
    monkeypatch.setattr(yamlsafe, "HAVE_C_PARSER", False)
    pure = parse_yaml(text, path.name)
    assert fast.data == pure.data
    assert fast.values == pure.values
    assert fast.keys == pure.keys


# --- ScenarioLoadError and Diagnostic ------------------------------------------


def test_load_error_lists_every_problem() -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace("title: Minimal crisis", "titel: Minimal crisis")
    text = text.replace("kind: concede\n", "kind: negotiate\n")
    with pytest.raises(ScenarioLoadError) as info:
        load_scenario_text(text, "broken.yaml")
    lines = str(info.value).splitlines()
    assert len(lines) == 3 and len(info.value.diagnostics) == 2
    assert lines[0].startswith("broken.yaml:4:1: titel: unknown key 'titel'")
    assert "'negotiate' is not an allowed value for 'kind'" in lines[1]
    # The structure was wrong, so references and conditions were not checked yet: it says so.
    assert lines[2] == ("(checking stopped at step 2 of 3 (the structure: keys, types and "
                        "values); once these errors are fixed, the file is checked for "
                        "references, conditions, effects and the flow)")
    assert info.value.errors == info.value.diagnostics


def test_diagnostic_format_leaves_out_empty_parts() -> None:
    full = Diagnostic("a.yaml", 3, 7, "nodes[0].next", "bad", "do this")
    assert full.format() == "a.yaml:3:7: nodes[0].next: bad (fix: do this)"
    assert str(full) == full.format()
    assert Diagnostic("a.yaml", 0, 0, "", "empty").format() == "a.yaml: empty"
    assert Diagnostic("a.yaml", 2, 0, "", "x").format() == "a.yaml:2: x"
    warning = Diagnostic("a.yaml", 1, 1, "id", "odd", severity="warning")
    assert warning.format() == "a.yaml:1:1: warning: id: odd"


def test_format_path() -> None:
    assert format_path(("nodes", 3, "decision", "options", 0, "next")) == \
        "nodes[3].decision.options[0].next"
    assert format_path(()) == ""
    assert format_path(("title",)) == "title"


# --- positions ---------------------------------------------------------------


def test_positions_of_keys_and_values() -> None:
    parsed = parse_yaml("id: x\nnodes:\n  - id: a\n    next: [b, c]\n  - {id: d}\n", "t")
    assert parsed.data == {"id": "x", "nodes": [{"id": "a", "next": ["b", "c"]}, {"id": "d"}]}
    assert parsed.values[("id",)] == (1, 5)
    assert parsed.keys[("id",)] == (1, 1)
    assert parsed.keys[("nodes",)] == (2, 1)
    assert parsed.values[("nodes", 0)] == (3, 5)
    assert parsed.values[("nodes", 0, "next", 1)] == (4, 15)
    assert parsed.keys[("nodes", 1, "id")] == (5, 6)
    # Unknown places fall back to the nearest written parent.
    assert parsed.value_position(("nodes", 1, "title")) == (5, 5)
    assert parsed.key_position(("nodes", 0, "brief")) == (3, 5)


def test_empty_value_points_at_its_key() -> None:
    parsed = parse_yaml("id: x\ntitle:\nsummary: s\n", "t")
    assert parsed.data["title"] is None
    assert parsed.values[("title",)] == (2, 1)


def test_yaml_1_2_core_scalars() -> None:
    parsed = parse_yaml(
        "a: yes\nb: on\nc: 0o17\nd: 0x1F\ne: 1e3\nf: ~\ng: '12'\nh: 2023-02-04\n"
        "i: !!str 1.10\nj: True\nk: -.5\n", "t")
    assert parsed.data == {"a": "yes", "b": "on", "c": 15, "d": 31, "e": 1000.0, "f": None,
                           "g": "12", "h": "2023-02-04", "i": "1.10", "j": True, "k": -0.5}
    assert parsed.raw[("c",)] == "0o17"


# --- hostile and broken input ----------------------------------------------------


def test_alias_bomb_stops_at_the_first_alias_over_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]")
    consumed = 0
    real_events = yamlsafe._events

    def counting(text: str, pure: bool):
        nonlocal consumed
        for event in real_events(text, pure):
            consumed += 1
            yield event

    monkeypatch.setattr(yamlsafe, "_events", counting)
    diagnostic = _error("\n".join(lines) + "\n")
    assert diagnostic.code == "yaml-alias"
    assert diagnostic.line == 5  # 10^5 values reached in a4's list, not 10^12 later
    assert consumed < 100


def test_deep_nesting_is_refused_without_recursing() -> None:
    diagnostic = _error("id: x\nnodes: " + "[" * 200_000 + "]" * 200_000 + "\n")
    assert diagnostic.code == "yaml-depth"
    block = "".join("  " * i + f"k{i}:\n" for i in range(60))
    assert _error(block).code == "yaml-depth"


def test_many_values_without_aliases_are_refused() -> None:
    text = "id: x\nitems: [" + ", ".join("1" for _ in range(100_001)) + "]\n"
    assert _error(text).code == "yaml-size"


def test_too_large_file_is_refused_before_reading_it_all(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * (MAX_BYTES + 10) + b"\n")
    with pytest.raises(ScenarioLoadError) as info:
        load_scenario(big)
    assert info.value.diagnostics[0].code == "file-size"
    assert _error("# " + "x" * (MAX_BYTES + 10)).code == "file-size"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    compiled, diagnostics = check_scenario_file(tmp_path / "nope.yaml")
    assert compiled is None and diagnostics[0].code == "file-missing"
    compiled, diagnostics = check_scenario_file(tmp_path)
    assert compiled is None and diagnostics[0].code == "file-missing"


def test_encodings(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_scenario(bom).id == "minimal"
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_text(text, encoding="utf-16")
    compiled, diagnostics = check_scenario_file(utf16)
    assert compiled is None and diagnostics[0].message.startswith("the file is saved as UTF-16")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a: !!binary aGk=\n", "yaml-tag"),
        ("a: !!set {x}\n", "yaml-tag"),
        ("? !!python/name:os.system x\n: 1\n", "yaml-tag"),
        ("a: &x {b: 1}\n<<: *x\n", "yaml-merge"),
        ("a: .inf\n", "yaml-number"),
        ("a: .nan\n", "yaml-number"),
        ("a: 1e999\n", "yaml-number"),
        ("? [a, b]\n: 1\n", "yaml-key"),
        ("a: 1\n---\nb: 2\n", "yaml-documents"),
        ("just text\n", "yaml-not-mapping"),
        ("---\n", "file-empty"),
        ("", "file-empty"),
        ("a: *nope\n", "yaml-alias"),
        ("a: 1\na: 2\n", "yaml-duplicate-key"),
        ("a: [1, 2\n", "yaml-syntax"),
        ("a: x\x00y\n", "text-control"),
    ],
)
def test_hostile_and_broken_yaml(text: str, code: str) -> None:
    assert code in _codes(text)


def test_every_bad_tag_is_reported_at_once() -> None:
    _, diagnostics = check_scenario_text("a: !x 1\nb: !y 2\nc: !!python/tuple [1]\n", "t")
    assert [d.line for d in diagnostics] == [1, 2, 3]
    assert all(d.code == "yaml-tag" for d in diagnostics)


# --- friendly messages --------------------------------------------------------------


def _minimal_with(old: str, new: str) -> list[Diagnostic]:
    text = MINIMAL.read_text(encoding="utf-8")
    assert old in text
    compiled, diagnostics = check_scenario_text(text.replace(old, new, 1), "m.yaml")
    assert compiled is None
    return diagnostics


def test_unknown_key_without_a_close_match_lists_the_allowed_keys() -> None:
    [d] = _minimal_with("    hidden: true\n", "    colour: red\n")
    assert d.message == "unknown key 'colour'"
    assert d.fix.startswith("keys allowed here: id, label, initial, min, max, hidden")


def test_unknown_key_suggestion_replaces_the_missing_field_error() -> None:
    [d] = _minimal_with("    brief: The line is open", "    breif: The line is open")
    assert (d.message, d.fix) == ("unknown key 'breif'", "did you mean 'brief'?")


def test_alias_keys_are_suggested_as_written() -> None:
    [d] = _minimal_with("      - from: Navy watch officer", "      - frm: Navy watch officer")
    assert d.fix == "did you mean 'from'?"


def test_id_pattern_message_suggests_a_valid_id() -> None:
    [d] = _minimal_with("  - id: talks\n", "  - id: Talks Now\n")
    assert d.path == "nodes[1].id"
    assert "e.g. 'talks-now'" in d.fix


def test_union_errors_follow_what_the_author_wrote() -> None:
    [d] = _minimal_with("            - goto: talks\n",
                        "            - goto: talks\n              whn: x\n")
    assert d.path == "nodes[0].decision.options[1].next[1].whn"
    assert d.fix == "did you mean 'when'?"


def test_empty_list_item_and_empty_block() -> None:
    [d] = _minimal_with("roles:\n  - id: lead\n    title: Crisis lead\n", "roles:\n")
    assert d.path == "roles" and "has no items" in d.message
    calm = "  - id: calm\n    title: Calm\n    text: The ships part.\n    tone: good\n"
    [d] = _minimal_with(calm, "  -\n")
    assert d.path == "endings[1]"
    assert d.message == "this item of 'endings' is empty"


def test_model_check_points_at_the_key_it_names() -> None:
    [d] = _minimal_with("    initial: 20\n", "    initial: 500\n")
    assert d.path == "meters[0].initial"
    assert "outside the range" in d.message


# --- never a traceback ----------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#\n\t %@`,?~.01")), max_size=80))
def test_random_text_never_raises(text: str) -> None:
    compiled, diagnostics = check_scenario_text(text, "fuzz.yaml")
    assert compiled is None
    assert diagnostics and all(d.severity == "error" for d in diagnostics)


_LINES = MINIMAL.read_text(encoding="utf-8").splitlines(keepends=True)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(_LINES) - 1),
            st.sampled_from(["", "  ", "x: 1\n", "- ", ": ", "!!str ", "*a ", "&a ", "\t",
                             "[", "'", "  - id: Q\n"]),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_scenario_never_raises(edits: list[tuple[int, str]]) -> None:
    lines = list(_LINES)
    for index, insert in edits:
        lines[index] = insert + lines[index] if insert else ""
    compiled, diagnostics = check_scenario_text("".join(lines), "mutant.yaml")
    for diagnostic in diagnostics:
        assert diagnostic.message and diagnostic.file == "mutant.yaml"
        assert diagnostic.line >= 0 and diagnostic.col >= 0
    if compiled is None:
        assert any(d.severity == "error" for d in diagnostics)


def test_objectives_name_declared_capabilities(tmp_path: Path) -> None:
    """An objective's capability must be one the scenario lists (with the nearest named)."""
    from game.scenario.diagnostics import ScenarioLoadError
    from game.scenario.loader import load_scenario

    text = (Path(__file__).parent / "minimal.yaml").read_text(encoding="utf-8")
    assert "\nobjectives:\n" in text
    text = text.replace("\nobjectives:\n", "\ncapabilities:\n  - id: op-comms\n"
                        "    name: Operational Communications\nobjectives:\n", 1)
    head, rest = text.split("\nobjectives:\n", 1)
    first_id = rest.splitlines()[0]
    good = head + "\nobjectives:\n" + first_id + "\n    capability: op-comms\n" + \
        rest.split("\n", 1)[1]
    path = tmp_path / "good.yaml"
    path.write_text(good, encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.model.objectives[0].capability == "op-comms"
    assert scenario.model.capabilities[0].name == "Operational Communications"
    bad = good.replace("    capability: op-comms", "    capability: op-coms")
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ScenarioLoadError) as info:
        load_scenario(path)
    (error,) = info.value.errors
    text_of = error.format()
    assert "unknown capability 'op-coms'" in text_of and "op-comms" in text_of
    assert f":{bad.splitlines().index('    capability: op-coms') + 1}:" in text_of
