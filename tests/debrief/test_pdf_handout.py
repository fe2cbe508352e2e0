"""A PDF to hand out: paper size, no row across two pages, no mostly empty pages,
headers and numbers whole, and the handout without what trainees may not see.

Checked on the PDF itself with poppler's pdfinfo (page size) and pdftotext
(the text of each page).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from debrief_fixtures import INPUTS, record

from game.debrief.aar import AAR, Overview, PlanItem, RatingOverride, save_aar
from game.debrief.commands import debrief_command
from game.debrief.paper import default_paper
from game.records.journal import Journal
from game.scenario.compile import CompiledScenario

pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("pdftotext", "pdfinfo", "pdftoppm", "pdfimages")),
    reason="poppler-utils (pdftotext, pdfinfo) is not installed; `apt-get install "
    "poppler-utils`")

ROWS = 36


def _pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    text = text.replace("\ufb01", "fi").replace("\ufb02", "fl").replace("\ufb00", "ff")
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _page_size(path: Path) -> str:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    return next(line for line in info.splitlines() if line.startswith("Page size:"))


def _fill(path: Path, tmp: Path) -> list[float]:
    """How far down each page something is printed (text or chart), the footer left out.

    Each page is rendered in grey at 20 dpi; the answer is the last row with a
    dark pixel above the footer, as a share of the page's height.
    """
    subprocess.run(["pdftoppm", "-gray", "-r", "20", str(path), str(tmp / "fill")], check=True)
    shares = []
    for image in sorted(tmp.glob("fill*.pgm")):
        data = image.read_bytes()
        parts = data.split(maxsplit=4)  # P5, width, height, maxval, pixels
        width, height, pixels = int(parts[1]), int(parts[2]), parts[4]
        footer = int(height * 0.93)
        rows = [y for y in range(footer) if min(pixels[y * width:(y + 1) * width]) < 160]
        shares.append((max(rows) + 1) / height if rows else 0.0)
    return shares


@pytest.fixture
def long_report(journal: Journal, tiny: CompiledScenario) -> str:
    """A session whose report runs over several pages: a long improvement plan."""
    # The facilitator moves the hidden meter, with a reason only the debrief may show.
    inputs = [INPUTS[0], {"type": "adjust", "meter": "openness", "delta": 5,
                          "reason": "Back-channel warmed up"}, *INPUTS[1:]]
    sid = record(journal, tiny, inputs)
    filler = "the defense link request came on the heels of the shootdown " * 2
    save_aar(journal, sid, AAR(
        ratings={"contact": RatingOverride("S", "late", "Maj. Ng")},
        plan=[PlanItem(issue=f"R{i:02d}A {filler}", action=f"drill the sequence R{i:02d}Z",
                       capability="", element="training", organisation="Operations",
                       contact="Maj. Ng", start="2026-04-01", completion="2026-09-30")
              for i in range(ROWS)],
        notes="Keep it calm.", hot_wash="Felt rushed.",
        overview=Overview(name="Tiny TTX", facilitator="Col. Hart")))
    return sid


def _export(journal: Journal, sid: str, path: Path, **options: object) -> Path:
    assert debrief_command(journal, sid, str(path), **options) == 0  # type: ignore[arg-type]
    return path


def test_paper_follows_the_option_and_the_locale(qapp: object, journal: Journal,
                                                 long_report: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    a4 = _export(journal, long_report, tmp_path / "a4.pdf", paper="a4")
    letter = _export(journal, long_report, tmp_path / "letter.pdf", paper="letter")
    assert "595 x 842 pts (A4)" in _page_size(a4)
    assert "612 x 792 pts (letter)" in _page_size(letter)
    monkeypatch.setenv("LC_ALL", "")
    monkeypatch.setenv("LC_PAPER", "en_US.UTF-8")
    assert "(letter)" in _page_size(_export(journal, long_report, tmp_path / "us.pdf"))
    monkeypatch.setenv("LC_PAPER", "de_DE.UTF-8")
    assert "(A4)" in _page_size(_export(journal, long_report, tmp_path / "de.pdf"))


def test_default_paper_reads_the_territory() -> None:
    assert default_paper({"LANG": "en_US.UTF-8"}) == "letter"
    assert default_paper({"LC_ALL": "fr_CA.UTF-8", "LANG": "de_DE.UTF-8"}) == "letter"
    assert default_paper({"LC_PAPER": "en_GB.UTF-8", "LANG": "en_US.UTF-8"}) == "a4"
    assert default_paper({"LANG": "C.UTF-8"}) == "a4"
    assert default_paper({}) == "a4"


def test_no_row_splits_across_pages(qapp: object, journal: Journal, long_report: str,
                                    tmp_path: Path) -> None:
    pages = _pages(_export(journal, long_report, tmp_path / "report.pdf", paper="a4"))
    assert len(pages) >= 3
    spread = set()
    for i in range(ROWS):
        start = [n for n, page in enumerate(pages) if f"R{i:02d}A" in page]
        end = [n for n, page in enumerate(pages) if f"R{i:02d}Z" in page]
        assert len(start) == 1 and start == end, f"plan row {i} spans pages {start} and {end}"
        spread.add(start[0])
    assert len(spread) >= 2  # the plan really runs over a page break
    # The plan's header row comes again on the page it continues on.
    for n in spread:
        assert "Corrective action" in pages[n]


def test_headings_stay_with_what_follows_and_pages_are_full(qapp: object, journal: Journal,
                                                            long_report: str,
                                                            tmp_path: Path) -> None:
    path = _export(journal, long_report, tmp_path / "report.pdf", paper="a4")
    pages = _pages(path)
    for heading, follower in (("Improvement plan", "R00A"), ("Timeline", "Turn 1"),
                              ("Hot wash and instructor's notes", "Felt rushed.")):
        on = [n for n, page in enumerate(pages) if heading in page.splitlines()]
        assert on, heading
        assert follower in pages[on[0]], f"'{heading}' is parted from what follows it"
    # The charts are pictures: the page with their heading has the first of them.
    (charts,) = [n for n, page in enumerate(pages) if "Charts" in page.splitlines()]
    listing = subprocess.run(["pdfimages", "-list", "-f", str(charts + 1), "-l",
                              str(charts + 1), str(path)], check=True, capture_output=True,
                             text=True).stdout
    assert len(listing.splitlines()) > 2, "the Charts heading is parted from its charts"
    shares = _fill(path, tmp_path)
    assert len(shares) == len(pages)
    # No mostly empty page: every page but the last is filled at least halfway down.
    assert all(share > 0.5 for share in shares[:-1]), shares


def test_headers_and_numbers_are_whole(qapp: object, journal: Journal, long_report: str,
                                       tmp_path: Path) -> None:
    text = "\n".join(_pages(_export(journal, long_report, tmp_path / "r.pdf", paper="a4")))
    words = set(re.findall(r"[\w./-]+", text))
    for header in ("Capability", "Issue", "Element", "Organisation", "Contact", "Dates",
                   "Corrective", "Score", "Peak", "Turn"):
        assert header in words, header
    assert "2026-09-30" in text and "2026-04-01" in text
    for broken in ("Scor\ne", "Organisatio\nn", "2026-09-3\n0"):
        assert broken not in text


def test_handout_leaves_out_what_trainees_may_not_see(qapp: object, journal: Journal,
                                                      long_report: str,
                                                      tmp_path: Path) -> None:
    full = "\n".join(_pages(_export(journal, long_report, tmp_path / "full.pdf", paper="a4")))
    hand = "\n".join(_pages(_export(journal, long_report, tmp_path / "hand.pdf", paper="a4",
                                    handout=True)))
    hidden = "Channel openness"  # the tiny scenario's facilitator-only meter
    assert hidden in full and "Trainee hesitated over the press line" in full
    assert "Back-channel warmed up" in full
    assert hidden not in hand and "facilitator only" not in hand
    assert "Back-channel warmed up" not in hand

    def charts(path: Path) -> int:
        listing = subprocess.run(["pdfimages", "-list", str(path)], check=True,
                                 capture_output=True, text=True).stdout
        return len(listing.splitlines()) - 2

    assert charts(tmp_path / "hand.pdf") == charts(tmp_path / "full.pdf") - 1  # its chart
    assert "Trainee hesitated over the press line" not in hand  # the facilitator's note
    assert "chance of acceptance" not in hand
    assert "Ring them first." in hand and "R00A" in hand  # the rest is there
