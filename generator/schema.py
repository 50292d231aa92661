"""JSON Schemas generated from the model: of claims files, for editors' YAML tools, and of the
published claims.json, for those who reuse the data.

The YAML language server (behind the common YAML extensions of VS Code, Neovim, Helix and
others) supports JSON Schema up to draft 7, so the schema is written in draft 7: definitions
under `definitions`, and a description beside a `$ref` moved into `allOf`, where draft 7
does not ignore it. It catches most mistakes while typing; `python -m generator check`
remains the authority (references between records, dates in the future, seed files).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from generator.model import Catalog

DRAFT = "http://json-schema.org/draft-07/schema#"
SCHEMA_PATH = Path("schema") / "claims.schema.json"
EXPORT_SCHEMA_VERSION = 2
"""The layout of the published claims.json; raise it when that layout changes."""
EXPORT_SCHEMA_PATH = "claims.schema.json"
"""Where the site publishes the schema of its claims.json, relative to its root."""


def claims_schema() -> dict[str, Any]:
    """The schema of a claims file, as a JSON value."""
    generated = Catalog.model_json_schema(ref_template="#/definitions/{model}")
    definitions = generated.pop("$defs")
    generated.pop("title", None)
    return {
        "$schema": DRAFT,
        "title": "Fact-check records (claims.yaml)",
        **_draft7(generated),
        "description": "The verdict scale, sources, claimants and checked claims. "
        "Check a change with: python -m generator check",
        "definitions": _draft7(definitions),
    }


def export_schema(site_url: str) -> dict[str, Any]:
    """The schema of the site's claims.json: the claims file's, with what the export adds."""
    exported = claims_schema()
    exported["$id"] = site_url + EXPORT_SCHEMA_PATH
    exported["title"] = "Fact-check archive (claims.json)"
    exported["description"] = (
        "Every published record, as in the claims files that the site is built from, with "
        "the export's layout version and each claim's page."
    )
    version = {"const": EXPORT_SCHEMA_VERSION, "description": "The layout of this file."}
    exported["properties"] = {"schema_version": version, **exported["properties"]}
    exported["required"] = ["schema_version", *exported["required"]]
    claim = exported["definitions"]["Claim"]
    claim["properties"]["url"] = {
        "type": "string",
        "format": "uri",
        "description": "The claim's page on the site.",
    }
    claim["required"] = [*claim["required"], "url"]
    return exported


@functools.cache
def export_schema_text(site_url: str) -> str:
    """The schema of the site's claims.json, as the site publishes it."""
    return json.dumps(export_schema(site_url), indent=2, ensure_ascii=False) + "\n"


def schema_text() -> str:
    """The schema as the committed file holds it."""
    return json.dumps(claims_schema(), indent=2, ensure_ascii=False) + "\n"


def _draft7(value: Any) -> Any:
    """`value` with every `$ref` that has siblings wrapped in `allOf`."""
    if isinstance(value, list):
        return [_draft7(item) for item in value]
    if not isinstance(value, dict):
        return value
    converted = {key: _draft7(item) for key, item in value.items()}
    if "$ref" in converted and len(converted) > 1:
        reference = converted.pop("$ref")
        converted = {"allOf": [{"$ref": reference}], **converted}
    return converted
