"""Engine events as readable lines for the terminal.

The words come from :class:`game.engine.describe.Describer` (the one place
events are described); this module only lays them out for a terminal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from game.engine import Session
from game.engine.describe import Describer, Line
from game.engine.events import (
    ChannelChanged,
    DecisionTaken,
    EndingReached,
    Event,
    FacilitatorAction,
    InjectShown,
    NodeEntered,
    ScoreGiven,
    SessionStarted,
)
from game.scenario import CompiledScenario
from game.sessions.table import Table
from game.textsafe import escape

from .common import band, num


class Transcript:
    """Turns engine events into readable lines for the terminal.

    Args:
        scenario: The scenario being played (for labels and briefs).
        out: Where to write.
        show_hidden: Describe everything, as the debrief does (hidden meters,
            flags, acceptance chances, the rules that applied); off in
            interactive trainee play.
    """

    def __init__(self, scenario: CompiledScenario, out: TextIO, show_hidden: bool) -> None:
        self.scenario = scenario
        self.out = out
        self.show_hidden = show_hidden
        self.describer = Describer(scenario, "debrief" if show_hidden else "trainee")
        #: Who is at the table (from the session's first event, or set by a seat): a
        #: decision whose role nobody plays says who takes it and why.
        self.table: Table | None = None

    def write(self, line: str = "") -> None:
        """Write one line (control characters in it are shown, never obeyed)."""
        self.out.write(escape(line) + "\n")

    def events(self, events: Iterable[Event]) -> None:
        """Render events in order (some are folded into their neighbours)."""
        for event, line in self.describer.lines(list(events)):
            self._render(event, line)
        self.out.flush()

    def event(self, event: Event) -> None:
        """Render one event."""
        self.events([event])

    def _render(self, e: Event, line: Line) -> None:
        if isinstance(e, SessionStarted):
            self.write(f"Hotline - {line.text}")
            self.table = Table(self.scenario, tuple(e.roles))
            for text in self.table.summary():
                self.write(f"  {text}")
        elif isinstance(e, NodeEntered):
            self.write()
            self.write(f"== {e.time.replace('T', ' ')} | {line.text} ==")
            for text in line.detail.splitlines():
                self.write(text)
            note = self.table.note(e.node) if self.table is not None else ""
            if note:
                self.write(f"  [Table] {note}")
        elif isinstance(e, (InjectShown, FacilitatorAction)):
            self.write(f"  [{line.heading}] {line.text}")
        elif isinstance(e, DecisionTaken):
            self.write(f"> {line.text}")
            if line.detail:
                self.write(f"    {line.detail}")
        elif isinstance(e, ChannelChanged):
            self.write(f"  {line.text}")
        elif isinstance(e, EndingReached):
            self.write()
            self.write(f"== Ending: {line.text} ==")
            self.write(line.detail)
        elif isinstance(e, ScoreGiven):
            self._score(e, line)
        elif line.heading in ("Meter", "Flag"):
            self.write(f"  {line.text}")
        else:
            self.write(f"  {line.heading}: {line.text}")

    def _score(self, e: ScoreGiven, line: Line) -> None:
        self.write()
        self.write(f"Score {line.text} ({line.detail})")
        width = max((len(p.label) for p in e.parts), default=0)
        for part in e.parts:
            self.write(f"  {part.label:<{width}}  {part.points:6.1f} / "
                       f"{num(part.max):>3}  {part.detail}")
        if e.ratings:
            from game.engine import RATING_LABELS

            texts = {o.id: o.text for o in self.scenario.model.objectives}
            self.write("Objectives")
            for objective, code in e.ratings:
                label = RATING_LABELS.get(code or "", "not rated")
                self.write(f"  {code or '-'}  {texts.get(objective, objective)} ({label})")

    # -- the decision point ---------------------------------------------

    def status(self, session: Session) -> None:
        """One line with the meters the player may see."""
        parts = []
        for spec in self.describer.meters():
            value = session.meters[spec.id]
            label = band(self.scenario, spec.id, value)
            parts.append(f"{spec.label} {num(value)}" + (f" ({label})" if label else ""))
        if parts:
            self.write("  " + " | ".join(parts))

    def options(self, session: Session) -> None:
        """The prompt and the numbered options of the current decision."""
        view = session.current()
        self.write()
        limit = f" (time limit {view.time_limit} s; not enforced here)" if view.time_limit else ""
        self.write(f"{view.prompt}{limit}")
        for i, option in enumerate(view.options, 1):
            channel = f", {option.channel_label}" if option.channel_label else ""
            kind = self.describer.option_kind_label(option.kind).lower()
            self.write(f"  {i}) {option.label}  [{kind}{channel}]")
            if option.description:
                self.write(f"       {option.description.strip()}")
        self.out.flush()
