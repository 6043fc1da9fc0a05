"""The template linter on a corpus of broken templates (one per code, exact places), the built-in templates (clean),
`docgen template lint` exit statuses, and the template-injection regressions of the sandboxed renderer."""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document

from service.rendering.catalog import list_templates
from service.rendering.engine import PreparedTemplate, TemplateLimitExceeded, TemplateUnsafe
from service.templates.lint import CODES, lint_docx
from service.templates.rendering import builtin_paths
from tests.templates.make_corpus import CASES, SCHEMA, build, docx

ROOT = Path(__file__).resolve().parents[2]
DOCGEN = ROOT / ".venv" / "bin" / "docgen"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build(tmp_path_factory.mktemp("corpus"))


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_at_its_place(corpus: dict[str, Path], code: str) -> None:
    part, paragraph, cell = CASES[code][2]
    report = lint_docx(corpus[code].read_bytes(), corpus[code].name, schema=SCHEMA)
    found = [f for f in report.errors if f.code == code]
    assert found, [f.to_dict() for f in report.findings]
    first = found[0]
    assert (first.part, first.paragraph, first.cell) == (part, paragraph, cell)
    assert first.text and first.text in "".join(CASES[code][0] + [c for row in CASES[code][1] or [] for c in row])
    assert code in CODES and not first.message.isascii()
    assert report.exit_code == 1


@pytest.mark.parametrize(
    ("code", "part", "exit_code"),
    [
        ("template_macros", "word/vbaProject.bin", 1),
        ("template_external_link", "word/_rels/document.xml.rels", 1),
        ("template_zip_bomb", "word/media/big.xml", 2),
        ("template_file_invalid", "", 2),
    ],
)
def test_file_problems(corpus: dict[str, Path], code: str, part: str, exit_code: int) -> None:
    report = lint_docx(corpus[code].read_bytes(), corpus[code].name)
    assert [(f.code, f.part) for f in report.errors] == [(code, part)]
    assert report.exit_code == exit_code


def test_every_problem_in_one_run() -> None:
    data = docx(["{{ name|nosuch }}", "{{ other + }}", "{{ self.__dict__ }}", "{% if x %}"])
    codes = {f.code for f in lint_docx(data).errors}
    assert {"block_unclosed"} <= codes  # an unclosed block stops nothing else that can still be checked
    data = docx(["{{ name|nosuch }}", "{{ other + }}", "{{ self.__dict__ }}"])
    assert {"unknown_filter", "jinja_syntax", "template_unsafe"} <= {f.code for f in lint_docx(data).errors}


def test_unused_schema_field_is_a_warning() -> None:
    report = lint_docx(docx(["{{ name }} {{ amount }}"]), schema=SCHEMA)
    assert [(f.code, f.severity) for f in report.findings] == [("unused_field", "warning")]
    assert "contact_name" in report.findings[0].message
    assert report.exit_code == 0


@pytest.mark.parametrize("spec", [s for s in list_templates()], ids=lambda s: s.id)
def test_builtin_templates_are_clean(spec) -> None:  # type: ignore[no-untyped-def]
    model = None if spec.composer else spec.model
    baseline = None if spec.composer else builtin_paths(spec.id)
    report = lint_docx(spec.docx_path.read_bytes(), spec.docx_file, model=model, baseline=baseline)
    assert report.findings == []


def test_model_check_finds_a_misspelt_field_and_a_dropped_one() -> None:
    spec = next(s for s in list_templates() if s.id == "meeting_rsvp")
    source = spec.docx_path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        xml = archive.read("word/document.xml").decode()
    assert re.search(r"\{\{ \w+\.organisation \}\}", xml) and re.search(r"\{\{ \w+\.remark \}\}", xml)
    edited = re.sub(r"\{\{ (\w+)\.organisation \}\}", r"{{ \1.organization }}", xml)
    edited = re.sub(r"\{\{ \w+\.remark \}\}", "{{ '' }}", edited)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, edited if info.filename == "word/document.xml" else src.read(info))
    report = lint_docx(out.getvalue(), model=spec.model, baseline=builtin_paths(spec.id))
    assert [f.code for f in report.errors] == ["unknown_variable"]
    assert "p.rows[].organization" in report.errors[0].message and report.errors[0].cell is not None
    unused = {f.message for f in report.warnings if f.code == "unused_field"}
    assert any("p.rows[].organisation" in m for m in unused) and any("p.rows[].remark" in m for m in unused)


def test_cli_exit_statuses(corpus: dict[str, Path], tmp_path: Path) -> None:
    clean = tmp_path / "clean.docx"
    clean.write_bytes(docx(["单位：{{ name }}"]))
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"type": "object", "properties": {"name": {"type": "string"}}}), encoding="utf-8")
    ok = subprocess.run([DOCGEN, "template", "lint", clean, "--schema", schema], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = subprocess.run(
        [DOCGEN, "template", "lint", corpus["unknown_filter"], "--json"], capture_output=True, text=True
    )
    assert bad.returncode == 1
    finding = json.loads(bad.stdout)["findings"][0]
    assert (finding["code"], finding["table"], finding["row"], finding["column"]) == ("unknown_filter", 1, 2, 2)
    broken = subprocess.run(
        [DOCGEN, "template", "lint", corpus["template_file_invalid"]], capture_output=True, text=True
    )
    assert broken.returncode == 2 and "template_file_invalid" in broken.stdout


# --- Template injection (docxtpl's known proof of concept and its variants) -----------------------------------

MARKER = Path("/tmp/docgen-ssti-marker")
SSTI = [
    "{{ cycler.__init__.__globals__.os.popen('touch /tmp/docgen-ssti-marker').read() }}",
    "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('touch /tmp/docgen-ssti-marker') }}",
    "{{ lipsum.__globals__['os'].popen('touch /tmp/docgen-ssti-marker').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ joiner.__init__.__globals__.__builtins__.__import__('os').system('touch /tmp/docgen-ssti-marker') }}",
    "{{ (p|attr('__class__')).__mro__ }}",
]


@pytest.mark.parametrize("payload", SSTI)
def test_ssti_is_refused_by_lint_and_never_executed(payload: str) -> None:
    MARKER.unlink(missing_ok=True)
    data = docx(["致：", payload])
    assert "template_unsafe" in {f.code for f in lint_docx(data).errors}
    with pytest.raises(TemplateUnsafe) as caught:
        PreparedTemplate(data, "ssti").render({"p": "x"})
    assert caught.value.code == "template_unsafe" and "不安全" in caught.value.message
    assert not MARKER.exists(), "the injected command ran"


def test_sandbox_bounds_range() -> None:
    with pytest.raises(TemplateLimitExceeded):
        PreparedTemplate(docx(["{% for i in range(10**9) %}x{% endfor %}"]), "loop").render({})


def test_python_docx_corpus_is_word() -> None:
    # The corpus is real Word files: python-docx reads the clean one back.
    assert Document(io.BytesIO(docx(["单位：{{ name }}"]))).paragraphs[0].text == "单位：{{ name }}"
