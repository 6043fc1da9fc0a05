"""Cross-field rules shared by the forms: parts within totals, ratios that other fields define.

A rule yields `Problem`s with the path of the field at fault; `service.payloads.validate_payload` turns
them into `FieldError`s with Chinese labels. Ratios are compared with interval arithmetic: the inputs are
given rounded to two decimals, so a stated ratio is accepted when it lies within what the rounded inputs
allow, plus its own rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from service.payloads.errors import Loc

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")


@dataclass(frozen=True)
class Problem:
    loc: Loc
    code: str
    message: str


def round2(value: Decimal) -> Decimal:
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # no "-0.00" in messages


def percent_of(part: Decimal | int | None, total: Decimal | int | None) -> Decimal | None:
    """part / total in percent, rounded to 2 decimals; None when undefined (a part missing or total 0)."""
    if part is None or total is None or Decimal(total) == 0:
        return None
    return round2(Decimal(part) / Decimal(total) * HUNDRED)


def growth_percent(current: Decimal | int | None, previous: Decimal | int | None) -> Decimal | None:
    """(current / previous − 1) in percent, rounded to 2 decimals; None when undefined."""
    if current is None or previous is None or Decimal(previous) == 0:
        return None
    return round2((Decimal(current) / Decimal(previous) - 1) * HUNDRED)


def _step(value: Decimal | int) -> Decimal:
    # Integers (counts) are exact; decimal inputs are taken as rounded to 2 decimals.
    return Decimal(0) if isinstance(value, int) else HALF_CENT


def ratio_agrees(stated: Decimal, part: Decimal | int, total: Decimal | int, *, offset: Decimal = Decimal(0)) -> bool:
    """Is `stated` (percent) consistent with part/total*100 − offset, given the inputs' rounding?"""
    p, t = Decimal(part), Decimal(total)
    lo_p, hi_p = max(p - _step(part), Decimal(0)), p + _step(part)
    lo_t, hi_t = t - _step(total), t + _step(total)
    if lo_t <= 0:
        return True  # the total is (nearly) zero: no meaningful ratio to compare against
    low = lo_p / hi_t * HUNDRED - offset
    high = hi_p / lo_t * HUNDRED - offset
    return low - HALF_CENT - Decimal("1e-9") <= stated <= high + HALF_CENT + Decimal("1e-9")


def check_ratio(
    loc: Loc, stated: Decimal | None, part: Decimal | int | None, total: Decimal | int | None, what: str
) -> list[Problem]:
    """A stated share must agree with part/total; nothing to check when it or an input is missing."""
    if stated is None or part is None or total is None or Decimal(total) == 0:
        return []
    if ratio_agrees(stated, part, total):
        return []
    return [
        Problem(
            loc,
            "derived_mismatch",
            f"与其他数据不一致：按 {what} 计算应为 {percent_of(part, total)}，填写的是 {round2(stated)}"
            "（可不填，由系统计算）",
        )
    ]


def check_growth(
    loc: Loc, stated: Decimal | None, current: Decimal | int | None, previous: Decimal | int | None, what: str
) -> list[Problem]:
    """A stated growth rate must agree with current/previous − 1."""
    if stated is None or current is None or previous is None or Decimal(previous) == 0:
        return []
    if ratio_agrees(stated, current, previous, offset=HUNDRED):
        return []
    return [
        Problem(
            loc,
            "derived_mismatch",
            f"与其他数据不一致：按 {what} 计算应为 {growth_percent(current, previous)}，填写的是 {round2(stated)}"
            "（可不填，由系统计算）",
        )
    ]


def check_not_above(
    loc: Loc, part: Decimal | int | None, total: Decimal | int | None, part_label: str, total_label: str
) -> list[Problem]:
    """A part never exceeds its total (规模以上企业数量 ≤ 企业数量 …)."""
    if part is None or total is None or part <= total:
        return []
    return [Problem(loc, "part_exceeds_total", f"{part_label}（{part}）不能大于{total_label}（{total}）")]
