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

from .aar import AAR, apply_aar, effective_overview, rating_reason
from .lessons import lessons
from .luck import luck_note
from .model import Debrief
from .whatif import WhatIf
from .whatif_store import whatif_to_json

FORMAT = "hotline-debrief/1"


def debrief_document(debrief: Debrief, aar: AAR | None = None,
                     whatifs: Sequence[WhatIf] = (), *, handout: bool = False) -> dict[str, Any]:
    """The debrief as a JSON-able document.

    Args:
        debrief: The debrief.
        aar: The instructor's edits, if any.
        whatifs: What-ifs to include.
        handout: Only what trainees may see.

    Returns:
        ``{"format", "debrief", "aar", "hseep", "lessons", "whatifs"}``; the
        debrief also carries each objective's effective rating, its capability
        and the reason for its rating; ``hseep`` holds the exercise overview as
        the report shows it.
    """
    if aar is not None:
        apply_aar(debrief, aar)
    if handout:
        from .handout import handout_view

        debrief = handout_view(debrief)
    data = debrief.to_dict()
    for objective, rated in zip(data["objectives"], debrief.objectives, strict=True):
        objective["effective"] = rated.effective
        objective["capability"] = debrief.capability_name(rated.id)
        objective["reason"] = rating_reason(rated)
    for meter, series in zip(data["meters"], debrief.meters, strict=True):
        meter.update(initial=series.initial, final=series.final, peak=series.peak)
    return {
        "format": FORMAT,
        "debrief": data,
        "aar": aar.to_json() if aar is not None else None,
        "hseep": {"overview": dataclasses.asdict(effective_overview(debrief, aar)),
                  "capabilities": debrief.capabilities},
        "lessons": [dataclasses.asdict(x) for x in lessons(debrief.roads, whatifs)],
        "whatifs": [whatif_to_json(w) | {"luck": luck_note(w)} for w in whatifs],
    }


def debrief_json(debrief: Debrief, aar: AAR | None = None,
                 whatifs: Sequence[WhatIf] = (), *, handout: bool = False) -> str:
    """The debrief document as indented JSON text (keys sorted, UTF-8)."""
    return strictjson.dumps(debrief_document(debrief, aar, whatifs, handout=handout), indent=2,
                            sort_keys=True, ensure_ascii=False) + "\n"


def export_json(path: str | Path, debrief: Debrief, aar: AAR | None = None,
                whatifs: Sequence[WhatIf] = (), *, handout: bool = False,
                paper: str | None = None) -> Path:
    """Write the debrief as JSON.

    Args:
        path: Destination file.
        debrief: The debrief.
        aar: The instructor's edits, if any.
        whatifs: What-ifs to include.
        handout: Only what trainees may see.
        paper: Ignored (JSON has no paper).

    Returns:
        The path written.
    """
    out = Path(path)
    out.write_text(debrief_json(debrief, aar, whatifs, handout=handout), encoding="utf-8")
    return out
