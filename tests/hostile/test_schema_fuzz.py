"""Property-based fuzzing of every template's validate → render (→ convert) path from its published JSON Schema.

Payloads are drawn from the schema (hypothesis-jsonschema), then some of their strings and numbers are replaced by
hostile values: control, format, bidi and zero-width characters, lone surrogates, huge and negative-zero numbers,
deep nesting. Every payload goes in as JSON text, as a client sends it. Whatever comes in, the outcome is a
result or a coded, Chinese error of kind invalid/limit: no other exception, a .docx whose XML parses, a download
name that shows what it is. A few valid cases are converted by the real LibreOffice pool.

Profiles (`DOCGEN_FUZZ_PROFILE`): `fast` (the default, in `make test`: a few examples per template) and `long`
(`make fuzz`).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from lxml import etree

from service.api.dependencies import download_name
from service.conversion import ConversionPool
from service.errors import DocgenError, ErrorKind
from service.payloads.json_input import JsonInputError, load_json
from service.rendering import list_templates, render, validate
from service.rendering.export_schemas import schema_document

settings.register_profile(
    "fast",
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile("long", max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
PROFILE = os.environ.get("DOCGEN_FUZZ_PROFILE", "fast")
CONVERSIONS = {"fast": 1, "long": 10}[PROFILE]
TEMPLATES = [spec for spec in list_templates() if spec.model is not None]

HOSTILE_CHARS = [
    "\x00", "\x07", "\x1b", "\x7f", "\x85", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",
    "\u2028", "\u2029", "\u3164", "\ud800", "\udfff", "\ufffe", "\U000e0041", "\r", "\t", "\n", "申", "A", " ",
]  # fmt: skip
hostile_text = st.lists(st.sampled_from(HOSTILE_CHARS), min_size=0, max_size=12).map("".join)
hostile_numbers = st.sampled_from([-0.0, 10**40, -(10**40), 1e308, -1e308, 1e-320, 2**63, 0.005, -0.004])


def schema_strategy(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Objects, arrays, unions and references walked here; every leaf (string, number, enum …) drawn by
    hypothesis-jsonschema. Its own object strategy uses a Hypothesis internal (`many.more`) that Hypothesis 6.170
    no longer has, so objects are built with `fixed_dictionaries` (required keys always, the others optional)."""
    if "$ref" in schema:
        return st.deferred(lambda: schema_strategy(defs[schema["$ref"].rsplit("/", 1)[1]], defs))
    for union in ("anyOf", "oneOf"):
        if union in schema:
            return st.one_of([schema_strategy(option, defs) for option in schema[union]])
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return schema_strategy(schema["allOf"][0], defs)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        required = set(schema.get("required", ()))
        return st.fixed_dictionaries(
            {k: schema_strategy(v, defs) for k, v in props.items() if k in required},
            optional={k: schema_strategy(v, defs) for k, v in props.items() if k not in required},
        )
    if kind == "array":
        items = schema_strategy(schema.get("items", {}), defs)
        low = schema.get("minItems", 0)
        return st.lists(items, min_size=low, max_size=min(schema.get("maxItems", low + 3), low + 3))
    leaf = {k: v for k, v in schema.items() if k not in ("title", "description", "examples", "default")}
    return from_schema(leaf) if leaf else st.none()


def _deep(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def hostile(draw: st.DrawFn, value: Any) -> Any:
    """The value with some strings, numbers and containers replaced by hostile ones."""
    if isinstance(value, str):
        choice = draw(st.integers(0, 3))
        if choice == 0:
            return draw(hostile_text)
        if choice == 1:
            return value + draw(hostile_text)
        return value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return draw(hostile_numbers) if draw(st.integers(0, 4)) == 0 else value
    if isinstance(value, list):
        return [draw(hostile(v)) for v in value]
    if isinstance(value, dict):
        out = {k: draw(hostile(v)) for k, v in value.items()}
        if out and draw(st.integers(0, 9)) == 0:
            out[draw(st.sampled_from(sorted(out)))] = _deep(draw(st.sampled_from([10, 70, 400])))
        return out
    return value


def as_client_sends(payload: Any) -> str:
    """JSON text; lone surrogates escaped as \\udXXX (what a client's JSON encoder writes)."""
    return json.dumps(payload, ensure_ascii=True)


def check_docx(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        for name in zf.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                etree.fromstring(zf.read(name))  # raises on any XML the payload broke


converted: dict[str, int] = {}


def run_pipeline(template_id: str, text: str, pool: ConversionPool | None) -> str:
    """validate → render (→ convert); returns the outcome's name. Any unexpected exception fails the test."""
    try:
        payload = load_json(text, "请求体")
    except JsonInputError as exc:
        assert exc.kind is ErrorKind.INVALID and not exc.message.isascii()
        return exc.code
    try:
        validated = validate(template_id, payload)
    except DocgenError as exc:
        assert exc.kind in (ErrorKind.INVALID, ErrorKind.LIMIT), exc
        assert not exc.message.isascii()
        ascii_messages = [e for e in exc.errors if e.message.isascii()]
        assert not ascii_messages, ascii_messages
        return exc.code
    docx = render(template_id, validated)
    check_docx(docx)
    name = download_name("文档", validated.model.applicant_name(), "docx")
    assert name.isprintable(), repr(name)
    if pool is not None and converted.get(template_id, 0) < CONVERSIONS:
        converted[template_id] = converted.get(template_id, 0) + 1
        pdf = pool.convert(docx)
        assert pdf.startswith(b"%PDF")
    return "rendered"


@pytest.mark.parametrize("spec", TEMPLATES, ids=[s.id for s in TEMPLATES])
def test_schema_fuzz(spec: Any, converter: ConversionPool) -> None:
    schema = schema_document(spec)
    strategy = schema_strategy(schema, schema.get("$defs", {}))
    outcomes: dict[str, int] = {}

    @settings(settings.get_profile(PROFILE))
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        payload = data.draw(strategy, label="payload")
        mutated = data.draw(hostile(payload), label="hostile")
        for text in {as_client_sends(payload), as_client_sends(mutated)}:
            outcome = run_pipeline(spec.id, text, converter)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1

    run()
    print(f"{spec.id}: {outcomes}")
    assert outcomes
