"""The analysis package's errors, in a module of their own.

The batch runner, the policies and the kernel all raise them; keeping them
here lets the kernel raise them without importing the modules that import it.
"""

from __future__ import annotations

__all__ = ["PolicyError", "SimulationError"]


class SimulationError(RuntimeError):
    """A game could not be played to an ending (e.g. it never ends)."""


class PolicyError(ValueError):
    """An unknown policy name, or a policy asked to play a finished session."""
