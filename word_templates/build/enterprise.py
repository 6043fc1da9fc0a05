"""附件3 国家新兴产业发展示范基地创建申请书（示范企业） → word_templates/enterprise_application.docx.

The rows follow the seed form in order and wording; `p` is a
`service.payloads.enterprise.EnterpriseApplication`.
"""

from __future__ import annotations

from pathlib import Path

from word_templates.build import kit
from word_templates.build.application import (
    WIDTH,
    Form,
    FormTexts,
    cover,
    fill_runs,
    finish,
    number_row,
    pair_row,
    section_row,
    text_pair_row,
    text_row,
    underlined_blank,
)
from word_templates.build.kit import C

TEXTS = FormTexts(
    mark="附件3",
    kind="示范企业",
    plan_instructions=(
        "主要包括企业整体发展情况、重点领域发展情况。",
        "主要包括发展定位、创建目标和发展思路。",
        "围绕发展定位和目标，下一步拟开展的重点工作。重点任务应包括总结推广和辐射带动相关工作考虑。",
        "创建期内落实各项重点任务的时间节点安排。",
        "主要包括工作基础、要素保障等。",
    ),
    attachment_items=(
        "1.示范基地空间布局平面图；",
        "2.重点领域营业收入的说明或证明材料；",
        "3.国家级和省部级科技奖励清单及证明材料，获国家级和省部级科技奖励情况需要明确企业在所有参与单位中的排序；",
        "4.有效发明专利清单及获奖的证明材料；",
        "5.国际标准、国家标准、行业标准清单及证明材料，标准制修订情况需要明确企业在所有参与单位中的排序；",
        "6.主导产品市场占有率的说明或证明材料；",
        "7.有关节能环保、安全生产达标等方面的证明材料；",
        "8.其他。",
    ),
)

TOP_PRODUCT_ROWS = 5
ENTERPRISE_TYPES = ("国有", "民营", "合资")


