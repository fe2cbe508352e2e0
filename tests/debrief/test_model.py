"""The debrief model, built from a known event log (golden) and checked piece by piece.

Regenerate the golden file after an intended change with::

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/debrief/test_model.py

and read the diff before committing it.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest
from debrief_fixtures import INPUTS, SEED, TINY, record

from game.debrief.aar import AAR, AARError, PlanItem, RatingOverride, apply_aar, load_aar, save_aar
from game.debrief.cohort import load_cohort
from game.debrief.model import build_debrief, describe_hours
from game.debrief.source import open_debrief, replay_with_views
from game.debrief.text import summary_text
from game.engine.session import Session
from game.records.journal import Journal
from game.scenario.compile import CompiledScenario

GOLDEN = Path(__file__).parent / "golden" / "tiny_seed3.json"


def golden_debrief(tiny: CompiledScenario) -> dict[str, object]:
    session, seen = replay_with_views(tiny, SEED, INPUTS)
    debrief = build_debrief(tiny, session.events, INPUTS, seen=seen)
    return json.loads(json.dumps(debrief.to_dict(), ensure_ascii=False))


def test_debrief_matches_golden(tiny: CompiledScenario) -> None:
    data = golden_debrief(tiny)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                          encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert data == expected


def test_timeline_tells_the_story(tiny: CompiledScenario) -> None:
    session = Session.replay(tiny, SEED, INPUTS, batch=True)
    d = build_debrief(tiny, session.events, INPUTS)
    assert [t.decision.option for t in d.turns if t.decision] == ["call", "back", "allies"]
    first, second, third = d.turns
    assert first.clock == "2023-02-01T09:00" and first.title == "Something in the sky"
    assert [i.text for i in first.injects] == ["It is big."]
    assert first.decision is not None and first.decision.rationale == "Ring them first."
    assert first.decision.seconds == 12.5
    assert first.answer.startswith("Defense telephone link: ringing")
    # The note was typed while the trainee looked at the second decision.
    assert first.facilitator == []
    assert [f.action for f in second.facilitator] == ["note"]
    assert "hesitated" in second.facilitator[0].text
    assert second.answer == "Political back-channel: declined"
    assert [(c.channel, c.after) for c in second.channel_changes] == [
        ("political", "requested"), ("political", "declined")]
    assert third.decision is not None and third.decision.timed_out
    assert "answered late" in third.answer
    # Meter series: start + one point per decision.
    allies = d.meter("allies")
    assert allies is not None and allies.values == (50.0, 50.0, 50.0, 60.0)
    dtl = next(c for c in d.channels if c.id == "dtl")
    assert dtl.statuses == ("open", "ringing", "ringing", "answered")
    # First contact: turn 3 (index 2), two scenario days after the start.
    assert d.contact.turn == 2 and d.contact.elapsed_hours == 48.0
    assert d.contact.describe() == "turn 3 (2 days after the start) on the Defense telephone link"


def test_score_is_explained(tiny: CompiledScenario) -> None:
    session = Session.replay(tiny, SEED, INPUTS, batch=True)
    d = build_debrief(tiny, session.events, INPUTS)
    assert session.outcome is not None
    assert d.score == session.outcome.score
    assert d.ending == session.outcome.ending_id
    assert round(sum(p.points for p in d.score_lines), 1) == pytest.approx(d.score, abs=0.2)
    standing = next(p for p in d.score_lines if p.key == "standing")
    assert any("Consult allies" in line and "allies += 10" in line for line in standing.drivers)
    change = next(c for c in d.meter_changes if c.meter == "allies")
    assert change.cause.type == "option" and change.cause.rule == "allies += 10"
    contact = next(p for p in d.score_lines if p.key == "contact")
    assert contact.drivers == ("turn 3: Defense telephone link — answered late (requested turn 1)",)


def test_causes_carry_the_doctrine_note(tmp_path: Path) -> None:
    from game.scenario.loader import load_scenario_text

    text = TINY.read_text(encoding="utf-8").replace(
        "label: Shoot it down\n",
        "label: Shoot it down\n          doctrine: Force first closes the line.\n")
    scenario = load_scenario_text(text, "doctrine.yaml")
    inputs = [{"type": "choose", "option": o} for o in ("shoot", "wait", "concede")]
    session = Session.replay(scenario, SEED, inputs, batch=True)
    d = build_debrief(scenario, session.events, inputs)
    shot = [c for c in d.meter_changes if c.turn == 0]
    assert shot and all(c.cause.doctrine == "Force first closes the line." for c in shot)
    assert d.comparison[0].doctrine == "Force first closes the line."


def test_expert_and_historical_comparison(tiny: CompiledScenario) -> None:
    session = Session.replay(tiny, SEED, INPUTS, batch=True)
    d = build_debrief(tiny, session.events, INPUTS)
    rows = d.comparison
    assert [(r.trainee, r.expert, r.historical) for r in rows] == [
        ("call", "call", "shoot"), ("back", "back", "wait"), ("allies", "allies", "concede")]
    assert rows[0].matches_expert and not rows[0].matches_historical
    assert rows[0].expert_reason == "Call first."
    assert d.expert_run is not None and d.historical_run is not None
    assert d.historical_run.outcome == "Nobody talked for a year."
    assert d.historical_run.ending == "freeze"
    assert [r.label for r in d.references] == ["Expert path", "Historical path"]


def test_objective_ratings_and_overrides(journal: Journal, recorded: str) -> None:
    d = open_debrief(journal, recorded).debrief
    assert [(o.id, o.rating) for o in d.objectives] == [("contact", "P")]
    with pytest.raises(AARError, match="2026-12-31"):
        save_aar(journal, recorded, AAR(plan=[PlanItem(issue="x", completion="next week")]))
    with pytest.raises(AARError):
        save_aar(journal, recorded, AAR(ratings={"contact": RatingOverride("X")}))
    with pytest.raises(AARError, match="evaluator's name"):
        save_aar(journal, recorded, AAR(ratings={"contact": RatingOverride("S", "late")}))
    with pytest.raises(AARError, match="say why"):
        save_aar(journal, recorded, AAR(ratings={"contact": RatingOverride("S", "", "Ng")}))
    with pytest.raises(AARError, match="completion date 2026-01-01 is before the start"):
        save_aar(journal, recorded, AAR(plan=[PlanItem(issue="x", start="2026-02-01",
                                                       completion="2026-01-01")]))
    with pytest.raises(AARError, match="capability element must be one of planning"):
        save_aar(journal, recorded, AAR(plan=[PlanItem(issue="x", element="money")]))
    row = PlanItem(issue="Slow", action="Drill", capability="talk", element="training",
                   organisation="J3", contact="Ops", start="2026-11-01", completion="2026-12-31")
    saved = save_aar(journal, recorded, AAR(
        ratings={"contact": RatingOverride("S", "late contact", "Maj. Ng")},
        plan=[row, PlanItem()], notes="ok"))
    assert saved.updated_at
    loaded = load_aar(journal, recorded)
    assert loaded.ratings["contact"] == RatingOverride("S", "late contact", "Maj. Ng")
    assert loaded.plan == [row]
    assert journal.session(recorded).meta["aar"]["notes"] == "ok"
    apply_aar(d, loaded)
    assert d.objectives[0].effective == "S" and d.objectives[0].rating == "P"
    text = " ".join(summary_text(d, loaded).split())
    assert "[S] Make contact with the counterpart. — Performed with some challenges, by Maj. " \
        "Ng (the rules said P)" in text
    assert "Comment: late contact" in text


def test_old_plan_rows_read_as_contact_and_completion(journal: Journal, recorded: str) -> None:
    journal.set_meta(recorded, "aar", {"plan": [{"issue": "Slow", "action": "Drill",
                                                  "owner": "Ops", "due": "2026-12-31"}]})
    (row,) = load_aar(journal, recorded).plan
    assert (row.issue, row.contact, row.completion) == ("Slow", "Ops", "2026-12-31")


def _edited_copy(tmp_path: Path, old: str, new: str) -> Path:
    changed = tmp_path / "tiny.yaml"
    text = TINY.read_text(encoding="utf-8")
    assert old in text
    changed.write_text(text.replace(old, new), encoding="utf-8")
    return changed


def test_edited_scenario_replays_on_its_snapshot_and_says_what_changed(
        journal: Journal, tiny: CompiledScenario, tmp_path: Path) -> None:
    changed = _edited_copy(tmp_path, "effects: [allies += 10]", "effects: [allies += 20]")
    sid = record(journal, tiny, INPUTS, path=str(changed))
    opened = open_debrief(journal, sid)
    d = opened.debrief
    assert not opened.hash_matches and d.replayed and opened.scenario is not None
    assert opened.scenario.content_hash == tiny.content_hash  # the version played on
    assert d.played_on.startswith("played on version 1 (edited since")
    assert "edited since" in d.notices[0]
    assert d.scenario_changes == ["decision point third: options changed: allies"]
    # Replayed on the version played on, the score is the recorded one: no mismatch notice.
    assert d.score == journal.session(sid).score
    assert not any("score" in n for n in d.notices)


def test_edited_scenario_without_a_snapshot_shows_the_journal_only(
        journal: Journal, tiny: CompiledScenario, tmp_path: Path) -> None:
    # A journal written before snapshots existed, and a file edited since.
    changed = _edited_copy(tmp_path, "- id: back\n", "- id: back-channel\n").read_text(
        encoding="utf-8").replace("option: back,", "option: back-channel,")
    (tmp_path / "tiny.yaml").write_text(changed, encoding="utf-8")
    sid = record(journal, tiny, INPUTS, path=str(tmp_path / "tiny.yaml"), snapshot=False)
    d = open_debrief(journal, sid).debrief
    assert not d.replayed
    notices = " ".join(d.notices)
    assert "holds no copy of that scenario" in notices and "edited since" in notices
    assert [t.decision.option for t in d.turns if t.decision] == ["call", "back", "allies"]
    assert d.turns[1].decision is not None
    assert d.turns[1].decision.rationale == INPUTS[2]["rationale"]
    assert d.ending == "talk" and d.score == journal.session(sid).score
    assert "Ending: Talking" in summary_text(d)


def test_missing_scenario_file_is_debriefed_from_the_snapshot(
        journal: Journal, tiny: CompiledScenario, tmp_path: Path) -> None:
    sid = record(journal, tiny, INPUTS, path=str(tmp_path / "gone.yaml"))
    d = open_debrief(journal, sid).debrief
    assert d.replayed and len(d.decisions) == 3 and d.meters
    assert "its file is gone" in d.played_on


def test_missing_scenario_file_without_a_snapshot_falls_back(
        journal: Journal, tiny: CompiledScenario, tmp_path: Path) -> None:
    sid = record(journal, tiny, INPUTS, path=str(tmp_path / "gone.yaml"), snapshot=False)
    d = open_debrief(journal, sid).debrief
    assert not d.replayed and "not there any more" in " ".join(d.notices)
    assert len(d.decisions) == 3


def test_cohort(journal: Journal, tiny: CompiledScenario) -> None:
    record(journal, tiny, INPUTS)
    record(journal, tiny, [{"type": "choose", "option": o} for o in ("shoot", "wait", "concede")],
           seed=5, trainee="B")
    record(journal, tiny, [{"type": "choose", "option": "call"}], seed=9, trainee="C",
           finish=False)
    cohort = load_cohort(journal, "tiny", tiny)
    assert len(cohort.sessions) == 3
    assert len(cohort.scores) == 2
    first = next(p for p in cohort.decision_points if p.node == "first")
    counts = {o.option: o.count for o in first.options}
    assert counts == {"shoot": 1, "call": 2, "wait": 0}
    assert next(o for o in first.options if o.option == "call").expert
    assert sum(cohort.histogram) == 2
    assert sum(c for _e, _t, c in cohort.endings) == 2


def test_describe_hours() -> None:
    assert describe_hours(0.5) == "30 min"
    assert describe_hours(6) == "6 h"
    assert describe_hours(48) == "2 days"
    assert describe_hours(24 * 11) == "11 days"


def test_real_world_first_contact_is_compared(tiny: CompiledScenario) -> None:
    """``historical.first_contact`` (a proposed optional scenario field) is shown when present."""
    from types import SimpleNamespace

    from game.debrief.charts import meter_chart_svg
    from game.debrief.export_html import section_outcome

    historical = tiny.model.historical
    assert historical is not None
    model = tiny.model.model_copy(update={"historical": historical.model_copy(update={
        "first_contact": SimpleNamespace(after_hours=26.0, channel="a phone call")})})
    scenario = dataclasses.replace(tiny, model=model)
    session = Session.replay(scenario, SEED, INPUTS, batch=True)
    d = build_debrief(scenario, session.events, INPUTS)
    real = d.references[-1]
    assert real.real and real.label == "What really happened"
    assert real.turn == 2  # the first turn at or after 26 scenario hours
    assert real.describe() == "26 h after the start, a phone call"
    assert "What really happened: 26 h after the start" in summary_text(d)
    assert "26 h after the start, a phone call" in section_outcome(d)
    escalation = d.escalation
    assert escalation is not None
    assert "first contact in reality" in meter_chart_svg(d, escalation)
