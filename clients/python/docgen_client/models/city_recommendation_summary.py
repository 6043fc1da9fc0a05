from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.city_recommendation_row import CityRecommendationRow


T = TypeVar("T", bound="CityRecommendationSummary")


@_attrs_define
class CityRecommendationSummary:
    """地市国家新兴产业发展示范基地创建对象推荐汇总表（广东省通知附件1）：园区类和企业类分别列表，按推荐优先级排序。

    Attributes:
        recommender (str): 填报本表的工业和信息化主管部门，如 广州市工业和信息化局
        region (str): 用于表名“<地市>国家新兴产业发展示范基地创建对象推荐汇总表”，如 广州市
        rows (list[CityRecommendationRow]):
        annex_mark (str | Unset): 表格首行左上角的附件标注，默认“附件1”；空字符串表示不标注。作为公文附件时由公文重新编号 Default: '附件1'.
    """

    recommender: str
    region: str
    rows: list[CityRecommendationRow]
    annex_mark: str | Unset = "附件1"

    def to_dict(self) -> dict[str, Any]:
        recommender = self.recommender

        region = self.region

        rows = []
        for rows_item_data in self.rows:
            rows_item = rows_item_data.to_dict()
            rows.append(rows_item)

        annex_mark = self.annex_mark

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "recommender": recommender,
                "region": region,
                "rows": rows,
            }
        )
        if annex_mark is not UNSET:
            field_dict["annex_mark"] = annex_mark

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.city_recommendation_row import CityRecommendationRow

        d = dict(src_dict)
        recommender = d.pop("recommender")

        region = d.pop("region")

        rows = []
        _rows = d.pop("rows")
        for rows_item_data in _rows:
            rows_item = CityRecommendationRow.from_dict(rows_item_data)

            rows.append(rows_item)

        annex_mark = d.pop("annex_mark", UNSET)

        city_recommendation_summary = cls(
            recommender=recommender,
            region=region,
            rows=rows,
            annex_mark=annex_mark,
        )

        return city_recommendation_summary
