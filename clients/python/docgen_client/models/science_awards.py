from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ScienceAwards")


@_attrs_define
class ScienceAwards:
    """重点领域重大技术突破情况（国家和省部级科技奖励）。

    Attributes:
        invention_first (int):
        invention_second (int):
        invention_special (int):
        natural_science_first (int):
        natural_science_second (int):
        natural_science_special (int):
        progress_first (int):
        progress_second (int):
        progress_special (int):
        provincial (int):
        weighted_awards (float):
    """

    invention_first: int
    invention_second: int
    invention_special: int
    natural_science_first: int
    natural_science_second: int
    natural_science_special: int
    progress_first: int
    progress_second: int
    progress_special: int
    provincial: int
    weighted_awards: float

    def to_dict(self) -> dict[str, Any]:
        invention_first = self.invention_first

        invention_second = self.invention_second

        invention_special = self.invention_special

        natural_science_first = self.natural_science_first

        natural_science_second = self.natural_science_second

        natural_science_special = self.natural_science_special

        progress_first = self.progress_first

        progress_second = self.progress_second

        progress_special = self.progress_special

        provincial = self.provincial

        weighted_awards = self.weighted_awards

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "invention_first": invention_first,
                "invention_second": invention_second,
                "invention_special": invention_special,
                "natural_science_first": natural_science_first,
                "natural_science_second": natural_science_second,
                "natural_science_special": natural_science_special,
                "progress_first": progress_first,
                "progress_second": progress_second,
                "progress_special": progress_special,
                "provincial": provincial,
                "weighted_awards": weighted_awards,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        invention_first = d.pop("invention_first")

        invention_second = d.pop("invention_second")

        invention_special = d.pop("invention_special")

        natural_science_first = d.pop("natural_science_first")

        natural_science_second = d.pop("natural_science_second")

        natural_science_special = d.pop("natural_science_special")

        progress_first = d.pop("progress_first")

        progress_second = d.pop("progress_second")

        progress_special = d.pop("progress_special")

        provincial = d.pop("provincial")

        weighted_awards = d.pop("weighted_awards")

        science_awards = cls(
            invention_first=invention_first,
            invention_second=invention_second,
            invention_special=invention_special,
            natural_science_first=natural_science_first,
            natural_science_second=natural_science_second,
            natural_science_special=natural_science_special,
            progress_first=progress_first,
            progress_second=progress_second,
            progress_special=progress_special,
            provincial=provincial,
            weighted_awards=weighted_awards,
        )

        return science_awards
