from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cover_info import CoverInfo
    from ..models.creation_plan import CreationPlan
    from ..models.digitalisation import Digitalisation
    from ..models.innovation_cooperation import InnovationCooperation
    from ..models.innovation_platforms import InnovationPlatforms
    from ..models.leading_industry import LeadingIndustry
    from ..models.park_basic_info import ParkBasicInfo
    from ..models.park_financing import ParkFinancing
    from ..models.park_main_indicators import ParkMainIndicators
    from ..models.park_overall import ParkOverall
    from ..models.park_patents import ParkPatents
    from ..models.park_rd import ParkRD
    from ..models.park_talent import ParkTalent
    from ..models.recommendation import Recommendation
    from ..models.top_enterprise import TopEnterprise


T = TypeVar("T", bound="ParkApplication")


@_attrs_define
class ParkApplication:
    """国家新兴产业发展示范基地创建申请书（示范园区）（附件2）的全部填报内容。

    Attributes:
        basic_info (ParkBasicInfo): 园区基本信息。
        cover (CoverInfo): 封面：申报单位、申报领域、推荐单位和填报日期。
        creation_plan (CreationPlan): 二、创建工作方案：发展基础、总体思路、重点任务、进度安排、保障措施，每部分不超过 2000 字，换行分段。
        digitalisation (Digitalisation): 主导产业数字化发展水平（智能工厂）。
        financing (ParkFinancing): 主导产业融资情况。
        industrial_policy (str): 正文，换行分段；不超过 2000 字（不计空白字符）
        innovation_cooperation (InnovationCooperation): 主导产业创新合作情况。
        innovation_platforms (InnovationPlatforms): 主导产业创新平台建设情况。
        leading_industry (LeadingIndustry): 主导产业近三年发展情况（主导产业相关数据仅限于申报领域，下同）。
        main_indicators (ParkMainIndicators): 近三年主要发展指标（园区整体）。总营业收入增长率 2024、2025 年未填时按总营业收入计算。
        overall (ParkOverall): 总体情况：面积与近三年单位土地平均投资强度、产出。
        patents (ParkPatents): 主导产业创新成果产出情况（仅统计作为第一完成单位的专利）。
        public_service (str): 正文，换行分段；不超过 2000 字（不计空白字符）
        rd (ParkRD): 近三年研发投入情况。
        talent (ParkTalent): 主导产业人才队伍建设情况。
        top_enterprises (list[TopEnterprise]): 最多 10 家，按营业收入从高到低排列
        annex_mark (str | Unset): 封面左上角的附件标注，默认“附件2”；空字符串表示不标注。作为公文附件时由公文重新编号 Default: '附件2'.
        recommendation (Recommendation | Unset): 四、推荐单位意见：通常留空，由推荐单位手写并盖章；如已有意见可在此填写。
    """

    basic_info: ParkBasicInfo
    cover: CoverInfo
    creation_plan: CreationPlan
    digitalisation: Digitalisation
    financing: ParkFinancing
    industrial_policy: str
    innovation_cooperation: InnovationCooperation
    innovation_platforms: InnovationPlatforms
    leading_industry: LeadingIndustry
    main_indicators: ParkMainIndicators
    overall: ParkOverall
    patents: ParkPatents
    public_service: str
    rd: ParkRD
    talent: ParkTalent
    top_enterprises: list[TopEnterprise]
    annex_mark: str | Unset = "附件2"
    recommendation: Recommendation | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        basic_info = self.basic_info.to_dict()

        cover = self.cover.to_dict()

        creation_plan = self.creation_plan.to_dict()

        digitalisation = self.digitalisation.to_dict()

        financing = self.financing.to_dict()

        industrial_policy = self.industrial_policy

        innovation_cooperation = self.innovation_cooperation.to_dict()

        innovation_platforms = self.innovation_platforms.to_dict()

        leading_industry = self.leading_industry.to_dict()

        main_indicators = self.main_indicators.to_dict()

        overall = self.overall.to_dict()

        patents = self.patents.to_dict()

        public_service = self.public_service

        rd = self.rd.to_dict()

        talent = self.talent.to_dict()

        top_enterprises = []
        for top_enterprises_item_data in self.top_enterprises:
            top_enterprises_item = top_enterprises_item_data.to_dict()
            top_enterprises.append(top_enterprises_item)

        annex_mark = self.annex_mark

        recommendation: dict[str, Any] | Unset = UNSET
        if not isinstance(self.recommendation, Unset):
            recommendation = self.recommendation.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "basic_info": basic_info,
                "cover": cover,
                "creation_plan": creation_plan,
                "digitalisation": digitalisation,
                "financing": financing,
                "industrial_policy": industrial_policy,
                "innovation_cooperation": innovation_cooperation,
                "innovation_platforms": innovation_platforms,
                "leading_industry": leading_industry,
                "main_indicators": main_indicators,
                "overall": overall,
                "patents": patents,
                "public_service": public_service,
                "rd": rd,
                "talent": talent,
                "top_enterprises": top_enterprises,
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
        from ..models.digitalisation import Digitalisation
        from ..models.innovation_cooperation import InnovationCooperation
        from ..models.innovation_platforms import InnovationPlatforms
        from ..models.leading_industry import LeadingIndustry
        from ..models.park_basic_info import ParkBasicInfo
        from ..models.park_financing import ParkFinancing
        from ..models.park_main_indicators import ParkMainIndicators
        from ..models.park_overall import ParkOverall
        from ..models.park_patents import ParkPatents
        from ..models.park_rd import ParkRD
        from ..models.park_talent import ParkTalent
        from ..models.recommendation import Recommendation
        from ..models.top_enterprise import TopEnterprise

        d = dict(src_dict)
        basic_info = ParkBasicInfo.from_dict(d.pop("basic_info"))

        cover = CoverInfo.from_dict(d.pop("cover"))

        creation_plan = CreationPlan.from_dict(d.pop("creation_plan"))

        digitalisation = Digitalisation.from_dict(d.pop("digitalisation"))

        financing = ParkFinancing.from_dict(d.pop("financing"))

        industrial_policy = d.pop("industrial_policy")

        innovation_cooperation = InnovationCooperation.from_dict(d.pop("innovation_cooperation"))

        innovation_platforms = InnovationPlatforms.from_dict(d.pop("innovation_platforms"))

        leading_industry = LeadingIndustry.from_dict(d.pop("leading_industry"))

        main_indicators = ParkMainIndicators.from_dict(d.pop("main_indicators"))

        overall = ParkOverall.from_dict(d.pop("overall"))

        patents = ParkPatents.from_dict(d.pop("patents"))

        public_service = d.pop("public_service")

        rd = ParkRD.from_dict(d.pop("rd"))

        talent = ParkTalent.from_dict(d.pop("talent"))

        top_enterprises = []
        _top_enterprises = d.pop("top_enterprises")
        for top_enterprises_item_data in _top_enterprises:
            top_enterprises_item = TopEnterprise.from_dict(top_enterprises_item_data)

            top_enterprises.append(top_enterprises_item)

        annex_mark = d.pop("annex_mark", UNSET)

        _recommendation = d.pop("recommendation", UNSET)
        recommendation: Recommendation | Unset
        if isinstance(_recommendation, Unset):
            recommendation = UNSET
        else:
            recommendation = Recommendation.from_dict(_recommendation)

        park_application = cls(
            basic_info=basic_info,
            cover=cover,
            creation_plan=creation_plan,
            digitalisation=digitalisation,
            financing=financing,
            industrial_policy=industrial_policy,
            innovation_cooperation=innovation_cooperation,
            innovation_platforms=innovation_platforms,
            leading_industry=leading_industry,
            main_indicators=main_indicators,
            overall=overall,
            patents=patents,
            public_service=public_service,
            rd=rd,
            talent=talent,
            top_enterprises=top_enterprises,
            annex_mark=annex_mark,
            recommendation=recommendation,
        )

        return park_application
