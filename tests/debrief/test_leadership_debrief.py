"""The debrief and the what-ifs tell who on the other side could pick up, and why not.

Played on the flagship's historical road (seed 4): the balloon is shot down
over the sea, the defense-chief call is asked for in the hour of the shot,
and the spring request refuses Beijing's price.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from game.debrief.export_html import render_html
from game.debrief.model import Debrief, build_debrief
from game.debrief.whatif import what_if, who_could_pick_up
from game.engine import Session
from game.scenario.compile import CompiledScenario
from game.scenario.loader import load_scenario

BALLOON = Path(__file__).resolve().parents[2] / "scenarios" / "balloon-2023.yaml"


@cache
def balloon() -> CompiledScenario:
    return load_scenario(BALLOON)


@cache
def historical() -> tuple[Session, Debrief]:
    scenario = balloon()
    session = Session(scenario, 4, batch=True)
    while not session.ended:
        session.choose(scenario.historical[session.node])
    return session, build_debrief(scenario, session.events, session.inputs, references=False)


def test_the_leadership_over_the_session() -> None:
    _session, debrief = historical()
    tracks = {t.level: t for t in debrief.leadership}
    military = tracks["military"]
    # Authorised until the shot (decision 5); withheld from the next decision to the end.
    assert military.statuses[:6] == ("authorised",) * 6
    assert set(military.statuses[6:]) == {"withheld"}
    assert military.whys[-1].startswith("Beijing had decided that its new defense minister")
    assert set(tracks["political"].statuses) == {"authorised"}
    after_shot = debrief.turns[5]
    assert [c.event for c in after_shot.leadership] == ["shootdown-freeze"]
    assert after_shot.leadership[0].describe().startswith(
        "Military: authorised → withheld. Beijing had not decided to let the PLA talk")


def test_refusals_are_explained_in_words() -> None:
    _session, debrief = historical()
    after_shot = debrief.turns[5]
    assert after_shot.answer.startswith("Defense Telephone Link (Austin–Wei): declined — The "
                                        "Ministry of National Defense says")
    spring = debrief.turns[-1]
    assert "would not talk to the Pentagon while US sanctions on him remained" in spring.answer
    assert [(p.price, p.before, p.after) for p in spring.prices] == [
        ("li-sanctions", "none", "demanded"), ("li-sanctions", "demanded", "refused")]


def test_prices_and_rating_reasons() -> None:
    _session, debrief = historical()
    prices = {p.id: p for p in debrief.prices}
    assert prices["li-sanctions"].status == "refused"
    assert prices["reconnaissance"].status == "none"
    ratings = {o.id: o for o in debrief.objectives}
    assert ratings["sequence-channels"].rating == "M"
    assert ratings["sequence-channels"].reason.startswith(
        "You used the political channel, but asked for the defense chiefs in the hour")


def test_the_report_has_a_who_could_pick_up_section() -> None:
    _session, debrief = historical()
    html = render_html(debrief)
    assert "<h2>Who could pick up on the other side</h2>" in html
    assert "Turn 6: Military: authorised → withheld." in html
    assert "Lift the 2018 US sanctions on the new defense minister" in html
    # A scenario without a leadership model gets no such section.
    tiny_debrief = Debrief("tiny", "Tiny", "1", "h")
    assert "Who could pick up" not in render_html(tiny_debrief)


def test_what_ifs_say_who_could_pick_up_at_the_end() -> None:
    session, _debrief = historical()
    result = what_if(balloon(), 4, session.inputs, decision=5, n=20)
    mistake = result.branch("call-austin-wei")
    assert mistake.expert is not None
    assert [level for level, _why in mistake.expert.withheld] == ["military"]
    words = who_could_pick_up(mistake)
    assert words.startswith("Expert road: military withheld — Beijing had decided that its new "
                            "defense minister")
    assert "Random games: military withheld in" in words
    # The table cell leaves the reason to its tooltip.
    brief = who_could_pick_up(mistake, why=False)
    assert brief.startswith("Expert road: military withheld. Random games: military withheld")
    assert "Li Shangfu" not in brief
    assert mistake.random is not None and dict(mistake.random.withheld)["military"] > 0.5
