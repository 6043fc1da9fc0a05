"""Every form template of the catalog renders blank — in the library and with `docgen render ID --blank` — as
the official form: its tables, its labels as published in the seed, and empty value cells."""

from __future__ import annotations

import io
import json
import re

import docx
import pytest
from docx.oxml.ns import qn
from typer.testing import CliRunner

from service.cli import app
from service.rendering import list_templates, render
from tests.test_seed_reproduction import SEED, normalise

FORMS = [spec for spec in list_templates() if spec.composer is None]
# Text a blank form has that the seed's copy of the form has filled in.
SUMMARY_COLUMNS = ["序号", "申报单位名称", "园区/企业名称", "申报类别（园区/企业）", "申报创建领域"]
BLANK_ONLY = {"meeting_rsvp": {normalise("此表请于      年    月    日    时前通过            报            汇总")}}


def tokens(data: bytes) -> tuple[list[str], int]:
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    found = [normalise("".join(t.text or "" for t in p.iter(qn("w:t")))) for p in body.iter(qn("w:p"))]
    return [t for t in found if t], len(body.findall(f".//{qn('w:tbl')}"))


def sample_values(spec) -> set[str]:
    """The sample's own text values (names, addresses …) that are not words of the form itself."""
    if not spec.sample_path.exists():
        return set()
    seed = normalise(SEED.read_text(encoding="utf-8"))
    values: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str) and len(normalise(node)) >= 4 and normalise(node) not in seed:
            values.add(normalise(node))

    walk(json.loads(spec.sample_path.read_text(encoding="utf-8")))
    return values


def test_catalog_has_the_forms():
    ids = {spec.id for spec in FORMS}
    assert {"city_recommendation_summary", "province_recommendation_summary", "meeting_rsvp"} <= ids
    assert {"park_application", "enterprise_application"} <= ids


@pytest.mark.skipif(not SEED.exists(), reason="the seed is not available")
@pytest.mark.parametrize("spec", FORMS, ids=lambda s: s.id)
def test_blank_form_is_the_published_form(spec):
    found, tables = tokens(render(spec.id, blank=True))
    assert tables >= 1
    seed = normalise(SEED.read_text(encoding="utf-8"))
    foreign = [t for t in found if t not in seed and t not in BLANK_ONLY.get(spec.id, set())]
    assert not foreign, f"{spec.id} 空白表中有原表没有的文字：{foreign[:5]}"
    text = "".join(found)
    leaked = [v for v in sample_values(spec) if v in text]
    assert not leaked, f"{spec.id} 空白表中出现了示例数据：{leaked[:5]}"


@pytest.mark.parametrize(
    ("template_id", "labels"),
    [
        (
            "city_recommendation_summary",
            [
                "××市国家新兴产业发展示范基地创建对象推荐汇总表",
                "推荐单位（盖章）：",
                *SUMMARY_COLUMNS,
                "备注",
                "注：请按推荐优先级排序，园区类和企业类分别单独列表。",
            ],
        ),
        (
            "province_recommendation_summary",
            ["国家新兴产业发展示范基地创建对象推荐汇总表", "推荐单位（盖章）：", *SUMMARY_COLUMNS],
        ),
        ("meeting_rsvp", ["参会回执", "序号", "地市", "单位", "姓名", "电话", "参会形式（线上/线下）", "备注"]),
    ],
)
def test_blank_tables_have_every_label_and_empty_cells(template_id, labels):
    document = docx.Document(io.BytesIO(render(template_id, blank=True)))
    text = [normalise(p.text) for p in document.paragraphs] + [
        normalise(c.text) for t in document.tables for r in t.rows for c in r.cells
    ]
    for label in labels:
        wanted = normalise(label)
        assert any(wanted == t or (label.endswith("：") and t.startswith(wanted)) for t in text), label
    (table,) = document.tables
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "…"]
    assert all(not cell for r in rows[1:] for cell in r[1:])


@pytest.mark.parametrize("spec", FORMS, ids=lambda s: s.id)
def test_cli_renders_the_blank_form(spec, tmp_path):
    out = tmp_path / f"{spec.id}.docx"
    result = CliRunner().invoke(app, ["render", spec.id, "--blank", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == render(spec.id, blank=True)


def test_no_validation_applies_to_a_blank_render():
    # a blank render takes no payload at all, so nothing can fail validation
    data = render("city_recommendation_summary", blank=True)
    assert re.search(rb"word/document.xml", data)
