"""Recorded sessions: one service between the engine, the journal and every front end.

:class:`SessionService` creates, records, reopens and detaches sessions with
one policy for scenarios edited after a session was recorded (a session
replays on the scenario snapshot it was played on). The Qt controller, the
terminal commands, the Studio's playtest, the timeline, the debrief and the
cohort view all use it. Never imports PySide6.
"""

from .compare import scenario_changes
from .seats import (
    CLASS_MODE,
    SEAT_CLOCK,
    ClassInfo,
    ClassSession,
    JoinError,
    NotYourTurnError,
    SeatTurn,
    decision_key,
    default_seat_name,
)
from .service import (
    PLAYED_ON,
    EndingNotRecorded,
    RecordedSession,
    ScenarioUnavailable,
    ScenarioVersion,
    SessionService,
)
from .snapshots import (
    ScenarioFileError,
    SnapshotError,
    canonical_text,
    load_file,
    scenario_from_text,
)
from .table import Table

__all__ = [
    "CLASS_MODE",
    "PLAYED_ON",
    "SEAT_CLOCK",
    "ClassInfo",
    "ClassSession",
    "JoinError",
    "NotYourTurnError",
    "SeatTurn",
    "decision_key",
    "default_seat_name",
    "EndingNotRecorded",
    "RecordedSession",
    "ScenarioFileError",
    "ScenarioUnavailable",
    "ScenarioVersion",
    "SessionService",
    "SnapshotError",
    "Table",
    "canonical_text",
    "load_file",
    "scenario_changes",
    "scenario_from_text",
]
