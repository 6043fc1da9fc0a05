"""附件2 国家新兴产业发展示范基地创建申请书（示范园区） → word_templates/park_application.docx.

The rows follow the seed form in order and wording; `p` is a `service.payloads.park.ParkApplication`.
"""

from __future__ import annotations

from pathlib import Path

from word_templates.build import kit
from word_templates.build.application import (
    WIDTH,
    Form,
    FormTexts,
    cover,
    finish,
    number_row,
    pair_row,
    section_row,
    text_pair_row,
    text_row,
)
from word_templates.build.kit import C

TEXTS = FormTexts(
    mark="附件2",
    kind="示范园区",
    plan_instructions=(
        "主要包括园区整体发展情况、主导产业发展情况。",
        "主要包括发展定位、创建目标和发展思路。",
        "围绕发展定位和目标，下一步拟开展的重点工作。重点任务应包括总结推广和辐射带动相关工作考虑。",
        "创建期内落实各项重点任务的时间节点安排。",
        "主要包括组织实施机制、工作基础、要素保障等。",
    ),
    attachment_items=(
        "1.示范基地空间布局平面图；",
        "2.主导产业规模的说明材料和测算依据；",
        "3.主导产业规上企业名单；",
        "4.各类优质企业、国家级创新平台证明材料；",
        "5.融资情况证明材料；",
        "6.智能工厂证明材料；",
        "7.有关节能环保、安全生产达标等方面的说明材料；",
        "8.其他说明或证明材料。",
    ),
)

TOP_ENTERPRISE_ROWS = 10


