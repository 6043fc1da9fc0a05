"""`lint_docx(data, …) -> LintReport`: every problem of a Word template in one run, each with a stable code and its
place (part, paragraph, table/row/cell, the visible text around it).

The tag-level checks are docxtpl-lint's (PyPI `docxtpl-lint`, MIT): it reads the paragraphs as docxtpl will see
them, pairs blocks across runs, paragraphs and table rows, and knows docxtpl's `{%p/tr/tc/r %}` rules. It had no
false positive on the six built-in templates. Its rule ids are mapped here to this service's codes (`RULE_CODES`);
on top of it this module checks the file (`container`), expressions the sandbox would refuse, variables against a
payload model or a JSON Schema, and printed fields the template no longer uses.
"""

from __future__ import annotations

import io
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from service.errors import FieldError
from service.templates.container import container_problems

ERROR = "error"
WARNING = "warning"

RULE_CODES: dict[str, str] = {
    "DTL001": "tag_unclosed",
    "DTL002": "tag_split",
    "DTL003": "tag_in_tracked_change",
    "DTL101": "block_unclosed",
    "DTL102": "block_unmatched",
    "DTL103": "jinja_syntax",
    "DTL104": "unknown_filter",
    "DTL105": "unknown_test",
    "DTL106": "loop_variable_outside",
    **{f"DTL2{n:02d}": "tr_tc_misuse" for n in range(1, 11)},
}
"""docxtpl-lint rule → code. DTL002 (a tag closed only in a later paragraph: docxtpl merges the paragraphs and
drops their formatting) is an error here: the rendered form would not look like the template."""

CODES: dict[str, str] = {
    "jinja_syntax": "Jinja 语法错误",
    "block_unclosed": "{% for %} / {% if %} 等块没有闭合",
    "block_unmatched": "{% endfor %} / {% else %} 等找不到对应的开始标签",
    "tag_unclosed": "{{ 或 {% 没有闭合",
    "tag_split": "标签跨段落拆开（docxtpl 会合并段落）",
    "tag_in_tracked_change": "模板代码在未接受的修订中",
    "tr_tc_misuse": "{%tr %} / {%tc %} / {%p %} 用法错误",
    "unknown_filter": "过滤器不存在",
    "unknown_test": "测试（is …）不存在",
    "loop_variable_outside": "循环变量在循环之外使用",
    "template_unsafe": "不安全的表达式（访问 Python 内部属性）",
    "unknown_variable": "变量不在数据模型或 Schema 中",
    "unused_field": "数据模型中应打印的字段模板未使用（警告）",
    "template_file_invalid": "文件不是可用的 Word 文档",
    "template_too_large": "文件过大",
    "template_too_many_parts": "部件过多",
    "template_zip_bomb": "解压后过大（压缩炸弹）",
    "template_macros": "含有宏",
    "template_external_link": "含有外部链接或外部图片",
}
"""Every code the linter reports, with its short Chinese name (README and `docgen template lint --codes`)."""

_SYNTAX = {"jinja_syntax", "block_unclosed", "block_unmatched", "tag_unclosed", "tag_split", "tr_tc_misuse"}
_PART_NAMES = {"body": "正文", "header": "页眉", "footer": "页脚", "footnotes": "脚注"}
_UNSAFE = re.compile(r"__|\.\s*_|\[\s*['\"]_|\bself\b|\|\s*attr\b")
_CONTEXT_ROOTS = {"p", "blank", "attachments", "loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace"}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    part: str = ""
    """body, header1, footer2, footnotes, or a ZIP entry for file problems; "" for the whole template."""
    paragraph: int = 0
    """1-based paragraph of the part (0: not tied to a paragraph)."""
    cell: tuple[int, int, int] | None = None
    """(table, row, column), 1-based, of the innermost table cell holding the paragraph."""
    text: str = ""
    """The visible text around the problem."""
    rule: str = ""
    """docxtpl-lint's rule id, when the finding is one of its checks."""

    @property
    def where(self) -> str:
        """The place in Chinese: 正文 第 12 段（表 1 第 2 行第 3 列）."""
        if not self.part:
            return "整个模板"
        name = self.part
        for key, label in _PART_NAMES.items():
            if self.part.startswith(key):
                name = label + self.part[len(key) :]
        out = name if self.paragraph == 0 else f"{name} 第 {self.paragraph} 段"
        if self.cell:
            out += f"（表 {self.cell[0]} 第 {self.cell[1]} 行第 {self.cell[2]} 列）"
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "where": self.where,
            "part": self.part,
            "paragraph": self.paragraph,
            "table": self.cell[0] if self.cell else None,
            "row": self.cell[1] if self.cell else None,
            "column": self.cell[2] if self.cell else None,
            "text": self.text,
        }

    def as_field_error(self) -> FieldError:
        return FieldError(loc=self.where, label=self.text, code=self.code, message=self.message)


