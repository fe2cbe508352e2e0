"""The class view: the grid, the distribution, choice shares, rationales; CLI and window."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from debrief_fixtures import record

from game.commands import main
from game.debrief.aar import AAR, RatingOverride, save_aar
from game.debrief.class_export import class_csv, histogram_svg
from game.debrief.classview import bin_labels, load_class, score_ticks
from game.records.journal import Journal
from game.scenario.compile import CompiledScenario

PATHS = {  # trainee -> their choices in the tiny scenario
    "Ana": ["call", "back", "allies"],
    "Ben": ["shoot", "wait", "concede"],
    "Cy": ["call", "wait", "allies"],
}


@pytest.fixture
def klass(journal: Journal, tiny: CompiledScenario) -> dict[str, str]:
    ids = {}
    for i, (who, path) in enumerate(PATHS.items()):
        inputs = [{"type": "choose", "option": o, "rationale": f"{who} thinks {o} is right"}
                  for o in path]
        ids[who] = record(journal, tiny, inputs, seed=3 + i, trainee=who)
    # A policy-played session of the same scenario, and one of another scenario.
    from game.sessions import SessionService

    bot = SessionService(journal).create(tiny, seed=9, trainee="", mode="headless",
                                         meta={"policy": "random"}, attach=False)
    for o in ("call", "back", "allies"):
        bot.apply({"type": "choose", "option": o})
    bot.finish()
    save_aar(journal, ids["Ben"], AAR(ratings={"contact": RatingOverride("M", "late", "Ng")}))
    return ids


def test_grid_counts_people_and_evaluators(journal: Journal, tiny: CompiledScenario,
                                          klass: dict[str, str]) -> None:
    view = load_class(journal, "tiny", tiny)
    assert sorted(s.trainee for s in view.sessions) == ["Ana", "Ben", "Cy"]
    assert view.left_out == {"played by a policy": 1}
    ben = next(s for s in view.sessions if s.trainee == "Ben")
    assert ben.ratings["contact"] == "M" and "contact" in ben.rated_by_evaluator
    assert view.objectives[0][0] == "contact"
    assert sum(view.histogram) == 3
    # With the policy's session asked for, four.
    assert len(load_class(journal, "tiny", tiny, policies=True).sessions) == 4
    assert [s.trainee for s in load_class(journal, "tiny", tiny,
                                          trainees=["ana", " cy"]).sessions] == ["Cy", "Ana"]


def test_choice_shares_mark_expert_and_history(journal: Journal, tiny: CompiledScenario,
                                               klass: dict[str, str]) -> None:
    view = load_class(journal, "tiny", tiny)
    first = view.decisions[0]
    shares = {o.option: (o.count, round(o.share, 2), o.expert, o.historical)
              for o in first.options}
    assert shares["call"] == (2, 0.67, True, False)
    assert shares["shoot"] == (1, 0.33, False, True)
    said = {who: why for _sid, who, _label, why in first.rationales}
    assert said == {"Ana": "Ana thinks call is right", "Ben": "Ben thinks shoot is right",
                    "Cy": "Cy thinks call is right"}


def test_score_ticks_are_whole_and_reach_the_top() -> None:
    assert score_ticks([0, 0, 3, 1]) == (3, 1)
    assert score_ticks([0, 9, 1]) == (10, 2)
    top, step = score_ticks([0, 47, 12])
    assert (top, step) == (50, 10) and top >= 47
    assert score_ticks([]) == (1, 1)
    assert bin_labels()[0] == "0–9" and bin_labels()[-1] == "90–100"


def test_histogram_svg_ticks_are_whole_numbers(journal: Journal, tiny: CompiledScenario,
                                               klass: dict[str, str]) -> None:
    import re

    svg = histogram_svg(load_class(journal, "tiny", tiny))
    ticks = re.findall(r'text-anchor="end">([^<]+)</text>', svg)
    assert ticks and all(t.isdigit() for t in ticks)
    assert ticks == [str(i) for i in range(int(ticks[-1]) + 1)][:len(ticks)]


def test_csv_has_a_row_per_session(journal: Journal, tiny: CompiledScenario,
                                   klass: dict[str, str]) -> None:
    rows = list(csv.DictReader(io.StringIO(class_csv(load_class(journal, "tiny", tiny)))))
    assert sorted(r["trainee"] for r in rows) == ["Ana", "Ben", "Cy"]
    ben = next(r for r in rows if r["trainee"] == "Ben")
    rating = next(k for k in ben if k.startswith("rating: "))
    assert ben[rating] == "M"
    assert any(v == "Ben thinks shoot is right" for v in ben.values())


def test_cli_prints_and_exports(capsys: pytest.CaptureFixture[str], journal: Journal,
                                klass: dict[str, str], tmp_path: Path, qapp: object) -> None:
    store = str(journal.path)
    assert main(["--store", store, "class", "tiny"]) == 0
    out = capsys.readouterr().out
    assert "3 session(s)" in out and "1 played by a policy" in out
    assert "Ben" in out and "M*" in out
    for suffix in (".csv", ".html", ".pdf"):
        target = tmp_path / f"class{suffix}"
        assert main(["--store", store, "class", "tiny", "--export", str(target)]) == 0
        assert target.stat().st_size > 0
    assert "Ana thinks call is right" in (tmp_path / "class.html").read_text(encoding="utf-8")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "class.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "Class view" in text and "Rationales side by side" in text
    assert main(["--store", store, "class", "tiny", "--export", "x.docx"]) == 2
    assert "use a file ending in .csv, .html or .pdf" in capsys.readouterr().err
    assert main(["--store", store, "class", "nothing-here"]) == 2


def test_whatif_command_keeps_the_result(capsys: pytest.CaptureFixture[str], journal: Journal,
                                         klass: dict[str, str]) -> None:
    store = str(journal.path)
    sid = klass["Ana"]
    assert main(["--store", store, "whatif", sid, "--decision", "2", "-n", "12", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["decision"] == 1 and doc["n"] == 12 and doc["dice_n"] == 12
    assert {b["option"] for b in doc["branches"]} >= {"back"}
    from game.debrief.whatif_store import load_whatifs

    (kept,) = load_whatifs(journal, sid)
    assert kept.decision == 1
    assert main(["--store", store, "debrief", sid]) == 0
    text = capsys.readouterr().out
    assert "What if — decision 2" in text and "Lessons, decision by decision" in text
    assert main(["--store", store, "whatif", sid, "--decision", "9"]) == 2
    assert "has 3 decision(s)" in capsys.readouterr().err


def test_class_window(qtbot: object, journal: Journal, klass: dict[str, str],
                      tmp_path: Path) -> None:
    pytest.importorskip("pytestqt")
    from PySide6.QtCore import Qt

    from game.ui.a11y import install, missing
    from game.ui.class_window import ClassWindow

    install()  # names Qt's own parts, as the app does
    window = ClassWindow(journal, None, "tiny")
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    qtbot.waitUntil(lambda: window.view is not None, timeout=10_000)  # type: ignore[attr-defined]
    assert window.grid.rowCount() == 3 and "1 played by a policy" in window.summary.text()
    trainees = [window.grid.item(r, 0).text() for r in range(3)]
    assert sorted(trainees) == ["Ana", "Ben", "Cy"]
    ben = trainees.index("Ben")
    assert window.grid.item(ben, 3).text() == "M*"  # an evaluator's rating, marked
    # Tables sort by their headers.
    window.grid.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [window.grid.item(r, 0).text() for r in range(3)] == ["Ana", "Ben", "Cy"]
    window.choices.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert window.choices.item(0, 2).text() == "2"
    marks = {window.choices.item(r, 1).text(): window.choices.item(r, 4).text()
             for r in range(window.choices.rowCount())}
    assert marks["Call the defense link"] == "expert's choice"
    # The distribution's count axis has whole-number ticks up to the largest bar.
    chart = window.histogram.chart()
    axis_y = next(a for a in chart.axes(Qt.Orientation.Vertical))
    assert axis_y.labelFormat() == "%d" and axis_y.tickInterval() == 1 and axis_y.max() >= 1
    # Rationales side by side, decision by decision.
    assert window.rationales.rowCount() == 3
    assert "thinks" in window.rationales.item(0, 2).text()
    # Automatic players only when asked.
    window.policies.setChecked(True)
    qtbot.waitUntil(lambda: window.view is not None and len(window.view.sessions) == 4,  # type: ignore[attr-defined]
                    timeout=10_000)
    opened: list[str] = []
    window.openSession.connect(opened.append)
    window._open_row(window.grid, 0)
    assert opened and opened[0] in {*klass.values()} | {window.view.sessions[0].id}
    job = window.export_to(tmp_path / "class.csv")
    assert job is not None
    qtbot.waitUntil(lambda: window.export_job is None, timeout=10_000)  # type: ignore[attr-defined]
    assert (tmp_path / "class.csv").read_text(encoding="utf-8").count("\n") == 5
    assert missing(window) == []  # every control has a name and a description
    window.close()


def test_every_new_control_is_named(qtbot: object, journal: Journal, recorded: str,
                                    tiny: CompiledScenario) -> None:
    pytest.importorskip("pytestqt")
    from game.ui.a11y import install, missing
    from game.ui.debrief_window import DebriefWindow
    from game.ui.session_browser import SessionBrowser

    install()  # names Qt's own parts, as the app does
    browser = SessionBrowser(journal, actor="Ng")
    qtbot.addWidget(browser)  # type: ignore[attr-defined]
    browser.show()
    qtbot.waitUntil(lambda: browser.table.rowCount() == 1, timeout=5000)  # type: ignore[attr-defined]
    assert missing(browser) == []
    window = DebriefWindow(journal, recorded, tiny)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    panel = window.show_tab("After-action report")
    for index in range(panel.pages.count()):
        panel.pages.setCurrentIndex(index)
        assert missing(panel.pages.currentWidget()) == [], panel.pages.tabText(index)
    window.close()
    browser.close()
