from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.amount_series import AmountSeries
    from ..models.percent_series import PercentSeries


T = TypeVar("T", bound="EnterpriseRD")


@_attrs_define
class EnterpriseRD:
    """近三年研发投入情况。

    Attributes:
        key_field_rd_investment (AmountSeries): 2023–2025 年各年的金额（亿元等），不可为负。
        rd_intensity (PercentSeries): 2023–2025 年各年的占比（%），0–100。
        key_field_rd_intensity (PercentSeries | Unset): 2023–2025 年各年的占比（%），0–100。
    """

    key_field_rd_investment: AmountSeries
    rd_intensity: PercentSeries
    key_field_rd_intensity: PercentSeries | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        key_field_rd_investment = self.key_field_rd_investment.to_dict()

        rd_intensity = self.rd_intensity.to_dict()

        key_field_rd_intensity: dict[str, Any] | Unset = UNSET
        if not isinstance(self.key_field_rd_intensity, Unset):
            key_field_rd_intensity = self.key_field_rd_intensity.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "key_field_rd_investment": key_field_rd_investment,
                "rd_intensity": rd_intensity,
            }
        )
        if key_field_rd_intensity is not UNSET:
            field_dict["key_field_rd_intensity"] = key_field_rd_intensity

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.amount_series import AmountSeries
        from ..models.percent_series import PercentSeries

        d = dict(src_dict)
        key_field_rd_investment = AmountSeries.from_dict(d.pop("key_field_rd_investment"))

        rd_intensity = PercentSeries.from_dict(d.pop("rd_intensity"))

        _key_field_rd_intensity = d.pop("key_field_rd_intensity", UNSET)
        key_field_rd_intensity: PercentSeries | Unset
        if isinstance(_key_field_rd_intensity, Unset):
            key_field_rd_intensity = UNSET
        else:
            key_field_rd_intensity = PercentSeries.from_dict(_key_field_rd_intensity)

        enterprise_rd = cls(
            key_field_rd_investment=key_field_rd_investment,
            rd_intensity=rd_intensity,
            key_field_rd_intensity=key_field_rd_intensity,
        )

        return enterprise_rd
