"""Payload models: the JSON contract of every document, validated by pydantic v2.

`validate_payload(model, data)` is the one entry point: it parses, runs the cross-field rules of the
form, fills the values that other fields define, and reports every problem at once as `FieldError`s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Self

from pydantic import BaseModel, ValidationError

from service.payloads.common import PayloadModel, YearSeries
from service.payloads.errors import FieldError, PayloadInvalid, from_validation_error, json_path, label_for
from service.payloads.rules import Problem, round2

__all__ = [
    "FieldError",
    "FormPayload",
    "PayloadInvalid",
    "Problem",
    "ValidatedPayload",
    "validate_payload",
]


class FormPayload(PayloadModel):
    """Base of a document's payload: cross-field rules and derived values hook in here."""

    def check(self) -> list[Problem]:
        """Cross-field problems of the payload as given (parts above totals, wrong stated ratios …)."""
        return []

    def complete(self) -> Self:
        """A copy with the values that other fields define filled in where they were omitted."""
        return self

    def applicant_name(self) -> str:
        """Who the document is for (申报单位), used in file names and PDF metadata."""
        return ""


@dataclass(frozen=True)
class ValidatedPayload:
    model: FormPayload
    derived: dict[str, Any] = field(default_factory=dict)
    """JSON path → computed value: every 近三年平均值 and every ratio the service filled in."""


def validate_payload(model: type[FormPayload], data: Any) -> ValidatedPayload:
    """Parse and check a payload; raise PayloadInvalid with every error found."""
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        raise PayloadInvalid(from_validation_error(exc, model)) from None
    problems = parsed.check()
    if problems:
        raise PayloadInvalid(
            [FieldError(json_path(p.loc), label_for(model, p.loc), p.code, p.message) for p in problems]
        )
    completed = parsed.complete()
    return ValidatedPayload(completed, derived_values(parsed, completed))


def derived_values(given: BaseModel, completed: BaseModel) -> dict[str, Any]:
    """Averages of every year series and the fields `complete()` filled, keyed by JSON path."""
    out: dict[str, Any] = {}

    def walk(before: Any, after: Any, loc: tuple[str | int, ...]) -> None:
        if isinstance(after, YearSeries):
            avg = after.average
            out[json_path((*loc, "average"))] = None if avg is None else float(round2(avg))
        if isinstance(after, BaseModel):
            for name, info in type(after).model_fields.items():
                key = info.alias or name
                b = getattr(before, name, None) if before is not None else None
                a = getattr(after, name)
                if b is None and a is not None and not isinstance(a, BaseModel | list):
                    out[json_path((*loc, key))] = float(a) if isinstance(a, Decimal) else a
                walk(b, a, (*loc, key))
        elif isinstance(after, list):
            for i, item in enumerate(after):
                walk(before[i] if isinstance(before, list) and i < len(before) else None, item, (*loc, i))

    walk(given, completed, ())
    return out
