"""Exports: self-contained escaped HTML, JSON for tools, a PDF that says what happened."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from debrief_fixtures import INPUTS, hostile_scenario, record

from game.debrief.aar import AAR, PlanItem, RatingOverride, save_aar
from game.debrief.commands import debrief_command
from game.debrief.export_html import render_html
from game.debrief.export_json import FORMAT, debrief_document
from game.debrief.source import load_scenario_file, open_debrief
from game.debrief.whatif import what_if
from game.records.journal import Journal
from game.scenario.compile import CompiledScenario


@pytest.fixture
def hostile(journal: Journal, tmp_path: Path) -> str:
    """A session on a scenario with markup in its texts, with markup in the AAR too."""
    path = hostile_scenario(tmp_path)
    scenario = load_scenario_file(path)
    sid = record(journal, scenario, INPUTS, path=str(path))
    save_aar(journal, sid, AAR(
        ratings={"contact": RatingOverride("M", "<b>bold</b> claim", "<u>Eve</u>")},
        plan=[PlanItem(issue="<script>alert('plan')</script>", action="fix",
                       contact="<i>me</i>")]))
    return sid


def test_html_escapes_trainee_and_scenario_text(journal: Journal, hostile: str) -> None:
    opened = open_debrief(journal, hostile)
    scenario = opened.scenario
    assert scenario is not None
    whatifs = [what_if(scenario, opened.debrief.seed, opened.inputs, 0, n=5)]
    from game.debrief.aar import load_aar

    html = render_html(opened.debrief, load_aar(journal, hostile), whatifs)
    # No markup from content survives as markup, anywhere.
    assert "<script" not in html.lower()
    assert "<img src=x" not in html
    assert "<b>bold</b>" not in html and "<i>me</i>" not in html
    # ... and all of it is still there, escaped.
    assert "&lt;script&gt;alert(&#x27;why&#x27;)&lt;/script&gt; &amp; more" in html
    assert "Tiny &lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; crisis" in html
    assert "&lt;script&gt;alert(&#x27;inject&#x27;)&lt;/script&gt; big" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(&#x27;plan&#x27;)&lt;/script&gt;" in html
    # Self-contained: no external resources, charts inline.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "<svg" in html and "<link" not in html


def test_json_export(journal: Journal, recorded: str, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    assert debrief_command(journal, recorded, str(out)) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT
    d = data["debrief"]
    assert d["session_id"] == journal.resolve(recorded)
    assert d["ending"] == "talk" and d["score"] == journal.session(recorded).score
    assert [t["decision"]["option"] for t in d["turns"] if t["decision"]] == [
        "call", "back", "allies"]
    assert d["objectives"][0]["effective"] == "P"
    assert {m["id"]: m["peak"] for m in d["meters"]}["escalation"] == 20.0


def test_json_document_includes_whatifs(journal: Journal, recorded: str,
                                        tiny: CompiledScenario) -> None:
    opened = open_debrief(journal, recorded)
    w = what_if(tiny, opened.debrief.seed, opened.inputs, 1, n=5)
    doc = json.loads(json.dumps(debrief_document(opened.debrief, None, [w])))
    (written,) = doc["whatifs"]
    assert written["decision"] == 1 and written["node"] == w.node and written["n"] == 5
    assert [b["option"] for b in written["branches"]] == [b.option for b in w.branches]
    assert written["ending_titles"] == w.ending_titles
    assert doc["debrief"]["session_id"] == opened.debrief.session_id


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; `apt-get install "
                    "poppler-utils` to check the PDF's text")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    # Qt's PDF keeps typographic ligatures; read them as the letters they stand for.
    return text.replace("\ufb01", "fi").replace("\ufb02", "fl").replace("\ufb00", "ff")


@pytest.fixture
def gui(qapp: object) -> object:
    """A QApplication made by pytest-qt before the PDF exporter looks for one.

    (The exporter creates a bare QGuiApplication when none exists, as the CLI
    needs; widgets could not be created in this process after that.)
    """
    return qapp


def test_pdf_contains_title_and_ending(gui: object, journal: Journal, recorded: str,
                                       tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    assert debrief_command(journal, recorded, str(out)) == 0
    assert out.read_bytes().startswith(b"%PDF")
    text = _pdf_text(out)
    assert "Tiny test crisis" in text
    assert "Talking" in text  # the ending
    assert "Lines are open." in text
    assert "Ring them first." in text  # a rationale
    assert re.search(r"page 1 of \d+", text)


def test_pdf_of_hostile_text_shows_it_as_text(gui: object, journal: Journal, hostile: str,
                                              tmp_path: Path) -> None:
    out = tmp_path / "hostile.pdf"
    assert debrief_command(journal, hostile, str(out)) == 0
    text = _pdf_text(out)
    assert "<script>alert('why')</script>" in text


def test_command_summary_and_errors(journal: Journal, recorded: str, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert debrief_command(journal, recorded[:8]) == 0
    out = capsys.readouterr().out
    assert "Debrief: Tiny test crisis" in out
    # The summary's score comes from replaying the inputs; the journal's was recorded live.
    assert "Ending: Talking" in out and f"Score: {journal.session(recorded).score:g} / 100" in out
    assert "Why: <script>alert('why')</script> & more" in out  # plain text: shown as typed
    assert "Expert:   Call the defense link (same)" in out
    assert debrief_command(journal, recorded, str(tmp_path / "report.docx")) == 2
    assert "use a file ending in .pdf, .html or .json" in capsys.readouterr().err
    assert debrief_command(journal, "nope") == 2  # an unknown id is the user's problem
    assert "no session matches" in capsys.readouterr().err
    html = tmp_path / "report.html"
    assert debrief_command(journal, recorded, str(html)) == 0
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
