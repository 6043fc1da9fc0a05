"""The one table of templates (service.rendering.catalog.CATALOG) and the views read from it.

The payload models see the table through service.payloads.registry; the template build through
`TemplateSpec.build`. These tests check that those views are the table, and that the table still says what the
API has always listed (ids, order, titles).
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from service.payloads import FormPayload, registry
from service.rendering import PayloadInvalid, validate
from service.rendering.catalog import CATALOG, TEMPLATE_IDS, get_template, list_templates

ROOT = Path(__file__).resolve().parents[1]


def test_catalog_ids_order_and_titles() -> None:
    assert [(spec.id, spec.title) for spec in list_templates()] == [
        ("park_application", "国家新兴产业发展示范基地创建申请书（示范园区）"),
        ("enterprise_application", "国家新兴产业发展示范基地创建申请书（示范企业）"),
        ("city_recommendation_summary", "国家新兴产业发展示范基地创建对象推荐汇总表（地市）"),
        ("province_recommendation_summary", "国家新兴产业发展示范基地创建对象推荐汇总表"),
        ("meeting_rsvp", "参会回执"),
        ("official_document", "公文（通知、函）"),
    ]
    assert TEMPLATE_IDS == tuple(CATALOG)
    assert all(issubclass(spec.model, FormPayload) for spec in list_templates())
    assert len({spec.model for spec in list_templates()}) == len(CATALOG)


def test_the_models_see_the_catalog_itself() -> None:
    assert registry.documents() is CATALOG
    for spec in list_templates():
        assert registry.document(spec.id) is spec
        assert registry.title_of(spec.id) == spec.title
        assert registry.DOCUMENT_TITLES[spec.id] == spec.title
    assert list(registry.DOCUMENT_TITLES) == list(TEMPLATE_IDS)
    assert registry.attachable_ids() == [spec.id for spec in list_templates() if spec.composer is None]
    assert "official_document" not in registry.attachable_ids()
    with pytest.raises(KeyError):
        registry.document("no_such_template")


def test_every_builder_names_a_function_of_the_template_build() -> None:
    for spec in list_templates():
        module, _, name = spec.builder.partition(":")
        assert module.startswith("word_templates.build."), spec.builder
        assert callable(getattr(importlib.import_module(module), name)), spec.builder
    assert len({spec.builder for spec in list_templates()}) == len(CATALOG)


def test_a_built_template_is_a_word_document(tmp_path: Path) -> None:
    out = tmp_path / "meeting_rsvp.docx"
    get_template("meeting_rsvp").build(out)
    assert out.read_bytes()[:2] == b"PK"


def test_a_composed_document_cannot_be_attached_to_a_notice() -> None:
    payload = json.loads((ROOT / "samples" / "official_document.json").read_text("utf-8"))
    payload["attachments"] = [{"document": {"template_id": "official_document", "blank": True}}]
    payload.pop("attachment_list", None)
    with pytest.raises(PayloadInvalid) as caught:
        validate("official_document", payload)
    messages = {(e.loc, e.code): e.message for e in caught.value.errors}
    message = messages.get(("$.attachments[0].document.template_id", "unknown_template"))
    assert message is not None, messages
    usable = message.partition("可用模板：")[2].split("、")
    assert usable == [spec.id for spec in list_templates() if spec.id != "official_document"]
