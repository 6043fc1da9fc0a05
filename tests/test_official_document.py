"""official_document: the GB/T 9704-2012 layout facts readable from the .docx, the body's heading levels, the
signature block, the composition with attachments and forwarded documents, and validation."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm

from service.payloads import PayloadInvalid
from service.rendering import list_templates, render, validate
from service.rendering.compose import attachment_lines, attachment_mark_paragraphs, is_attachment_mark
from service.rendering.docx_merge import DocumentMerger, save_deterministic
from word_templates.build import kit

ROOT = Path(__file__).resolve().parents[1]
GD = json.loads((ROOT / "samples" / "gd_forwarding_notice.json").read_text(encoding="utf-8"))
LETTER = json.loads((ROOT / "samples" / "city_recommendation_letter.json").read_text(encoding="utf-8"))


def small_notice(**over) -> dict:
    base = {
        "issuer_mark": "广州市工业和信息化局",
        "document_number": "穗工信函〔2026〕7号",
        "title": "关于测试排版的通知",
        "addressees": "各区工业和信息化主管部门",
        "body": [
            {"text": "开头段落。"},
            {"level": 1, "heading": "第一部分"},
            {"level": 2, "heading": "小节甲。", "text": "小节甲的正文。"},
            {"level": 3, "heading": "条目"},
            {"level": 4, "heading": "细目", "text": "细目正文。"},
            {"level": 2, "heading": "小节乙"},
            {"level": 1, "heading": "第二部分"},
            {"level": 2, "heading": "又一小节"},
            {"lead": "一是", "text": "强调的段落。"},
        ],
        "signature": "广州市工业和信息化局",
        "date": "2026-03-25",
        "note": "联系人：李四，电话：020-12345678",
        "disclosure": "主动公开",
    }
    base.update(over)
    return base


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def paragraph(document, text: str):
    return next(p for p in document.paragraphs if p.text == text)


def style_chain(style):
    while style is not None:
        yield style
        style = style.base_style


def effective_east_asia(document, p) -> tuple[str | None, float | None]:
    """East Asian face and size (pt) of a paragraph's first run: run, then paragraph style chain, then defaults."""
    run = next(r for r in p.runs if r.text)
    face = size = None
    rpr = run._r.rPr
    if rpr is not None and rpr.rFonts is not None:
        face = rpr.rFonts.get(qn("w:eastAsia"))
    if run.font.size is not None:
        size = run.font.size.pt
    for style in style_chain(p.style):
        rpr = style.element.rPr
        if face is None and rpr is not None and rpr.rFonts is not None:
            face = rpr.rFonts.get(qn("w:eastAsia"))
        if size is None and style.font.size is not None:
            size = style.font.size.pt
    return face, size


def first_line_chars(p) -> str | None:
    for element in [p._p.pPr, *[s.element.pPr for s in style_chain(p.style)]]:
        ind = None if element is None else element.find(qn("w:ind"))
        if ind is not None and ind.get(qn("w:firstLineChars")) is not None:
            return ind.get(qn("w:firstLineChars"))
    return None


@pytest.fixture(scope="module")
def notice() -> docx.document.Document:
    return open_docx(render("official_document", small_notice()))


# --- GB/T 9704 page -----------------------------------------------------------------------------------------------


def test_page_is_a4_with_the_standard_margins_and_line_grid(notice):
    sect = notice.sections[0]._sectPr
    size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    assert (size.get(qn("w:w")), size.get(qn("w:h"))) == ("11906", "16838")  # A4
    assert {k: margins.get(qn(f"w:{k}")) for k in ("top", "bottom", "left", "right")} == {
        "top": "2098",
        "bottom": "1984",
        "left": "1588",
        "right": "1474",  # 37 / 35 / 28 (订口) / 26 mm
    }
    # the page number's dash 7 mm below the type area: measured on the PDF in test_official_document_layout.py
    assert int(margins.get(qn("w:footer"))) < Mm(28).twips
    grid = sect.find(qn("w:docGrid"))
    assert (grid.get(qn("w:type")), grid.get(qn("w:linePitch"))) == ("lines", "579")  # 28.95 pt, 22 lines
    # printed on both sides: the 28 mm margin is the binding side on every page
    assert notice.settings.element.find(qn("w:mirrorMargins")) is not None


