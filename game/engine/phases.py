"""The session lifecycle: a plain enum that live and batch play share.

``briefing → deciding → consequences → deciding … → ended``, plus ``paused``
(which remembers the phase it interrupted). The session moves through it
itself (:meth:`Session.apply` and :meth:`Session.proceed`); nothing is
attached to a shared state machine, so building and replaying sessions is
safe on any thread. docs/design-notes.md says why this replaced the
`transitions` lifecycle machine.
"""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    """Where a session is in its turn (a ``str``: ``phase == "paused"`` works)."""

    BRIEFING = "briefing"  # a node was entered; nobody has looked at it yet
    DECIDING = "deciding"  # the decision is on screen
    CONSEQUENCES = "consequences"  # a choice was resolved; its consequences are shown
    PAUSED = "paused"  # the facilitator stopped the clock
    ENDED = "ended"  # an ending was reached


#: Every phase, in the order a turn goes through them.
PHASES: tuple[Phase, ...] = tuple(Phase)
#: Phases a pause may interrupt (and a resume returns to).
PAUSABLE: frozenset[Phase] = frozenset({Phase.BRIEFING, Phase.DECIDING, Phase.CONSEQUENCES})
#: Phases in which a choice is accepted (a choice made while the consequences
#: of the last one are shown proceeds first, as a replay does).
CHOOSABLE: frozenset[Phase] = PAUSABLE
