"""附件3 国家新兴产业发展示范基地创建申请书（示范企业）: the payload model.

One sub-model per block of the form's 一、基本情况 table, in the form's order; field titles are the
form's row labels. Derived values (filled by `complete()` when omitted, checked by `check()` when given):

- 总营业收入增长率 2024/2025 = 总营业收入(年) / 总营业收入(上年) − 1 (2023 needs 2022: input);
- 重点领域 近三年重点领域营业收入增速 2024/2025 = year-on-year change of 重点领域营业收入 (2023: input);
- 重点领域 占总营业收入比重 = 重点领域营业收入 / 总营业收入 (each year);
- 近三年重点领域研发投入强度 = 重点领域研发投入 / 重点领域营业收入 (each year; R&D intensity is R&D
  spending over operating revenue, and both are asked for the same scope, the 重点领域);
- 高水平人才占比 = 高水平人才数量 / 从业人员总数量 (both rows of the talent block).

Input, because the form does not define them from its own fields: 毛利润率 and 近三年重点领域毛利润率
(gross profit is not asked), 研发投入强度 of the whole enterprise (its total R&D spending is not asked),
国内市场占有率, and every 加权数量 (the weights are not public).
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field

from service.payloads import FormPayload, Problem
from service.payloads.application import (
    CoverInfo,
    CreationPlan,
    PatentOutput,
    Recommendation,
    TalentPool,
    WeightedCount,
    date_not_after,
    growth_series,
    margin_at_most_100,
    ranked_descending,
    series_growth,
    series_not_above,
    series_ratio,
    share_series,
)
from service.payloads.common import (
    Amount,
    AmountSeries,
    AnnexMark,
    Count,
    CountSeries,
    CreditCode,
    FormDate,
    GrowthSeries,
    MediumText,
    NarrativeText,
    PayloadModel,
    Percent,
    PercentSeries,
    Phone,
    ShortText,
    annex_mark_field,
)
from service.payloads.rules import check_not_above

MAX_TOP_PRODUCTS = 5
ENTERPRISE_TYPES = ("国有", "民营", "合资", "其他")
EnterpriseType = Literal["国有", "民营", "合资", "其他"]


class EnterpriseBasicInfo(PayloadModel):
    """企业基本信息。企业类型选“其他”时须填写具体类型。"""

    name: ShortText = Field(title="企业名称")
    credit_code: CreditCode = Field(title="统一社会信用代码")
    parent_company_credit_code: CreditCode | None = Field(
        default=None,
        title="母公司（集团公司）统一社会信用代码",
        description="不在申请书上打印；用于批量推荐时检查集团公司与其子公司是否重复申报（通知规定不得重复申报）",
        json_schema_extra={"x-printed": False},
    )
    enterprise_type: EnterpriseType = Field(title="企业类型")
    enterprise_type_other: ShortText | None = Field(
        default=None, title="企业类型（其他）", description="企业类型为“其他”时必填，写明具体类型；否则不填"
    )
    registered_address: ShortText = Field(title="注册地址")
    main_business: MediumText = Field(title="主营业务")
    established_date: FormDate = Field(title="成立日期")
    legal_representative: ShortText = Field(title="法定代表人")
    contact: ShortText = Field(title="联系人及职务", examples=["李四 战略发展部总监"])
    phone: Phone = Field(title="联系电话")

    # Read by the Word template, which cannot hold quoted strings: an office suite that re-saves the
    # template writes quotes as &apos;/&quot;, which Jinja cannot parse.
    @property
    def phone_lines(self) -> str:
        """联系电话 with one number per line (a line break inside a number would split it)."""
        return self.phone.replace(",", "\n")

    @property
    def is_state_owned(self) -> bool:
        return self.enterprise_type == "国有"

    @property
    def is_private(self) -> bool:
        return self.enterprise_type == "民营"

    @property
    def is_joint_venture(self) -> bool:
        return self.enterprise_type == "合资"

    @property
    def is_other_type(self) -> bool:
        return self.enterprise_type == "其他"


class Recognitions(PayloadModel):
    """企业认定情况：已获得的认定打勾（true），其他认定写在“其他”中。"""

    high_tech: bool = Field(default=False, title="高新技术企业")
    specialized_sme: bool = Field(default=False, title="专精特新中小企业")
    little_giant: bool = Field(default=False, title="专精特新“小巨人”企业")
    single_champion: bool = Field(default=False, title="制造业单项冠军企业")
    other: ShortText | None = Field(default=None, title="其他", description="其他认定，如“国家技术创新示范企业”")


class OperatingIndicators(PayloadModel):
    """近三年主要经营指标（企业整体）。总营业收入增长率 2024、2025 年未填时按总营业收入计算。"""

    total_revenue: AmountSeries = Field(title="总营业收入（亿元）")
    total_revenue_growth: GrowthSeries = Field(
        default_factory=GrowthSeries,
        title="总营业收入增长率（%）",
        description="2024、2025 年可不填，由总营业收入计算；2023 年按 2022 年数据填写",
    )
    gross_margin: GrowthSeries = Field(title="毛利润率（%）")
    taxes: AmountSeries = Field(title="税金总额（亿元）")
    employees: CountSeries = Field(title="年末从业人员数量（人）")


class KeyFieldOperations(PayloadModel):
    """重点领域近三年经营情况（重点领域相关数据仅限于申报领域，下同）。"""

    revenue: AmountSeries = Field(title="营业收入（亿元）")
    revenue_growth: GrowthSeries = Field(
        default_factory=GrowthSeries,
        title="近三年重点领域营业收入增速（%）",
        description="2024、2025 年可不填，由重点领域营业收入计算；2023 年按 2022 年数据填写",
    )
    revenue_share: PercentSeries = Field(
        default_factory=PercentSeries,
        title="占总营业收入比重（%）",
        description="可不填，由重点领域营业收入 ÷ 总营业收入计算",
    )
    gross_margin: GrowthSeries = Field(title="近三年重点领域毛利润率（%）")


class TopProduct(PayloadModel):
    """重点领域主导产品之一。"""

    name: ShortText = Field(title="产品名称")
    sales_revenue: Amount = Field(title="销售收入（亿元）")
    domestic_market_share: Percent = Field(title="国内市场占有率（%）")


class EnterpriseRD(PayloadModel):
    """近三年研发投入情况。"""

    rd_intensity: PercentSeries = Field(title="研发投入强度（%）")
    key_field_rd_investment: AmountSeries = Field(title="重点领域研发投入（亿元）")
    key_field_rd_intensity: PercentSeries = Field(
        default_factory=PercentSeries,
        title="近三年重点领域研发投入强度（%）",
        description="可不填，由重点领域研发投入 ÷ 重点领域营业收入计算",
    )


class ScienceAwards(PayloadModel):
    """重点领域重大技术突破情况（国家和省部级科技奖励）。"""

    natural_science_special: Count = Field(title="获得国家自然科学奖特等奖数量（个）")
    natural_science_first: Count = Field(title="获得国家自然科学奖一等奖数量（个）")
    natural_science_second: Count = Field(title="获得国家自然科学奖二等奖数量（个）")
    invention_special: Count = Field(title="获得国家技术发明奖特等奖数量（个）")
    invention_first: Count = Field(title="获得国家技术发明奖一等奖数量（个）")
    invention_second: Count = Field(title="获得国家技术发明奖二等奖数量（个）")
    progress_special: Count = Field(title="获得国家科技进步奖特等奖数量（个）")
    progress_first: Count = Field(title="获得国家科技进步奖一等奖数量（个）")
    progress_second: Count = Field(title="获得国家科技进步奖二等奖数量（个）")
    provincial: Count = Field(title="获得省部级奖励数量（个）")
    weighted_awards: WeightedCount = Field(title="科技奖励加权数量（个）")


class EnterprisePatents(PatentOutput):
    """重点领域知识产权创造情况（仅统计作为第一完成单位的专利）。"""


class Standards(PayloadModel):
    """重点领域标准供给情况。"""

    international: Count = Field(title="制修订的国际标准数量（个）")
    national: Count = Field(title="制修订的国家标准数量（个）")
    industry: Count = Field(title="制修订的行业标准数量（个）")
    weighted_standards: WeightedCount = Field(title="标准加权数量（个）")


class EnterpriseTalent(TalentPool):
    """重点领域人才集聚情况。"""

    high_level_share: Percent | None = Field(
        default=None, title="高水平人才占比（%）", description="可不填，由高水平人才数量 ÷ 从业人员总数量计算"
    )


class EnterpriseApplication(FormPayload):
    """国家新兴产业发展示范基地创建申请书（示范企业）（附件3）的全部填报内容。"""

    annex_mark: AnnexMark = annex_mark_field("附件3", place="封面左上角")
    cover: CoverInfo = Field(title="封面")
    basic_info: EnterpriseBasicInfo = Field(title="企业基本信息")
    recognitions: Recognitions = Field(title="企业认定情况")
    operating_indicators: OperatingIndicators = Field(title="近三年主要经营指标")
    key_field: KeyFieldOperations = Field(title="重点领域近三年经营情况（重点领域相关数据仅限于申报领域，下同）")
    top_products: list[TopProduct] = Field(
        min_length=1,
        max_length=MAX_TOP_PRODUCTS,
        title="重点领域主导产品情况（2025 年销售收入占总营收前五位的产品）",
        description="最多 5 个，按 2025 年销售收入从高到低排列",
    )
    rd: EnterpriseRD = Field(title="近三年研发投入情况")
    awards: ScienceAwards = Field(title="重点领域重大技术突破情况")
    patents: EnterprisePatents = Field(title="重点领域知识产权创造情况（仅统计作为第一完成单位的专利）")
    standards: Standards = Field(title="重点领域标准供给情况")
    talent: EnterpriseTalent = Field(title="重点领域人才集聚情况")
    scenario_innovation: NarrativeText = Field(title="重点领域场景创新情况")
    business_model_innovation: NarrativeText = Field(title="重点领域商业模式创新情况")
    corporate_governance: NarrativeText = Field(title="公司治理情况")
    creation_plan: CreationPlan = Field(title="创建工作方案")
    recommendation: Recommendation = Field(default_factory=Recommendation, title="推荐单位意见")

    def applicant_name(self) -> str:
        return self.cover.applicant

    def check(self) -> list[Problem]:
        out: list[Problem] = []
        info = self.basic_info
        if info.parent_company_credit_code and info.parent_company_credit_code == info.credit_code:
            out.append(
                Problem(
                    ("basic_info", "parent_company_credit_code"),
                    "parent_is_self",
                    "母公司统一社会信用代码不能与本企业的统一社会信用代码相同",
                )
            )
        if info.enterprise_type == "其他" and not info.enterprise_type_other:
            out.append(
                Problem(("basic_info", "enterprise_type_other"), "required", "企业类型选择“其他”时，须写明具体类型")
            )
        if info.enterprise_type != "其他" and info.enterprise_type_other:
            out.append(
                Problem(
                    ("basic_info", "enterprise_type_other"),
                    "not_applicable",
                    f"企业类型为“{info.enterprise_type}”时不填写“其他”类型",
                )
            )
        out += date_not_after(
            ("basic_info", "established_date"), info.established_date, self.cover.fill_date, "成立日期", "填报日期"
        )

        ops = self.operating_indicators
        out += series_growth(
            ("operating_indicators", "total_revenue_growth"), ops.total_revenue_growth, ops.total_revenue, "总营业收入"
        )
        out += margin_at_most_100(("operating_indicators", "gross_margin"), ops.gross_margin, "毛利润率")

        key = self.key_field
        out += series_not_above(
            ("key_field", "revenue"), key.revenue, ops.total_revenue, "重点领域营业收入", "总营业收入"
        )
        out += series_growth(("key_field", "revenue_growth"), key.revenue_growth, key.revenue, "重点领域营业收入")
        out += series_ratio(
            ("key_field", "revenue_share"),
            key.revenue_share,
            key.revenue,
            ops.total_revenue,
            "重点领域营业收入 ÷ 总营业收入 × 100",
        )
        out += margin_at_most_100(("key_field", "gross_margin"), key.gross_margin, "重点领域毛利润率")

        sales = [p.sales_revenue for p in self.top_products]
        out += ranked_descending(("top_products",), sales, "销售收入")
        # The leading products of the key field are sold within the key field's 2025 operating revenue.
        out += check_not_above(
            ("top_products",), sum(sales), key.revenue.y2025, "前五位产品销售收入之和", "2025 年重点领域营业收入"
        )

        out += series_ratio(
            ("rd", "key_field_rd_intensity"),
            self.rd.key_field_rd_intensity,
            self.rd.key_field_rd_investment,
            key.revenue,
            "重点领域研发投入 ÷ 重点领域营业收入 × 100",
        )
        out += self.patents.problems(("patents",))
        out += self.talent.problems(("talent",))
        return out

    def complete(self) -> Self:
        ops = self.operating_indicators
        ops = ops.model_copy(
            update={"total_revenue_growth": growth_series(ops.total_revenue_growth, ops.total_revenue)}
        )
        key = self.key_field
        key = key.model_copy(
            update={
                "revenue_growth": growth_series(key.revenue_growth, key.revenue),
                "revenue_share": share_series(key.revenue_share, key.revenue, ops.total_revenue),
            }
        )
        rd = self.rd.model_copy(
            update={
                "key_field_rd_intensity": share_series(
                    self.rd.key_field_rd_intensity, self.rd.key_field_rd_investment, key.revenue
                )
            }
        )
        return self.model_copy(
            update={"operating_indicators": ops, "key_field": key, "rd": rd, "talent": self.talent.completed()}
        )
