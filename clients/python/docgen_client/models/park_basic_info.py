from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ParkBasicInfo")


@_attrs_define
class ParkBasicInfo:
    """园区基本信息。

    Attributes:
        address (str):
        approval_authority (str):
        approval_date (datetime.date):
        contact (str):
        head (str):
        management_body (str):
        name (str):
        phone (str): 一个或多个电话号码，逗号分隔；固定电话 020-83133305，手机 18688205188
    """

    address: str
    approval_authority: str
    approval_date: datetime.date
    contact: str
    head: str
    management_body: str
    name: str
    phone: str

    def to_dict(self) -> dict[str, Any]:
        address = self.address

        approval_authority = self.approval_authority

        approval_date = self.approval_date.isoformat()

        contact = self.contact

        head = self.head

        management_body = self.management_body

        name = self.name

        phone = self.phone

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "address": address,
                "approval_authority": approval_authority,
                "approval_date": approval_date,
                "contact": contact,
                "head": head,
                "management_body": management_body,
                "name": name,
                "phone": phone,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        address = d.pop("address")

        approval_authority = d.pop("approval_authority")

        approval_date = datetime.date.fromisoformat(d.pop("approval_date"))

        contact = d.pop("contact")

        head = d.pop("head")

        management_body = d.pop("management_body")

        name = d.pop("name")

        phone = d.pop("phone")

        park_basic_info = cls(
            address=address,
            approval_authority=approval_authority,
            approval_date=approval_date,
            contact=contact,
            head=head,
            management_body=management_body,
            name=name,
            phone=phone,
        )

        return park_basic_info
