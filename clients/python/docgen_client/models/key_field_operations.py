from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.amount_series import AmountSeries
    from ..models.growth_series import GrowthSeries
    from ..models.percent_series import PercentSeries


T = TypeVar("T", bound="KeyFieldOperations")


@_attrs_define
class KeyFieldOperations:
    """重点领域近三年经营情况（重点领域相关数据仅限于申报领域，下同）。

    Attributes:
        gross_margin (GrowthSeries): 2023–2025 年各年的增长率或利润率（%），可为负。
        revenue (AmountSeries): 2023–2025 年各年的金额（亿元等），不可为负。
        revenue_growth (GrowthSeries | Unset): 2023–2025 年各年的增长率或利润率（%），可为负。
        revenue_share (PercentSeries | Unset): 2023–2025 年各年的占比（%），0–100。
    """

    gross_margin: GrowthSeries
    revenue: AmountSeries
    revenue_growth: GrowthSeries | Unset = UNSET
    revenue_share: PercentSeries | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        gross_margin = self.gross_margin.to_dict()

        revenue = self.revenue.to_dict()

        revenue_growth: dict[str, Any] | Unset = UNSET
        if not isinstance(self.revenue_growth, Unset):
            revenue_growth = self.revenue_growth.to_dict()

        revenue_share: dict[str, Any] | Unset = UNSET
        if not isinstance(self.revenue_share, Unset):
            revenue_share = self.revenue_share.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "gross_margin": gross_margin,
                "revenue": revenue,
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
        gross_margin = GrowthSeries.from_dict(d.pop("gross_margin"))

        revenue = AmountSeries.from_dict(d.pop("revenue"))

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

        key_field_operations = cls(
            gross_margin=gross_margin,
            revenue=revenue,
            revenue_growth=revenue_growth,
            revenue_share=revenue_share,
        )

        return key_field_operations
