"""Payload errors as users see them: JSON path, Chinese label, stable code, Chinese message.

Every error of a payload is reported at once. The same objects are printed by the CLI and returned by
the HTTP API (inside RFC 9457 problem documents), so portals can map them onto their form fields.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from service.errors import DocgenError, ErrorKind, FieldError

__all__ = ["FieldError", "PayloadInvalid", "PayloadValueError", "from_validation_error", "json_path", "label_for"]

Loc = tuple[str | int, ...]


class PayloadInvalid(DocgenError):
    """A payload failed validation; carries every error found (`errors`, FieldError objects)."""

    code = "payload_invalid"
    kind = ErrorKind.INVALID
    title = "数据校验未通过"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__(f"数据校验未通过，共 {len(errors)} 处错误。", errors=errors)


def json_path(loc: Loc) -> str:
    path = "$"
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


# Pydantic's built-in error types mapped to our stable codes and Chinese messages.
_BUILTIN: dict[str, tuple[str, str]] = {
    "missing": ("required", "必填项，未填写"),
    "extra_forbidden": ("unknown_field", "表单中没有这一项（字段名拼写有误？）"),
    "string_type": ("wrong_type", "应为文字"),
    "string_too_short": ("required", "必填项，不能为空"),
    "string_too_long": ("too_long", "内容过长，最多 {max_length} 个字符"),
    "int_type": ("wrong_type", "应为整数"),
    "int_parsing": ("wrong_type", "应为整数"),
    "int_from_float": ("wrong_type", "应为整数，不能有小数"),
    "int_parsing_size": ("out_of_range", "数值过大"),
    "decimal_whole_digits": ("out_of_range", "整数部分位数过多"),
    "float_type": ("wrong_type", "应为数字"),
    "float_parsing": ("wrong_type", "应为数字"),
    "decimal_type": ("wrong_type", "应为数字"),
    "decimal_parsing": ("wrong_type", "应为数字"),
    "decimal_max_digits": ("out_of_range", "数值位数过多"),
    "decimal_max_places": ("too_precise", "小数位数过多（最多 {decimal_places} 位）"),
    "finite_number": ("wrong_type", "应为有限的数字"),
    "bool_type": ("wrong_type", "应为 true 或 false"),
    "bool_parsing": ("wrong_type", "应为 true 或 false"),
    "greater_than_equal": ("out_of_range", "不能小于 {ge}"),
    "greater_than": ("out_of_range", "应大于 {gt}"),
    "less_than_equal": ("out_of_range", "不能大于 {le}"),
    "less_than": ("out_of_range", "应小于 {lt}"),
    "too_long": ("too_many_items", "最多填写 {max_length} 项，现有 {actual_length} 项"),
    "too_short": ("too_few_items", "至少填写 {min_length} 项"),
    "list_type": ("wrong_type", "应为列表（数组）"),
    "dict_type": ("wrong_type", "应为对象"),
    "model_type": ("wrong_type", "应为对象"),
    "model_attributes_type": ("wrong_type", "应为对象"),
    "enum": ("not_allowed_value", "只能是以下之一：{expected}"),
    "literal_error": ("not_allowed_value", "只能是以下之一：{expected}"),
    "date_type": ("date_format", "应为日期，如 2026-03-18"),
    "date_parsing": ("date_format", "应为日期，如 2026-03-18"),
    "date_from_datetime_parsing": ("date_format", "应为日期，如 2026-03-18"),
    "json_invalid": ("malformed_json", "不是合法的 JSON"),
    "string_unicode": ("invalid_characters", "含有无法编码的字符（孤立的 Unicode 代理项），请删除后重试"),
    "string_pattern_mismatch": ("wrong_format", "格式不正确"),
    "union_tag_invalid": ("not_allowed_value", "类型不正确：{expected}"),
}


def from_validation_error(exc: ValidationError, model: type[BaseModel] | None = None) -> list[FieldError]:
    """Translate every pydantic error into a FieldError with the field's Chinese label."""
    out: list[FieldError] = []
    for err in exc.errors(include_url=False):
        loc: Loc = tuple(err["loc"])
        kind = err["type"]
        ctx = err.get("ctx") or {}
        if kind == "value_error" and isinstance(ctx.get("error"), PayloadValueError):
            code, message = ctx["error"].code, ctx["error"].message
        elif kind == "value_error":
            # A plain ValueError of one of our validators: its text is the (Chinese) reason.
            code, message = "invalid_value", str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
            if message.isascii():  # a library's English, not one of our reasons
                message = "取值无效"
        elif kind in _BUILTIN:
            code, template = _BUILTIN[kind]
            try:
                message = template.format(**{k: _cn(v) for k, v in ctx.items()})
            except (KeyError, IndexError):
                message = template
        else:
            # Our own PydanticCustomError types already carry a stable code and a Chinese message; a pydantic
            # type not listed above would carry English, which users never see.
            code, message = kind, err["msg"]
            if message.isascii():
                message = "取值无效"
        # A union/tagged member can add its own segment to the path; keep only real field names.
        loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
        out.append(FieldError(json_path(loc), label_for(model, loc), code, message))
    return out


class PayloadValueError(ValueError):
    """Raised inside validators when the error needs a stable code other than ``value_error``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _cn(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("'", "")
    return value


def _unwrap(annotation: Any) -> Any:
    """The model class inside Optional[...], list[...], Annotated[...]; else the annotation itself."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            annotation = models[0] if models else args[0]
        elif origin in (list, tuple, Sequence, Iterable):
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def label_for(model: type[BaseModel] | None, loc: Loc) -> str:
    """The Chinese labels along a path, joined with ' / ' (list indices become 第N行)."""
    labels: list[str] = []
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            labels.append(f"第 {part + 1} 行")
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            labels.append(str(part))
            current = None
            continue
        field = current.model_fields.get(part)
        if field is None:
            field = next((f for f in current.model_fields.values() if f.alias == part), None)
        if field is None:
            labels.append(str(part))
            current = None
            continue
        labels.append(field.title or str(part))
        current = _unwrap(field.annotation)
    return " / ".join(labels) if labels else (model.model_config.get("title") or "" if model else "")
