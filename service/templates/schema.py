"""Data of uploaded templates: a JSON Schema inferred from the template's variables, sample data from a schema, and
payloads checked against a schema (each problem a `FieldError`, like the built-in models' errors)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from service.errors import FieldError
from service.payloads import PayloadInvalid
from service.rendering.values import GLOBALS

_NOT_DATA = {"loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace", *GLOBALS}


def infer_schema(variables: Iterable[str], iterated: Iterable[str] = (), title: str = "") -> dict[str, Any]:
    """A JSON Schema for the paths a template reads: strings by default, arrays where the template loops
    (`rows[].name` → an array of objects with `name`), objects where it reads `.attr`."""
    tree: dict[str, Any] = {}
    loops = set(iterated)
    for path in sorted(set(variables)):
        if path.split(".")[0].rstrip("[]") in _NOT_DATA:
            continue
        node = tree
        for segment in path.split("."):
            name, depth = segment.rstrip("[]"), segment.count("[]")
            child = node.setdefault(name, {"depth": 0, "children": {}})
            child["depth"] = max(child["depth"], depth)
            node = child["children"]
    for path in loops:
        node = tree
        for segment in path.split("."):
            name = segment.rstrip("[]")
            if name not in node:
                break
            if segment == path.split(".")[-1]:
                node[name]["depth"] = max(node[name]["depth"], 1)
            node = node[name]["children"]
    schema: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema", **_object(tree)}
    if title:
        schema["title"] = title
    return schema


def _object(children: dict[str, Any]) -> dict[str, Any]:
    properties = {}
    for name, node in children.items():
        leaf: dict[str, Any] = _object(node["children"]) if node["children"] else {"type": "string"}
        for _ in range(node["depth"]):
            leaf = {"type": "array", "items": leaf}
        properties[name] = leaf
    return {"type": "object", "properties": properties, "required": sorted(properties)}


def sample_from_schema(schema: dict[str, Any], name: str = "") -> Any:
    """Data that satisfies the schema: its own examples and defaults first, else a placeholder per type."""
    for key in ("examples", "default"):
        if key in schema:
            value = schema[key]
            return value[0] if key == "examples" and isinstance(value, list) and value else value
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object" or "properties" in schema:
        return {k: sample_from_schema(v, k) for k, v in (schema.get("properties") or {}).items()}
    if kind == "array":
        items: dict[str, Any] = schema["items"] if isinstance(schema.get("items"), dict) else {}
        count = max(2, int(schema.get("minItems", 0)))
        return [sample_from_schema(items, name) for _ in range(count)]
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    return f"示例{name}" if name else "示例"


def check_schema(schema: Any) -> str | None:
    """Why `schema` is not a usable JSON Schema, or None."""
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
    from jsonschema.exceptions import SchemaError  # type: ignore[import-untyped]

    if not isinstance(schema, dict):
        return "Schema 必须是 JSON 对象。"
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return f"Schema 不是合法的 JSON Schema：{exc.message}"
    return None


def validate_against(schema: dict[str, Any], payload: Any) -> None:
    """Raise `PayloadInvalid` with every problem of `payload` against `schema`."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema)
    errors = []
    for error in sorted(validator.iter_errors(payload), key=lambda e: list(e.absolute_path)):
        loc = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        title = error.schema.get("title", "") if isinstance(error.schema, dict) else ""
        label = title or (str(error.absolute_path[-1]) if error.absolute_path else "数据")
        errors.append(FieldError(loc=loc, label=label, code=f"schema_{error.validator}", message=_message(error)))
    if errors:
        raise PayloadInvalid(errors)


def _message(error: Any) -> str:
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return f"缺少必填字段 {missing}"
    if kind == "type":
        return f"类型不正确，应为 {error.validator_value}"
    if kind == "enum":
        return f"取值应为以下之一：{'、'.join(map(str, error.validator_value))}"
    if kind in ("maxLength", "minLength", "maxItems", "minItems", "maximum", "minimum"):
        return f"超出范围（{kind} = {error.validator_value}）"
    return f"不符合 Schema（{kind}）"
