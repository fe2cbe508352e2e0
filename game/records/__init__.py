"""Session records: the append-only journal and session store.

All SQL in Hotline lives in this package. It never imports PySide6.
"""

from game.records.journal import (
    MIGRATIONS,
    SCHEMA_VERSION,
    STATUSES,
    STORE_ENV,
    AmbiguousSessionError,
    InputRecord,
    Journal,
    JournalError,
    SessionEndedError,
    SessionNotFoundError,
    SessionRecord,
    StoreError,
    canonical_json,
    default_store_path,
    migrate,
    snapshot_hash,
)

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STATUSES",
    "STORE_ENV",
    "AmbiguousSessionError",
    "InputRecord",
    "Journal",
    "JournalError",
    "SessionEndedError",
    "SessionNotFoundError",
    "SessionRecord",
    "StoreError",
    "canonical_json",
    "default_store_path",
    "migrate",
    "snapshot_hash",
]
