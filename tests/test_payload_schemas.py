"""The committed JSON Schemas are exactly what the models export (run `make schemas` after a model change)."""

import json

import pytest

from service.rendering.catalog import list_templates
from service.rendering.export_schemas import schema_text


@pytest.mark.parametrize("spec", list_templates(), ids=lambda s: s.id)
def test_committed_schema_matches_model(spec):
    assert spec.schema_path.exists(), f"{spec.schema_path.name} 缺失：运行 make schemas"
    assert spec.schema_path.read_text(encoding="utf-8") == schema_text(spec), (
        f"{spec.schema_path.name} 与模型不一致：运行 make schemas"
    )


@pytest.mark.parametrize("spec", list_templates(), ids=lambda s: s.id)
def test_every_field_has_a_chinese_title(spec):
    schema = json.loads(schema_text(spec))
    missing = []

    def walk(node, path):
        if isinstance(node, dict):
            for name, prop in (node.get("properties") or {}).items():
                title = prop.get("title", "")
                if not any("\u4e00" <= ch <= "\u9fff" for ch in title) and not name.isdigit():
                    missing.append(f"{path}.{name}")
                walk(prop, f"{path}.{name}")
            for key in ("$defs", "items"):
                sub = node.get(key)
                if isinstance(sub, dict):
                    for k, v in sub.items() if key == "$defs" else [("items", sub)]:
                        walk(v, f"{path}/{k}")

    walk(schema, "$")
    assert not missing, f"没有中文标题的字段：{missing}"
