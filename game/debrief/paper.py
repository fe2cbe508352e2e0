"""Paper sizes for printed reports, and the default from the user's locale.

Letter is the paper of the United States, Canada, Mexico and a few other
countries of the Americas and the Philippines; everyone else uses A4. The
default follows the locale's territory, as the C library reads it: the first
set of ``LC_ALL``, ``LC_PAPER`` and ``LANG`` (``en_US.UTF-8`` → Letter).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

#: Paper names the exporters take, with their size in millimetres (width, height).
PAPERS: dict[str, tuple[float, float]] = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
#: Territories (ISO 3166 codes) that use Letter.
LETTER_TERRITORIES = frozenset({"US", "CA", "MX", "PR", "PH", "CL", "CO", "VE", "GT", "CR",
                                "PA", "SV", "NI", "DO", "BZ"})


def territory(locale_name: str) -> str:
    """``en_US.UTF-8@euro`` → ``US`` ('' when the name has no territory)."""
    name = locale_name.split(".", 1)[0].split("@", 1)[0]
    if "_" not in name:
        return ""
    return name.split("_", 1)[1].upper()


def default_paper(environ: Mapping[str, str] | None = None) -> str:
    """``letter`` or ``a4``, from the locale (A4 when the locale names no territory)."""
    env = os.environ if environ is None else environ
    for variable in ("LC_ALL", "LC_PAPER", "LANG"):
        value = env.get(variable, "")
        if value:
            return "letter" if territory(value) in LETTER_TERRITORIES else "a4"
    return "a4"


def paper_or_default(paper: str | None) -> str:
    """A paper name checked (``None``: the locale's).

    Raises:
        ValueError: For a paper Hotline does not print on (the message lists them).
    """
    if paper is None:
        return default_paper()
    name = paper.strip().lower()
    if name not in PAPERS:
        raise ValueError(f"unknown paper '{paper}'; use {' or '.join(PAPERS)}")
    return name
