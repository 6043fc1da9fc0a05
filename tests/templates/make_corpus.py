"""Broken Word templates, one per lint code, written with python-docx: `build(directory)` returns
{code: (file, expected location)}. Run as a script to write them to a folder and look at them in Word:

    .venv/bin/python -m tests.templates.make_corpus /tmp/corpus
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from typing import Any

from docx import Document

# code → (paragraphs before the table, table rows (cells' texts) or None, expected (part, paragraph, cell))
CASES: dict[str, tuple[list[str], list[list[str]] | None, tuple[str, int, tuple[int, int, int] | None]]] = {
    "jinja_syntax": (["标题", "单位：{{ name + }}"], None, ("body", 2, None)),
    "block_unclosed": (["{% for x in rows %}", "{{ x.name }}"], None, ("body", 1, None)),
    "block_unmatched": (["单位：{{ name }}", "{% endif %}"], None, ("body", 2, None)),
    "tag_unclosed": (["单位：{{ name"], None, ("body", 1, None)),
    "tag_split": (["单位：{{ name", "}} 完"], None, ("body", 1, None)),
    "tr_tc_misuse": (["{%tr for x in rows %}", "{%tr endfor %}"], None, ("body", 1, None)),
    "unknown_filter": (["表头"], [["名称", "金额"], ["{{ name }}", "{{ amount|nosuch }}"]], ("body", 5, (1, 2, 2))),
    "template_unsafe": (["{{ cycler.__init__.__globals__.os.popen('id').read() }}"], None, ("body", 1, None)),
    "unknown_variable": (["单位：{{ name }}"], [["联系人"], ["{{ contact_nme }}"]], ("body", 3, (1, 2, 1))),
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "amount": {"type": "string"}, "contact_name": {"type": "string"}},
}


def docx(paragraphs: list[str], rows: list[list[str]] | None = None) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if rows:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def with_entries(data: bytes, extra: dict[str, bytes], replace: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info)))
        for name, content in extra.items():
            dst.writestr(name, content)
    return out.getvalue()


def external_link(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        rels = src.read("word/_rels/document.xml.rels").decode()
    rel = (
        '<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
        'Target="http://attacker.example/x.png" TargetMode="External"/></Relationships>'
    )
    return with_entries(data, {}, {"word/_rels/document.xml.rels": rels.replace("</Relationships>", rel).encode()})


def build(directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    for code, (paragraphs, rows, _) in CASES.items():
        files[code] = directory / f"{code}.docx"
        files[code].write_bytes(docx(paragraphs, rows))
    clean = docx(["单位：{{ name }}"])
    files["template_macros"] = directory / "template_macros.docx"
    files["template_macros"].write_bytes(with_entries(clean, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 64}))
    files["template_external_link"] = directory / "template_external_link.docx"
    files["template_external_link"].write_bytes(external_link(clean))
    files["template_zip_bomb"] = directory / "template_zip_bomb.docx"
    files["template_zip_bomb"].write_bytes(with_entries(clean, {"word/media/big.xml": b"\0" * (80 * 1024 * 1024)}))
    files["template_file_invalid"] = directory / "template_file_invalid.docx"
    files["template_file_invalid"].write_bytes(b"%PDF-1.7 not a Word document")
    return files


if __name__ == "__main__":
    for code, path in build(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")).items():
        print(code, path)
