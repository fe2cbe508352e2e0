"""Automatic backups of the Studio's text, so nothing typed is lost.

Every document has a folder under ``<user data>/hotline/backups`` (or
``$HOTLINE_BACKUPS``) named after its file and a short hash of its full path;
each backup is the whole text, named by the time it was taken. A backup is
skipped when the text equals the newest one, and only the newest
:data:`KEEP` are kept.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

KEEP = 40


def backup_root() -> Path:
    """Where backups live (``$HOTLINE_BACKUPS`` or the user data folder)."""
    from game.paths import backups_dir

    return backups_dir()


@dataclass(frozen=True)
class Backup:
    """One saved copy of a document's text."""

    path: Path
    taken: datetime

    def read(self) -> str:
        """The text."""
        return self.path.read_text(encoding="utf-8")


class Backups:
    """The backups of one document (a file, or an unsaved new scenario)."""

    def __init__(self, key: str, root: Path | None = None) -> None:
        self.key = key
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(key).stem or "untitled")[:40]
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
        self.folder = (root or backup_root()) / f"{stem}-{digest}"

    def list(self) -> list[Backup]:
        """Backups, newest first."""
        if not self.folder.is_dir():
            return []
        items: list[Backup] = []
        for path in self.folder.glob("*.yaml"):
            try:
                taken = datetime.strptime(path.stem[:22], "%Y%m%d-%H%M%S-%f")
            except ValueError:
                continue
            items.append(Backup(path, taken))
        return sorted(items, key=lambda b: b.taken, reverse=True)

    def save(self, text: str) -> Backup | None:
        """Keep a copy of ``text`` (unless it equals the newest); returns it."""
        existing = self.list()
        if existing:
            try:
                if existing[0].read() == text:
                    return None
            except OSError:
                pass
        self.folder.mkdir(parents=True, exist_ok=True)
        now = datetime.now()
        path = self.folder / f"{now.strftime('%Y%m%d-%H%M%S-%f')}.yaml"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        for old in existing[KEEP - 1:]:
            try:
                old.path.unlink()
            except OSError:
                pass
        return Backup(path, now)
