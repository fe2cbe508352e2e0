"""MSEL export and import: round trip, hand-made tables, the commands."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from game.analysis.msel import (
    COLUMNS,
    MselError,
    export_msel,
    import_msel,
    msel_export_command,
    msel_import_command,
    read_msel,
    scenario_model_injects,
)
from game.scenario.lint import lint_text
from game.scenario.loader import check_scenario_text, load_scenario

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
