"""JSON export of a debrief, for other tools.

The document is the :class:`~game.debrief.model.Debrief` as data, plus the
instructor's AAR edits and any what-ifs that were computed, under a format
tag so readers can check what they got.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from game import strictjson

from .aar import AAR
from .model import Debrief
from .whatif import WhatIf

FORMAT = "hotline-debrief/1"


def debrief_document(debrief: Debrief, aar: AAR | None = None,
                     whatifs: Sequence[WhatIf] = ()) -> dict[str, Any]:
    """The debrief as a JSON-able document.

    Args:
        debrief: The debrief.
        aar: The instructor's edits, if any.
        whatifs: What-ifs to include.

    Returns:
        ``{"format", "debrief", "aar", "whatifs"}``; the debrief also carries
        each objective's effective rating.
    """
    data = debrief.to_dict()
    for objective, rated in zip(data["objectives"], debrief.objectives, strict=True):
        objective["effective"] = rated.effective
    for meter, series in zip(data["meters"], debrief.meters, strict=True):
        meter.update(initial=series.initial, final=series.final, peak=series.peak)
    return {
        "format": FORMAT,
        "debrief": data,
        "aar": aar.to_json() if aar is not None else None,
        "whatifs": [dataclasses.asdict(w) for w in whatifs],
    }


def debrief_json(debrief: Debrief, aar: AAR | None = None,
                 whatifs: Sequence[WhatIf] = ()) -> str:
    """The debrief document as indented JSON text (keys sorted, UTF-8)."""
    return strictjson.dumps(debrief_document(debrief, aar, whatifs), indent=2,
                            sort_keys=True, ensure_ascii=False) + "\n"


def export_json(path: str | Path, debrief: Debrief, aar: AAR | None = None,
                whatifs: Sequence[WhatIf] = ()) -> Path:
    """Write the debrief as JSON.

    Args:
        path: Destination file.
        debrief: The debrief.
        aar: The instructor's edits, if any.
        whatifs: What-ifs to include.

    Returns:
        The path written.
    """
    out = Path(path)
    out.write_text(debrief_json(debrief, aar, whatifs), encoding="utf-8")
    return out
