"""The journal's errors: each one carries a message fit to show a user.

Two families matter to callers:

* :class:`StoreError` and its kinds, :class:`SessionNotFoundError`,
  :class:`AmbiguousSessionError`, :class:`SessionEndedError` and
  :class:`AlreadyDecidedError` are the *user's* problem (a store that cannot
  be used, an unknown id, a decision someone else made first): the message
  says what to do, and a command exits with status 2.
* A bare :class:`JournalError` is a fault in the caller (a value that is not
  JSON, a closed journal): a command exits with status 1.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AlreadyDecidedError",
    "AmbiguousSessionError",
    "BadRecordError",
    "DamagedStoreError",
    "ForeignStoreError",
    "JournalError",
    "ReadOnlyStoreError",
    "SessionEndedError",
    "SessionMovedOnError",
    "SessionNotFoundError",
    "StoreError",
    "StoreLockedError",
    "StoreUnavailableError",
    "is_user_problem",
]


class JournalError(Exception):
    """Any failure of the journal, with a message fit to show a user."""


class StoreError(JournalError):
    """The store cannot be opened or used (damaged, foreign, locked, unreachable...)."""


class DamagedStoreError(StoreError):
    """The store failed its integrity check; nothing will be written to it."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        """Create the error.

        Args:
            message: The user-facing message (with how to recover).
            problems: What the integrity check found, one line each.
        """
        super().__init__(message)
        self.problems = problems


class ForeignStoreError(StoreError):
    """The file or database is not a Hotline journal (or is empty); it was left untouched."""


class ReadOnlyStoreError(StoreError):
    """The store, or the folder it lives in, cannot be written."""


class StoreLockedError(StoreError):
    """Another program holds the store's lock for longer than the journal waits."""


class StoreUnavailableError(StoreError):
    """The database server cannot be reached, or the connection to it was lost."""


class BadRecordError(StoreError):
    """One stored row cannot be read back (a wrong type, JSON that is not an object...)."""

    def __init__(self, message: str, session_id: str | None = None) -> None:
        """Create the error.

        Args:
            message: The user-facing message.
            session_id: The session whose row is bad, when known.
        """
        super().__init__(message)
        self.session_id = session_id


class SessionNotFoundError(JournalError):
    """No session matches the given id or id prefix."""


class AmbiguousSessionError(JournalError):
    """An id prefix matches more than one session."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        """Create the error.

        Args:
            message: The user-facing message.
            candidates: The full ids that matched the prefix.
        """
        super().__init__(message)
        self.candidates = candidates


class SessionEndedError(JournalError):
    """An input was appended to a session that has already ended."""


class AlreadyDecidedError(JournalError):
    """Another seat recorded this decision first; the database refused the second one.

    Attributes:
        session_id: The session.
        decision: The decision key both tried to record.
        seq: The sequence number of the input that won.
        decided_by: Who recorded it (the winning input's ``seat``, else its
            ``role``, else ``""``).
        data: The winning input.
    """

    def __init__(
        self, session_id: str, decision: str, seq: int, decided_by: str, data: dict[str, Any]
    ) -> None:
        """Create the error from the winning input."""
        who = decided_by or "another seat"
        super().__init__(
            f"decision {decision!r} of session {session_id} was already decided by {who} "
            f"(input {seq}); your choice was not recorded"
        )
        self.session_id = session_id
        self.decision = decision
        self.seq = seq
        self.decided_by = decided_by
        self.data = data


class SessionMovedOnError(JournalError):
    """The session has inputs the writer had not seen; nothing was recorded.

    A seat (or console) says which inputs it has applied
    (``append_input(..., after=n)``); if another seat recorded one meanwhile,
    the new input might not apply after it, so the journal refuses it. The
    writer catches up and decides again.

    Attributes:
        session_id: The session.
        seen: The last sequence number the writer had seen.
        latest: The last sequence number in the journal.
    """

    def __init__(self, session_id: str, seen: int, latest: int) -> None:
        """Create the error."""
        news = latest - seen
        super().__init__(
            f"session {session_id} moved on while you decided ({news} newer input(s) "
            "recorded by another seat or the facilitator); nothing was recorded. Look at the "
            "situation again and decide anew."
        )
        self.session_id = session_id
        self.seen = seen
        self.latest = latest


_USER_PROBLEMS: tuple[type[JournalError], ...] = (
    StoreError,
    SessionNotFoundError,
    AmbiguousSessionError,
    SessionEndedError,
    AlreadyDecidedError,
    SessionMovedOnError,
)


def is_user_problem(exc: JournalError) -> bool:
    """Whether an error is the user's to fix (exit 2) rather than a fault (exit 1).

    Args:
        exc: A journal error.

    Returns:
        True for a store that cannot be used, an unknown or ambiguous id, an
        ended session or a decision already taken.
    """
    return isinstance(exc, _USER_PROBLEMS)
