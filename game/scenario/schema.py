"""The JSON Schema of the scenario file, for editors' completion and checks.

``scenarios/schema.json`` is this schema written out; a test keeps the two
equal. Regenerate it with ``hotline schema > scenarios/schema.json``.
Editors that read a ``# yaml-language-server: $schema=schema.json`` line at
the top of a scenario then complete keys and flag mistakes as the author types.
"""

from __future__ import annotations

import json
from typing import Any

from .models import Scenario

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_TITLE = "Hotline scenario"


def json_schema() -> dict[str, Any]:
    """The scenario file's JSON Schema (keys as authors write them, e.g. ``from``)."""
    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = SCHEMA_DIALECT
    schema["title"] = SCHEMA_TITLE
    schema["description"] = (
        "A crisis scenario for Hotline, the crisis-communication wargame. "
        + (Scenario.__doc__ or "").strip()
    )
    return schema


def schema_text() -> str:
    """The schema as ``hotline schema`` prints it and ``scenarios/schema.json`` holds it."""
    return json.dumps(json_schema(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
