"""service.rendering.ooxml_order: property elements land in ECMA-376 schema order whatever order code adds them."""

from __future__ import annotations

import json
from pathlib import Path

import openxml_audit
import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from service.rendering import ooxml_order as order


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
