"""The crisis engine: sessions, the counterpart model, adjudication and scoring.

Never imports Qt. The engine returns change records (events); it never calls
the UI.
"""

from .counterpart import CallResult, acceptance, resolve_call
from .events import EVENT_KINDS, SCHEMA_VERSION, Cause, Event, event_from_dict
from .phases import Phase
from .scoring import RATING_LABELS, ScorePart
from .session import (
    EngineError,
    OptionView,
    Outcome,
    Session,
    Snapshot,
    TurnResult,
    TurnView,
)

__all__ = [
    "EVENT_KINDS",
    "RATING_LABELS",
    "SCHEMA_VERSION",
    "Cause",
    "Phase",
    "event_from_dict",
    "CallResult",
    "EngineError",
    "Event",
    "OptionView",
    "Outcome",
    "ScorePart",
    "Session",
    "Snapshot",
    "TurnResult",
    "TurnView",
    "acceptance",
    "resolve_call",
]
