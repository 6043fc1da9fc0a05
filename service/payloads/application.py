"""Parts shared by the two application forms (附件2 示范园区, 附件3 示范企业).

Both forms have the same cover, the same 创建工作方案 with five parts, the same 推荐单位意见 block, the
same 有效发明专利 rows and the same talent rows (only two labels differ). The cross-field rules that
apply to year series (stated ratio vs computed, part ≤ total per year) and to ranked lists live here
too, so that the two forms word their errors the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Self, TypeVar

from pydantic import Field

from service.payloads.common import (
    YEARS,
    Amount,
    Count,
    CreationFieldValue,
    FormDate,
    NarrativeText,
    PayloadModel,
    Percent,
    ShortText,
    YearSeries,
)
from service.payloads.errors import Loc
from service.payloads.rules import Problem, check_growth, check_not_above, check_ratio, growth_percent, percent_of

AnySeries = YearSeries[Decimal] | YearSeries[int]
"""Any concrete series: AmountSeries, PercentSeries, GrowthSeries hold Decimals, CountSeries ints."""

# The bound's Any only widens what S may bind to: S itself is the caller's concrete series type.
S = TypeVar("S", bound=YearSeries[Any])

WeightedCount = Amount
"""A 加权数量 row (优质企业, 创新平台, 专利, 智能工厂, 科技奖励, 标准): the weights are not public, so the
value is input as given (a non-negative number), never computed from the counts."""


# --- Models ---------------------------------------------------------------------------------------------


# The cover's underlined value column holds 16 characters of 三号 (96 mm less the cell margins, 5.64 mm each).
COVER_LINE_CHARS = 16


def _width(text: str) -> float:
    """Width in full-width characters: ASCII letters, digits and spaces are half as wide."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _words(text: str) -> list[str]:
    """Words of a Chinese name (jieba), so that a line never ends inside 委员会 or 有限公司."""
    import jieba  # imported on first use: loading its dictionary takes a moment

    jieba.setLogLevel(60)
    words: list[str] = []
    for word in jieba.lcut(text, HMM=False):
        # A word longer than a line can only be broken between characters.
        while _width(word) > COVER_LINE_CHARS:
            words.append(word[:COVER_LINE_CHARS])
            word = word[COVER_LINE_CHARS:]
        words.append(word)
    return words


def cover_lines(text: str, capacity: int = COVER_LINE_CHARS) -> list[str]:
    """Break `text` between words into as few lines of at most `capacity` as possible, as even as possible."""
    if _width(text) <= capacity:
        return [text]
    words = _words(text)
    n = len(words)
    # best[i] = (lines, longest line) for words[i:], with the break positions that achieve it.
    best: list[tuple[int, float, list[int]] | None] = [None] * n + [(0, 0.0, [])]
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, n + 1):
            line = _width("".join(words[i:j]))
            if line > capacity:
                break
            rest = best[j]
            if rest is None:
                continue
            candidate = (rest[0] + 1, max(line, rest[1]), [j, *rest[2]])
            if best[i] is None or candidate[:2] < best[i][:2]:  # type: ignore[index]
                best[i] = candidate
    breaks = best[0][2] if best[0] is not None else [n]
    lines, start = [], 0
    for end in breaks:
        lines.append("".join(words[start:end]).strip())
        start = end
    return [line for line in lines if line]  # spaces at a break are dropped


class CoverInfo(PayloadModel):
    """封面：申报单位、申报领域、推荐单位和填报日期。"""

    applicant: ShortText = Field(title="申报单位", description="申报单位全称（加盖公章的单位）")
    creation_field: CreationFieldValue = Field(title="申报领域", description="通知规定的十个创建领域之一")
    recommender: ShortText = Field(title="推荐单位", description="推荐单位全称，一般为省级工业和信息化主管部门")
    fill_date: FormDate = Field(title="填报日期")

    @property
    def applicant_lines(self) -> list[str]:
        """申报单位 on the cover's underlined lines, broken between words."""
        return cover_lines(self.applicant)

    @property
    def recommender_lines(self) -> list[str]:
        return cover_lines(self.recommender)


