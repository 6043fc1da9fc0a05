from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Recommendation")


@_attrs_define
class Recommendation:
    """四、推荐单位意见：通常留空，由推荐单位手写并盖章；如已有意见可在此填写。

    Attributes:
        date (datetime.date | None | Unset):
        opinion (None | str | Unset):
    """

    date: datetime.date | Unset | None = UNSET
    opinion: str | Unset | None = UNSET

    def to_dict(self) -> dict[str, Any]:
        date: str | Unset | None
        if isinstance(self.date, Unset):
            date = UNSET
        elif isinstance(self.date, datetime.date):
            date = self.date.isoformat()
        else:
            date = self.date

        opinion: str | Unset | None
        if isinstance(self.opinion, Unset):
            opinion = UNSET
        else:
            opinion = self.opinion

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if date is not UNSET:
            field_dict["date"] = date
        if opinion is not UNSET:
            field_dict["opinion"] = opinion

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_date(data: object) -> datetime.date | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                date_type_0 = datetime.date.fromisoformat(data)

                return date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        date = _parse_date(d.pop("date", UNSET))

        def _parse_opinion(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        opinion = _parse_opinion(d.pop("opinion", UNSET))

        recommendation = cls(
            date=date,
            opinion=opinion,
        )

        return recommendation
