"""JSON that every reader accepts: no NaN, no Infinity.

Python's :mod:`json` writes ``NaN`` and ``Infinity`` for non-finite floats by
default, which is not JSON (RFC 8259) and breaks ``jq``, JavaScript and most
other readers. Validation keeps them out of play (meters and effects are
bounded), so one can only appear through a bug; if it does, it is written as
``null`` ("no number"), as JavaScript's ``JSON.stringify`` does, rather than
as text no reader can parse. Every JSON document Hotline prints or exports
goes through :func:`dumps` or :func:`dump`.
"""

from __future__ import annotations

import json
import math
from typing import Any, TextIO


def finite(value: Any) -> Any:
    """``value`` with every non-finite float (at any depth) replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def dumps(value: Any, **options: Any) -> str:
    """:func:`json.dumps` that never writes NaN or Infinity (see the module docstring)."""
    return json.dumps(finite(value), allow_nan=False, **options)


def dump(value: Any, stream: TextIO, **options: Any) -> None:
    """:func:`json.dump` that never writes NaN or Infinity."""
    stream.write(dumps(value, **options))
