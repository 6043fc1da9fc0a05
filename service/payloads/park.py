"""附件2 国家新兴产业发展示范基地创建申请书（示范园区）: the payload model.

One sub-model per block of the form's 一、基本情况 table, in the form's order; field titles are the
form's row labels. Derived values (filled by `complete()` when omitted, checked by `check()` when given):

- 总营业收入增长率 2024/2025 = 总营业收入(年) / 总营业收入(上年) − 1 (2023 needs 2022: input);
- 主导产业 占园区总营业收入比重 = 主导产业规模以上企业营业收入 / 园区总营业收入 (each year);
- 主导产业 近三年规模以上企业营业收入增速 2024/2025 = year-on-year change of 规模以上企业营业收入
  (2023 needs 2022: input);
- 主导产业高水平人才占比 = 主导产业高水平人才数量 / 从业人员总数量 (both rows of the talent block).

Input, because the form does not define them from its own fields: 近三年单位土地平均投资强度/产出 (the
investment and output totals are not in the form), 全员劳动生产率 (conventionally 增加值 / average
employees, neither asked), 园区研发投入强度 (the park's R&D spending is not asked), 近三年主导产业研发投入强度
(主导产业研发投入 may cover enterprises below 规模以上, whose revenue the form does not ask), 智能工厂占比
(its denominator is not in the form) and every 加权数量 (the weights are not public).
"""

from __future__ import annotations

from typing import Self

from pydantic import Field