def test_body_paragraphs_are_fangsong_16pt_with_a_two_character_indent(notice):
    for text in ("开头段落。", "（联系人：李四，电话：020-12345678）"):
        p = paragraph(notice, text)
        assert effective_east_asia(notice, p) == ("仿宋_GB2312", 16.0), text
        assert first_line_chars(p) == "200", text
    normal = notice.styles["Normal"].element.rPr
    assert normal.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.rFonts.get(qn("w:ascii")) == "Times New Roman"


def test_issuer_mark_and_rule_are_red(notice):
    mark = paragraph(notice, "广州市工业和信息化局")
    run = mark.runs[0]
    assert str(run.font.color.rgb) == "FF0000"
    assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert mark.alignment == 1  # centred
    body = notice.element.body
    rules = [b for b in body.iter(qn("w:bottom")) if b.getparent().tag == qn("w:pBdr")]
    assert rules and rules[0].get(qn("w:color")) == "FF0000"
    # the rule follows the 发文字号, which is centred and holds the year in 〔〕
    number = paragraph(notice, "穗工信函〔2026〕7号")
    assert number.alignment == 1
    following = number._p.getnext()
    assert following.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}") is not None


def test_title_and_addressee(notice):
    title = paragraph(notice, "关于测试排版的通知")
    assert title.style.name == "Title"
    assert effective_east_asia(notice, title) == ("方正小标宋简体", 22.0)  # 二号小标宋
    addressee = paragraph(notice, "各区工业和信息化主管部门：")
    assert first_line_chars(addressee) == "0"  # flush left, full-width colon added


def test_page_numbers_odd_right_even_left(notice):
    settings = notice.settings.element
    assert settings.find(qn("w:evenAndOddHeaders")) is not None
    sect = notice.sections[0]
    for footer, align in ((sect.footer, 2), (sect.even_page_footer, 0)):  # right, left
        p = footer.paragraphs[0]
        assert p.alignment == align
        field = p._p.find(qn("w:fldSimple"))
        assert field.get(qn("w:instr")).strip() == "PAGE"
        assert "".join(t.text for t in p._p.iter(qn("w:t"))) == "— 1 —"  # em dashes around the PAGE field
        fonts = p.runs[0]._r.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == "宋体" and p.runs[0].font.size.pt == 14  # 四号宋体


# --- Body: heading levels -------------------------------------------------------------------------------------------


def test_headings_are_numbered_by_level_in_their_faces(notice):
    lines = texts(notice)
    start = lines.index("开头段落。")
    assert lines[start : start + 9] == [
        "开头段落。",
        "一、第一部分",
        "（一）小节甲。小节甲的正文。",
        "1.条目",
        "（1）细目细目正文。",
        "（二）小节乙",
        "二、第二部分",
        "（一）又一小节",
        "一是强调的段落。",
    ]
    assert paragraph(notice, "一、第一部分").style.name == "Heading 1"
    assert effective_east_asia(notice, paragraph(notice, "一、第一部分"))[0] == "黑体"
    assert effective_east_asia(notice, paragraph(notice, "（二）小节乙"))[0] == "楷体_GB2312"
    run_in = paragraph(notice, "（一）小节甲。小节甲的正文。")
    heading_run, text_run = [r for r in run_in.runs if r.text]
    assert heading_run.text == "（一）小节甲。" and heading_run._r.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    assert text_run.text == "小节甲的正文。" and effective_east_asia(notice, run_in)[0] == "楷体_GB2312"
    assert text_run._r.rPr is None or text_run._r.rPr.rFonts is None  # body face from the style
    assert effective_east_asia(notice, paragraph(notice, "1.条目"))[0] == "仿宋_GB2312"
    lead = paragraph(notice, "一是强调的段落。")
    assert lead.runs[0].text == "一是" and lead.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"


# --- Closing: 附件说明, signature, date, 附注, 公开方式 ---------------------------------------------------------


def _ind(p) -> dict[str, str]:
    ind = p._p.pPr.find(qn("w:ind"))
    return {k.split("}")[1]: v for k, v in ind.attrib.items()}


