from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ParkOverall")


@_attrs_define
class ParkOverall:
    """总体情况：面积与近三年单位土地平均投资强度、产出。

    Attributes:
        built_area (float):
        land_investment_intensity (float):
        land_output (float):
        planned_area (float):
    """

    built_area: float
    land_investment_intensity: float
    land_output: float
    planned_area: float

    def to_dict(self) -> dict[str, Any]:
        built_area = self.built_area

        land_investment_intensity = self.land_investment_intensity

        land_output = self.land_output

        planned_area = self.planned_area

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "built_area": built_area,
                "land_investment_intensity": land_investment_intensity,
                "land_output": land_output,
                "planned_area": planned_area,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        built_area = d.pop("built_area")

        land_investment_intensity = d.pop("land_investment_intensity")

        land_output = d.pop("land_output")

        planned_area = d.pop("planned_area")

        park_overall = cls(
            built_area=built_area,
            land_investment_intensity=land_investment_intensity,
            land_output=land_output,
            planned_area=planned_area,
        )

        return park_overall