class CreationPlan(PayloadModel):
    """二、创建工作方案：发展基础、总体思路、重点任务、进度安排、保障措施，每部分不超过 2000 字，换行分段。"""

    development_basis: NarrativeText = Field(title="发展基础")
    overall_approach: NarrativeText = Field(title="总体思路")
    key_tasks: NarrativeText = Field(title="重点任务")
    schedule: NarrativeText = Field(title="进度安排")
    safeguards: NarrativeText = Field(title="保障措施")


class Recommendation(PayloadModel):
    """四、推荐单位意见：通常留空，由推荐单位手写并盖章；如已有意见可在此填写。"""

    opinion: NarrativeText | None = Field(default=None, title="推荐意见")
    date: FormDate | None = Field(default=None, title="推荐日期")


class PatentOutput(PayloadModel):
    """创新成果（知识产权）产出情况：仅统计作为第一完成单位的专利。"""

    invention_patents: Count = Field(title="有效发明专利数量（件）")
    gold_awards: Count = Field(title="其中，获得中国专利奖金奖数量（件）")
    silver_awards: Count = Field(title="其中，获得中国专利奖银奖数量（件）")
    weighted_patents: WeightedCount = Field(title="有效发明专利加权数量（件，同一专利不重复计算）")

    def problems(self, loc: Loc) -> list[Problem]:
        # "其中" rows are subsets of the valid invention patents; a patent wins at most one of the two awards.
        out = check_not_above(
            (*loc, "gold_awards"),
            self.gold_awards,
            self.invention_patents,
            "获得中国专利奖金奖数量",
            "有效发明专利数量",
        )
        out += check_not_above(
            (*loc, "silver_awards"),
            self.silver_awards,
            self.invention_patents,
            "获得中国专利奖银奖数量",
            "有效发明专利数量",
        )
        if not out:
            out += check_not_above(
                (*loc, "silver_awards"),
                self.gold_awards + self.silver_awards,
                self.invention_patents,
                "获得中国专利奖金奖与银奖数量之和",
                "有效发明专利数量",
            )
        return out


HIGH_LEVEL_NOTE = "高水平人才包括研究生学历人员、高级职称人员和高技能人才，同一人员不重复计算"


class TalentPool(PayloadModel):
    """人才情况：研究生学历、高级职称、高技能人才与高水平人才（同一人员不重复计算）。"""

    postgraduates: Count = Field(title="研究生学历人员数量（人）")
    senior_titles: Count = Field(title="高级职称人员数量（人）")
    high_skilled: Count = Field(title="高技能人才数量（人）")
    total_employees: Count = Field(title="从业人员总数量（人）")
    high_level_talent: Count = Field(title=f"高水平人才数量（{HIGH_LEVEL_NOTE}）")
    high_level_share: Percent | None = Field(default=None, title="高水平人才占比（%）")

    def problems(self, loc: Loc) -> list[Problem]:
        out: list[Problem] = []
        categories = (
            ("postgraduates", self.postgraduates, "研究生学历人员数量"),
            ("senior_titles", self.senior_titles, "高级职称人员数量"),
            ("high_skilled", self.high_skilled, "高技能人才数量"),
        )
        # Each category is part of the high-level talent (the union of the three) ...
        for name, value, label in categories:
            out += check_not_above((*loc, name), value, self.high_level_talent, label, "高水平人才数量")
        # ... which is part of all employees, and at most the sum of the three (people are counted once).
        out += check_not_above(
            (*loc, "high_level_talent"),
            self.high_level_talent,
            self.total_employees,
            "高水平人才数量",
            "从业人员总数量",
        )
        total = sum(value for _, value, _ in categories)
        if self.high_level_talent > total:
            out.append(
                Problem(
                    (*loc, "high_level_talent"),
                    "exceeds_sum",
                    f"高水平人才数量（{self.high_level_talent}）不能大于研究生学历、高级职称、高技能人才数量之和"
                    f"（{total}）：三类人员的并集不会多于三者相加",
                )
            )
        out += check_ratio(
            (*loc, "high_level_share"),
            self.high_level_share,
            self.high_level_talent,
            self.total_employees,
            "高水平人才数量 ÷ 从业人员总数量 × 100",
        )
        return out

    def completed(self) -> Self:
        # Derived: 高水平人才占比 = 高水平人才数量 / 从业人员总数量 × 100 (both are rows of the same block).
        if self.high_level_share is not None:
            return self
        return self.model_copy(update={"high_level_share": percent_of(self.high_level_talent, self.total_employees)})