def test_signature_with_seal_date_four_characters_in_and_name_centred_over_it(notice):
    date = paragraph(notice, "2026年3月25日")  # Arabic numerals, no leading zeros
    name = docx.text.paragraph.Paragraph(date._p.getprevious(), date._parent)
    assert name.text == "广州市工业和信息化局"
    assert date.alignment == name.alignment == 2
    assert _ind(date)["rightChars"] == "400"
    # centred over the date: (width of date 6.5 − width of name 10) / 2 + 4 = 2.25 characters
    assert _ind(name)["rightChars"] == "225"
    note = docx.text.paragraph.Paragraph(date._p.getnext(), date._parent)
    assert note.text == "（联系人：李四，电话：020-12345678）"
    assert first_line_chars(note) == "200"
    assert texts(notice)[-1] == "公开方式：主动公开"


def test_signature_without_seal():
    document = open_docx(render("official_document", small_notice(with_seal=False, disclosure=None)))
    date = paragraph(document, "2026年3月25日")
    name = docx.text.paragraph.Paragraph(date._p.getprevious(), date._parent)
    assert _ind(name)["rightChars"] == "200"  # 署名 two characters in from the right
    # the date's first character two characters right of the 署名's: 2 + 10 − 2 − 6.5 = 3.5
    assert _ind(date)["rightChars"] == "350"


def test_composer_sets_sizes_and_indents_the_schema_valid_template_leaves_as_defaults():
    """The template holds plain numbers where the layout depends on the text (no Jinja inside numeric
    attributes); the composer writes the computed values into the rendered notice and drops its anchors."""
    template = (kit.TEMPLATES_DIR / "official_document.docx").read_bytes()
    xml = zipfile.ZipFile(io.BytesIO(template)).read("word/document.xml").decode()
    assert '="{{' not in xml and '="{%' not in xml
    long_mark = "中华人民共和国工业和信息化部办公厅与国家发展和改革委员会办公厅"  # wider than 156 mm at 初号
    blocks = [{"text": "内容。"}]
    attachments = [{"title": "甲表", "blocks": blocks}, {"title": "乙表", "blocks": blocks}]
    payload = small_notice(issuer_mark=long_mark, with_seal=False, attachments=attachments)
    data = render("official_document", payload)
    document = open_docx(data)
    mark = next(p for p in document.paragraphs if p.text == long_mark)
    size = int(mark.runs[0]._r.rPr.find(qn("w:sz")).get(qn("w:val")))
    assert size < 84 and size == int(mark.runs[0]._r.rPr.find(qn("w:szCs")).get(qn("w:val")))
    assert int(mark._p.pPr.find(qn("w:spacing")).get(qn("w:line"))) == size * 10
    first, second = paragraph(document, "附件：1.甲表"), paragraph(document, "2.乙表")
    assert (_ind(first)["leftChars"], _ind(first)["hangingChars"], _ind(first)["hanging"]) == ("600", "400", "1280")
    assert (_ind(second)["leftChars"], _ind(second)["hangingChars"], _ind(second)["hanging"]) == ("600", "100", "320")
    date = paragraph(document, "2026年3月25日")
    assert (_ind(date)["rightChars"], _ind(date)["right"]) == ("350", "1120")
    names = [b.get(qn("w:name")) for b in document.element.body.iter(qn("w:bookmarkStart"))]
    assert not [n for n in names if n and n.startswith("_layout_")]


def test_attachment_note_hangs_under_the_first_item():
    lines = attachment_lines(["甲表", "乙表"])
    assert [line.text for line in lines] == ["附件：1.甲表", "2.乙表"]
    assert (lines[0].left_chars, lines[0].hanging_chars) == (600, 400)  # "附件：1." hangs from column 6
    assert (lines[1].left_chars, lines[1].hanging_chars) == (600, 100)
    single = attachment_lines(["甲表"])
    assert [line.text for line in single] == ["附件：甲表"]


# --- Composition ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def letter() -> docx.document.Document:
    return open_docx(render("official_document", LETTER))


def _sections(document):
    return [s for s in document.element.body.iter(qn("w:sectPr"))]


