"""What-ifs kept with the session, so every export and the terminal can show them.

A what-if is computed once (in the Debrief window or with ``hotline whatif``)
and saved in the session's journal ``meta`` under ``"whatifs"``: one entry per
decision, the latest run replacing an earlier one of the same decision. The
individual random roads are not kept, only their summaries. Reading is
tolerant: an entry that no longer reads (written by another version) is
skipped, never fatal.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from .whatif import Branch, Distribution, Road, WhatIf

WHATIF_KEY = "whatifs"
T = TypeVar("T")


def whatif_to_json(w: WhatIf) -> dict[str, Any]:
    """A what-if as JSON-able data (the random roads left out)."""
    data: dict[str, Any] = dataclasses.asdict(w)
    for branch in data["branches"]:
        branch["roads"] = []
    # Plain JSON (lists, not tuples), as the journal's meta must be.
    plain: dict[str, Any] = json.loads(json.dumps(data))
    return plain


def _value(kind: Any, value: Any) -> Any:
    """Turn JSON lists back into the tuples a field's type says (nested ones too)."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return None if value is None else _value(options[0], value) if options else value
    if origin is tuple and isinstance(value, list):
        parts = typing.get_args(kind)
        inner = parts[0] if parts else Any
        if len(parts) == 2 and parts[1] is Ellipsis:
            return tuple(_value(inner, v) for v in value)
        return tuple(_value(a, v) for a, v in zip(parts, value, strict=False))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind) and isinstance(value, Mapping):
        return _build(kind, value)
    return value


def _build(cls: type[T], data: Mapping[str, Any]) -> T:
    """A dataclass from its JSON form: known fields only, defaults for missing ones."""
    hints = typing.get_type_hints(cls)
    kwargs = {f.name: _value(hints[f.name], data[f.name])
              for f in dataclasses.fields(cls) if f.name in data}  # type: ignore[arg-type]
    return cls(**kwargs)


def whatif_from_json(data: Any) -> WhatIf | None:
    """A what-if from its stored form (None when it does not read)."""
    if not isinstance(data, Mapping):
        return None
    try:
        branches = [Branch(**{
            **{f.name: b[f.name] for f in dataclasses.fields(Branch)
               if f.name in b and f.name not in ("expert", "random", "roads", "dice")},
            "expert": _build(Road, b["expert"]) if b.get("expert") else None,
            "random": _build(Distribution, b["random"]) if b.get("random") else None,
            "dice": _build(Distribution, b["dice"]) if b.get("dice") else None,
        }) for b in data.get("branches", [])]
        plain = {f.name: data[f.name] for f in dataclasses.fields(WhatIf)
                 if f.name in data and f.name != "branches"}
        plain["ending_titles"] = dict(plain.get("ending_titles") or {})
        return WhatIf(branches=branches, **plain)
    except (KeyError, TypeError, ValueError):
        return None


def load_whatifs(journal: Any, session_id: str) -> list[WhatIf]:
    """The session's saved what-ifs, by decision."""
    stored = journal.session(session_id).meta.get(WHATIF_KEY)
    found = [w for w in (whatif_from_json(x) for x in (stored or [])
                         if isinstance(stored, list)) if w is not None]
    return sorted(found, key=lambda w: w.decision)


def merge(saved: Sequence[WhatIf], new: WhatIf) -> list[WhatIf]:
    """The saved what-ifs with ``new`` replacing any earlier one of its decision."""
    return sorted([w for w in saved if w.decision != new.decision] + [new],
                  key=lambda w: w.decision)


def save_whatif(journal: Any, session_id: str, w: WhatIf) -> list[WhatIf]:
    """Keep a what-if with the session (replacing an earlier one of the same decision).

    Returns:
        Every saved what-if of the session, by decision.
    """
    kept = merge(load_whatifs(journal, session_id), w)
    journal.update_meta(session_id, {WHATIF_KEY: [whatif_to_json(x) for x in kept]})
    return kept
