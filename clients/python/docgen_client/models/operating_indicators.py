from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.amount_series import AmountSeries
    from ..models.count_series import CountSeries
    from ..models.growth_series import GrowthSeries


T = TypeVar("T", bound="OperatingIndicators")


@_attrs_define
class OperatingIndicators:
    """近三年主要经营指标（企业整体）。总营业收入增长率 2024、2025 年未填时按总营业收入计算。

    Attributes:
        employees (CountSeries): 2023–2025 年各年的数量（整数）。
        gross_margin (GrowthSeries): 2023–2025 年各年的增长率或利润率（%），可为负。
        taxes (AmountSeries): 2023–2025 年各年的金额（亿元等），不可为负。
        total_revenue (AmountSeries): 2023–2025 年各年的金额（亿元等），不可为负。
        total_revenue_growth (GrowthSeries | Unset): 2023–2025 年各年的增长率或利润率（%），可为负。
    """

    employees: CountSeries
    gross_margin: GrowthSeries
    taxes: AmountSeries
    total_revenue: AmountSeries
    total_revenue_growth: GrowthSeries | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        employees = self.employees.to_dict()

        gross_margin = self.gross_margin.to_dict()

        taxes = self.taxes.to_dict()

        total_revenue = self.total_revenue.to_dict()

        total_revenue_growth: dict[str, Any] | Unset = UNSET
        if not isinstance(self.total_revenue_growth, Unset):
            total_revenue_growth = self.total_revenue_growth.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "employees": employees,
                "gross_margin": gross_margin,
                "taxes": taxes,
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

        gross_margin = GrowthSeries.from_dict(d.pop("gross_margin"))

        taxes = AmountSeries.from_dict(d.pop("taxes"))

        total_revenue = AmountSeries.from_dict(d.pop("total_revenue"))

        _total_revenue_growth = d.pop("total_revenue_growth", UNSET)
        total_revenue_growth: GrowthSeries | Unset
        if isinstance(_total_revenue_growth, Unset):
            total_revenue_growth = UNSET
        else:
            total_revenue_growth = GrowthSeries.from_dict(_total_revenue_growth)

        operating_indicators = cls(
            employees=employees,
            gross_margin=gross_margin,
            taxes=taxes,
            total_revenue=total_revenue,
            total_revenue_growth=total_revenue_growth,
        )

        return operating_indicators