def test_attachment_starts_on_a_new_page_with_its_mark_and_title_on_line_three(letter):
    body = list(letter.element.body)
    mark = next(p for p in letter.paragraphs if p.text == "附件")  # the only attachment: no number
    index = body.index(mark._p)
    previous = body[index - 1]
    assert previous.find(f"{qn('w:pPr')}/{qn('w:sectPr')}/{qn('w:type')}").get(qn("w:val")) == "nextPage"
    run = mark.runs[0]
    assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体" and run.font.size.pt == 16
    assert first_line_chars(mark) == "0"
    line2 = docx.text.paragraph.Paragraph(body[index + 1], mark._parent)
    line3 = docx.text.paragraph.Paragraph(body[index + 2], mark._parent)
    assert line2.text == ""
    # the summary's own Title style (its line spacing differs from the notice's): copied under a new id
    assert line3.text == "广州市国家新兴产业发展示范基地创建对象推荐汇总表" and line3.style.name.startswith("Title")
    assert "附件：广州市国家新兴产业发展示范基地创建对象推荐汇总表" in texts(letter)


def test_the_attached_table_is_filled_from_its_payload(letter):
    rows = [[c.text for c in r.cells] for t in letter.tables for r in t.rows]
    assert ["1", "广州云湾科技园区管理委员会", "广州云湾人工智能产业园", "园区", "人工智能", "园中园形式申报"] in rows


def test_page_numbers_continue_through_every_section(letter):
    sections = _sections(letter)
    assert len(sections) >= 2
    refs = [
        sorted(
            (r.get(qn("w:type")), r.get(qn("r:id")))
            for r in s.iter(qn("w:footerReference"))
            if r.get(qn("w:type")) != "first"
        )
        for s in sections
    ]
    assert all(r == refs[0] for r in refs) and {t for t, _ in refs[0]} == {"default", "even"}
    # the letter's own first page (信函格式) has a footer without a page number; no appended section has one
    assert all(s.find(qn("w:titlePg")) is None for s in sections[1:])
    for s in sections:
        numbering = s.find(qn("w:pgNumType"))
        assert numbering is None or numbering.get(qn("w:start")) is None


def test_disclosure_moves_after_the_attachments(letter):
    assert texts(letter)[-1] == "公开方式：依申请公开"
    assert texts(letter)[-2] == "注：请按推荐优先级排序，园区类和企业类分别单独列表。"


def test_forwarded_document_follows_the_text_before_the_own_attachments():
    lines = texts(open_docx(render("official_document", GD)))
    order = [
        lines.index("（联系人：潜文字，电话：020-83133421）"),
        lines.index("工业和信息化部办公厅"),
        lines.index("工信厅规函〔2026〕101号"),
        lines.index("附件1"),
        lines.index("附件5"),
        lines.index("××市国家新兴产业发展示范基地创建对象推荐汇总表"),
        lines.index("参会回执"),
        lines.index("公开方式：主动公开"),
    ]
    assert order == sorted(order)
    assert lines.count("附件1") == 2 and lines.count("附件2") == 2  # the MIIT notice's and the province's own
    # the forwarded notice lost its signature page: no 署名 or 成文日期 is invented for it
    forwarded = lines[lines.index("工信厅规函〔2026〕101号") : lines.index("附件1")]
    assert forwarded[-1] == "（此页无正文）"
    assert not any(line.endswith("日") and line.startswith("20") for line in forwarded)


def test_attachment_keeps_its_own_section_properties_and_styles():
    master = open_docx(render("official_document", small_notice(disclosure=None)))
    landscape = kit.new_document(body_size=kit.SIZE["小四"])
    section = landscape.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    kit.paragraph(landscape, "横排的附件正文")
    kit.new_section(landscape)  # restarts its numbering: the composer must not
    kit.paragraph(landscape, "第二节")
    DocumentMerger(master).append(landscape)
    data = save_deterministic(master, {"title": "t"})
    document = open_docx(data)
    sections = document.sections
    assert sections[0].orientation == WD_ORIENT.PORTRAIT
    assert sections[1].orientation == WD_ORIENT.LANDSCAPE and round(sections[1].page_width.mm) == 297
    for sect in _sections(document):
        numbering = sect.find(qn("w:pgNumType"))
        assert numbering is None or numbering.get(qn("w:start")) is None
    p = paragraph(document, "横排的附件正文")
    assert p.style.name != "Normal" and p.style.font.size.pt == 12  # its own 小四 Normal, under a new id
    assert document.styles["Normal"].font.size.pt == 16  # the notice's Normal untouched


