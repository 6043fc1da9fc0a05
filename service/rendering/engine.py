"""docxtpl templates prepared once, rendered many times.

Plain docxtpl re-reads the .docx, re-runs its XML preprocessing and recompiles the Jinja template on
every render (~75% of its time). Here each template file version is prepared once: docxtpl's own
`patch_xml` turns the Word XML into Jinja source, Jinja compiles it, and a render only evaluates the
compiled template and writes a new ZIP around the untouched parts. Output is deterministic: same
template and payload, same bytes (fixed entry order, timestamps and document properties).
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast
from xml.sax.saxutils import escape as xml_escape

from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from service.errors import DocgenError, ErrorKind
from service.output.zips import COMPRESS_LEVEL, FIXED_ZIP_TIME, ZipWriter
from service.rendering.values import FILTERS, GLOBALS, clean_text, finalize

# Parts of a .docx that may hold template tags.
_TEMPLATED_PART = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|docProps/(core|custom)\.xml")


_T = TypeVar("_T")


class TemplateRenderError(DocgenError):
    """The template itself is broken (a bug or a bad edit of the .docx), not the payload."""

    code = "template_error"
    kind = ErrorKind.INTERNAL
    title = "模板有误"


class TemplateUnsafe(DocgenError):
    """The template reaches for Python internals (``__class__``, ``__globals__`` …): refused, never executed."""

    code = "template_unsafe"
    kind = ErrorKind.INVALID
    title = "模板含有不安全的表达式"


class TemplateLimitExceeded(DocgenError):
    """The template asks for more work than allowed (a loop over a huge range, an enormous output)."""

    code = "template_limit_exceeded"
    kind = ErrorKind.LIMIT
    title = "模板超出资源限制"


def _jinja_environment() -> SandboxedEnvironment:
    # Sandboxed for every template, built-in or uploaded: attributes starting with "_" and unsafe callables are
    # refused at evaluation time, and range() is bounded (MAX_RANGE), whatever the template text says.
    env = SandboxedEnvironment(
        autoescape=True, finalize=finalize, undefined=StrictUndefined, keep_trailing_newline=True
    )
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    return env


_ENV = _jinja_environment()
# docxtpl's patch_xml uses no instance state; one bare instance gives access to it.
_PATCHER = DocxTemplate.__new__(DocxTemplate)


_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_TAG_ENTITIES = {"&apos;": "'", "&quot;": '"', "&#39;": "'", "&#34;": '"', "&amp;": "&"}


def _unescape_tags(xml: str) -> str:
    """Jinja source inside tags as the author typed it.

    An office suite that re-saves the template may write quotes in text as &apos;/&quot; (LibreOffice
    does); docxtpl only undoes &lt;, &gt; and curly quotes, so `{{ f(x == '国有') }}` would no longer
    compile after a user edited the template.
    """

    def fix(match: re.Match[str]) -> str:
        text = match.group(0)
        for entity, char in _TAG_ENTITIES.items():
            text = text.replace(entity, char)
        return text

    return _TAG.sub(fix, xml)


@dataclass(frozen=True)
class _Entry:
    name: str
    data: bytes
    template: Template | None


class PreparedTemplate:
    """A .docx template parsed and compiled once; `render(context)` returns new .docx bytes."""

    def __init__(self, source: bytes, name: str = "template") -> None:
        self.name = name
        self.version = hashlib.sha256(source).hexdigest()[:16]
        entries: list[_Entry] = []
        with zipfile.ZipFile(io.BytesIO(source)) as archive:
            for info in archive.infolist():
                data = archive.read(info)
                template = None
                if _TEMPLATED_PART.fullmatch(info.filename):
                    xml = data.decode("utf-8")
                    if "{{" in xml or "{%" in xml:
                        template = _ENV.from_string(_unescape_tags(_PATCHER.patch_xml(xml)))
                entries.append(_Entry(info.filename, data, template))
        self._entries = entries
        self._lock = threading.Lock()
        self._derived: dict[str, Any] = {}

    @classmethod
    def from_path(cls, path: Path) -> PreparedTemplate:
        return cls(path.read_bytes(), path.stem)

    @property
    def entries(self) -> dict[str, bytes]:
        """Every entry of the template file as it is stored (templated parts unrendered), in the file's order."""
        return {entry.name: entry.data for entry in self._entries}

    @property
    def templated(self) -> list[str]:
        """The names of the parts a render evaluates."""
        return [entry.name for entry in self._entries if entry.template is not None]

    def derived(self, key: str, make: Callable[[], _T]) -> _T:
        """A value computed once from this template version (parsed static parts, indexes): shared by every
        render and thread, hence never to be modified. Dropped with the template when its file changes."""
        try:
            return cast(_T, self._derived[key])
        except KeyError:
            pass
        with self._lock:
            if key not in self._derived:
                self._derived[key] = make()
            return cast(_T, self._derived[key])

    def render(self, context: dict[str, Any], properties: dict[str, str] | None = None) -> bytes:
        """Evaluate the template; `properties` sets dc:title / dc:creator / dc:subject of core.xml."""
        out = io.BytesIO()
        # The template's entry order ([Content_Types].xml first), each entry with a fresh ZipInfo: the prepared
        # entries are shared by every thread rendering this template.
        with ZipWriter(out, FIXED_ZIP_TIME, compresslevel=COMPRESS_LEVEL) as archive:
            for entry in self._entries:
                data = entry.data
                if entry.template is not None:
                    xml = self._evaluate(entry, context)
                    data = xml.encode("utf-8")
                    self._check_xml(entry, data)
                if properties and entry.name == "docProps/core.xml":
                    data = _core_properties(data, properties)
                archive.data(entry.name, data, reuse=data is entry.data)
        return out.getvalue()

    def render_trees(self, context: dict[str, Any], *, same_as: str | None = None) -> dict[str, etree._Element]:
        """Evaluate the templated parts only, parsed as python-docx parses a part (its element classes, blank text
        removed): for a document that is composed at once instead of saved (no ZIP written and read back).

        `same_as` names a context that is the same in every render (a blank form's): its evaluated text is kept
        with the template and only parsed again (each render gets trees of its own)."""
        if same_as is None:
            evaluated = self._evaluate_parts(context)
        else:
            evaluated = self.derived(f"evaluated:{same_as}", lambda: self._evaluate_parts(context))
        trees: dict[str, etree._Element] = {}
        for name, data in evaluated.items():
            try:
                trees[name] = parse_xml(data)
            except etree.XMLSyntaxError as exc:
                raise TemplateRenderError(f"模板 {self.name} 的 {name} 渲染后不是合法的 XML：{exc}") from exc
        return trees

    def _evaluate_parts(self, context: dict[str, Any]) -> dict[str, bytes]:
        return {
            entry.name: self._evaluate(entry, context).encode("utf-8")
            for entry in self._entries
            if entry.template is not None
        }

    def _check_xml(self, entry: _Entry, data: bytes) -> None:
        try:
            etree.fromstring(data)
        except etree.XMLSyntaxError as exc:
            raise TemplateRenderError(f"模板 {self.name} 的 {entry.name} 渲染后不是合法的 XML：{exc}") from exc

    def _evaluate(self, entry: _Entry, context: dict[str, Any]) -> str:
        assert entry.template is not None
        try:
            return entry.template.render(context)
        except SecurityError as exc:
            raise TemplateUnsafe(
                f"模板 {self.name} 的 {entry.name} 含有不安全的表达式（访问 Python 内部属性），已拒绝执行。",
                detail=str(exc),
            ) from None
        except OverflowError as exc:  # the sandbox's range() bound
            raise TemplateLimitExceeded(
                f"模板 {self.name} 的 {entry.name} 中的循环次数超过上限（range 最多 100000 次）。", detail=str(exc)
            ) from None


