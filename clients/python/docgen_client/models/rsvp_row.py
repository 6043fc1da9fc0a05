from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.attendance_mode import AttendanceMode
from ..types import UNSET, Unset

T = TypeVar("T", bound="RsvpRow")


@_attrs_define
class RsvpRow:
    """参会回执中的一行：一位参会人员。

    Attributes:
        city (str): 如 广州市
        mode (AttendanceMode): 参会形式：线上或线下。
        name (str):
        organisation (str):
        phone (str): 一个或多个电话号码，逗号分隔；固定电话 020-83133305，手机 18688205188
        remark (None | str | Unset):
    """

    city: str
    mode: AttendanceMode
    name: str
    organisation: str
    phone: str
    remark: str | Unset | None = UNSET

    def to_dict(self) -> dict[str, Any]:
        city = self.city

        mode = self.mode.value

        name = self.name

        organisation = self.organisation

        phone = self.phone

        remark: str | Unset | None
        if isinstance(self.remark, Unset):
            remark = UNSET
        else:
            remark = self.remark

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "city": city,
                "mode": mode,
                "name": name,
                "organisation": organisation,
                "phone": phone,
            }
        )
        if remark is not UNSET:
            field_dict["remark"] = remark

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        city = d.pop("city")

        mode = AttendanceMode(d.pop("mode"))

        name = d.pop("name")

        organisation = d.pop("organisation")

        phone = d.pop("phone")

        def _parse_remark(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        remark = _parse_remark(d.pop("remark", UNSET))

        rsvp_row = cls(
            city=city,
            mode=mode,
            name=name,
            organisation=organisation,
            phone=phone,
            remark=remark,
        )

        return rsvp_row