from service.payloads import FormPayload, Problem
from service.payloads.application import (
    HIGH_LEVEL_NOTE,
    CoverInfo,
    CreationPlan,
    PatentOutput,
    Recommendation,
    TalentPool,
    WeightedCount,
    date_not_after,
    growth_series,
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

MAX_TOP_ENTERPRISES = 10


class ParkBasicInfo(PayloadModel):
    """园区基本信息。"""

    name: ShortText = Field(title="园区名称")
    address: ShortText = Field(title="园区地址")
    approval_date: FormDate = Field(title="批复设立日期")
    approval_authority: ShortText = Field(title="批复单位")
    management_body: ShortText = Field(title="管理机构")
    head: ShortText = Field(title="负责人及职务", examples=["张三 主任"])
    contact: ShortText = Field(title="联系人及职务", examples=["李四 经济发展局副局长"])
    phone: Phone = Field(title="联系电话")

    @property
    def phone_lines(self) -> str:
        """联系电话 with one number per line, for the Word template (a line break inside a number would split it)."""
        return self.phone.replace(",", "\n")


class ParkOverall(PayloadModel):
    """总体情况：面积与近三年单位土地平均投资强度、产出。"""

    planned_area: Amount = Field(title="规划面积（公顷）")
    built_area: Amount = Field(title="建成面积（公顷）")
    land_investment_intensity: Amount = Field(title="近三年单位土地平均投资强度（万元/公顷）")
    land_output: Amount = Field(title="近三年单位土地平均产出（万元/公顷）")


class ParkMainIndicators(PayloadModel):
    """近三年主要发展指标（园区整体）。总营业收入增长率 2024、2025 年未填时按总营业收入计算。"""

    total_revenue: AmountSeries = Field(title="总营业收入（亿元）")
    total_revenue_growth: GrowthSeries = Field(
        default_factory=GrowthSeries,
        title="总营业收入增长率（%）",
        description="2024、2025 年可不填，由总营业收入计算；2023 年按 2022 年数据填写",
    )
    large_enterprises: CountSeries = Field(title="规模以上企业数量（个）")
    employees: CountSeries = Field(title="年末从业人员数量（人）")
    labour_productivity: AmountSeries = Field(title="全员劳动生产率（万元/人）")


class LeadingIndustry(PayloadModel):
    """主导产业近三年发展情况（主导产业相关数据仅限于申报领域，下同）。"""

    revenue: AmountSeries = Field(title="规模以上企业营业收入（亿元）")
    revenue_share: PercentSeries = Field(
        default_factory=PercentSeries,
        title="占园区总营业收入比重（%）",
        description="可不填，由规模以上企业营业收入 ÷ 园区总营业收入计算",
    )
    revenue_growth: GrowthSeries = Field(
        default_factory=GrowthSeries,
        title="近三年规模以上企业营业收入增速（%）",
        description="2024、2025 年可不填，由规模以上企业营业收入计算；2023 年按 2022 年数据填写",
    )
    enterprises: Count = Field(title="企业数量（个）")
    large_enterprises: Count = Field(title="规模以上企业数量（个）")
    tech_smes: Count = Field(title="科技和创新型中小企业数量（个）")
    high_tech_enterprises: Count = Field(title="高新技术企业数量（个）")
    specialized_smes: Count = Field(title="专精特新中小企业数量（个）")
    little_giants: Count = Field(title="专精特新“小巨人”企业数量（个）")
    single_champions: Count = Field(title="制造业单项冠军企业数量（个）")
    weighted_quality_enterprises: WeightedCount = Field(title="优质企业加权数量（个，同一企业不重复计算）")


class TopEnterprise(PayloadModel):
    """主导产业营业收入排名前十的企业之一。"""

    name: ShortText = Field(title="企业名称")
    revenue: Amount = Field(title="营业收入（亿元）")
    main_business: MediumText = Field(title="主营业务和主要产品")


class ParkRD(PayloadModel):
    """近三年研发投入情况。"""

    park_rd_intensity: PercentSeries = Field(title="园区研发投入强度（%）")
    leading_rd_investment: AmountSeries = Field(title="主导产业研发投入（亿元）")
    leading_rd_intensity: PercentSeries = Field(title="近三年主导产业研发投入强度（%）")


class InnovationCooperation(PayloadModel):
    """主导产业创新合作情况。"""

    technology_contract_value: AmountSeries = Field(title="技术合同成交额（亿元）")


class InnovationPlatforms(PayloadModel):
    """主导产业创新平台建设情况。"""

    national_labs: Count = Field(title="国家实验室数量（个）")
    state_key_labs: Count = Field(title="全国重点实验室数量（个）")
    manufacturing_innovation_centers: Count = Field(title="国家制造业创新中心数量（个）")
    technology_innovation_centers: Count = Field(title="国家技术创新中心数量（个）")
    emerging_industry_innovation_centers: Count = Field(title="国家新兴产业创新中心数量（个）")
    engineering_centers: Count = Field(title="国家产业技术工程化中心数量（个）")
    major_facilities: Count = Field(title="国家重大科技基础设施数量（个）")
    pilot_platforms_and_incubators: Count = Field(title="国家级制造业中试平台和工业和信息化部科技型孵化器数量（个）")
    weighted_platforms: WeightedCount = Field(
        title="国家级创新平台加权数量（个，依托同一单位建设的不同平台或多家单位参与建设的同一平台不重复计算）"
    )


class ParkPatents(PatentOutput):
    """主导产业创新成果产出情况（仅统计作为第一完成单位的专利）。"""


class ParkFinancing(PayloadModel):
    """主导产业融资情况。"""

    financing_amount: AmountSeries = Field(title="融资额（亿元）")


class ParkTalent(TalentPool):
    """主导产业人才队伍建设情况。"""

    high_level_talent: Count = Field(title=f"主导产业高水平人才数量（{HIGH_LEVEL_NOTE}）")
    high_level_share: Percent | None = Field(
        default=None,
        title="主导产业高水平人才占比（%）",
        description="可不填，由主导产业高水平人才数量 ÷ 从业人员总数量计算",
    )


class Digitalisation(PayloadModel):
    """主导产业数字化发展水平（智能工厂）。"""

    pilot_factories: Count = Field(title="领航级智能工厂数量（个）")
    excellent_factories: Count = Field(title="卓越级智能工厂数量（个）")
    advanced_factories: Count = Field(title="先进级智能工厂数量（个）")
    basic_factories: Count = Field(title="基础级智能工厂数量（个）")
    weighted_factories: WeightedCount = Field(title="智能工厂加权数量（个）")
    smart_factory_share: Percent = Field(title="智能工厂占比（%）")


class ParkApplication(FormPayload):
    """国家新兴产业发展示范基地创建申请书（示范园区）（附件2）的全部填报内容。"""

    annex_mark: AnnexMark = annex_mark_field("附件2", place="封面左上角")
    cover: CoverInfo = Field(title="封面")
    basic_info: ParkBasicInfo = Field(title="园区基本信息")
    overall: ParkOverall = Field(title="总体情况")
    main_indicators: ParkMainIndicators = Field(title="近三年主要发展指标")
    leading_industry: LeadingIndustry = Field(title="主导产业近三年发展情况（主导产业相关数据仅限于申报领域，下同）")
    top_enterprises: list[TopEnterprise] = Field(
        min_length=1,
        max_length=MAX_TOP_ENTERPRISES,
        title="主导产业营业收入排名前十的企业（按 2025 年末数据排名）",
        description="最多 10 家，按营业收入从高到低排列",
    )
    rd: ParkRD = Field(title="近三年研发投入情况")
    innovation_cooperation: InnovationCooperation = Field(title="主导产业创新合作情况")
    innovation_platforms: InnovationPlatforms = Field(title="主导产业创新平台建设情况")
    patents: ParkPatents = Field(title="主导产业创新成果产出情况（仅统计作为第一完成单位的专利）")
    financing: ParkFinancing = Field(title="主导产业融资情况")
    talent: ParkTalent = Field(title="主导产业人才队伍建设情况")
    digitalisation: Digitalisation = Field(title="主导产业数字化发展水平")
    industrial_policy: NarrativeText = Field(title="主导产业产业政策情况")
    public_service: NarrativeText = Field(title="主导产业公共服务水平情况")
    creation_plan: CreationPlan = Field(title="创建工作方案")
    recommendation: Recommendation = Field(default_factory=Recommendation, title="推荐单位意见")

    def applicant_name(self) -> str:
        return self.cover.applicant

    def check(self) -> list[Problem]:
        out: list[Problem] = []
        out += date_not_after(
            ("basic_info", "approval_date"),
            self.basic_info.approval_date,
            self.cover.fill_date,
            "批复设立日期",
            "填报日期",
        )
        out += check_not_above(
            ("overall", "built_area"), self.overall.built_area, self.overall.planned_area, "建成面积", "规划面积"
        )

        main = self.main_indicators
        out += series_growth(
            ("main_indicators", "total_revenue_growth"), main.total_revenue_growth, main.total_revenue, "总营业收入"
        )

        lead = self.leading_industry
        out += series_not_above(
            ("leading_industry", "revenue"),
            lead.revenue,
            main.total_revenue,
            "主导产业规模以上企业营业收入",
            "园区总营业收入",
        )
        out += series_ratio(
            ("leading_industry", "revenue_share"),
            lead.revenue_share,
            lead.revenue,
            main.total_revenue,
            "主导产业规模以上企业营业收入 ÷ 园区总营业收入 × 100",
        )
        out += series_growth(
            ("leading_industry", "revenue_growth"), lead.revenue_growth, lead.revenue, "主导产业规模以上企业营业收入"
        )
        # Every kind of enterprise of the leading industry is among its enterprises.
        for name in (
            "large_enterprises",
            "tech_smes",
            "high_tech_enterprises",
            "specialized_smes",
            "little_giants",
            "single_champions",
        ):
            label = LeadingIndustry.model_fields[name].title or name
            out += check_not_above(
                ("leading_industry", name),
                getattr(lead, name),
                lead.enterprises,
                label.removesuffix("（个）"),
                "企业数量",
            )

        out += ranked_descending(("top_enterprises",), [e.revenue for e in self.top_enterprises], "营业收入")
        # The ranked enterprises are enterprises of the leading industry.
        out += check_not_above(
            ("top_enterprises",), len(self.top_enterprises), lead.enterprises, "排名前十企业的行数", "主导产业企业数量"
        )
        out += self.patents.problems(("patents",))
        out += self.talent.problems(("talent",))
        return out

    def complete(self) -> Self:
        main = self.main_indicators
        main = main.model_copy(
            update={"total_revenue_growth": growth_series(main.total_revenue_growth, main.total_revenue)}
        )
        lead = self.leading_industry
        lead = lead.model_copy(
            update={
                "revenue_share": share_series(lead.revenue_share, lead.revenue, main.total_revenue),
                "revenue_growth": growth_series(lead.revenue_growth, lead.revenue),
            }
        )
        return self.model_copy(
            update={"main_indicators": main, "leading_industry": lead, "talent": self.talent.completed()}
        )
