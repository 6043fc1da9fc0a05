from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.amount_series import AmountSeries


T = TypeVar("T", bound="InnovationCooperation")


@_attrs_define
class InnovationCooperation:
    """主导产业创新合作情况。

    Attributes:
        technology_contract_value (AmountSeries): 2023–2025 年各年的金额（亿元等），不可为负。
    """

    technology_contract_value: AmountSeries

    def to_dict(self) -> dict[str, Any]:
        technology_contract_value = self.technology_contract_value.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "technology_contract_value": technology_contract_value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.amount_series import AmountSeries

        d = dict(src_dict)
        technology_contract_value = AmountSeries.from_dict(d.pop("technology_contract_value"))

        innovation_cooperation = cls(
            technology_contract_value=technology_contract_value,
        )

        return innovation_cooperation