# --- Year-series rules ---------------------------------------------------------------------------------------


def _key(year: int) -> str:
    return str(year)


def _attr(year: int) -> str:
    return f"y{year}"


def series_not_above(loc: Loc, part: AnySeries, total: AnySeries, part_label: str, total_label: str) -> list[Problem]:
    """Per year: a part series never exceeds its total series."""
    out: list[Problem] = []
    for year in YEARS:
        out += check_not_above(
            (*loc, _key(year)),
            getattr(part, _attr(year)),
            getattr(total, _attr(year)),
            f"{year} 年{part_label}",
            f"{year} 年{total_label}",
        )
    return out


def series_ratio(loc: Loc, stated: AnySeries, part: AnySeries, total: AnySeries, what: str) -> list[Problem]:
    """Per year: a stated share agrees with part / total × 100 (not checked where the part exceeds the total:
    that is reported on the part, and a share above 100 would only repeat it)."""
    out: list[Problem] = []
    for year in YEARS:
        p, t = getattr(part, _attr(year)), getattr(total, _attr(year))
        if p is not None and t is not None and p > t:
            continue
        out += check_ratio(
            (*loc, _key(year)),
            getattr(stated, _attr(year)),
            getattr(part, _attr(year)),
            getattr(total, _attr(year)),
            f"{year} 年{what}",
        )
    return out


def series_growth(loc: Loc, stated: AnySeries, base: AnySeries, what: str) -> list[Problem]:
    """2024 and 2025: a stated growth rate agrees with the year-on-year change of `base`.

    2023's rate needs the 2022 value, which the form does not ask for: it is input and not checked.
    """
    out: list[Problem] = []
    for year in YEARS[1:]:
        out += check_growth(
            (*loc, _key(year)),
            getattr(stated, _attr(year)),
            getattr(base, _attr(year)),
            getattr(base, _attr(year - 1)),
            f"{year} 年与 {year - 1} 年{what}",
        )
    return out


def fill_series(series: S, compute: Callable[[int], Decimal | None], years: Sequence[int] = YEARS) -> S:
    """A copy of `series` with each omitted year of `years` set to compute(year) (when that is defined)."""
    update = {}
    for year in years:
        if getattr(series, _attr(year)) is None:
            value = compute(year)
            if value is not None:
                update[_attr(year)] = value
    return series.model_copy(update=update) if update else series


def share_series(stated: S, part: AnySeries, total: AnySeries) -> S:
    """Fill omitted years of a share with part / total × 100."""
    return fill_series(stated, lambda y: percent_of(getattr(part, _attr(y)), getattr(total, _attr(y))))


def growth_series(stated: S, base: AnySeries) -> S:
    """Fill omitted 2024/2025 growth rates with the year-on-year change of `base` (2023 stays input)."""
    return fill_series(
        stated, lambda y: growth_percent(getattr(base, _attr(y)), getattr(base, _attr(y - 1))), years=YEARS[1:]
    )


def margin_at_most_100(loc: Loc, series: AnySeries, label: str) -> list[Problem]:
    """A (gross) margin is a share of revenue: at most 100 %, though it may be negative."""
    out: list[Problem] = []
    for year in YEARS:
        value = getattr(series, _attr(year))
        if value is not None and value > 100:
            out.append(Problem((*loc, _key(year)), "out_of_range", f"{year} 年{label}不能大于 100（现为 {value}）"))
    return out


def ranked_descending(loc: Loc, values: Sequence[Decimal], what: str) -> list[Problem]:
    """A ranked list (前十企业, 前五产品) is ordered by `what`, highest first."""
    for index in range(1, len(values)):
        if values[index] > values[index - 1]:
            return [
                Problem(
                    loc,
                    "not_sorted",
                    f"应按{what}从高到低排列：第 {index + 1} 行（{values[index]}）"
                    f"高于第 {index} 行（{values[index - 1]}）",
                )
            ]
    return []


def date_not_after(loc: Loc, earlier: object, later: object, earlier_label: str, later_label: str) -> list[Problem]:
    if earlier is None or later is None or earlier <= later:  # type: ignore[operator]
        return []
    return [Problem(loc, "date_order", f"{earlier_label}（{earlier}）不能晚于{later_label}（{later}）")]
