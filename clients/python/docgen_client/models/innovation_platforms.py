from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="InnovationPlatforms")


@_attrs_define
class InnovationPlatforms:
    """主导产业创新平台建设情况。

    Attributes:
        emerging_industry_innovation_centers (int):
        engineering_centers (int):
        major_facilities (int):
        manufacturing_innovation_centers (int):
        national_labs (int):
        pilot_platforms_and_incubators (int):
        state_key_labs (int):
        technology_innovation_centers (int):
        weighted_platforms (float):
    """

    emerging_industry_innovation_centers: int
    engineering_centers: int
    major_facilities: int
    manufacturing_innovation_centers: int
    national_labs: int
    pilot_platforms_and_incubators: int
    state_key_labs: int
    technology_innovation_centers: int
    weighted_platforms: float

    def to_dict(self) -> dict[str, Any]:
        emerging_industry_innovation_centers = self.emerging_industry_innovation_centers

        engineering_centers = self.engineering_centers

        major_facilities = self.major_facilities

        manufacturing_innovation_centers = self.manufacturing_innovation_centers

        national_labs = self.national_labs

        pilot_platforms_and_incubators = self.pilot_platforms_and_incubators

        state_key_labs = self.state_key_labs

        technology_innovation_centers = self.technology_innovation_centers

        weighted_platforms = self.weighted_platforms

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "emerging_industry_innovation_centers": emerging_industry_innovation_centers,
                "engineering_centers": engineering_centers,
                "major_facilities": major_facilities,
                "manufacturing_innovation_centers": manufacturing_innovation_centers,
                "national_labs": national_labs,
                "pilot_platforms_and_incubators": pilot_platforms_and_incubators,
                "state_key_labs": state_key_labs,
                "technology_innovation_centers": technology_innovation_centers,
                "weighted_platforms": weighted_platforms,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        emerging_industry_innovation_centers = d.pop("emerging_industry_innovation_centers")

        engineering_centers = d.pop("engineering_centers")

        major_facilities = d.pop("major_facilities")

        manufacturing_innovation_centers = d.pop("manufacturing_innovation_centers")

        national_labs = d.pop("national_labs")

        pilot_platforms_and_incubators = d.pop("pilot_platforms_and_incubators")

        state_key_labs = d.pop("state_key_labs")

        technology_innovation_centers = d.pop("technology_innovation_centers")

        weighted_platforms = d.pop("weighted_platforms")

        innovation_platforms = cls(
            emerging_industry_innovation_centers=emerging_industry_innovation_centers,
            engineering_centers=engineering_centers,
            major_facilities=major_facilities,
            manufacturing_innovation_centers=manufacturing_innovation_centers,
            national_labs=national_labs,
            pilot_platforms_and_incubators=pilot_platforms_and_incubators,
            state_key_labs=state_key_labs,
            technology_innovation_centers=technology_innovation_centers,
            weighted_platforms=weighted_platforms,
        )

        return innovation_platforms
