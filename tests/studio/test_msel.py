"""MSEL export and import: round trip, hand-made tables, the commands."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.analysis.msel import (
    COLUMNS,
    MselError,
    export_msel,
    import_msel,
    msel_export_command,
    msel_import_command,
    neutralise,
    read_msel,
    restore,
    scenario_model_injects,
)
from game.scenario.lint import lint_text
from game.scenario.loader import check_scenario_text, load_scenario, load_scenario_text

REPO = Path(__file__).resolve().parent.parent.parent
SHIPPED = sorted((REPO / "scenarios").glob("*.yaml"))
TINY = REPO / "tests" / "engine" / "tiny.yaml"


@pytest.mark.parametrize("path", [*SHIPPED, TINY], ids=lambda p: p.stem)
def test_round_trip_keeps_every_inject(path: Path) -> None:
    scenario = load_scenario(path)
    buffer = io.StringIO()
    rows = export_msel(scenario, buffer)
    assert rows >= len(scenario.model.nodes)
    text = import_msel(buffer.getvalue(), scenario_id="round-trip", title="Round trip")
    compiled, diagnostics = check_scenario_text(text, "round-trip.yaml")
    assert compiled is not None, [d.format() for d in diagnostics]
    assert scenario_model_injects(compiled.model) == scenario_model_injects(scenario.model)
    assert [n.id for n in compiled.model.nodes] == [n.id for n in scenario.model.nodes]
    assert [n.time for n in compiled.model.nodes] == [n.time for n in scenario.model.nodes]


def test_export_has_the_msel_columns_and_expected_actions() -> None:
    scenario = load_scenario(TINY)
    buffer = io.StringIO()
    export_msel(scenario, buffer)
    table = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert tuple(table[0]) == COLUMNS
    first = dict(zip(COLUMNS, table[1]))
    assert first["Time"] == "2023-02-01T09:00"
    assert first["From"] == "Intel"
    assert first["To"] == "All"
    assert first["Inject"] == "It is big."
    assert first["Decision point"] == "Something in the sky [first]"
    assert first["Expected action"].startswith("Call the defense link [call]")


def test_skeleton_marks_todos_and_validates() -> None:
    text = import_msel(io.StringIO(
        "Time;From;To;Channel;Inject text;Expected player action;Phase\n"
        "2024-05-01 06:00;Watch officer;Crisis lead;Defense telephone link;Radar contact.;"
        "Call the defense link;Contact\n"
        "2024-05-01 07:30;Press desk;;;A reporter calls.;;Contact\n"
        "02/05/2024 09:00;Embassy;Crisis lead;Embassy cable;The ambassador asks for a "
        "meeting.;Meet quietly;Talks\n"), scenario_id="imported", title="Imported")
    assert "TODO" in text
    result = lint_text(text, "imported.yaml")
    assert result.scenario is not None, [d.format() for d in result.diagnostics]
    model = result.scenario.model
    assert [n.id for n in model.nodes] == ["contact", "talks"]
    assert len(model.nodes[0].injects) == 2
    assert model.nodes[1].time == "2024-05-02T09:00"
    channels = {c.id: c.level for c in model.channels}
    assert channels == {"defense-telephone-link": "military", "embassy-cable": "diplomatic"}
    assert [r.id for r in model.roles] == ["crisis-lead"]
    assert [s.node for s in model.expert] == ["contact", "talks"]
    assert model.nodes[0].decision.options[0].label == "Call the defense link"


def test_comments_in_skeleton_survive_as_text() -> None:
    text = import_msel("Inject\nSomething happens.\n")
    assert text.startswith("# Scenario skeleton imported from an MSEL")
    compiled, diagnostics = check_scenario_text(text, "x.yaml")
    assert compiled is not None, diagnostics


@pytest.mark.parametrize("table, message", [
    ("", "empty"),
    ("Time,From\n2024-01-01,Someone\n", "no 'Inject' column"),
    ("Inject\n", "no rows"),
    ("Time,Inject\nyesterday,Hello\n", "cannot read the time 'yesterday'"),
])
def test_bad_tables_say_what_is_wrong(table: str, message: str) -> None:
    with pytest.raises(MselError, match=message):
        read_msel(table)


def test_commands_write_files_and_refuse_to_overwrite(tmp_path: Path) -> None:
    csv_path = tmp_path / "tiny.csv"
    err = io.StringIO()
    assert msel_export_command(str(TINY), str(csv_path), err=err) == 0
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM for spreadsheets
    out_path = tmp_path / "tiny-skeleton.yaml"
    assert msel_import_command(str(csv_path), str(out_path), err=err) == 0
    assert load_scenario(out_path).model.id == "tiny-skeleton"
    err = io.StringIO()
    assert msel_import_command(str(csv_path), str(out_path), err=err) == 2
    assert "exists" in err.getvalue()
    assert msel_import_command(str(csv_path), str(out_path), force=True, err=err) == 0
    assert msel_export_command(str(tmp_path / "nope.yaml"), None, err=io.StringIO()) == 2
    assert msel_import_command(str(tmp_path / "nope.csv"), None, err=io.StringIO()) == 2


def test_export_to_stdout() -> None:
    out = io.StringIO()
    assert msel_export_command(str(TINY), "-", out=out, err=io.StringIO()) == 0
    assert out.getvalue().startswith("Serial,Time,From,To,Channel")


# --- tables that carry nothing but data (issue 13) ----------------------------------------

GOLDEN = Path(__file__).parent / "msel_golden"
MSEL_CASES = sorted(p.stem for p in GOLDEN.glob("*.csv"))


def _header_row(*cells: str) -> str:
    return "Time,From,To,Channel,Inject,Decision point\n" + ",".join(cells) + "\n"


def _cell_too_long(path: Path) -> None:
    path.write_text(_header_row("2024-05-01 06:00", "Watch", "Lead", "",
                                '"' + "x" * (20_000 + 1) + '"', "Contact"), encoding="utf-8")


def _cell_beyond_csv_limit(path: Path) -> None:
    """Over the csv module's own field limit (131,072), which once crashed the import."""
    path.write_text(_header_row("2024-05-01 06:00", "Watch", "Lead", "", "Radar",
                                '"' + "y" * 131_073 + '"'), encoding="utf-8")


