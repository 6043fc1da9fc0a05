from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cover_info import CoverInfo
    from ..models.creation_plan import CreationPlan
    from ..models.enterprise_basic_info import EnterpriseBasicInfo
    from ..models.enterprise_patents import EnterprisePatents
    from ..models.enterprise_rd import EnterpriseRD
    from ..models.enterprise_talent import EnterpriseTalent
    from ..models.key_field_operations import KeyFieldOperations
    from ..models.operating_indicators import OperatingIndicators
    from ..models.recognitions import Recognitions
    from ..models.recommendation import Recommendation
    from ..models.science_awards import ScienceAwards
    from ..models.standards import Standards
    from ..models.top_product import TopProduct


T = TypeVar("T", bound="EnterpriseApplication")


@_attrs_define
class EnterpriseApplication:
    """国家新兴产业发展示范基地创建申请书（示范企业）（附件3）的全部填报内容。

    Attributes:
        awards (ScienceAwards): 重点领域重大技术突破情况（国家和省部级科技奖励）。
        basic_info (EnterpriseBasicInfo): 企业基本信息。企业类型选“其他”时须填写具体类型。
        business_model_innovation (str): 正文，换行分段；不超过 2000 字（不计空白字符）
        corporate_governance (str): 正文，换行分段；不超过 2000 字（不计空白字符）
        cover (CoverInfo): 封面：申报单位、申报领域、推荐单位和填报日期。
        creation_plan (CreationPlan): 二、创建工作方案：发展基础、总体思路、重点任务、进度安排、保障措施，每部分不超过 2000 字，换行分段。
        key_field (KeyFieldOperations): 重点领域近三年经营情况（重点领域相关数据仅限于申报领域，下同）。
        operating_indicators (OperatingIndicators): 近三年主要经营指标（企业整体）。总营业收入增长率 2024、2025 年未填时按总营业收入计算。
        patents (EnterprisePatents): 重点领域知识产权创造情况（仅统计作为第一完成单位的专利）。
        rd (EnterpriseRD): 近三年研发投入情况。
        recognitions (Recognitions): 企业认定情况：已获得的认定打勾（true），其他认定写在“其他”中。
        scenario_innovation (str): 正文，换行分段；不超过 2000 字（不计空白字符）
        standards (Standards): 重点领域标准供给情况。
        talent (EnterpriseTalent): 重点领域人才集聚情况。
        top_products (list[TopProduct]): 最多 5 个，按 2025 年销售收入从高到低排列
        annex_mark (str | Unset): 封面左上角的附件标注，默认“附件3”；空字符串表示不标注。作为公文附件时由公文重新编号 Default: '附件3'.
        recommendation (Recommendation | Unset): 四、推荐单位意见：通常留空，由推荐单位手写并盖章；如已有意见可在此填写。
    """

    awards: ScienceAwards
    basic_info: EnterpriseBasicInfo
    business_model_innovation: str
    corporate_governance: str
    cover: CoverInfo
    creation_plan: CreationPlan
    key_field: KeyFieldOperations
    operating_indicators: OperatingIndicators
    patents: EnterprisePatents
    rd: EnterpriseRD
    recognitions: Recognitions
    scenario_innovation: str
    standards: Standards
    talent: EnterpriseTalent
    top_products: list[TopProduct]
    annex_mark: str | Unset = "附件3"
    recommendation: Recommendation | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        awards = self.awards.to_dict()

        basic_info = self.basic_info.to_dict()

        business_model_innovation = self.business_model_innovation

        corporate_governance = self.corporate_governance

        cover = self.cover.to_dict()

        creation_plan = self.creation_plan.to_dict()

        key_field = self.key_field.to_dict()

        operating_indicators = self.operating_indicators.to_dict()

        patents = self.patents.to_dict()

        rd = self.rd.to_dict()

        recognitions = self.recognitions.to_dict()

        scenario_innovation = self.scenario_innovation

        standards = self.standards.to_dict()

        talent = self.talent.to_dict()

        top_products = []
        for top_products_item_data in self.top_products:
            top_products_item = top_products_item_data.to_dict()
            top_products.append(top_products_item)

        annex_mark = self.annex_mark

        recommendation: dict[str, Any] | Unset = UNSET
        if not isinstance(self.recommendation, Unset):
            recommendation = self.recommendation.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "awards": awards,
                "basic_info": basic_info,
                "business_model_innovation": business_model_innovation,
                "corporate_governance": corporate_governance,
                "cover": cover,
                "creation_plan": creation_plan,
                "key_field": key_field,
                "operating_indicators": operating_indicators,
                "patents": patents,
                "rd": rd,
                "recognitions": recognitions,
                "scenario_innovation": scenario_innovation,
                "standards": standards,
                "talent": talent,
                "top_products": top_products,
            }
        )
        if annex_mark is not UNSET:
            field_dict["annex_mark"] = annex_mark
        if recommendation is not UNSET:
            field_dict["recommendation"] = recommendation

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cover_info import CoverInfo
        from ..models.creation_plan import CreationPlan
        from ..models.enterprise_basic_info import EnterpriseBasicInfo
        from ..models.enterprise_patents import EnterprisePatents
        from ..models.enterprise_rd import EnterpriseRD
        from ..models.enterprise_talent import EnterpriseTalent
        from ..models.key_field_operations import KeyFieldOperations
        from ..models.operating_indicators import OperatingIndicators
        from ..models.recognitions import Recognitions
        from ..models.recommendation import Recommendation
        from ..models.science_awards import ScienceAwards
        from ..models.standards import Standards
        from ..models.top_product import TopProduct

        d = dict(src_dict)
        awards = ScienceAwards.from_dict(d.pop("awards"))

        basic_info = EnterpriseBasicInfo.from_dict(d.pop("basic_info"))

        business_model_innovation = d.pop("business_model_innovation")

        corporate_governance = d.pop("corporate_governance")

        cover = CoverInfo.from_dict(d.pop("cover"))

        creation_plan = CreationPlan.from_dict(d.pop("creation_plan"))

        key_field = KeyFieldOperations.from_dict(d.pop("key_field"))

        operating_indicators = OperatingIndicators.from_dict(d.pop("operating_indicators"))

        patents = EnterprisePatents.from_dict(d.pop("patents"))

        rd = EnterpriseRD.from_dict(d.pop("rd"))

        recognitions = Recognitions.from_dict(d.pop("recognitions"))

        scenario_innovation = d.pop("scenario_innovation")

        standards = Standards.from_dict(d.pop("standards"))

        talent = EnterpriseTalent.from_dict(d.pop("talent"))

        top_products = []
        _top_products = d.pop("top_products")
        for top_products_item_data in _top_products:
            top_products_item = TopProduct.from_dict(top_products_item_data)

            top_products.append(top_products_item)

        annex_mark = d.pop("annex_mark", UNSET)

        _recommendation = d.pop("recommendation", UNSET)
        recommendation: Recommendation | Unset
        if isinstance(_recommendation, Unset):
            recommendation = UNSET
        else:
            recommendation = Recommendation.from_dict(_recommendation)

        enterprise_application = cls(
            awards=awards,
            basic_info=basic_info,
            business_model_innovation=business_model_innovation,
            corporate_governance=corporate_governance,
            cover=cover,
            creation_plan=creation_plan,
            key_field=key_field,
            operating_indicators=operating_indicators,
            patents=patents,
            rd=rd,
            recognitions=recognitions,
            scenario_innovation=scenario_innovation,
            standards=standards,
            talent=talent,
            top_products=top_products,
            annex_mark=annex_mark,
            recommendation=recommendation,
        )

        return enterprise_application