def build(path: Path) -> None:
    doc = kit.new_document(title="国家新兴产业发展示范基地创建申请书（示范园区）", subject="附件2")
    cover(doc, TEXTS)

    kit.paragraph(doc, "一、基本情况", style="Heading 1")
    form = Form()
    b = "p.basic_info."
    form.block(
        [
            section_row("园区基本信息"),
            text_row("园区名称", b + "name"),
            text_row("园区地址", b + "address"),
            text_pair_row("批复设立日期", b + "approval_date", "批复单位", b + "approval_authority"),
            text_pair_row("管理机构", b + "management_body", "负责人及职务", b + "head"),
            # Several phone numbers: one per line (a long run of digits would break anywhere).
            text_pair_row("联系人及职务", b + "contact", "联系电话", b + "phone_lines"),
        ],
    )
    o = "p.overall."
    form.block(
        [
            section_row("总体情况"),
            pair_row("规划面积（公顷）", o + "planned_area", "建成面积（公顷）", o + "built_area"),
            pair_row(
                "近三年单位土地平均投资强度（万元/公顷）",
                o + "land_investment_intensity",
                "近三年单位土地平均产出（万元/公顷）",
                o + "land_output",
            ),
        ]
    )
    m = "p.main_indicators."
    form.years(
        "近三年主要发展指标",
        [
            ("总营业收入（亿元）", m + "total_revenue"),
            ("总营业收入增长率（%）", m + "total_revenue_growth"),
            ("规模以上企业数量（个）", m + "large_enterprises"),
            ("年末从业人员数量（人）", m + "employees"),
            ("全员劳动生产率（万元/人）", m + "labour_productivity"),
        ],
    )
    li = "p.leading_industry."
    form.years(
        "主导产业近三年发展情况（主导产业相关数据仅限于申报领域，下同）",
        [
            ("规模以上企业营业收入（亿元）", li + "revenue"),
            ("占园区总营业收入比重（%）", li + "revenue_share"),
            ("近三年规模以上企业营业收入增速（%）", li + "revenue_growth"),
        ],
        [
            pair_row("企业数量（个）", li + "enterprises", "规模以上企业数量（个）", li + "large_enterprises"),
            pair_row(
                "科技和创新型中小企业数量（个）",
                li + "tech_smes",
                "高新技术企业数量（个）",
                li + "high_tech_enterprises",
            ),
            pair_row(
                "专精特新中小企业数量（个）",
                li + "specialized_smes",
                "专精特新“小巨人”企业数量（个）",
                li + "little_giants",
            ),
            number_row("制造业单项冠军企业数量（个）", li + "single_champions"),
            number_row("优质企业加权数量（个，同一企业不重复计算）", li + "weighted_quality_enterprises"),
        ],
    )
    form.block(
        [
            section_row("主导产业营业收入排名前十的企业（按 2025 年末数据排名）"),
            [
                C("企业名称", span=2, kind="header"),
                C("营业收入（亿元）", kind="header"),
                C("主营业务和主要产品", span=WIDTH - 3, kind="header"),
            ],
            f"{{%tr for e in p.top_enterprises|rows({TOP_ENTERPRISE_ROWS}) %}}",
            [
                C("{{ e.name }}", span=2),
                C("{{ e.revenue }}", kind="value"),
                C("{{ e.main_business }}", span=WIDTH - 3, kind="value", align="left"),
            ],
            "{%tr endfor %}",
        ],
        lead_rows=2,
    )
    r = "p.rd."
    form.years(
        "近三年研发投入情况",
        [
            ("园区研发投入强度（%）", r + "park_rd_intensity"),
            ("主导产业研发投入（亿元）", r + "leading_rd_investment"),
            ("近三年主导产业研发投入强度（%）", r + "leading_rd_intensity"),
        ],
    )
    form.years(
        "主导产业创新合作情况",
        [
            ("技术合同成交额（亿元）", "p.innovation_cooperation.technology_contract_value"),
        ],
    )
    ip = "p.innovation_platforms."
    form.block(
        [
            section_row("主导产业创新平台建设情况"),
            pair_row("国家实验室数量（个）", ip + "national_labs", "全国重点实验室数量（个）", ip + "state_key_labs"),
            pair_row(
                "国家制造业创新中心数量（个）",
                ip + "manufacturing_innovation_centers",
                "国家技术创新中心数量（个）",
                ip + "technology_innovation_centers",
            ),
            pair_row(
                "国家新兴产业创新中心数量（个）",
                ip + "emerging_industry_innovation_centers",
                "国家产业技术工程化中心数量（个）",
                ip + "engineering_centers",
            ),
            pair_row(
                "国家重大科技基础设施数量（个）",
                ip + "major_facilities",
                "国家级制造业中试平台和工业和信息化部科技型孵化器数量（个）",
                ip + "pilot_platforms_and_incubators",
            ),
            number_row(
                "国家级创新平台加权数量（个，依托同一单位建设的不同平台或多家单位参与建设的同一平台不重复计算）",
                ip + "weighted_platforms",
            ),
        ]
    )
    pt = "p.patents."
    form.block(
        [
            section_row("主导产业创新成果产出情况（仅统计作为第一完成单位的专利）"),
            number_row("有效发明专利数量（件）", pt + "invention_patents"),
            number_row("其中，获得中国专利奖金奖数量（件）", pt + "gold_awards"),
            number_row("其中，获得中国专利奖银奖数量（件）", pt + "silver_awards"),
            number_row("有效发明专利加权数量（件，同一专利不重复计算）", pt + "weighted_patents"),
        ]
    )
    form.years("主导产业融资情况", [("融资额（亿元）", "p.financing.financing_amount")])
    t = "p.talent."
    form.block(
        [
            section_row("主导产业人才队伍建设情况"),
            pair_row("研究生学历人员数量（人）", t + "postgraduates", "高级职称人员数量（人）", t + "senior_titles"),
            pair_row("高技能人才数量（人）", t + "high_skilled", "从业人员总数量（人）", t + "total_employees"),
            number_row(
                "主导产业高水平人才数量（高水平人才包括研究生学历人员、高级职称人员和高技能人才，同一人员不重复计算）",
                t + "high_level_talent",
            ),
            number_row("主导产业高水平人才占比（%）", t + "high_level_share"),
        ]
    )
    d = "p.digitalisation."
    form.block(
        [
            section_row("主导产业数字化发展水平"),
            pair_row(
                "领航级智能工厂数量（个）", d + "pilot_factories", "卓越级智能工厂数量（个）", d + "excellent_factories"
            ),
            pair_row(
                "先进级智能工厂数量（个）", d + "advanced_factories", "基础级智能工厂数量（个）", d + "basic_factories"
            ),
            pair_row(
                "智能工厂加权数量（个）", d + "weighted_factories", "智能工厂占比（%）", d + "smart_factory_share"
            ),
        ]
    )
    form.narrative("主导产业产业政策情况", "p.industrial_policy")
    form.narrative("主导产业公共服务水平情况", "p.public_service")

    form.build(doc)
    finish(doc, TEXTS)
    kit.save_deterministic(doc, path)
