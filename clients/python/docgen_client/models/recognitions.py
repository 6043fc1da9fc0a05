from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Recognitions")


@_attrs_define
class Recognitions:
    """企业认定情况：已获得的认定打勾（true），其他认定写在“其他”中。

    Attributes:
        high_tech (bool | Unset):  Default: False.
        little_giant (bool | Unset):  Default: False.
        other (None | str | Unset): 其他认定，如“国家技术创新示范企业”
        single_champion (bool | Unset):  Default: False.
        specialized_sme (bool | Unset):  Default: False.
    """

    high_tech: bool | Unset = False
    little_giant: bool | Unset = False
    other: str | Unset | None = UNSET
    single_champion: bool | Unset = False
    specialized_sme: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        high_tech = self.high_tech

        little_giant = self.little_giant

        other: str | Unset | None
        if isinstance(self.other, Unset):
            other = UNSET
        else:
            other = self.other

        single_champion = self.single_champion

        specialized_sme = self.specialized_sme

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if high_tech is not UNSET:
            field_dict["high_tech"] = high_tech
        if little_giant is not UNSET:
            field_dict["little_giant"] = little_giant
        if other is not UNSET:
            field_dict["other"] = other
        if single_champion is not UNSET:
            field_dict["single_champion"] = single_champion
        if specialized_sme is not UNSET:
            field_dict["specialized_sme"] = specialized_sme

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        high_tech = d.pop("high_tech", UNSET)

        little_giant = d.pop("little_giant", UNSET)

        def _parse_other(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        other = _parse_other(d.pop("other", UNSET))

        single_champion = d.pop("single_champion", UNSET)

        specialized_sme = d.pop("specialized_sme", UNSET)

        recognitions = cls(
            high_tech=high_tech,
            little_giant=little_giant,
            other=other,
            single_champion=single_champion,
            specialized_sme=specialized_sme,
        )

        return recognitions
