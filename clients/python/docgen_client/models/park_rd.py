from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.amount_series import AmountSeries
    from ..models.percent_series import PercentSeries


T = TypeVar("T", bound="ParkRD")


@_attrs_define
class ParkRD:
    """近三年研发投入情况。

    Attributes:
        leading_rd_intensity (PercentSeries): 2023–2025 年各年的占比（%），0–100。
        leading_rd_investment (AmountSeries): 2023–2025 年各年的金额（亿元等），不可为负。
        park_rd_intensity (PercentSeries): 2023–2025 年各年的占比（%），0–100。
    """

    leading_rd_intensity: PercentSeries
    leading_rd_investment: AmountSeries
    park_rd_intensity: PercentSeries

    def to_dict(self) -> dict[str, Any]:
        leading_rd_intensity = self.leading_rd_intensity.to_dict()

        leading_rd_investment = self.leading_rd_investment.to_dict()

        park_rd_intensity = self.park_rd_intensity.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "leading_rd_intensity": leading_rd_intensity,
                "leading_rd_investment": leading_rd_investment,
                "park_rd_intensity": park_rd_intensity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.amount_series import AmountSeries
        from ..models.percent_series import PercentSeries

        d = dict(src_dict)
        leading_rd_intensity = PercentSeries.from_dict(d.pop("leading_rd_intensity"))

        leading_rd_investment = AmountSeries.from_dict(d.pop("leading_rd_investment"))

        park_rd_intensity = PercentSeries.from_dict(d.pop("park_rd_intensity"))

        park_rd = cls(
            leading_rd_intensity=leading_rd_intensity,
            leading_rd_investment=leading_rd_investment,
            park_rd_intensity=park_rd_intensity,
        )

        return park_rd
