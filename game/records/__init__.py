"""Session records: the append-only journal and session store.

A store is a SQLite file (the embedded default) or a PostgreSQL database
(``postgresql://`` URL). All SQL in Hotline lives in this package. It never
imports PySide6.
"""

from game.records.errors import (
    AlreadyDecidedError,
    AmbiguousSessionError,
    BadRecordError,
    DamagedStoreError,
    ForeignStoreError,
    JournalError,
    ReadOnlyStoreError,
    SessionEndedError,
    SessionMovedOnError,
    SessionNotFoundError,
    StoreError,
    StoreLockedError,
    StoreUnavailableError,
    is_user_problem,
)
from game.records.journal import (
    ARCHIVE_KEY,
    BUSY_TIMEOUT_S,
    STATUSES,
    AdminEvent,
    InputRecord,
    Journal,
    RowProblem,
    SessionListing,
    SessionRecord,
    canonical_json,
    snapshot_hash,
)
from game.records.schema import HOTLINE_APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from game.records.stores import (
    STORE_ENV,
    StoreLocation,
    default_store_path,
    default_store_spec,
    is_store_url,
    parse_store,
    redact_url,
)

__all__ = [
    "ARCHIVE_KEY",
    "BUSY_TIMEOUT_S",
    "HOTLINE_APPLICATION_ID",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STATUSES",
    "STORE_ENV",
    "AdminEvent",
    "AlreadyDecidedError",
    "AmbiguousSessionError",
    "BadRecordError",
    "DamagedStoreError",
    "ForeignStoreError",
    "InputRecord",
    "Journal",
    "JournalError",
    "ReadOnlyStoreError",
    "RowProblem",
    "SessionEndedError",
    "SessionListing",
    "SessionMovedOnError",
    "SessionNotFoundError",
    "SessionRecord",
    "StoreError",
    "StoreLocation",
    "StoreLockedError",
    "StoreUnavailableError",
    "canonical_json",
    "default_store_path",
    "default_store_spec",
    "is_store_url",
    "is_user_problem",
    "parse_store",
    "redact_url",
    "snapshot_hash",
]
