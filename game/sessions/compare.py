"""What changed between two versions of a scenario, in plain sentences.

The debrief of a session played on an earlier version of a scenario says so
and lists these changes, so an instructor can judge whether the current file
would have played differently.
"""

from __future__ import annotations

from typing import Any

from game.scenario import CompiledScenario

__all__ = ["scenario_changes"]

# Lists of things with ids, compared item by item (in the order they are reported).
_LISTS: tuple[tuple[str, str], ...] = (
    ("nodes", "decision point"),
    ("endings", "ending"),
    ("meters", "meter"),
    ("channels", "channel"),
    ("flags", "flag"),
    ("roles", "role"),
    ("objectives", "objective"),
)
# Node parts, named for the reader.
_NODE_PARTS: tuple[tuple[str, str], ...] = (
    ("title", "title"), ("time", "time"), ("brief", "brief"), ("injects", "messages"),
)
_LIMIT = 40


def _dump(scenario: CompiledScenario) -> dict[str, Any]:
    return scenario.model.model_dump(mode="json", by_alias=True, exclude_defaults=True)


def _by_id(items: Any) -> dict[str, Any]:
    return {str(item.get("id")): item for item in items or () if isinstance(item, dict)}


def _node_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    parts = [name for key, name in _NODE_PARTS if old.get(key) != new.get(key)]
    old_decision, new_decision = old.get("decision") or {}, new.get("decision") or {}
    old_options = _by_id(old_decision.get("options"))
    new_options = _by_id(new_decision.get("options"))
    rest = {k: v for k, v in old_decision.items() if k != "options"}
    if rest != {k: v for k, v in new_decision.items() if k != "options"}:
        parts.append("decision rules")
    added = [o for o in new_options if o not in old_options]
    removed = [o for o in old_options if o not in new_options]
    changed = [o for o in old_options if o in new_options and old_options[o] != new_options[o]]
    if added:
        parts.append("options added: " + ", ".join(added))
    if removed:
        parts.append("options removed: " + ", ".join(removed))
    if changed:
        parts.append("options changed: " + ", ".join(changed))
    return parts


def scenario_changes(old: CompiledScenario, new: CompiledScenario) -> list[str]:
    """The differences from ``old`` to ``new``, one sentence each (empty: same content).

    Args:
        old: The version a session was played on.
        new: The version in the file now.
    """
    if old.content_hash == new.content_hash:
        return []
    a, b = _dump(old), _dump(new)
    out: list[str] = []
    if a.get("version") != b.get("version"):
        out.append(f"version {a.get('version')} → {b.get('version')}")
    for key, noun in _LISTS:
        before, after = _by_id(a.get(key)), _by_id(b.get(key))
        for item in after:
            if item not in before:
                out.append(f"{noun} {item} added")
        for item in before:
            if item not in after:
                out.append(f"{noun} {item} removed")
        for item in before:
            if item in after and before[item] != after[item]:
                if key == "nodes":
                    what = _node_changes(before[item], after[item])
                    out.append(f"{noun} {item}: " + "; ".join(what or ["changed"]))
                else:
                    out.append(f"{noun} {item} changed")
    listed = {key for key, _ in _LISTS} | {"version"}
    for key in sorted(set(a) | set(b)):
        if key not in listed and a.get(key) != b.get(key):
            out.append(f"{key.replace('_', ' ')} changed")
    if len(out) > _LIMIT:
        out = out[:_LIMIT] + [f"… and {len(out) - _LIMIT} more changes"]
    return out or ["the content changed (nothing a reader would name)"]
