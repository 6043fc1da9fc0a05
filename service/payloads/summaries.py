"""推荐汇总表: the city's table to the provincial department (广东 附件1) and the province's to the ministry
(工业和信息化部 附件1).

Rows carry their recommendation priority; as the note of the city table demands, parks and enterprises are
two separate lists, each ordered by priority and numbered from 1. `check()` enforces unique, contiguous
priorities per category and that each applicant appears once (by name, by park/enterprise name and, where
given, by 统一社会信用代码).
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from pydantic import Field

from service.payloads import FormPayload
from service.payloads.common import (
    AnnexMark,
    CreationFieldValue,
    CreditCode,
    PayloadModel,
    ShortText,
    annex_mark_field,
)
from service.payloads.errors import Loc
from service.payloads.rules import Problem

SUMMARY_TITLE = "国家新兴产业发展示范基地创建对象推荐汇总表"
BLANK_REGION = "××市"
CITY_NOTE = "注：请按推荐优先级排序，园区类和企业类分别单独列表。"


class Category(StrEnum):
    """申报类别：园区或企业。"""

    PARK = "园区"
    ENTERPRISE = "企业"


class RecommendationRow(PayloadModel):
    """推荐汇总表中的一行：一个申报对象。"""

    priority: int = Field(
        ge=1,
        le=999,
        title="推荐优先级（序号）",
        description="在同一申报类别（园区类或企业类）内按推荐优先级从 1 开始连续编号，即表中的序号",
    )
    applicant: ShortText = Field(title="申报单位名称", description="盖章的申报单位，如园区管理机构或企业本身")
    name: ShortText = Field(title="园区/企业名称")
    category: Category = Field(title="申报类别（园区/企业）")
    creation_field: CreationFieldValue = Field(title="申报创建领域", description="通知规定的十个创建领域之一")
    credit_code: CreditCode | None = Field(
        default=None,
        title="统一社会信用代码",
        description="申报单位的统一社会信用代码（选填，不在表中显示）；填写后用于核对同一单位是否重复申报",
    )


class CityRecommendationRow(RecommendationRow):
    """地市推荐汇总表中的一行：一个申报对象及备注。"""

    remark: str | None = Field(default=None, max_length=200, title="备注")


class ProvinceRecommendationRow(RecommendationRow):
    """省级推荐汇总表中的一行：一个申报对象（该表无备注栏）。"""


def identity_key(text: str) -> str:
    """Compare names as a reader would: ignore whitespace and full/half-width differences."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def check_rows(rows: list[RecommendationRow]) -> list[Problem]:
    """Priorities unique and contiguous per category; each applicant, object and credit code once."""
    problems: list[Problem] = []
    for category in Category:
        members = [(i, r) for i, r in enumerate(rows) if r.category == category]
        seen: dict[int, int] = {}
        for i, row in members:
            if row.priority in seen:
                problems.append(
                    Problem(
                        ("rows", i, "priority"),
                        "priority_duplicate",
                        f"{category.value}类推荐优先级 {row.priority} 重复（与第 {seen[row.priority] + 1} 行相同），"
                        "每个优先级只能使用一次",
                    )
                )
            else:
                seen[row.priority] = i
        expected = set(range(1, len(members) + 1))
        missing = sorted(expected - set(seen))
        beyond = [(i, r) for i, r in members if r.priority not in expected]
        if missing:
            for i, row in beyond:
                problems.append(
                    Problem(
                        ("rows", i, "priority"),
                        "priority_not_contiguous",
                        f"{category.value}类共 {len(members)} 个申报对象，"
                        f"推荐优先级应为 1 至 {len(members)} 的连续整数，"
                        f"缺少 {'、'.join(map(str, missing))}，而本行为 {row.priority}",
                    )
                )
    for attr, what, code in (
        ("applicant", "申报单位", "applicant_duplicate"),
        ("name", "园区/企业", "object_duplicate"),
        ("credit_code", "统一社会信用代码", "credit_code_duplicate"),
    ):
        first: dict[str, int] = {}
        for i, row in enumerate(rows):
            value = getattr(row, attr)
            if value is None:
                continue
            key = identity_key(value)
            if key in first:
                loc: Loc = ("rows", i, attr)
                problems.append(
                    Problem(
                        loc,
                        code,
                        f"{what}“{value}”已在第 {first[key] + 1} 行出现：每个申报对象只能申报一次、限申报 1 个创建领域",
                    )
                )
            else:
                first[key] = i
    return problems


class _RecommendationSummary(FormPayload):
    recommender: ShortText = Field(
        title="推荐单位（盖章）", description="填报本表的工业和信息化主管部门，如 广州市工业和信息化局"
    )
    annex_mark: AnnexMark = annex_mark_field("附件1", place="表格首行左上角")

    def _rows(self) -> list[RecommendationRow]:
        return list(self.rows)  # type: ignore[attr-defined]

    @property
    def parks(self) -> list[RecommendationRow]:
        """园区类：按推荐优先级排序。"""
        return sorted((r for r in self._rows() if r.category == Category.PARK), key=lambda r: r.priority)

    @property
    def enterprises(self) -> list[RecommendationRow]:
        """企业类：按推荐优先级排序。"""
        return sorted((r for r in self._rows() if r.category == Category.ENTERPRISE), key=lambda r: r.priority)

    def check(self) -> list[Problem]:
        return check_rows(self._rows())

    def applicant_name(self) -> str:
        return self.recommender


class CityRecommendationSummary(_RecommendationSummary):
    """地市国家新兴产业发展示范基地创建对象推荐汇总表（广东省通知附件1）：园区类和企业类分别列表，按推荐优先级排序。"""

    region: ShortText = Field(
        title="地市名称", description="用于表名“<地市>国家新兴产业发展示范基地创建对象推荐汇总表”，如 广州市"
    )
    rows: list[CityRecommendationRow] = Field(min_length=1, max_length=200, title="推荐对象")

    def document_title(self) -> str:
        return f"{self.region}{SUMMARY_TITLE}"


class ProvinceRecommendationSummary(_RecommendationSummary):
    """国家新兴产业发展示范基地创建对象推荐汇总表（工业和信息化部通知附件1）：省级主管部门报部，园区类和企业类分别列表。"""

    rows: list[ProvinceRecommendationRow] = Field(min_length=1, max_length=500, title="推荐对象")

    def document_title(self) -> str:
        return SUMMARY_TITLE
