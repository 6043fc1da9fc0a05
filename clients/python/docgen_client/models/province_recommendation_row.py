from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.category import Category
from ..models.creation_field import CreationField
from ..types import UNSET, Unset

T = TypeVar("T", bound="ProvinceRecommendationRow")


@_attrs_define
class ProvinceRecommendationRow:
    """省级推荐汇总表中的一行：一个申报对象（该表无备注栏）。

    Attributes:
        applicant (str): 盖章的申报单位，如园区管理机构或企业本身
        category (Category): 申报类别：园区或企业。
        creation_field (CreationField): 创建领域：通知规定的十个领域之一。
        name (str):
        priority (int): 在同一申报类别（园区类或企业类）内按推荐优先级从 1 开始连续编号，即表中的序号
        credit_code (None | str | Unset): 申报单位的统一社会信用代码（选填，不在表中显示）；填写后用于核对同一单位是否重复申报
    """

    applicant: str
    category: Category
    creation_field: CreationField
    name: str
    priority: int
    credit_code: str | Unset | None = UNSET

    def to_dict(self) -> dict[str, Any]:
        applicant = self.applicant

        category = self.category.value

        creation_field = self.creation_field.value

        name = self.name

        priority = self.priority

        credit_code: str | Unset | None
        if isinstance(self.credit_code, Unset):
            credit_code = UNSET
        else:
            credit_code = self.credit_code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "applicant": applicant,
                "category": category,
                "creation_field": creation_field,
                "name": name,
                "priority": priority,
            }
        )
        if credit_code is not UNSET:
            field_dict["credit_code"] = credit_code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        applicant = d.pop("applicant")

        category = Category(d.pop("category"))

        creation_field = CreationField(d.pop("creation_field"))

        name = d.pop("name")

        priority = d.pop("priority")

        def _parse_credit_code(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        credit_code = _parse_credit_code(d.pop("credit_code", UNSET))

        province_recommendation_row = cls(
            applicant=applicant,
            category=category,
            creation_field=creation_field,
            name=name,
            priority=priority,
            credit_code=credit_code,
        )

        return province_recommendation_row
