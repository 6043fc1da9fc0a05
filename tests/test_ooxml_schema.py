"""service.rendering.ooxml_order: property elements land in ECMA-376 schema order whatever order code adds them."""

from __future__ import annotations

import json
from pathlib import Path

import openxml_audit
import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from service.rendering import ooxml_order as order
from service.rendering import render


def _tags(parent) -> list[str]:
    return [order.prefixed(c.tag) for c in parent]


def test_ppr_children_in_schema_order_whatever_the_insertion_order() -> None:
    ppr = OxmlElement("w:pPr")
    for tag in ("w:outlineLvl", "w:jc", "w:ind", "w:spacing", "w:keepNext", "w:pStyle"):
        order.child(ppr, tag)
    assert _tags(ppr) == ["w:pStyle", "w:keepNext", "w:spacing", "w:ind", "w:jc", "w:outlineLvl"]
    assert order.misplaced(ppr) == []


def test_child_gets_existing_and_sets_attributes() -> None:
    ppr = OxmlElement("w:pPr")
    ind = order.child(ppr, "w:ind", firstLineChars=200, firstLine="640")
    same = order.child(ppr, "w:ind", firstLine=None)
    assert same is ind
    assert len(ppr) == 1
    assert ind.get(qn("w:firstLineChars")) == "200"
    assert ind.get(qn("w:firstLine")) is None


def test_set_child_replaces_same_tag_and_keeps_order() -> None:
    tbl_pr = OxmlElement("w:tblPr")
    order.child(tbl_pr, "w:tblLook", val="04A0")
    order.child(tbl_pr, "w:tblW", w=0, type="auto")
    old = order.child(tbl_pr, "w:tblBorders")
    new = order.set_child(tbl_pr, OxmlElement("w:tblBorders"))
    order.child(tbl_pr, "w:tblCellMar")
    order.child(tbl_pr, "w:tblLayout", type="fixed")
    assert new is not old
    assert _tags(tbl_pr) == ["w:tblW", "w:tblBorders", "w:tblLayout", "w:tblCellMar", "w:tblLook"]


@pytest.mark.parametrize("parent", ["w:tblCellMar", "w:tcMar"])
def test_margins_top_left_bottom_right(parent: str) -> None:
    mar = OxmlElement(parent)
    for edge in ("left", "right", "top", "bottom"):
        order.child(mar, f"w:{edge}", w=80, type="dxa")
    assert _tags(mar) == ["w:top", "w:left", "w:bottom", "w:right"]


def test_borders_order() -> None:
    borders = OxmlElement("w:tcBorders")
    for edge in ("tr2bl", "insideV", "right", "bottom", "left", "top"):
        order.child(borders, f"w:{edge}", val="single")
    assert _tags(borders) == ["w:top", "w:left", "w:bottom", "w:right", "w:insideV", "w:tr2bl"]


def test_sectpr_references_first_and_repeatable() -> None:
    sect = OxmlElement("w:sectPr")
    order.child(sect, "w:docGrid", type="lines")
    order.child(sect, "w:pgNumType", start=1)
    order.child(sect, "w:pgSz", w=11906, h=16838)
    order.child(sect, "w:pgMar", top=2098)
    order.add_child(sect, OxmlElement("w:headerReference"))
    order.add_child(sect, OxmlElement("w:footerReference"))
    order.add_child(sect, OxmlElement("w:footerReference"))
    order.child(sect, "w:titlePg")
    assert _tags(sect) == [
        "w:headerReference",
        "w:footerReference",
        "w:footerReference",
        "w:pgSz",
        "w:pgMar",
        "w:pgNumType",
        "w:titlePg",
        "w:docGrid",
    ]


def test_settings_mirror_margins_before_proof_state() -> None:
    doc = Document()
    settings = doc.settings.element
    order.child(settings, "w:evenAndOddHeaders")
    order.child(settings, "w:mirrorMargins")
    tags = _tags(settings)
    assert tags.index("w:mirrorMargins") < tags.index("w:defaultTabStop")
    assert tags.index("w:mirrorMargins") < tags.index("w:proofState") if "w:proofState" in tags else True
    assert order.misplaced(settings) == []


def test_unknown_child_is_refused() -> None:
    with pytest.raises(ValueError, match="w:tblLook is not a child of w:pPr"):
        order.child(OxmlElement("w:pPr"), "w:tblLook")
    with pytest.raises(ValueError, match="no schema order known"):
        order.child(OxmlElement("w:body"), "w:p")


def test_misplaced_reports_children_out_of_order() -> None:
    ppr = OxmlElement("w:pPr")
    ppr.append(OxmlElement("w:ind"))
    ppr.append(OxmlElement("w:spacing"))
    assert order.misplaced(ppr) == ["w:spacing"]
    assert order.misplaced_in_tree(ppr) == [("w:pPr", "w:spacing")]


def _schema_sequence(type_name: str) -> list[str]:
    """The flat child sequence of a type in the validator's own copy of the WordprocessingML schema."""
    data_dir = Path(openxml_audit.__file__).parent / "data" / "openxml" / "schemas"
    schema = json.loads((data_dir / "schemas_openxmlformats_org_wordprocessingml_2006_main.json").read_text())

    def flat(particle: dict) -> list[str]:
        if "Name" in particle and "Kind" not in particle:
            return [particle["Name"].split("/")[-1]]
        return [tag for item in particle.get("Items", []) for tag in flat(item)]

    for entry in schema["Types"]:
        if entry["Name"] == type_name:
            return flat(entry.get("Particle", {}))
    raise LookupError(type_name)


