"""附件3 示范企业 申请书: the sample renders with every label of the seed form and every value in its table."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from types import SimpleNamespace as NS

import pytest

from service.payloads.enterprise import EnterpriseApplication
from service.rendering import render, validate
from tests.docx_text import (
    cell_texts,
    find_table,
    open_docx,
    paragraphs,
    payload_mismatches,
    row_starting,
    seed_form_mismatches,
    tables,
    text_paragraphs,
    unfilled_fields,
    value_after,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = json.loads((ROOT / "samples" / "enterprise_application.json").read_text(encoding="utf-8"))

TABLE_LABELS = [
    "企业基本信息",
    "企业名称",
    "统一社会信用代码",
    "企业类型",
    "注册地址",
    "主营业务",
    "成立日期",
    "法定代表人",
    "联系人及职务",
    "联系电话",
    "企业认定情况",
    "近三年主要经营指标",
    "项目/年度",
    "2023 年",
    "2024 年",
    "2025 年",
    "近三年平均值",
    "总营业收入（亿元）",
    "总营业收入增长率（%）",
    "毛利润率（%）",
    "税金总额（亿元）",
    "年末从业人员数量（人）",
    "重点领域近三年经营情况（重点领域相关数据仅限于申报领域，下同）",
    "营业收入（亿元）",
    "近三年重点领域营业收入增速（%）",
    "占总营业收入比重（%）",
    "近三年重点领域毛利润率（%）",
    "重点领域主导产品情况（2025 年销售收入占总营收前五位的产品）",
    "产品名称",
    "销售收入（亿元）",
    "国内市场占有率（%）",
    "近三年研发投入情况",
    "研发投入强度（%）",
    "重点领域研发投入（亿元）",
    "近三年重点领域研发投入强度（%）",
    "重点领域重大技术突破情况",
    "获得国家自然科学奖特等奖数量（个）",
    "获得国家自然科学奖一等奖数量（个）",
    "获得国家自然科学奖二等奖数量（个）",
    "获得国家技术发明奖特等奖数量（个）",
    "获得国家技术发明奖一等奖数量（个）",
    "获得国家技术发明奖二等奖数量（个）",
    "获得国家科技进步奖特等奖数量（个）",
    "获得国家科技进步奖一等奖数量（个）",
    "获得国家科技进步奖二等奖数量（个）",
    "获得省部级奖励数量（个）",
    "科技奖励加权数量（个）",
    "重点领域知识产权创造情况（仅统计作为第一完成单位的专利）",
    "有效发明专利数量（件）",
    "其中，获得中国专利奖金奖数量（件）",
    "其中，获得中国专利奖银奖数量（件）",
    "有效发明专利加权数量（件，同一专利不重复计算）",
    "重点领域标准供给情况",
    "制修订的国际标准数量（个）",
    "制修订的国家标准数量（个）",
    "制修订的行业标准数量（个）",
    "标准加权数量（个）",
    "重点领域人才集聚情况",
    "研究生学历人员数量（人）",
    "高级职称人员数量（人）",
    "高技能人才数量（人）",
    "从业人员总数量（人）",
    "高水平人才数量（高水平人才包括研究生学历人员、高级职称人员和高技能人才，同一人员不重复计算）",
    "高水平人才占比（%）",
    "重点领域场景创新情况",
    "重点领域商业模式创新情况",
    "公司治理情况",
    "申报单位：",
    "申报领域：",
    "推荐单位：",
    "填报日期：",
    "（盖章）",
    "推荐意见",
]
BODY_LINES = [
    "附件3",
    "国家新兴产业发展示范基地创建申请书",
    "（示范企业）",
    "工业和信息化部制",
    "一、基本情况",
    "二、创建工作方案（每部分不超过 2000 字）",
    "（一）发展基础",
    "主要包括企业整体发展情况、重点领域发展情况。",
    "（二）总体思路",
    "主要包括发展定位、创建目标和发展思路。",
    "（三）重点任务",
    "围绕发展定位和目标，下一步拟开展的重点工作。重点任务应包括总结推广和辐射带动相关工作考虑。",
    "（四）进度安排",
    "创建期内落实各项重点任务的时间节点安排。",
    "（五）保障措施",
    "主要包括工作基础、要素保障等。",
    "三、附件清单",
    "有关说明或证明材料，包括但不限于：",
    "1.示范基地空间布局平面图；",
    "2.重点领域营业收入的说明或证明材料；",
    "3.国家级和省部级科技奖励清单及证明材料，获国家级和省部级科技奖励情况需要明确企业在所有参与单位中的排序；",
    "4.有效发明专利清单及获奖的证明材料；",
    "5.国际标准、国家标准、行业标准清单及证明材料，标准制修订情况需要明确企业在所有参与单位中的排序；",
    "6.主导产品市场占有率的说明或证明材料；",
    "7.有关节能环保、安全生产达标等方面的证明材料；",
    "8.其他。",
    "四、推荐单位意见",
]
INSTRUCTION = "详细描述有关情况（不超过 2000 字）。"
SPACES = "\u3000"


@pytest.fixture(scope="module")
def model() -> EnterpriseApplication:
    return validate("enterprise_application", SAMPLE).model


@pytest.fixture(scope="module")
def doc():
    return open_docx(render("enterprise_application", SAMPLE))


@pytest.fixture(scope="module")
def blank_doc():
    return open_docx(render("enterprise_application", blank=True))


def test_sample_fills_every_field():
    assert unfilled_fields(EnterpriseApplication, SAMPLE) == []
    assert len(SAMPLE["top_products"]) == 5
    for text in (
        SAMPLE["scenario_innovation"],
        SAMPLE["business_model_innovation"],
        SAMPLE["corporate_governance"],
        *SAMPLE["creation_plan"].values(),
        SAMPLE["recommendation"]["opinion"],
    ):
        assert len(text_paragraphs(text)) >= 2


def test_every_label_of_the_seed_form(doc):
    assert seed_form_mismatches(doc, TABLE_LABELS, BODY_LINES) == []


def test_every_value_in_its_table(doc, model):
    skip = {
        "annex_mark",
        "cover",
        "creation_plan",
        "recommendation",
        "basic_info.phone",
        "basic_info.enterprise_type",
        "basic_info.enterprise_type_other",
        "recognitions.other",
    }
    assert payload_mismatches(doc, model, skip=skip) == []
    basic = find_table(doc, "企业基本信息")
    assert value_after(basic, "统一社会信用代码") == "91441900MA54K8N2JR"
    assert value_after(basic, "联系电话") == "0769-22895716\n13829917264"


def test_checkbox_rows(doc):
    basic = find_table(doc, "企业基本信息")
    assert value_after(basic, "企业类型") == "☐国有    ☐民营    ☐合资    ☑其他混合所有制"
    recognitions = find_table(doc, "企业认定情况")
    assert recognitions[1:] == [
        ["☑ 高新技术企业", "☐ 专精特新中小企业"],
        ["☐ 专精特新“小巨人”企业", "☑ 制造业单项冠军企业"],
        ["☑ 其他 国家技术创新示范企业、国家知识产权示范企业"],
    ]


@pytest.mark.parametrize("kind", ["国有", "民营", "合资"])
def test_enterprise_type_marks_one_box(kind):
    data = copy.deepcopy(SAMPLE)
    data["basic_info"]["enterprise_type"] = kind
    del data["basic_info"]["enterprise_type_other"]
    del data["recognitions"]["other"]
    d = open_docx(render("enterprise_application", data))
    shown = value_after(find_table(d, "企业基本信息"), "企业类型")
    assert shown.count("☑") == 1 and f"☑{kind}" in shown
    assert shown.endswith("☐其他" + SPACES * 8)
    assert find_table(d, "企业认定情况")[3] == ["☐ 其他 " + SPACES * 12]


def test_derived_values_are_computed_when_omitted():
    data = copy.deepcopy(SAMPLE)
    del data["key_field"]["revenue_share"]
    del data["key_field"]["revenue_growth"]["2024"]
    del data["rd"]["key_field_rd_intensity"]
    data["operating_indicators"]["total_revenue_growth"] = {"2023": 32.45}
    del data["talent"]["high_level_share"]
    d = open_docx(render("enterprise_application", data))
    ops = find_table(d, "近三年主要经营指标")
    assert row_starting(ops, "总营业收入增长率（%）")[1:] == ["32.45", "24.33", "24.96", "27.25"]
    key = find_table(d, "重点领域近三年经营情况（重点领域相关数据仅限于申报领域，下同）")
    assert row_starting(key, "占总营业收入比重（%）")[1:] == ["76.61", "79.07", "81.63", "79.10"]
    assert row_starting(key, "近三年重点领域营业收入增速（%）")[1:] == ["41.20", "28.33", "29.00", "32.84"]
    rd = find_table(d, "近三年研发投入情况")
    assert row_starting(rd, "近三年重点领域研发投入强度（%）")[1:] == ["5.50", "5.59", "5.70", "5.60"]
    assert value_after(find_table(d, "重点领域人才集聚情况"), "高水平人才占比（%）") == "36.13"


def test_top_products_loop(doc, model):
    block = find_table(doc, "重点领域主导产品情况（2025 年销售收入占总营收前五位的产品）")
    assert block[1] == ["产品名称", "销售收入（亿元）", "国内市场占有率（%）"]
    assert block[2:] == [
        [p.name, f"{p.sales_revenue:.2f}", f"{p.domestic_market_share:.2f}"] for p in model.top_products
    ]


def test_cover(doc):
    assert tables(doc)[0] == [
        ["申报单位：", "广东星河储能科技股份有限公司", "（盖章）"],
        ["申报领域：", "新型储能制造", ""],
        ["推荐单位：", "广东省工业和信息化厅", "（盖章）"],
        ["填报日期：", "2026年3月26日", ""],
    ]
    assert paragraphs(doc)[:3] == ["附件3", "国家新兴产业发展示范基地创建申请书", "（示范企业）"]


def test_narratives_and_creation_plan(doc, model):
    body = paragraphs(doc)
    plan = model.creation_plan
    for index, text in enumerate(
        (plan.development_basis, plan.overall_approach, plan.key_tasks, plan.schedule, plan.safeguards)
    ):
        heading, instruction = BODY_LINES[6 + 2 * index], BODY_LINES[7 + 2 * index]
        start = body.index(heading)
        expected = text_paragraphs(text)
        assert body[start + 1 : start + 2 + len(expected)] == [instruction, *expected]
    for title, text in (
        ("重点领域场景创新情况", model.scenario_innovation),
        ("重点领域商业模式创新情况", model.business_model_innovation),
        ("公司治理情况", model.corporate_governance),
    ):
        assert find_table(doc, title)[1][0].split("\n") == [INSTRUCTION, *text_paragraphs(text)]


def test_attachment_list(doc):
    body = paragraphs(doc)
    start = body.index("三、附件清单")
    assert body[start : start + 11] == BODY_LINES[16:27]
    refs = [NS(item=i, files=[NS(title=f"证明材料{i}", first_page=10 + i, last_page=10 + i)]) for i in range(1, 9)]
    refs[7].files = []
    body = paragraphs(open_docx(render("enterprise_application", SAMPLE, extra={"attachments": refs})))
    start = body.index("三、附件清单")
    assert body[start + 2 : start + 6] == [
        "1.示范基地空间布局平面图；",
        "（1）证明材料1（第 11 页）",
        "2.重点领域营业收入的说明或证明材料；",
        "（1）证明材料2（第 12 页）",
    ]
    assert body[body.index("8.其他。") + 1] == "（未提供）"


def test_recommendation_block(doc, model):
    box = [rows for rows in tables(doc) if rows[0][0] == "推荐意见"]
    lines = box[0][0][1].split("\n")
    assert lines[:2] == text_paragraphs(model.recommendation.opinion)
    assert lines[-2:] == ["[章]", "2026年3月30日"]


def test_blank_form(blank_doc):
    texts = cell_texts(blank_doc)
    assert [label for label in TABLE_LABELS if label not in texts] == []
    assert [line for line in BODY_LINES if line not in paragraphs(blank_doc)] == []
    basic = find_table(blank_doc, "企业基本信息")
    assert value_after(basic, "企业类型") == "☐国有    ☐民营    ☐合资    ☐其他" + SPACES * 8
    assert value_after(basic, "统一社会信用代码") == ""
    recognitions = find_table(blank_doc, "企业认定情况")
    assert "☑" not in "".join(c for row in recognitions for c in row)
    products = find_table(blank_doc, "重点领域主导产品情况（2025 年销售收入占总营收前五位的产品）")
    assert products[2:] == [["", "", ""]] * 5
    governance = find_table(blank_doc, "公司治理情况")[1][0].split("\n")
    assert governance[0] == INSTRUCTION and set(governance[1:]) == {""}
    box = next(rows for rows in tables(blank_doc) if rows[0][0] == "推荐意见")[0][1].split("\n")
    assert box[-2] == "[章]" and box[-1].replace(" ", "") == "年月日"
    assert tables(blank_doc)[0][3][1].replace(" ", "") == "年月日"
