from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.amount_series import AmountSeries
    from ..models.growth_series import GrowthSeries
    from ..models.percent_series import PercentSeries


T = TypeVar("T", bound="LeadingIndustry")


@_attrs_define
class LeadingIndustry:
    """主导产业近三年发展情况（主导产业相关数据仅限于申报领域，下同）。

    Attributes:
        enterprises (int):
        high_tech_enterprises (int):
        large_enterprises (int):
        little_giants (int):
        revenue (AmountSeries): 2023–2025 年各年的金额（亿元等），不可为负。
        single_champions (int):
        specialized_smes (int):
        tech_smes (int):
        weighted_quality_enterprises (float):
        revenue_growth (GrowthSeries | Unset): 2023–2025 年各年的增长率或利润率（%），可为负。
        revenue_share (PercentSeries | Unset): 2023–2025 年各年的占比（%），0–100。
    """

    enterprises: int
    high_tech_enterprises: int
    large_enterprises: int
    little_giants: int
    revenue: AmountSeries
    single_champions: int
    specialized_smes: int
    tech_smes: int
    weighted_quality_enterprises: float
    revenue_growth: GrowthSeries | Unset = UNSET
    revenue_share: PercentSeries | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        enterprises = self.enterprises

        high_tech_enterprises = self.high_tech_enterprises

        large_enterprises = self.large_enterprises

        little_giants = self.little_giants

        revenue = self.revenue.to_dict()

        single_champions = self.single_champions

        specialized_smes = self.specialized_smes

        tech_smes = self.tech_smes

        weighted_quality_enterprises = self.weighted_quality_enterprises

        revenue_growth: dict[str, Any] | Unset = UNSET
        if not isinstance(self.revenue_growth, Unset):
            revenue_growth = self.revenue_growth.to_dict()

        revenue_share: dict[str, Any] | Unset = UNSET
        if not isinstance(self.revenue_share, Unset):
            revenue_share = self.revenue_share.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "enterprises": enterprises,
                "high_tech_enterprises": high_tech_enterprises,
                "large_enterprises": large_enterprises,
                "little_giants": little_giants,
                "revenue": revenue,
                "single_champions": single_champions,
                "specialized_smes": specialized_smes,
                "tech_smes": tech_smes,
                "weighted_quality_enterprises": weighted_quality_enterprises,
            }
        )
        if revenue_growth is not UNSET:
            field_dict["revenue_growth"] = revenue_growth
        if revenue_share is not UNSET:
            field_dict["revenue_share"] = revenue_share

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.amount_series import AmountSeries
        from ..models.growth_series import GrowthSeries
        from ..models.percent_series import PercentSeries

        d = dict(src_dict)
        enterprises = d.pop("enterprises")

        high_tech_enterprises = d.pop("high_tech_enterprises")

        large_enterprises = d.pop("large_enterprises")

        little_giants = d.pop("little_giants")

        revenue = AmountSeries.from_dict(d.pop("revenue"))

        single_champions = d.pop("single_champions")

        specialized_smes = d.pop("specialized_smes")

        tech_smes = d.pop("tech_smes")

        weighted_quality_enterprises = d.pop("weighted_quality_enterprises")

        _revenue_growth = d.pop("revenue_growth", UNSET)
        revenue_growth: GrowthSeries | Unset
        if isinstance(_revenue_growth, Unset):
            revenue_growth = UNSET
        else:
            revenue_growth = GrowthSeries.from_dict(_revenue_growth)

        _revenue_share = d.pop("revenue_share", UNSET)
        revenue_share: PercentSeries | Unset
        if isinstance(_revenue_share, Unset):
            revenue_share = UNSET
        else:
            revenue_share = PercentSeries.from_dict(_revenue_share)

        leading_industry = cls(
            enterprises=enterprises,
            high_tech_enterprises=high_tech_enterprises,
            large_enterprises=large_enterprises,
            little_giants=little_giants,
            revenue=revenue,
            single_champions=single_champions,
            specialized_smes=specialized_smes,
            tech_smes=tech_smes,
            weighted_quality_enterprises=weighted_quality_enterprises,
            revenue_growth=revenue_growth,
            revenue_share=revenue_share,
        )

        return leading_industry
