"""附件2 示范园区 申请书: the sample renders with every label of the seed form and every value in its table."""

from __future__ import annotations

import copy
import json
import zipfile
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace as NS

import pytest

from service.payloads.park import ParkApplication
from service.rendering import get_template, render, validate
from tests.docx_text import (
    cell_texts,
    find_table,
    open_docx,
    paragraphs,
    payload_mismatches,
    row_starting,
    seed_form_mismatches,
    table_rows,
    tables,
    text_paragraphs,
    unfilled_fields,
    value_after,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = json.loads((ROOT / "samples" / "park_application.json").read_text(encoding="utf-8"))

# Every row label, column header and section row of 附件2's table, in the seed's wording (clean full-width
# punctuation), in order.
TABLE_LABELS = [
    "园区基本信息",
    "园区名称",
    "园区地址",
    "批复设立日期",
    "批复单位",
    "管理机构",
    "负责人及职务",
    "联系人及职务",
    "联系电话",
    "总体情况",
    "规划面积（公顷）",
    "建成面积（公顷）",
    "近三年单位土地平均投资强度（万元/公顷）",
    "近三年单位土地平均产出（万元/公顷）",
    "近三年主要发展指标",
    "项目/年度",
    "2023 年",
    "2024 年",
    "2025 年",
    "近三年平均值",
    "总营业收入（亿元）",
    "总营业收入增长率（%）",
    "规模以上企业数量（个）",
    "年末从业人员数量（人）",
    "全员劳动生产率（万元/人）",
    "主导产业近三年发展情况（主导产业相关数据仅限于申报领域，下同）",
    "规模以上企业营业收入（亿元）",
    "占园区总营业收入比重（%）",
    "近三年规模以上企业营业收入增速（%）",
    "企业数量（个）",
    "科技和创新型中小企业数量（个）",
    "高新技术企业数量（个）",
    "专精特新中小企业数量（个）",
    "专精特新“小巨人”企业数量（个）",
    "制造业单项冠军企业数量（个）",
    "优质企业加权数量（个，同一企业不重复计算）",
    "主导产业营业收入排名前十的企业（按 2025 年末数据排名）",
    "企业名称",
    "营业收入（亿元）",
    "主营业务和主要产品",
    "近三年研发投入情况",
    "园区研发投入强度（%）",
    "主导产业研发投入（亿元）",
    "近三年主导产业研发投入强度（%）",
    "主导产业创新合作情况",
    "技术合同成交额（亿元）",
    "主导产业创新平台建设情况",
    "国家实验室数量（个）",
    "全国重点实验室数量（个）",
    "国家制造业创新中心数量（个）",
    "国家技术创新中心数量（个）",
    "国家新兴产业创新中心数量（个）",
    "国家产业技术工程化中心数量（个）",
    "国家重大科技基础设施数量（个）",
    "国家级制造业中试平台和工业和信息化部科技型孵化器数量（个）",
    "国家级创新平台加权数量（个，依托同一单位建设的不同平台或多家单位参与建设的同一平台不重复计算）",
    "主导产业创新成果产出情况（仅统计作为第一完成单位的专利）",
    "有效发明专利数量（件）",
    "其中，获得中国专利奖金奖数量（件）",
    "其中，获得中国专利奖银奖数量（件）",
    "有效发明专利加权数量（件，同一专利不重复计算）",
    "主导产业融资情况",
    "融资额（亿元）",
    "主导产业人才队伍建设情况",
    "研究生学历人员数量（人）",
    "高级职称人员数量（人）",
    "高技能人才数量（人）",
    "从业人员总数量（人）",
    "主导产业高水平人才数量（高水平人才包括研究生学历人员、高级职称人员和高技能人才，同一人员不重复计算）",
    "主导产业高水平人才占比（%）",
    "主导产业数字化发展水平",
    "领航级智能工厂数量（个）",
    "卓越级智能工厂数量（个）",
    "先进级智能工厂数量（个）",
    "基础级智能工厂数量（个）",
    "智能工厂加权数量（个）",
    "智能工厂占比（%）",
    "主导产业产业政策情况",
    "主导产业公共服务水平情况",
    "申报单位：",
    "申报领域：",
    "推荐单位：",
    "填报日期：",
    "（盖章）",
    "推荐意见",
]
# Lines outside the tables, in the seed's order.
BODY_LINES = [
    "附件2",
    "国家新兴产业发展示范基地创建申请书",
    "（示范园区）",
    "工业和信息化部制",
    "一、基本情况",
    "二、创建工作方案（每部分不超过 2000 字）",
    "（一）发展基础",
    "主要包括园区整体发展情况、主导产业发展情况。",
    "（二）总体思路",
    "主要包括发展定位、创建目标和发展思路。",
    "（三）重点任务",
    "围绕发展定位和目标，下一步拟开展的重点工作。重点任务应包括总结推广和辐射带动相关工作考虑。",
    "（四）进度安排",
    "创建期内落实各项重点任务的时间节点安排。",
    "（五）保障措施",
    "主要包括组织实施机制、工作基础、要素保障等。",
    "三、附件清单",
    "有关说明或证明材料，包括但不限于：",
    "1.示范基地空间布局平面图；",
    "2.主导产业规模的说明材料和测算依据；",
    "3.主导产业规上企业名单；",
    "4.各类优质企业、国家级创新平台证明材料；",
    "5.融资情况证明材料；",
    "6.智能工厂证明材料；",
    "7.有关节能环保、安全生产达标等方面的说明材料；",
    "8.其他说明或证明材料。",
    "四、推荐单位意见",
]
INSTRUCTION = "详细描述有关情况（不超过 2000 字）。"


@pytest.fixture(scope="module")
def model() -> ParkApplication:
    return validate("park_application", SAMPLE).model


@pytest.fixture(scope="module")
def doc():
    return open_docx(render("park_application", SAMPLE))


@pytest.fixture(scope="module")
def blank_doc():
    return open_docx(render("park_application", blank=True))


def test_sample_fills_every_field():
    """Every field of the model is present in the sample, loops are full and narratives have paragraphs."""
    assert unfilled_fields(ParkApplication, SAMPLE) == []
    assert len(SAMPLE["top_enterprises"]) == 10
    for text in (
        SAMPLE["industrial_policy"],
        SAMPLE["public_service"],
        *SAMPLE["creation_plan"].values(),
        SAMPLE["recommendation"]["opinion"],
    ):
        assert len(text_paragraphs(text)) >= 2


def test_every_label_of_the_seed_form(doc):
    assert seed_form_mismatches(doc, TABLE_LABELS, BODY_LINES) == []


def test_every_value_in_its_table(doc, model):
    skip = {"annex_mark", "cover", "creation_plan", "recommendation", "basic_info.phone"}
    assert payload_mismatches(doc, model, skip=skip) == []
    block = find_table(doc, "园区基本信息")
    assert value_after(block, "联系电话") == "0757-22883016\n13924561873"


def test_derived_values_are_shown(doc):
    lead = find_table(doc, "主导产业近三年发展情况（主导产业相关数据仅限于申报领域，下同）")
    assert row_starting(lead, "占园区总营业收入比重（%）") == [
        "占园区总营业收入比重（%）",
        "48.27",
        "50.39",
        "52.90",
        "50.52",
    ]
    main = find_table(doc, "近三年主要发展指标")
    assert row_starting(main, "总营业收入（亿元）")[1:] == ["1268.40", "1392.75", "1536.20", "1399.12"]
    assert row_starting(main, "总营业收入增长率（%）")[1:] == ["9.84", "9.80", "10.30", "9.98"]


def test_omitted_ratios_are_computed_and_shown():
    data = copy.deepcopy(SAMPLE)
    del data["leading_industry"]["revenue_share"]
    data["main_indicators"]["total_revenue_growth"] = {"2023": 9.84}
    del data["leading_industry"]["revenue_growth"]["2025"]
    del data["talent"]["high_level_share"]
    d = open_docx(render("park_application", data))
    main = find_table(d, "近三年主要发展指标")
    assert row_starting(main, "总营业收入增长率（%）")[1:] == ["9.84", "9.80", "10.30", "9.98"]
    lead = find_table(d, "主导产业近三年发展情况（主导产业相关数据仅限于申报领域，下同）")
    assert row_starting(lead, "占园区总营业收入比重（%）")[1:] == ["48.27", "50.39", "52.90", "50.52"]
    assert row_starting(lead, "近三年规模以上企业营业收入增速（%）")[1:] == ["14.26", "14.63", "15.78", "14.89"]
    talent = find_table(d, "主导产业人才队伍建设情况")
    assert value_after(talent, "主导产业高水平人才占比（%）") == "28.79"


def test_top_enterprises_loop(doc, model):
    block = find_table(doc, "主导产业营业收入排名前十的企业（按 2025 年末数据排名）")
    assert block[1] == ["企业名称", "营业收入（亿元）", "主营业务和主要产品"]
    assert [row[0] for row in block[2:]] == [e.name for e in model.top_enterprises]
    assert block[2] == ["广东南岭机器人集团有限公司", "168.40", "工业机器人整机、协作机器人及智能制造整体解决方案"]


def test_cover(doc):
    cover = tables(doc)[0]
    # The name is too long for one underlined line: two lines broken between words, the seal mark on the last.
    assert cover == [
        ["申报单位：", "佛山市南岭智能机器人", ""],
        ["", "产业园管理委员会", "（盖章）"],
        ["申报领域：", "智能机器人", ""],
        ["推荐单位：", "广东省工业和信息化厅", "（盖章）"],
        ["填报日期：", "2026年3月25日", ""],
    ]
    body = paragraphs(doc)
    assert body[:3] == ["附件2", "国家新兴产业发展示范基地创建申请书", "（示范园区）"]


def test_narratives_and_creation_plan(doc, model):
    body = paragraphs(doc)
    plan = model.creation_plan
    for heading, instruction, text in (
        ("（一）发展基础", "主要包括园区整体发展情况、主导产业发展情况。", plan.development_basis),
        ("（二）总体思路", "主要包括发展定位、创建目标和发展思路。", plan.overall_approach),
        ("（三）重点任务", BODY_LINES[11], plan.key_tasks),
        ("（四）进度安排", "创建期内落实各项重点任务的时间节点安排。", plan.schedule),
        ("（五）保障措施", "主要包括组织实施机制、工作基础、要素保障等。", plan.safeguards),
    ):
        start = body.index(heading)
        expected = text_paragraphs(text)
        assert body[start + 1 : start + 2 + len(expected)] == [instruction, *expected]
    policy = find_table(doc, "主导产业产业政策情况")[1][0].split("\n")
    assert policy == [INSTRUCTION, *text_paragraphs(model.industrial_policy)]


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _first_line_chars(paragraph) -> str | None:
    """The first-line indent in hundredths of a character, from the paragraph or its style."""
    for ppr in (paragraph._p.pPr, paragraph.style.element.pPr):
        ind = ppr.find(f"{W}ind") if ppr is not None else None
        if ind is not None and ind.get(f"{W}firstLineChars") is not None:
            return ind.get(f"{W}firstLineChars")
    return None


def test_narrative_paragraphs_are_indented_two_characters(doc):
    first = text_paragraphs(SAMPLE["creation_plan"]["development_basis"])[0]
    body_para = next(p for p in doc.paragraphs if p.text == first)
    assert _first_line_chars(body_para) == "200"
    cell = find_cell_paragraphs(doc, "主导产业产业政策情况")
    assert [_first_line_chars(p) for p in cell[1:]] == ["200"] * (len(cell) - 1)
    assert _first_line_chars(cell[0]) is None  # the instruction line is not a paragraph of the text


def find_cell_paragraphs(doc, title: str):
    """The paragraphs of the cell in the row under the block title row `title`."""
    for table in doc.tables:
        rows = table.rows
        for index, row in enumerate(rows[:-1]):
            if row.cells[0].text == title:
                return rows[index + 1].cells[0].paragraphs
    raise AssertionError(f"no block titled {title!r}")


def test_recommendation_block(doc, model):
    box = [rows for rows in tables(doc) if rows[0][0] == "推荐意见"]
    assert len(box) == 1
    lines = box[0][0][1].split("\n")
    assert lines[: len(text_paragraphs(model.recommendation.opinion))] == text_paragraphs(model.recommendation.opinion)
    assert lines[-2:] == ["[章]", "2026年3月28日"]


def test_attachment_list_with_page_references():
    attachments = [NS(item=i, files=[]) for i in range(1, 9)]
    attachments[0].files = [NS(title="园区空间布局平面图", first_page=12, last_page=12)]
    attachments[1].files = [
        NS(title="主导产业规模测算说明", first_page=13, last_page=18),
        NS(title="统计部门证明", first_page=19, last_page=20),
    ]
    body = paragraphs(open_docx(render("park_application", SAMPLE, extra={"attachments": attachments})))
    start = body.index("1.示范基地空间布局平面图；")
    assert body[start : start + 6] == [
        "1.示范基地空间布局平面图；",
        "（1）园区空间布局平面图（第 12 页）",
        "2.主导产业规模的说明材料和测算依据；",
        "（1）主导产业规模测算说明（第 13–18 页）",
        "（2）统计部门证明（第 19–20 页）",
        "3.主导产业规上企业名单；",
    ]
    assert body[start + 6] == "（未提供）"
    assert body.count("（未提供）") == 6


def test_attachment_list_without_references_is_the_seed(doc):
    body = paragraphs(doc)
    start = body.index("三、附件清单")
    assert body[start : start + 11] == BODY_LINES[16:27]


def test_blank_form(blank_doc):
    texts = cell_texts(blank_doc)
    assert [label for label in TABLE_LABELS if label not in texts] == []
    assert [line for line in BODY_LINES if line not in paragraphs(blank_doc)] == []
    top = find_table(blank_doc, "主导产业营业收入排名前十的企业（按 2025 年末数据排名）")
    assert top[2:] == [["", "", ""]] * 10
    main = find_table(blank_doc, "近三年主要发展指标")
    assert row_starting(main, "总营业收入（亿元）") == ["总营业收入（亿元）", "", "", "", ""]
    policy = find_table(blank_doc, "主导产业产业政策情况")[1][0].split("\n")
    assert policy[0] == INSTRUCTION and set(policy[1:]) == {""} and len(policy) > 4
    cover = tables(blank_doc)[0]
    assert cover[0] == ["申报单位：", "", "（盖章）"]
    date = cover[3][1]
    assert date.replace(" ", "") == "年月日" and date.startswith(" ")


def test_layout_a4_fonts_headers_and_page_numbers(doc):
    section = doc.sections[-1]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.top_margin.mm)) == (28, 37)
    styles = {name: doc.styles[name] for name in ("Normal", "Heading 1", "Heading 2", "Title", "Table Text")}
    east_asia = {
        name: style.element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        for name, style in styles.items()
    }
    assert east_asia == {
        "Normal": "仿宋_GB2312",
        "Heading 1": "黑体",
        "Heading 2": "楷体_GB2312",
        "Title": "方正小标宋简体",
        "Table Text": "仿宋_GB2312",
    }
    assert doc.paragraphs[[p.text for p in doc.paragraphs].index("一、基本情况")].style.name == "Heading 1"
    assert doc.paragraphs[[p.text for p in doc.paragraphs].index("（一）发展基础")].style.name == "Heading 2"
    # two sections: the cover without page numbers, the body numbered from 1 as "— N —"
    assert len(doc.sections) == 2
    cover_section, body_section = doc.sections
    assert not cover_section.footer._has_definition
    footer = body_section.footer.paragraphs[0]
    fields = footer._p.findall(f"{W}fldSimple")
    assert [f.get(f"{W}instr").strip() for f in fields] == ["PAGE"]
    assert footer.text == "—  —"  # "— " PAGE " —" (python-docx does not read the field's result)
    assert (
        body_section._sectPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pgNumType").get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}start"
        )
        == "1"
    )
    # the title and column-header rows of every year table repeat on a new page
    for table in doc.tables[1:]:
        rows = table_rows(table)
        if len(rows) > 1 and rows[1][0] == "项目/年度":
            for tr in table._tbl.tr_lst[:2]:
                assert (
                    tr.trPr is not None
                    and tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader")
                    is not None
                )


def test_template_is_a_plain_word_file():
    path = get_template("park_application").docx_path
    with zipfile.ZipFile(BytesIO(path.read_bytes())) as archive:
        assert "word/document.xml" in archive.namelist()
        xml = archive.read("word/document.xml").decode()
    assert "{{ p.basic_info.name }}" in xml
    assert "{%tr for e in p.top_enterprises|rows(10) %}" in xml
