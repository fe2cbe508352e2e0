"""The crisis engine: sessions, the counterpart model, adjudication and scoring.

Never imports Qt. The engine returns change records (events); it never calls
the UI.
"""

from .counterpart import CallResult, acceptance, resolve_call
from .scoring import RATING_LABELS, ScorePart
from .session import (
    EngineError,
    Event,
    OptionView,
    Outcome,
    Session,
    Snapshot,
    TurnResult,
    TurnView,
)

__all__ = [
    "RATING_LABELS",
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