@pytest.mark.parametrize("spec", [s for s in list_templates() if s.composer is None], ids=lambda s: s.id)
def test_every_form_can_be_attached(spec):
    """The composer keeps an attachment's look only when its document defaults match the notice's (all templates
    come from the kit): a template that drifts is caught here, not by a failing render."""
    master = open_docx(render("official_document", small_notice()))
    DocumentMerger(master).append(
        open_docx(render(spec.id, blank=True)), lead=attachment_mark_paragraphs("附件1"), drop_first=is_attachment_mark
    )
    assert "附件1" in texts(master)


def test_same_input_same_bytes():
    assert render("official_document", LETTER) == render("official_document", LETTER)
    names = zipfile.ZipFile(io.BytesIO(render("official_document", LETTER))).infolist()
    assert {info.date_time for info in names} == {(1980, 1, 1, 0, 0, 0)}


def test_blank_official_document_renders_the_layout():
    document = open_docx(render("official_document", blank=True))
    assert round(document.sections[0].page_width.mm) == 210
    assert any(b.get(qn("w:color")) == "FF0000" for b in document.element.body.iter(qn("w:bottom")))


# --- Validation ----------------------------------------------------------------------------------------------------


def errors(payload: dict) -> list:
    with pytest.raises(PayloadInvalid) as info:
        validate("official_document", payload)
    return info.value.errors


@pytest.mark.parametrize(
    ("number", "suggestion"),
    [("工信厅规函[2026]101号", "工信厅规函〔2026〕101号"), ("穗工信函（2026）007号", "穗工信函〔2026〕7号")],
)
def test_document_number_shape(number, suggestion):
    (error,) = errors(small_notice(document_number=number))
    assert (error.loc, error.code, error.label) == ("$.document_number", "document_number_format", "发文字号")
    assert suggestion in error.message


def test_headings_must_not_carry_their_own_numbers():
    (error,) = errors(small_notice(body=[{"level": 1, "heading": "一、申报对象"}]))
    assert (error.loc, error.code) == ("$.body[0].heading", "heading_numbered")
    assert error.label == "正文 / 第 1 行 / 标题" and "自动编排" in error.message


def test_block_and_attachment_rules():
    found = errors(
        small_notice(
            body=[{"level": 0}, {"level": 2, "text": "无标题"}],
            attachments=[
                {"blocks": [{"text": "x"}]},
                {"title": "甲", "document": {"template_id": "nope"}},
                {"title": "乙"},
            ],
            attachment_list=["甲", "乙"],
            date="2026-02-30",
        )
    )
    assert {(e.loc, e.code) for e in found} == {("$.date", "date_invalid")}  # parse errors first
    found = {
        (e.loc, e.code)
        for e in errors(
            small_notice(
                body=[{"level": 0}, {"level": 2, "text": "无标题"}],
                attachments=[
                    {"blocks": [{"text": "x"}]},
                    {"title": "甲", "document": {"template_id": "nope"}},
                    {"title": "乙"},
                ],
                attachment_list=["甲", "乙"],
            )
        )
    }
    assert found == {
        ("$.body[0].text", "required"),
        ("$.body[1].heading", "required"),
        ("$.attachments[0].title", "required"),
        ("$.attachments[1].document.template_id", "unknown_template"),
        ("$.attachments[2]", "attachment_kind"),
        ("$.attachment_list", "attachment_list_mismatch"),
    }


def test_errors_inside_an_attached_document_point_into_its_payload():
    payload = copy.deepcopy(LETTER)
    rows = payload["attachments"][0]["document"]["payload"]["rows"]
    rows[1]["priority"] = rows[0]["priority"]  # two parks with priority 2
    rows[2]["creation_field"] = "元宇宙"
    found = {e.loc: e for e in errors(payload)}
    prefix = "$.attachments[0].document.payload.rows"
    assert found[f"{prefix}[2].creation_field"].code == "creation_field_invalid"
    assert "申报创建领域" in found[f"{prefix}[2].creation_field"].message
    payload["attachments"][0]["document"]["payload"]["rows"][2]["creation_field"] = "生物制造"
    (error,) = errors(payload)
    assert error.loc == f"{prefix}[1].priority" and error.code == "priority_duplicate"
    assert "推荐对象 / 第 2 行 / 推荐优先级（序号）" in error.message


def test_signature_required_on_the_notice_but_not_on_a_forwarded_copy():
    payload = small_notice()
    del payload["signature"]
    assert [(e.loc, e.code) for e in errors(payload)] == [("$.signature", "required")]
    assert GD["forwarded"][0].get("signature") is None
    validate("official_document", GD)
