from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Standards")


@_attrs_define
class Standards:
    """重点领域标准供给情况。

    Attributes:
        industry (int):
        international (int):
        national (int):
        weighted_standards (float):
    """

    industry: int
    international: int
    national: int
    weighted_standards: float

    def to_dict(self) -> dict[str, Any]:
        industry = self.industry

        international = self.international

        national = self.national

        weighted_standards = self.weighted_standards

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "industry": industry,
                "international": international,
                "national": national,
                "weighted_standards": weighted_standards,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        industry = d.pop("industry")

        international = d.pop("international")

        national = d.pop("national")

        weighted_standards = d.pop("weighted_standards")

        standards = cls(
            industry=industry,
            international=international,
            national=national,
            weighted_standards=weighted_standards,
        )

        return standards
