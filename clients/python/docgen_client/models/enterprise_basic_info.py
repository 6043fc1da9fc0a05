from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.enterprise_basic_info_企业类型 import EnterpriseBasicInfo企业类型
from ..types import UNSET, Unset

T = TypeVar("T", bound="EnterpriseBasicInfo")


@_attrs_define
class EnterpriseBasicInfo:
    """企业基本信息。企业类型选“其他”时须填写具体类型。

    Attributes:
        contact (str):
        credit_code (str):
        enterprise_type (EnterpriseBasicInfo企业类型):
        established_date (datetime.date):
        legal_representative (str):
        main_business (str):
        name (str):
        phone (str): 一个或多个电话号码，逗号分隔；固定电话 020-83133305，手机 18688205188
        registered_address (str):
        enterprise_type_other (None | str | Unset): 企业类型为“其他”时必填，写明具体类型；否则不填
        parent_company_credit_code (None | str | Unset): 不在申请书上打印；用于批量推荐时检查集团公司与其子公司是否重复申报（通知规定不得重复申报）
    """

    contact: str
    credit_code: str
    enterprise_type: EnterpriseBasicInfo企业类型
    established_date: datetime.date
    legal_representative: str
    main_business: str
    name: str
    phone: str
    registered_address: str
    enterprise_type_other: str | Unset | None = UNSET
    parent_company_credit_code: str | Unset | None = UNSET

    def to_dict(self) -> dict[str, Any]:
        contact = self.contact

        credit_code = self.credit_code

        enterprise_type = self.enterprise_type.value

        established_date = self.established_date.isoformat()

        legal_representative = self.legal_representative

        main_business = self.main_business

        name = self.name

        phone = self.phone

        registered_address = self.registered_address

        enterprise_type_other: str | Unset | None
        if isinstance(self.enterprise_type_other, Unset):
            enterprise_type_other = UNSET
        else:
            enterprise_type_other = self.enterprise_type_other

        parent_company_credit_code: str | Unset | None
        if isinstance(self.parent_company_credit_code, Unset):
            parent_company_credit_code = UNSET
        else:
            parent_company_credit_code = self.parent_company_credit_code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "contact": contact,
                "credit_code": credit_code,
                "enterprise_type": enterprise_type,
                "established_date": established_date,
                "legal_representative": legal_representative,
                "main_business": main_business,
                "name": name,
                "phone": phone,
                "registered_address": registered_address,
            }
        )
        if enterprise_type_other is not UNSET:
            field_dict["enterprise_type_other"] = enterprise_type_other
        if parent_company_credit_code is not UNSET:
            field_dict["parent_company_credit_code"] = parent_company_credit_code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        contact = d.pop("contact")

        credit_code = d.pop("credit_code")

        enterprise_type = EnterpriseBasicInfo企业类型(d.pop("enterprise_type"))

        established_date = datetime.date.fromisoformat(d.pop("established_date"))

        legal_representative = d.pop("legal_representative")

        main_business = d.pop("main_business")

        name = d.pop("name")

        phone = d.pop("phone")

        registered_address = d.pop("registered_address")

        def _parse_enterprise_type_other(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        enterprise_type_other = _parse_enterprise_type_other(d.pop("enterprise_type_other", UNSET))

        def _parse_parent_company_credit_code(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        parent_company_credit_code = _parse_parent_company_credit_code(d.pop("parent_company_credit_code", UNSET))

        enterprise_basic_info = cls(
            contact=contact,
            credit_code=credit_code,
            enterprise_type=enterprise_type,
            established_date=established_date,
            legal_representative=legal_representative,
            main_business=main_business,
            name=name,
            phone=phone,
            registered_address=registered_address,
            enterprise_type_other=enterprise_type_other,
            parent_company_credit_code=parent_company_credit_code,
        )

        return enterprise_basic_info
