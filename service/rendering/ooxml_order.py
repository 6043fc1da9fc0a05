"""Schema order of WordprocessingML property elements (ECMA-376 transitional).

Word and schema validators reject a `w:pPr` whose `w:ind` precedes `w:spacing`, a `w:tblPr` whose
`w:tblLook` precedes `w:tblBorders`, and so on: the children of these parents form an `xsd:sequence`.
Builders and the composer add property elements through this module instead of `append`/`insert`, so that
every element lands in its schema position whatever order the code adds them in.

The sequences follow python-docx's `_tag_seq` declarations (docx.oxml.text.parfmt.CT_PPr, text.font.CT_RPr,
table.CT_TblPr/CT_TcPr/CT_TrPr, section.CT_SectPr, settings.CT_Settings; python-docx deletes them from the
classes after use, so they are restated here) completed with the parents python-docx does not model
(w:tblCellMar, w:tcMar, w:tblBorders, w:tcBorders, w:pBdr) and the Office 2010+ tail of w:settings.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap as _DOCX_NSMAP
from lxml import etree

NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "sl": "http://schemas.openxmlformats.org/schemaLibrary/2006/main",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
}


def clark(tag: str) -> str:
    """'w:ind' -> '{http://…/main}ind' (a Clark name passes through)."""
    if tag.startswith("{"):
        return tag
    prefix, _, local = tag.partition(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


def prefixed(tag: str) -> str:
    """'{http://…/main}ind' -> 'w:ind'."""
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    for prefix, namespace in NAMESPACES.items():
        if namespace == uri:
            return f"{prefix}:{local}"
    return tag


_RPR_BASE = (
    "w:rStyle",
    "w:rFonts",
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:caps",
    "w:smallCaps",
    "w:strike",
    "w:dstrike",
    "w:outline",
    "w:shadow",
    "w:emboss",
    "w:imprint",
    "w:noProof",
    "w:snapToGrid",
    "w:vanish",
    "w:webHidden",
    "w:color",
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w14:glow",
    "w14:shadow",
    "w14:reflection",
    "w14:textOutline",
    "w14:textFill",
    "w14:scene3d",
    "w14:props3d",
    "w14:ligatures",
    "w14:numForm",
    "w14:numSpacing",
    "w14:stylisticSets",
    "w14:cntxtAlts",
    "w:oMath",
)

# Each parent's children in schema order. A tuple inside the sequence is a choice group whose members may
# appear in any order among themselves (w:headerReference/w:footerReference; all of w:trPr).
SEQUENCES: dict[str, tuple[str | tuple[str, ...], ...]] = {
    # A paragraph mark's rPr (CT_ParaRPr) starts with revision marks; a run's rPr (CT_RPr) has none of them,
    # so one superset serves both.
    "w:rPr": (
        "w:ins",
        "w:del",
        "w:moveFrom",
        "w:moveTo",
        ("w14:conflictIns", "w14:conflictDel"),
        *_RPR_BASE,
        "w:rPrChange",
    ),
    "w:pPr": (
        "w:pStyle",
        "w:keepNext",
        "w:keepLines",
        "w:pageBreakBefore",
        "w:framePr",
        "w:widowControl",
        "w:numPr",
        "w:suppressLineNumbers",
        "w:pBdr",
        "w:shd",
        "w:tabs",
        "w:suppressAutoHyphens",
        "w:kinsoku",
        "w:wordWrap",
        "w:overflowPunct",
        "w:topLinePunct",
        "w:autoSpaceDE",
        "w:autoSpaceDN",
        "w:bidi",
        "w:adjustRightInd",
        "w:snapToGrid",
        "w:spacing",
        "w:ind",
        "w:contextualSpacing",
        "w:mirrorIndents",
        "w:suppressOverlap",
        "w:jc",
        "w:textDirection",
        "w:textAlignment",
        "w:textboxTightWrap",
        "w:outlineLvl",
        "w:divId",
        "w:cnfStyle",
        "w:rPr",
        "w:sectPr",
        "w:pPrChange",
    ),
    "w:tblPr": (
        "w:tblStyle",
        "w:tblpPr",
        "w:tblOverlap",
        "w:bidiVisual",
        "w:tblStyleRowBandSize",
        "w:tblStyleColBandSize",
        "w:tblW",
        "w:jc",
        "w:tblCellSpacing",
        "w:tblInd",
        "w:tblBorders",
        "w:shd",
        "w:tblLayout",
        "w:tblCellMar",
        "w:tblLook",
        "w:tblCaption",
        "w:tblDescription",
        "w:tblPrChange",
    ),
    "w:trPr": (
        (
            "w:cnfStyle",
            "w:divId",
            "w:gridBefore",
            "w:gridAfter",
            "w:wBefore",
            "w:wAfter",
            "w:cantSplit",
            "w:trHeight",
            "w:tblHeader",
            "w:tblCellSpacing",
            "w:jc",
            "w:hidden",
        ),
        "w:ins",
        "w:del",
        "w:trPrChange",
    ),
    "w:tcPr": (
        "w:cnfStyle",
        "w:tcW",
        "w:gridSpan",
        "w:hMerge",
        "w:vMerge",
        "w:tcBorders",
        "w:shd",
        "w:noWrap",
        "w:tcMar",
        "w:textDirection",
        "w:tcFitText",
        "w:vAlign",
        "w:hideMark",
        "w:headers",
        "w:cellIns",
        "w:cellDel",
        "w:cellMerge",
        "w:tcPrChange",
    ),
    "w:sectPr": (
        ("w:headerReference", "w:footerReference"),
        "w:footnotePr",
        "w:endnotePr",
        "w:type",
        "w:pgSz",
        "w:pgMar",
        "w:paperSrc",
        "w:pgBorders",
        "w:lnNumType",
        "w:pgNumType",
        "w:cols",
        "w:formProt",
        "w:vAlign",
        "w:noEndnote",
        "w:titlePg",
        "w:textDirection",
        "w:bidi",
        "w:rtlGutter",
        "w:docGrid",
        "w:printerSettings",
        "w15:footnoteColumns",
        "w:sectPrChange",
    ),
    "w:tblCellMar": ("w:top", "w:left", "w:start", "w:bottom", "w:right", "w:end"),
    "w:tcMar": ("w:top", "w:left", "w:start", "w:bottom", "w:right", "w:end"),
    "w:tblBorders": ("w:top", "w:left", "w:start", "w:bottom", "w:right", "w:end", "w:insideH", "w:insideV"),
    "w:tcBorders": (
        "w:top",
        "w:left",
        "w:start",
        "w:bottom",
        "w:right",
        "w:end",
        "w:insideH",
        "w:insideV",
        "w:tl2br",
        "w:tr2bl",
    ),
    "w:pBdr": ("w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar"),
    "w:settings": (
        "w:writeProtection",
        "w:view",
        "w:zoom",
        "w:removePersonalInformation",
        "w:removeDateAndTime",
        "w:doNotDisplayPageBoundaries",
        "w:displayBackgroundShape",
        "w:printPostScriptOverText",
        "w:printFractionalCharacterWidth",
        "w:printFormsData",
        "w:embedTrueTypeFonts",
        "w:embedSystemFonts",
        "w:saveSubsetFonts",
        "w:saveFormsData",
        "w:mirrorMargins",
        "w:alignBordersAndEdges",
        "w:bordersDoNotSurroundHeader",
        "w:bordersDoNotSurroundFooter",
        "w:gutterAtTop",
        "w:hideSpellingErrors",
        "w:hideGrammaticalErrors",
        "w:activeWritingStyle",
        "w:proofState",
        "w:formsDesign",
        "w:attachedTemplate",
        "w:linkStyles",
        "w:stylePaneFormatFilter",
        "w:stylePaneSortMethod",
        "w:documentType",
        "w:mailMerge",
        "w:revisionView",
        "w:trackRevisions",
        "w:doNotTrackMoves",
        "w:doNotTrackFormatting",
        "w:documentProtection",
        "w:autoFormatOverride",
        "w:styleLockTheme",
        "w:styleLockQFSet",
        "w:defaultTabStop",
        "w:autoHyphenation",
        "w:consecutiveHyphenLimit",
        "w:hyphenationZone",
        "w:doNotHyphenateCaps",
        "w:showEnvelope",
        "w:summaryLength",
        "w:clickAndTypeStyle",
        "w:defaultTableStyle",
        "w:evenAndOddHeaders",
        "w:bookFoldRevPrinting",
        "w:bookFoldPrinting",
        "w:bookFoldPrintingSheets",
        "w:drawingGridHorizontalSpacing",
        "w:drawingGridVerticalSpacing",
        "w:displayHorizontalDrawingGridEvery",
        "w:displayVerticalDrawingGridEvery",
        "w:doNotUseMarginsForDrawingGridOrigin",
        "w:drawingGridHorizontalOrigin",
        "w:drawingGridVerticalOrigin",
        "w:doNotShadeFormData",
        "w:noPunctuationKerning",
        "w:characterSpacingControl",
        "w:printTwoOnOne",
        "w:strictFirstAndLastChars",
        "w:noLineBreaksAfter",
        "w:noLineBreaksBefore",
        "w:savePreviewPicture",
        "w:doNotValidateAgainstSchema",
        "w:saveInvalidXml",
        "w:ignoreMixedContent",
        "w:alwaysShowPlaceholderText",
        "w:doNotDemarcateInvalidXml",
        "w:saveXmlDataOnly",
        "w:useXSLTWhenSaving",
        "w:saveThroughXslt",
        "w:showXMLTags",
        "w:alwaysMergeEmptyNamespace",
        "w:updateFields",
        "w:hdrShapeDefaults",
        "w:footnotePr",
        "w:endnotePr",
        "w:compat",
        "w:docVars",
        "w:rsids",
        "m:mathPr",
        "w:uiCompat97To2003",
        "w:attachedSchema",
        "w:themeFontLang",
        "w:clrSchemeMapping",
        "w:doNotIncludeSubdocsInStats",
        "w:doNotAutoCompressPictures",
        "w:forceUpgrade",
        "w:captions",
        "w:readModeInkLockDown",
        "w:smartTagType",
        "sl:schemaLibrary",
        "w:shapeDefaults",
        "w:doNotEmbedSmartTags",
        "w:decimalSymbol",
        "w:listSeparator",
        "w14:docId",
        "w14:discardImageEditingData",
        "w14:defaultImageDpi",
        "w14:conflictMode",
        "w15:chartTrackingRefBased",
        "w15:docId",
    ),
}


def _ranks(sequence: Sequence[str | tuple[str, ...]]) -> dict[str, int]:
    ranks: dict[str, int] = {}
    for rank, item in enumerate(sequence):
        for tag in (item,) if isinstance(item, str) else item:
            ranks[clark(tag)] = rank
    return ranks


_RANKS: dict[str, dict[str, int]] = {clark(parent): _ranks(seq) for parent, seq in SEQUENCES.items()}
# Children that may occur more than once; every other child is unique in its parent.
REPEATABLE = frozenset(clark(t) for t in ("w:headerReference", "w:footerReference", "w:activeWritingStyle"))


def rank(parent: etree._Element, tag: str) -> int:
    """Position of `tag` in `parent`'s schema sequence; ValueError for a parent or child not modelled here."""
    ranks = _RANKS.get(parent.tag)
    if ranks is None:
        raise ValueError(f"no schema order known for children of {prefixed(parent.tag)}")
    try:
        return ranks[clark(tag)]
    except KeyError:
        raise ValueError(f"{prefixed(tag)} is not a child of {prefixed(parent.tag)}") from None