def build(path: Path) -> None:
    doc = kit.new_document(title="国家新兴产业发展示范基地创建申请书（示范企业）", subject="附件3")
    cover(doc, TEXTS)

    kit.paragraph(doc, "一、基本情况", style="Heading 1")
    form = Form()
    b = "p.basic_info."
    basic = form.block(
        [
            section_row("企业基本信息"),
            text_row("企业名称", b + "name"),
            text_row("统一社会信用代码", b + "credit_code"),
            [C("企业类型"), C("", span=WIDTH - 1, kind="value", align="left")],
            text_row("注册地址", b + "registered_address"),
            text_row("主营业务", b + "main_business"),
            text_pair_row("成立日期", b + "established_date", "法定代表人", b + "legal_representative"),
            # Several phone numbers: one per line (a long run of digits would break anywhere).
            text_pair_row("联系人及职务", b + "contact", "联系电话", b + "phone_lines"),
        ],
    )
    # ☐ 国有 ☐ 民营 ☐ 合资 ☐ 其他_____ : ☑ marks the payload's type; "其他" carries its free text. The tags
    # hold no quoted strings (see `underlined_blank`), hence the model's is_* properties.
    type_parts: list[tuple[str, bool]] = [
        ("{{ " + b + flag + "|checkbox }}" + kind + "    ", False)
        for flag, kind in (("is_state_owned", "国有"), ("is_private", "民营"), ("is_joint_venture", "合资"))
    ]
    type_parts.append(("{{ " + b + "is_other_type|checkbox }}其他", False))
    type_parts += underlined_blank(b + "enterprise_type_other")
    form.hook(basic, 3, 1, lambda cell: fill_runs(cell, type_parts))

    rc = "p.recognitions."
    recognitions = form.block(
        [
            section_row("企业认定情况"),
            [
                C("{{ " + rc + "high_tech|checkbox }} 高新技术企业", span=3),
                C("{{ " + rc + "specialized_sme|checkbox }} 专精特新中小企业", span=WIDTH - 3),
            ],
            [
                C("{{ " + rc + "little_giant|checkbox }} 专精特新“小巨人”企业", span=3),
                C("{{ " + rc + "single_champion|checkbox }} 制造业单项冠军企业", span=WIDTH - 3),
            ],
            [C("", span=WIDTH)],
        ],
    )
    other_parts = [("{{ " + rc + "other|checkbox }} 其他 ", False), *underlined_blank(rc + "other", 12)]
    form.hook(recognitions, 3, 0, lambda cell: fill_runs(cell, other_parts))

    o = "p.operating_indicators."
    form.years(
        "近三年主要经营指标",
        [
            ("总营业收入（亿元）", o + "total_revenue"),
            ("总营业收入增长率（%）", o + "total_revenue_growth"),
            ("毛利润率（%）", o + "gross_margin"),
            ("税金总额（亿元）", o + "taxes"),
            ("年末从业人员数量（人）", o + "employees"),
        ],
    )
    k = "p.key_field."
    form.years(
        "重点领域近三年经营情况（重点领域相关数据仅限于申报领域，下同）",
        [
            ("营业收入（亿元）", k + "revenue"),
            ("近三年重点领域营业收入增速（%）", k + "revenue_growth"),
            ("占总营业收入比重（%）", k + "revenue_share"),
            ("近三年重点领域毛利润率（%）", k + "gross_margin"),
        ],
    )
    form.block(
        [
            section_row("重点领域主导产品情况（2025 年销售收入占总营收前五位的产品）"),
            [
                C("产品名称", span=2, kind="header"),
                C("销售收入（亿元）", kind="header"),
                C("国内市场占有率（%）", span=WIDTH - 3, kind="header"),
            ],
            f"{{%tr for x in p.top_products|rows({TOP_PRODUCT_ROWS}) %}}",
            [
                C("{{ x.name }}", span=2),
                C("{{ x.sales_revenue }}", kind="value"),
                C("{{ x.domestic_market_share }}", span=WIDTH - 3, kind="value"),
            ],
            "{%tr endfor %}",
        ],
        lead_rows=2,
    )
    r = "p.rd."
    form.years(
        "近三年研发投入情况",
        [
            ("研发投入强度（%）", r + "rd_intensity"),
            ("重点领域研发投入（亿元）", r + "key_field_rd_investment"),
            ("近三年重点领域研发投入强度（%）", r + "key_field_rd_intensity"),
        ],
    )
    a = "p.awards."
    form.block(
        [
            section_row("重点领域重大技术突破情况"),
            pair_row(
                "获得国家自然科学奖特等奖数量（个）",
                a + "natural_science_special",
                "获得国家自然科学奖一等奖数量（个）",
                a + "natural_science_first",
            ),
            pair_row(
                "获得国家自然科学奖二等奖数量（个）",
                a + "natural_science_second",
                "获得国家技术发明奖特等奖数量（个）",
                a + "invention_special",
            ),
            pair_row(
                "获得国家技术发明奖一等奖数量（个）",
                a + "invention_first",
                "获得国家技术发明奖二等奖数量（个）",
                a + "invention_second",
            ),
            pair_row(
                "获得国家科技进步奖特等奖数量（个）",
                a + "progress_special",
                "获得国家科技进步奖一等奖数量（个）",
                a + "progress_first",
            ),
            pair_row(
                "获得国家科技进步奖二等奖数量（个）",
                a + "progress_second",
                "获得省部级奖励数量（个）",
                a + "provincial",
            ),
            number_row("科技奖励加权数量（个）", a + "weighted_awards"),
        ]
    )
    pt = "p.patents."
    form.block(
        [
            section_row("重点领域知识产权创造情况（仅统计作为第一完成单位的专利）"),
            number_row("有效发明专利数量（件）", pt + "invention_patents"),
            number_row("其中，获得中国专利奖金奖数量（件）", pt + "gold_awards"),
            number_row("其中，获得中国专利奖银奖数量（件）", pt + "silver_awards"),
            number_row("有效发明专利加权数量（件，同一专利不重复计算）", pt + "weighted_patents"),
        ]
    )
    s = "p.standards."
    form.block(
        [
            section_row("重点领域标准供给情况"),
            pair_row("制修订的国际标准数量（个）", s + "international", "制修订的国家标准数量（个）", s + "national"),
            pair_row("制修订的行业标准数量（个）", s + "industry", "标准加权数量（个）", s + "weighted_standards"),
        ]
    )
    t = "p.talent."
    form.block(
        [
            section_row("重点领域人才集聚情况"),
            pair_row("研究生学历人员数量（人）", t + "postgraduates", "高级职称人员数量（人）", t + "senior_titles"),
            pair_row("高技能人才数量（人）", t + "high_skilled", "从业人员总数量（人）", t + "total_employees"),
            number_row(
                "高水平人才数量（高水平人才包括研究生学历人员、高级职称人员和高技能人才，同一人员不重复计算）",
                t + "high_level_talent",
            ),
            number_row("高水平人才占比（%）", t + "high_level_share"),
        ]
    )
    form.narrative("重点领域场景创新情况", "p.scenario_innovation")
    form.narrative("重点领域商业模式创新情况", "p.business_model_innovation")
    form.narrative("公司治理情况", "p.corporate_governance")

    form.build(doc)
    finish(doc, TEXTS)
    kit.save_deterministic(doc, path)
