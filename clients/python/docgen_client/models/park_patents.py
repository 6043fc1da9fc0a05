from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ParkPatents")


@_attrs_define
class ParkPatents:
    """主导产业创新成果产出情况（仅统计作为第一完成单位的专利）。

    Attributes:
        gold_awards (int):
        invention_patents (int):
        silver_awards (int):
        weighted_patents (float):
    """

    gold_awards: int
    invention_patents: int
    silver_awards: int
    weighted_patents: float

    def to_dict(self) -> dict[str, Any]:
        gold_awards = self.gold_awards

        invention_patents = self.invention_patents

        silver_awards = self.silver_awards

        weighted_patents = self.weighted_patents

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "gold_awards": gold_awards,
                "invention_patents": invention_patents,
                "silver_awards": silver_awards,
                "weighted_patents": weighted_patents,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        gold_awards = d.pop("gold_awards")

        invention_patents = d.pop("invention_patents")

        silver_awards = d.pop("silver_awards")

        weighted_patents = d.pop("weighted_patents")

        park_patents = cls(
            gold_awards=gold_awards,
            invention_patents=invention_patents,
            silver_awards=silver_awards,
            weighted_patents=weighted_patents,
        )

        return park_patents
