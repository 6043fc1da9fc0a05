"""JSON from users (request bodies, payload parts, batch manifests and payload files), parsed within bounds.

Python's parser fails in ways a user must never see: an integer of more than 4300 digits raises a bare
ValueError ("Exceeds the limit (4300 digits) for integer string conversion"), and deep nesting raises
RecursionError. `load_json` turns both, and every syntax error, into a `JsonInputError` with a stable code and
a Chinese message naming the place, and refuses nesting deeper than `MAX_JSON_DEPTH` so that nothing after the
parser (validation, serialization) recurses deeply either.
"""

from __future__ import annotations

import json
import re
from typing import Any

from service.errors import DocgenError, ErrorKind

MAX_JSON_DEPTH = 64
"""Objects and arrays inside each other: the deepest form needs fewer than 10."""
MAX_INTEGER_DIGITS = 4300
"""Digits of a JSON integer (Python's own conversion limit); longer ones are refused with their position."""


class JsonInputError(DocgenError):
    """User-supplied JSON that cannot be read: ``malformed_json`` (syntax, encoding), ``number_too_large``,
    ``json_too_deep``."""

    code = "malformed_json"
    kind = ErrorKind.INVALID
    title = "JSON 格式错误"


class _IntegerTooLong(Exception):
    def __init__(self, digits: str) -> None:
        super().__init__(digits[:20])
        self.digits = digits


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _IntegerTooLong(digits)
    return int(digits)


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _walk(value: Any) -> str | None:
    """What is wrong with the parsed value, iteratively (the check itself must not recurse): "deep" when
    containers nest deeper than MAX_JSON_DEPTH, "surrogate" when a string holds a lone surrogate (a "\\ud800"
    escape: not a character, and it cannot be written as UTF-8 into a form, a file name or a message)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                return "surrogate"
        elif isinstance(node, dict | list):
            if depth > MAX_JSON_DEPTH:
                return "deep"
            children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list | str))
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _deep_error(what: str) -> JsonInputError:
    return JsonInputError(f"{what}的 JSON 嵌套层次过深：对象和数组最多嵌套 {MAX_JSON_DEPTH} 层。", code="json_too_deep")


def load_json(source: str | bytes, what: str = "请求体") -> Any:
    """Parse user JSON; `what` names it in messages ("请求体", "payload 部分", "文件“manifest.json”")."""
    if isinstance(source, bytes):
        try:
            text = source.decode("utf-8")
        except UnicodeDecodeError:
            raise JsonInputError(f"{what}不是 UTF-8 编码的 JSON。") from None
    else:
        text = source
    text = text.removeprefix("\ufeff")  # a BOM written by Windows editors is not content
    if not text.strip():
        raise JsonInputError(f"{what}为空，应为 JSON。")
    try:
        value = json.loads(text, parse_int=_integer)
    except _IntegerTooLong as exc:
        line, col = _line_col(text, max(text.find(exc.digits), 0))
        raise JsonInputError(
            f"{what}第 {line} 行第 {col} 列的整数有 {len(exc.digits.lstrip('-'))} 位，"
            f"超过了 {MAX_INTEGER_DIGITS} 位的上限。",
            code="number_too_large",
        ) from None
    except json.JSONDecodeError as exc:
        raise JsonInputError(
            f"{what}不是合法的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{_reason(exc.msg)}。"
        ) from None
    except RecursionError:
        raise _deep_error(what) from None
    problem = _walk(value)
    if problem == "deep":
        raise _deep_error(what)
    if problem == "surrogate":
        raise JsonInputError(
            f"{what}含有无法编码的字符（孤立的 Unicode 代理项，如 \\ud800），请删除后重试。", code="invalid_characters"
        )
    return value


_REASONS = {
    "Expecting value": "此处应为一个值",
    "Expecting property name enclosed in double quotes": "此处应为带双引号的键名",
    "Expecting ':' delimiter": "此处应为冒号",
    "Expecting ',' delimiter": "此处应为逗号",
    "Unterminated string starting at": "字符串没有结束的引号",
    "Invalid control character at": "字符串中有未转义的控制字符",
    "Invalid \\escape": "无效的转义序列",
    "Invalid \\uXXXX escape": "无效的 \\u 转义序列",
    "Extra data": "JSON 结束后还有多余的内容",
}


def _reason(msg: str) -> str:
    """Python's English parser message in Chinese (users read Chinese)."""
    return _REASONS.get(msg, "语法错误")
