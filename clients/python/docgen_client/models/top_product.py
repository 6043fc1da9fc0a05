from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="TopProduct")


@_attrs_define
class TopProduct:
    """重点领域主导产品之一。

    Attributes:
        domestic_market_share (float):
        name (str):
        sales_revenue (float):
    """

    domestic_market_share: float
    name: str
    sales_revenue: float

    def to_dict(self) -> dict[str, Any]:
        domestic_market_share = self.domestic_market_share

        name = self.name

        sales_revenue = self.sales_revenue

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "domestic_market_share": domestic_market_share,
                "name": name,
                "sales_revenue": sales_revenue,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        domestic_market_share = d.pop("domestic_market_share")

        name = d.pop("name")

        sales_revenue = d.pop("sales_revenue")

        top_product = cls(
            domestic_market_share=domestic_market_share,
            name=name,
            sales_revenue=sales_revenue,
        )

        return top_product