@pytest.mark.parametrize(
    ("type_name", "parent"),
    [
        ("w:CT_PPr/w:pPr", "w:pPr"),
        ("w:CT_TblPr/w:tblPr", "w:tblPr"),
        ("w:CT_TcPr/w:tcPr", "w:tcPr"),
        ("w:CT_SectPr/w:sectPr", "w:sectPr"),
        ("w:CT_TblCellMar/w:tblCellMar", "w:tblCellMar"),
        ("w:CT_TcMar/w:tcMar", "w:tcMar"),
        ("w:CT_TblBorders/w:tblBorders", "w:tblBorders"),
        ("w:CT_TcBorders/w:tcBorders", "w:tcBorders"),
        ("w:CT_Settings/w:settings", "w:settings"),
        ("w:CT_ParaRPr/w:rPr", "w:rPr"),
    ],
)
def test_sequences_agree_with_the_validator_schema(type_name: str, parent: str) -> None:
    """Every pair of children the validator's schema orders is ordered the same way here."""
    expected = _schema_sequence(type_name)
    element = OxmlElement(parent) if parent != "w:settings" else Document().settings.element
    known = [t for t in expected if order.clark(t) in order._RANKS[element.tag]]
    assert len(known) >= len(expected) - 1, set(expected) - set(known)
    ranks = [order.rank(element, t) for t in known]
    for (a, ra), (b, rb) in zip(zip(known, ranks, strict=True), zip(known[1:], ranks[1:], strict=True), strict=False):
        assert ra <= rb, f"{a} must precede {b} in {parent}"


# --- Every document the service writes is schema-valid (openxml-audit, the Open XML SDK's rules) ---------

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
TEMPLATES = sorted((ROOT / "word_templates").glob("*.docx"))
TEMPLATE_IDS = [p.stem for p in TEMPLATES]
# Payload files named after another template: both are 公文 payloads.
SAMPLE_TEMPLATE = {"gd_forwarding_notice": "official_document", "city_recommendation_letter": "official_document"}
SAMPLE_FILES = sorted(SAMPLES.glob("*.json"))
_VALIDATOR = openxml_audit.OpenXmlValidator(max_errors=0, semantic_validation=False)


def schema_errors(docx: bytes | Path, tmp_path: Path) -> list[str]:
    """The schema errors openxml-audit finds in a .docx ("part path: description")."""
    if isinstance(docx, bytes):
        target = tmp_path / "document.docx"
        target.write_bytes(docx)
        docx = target
    result = _VALIDATOR.validate(docx)
    return [
        f"{e.part_uri} {e.path}: {e.description}"
        for e in result.errors
        if e.error_type == openxml_audit.ValidationErrorType.SCHEMA
    ]


def assert_valid(docx: bytes | Path, tmp_path: Path) -> None:
    errors = schema_errors(docx, tmp_path)
    assert errors == [], f"{len(errors)} schema errors, first ones:\n" + "\n".join(errors[:8])


def test_validator_finds_a_misordered_property(tmp_path: Path) -> None:
    """The check can fail: a w:ind moved before w:spacing in a template is reported."""
    import zipfile

    source = ROOT / "word_templates" / "meeting_rsvp.docx"
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/styles.xml":
                root = etree.fromstring(data)
                for ppr in root.iter(qn("w:pPr")):
                    ind, spacing = ppr.find(qn("w:ind")), ppr.find(qn("w:spacing"))
                    if ind is not None and spacing is not None:
                        spacing.addnext(ind)  # w:ind after w:spacing is valid …
                        ind.addnext(spacing)  # … w:spacing after w:ind is not
                        break
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(info, data)
    assert any("spacing" in e for e in schema_errors(broken, tmp_path))


@pytest.mark.parametrize("path", TEMPLATES, ids=TEMPLATE_IDS)
def test_template_is_schema_valid(path: Path, tmp_path: Path) -> None:
    assert_valid(path, tmp_path)


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=[p.stem for p in SAMPLE_FILES])
def test_sample_rendering_is_schema_valid(sample: Path, tmp_path: Path) -> None:
    """Every sample rendered; the 公文 samples (official_document, gd_forwarding_notice,
    city_recommendation_letter) come out of the composer with their forwarded documents and attachments."""
    template_id = SAMPLE_TEMPLATE.get(sample.stem, sample.stem)
    payload = json.loads(sample.read_text(encoding="utf-8"))
    assert_valid(render(template_id, payload), tmp_path)


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_blank_form_is_schema_valid(template_id: str, tmp_path: Path) -> None:
    assert_valid(render(template_id, blank=True), tmp_path)


def test_application_in_package_bundle_is_schema_valid(converter, tmp_path: Path) -> None:
    """The 申请书 .docx as the bundle ZIP carries it (after packaging's own processing)."""
    import io
    import zipfile

    from service.packaging import Attachment, assemble_package

    park_dir = SAMPLES / "attachments" / "park"
    attachments = [Attachment.from_path(park_dir / "1" / "01_示范基地空间布局平面图.png", 1)]
    payload = json.loads((SAMPLES / "park_application.json").read_text(encoding="utf-8"))
    package = assemble_package("park_application", payload, attachments, converter=converter)
    with zipfile.ZipFile(io.BytesIO(package.bundle_zip)) as bundle:
        docx_names = [n for n in bundle.namelist() if n.endswith(".docx")]
        applications = [n for n in docx_names if bundle.read(n) == package.application_docx]
        assert len(applications) == 1, docx_names
        data = bundle.read(applications[0])
    assert_valid(data, tmp_path)
