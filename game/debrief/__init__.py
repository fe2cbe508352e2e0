"""Debrief and after-action review: pure functions from scenario + events.

The package turns a recorded session (the scenario, the engine's event log and
the journal's inputs) into a :class:`~game.debrief.model.Debrief` — timeline,
meter series, channel strip, explained score, expert and historical
comparison, objective ratings — and exports it as text, JSON, HTML or PDF.

Nothing here touches widgets; only :mod:`game.debrief.export_pdf` (and the
chart rasteriser it uses) touch QtGui, and they import it lazily.
"""

from __future__ import annotations

from .model import Debrief, build_debrief

__all__ = ["Debrief", "build_debrief"]