def _insert(parent: etree._Element, element: etree._Element) -> etree._Element:
    position = rank(parent, element.tag)
    ranks = _RANKS[parent.tag]
    # After the last child that may precede it (same rank included: choice groups keep insertion order).
    index = 0
    for i, existing in enumerate(parent):
        existing_rank = ranks.get(existing.tag)
        if existing_rank is not None and existing_rank <= position:
            index = i + 1
    parent.insert(index, element)
    return element


def set_child(parent: etree._Element, element: etree._Element) -> etree._Element:
    """Put `element` into `parent` at its schema position, replacing an existing child of the same tag."""
    if element.tag not in REPEATABLE:
        for old in parent.findall(element.tag):
            if old is not element:
                parent.remove(old)
    if element.getparent() is parent:
        parent.remove(element)
    return _insert(parent, element)


def add_child(parent: etree._Element, element: etree._Element) -> etree._Element:
    """Insert a repeatable child (w:headerReference, …) at its schema position, keeping the others."""
    return _insert(parent, element)


def new_element(tag: str) -> etree._Element:
    """A new element (python-docx's custom element class where it has one, e.g. CT_PPr for w:pPr)."""
    name = prefixed(clark(tag))
    if name.partition(":")[0] in _DOCX_NSMAP:
        return OxmlElement(name)
    return etree.Element(clark(tag))


