from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CountSeries")


@_attrs_define
class CountSeries:
    """2023–2025 年各年的数量（整数）。

    Attributes:
        field_2023 (int | None | Unset):
        field_2024 (int | None | Unset):
        field_2025 (int | None | Unset):
    """

    field_2023: int | Unset | None = UNSET
    field_2024: int | Unset | None = UNSET
    field_2025: int | Unset | None = UNSET

    def to_dict(self) -> dict[str, Any]:
        field_2023: int | Unset | None
        if isinstance(self.field_2023, Unset):
            field_2023 = UNSET
        else:
            field_2023 = self.field_2023

        field_2024: int | Unset | None
        if isinstance(self.field_2024, Unset):
            field_2024 = UNSET
        else:
            field_2024 = self.field_2024

        field_2025: int | Unset | None
        if isinstance(self.field_2025, Unset):
            field_2025 = UNSET
        else:
            field_2025 = self.field_2025

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if field_2023 is not UNSET:
            field_dict["2023"] = field_2023
        if field_2024 is not UNSET:
            field_dict["2024"] = field_2024
        if field_2025 is not UNSET:
            field_dict["2025"] = field_2025

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_field_2023(data: object) -> int | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        field_2023 = _parse_field_2023(d.pop("2023", UNSET))

        def _parse_field_2024(data: object) -> int | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        field_2024 = _parse_field_2024(d.pop("2024", UNSET))

        def _parse_field_2025(data: object) -> int | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        field_2025 = _parse_field_2025(d.pop("2025", UNSET))

        count_series = cls(
            field_2023=field_2023,
            field_2024=field_2024,
            field_2025=field_2025,
        )

        return count_series
