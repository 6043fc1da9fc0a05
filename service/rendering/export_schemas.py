"""Write payload_schemas/<template_id>.schema.json from the payload models (`make schemas`).

The committed schemas are what portal teams read and generate forms from; a test fails when they
drift from the models.
"""

from __future__ import annotations

import json
from typing import Any

from service.rendering.catalog import TemplateSpec, list_templates


def schema_document(spec: TemplateSpec) -> dict[str, Any]:
    schema = spec.model.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{spec.id}.schema.json",
        **schema,
        "title": spec.title,
        "description": spec.description,
    }


def schema_text(spec: TemplateSpec) -> str:
    return json.dumps(schema_document(spec), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def main() -> None:
    for spec in list_templates():
        spec.schema_path.parent.mkdir(parents=True, exist_ok=True)
        spec.schema_path.write_text(schema_text(spec), encoding="utf-8")
        print(f"写入 {spec.schema_path.relative_to(spec.schema_path.parents[1])}")


if __name__ == "__main__":
    main()
