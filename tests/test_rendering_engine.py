"""The prepared-template engine: escaping, sanitising, formats, blank forms, caching, determinism."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace as NS

import docx
import pytest

from service.rendering.engine import PreparedTemplate, TemplateCache, TemplateRenderError
from service.rendering.values import BLANK
from word_templates.build.kit import C, narrative_paragraphs, new_document, paragraph, save_deterministic, table


@pytest.fixture(scope="module")
def template_path(tmp_path_factory) -> Path:
    doc = new_document(title="测试")
    paragraph(doc, "名称：{{ p.name }}")
    paragraph(doc, "金额：{{ p.amount }}；占比：{{ p.share|percent }}；人数：{{ p.people }}；日期：{{ p.day }}")
    paragraph(doc, "填报日期：{{ p.day|date_cn }}")
    paragraph(doc, "{{ checkbox(p.kind == '国有') }}国有 {{ checkbox(p.kind == '民营') }}民营")
    table(
        doc,
        [40, 40],
        [
            [C("企业名称", kind="header"), C("营业收入", kind="header")],
            "{%tr for e in p.rows|rows(3) %}",
            [C("{{ e.name }}", kind="value"), C("{{ e.revenue|amount }}", kind="value")],
            "{%tr endfor %}",
        ],
        header_rows=1,
    )
    narrative_paragraphs(doc, "p.text", style="Body Text Indent 2 Chars")
    path = tmp_path_factory.mktemp("tpl") / "t.docx"
    save_deterministic(doc, path)
    return path


def payload(**over):
    base = dict(
        name="园区",
        amount=Decimal("12.5"),
        share=Decimal("33.333"),
        people=120,
        day=dt.date(2026, 3, 5),
        kind="民营",
        rows=[NS(name="甲", revenue=Decimal("3")), NS(name="乙", revenue=1.005)],
        text="第一段\n\n  第二段  \n",
    )
    base.update(over)
    return NS(**base)


def texts(data: bytes) -> tuple[list[str], list[list[str]]]:
    d = docx.Document(io.BytesIO(data))
    return [p.text for p in d.paragraphs], [[c.text for c in r.cells] for t in d.tables for r in t.rows]


def test_values_are_formatted_consistently(template_path):
    paras, cells = texts(PreparedTemplate.from_path(template_path).render({"p": payload()}))
    assert "金额：12.50；占比：33.33；人数：120；日期：2026年3月5日" in paras
    assert "填报日期：2026年3月5日" in paras
    assert "☐国有 ☑民营" in paras
    assert cells[1:] == [["甲", "3.00"], ["乙", "1.01"]]
    assert paras[-2:] == ["第一段", "第二段"]


def test_user_text_is_escaped_sanitised_and_never_evaluated(template_path):
    nasty = "A&B <w:p> {{ 7*7 }} {% if x %}\x00\x0b\ud800\ufffe\"'"
    paras, _ = texts(PreparedTemplate.from_path(template_path).render({"p": payload(name=nasty)}))
    assert "名称：A&B <w:p> {{ 7*7 }} {% if x %}\"'" in paras


def test_newline_in_a_value_is_a_line_break(template_path):
    out = PreparedTemplate.from_path(template_path).render({"p": payload(name="一行\n二行")})
    d = docx.Document(io.BytesIO(out))
    assert d.paragraphs[0].text == "名称：一行\n二行"
    assert b"<w:br/>" in __import__("zipfile").ZipFile(io.BytesIO(out)).read("word/document.xml")


def test_blank_render_gives_empty_cells_and_rows(template_path):
    paras, cells = texts(PreparedTemplate.from_path(template_path).render({"p": BLANK, "blank": True}))
    assert "名称：" in paras
    assert "☐国有 ☐民营" in paras
    assert any(p.startswith("填报日期：") and p.endswith("年    月    日") for p in paras)
    assert cells == [["企业名称", "营业收入"], ["", ""], ["", ""], ["", ""]]


def test_same_input_same_bytes(template_path):
    t = PreparedTemplate.from_path(template_path)
    assert t.render({"p": payload()}) == t.render({"p": payload()})
    assert t.render({"p": payload()}) != t.render({"p": payload(name="别的")})


def test_core_properties_are_set(template_path):
    props = {"dc:creator": "某<公司>", "dc:title": "T"}
    out = PreparedTemplate.from_path(template_path).render({"p": payload()}, props)
    props = docx.Document(io.BytesIO(out)).core_properties
    assert (props.author, props.title) == ("某<公司>", "T")


def test_cache_reprepares_a_changed_file(template_path, tmp_path):
    copy = tmp_path / "c.docx"
    copy.write_bytes(template_path.read_bytes())
    cache = TemplateCache()
    first = cache.get(copy)
    assert cache.get(copy) is first
    doc = new_document()
    paragraph(doc, "新模板 {{ p.name }}")
    save_deterministic(doc, copy)
    second = cache.get(copy)
    assert second is not first and second.version != first.version


def test_broken_template_is_a_template_error(tmp_path):
    doc = new_document()
    paragraph(doc, "{{ p.missing_field }}")
    path = tmp_path / "b.docx"
    save_deterministic(doc, path)
    with pytest.raises(Exception):  # noqa: B017 - StrictUndefined: a template naming an unknown field fails loudly
        PreparedTemplate.from_path(path).render({"p": NS()})
    with pytest.raises(TemplateRenderError):
        TemplateCache().get(tmp_path / "absent.docx")


def test_quotes_escaped_by_an_office_suite_inside_tags_still_compile(template_path, tmp_path):
    # LibreOffice writes ' and " in text as &apos; / &quot; when it re-saves a document.
    import zipfile

    src = zipfile.ZipFile(template_path)
    resaved = tmp_path / "resaved.docx"
    with zipfile.ZipFile(resaved, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace("'国有'".encode(), "&apos;国有&apos;".encode()).replace(
                    "'民营'".encode(), "&quot;民营&quot;".encode()
                )
                assert b"&apos;" in data
            dst.writestr(info, data)
    paras, _ = texts(PreparedTemplate.from_path(resaved).render({"p": payload()}))
    assert "☐国有 ☑民营" in paras


def test_concurrent_renders_of_different_payloads_are_all_valid(template_path):
    # The prepared template is shared by threads (API, batch workers): no render may corrupt another.
    import zipfile
    from concurrent.futures import ThreadPoolExecutor

    t = PreparedTemplate.from_path(template_path)
    names = [f"园区{i}" * (i % 7 + 1) for i in range(60)]
    with ThreadPoolExecutor(4) as pool:
        outputs = list(pool.map(lambda n: t.render({"p": payload(name=n)}, {"dc:creator": n}), names))
    for name, out in zip(names, outputs, strict=True):
        assert zipfile.ZipFile(io.BytesIO(out)).testzip() is None
        assert f"名称：{name}" in texts(out)[0]
