from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.creation_field import CreationField

T = TypeVar("T", bound="CoverInfo")


@_attrs_define
class CoverInfo:
    """封面：申报单位、申报领域、推荐单位和填报日期。

    Attributes:
        applicant (str): 申报单位全称（加盖公章的单位）
        creation_field (CreationField): 创建领域：通知规定的十个领域之一。
        fill_date (datetime.date):
        recommender (str): 推荐单位全称，一般为省级工业和信息化主管部门
    """

    applicant: str
    creation_field: CreationField
    fill_date: datetime.date
    recommender: str

    def to_dict(self) -> dict[str, Any]:
        applicant = self.applicant

        creation_field = self.creation_field.value

        fill_date = self.fill_date.isoformat()

        recommender = self.recommender

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "applicant": applicant,
                "creation_field": creation_field,
                "fill_date": fill_date,
                "recommender": recommender,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        applicant = d.pop("applicant")

        creation_field = CreationField(d.pop("creation_field"))

        fill_date = datetime.date.fromisoformat(d.pop("fill_date"))

        recommender = d.pop("recommender")

        cover_info = cls(
            applicant=applicant,
            creation_field=creation_field,
            fill_date=fill_date,
            recommender=recommender,
        )

        return cover_info
