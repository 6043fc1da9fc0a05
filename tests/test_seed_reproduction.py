"""samples/gd_forwarding_notice.json renders the whole seed: same text, paragraph by paragraph and table cell by
table cell, in the seed's order.

The seed was extracted from a PDF, so both sides are normalised before comparing: whitespace removed, full- and
half-width forms folded (NFKC: （→( ，→, ：→: …→...), fill-in underscores removed, the extraction's HTML
checkboxes read as ☐ and its "- 1." list markers as "1.". A paragraph the PDF split at a page break ("申报示范企业
应为" / "独立法人…") is joined again — only on the seed's side, and only paragraph text, never table cells.
What the extraction lost is listed in EXTRACTION_LOSSES with the reason; nothing else may differ.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from service.rendering import render

ROOT = Path(__file__).resolve().parents[1]
# A copy of shared/seed/000_cc1d8535f93dc5c7.txt, kept in the repository so that the test does not depend on
# where the checkout lies.
SEED = Path(__file__).parent / "data" / "seed_gd_forwarding_notice.txt"
SAMPLE = ROOT / "samples" / "gd_forwarding_notice.json"

# Lines of the rendered document that the seed's text extraction does not have.
EXTRACTION_LOSSES = {
    "附件5": "the mark of the MIIT notice's 附件5 (评价要点（示范企业）) is missing from the extracted text; "
    "the notice "
    "itself cites 附件4、5 and the page starts with that attachment's title",
}
# Editor's notes of the sample, not text of the seed: they mark what the seed lost, without inventing it.
EDITOR_NOTES = {
    "〔源文件此处缺页〕": "the seed lost the page(s) after “…的园区整” of the MIIT notice (the sentence breaks off "
    "mid-word and the next page is its signature page “（此页无正文）”)",
}
# Lines of the seed that are not text of the documents.
SEED_ARTEFACTS = {
    "(739)": "a bare number after 公开方式 at the very end of the file: a PDF extraction artefact, not document text",
}


@dataclass(frozen=True)
class Token:
    text: str
    where: str
    cell: bool = False


def normalise(text: str) -> str:
    text = text.replace('<input type="checkbox"/>', "☐").replace("☑", "☐")
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"_+", "", text)
    return re.sub(r"\s+", "", text)


def seed_tokens(text: str) -> list[Token]:
    tokens: list[Token] = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = re.sub(r"^\s*-\s+(?=\d+\.)", "", line)  # markdown list marker of the extraction
        if not line.strip() or line.strip() in SEED_ARTEFACTS:
            continue
        if "\t" in line:
            tokens += [Token(normalise(c), f"seed line {number}", True) for c in line.split("\t") if normalise(c)]
        else:
            tokens.append(Token(normalise(line), f"seed line {number}"))
    return tokens


def docx_tokens(data: bytes) -> list[Token]:
    """Paragraphs and table cells in document order; a merged cell once; each paragraph of a cell a token."""
    document = docx.Document(io.BytesIO(data))
    tokens: list[Token] = []
    table_index = 0
    for index, element in enumerate(document.element.body):
        if element.tag == qn("w:p"):
            text = normalise("".join(t.text or "" for t in element.iter(qn("w:t"))))
            if text:
                tokens.append(Token(text, f"docx paragraph {index}"))
        elif element.tag == qn("w:tbl"):
            table_index += 1
            for r, row in enumerate(element.iter(qn("w:tr"))):
                for tc in row.iter(qn("w:tc")):
                    # a cell spanning columns is one w:tc; a vertically merged one continues in empty w:tc's
                    merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                    if merge is not None and merge.get(qn("w:val")) in (None, "continue"):
                        continue
                    for p in tc.iter(qn("w:p")):
                        text = normalise("".join(t.text or "" for t in p.iter(qn("w:t"))))
                        if text:
                            tokens.append(Token(text, f"docx table {table_index} row {r + 1}", True))
    return tokens


def compare(seed: list[Token], rendered: list[Token]) -> tuple[list[str], list[str], list[str]]:
    """Walk both token lists; raise on the first mismatch. Returns the seed paragraphs joined across page breaks,
    the rendered paragraphs that the seed has on one line (a title set on two lines), and the known losses."""
    seed, rendered = list(seed), list(rendered)
    joined: list[str] = []
    split: list[str] = []
    skipped: list[str] = []
    i = j = 0
    while i < len(seed) and j < len(rendered):
        s, d = seed[i], rendered[j]
        if s.text == d.text:
            i += 1
            j += 1
        elif d.text in EXTRACTION_LOSSES or d.text in {normalise(note) for note in EDITOR_NOTES}:
            skipped.append(d.text)
            j += 1
        elif not s.cell and i + 1 < len(seed) and not seed[i + 1].cell and d.text.startswith(s.text):
            joined.append(f"{s.where}: …{s.text[-8:]} + {seed[i + 1].text[:8]}…")
            seed[i + 1] = Token(s.text + seed[i + 1].text, s.where)
            i += 1
        elif (
            j + 1 < len(rendered)
            and s.text.startswith(d.text)
            and (d.cell, rendered[j + 1].cell) in ((False, False), (True, True))
            and (not d.cell or d.where == rendered[j + 1].where)  # cells: only within one row
        ):
            split.append(f"{d.where}: {d.text} + {rendered[j + 1].text}")
            rendered[j + 1] = Token(d.text + rendered[j + 1].text, d.where)
            j += 1
        else:
            context = "\n".join(f"   seed {t.where}: {t.text[:60]}" for t in seed[max(i - 2, 0) : i + 3])
            raise AssertionError(
                f"first difference at {s.where} / {d.where}:\n  seed:     {s.text[:120]}\n  rendered: {d.text[:120]}\n"
                f"seed around it:\n{context}"
            )
    if i < len(seed):
        raise AssertionError(
            f"the rendered document ends before the seed: next seed text at {seed[i].where}: {seed[i].text[:80]}"
        )
    if j < len(rendered):
        raise AssertionError(
            f"the rendered document has more text than the seed from {rendered[j].where}: {rendered[j].text[:80]}"
        )
    return joined, split, skipped


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render("official_document", json.loads(SAMPLE.read_text(encoding="utf-8")))


@pytest.mark.skipif(not SEED.exists(), reason="the seed is not available")
def test_rendered_text_equals_the_seed(rendered):
    joined, split, skipped = compare(seed_tokens(SEED.read_text(encoding="utf-8")), docx_tokens(rendered))
    assert skipped == [*[normalise(note) for note in EDITOR_NOTES], *EXTRACTION_LOSSES]
    # the seed's page breaks split nine paragraphs ("申报示范企业应为" / "独立法人…" …), no more
    assert len(joined) == 9, joined
    # what the rendered document sets in pieces where the seed has one line: only the covers of the application
    # forms (the title over two lines; "申报单位：____（盖章）" as label, value and suffix cells)
    assert all(re.search(r"创建申请书|申报单位|推荐单位|填报日期", piece) for piece in split), split


def test_normaliser_folds_what_the_pdf_extraction_changed():
    assert normalise("（联系人：潜文字，电话：020-83133421）") == normalise("(联系人:潜文字,电话:020-83133421)")
    assert normalise("× × 市国家新兴产业 推荐汇总表") == "××市国家新兴产业推荐汇总表"
    assert normalise("推荐单位（盖章）：_____") == normalise("推荐单位（盖章）：")
    assert normalise('<input type="checkbox"/> 国有') == "☐国有"
    assert normalise("…") == "..."
    assert [t.text for t in seed_tokens("- 1.示范基地空间布局平面图；\n")] == ["1.示范基地空间布局平面图;"]


def test_a_changed_word_is_reported_with_its_place():
    seed = seed_tokens("第一段\n\n第二段\n")
    with pytest.raises(AssertionError, match="seed line 3"):
        compare(seed, [Token("第一段", "p0"), Token("第三段", "p1")])
    with pytest.raises(AssertionError, match="ends before the seed"):
        compare(seed, [Token("第一段", "p0")])


def test_official_document_sample_is_the_seed_notice():
    """samples/official_document.json (served by the API for the template) is the same notice."""
    other = json.loads((ROOT / "samples" / "official_document.json").read_text(encoding="utf-8"))
    assert other == json.loads(SAMPLE.read_text(encoding="utf-8"))