def _table_too_large(path: Path) -> None:
    row = "2024-05-01 06:00,Watch,Lead,,Radar contact " + "z" * 200 + ",Contact\n"
    path.write_text("Time,From,To,Channel,Inject,Decision point\n" + row * 10_000,
                    encoding="utf-8")


def _fifo(path: Path) -> None:
    os.mkfifo(path)


MSEL_GENERATED = {
    "generated_cell_too_long": _cell_too_long,
    "generated_cell_beyond_csv_limit": _cell_beyond_csv_limit,
    "generated_table_too_large": _table_too_large,
    "generated_fifo": _fifo,
}


def _import_lines(case: str) -> list[str]:
    err = io.StringIO()
    status = msel_import_command(f"{case}.csv", "-", out=io.StringIO(), err=err)
    assert status == 2, err.getvalue()
    return err.getvalue().splitlines()


def _compare_golden(case: str, lines: list[str]) -> None:
    expected = GOLDEN / f"{case}.expected"
    if os.environ.get("UPDATE_GOLDEN"):
        expected.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert expected.exists(), f"no {expected.name}; run with UPDATE_GOLDEN=1"
    assert lines == expected.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("case", MSEL_CASES)
def test_msel_golden(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each broken table and the exact lines it gives: row and column of the cell."""
    monkeypatch.chdir(GOLDEN)
    _compare_golden(case, _import_lines(case))


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", sorted(MSEL_GENERATED))
def test_msel_golden_generated(case: str, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    if case == "generated_fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("needs FIFOs")
    MSEL_GENERATED[case](tmp_path / f"{case}.csv")
    monkeypatch.chdir(tmp_path)
    _compare_golden(case, _import_lines(case))


@given(st.text(max_size=30))
def test_neutralise_and_restore_are_exact(cell: str) -> None:
    shown = neutralise(cell)
    assert restore(shown) == cell
    assert not shown.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_export_neutralises_formulas_and_import_undoes_it(tmp_path: Path) -> None:
    text = TINY.read_text(encoding="utf-8").replace(
        "{from: Intel, kind: intel, text: It is big.}",
        "{from: '@ops', kind: intel, text: '=HYPERLINK(\"http://x\",\"click\")'}\n"
        "      - {from: '+1 555 0100', kind: press, text: '-5 points in the polls'}")
    scenario = load_scenario_text(text, "formula.yaml")
    buffer = io.StringIO()
    export_msel(scenario, buffer)
    cells = [c for row in csv.reader(io.StringIO(buffer.getvalue())) for c in row]
    assert "'=HYPERLINK(\"http://x\",\"click\")" in cells and "'@ops" in cells
    assert "'+1 555 0100" in cells and "'-5 points in the polls" in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    back = import_msel(buffer.getvalue(), scenario_id="formula", title="Formula")
    compiled, diagnostics = check_scenario_text(back, "back.yaml")
    assert compiled is not None, [d.format() for d in diagnostics]
    assert scenario_model_injects(compiled.model) == scenario_model_injects(scenario.model)


def test_newlines_and_colons_in_cells_stay_in_their_values() -> None:
    """A cell once forged YAML keys in the skeleton; now the library writes every value."""
    table = ('Time,From,To,Inject,Condition,Decision point\n'
             '2024-05-01 06:00,"Watch\nofficer: evil","Lead","Radar: contact.\n'
             'endings: []\n  - id: forged","flags.x\nfiction: true","Contact: phase one"\n')
    text = import_msel(table, scenario_id="forge", title="Forge: test")
    compiled, diagnostics = check_scenario_text(text, "forge.yaml")
    assert compiled is not None, [d.format() for d in diagnostics]
    model = compiled.model
    [inject] = model.nodes[0].injects
    assert inject.sender == "Watch\nofficer: evil"
    assert inject.text == "Radar: contact.\nendings: []\n  - id: forged"
    assert inject.when is None  # unreadable condition: kept as a note in the brief
    assert "flags.x\nfiction: true" in model.nodes[0].brief
    assert model.fiction is False and [e.id for e in model.endings] == ["de-escalated",
                                                                        "stand-off"]
    assert model.title == "Forge: test" and model.nodes[0].title == "Contact: phase one"


def test_conditions_are_kept_only_when_they_compile() -> None:
    table = ('Time,Inject,Condition,Decision point\n'
             '2024-05-01 06:00,One,tension >= 60 and flags.alert,Contact\n'
             '2024-05-01 07:00,Two,tension + 5,Contact\n'
             '2024-05-01 08:00,Three,visited.talks and contact.dtl-link,Talks\n')
    text = import_msel(table, scenario_id="conditions", title="Conditions")
    compiled, diagnostics = check_scenario_text(text, "c.yaml")
    assert compiled is not None, [d.format() for d in diagnostics]
    whens = [i.when for n in compiled.model.nodes for i in n.injects]
    assert whens == ["tension >= 60 and flags.alert", None,
                     "visited.talks and contact.dtl-link"]
    assert {m.id for m in compiled.model.meters} >= {"tension"}
    assert "dtl-link" in {c.id for c in compiled.model.channels}
