from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="TopEnterprise")


@_attrs_define
class TopEnterprise:
    """主导产业营业收入排名前十的企业之一。

    Attributes:
        main_business (str):
        name (str):
        revenue (float):
    """

    main_business: str
    name: str
    revenue: float

    def to_dict(self) -> dict[str, Any]:
        main_business = self.main_business

        name = self.name

        revenue = self.revenue

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "main_business": main_business,
                "name": name,
                "revenue": revenue,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        main_business = d.pop("main_business")

        name = d.pop("name")

        revenue = d.pop("revenue")

        top_enterprise = cls(
            main_business=main_business,
            name=name,
            revenue=revenue,
        )

        return top_enterprise
