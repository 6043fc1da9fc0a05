from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.amount_series import AmountSeries


T = TypeVar("T", bound="ParkFinancing")


@_attrs_define
class ParkFinancing:
    """主导产业融资情况。

    Attributes:
        financing_amount (AmountSeries): 2023–2025 年各年的金额（亿元等），不可为负。
    """

    financing_amount: AmountSeries

    def to_dict(self) -> dict[str, Any]:
        financing_amount = self.financing_amount.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "financing_amount": financing_amount,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.amount_series import AmountSeries

        d = dict(src_dict)
        financing_amount = AmountSeries.from_dict(d.pop("financing_amount"))

        park_financing = cls(
            financing_amount=financing_amount,
        )

        return park_financing
