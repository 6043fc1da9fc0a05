from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.amount_series import AmountSeries
    from ..models.count_series import CountSeries
    from ..models.growth_series import GrowthSeries


T = TypeVar("T", bound="ParkMainIndicators")


@_attrs_define
class ParkMainIndicators:
    """近三年主要发展指标（园区整体）。总营业收入增长率 2024、2025 年未填时按总营业收入计算。

    Attributes:
        employees (CountSeries): 2023–2025 年各年的数量（整数）。
        labour_productivity (AmountSeries): 2023–2025 年各年的金额（亿元等），不可为负。
        large_enterprises (CountSeries): 2023–2025 年各年的数量（整数）。
        total_revenue (AmountSeries): 2023–2025 年各年的金额（亿元等），不可为负。
        total_revenue_growth (GrowthSeries | Unset): 2023–2025 年各年的增长率或利润率（%），可为负。
    """

    employees: CountSeries
    labour_productivity: AmountSeries
    large_enterprises: CountSeries
    total_revenue: AmountSeries
    total_revenue_growth: GrowthSeries | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        employees = self.employees.to_dict()

        labour_productivity = self.labour_productivity.to_dict()

        large_enterprises = self.large_enterprises.to_dict()

        total_revenue = self.total_revenue.to_dict()

        total_revenue_growth: dict[str, Any] | Unset = UNSET
        if not isinstance(self.total_revenue_growth, Unset):
            total_revenue_growth = self.total_revenue_growth.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "employees": employees,
                "labour_productivity": labour_productivity,
                "large_enterprises": large_enterprises,
                "total_revenue": total_revenue,
            }
        )
        if total_revenue_growth is not UNSET:
            field_dict["total_revenue_growth"] = total_revenue_growth

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.amount_series import AmountSeries
        from ..models.count_series import CountSeries
        from ..models.growth_series import GrowthSeries

        d = dict(src_dict)
        employees = CountSeries.from_dict(d.pop("employees"))

        labour_productivity = AmountSeries.from_dict(d.pop("labour_productivity"))

        large_enterprises = CountSeries.from_dict(d.pop("large_enterprises"))

        total_revenue = AmountSeries.from_dict(d.pop("total_revenue"))

        _total_revenue_growth = d.pop("total_revenue_growth", UNSET)
        total_revenue_growth: GrowthSeries | Unset
        if isinstance(_total_revenue_growth, Unset):
            total_revenue_growth = UNSET
        else:
            total_revenue_growth = GrowthSeries.from_dict(_total_revenue_growth)

        park_main_indicators = cls(
            employees=employees,
            labour_productivity=labour_productivity,
            large_enterprises=large_enterprises,
            total_revenue=total_revenue,
            total_revenue_growth=total_revenue_growth,
        )

        return park_main_indicators
