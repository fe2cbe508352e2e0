"""Chart labels are neither cut off at the edges nor printed over one another."""

from __future__ import annotations

import dataclasses
import re
from itertools import combinations

import pytest
from debrief_fixtures import INPUTS, record

from game.debrief.charts import CHAR_EM, debrief_charts
from game.debrief.model import ContactMark, Debrief
from game.debrief.source import open_debrief
from game.records.journal import Journal
from game.scenario.compile import CompiledScenario
from game.scenario.loader import load_scenario

_TEXT = re.compile(r'<text x="([\d.-]+)" y="([\d.-]+)" font-size="([\d.]+)"([^>]*)>([^<]*)</text>')


def _boxes(svg: str) -> tuple[float, list[tuple[str, tuple[float, float, float, float]]]]:
    width = float(re.search(r'width="(\d+)"', svg).group(1))  # type: ignore[union-attr]
    out = []
    for x, y, size, attrs, text in _TEXT.findall(svg):
        if "rotate(" in attrs:
            continue  # a vertical axis title
        w = len(text.replace("&amp;", "&").replace("&#x27;", "'")) * float(size) * CHAR_EM
        anchor = re.search(r'text-anchor="(\w+)"', attrs)
        a = anchor.group(1) if anchor else "start"
        x1 = float(x) - (w if a == "end" else w / 2 if a == "middle" else 0)
        out.append((text, (x1, float(y) - float(size), x1 + w, float(y) + 2)))
    return width, out


def _check(svg: str) -> None:
    width, boxes = _boxes(svg)
    for text, (x1, _y1, x2, _y2) in boxes:
        assert x1 >= -0.5 and x2 <= width + 0.5, f"'{text}' is cut off ({x1:.0f}–{x2:.0f})"
    for (a, ba), (b, bb) in combinations(boxes, 2):
        overlap = ba[0] < bb[2] and bb[0] < ba[2] and ba[1] < bb[3] and bb[1] < ba[3]
        assert not overlap, f"'{a}' and '{b}' are printed over each other"


def _debriefs(journal: Journal, tiny: CompiledScenario) -> list[Debrief]:
    out = [open_debrief(journal, record(journal, tiny, INPUTS)).debrief]
    flagship = load_scenario("scenarios/balloon-2023.yaml")
    from game.analysis.batch import policy_rng
    from game.analysis.policies import get_policy
    from game.engine.session import Session

    for seed in (1, 2, 7):
        session = Session(flagship, seed, batch=True)
        rng, policy = policy_rng(seed), get_policy("random")
        inputs = []
        while not session.ended:
            data = {"type": "choose", "option": policy(session, rng)}
            session.apply(data)
            inputs.append(data)
        out.append(open_debrief(journal, record(journal, flagship, inputs, seed=seed)).debrief)
    return out


def test_no_label_is_cut_or_covered(journal: Journal, tiny: CompiledScenario) -> None:
    for debrief in _debriefs(journal, tiny):
        variants = [debrief]
        if len(debrief.decisions) > 1:
            # First contact on the last turn, with reality's just before it: labels crowd.
            last = len(debrief.decisions) - 1
            crowded = dataclasses.replace(
                debrief, contact=dataclasses.replace(debrief.contact, turn=last),
                references=[*debrief.references,
                            ContactMark("What really happened", max(last - 1, 0), real=True,
                                        elapsed_hours=30.0)])
            variants.append(crowded)
        for d in variants:
            for title, svg in debrief_charts(d, width=680):
                try:
                    _check(svg)
                except AssertionError as exc:
                    pytest.fail(f"{d.scenario_id} seed {d.seed}, chart '{title}': {exc}")