@dataclass
class LintReport:
    findings: list[Finding] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)
    """Data paths the template reads (`p.rows[].name`), for schema inference."""
    iterated: set[str] = field(default_factory=set)
    """Paths the template loops over."""
    unusable: bool = False
    """The file cannot be read as a template (exit status 2)."""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def exit_code(self) -> int:
        return 2 if self.unusable else 1 if self.errors else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": not self.errors and not self.unusable,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.to_dict() for f in self.findings],
            "variables": self.variables,
        }


def _around(text: str, col: int, width: int = 40) -> str:
    start = max(0, col - 1 - width // 2)
    snippet = text[start : start + width * 2]
    return ("…" if start else "") + snippet + ("…" if start + width * 2 < len(text) else "")


def _from_paragraph(code: str, message: str, para: Any, col: int = 1, severity: str = ERROR, rule: str = "") -> Finding:
    cell = (para.cells[-1].table, para.cells[-1].row, para.cells[-1].col) if para.cells else None
    return Finding(code, severity, message, para.part, para.index, cell, _around(para.text, col), rule)


def lint_docx(
    data: bytes,
    filename: str = "",
    *,
    model: type[Any] | None = None,
    baseline: Iterable[str] | None = None,
    schema: dict[str, Any] | None = None,
) -> LintReport:
    """Lint a template. `model`: the payload model the template is rendered with (context `p`); `baseline`: the
    data paths a template of that model must still print (the built-in template's); `schema`: a JSON Schema of the
    context instead of a model."""
    report = LintReport()
    for problem in container_problems(data, filename):
        report.findings.append(Finding(problem.code, ERROR, problem.message, problem.part))
        report.unusable = report.unusable or problem.fatal
    if report.unusable:
        return report
    try:
        tags, analysis, issues = _docxtpl_lint(data)
    except Exception as exc:  # XML the reader cannot parse: the file is not a usable document
        report.findings.append(Finding("template_file_invalid", ERROR, f"无法读取模板的 XML：{exc}"))
        report.unusable = True
        return report
    for issue in issues:
        code = RULE_CODES.get(issue.rule)
        if code is None:  # suppression bookkeeping and data checks this service does not run
            continue
        loc = issue.location
        para = _paragraph_of(tags, loc)
        text = _around(para.text, loc.column) if para is not None else issue.snippet
        cell = (loc.cells[-1].table, loc.cells[-1].row, loc.cells[-1].col) if loc.cells else None
        message = f"{CODES[code]}：{issue.message_for('zh')}"
        if code == "unknown_filter":  # docxtpl-lint's text names its own command-line options
            from service.rendering.values import FILTERS

            message = (
                f"过滤器 {issue.params.get('name')} 不存在；可用 Jinja 内置过滤器和 {'、'.join(sorted(FILTERS))}。"
            )
        report.findings.append(Finding(code, ERROR, message, loc.part, loc.paragraph, cell, text, issue.rule))
    _check_expressions(report, tags)
    if not any(f.code in _SYNTAX for f in report.errors):
        _check_compiles(report, data)
    for tag in tags:
        if tag.kind != "comment" and _UNSAFE.search(tag.body):
            report.findings.append(
                _from_paragraph(
                    "template_unsafe",
                    f"表达式 {tag.raw[:80]} 访问 Python 内部属性（以 _ 开头的属性、self 或 attr），"
                    "模板在沙箱中运行，这样的表达式一律拒绝。",
                    tag.para,
                    tag.col,
                )
            )
    uses = [(path, tag) for path, tag in analysis.uses] if analysis is not None else []
    report.variables = sorted({path for path, _ in uses})
    report.iterated = {path for path, _ in getattr(analysis, "iterables", ())} if analysis is not None else set()
    if model is not None:
        _check_model(report, uses, model, set(baseline or ()))
    elif schema is not None:
        _check_schema(report, uses, schema)
    order = {"": -1}
    report.findings.sort(key=lambda f: (order.get(f.part, 0), f.part, f.paragraph, f.code))
    return report


def _check_expressions(report: LintReport, tags: list[Any]) -> None:
    """Each {{ … }} on its own through Jinja's parser (docxtpl-lint lets a few malformed ones through, such as
    `{{ name + }}`)."""
    from jinja2 import TemplateSyntaxError

    from service.rendering.engine import _ENV

    flagged = {(f.part, f.paragraph) for f in report.errors}
    for tag in tags:
        if tag.kind != "expr" or tag.prefix or (tag.para.part, tag.para.index) in flagged:
            continue
        try:
            _ENV.parse("{{ " + tag.body + " }}")
        except TemplateSyntaxError as exc:
            flagged.add((tag.para.part, tag.para.index))
            report.findings.append(
                _from_paragraph(
                    "jinja_syntax", f"{CODES['jinja_syntax']}：{exc.message}（{tag.raw[:60]}）", tag.para, tag.col
                )
            )


def _check_compiles(report: LintReport, data: bytes) -> None:
    """The safety net: each templated part compiled exactly as the renderer will (docxtpl's XML patching, then the
    service's sandboxed environment); a failure no other check explained is reported for the part."""
    import zipfile

    from jinja2 import TemplateSyntaxError

    from service.rendering.engine import _ENV, _PATCHER, _TEMPLATED_PART, _unescape_tags

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not _TEMPLATED_PART.fullmatch(name):
                continue
            xml = archive.read(name).decode("utf-8", "replace")
            if "{{" not in xml and "{%" not in xml:
                continue
            try:
                _ENV.parse(_unescape_tags(_PATCHER.patch_xml(xml)))
            except TemplateSyntaxError as exc:
                para = _failing_paragraph(data, name)
                message = f"{CODES['jinja_syntax']}：{exc.message}"
                if para is None:
                    report.findings.append(Finding("jinja_syntax", ERROR, message, name))
                else:
                    report.findings.append(_from_paragraph("jinja_syntax", message, para[0], para[1]))


def _failing_paragraph(data: bytes, part_name: str) -> tuple[Any, int] | None:
    """The first paragraph of the part with a {{ … }} that does not parse on its own, and its column."""
    from docxtpl_lint.reader import _part_label, iter_paragraphs  # type: ignore[import-untyped]
    from jinja2 import TemplateSyntaxError

    from service.rendering.engine import _ENV

    label = _part_label(part_name)
    for para in iter_paragraphs(io.BytesIO(data)):
        if para.part != label:
            continue
        for match in re.finditer(r"\{\{.*?\}\}", para.text):
            try:
                _ENV.parse(match.group(0))
            except TemplateSyntaxError:
                return para, match.start() + 1
    return None


def _docxtpl_lint(data: bytes) -> tuple[list[Any], Any, list[Any]]:
    from docxtpl_lint.core import analyse, lint_path, scan_tags  # type: ignore[import-untyped]
    from docxtpl_lint.reader import iter_paragraphs

    from service.rendering.values import FILTERS

    # The filters every template can use: Jinja's own (docxtpl-lint adds them) and the service's.
    result = lint_path(io.BytesIO(data), filters=set(FILTERS), autoescape=True)
    paragraphs = list(iter_paragraphs(io.BytesIO(data)))
    tags: list[Any] = []
    for part in dict.fromkeys(p.part for p in paragraphs):
        tags.extend(scan_tags("", [p for p in paragraphs if p.part == part], []))
    blocking = {"DTL001", "DTL101", "DTL102", "DTL103"}
    analysis = None if any(i.rule in blocking for i in result.issues) else analyse(tags)
    return tags, analysis, result.issues


def _paragraph_of(tags: list[Any], loc: Any) -> Any:
    for tag in tags:
        if tag.para.part == loc.part and tag.para.index == loc.paragraph:
            return tag.para
    return None


# --- Variables against a payload model ----------------------------------------------------------------------

_ANY = object()


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return _ANY
            annotation = options[0]
        else:
            return annotation


def _step(current: Any, name: str) -> Any:
    """The type reached by `.name` from `current` (a class or annotation); None when it does not exist."""
    if current is _ANY:
        return _ANY
    current = _unwrap(current)
    fields = getattr(current, "model_fields", None)
    if isinstance(fields, dict) and name in fields:
        return fields[name].annotation
    if isinstance(fields, dict) and isinstance(current, type):
        # A property typed with a base model may hold a subclass (a city summary's rows have 备注).
        for sub in _subclasses(current):
            if name in sub.model_fields:
                return sub.model_fields[name].annotation
    origin = typing.get_origin(current) or current
    if not isinstance(origin, type):
        return _ANY
    if origin is dict or issubclass(origin, dict):
        return _ANY
    attr = getattr(origin, name, None)
    if attr is None:
        return None
    if isinstance(attr, property) and attr.fget is not None:
        hint = typing.get_type_hints(attr.fget).get("return") if hasattr(attr.fget, "__annotations__") else None
        return hint if hint is not None else _ANY
    return _ANY  # a method, a cached property, a constant: not followed further


def _subclasses(cls: type[Any]) -> list[type[Any]]:
    out: list[type[Any]] = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def _item(current: Any) -> Any:
    if current is _ANY:
        return _ANY
    current = _unwrap(current)
    args = typing.get_args(current)
    origin = typing.get_origin(current)
    if origin in (list, tuple, set, frozenset) or (isinstance(origin, type) and issubclass(origin, (list, tuple))):
        return args[0] if args else _ANY
    return _ANY


def resolve(model: type[Any], path: str) -> bool:
    """Whether `p.a.b[].c` exists on the model (the context's `p`)."""
    segments = path.split(".")
    current: Any = model
    for segment in segments[1:]:
        name, items = segment.rstrip("[]"), segment.count("[]")
        try:
            current = _step(current, name)
        except Exception:  # type hints that cannot be evaluated: nothing to check against
            return True
        if current is None:
            return False
        for _ in range(items):
            current = _item(current)
    return True


def _check_model(report: LintReport, uses: list[tuple[str, Any]], model: type[Any], baseline: set[str]) -> None:
    from service.rendering.values import GLOBALS

    seen: set[str] = set()
    for path, tag in uses:
        root = path.split(".")[0].rstrip("[]")
        known = root in _CONTEXT_ROOTS or root in GLOBALS
        ok = known and (root != "p" or resolve(model, path))
        if not ok and path not in seen:
            seen.add(path)
            name = getattr(model, "__name__", "模型")
            report.findings.append(
                _from_paragraph(
                    "unknown_variable",
                    f"变量 {path} 不在数据模型 {name} 中（模板中的数据以 p. 开头）。",
                    tag.para,
                    tag.col,
                )
            )
    used = {path for path, _ in uses}
    for path in sorted(baseline - used):
        if not any(u.startswith(path + ".") or u.startswith(path + "[]") for u in used):
            report.findings.append(
                Finding(
                    "unused_field", WARNING, f"内置模板打印的字段 {path} 在这个模板中没有使用：表格里将缺少这一项。"
                )
            )


# --- Variables against a JSON Schema ----------------------------------------------------------------------------


def _schema_paths(schema: dict[str, Any], prefix: str = "") -> tuple[set[str], set[str]]:
    """(every declared path, the leaf paths) of a JSON Schema object."""
    declared: set[str] = set()
    leaves: set[str] = set()
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        for name, sub in (schema.get("properties") or {}).items():
            path = f"{prefix}.{name}" if prefix else name
            declared.add(path)
            d, le = _schema_paths(sub if isinstance(sub, dict) else {}, path)
            declared |= d
            leaves |= le or {path}
        if schema.get("additionalProperties") not in (None, False) and prefix:
            declared.add(prefix + ".*")
    elif kind == "array":
        items: dict[str, Any] = schema["items"] if isinstance(schema.get("items"), dict) else {}
        path = prefix + "[]"
        declared.add(path)
        d, le = _schema_paths(items, path)
        declared |= d
        leaves |= le
    return declared, leaves


def _check_schema(report: LintReport, uses: list[tuple[str, Any]], schema: dict[str, Any]) -> None:
    from service.rendering.values import GLOBALS

    declared, leaves = _schema_paths(schema)
    seen: set[str] = set()
    for path, tag in uses:
        root = path.split(".")[0].rstrip("[]")
        if root in GLOBALS or root in _CONTEXT_ROOTS - {"p", "blank", "attachments"}:
            continue
        plain = path
        if plain not in declared and not any(plain.startswith(d[:-1]) for d in declared if d.endswith(".*")):
            if path not in seen:
                seen.add(path)
                report.findings.append(
                    _from_paragraph("unknown_variable", f"变量 {path} 没有在 Schema 中声明。", tag.para, tag.col)
                )
    used = {path for path, _ in uses}
    for leaf in sorted(leaves):
        if leaf not in used and not any(u.startswith(leaf + ".") or u.startswith(leaf + "[]") for u in used):
            report.findings.append(Finding("unused_field", WARNING, f"Schema 中的字段 {leaf} 在模板中没有使用。"))
