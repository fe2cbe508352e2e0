"""Where a journal lives: a SQLite file path or a PostgreSQL URL.

``--store`` and ``$HOTLINE_STORE`` take either. A value that looks like a
URL (``scheme://...``) must use a scheme Hotline knows; anything else is a
file path. This module imports no database driver, so the app launcher can
use it cheaply.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal
from urllib.parse import urlsplit, urlunsplit

from game.paths import STORE_ENV, default_store_path, user_data_dir

from .errors import StoreError

__all__ = [
    "POSTGRESQL_SCHEMES",
    "STORE_ENV",
    "StoreLocation",
    "default_store_path",
    "default_store_spec",
    "is_store_url",
    "parse_store",
    "redact_url",
]

#: URL schemes that select the PostgreSQL backend (as libpq accepts them).
POSTGRESQL_SCHEMES: Final = ("postgresql", "postgres")

# RFC 3986 scheme, then "://". Two letters at least, so "C://x" stays a path.
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]+)://")


@dataclass(frozen=True)
class StoreLocation:
    """A parsed store location.

    Attributes:
        kind: ``"sqlite"`` or ``"postgresql"``.
        target: The file path (SQLite) or the full connection URL (PostgreSQL,
            password included: never print it, use :attr:`display`).
        display: What to show a user: the path, or the URL without its password.
    """

    kind: Literal["sqlite", "postgresql"]
    target: str
    display: str

    @property
    def path(self) -> Path | None:
        """The file path of a SQLite store, else None."""
        return Path(self.target) if self.kind == "sqlite" else None


def is_store_url(spec: str) -> bool:
    """Whether a store spec is written as a URL (``scheme://...``)."""
    return _URL.match(spec.strip()) is not None


def redact_url(url: str) -> str:
    """Return a URL without its password (``user:secret@host`` -> ``user@host``).

    Also drops a ``password=`` query parameter.
    """
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}@{host}" if user else host
    query = "&".join(
        item for item in parts.query.split("&") if item and not item.lower().startswith("password=")
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def default_store_spec() -> str:
    """The store used when ``--store`` is not given: ``$HOTLINE_STORE``, else the default file."""
    env = os.environ.get(STORE_ENV, "").strip()
    if env:
        return env
    return str(user_data_dir() / "journal.sqlite3")


def parse_store(spec: str | os.PathLike[str] | None) -> StoreLocation:
    """Turn ``--store``'s value (or None for the default) into a location.

    Args:
        spec: A file path, a ``postgresql://`` URL, or None.

    Returns:
        The parsed location.

    Raises:
        StoreError: For a URL with a scheme Hotline does not know (it is
            never taken as a file path), or an empty value.
    """
    if spec is None:
        text = default_store_spec()
    elif isinstance(spec, os.PathLike):
        text = os.fspath(spec)
    else:
        text = spec
    if not text.strip():
        raise StoreError("the store is empty; pass --store PATH or --store postgresql://...")
    match = _URL.match(text.strip())
    if match is None:
        path = Path(text).expanduser()
        return StoreLocation("sqlite", str(path), str(path))
    url = text.strip()
    scheme = match.group(1).lower()
    if scheme in POSTGRESQL_SCHEMES:
        return StoreLocation("postgresql", url, redact_url(url))
    raise StoreError(
        f"unknown store URL scheme '{match.group(1)}' in {redact_url(url)!r}: a store is a "
        "SQLite file path (e.g. --store ~/class.sqlite3) or a PostgreSQL URL "
        "(--store postgresql://user@host/dbname)"
    )
