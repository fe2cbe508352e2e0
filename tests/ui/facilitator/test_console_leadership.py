"""The console shows who on the other side may pick up, its prices, and why a call would fail."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel


def settle() -> None:
    QApplication.processEvents()
    QApplication.processEvents()


def play(window, *options: str) -> None:  # type: ignore[no-untyped-def]
    for option in options:
        panel = window.session_view.play.decision
        assert panel.pick_id(option), option
        panel.confirm_choice()
        settle()
        window.session_view.consequences.go_on()
        settle()


def texts(widget) -> list[str]:  # type: ignore[no-untyped-def]
    return [w.text() for w in widget.findChildren(QLabel) if w.text() and w.isVisibleTo(widget)]


def test_the_leadership_panel_follows_the_shootdown(facilitated) -> None:  # type: ignore[no-untyped-def]
    window, console, controller = facilitated("balloon-2023", team=False, seed=4)
    panel = console.leadership_panel
    assert panel.isVisibleTo(console)
    assert console.level_pills["military"].text() == "AUTHORISED"
    assert console.price_pills["li-sanctions"].text() == "NOT RAISED"
    # The historical road to the shot over the sea.
    play(window, "track-quietly", "hold-and-protest", "confirm-calmly", "postpone-tell-wang",
         "shoot-over-water")
    military = console.level_pills["military"]
    assert military.text() == "WITHHELD"
    assert military.accessibleName() == "Military contact withheld"
    shown = texts(panel)
    assert any(t.startswith("Beijing had not decided to let the PLA talk to the Pentagon")
               for t in shown), shown
    # Right after the shot the hard rule of the hour comes first on the link's card.
    assert console.cards["dtl"].outlook.text() == "A call now is declined (precondition)."
    # Two decisions later the card says a call now is refused by the leadership, and
    # why; no chance is quoted; and after the refused call, asking again is pressure.
    play(window, "call-austin-wei")
    card = console.cards["dtl"]
    assert card.outlook.text().startswith("A call now is refused: Beijing had not decided")
    assert card.outlook.text().endswith("It would be a repeated request (pressure).")
    assert card.chance.text() == "—"
    assert any("last request declined" in t or "last request unanswered" in t
               for t in texts(panel))


def test_the_panel_is_hidden_when_the_scenario_has_no_leadership(facilitated) -> None:  # type: ignore[no-untyped-def]
    window, console, controller = facilitated("tiny", team=False, seed=1)
    assert not console.leadership_panel.isVisibleTo(console)
