"""A debrief for the trainees' hands: what they may not see left out.

The one rule of what trainees may not see is the describer's
(:func:`game.engine.describe.trainee_may_see`: kinds the event registry marks
facilitator-only, changes of hidden meters, and the counterpart's odds).
:func:`handout_view` applies it to a built debrief, item by item, through the
same registry, so a handout (``--handout``) and the trainee's screens leave out
the same things: facilitator-only meters (their series and every change),
the facilitator's actions and notes, flags, and the acceptance chances of calls.
"""

from __future__ import annotations

import copy
import dataclasses

from game.engine.events import EVENT_KINDS, FacilitatorAction, FlagChanged, MeterChanged

from .model import Debrief


def _shown(kind: str) -> bool:
    spec = EVENT_KINDS.get(kind)
    return spec is not None and spec.trainee


def handout_view(debrief: Debrief) -> Debrief:
    """A copy of the debrief with only what trainees may see.

    Args:
        debrief: The full debrief (not changed).

    Returns:
        The handout's debrief.
    """
    d = copy.deepcopy(debrief)
    hidden = {m.id for m in d.meters if m.hidden}
    meters_shown = _shown(MeterChanged.type)
    d.meters = [m for m in d.meters if not m.hidden and meters_shown]
    d.meter_changes = [c for c in d.meter_changes if c.meter not in hidden and meters_shown]
    for turn in d.turns:
        turn.meter_changes = [c for c in turn.meter_changes
                              if c.meter not in hidden and meters_shown]
        turn.meters = {k: v for k, v in turn.meters.items() if k not in hidden}
        if not _shown(FacilitatorAction.type):
            turn.facilitator = []
        if not _shown(FlagChanged.type):
            turn.flag_changes = []
        # The counterpart's odds are the facilitator's (the describer never words them
        # for trainees).
        turn.calls = [dataclasses.replace(c, acceptance=None, factors=()) for c in turn.calls]
    d.score_lines = [dataclasses.replace(
        line, drivers=tuple(x for x in line.drivers if not any(
            _mentions(x, m.label) for m in debrief.meters if m.hidden)))
        for line in d.score_lines]
    return d


def _mentions(text: str, label: str) -> bool:
    return f": {label} " in text