def _core_properties(core_xml: bytes, properties: dict[str, str]) -> bytes:
    text = core_xml.decode("utf-8")
    for tag, value in properties.items():
        value = xml_escape(clean_text(value))
        pattern = rf"<{tag}\s*/>|<{tag}>.*?</{tag}>"
        if re.search(pattern, text, flags=re.S):

            def element(_m: re.Match[str], t: str = tag, v: str = value) -> str:
                return f"<{t}>{v}</{t}>"

            text = re.sub(pattern, element, text, flags=re.S)
        else:
            text = text.replace("</cp:coreProperties>", f"<{tag}>{value}</{tag}></cp:coreProperties>")
    return text.encode("utf-8")


class TemplateCache:
    """Prepared templates keyed by path; a changed file (mtime, size) is prepared again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[Path, tuple[tuple[int, int], PreparedTemplate]] = {}

    def get(self, path: Path) -> PreparedTemplate:
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise TemplateRenderError(f"模板文件缺失：{path.name}（请运行 make templates）") from None
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._items.get(path)
        if cached and cached[0] == key:
            return cached[1]
        with self._lock:
            cached = self._items.get(path)
            if cached and cached[0] == key:
                return cached[1]
            prepared = PreparedTemplate.from_path(path)
            self._items[path] = (key, prepared)
            return prepared


TEMPLATES = TemplateCache()