def _set_attrs(element: etree._Element, attrs: dict[str, str | int | None]) -> None:
    for key, value in attrs.items():
        name = clark(key if ":" in key else f"w:{key}")
        if value is None:
            if name in element.attrib:
                del element.attrib[name]
        else:
            element.set(name, str(value))


def child(parent: etree._Element, tag: str, **attrs: str | int | None) -> etree._Element:
    """The child `tag` of `parent` (created at its schema position if missing), with `attrs` set.

    Attribute names are local names of the w: namespace (`firstLineChars="200"`); None removes one.
    """
    existing = parent.find(clark(tag))
    if existing is None:
        rank(parent, tag)  # fail before creating anything for a child the parent cannot hold
        existing = _insert(parent, new_element(tag))
    _set_attrs(existing, attrs)
    return existing


def replace_child(parent: etree._Element, tag: str, **attrs: str | int | None) -> etree._Element:
    """A fresh child `tag` (any existing one and its attributes dropped) at its schema position."""
    element = new_element(tag)
    _set_attrs(element, attrs)
    return set_child(parent, element)


def misplaced(parent: etree._Element) -> list[str]:
    """Children of `parent` that come after a child they must precede (empty when the order is valid)."""
    ranks = _RANKS.get(parent.tag)
    if ranks is None:
        return []
    out: list[str] = []
    highest = -1
    for element in parent:
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        r = ranks.get(element.tag)
        if r is None:
            continue
        if r < highest:
            out.append(prefixed(element.tag))
        highest = max(highest, r)
    return out


def misplaced_in_tree(root: etree._Element) -> list[tuple[str, str]]:
    """(parent, child) for every out-of-order child of a modelled parent anywhere under `root`."""
    found: list[tuple[str, str]] = []
    for parent_tag in _RANKS:
        for parent in root.iter(parent_tag):
            found += [(prefixed(parent_tag), tag) for tag in misplaced(parent)]
    return found
