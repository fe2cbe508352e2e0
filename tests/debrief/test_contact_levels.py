"""One definition of first contact, at two levels, for every road and for reality."""

from __future__ import annotations

from debrief_fixtures import record

from game.analysis.batch import policy_rng
from game.analysis.policies import get_policy
from game.debrief.source import open_debrief
from game.debrief.text import summary_text
from game.engine.session import Session
from game.records.journal import Journal
from game.scenario.loader import load_scenario


def test_every_road_and_reality_at_both_levels(journal: Journal) -> None:
    flagship = load_scenario("scenarios/balloon-2023.yaml")
    session = Session(flagship, 4, batch=True)
    rng, policy = policy_rng(4), get_policy("expert")
    inputs = []
    while not session.ended:
        data = {"type": "choose", "option": policy(session, rng)}
        session.apply(data)
        inputs.append(data)
    d = open_debrief(journal, record(journal, flagship, inputs, seed=4)).debrief
    rows = {row.label: row for row in d.contact_levels}
    assert list(rows) == ["This session", "Expert path", "Historical path",
                          "What really happened"]
    # This session is the expert path (same seed, same choices): the same marks.
    assert rows["This session"].any.turn == rows["Expert path"].any.turn
    assert rows["This session"].senior.turn == rows["Expert path"].senior.turn
    assert d.contact == rows["This session"].any  # the chart's line is the same definition
    for row in d.contact_levels[:3]:
        if row.any.turn is not None and row.senior.turn is not None:
            assert row.any.turn <= row.senior.turn
        if row.senior.channel:
            assert row.senior.channel in {c.label for c in flagship.model.channels
                                          if c.level == "military"}
    real = rows["What really happened"]
    assert real.real and real.any.elapsed_hours == 141 and real.senior.elapsed_hours == 7848
    assert "Blinken" in real.any.describe() and "327 days" in real.senior.describe()
    text = summary_text(d)
    assert "First contact (any level | senior military):" in text
    assert "What really happened: 5.9 days after the start" in text
