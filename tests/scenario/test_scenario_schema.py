"""scenarios/schema.json must be exactly what the models say."""

from __future__ import annotations

import json
from pathlib import Path

from game.scenario.schema import json_schema, schema_text

SCHEMA_FILE = Path(__file__).resolve().parent.parent.parent / "scenarios" / "schema.json"


def test_schema_file_is_up_to_date() -> None:
    assert SCHEMA_FILE.exists(), "write it with: hotline schema > scenarios/schema.json"
    on_disk = SCHEMA_FILE.read_text(encoding="utf-8")
    assert json.loads(on_disk) == json_schema(), (
        "scenarios/schema.json is out of date with game/scenario/models.py; "
        "regenerate it with: hotline schema > scenarios/schema.json"
    )
    assert on_disk == schema_text(), (
        "scenarios/schema.json is not formatted as 'hotline schema' prints it; "
        "regenerate it with: hotline schema > scenarios/schema.json"
    )


def test_schema_describes_the_file_as_authors_write_it() -> None:
    schema = json_schema()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["title"] == "Hotline scenario"
    inject = schema["$defs"]["Inject"]["properties"]
    assert "from" in inject and "sender" not in inject
    assert schema["additionalProperties"] is False
