from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ParkTalent")


@_attrs_define
class ParkTalent:
    """主导产业人才队伍建设情况。

    Attributes:
        high_level_talent (int):
        high_skilled (int):
        postgraduates (int):
        senior_titles (int):
        total_employees (int):
        high_level_share (float | None | Unset): 可不填，由主导产业高水平人才数量 ÷ 从业人员总数量计算
    """

    high_level_talent: int
    high_skilled: int
    postgraduates: int
    senior_titles: int
    total_employees: int
    high_level_share: float | Unset | None = UNSET

    def to_dict(self) -> dict[str, Any]:
        high_level_talent = self.high_level_talent

        high_skilled = self.high_skilled

        postgraduates = self.postgraduates

        senior_titles = self.senior_titles

        total_employees = self.total_employees

        high_level_share: float | Unset | None
        if isinstance(self.high_level_share, Unset):
            high_level_share = UNSET
        else:
            high_level_share = self.high_level_share

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "high_level_talent": high_level_talent,
                "high_skilled": high_skilled,
                "postgraduates": postgraduates,
                "senior_titles": senior_titles,
                "total_employees": total_employees,
            }
        )
        if high_level_share is not UNSET:
            field_dict["high_level_share"] = high_level_share

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        high_level_talent = d.pop("high_level_talent")

        high_skilled = d.pop("high_skilled")

        postgraduates = d.pop("postgraduates")

        senior_titles = d.pop("senior_titles")

        total_employees = d.pop("total_employees")

        def _parse_high_level_share(data: object) -> float | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        high_level_share = _parse_high_level_share(d.pop("high_level_share", UNSET))

        park_talent = cls(
            high_level_talent=high_level_talent,
            high_skilled=high_skilled,
            postgraduates=postgraduates,
            senior_titles=senior_titles,
            total_employees=total_employees,
            high_level_share=high_level_share,
        )

        return park_talent
