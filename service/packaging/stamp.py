"""Page numbers "— N —" stamped as GB/T 9704-2012 places them, without covering the content.

Placement (GB/T 9704 §7.5, measured from the page's visible box so that any page size works)
  * 四号 (14 pt) half-width digits between two em dashes (U+2014), e.g. "— 3 —".
  * The dashes sit 7 mm below the lower edge of the type area (type area bottom = 35 mm above the page bottom):
    the baseline is 28 mm above the bottom edge minus the dash's height above the baseline.
  * Odd numbers right-aligned one character (14 pt) in from the right edge of the type area (26 mm margin),
    even numbers left-aligned one character in from the left edge (28 mm margin).

Font: the 宋体 face of the documents (Noto Serif CJK SC through system/fontconfig), subset-embedded at 四号
(see `stamp_font`): every viewer and printer draws the same glyphs, and text extraction returns exactly
"— N —" (checked by the tests).

Room for the number: each page's content is measured (the painted area of its content stream: text, paths,
images and form XObjects, clipped, in page space). When the content reaches into the band the number occupies
(from the page bottom up to ~32 mm), the content is scaled down uniformly about the top centre of the content
just enough to clear the band — 89 % at worst for an A4 page whose content fills the page (a full-bleed scan).
The original content is wrapped in q … Q so that the graphics state it leaves behind cannot affect the stamp.
Annotation rectangles (links) are moved with the content.

Damaged content is measured as viewers draw it: an operator with too few operands, or an operand of the wrong
type, is skipped and the stream goes on (pdf.js; poppler stops drawing the stream there, which draws a part of
what is measured); with too many operands the last ones count (both). A content stream that cannot be parsed at all,
or whose measure is not a finite box, counts as covering the whole page (shrunk to clear the band: the number
never covers content).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pikepdf
from pikepdf import Name

from service.packaging.stamp_font import FIRST_CHAR, GLYPH_NAMES, LAST_CHAR, stamp_font

MM = 72 / 25.4
FONT_SIZE = 14.0  # 四号
CHAR = FONT_SIZE  # "one character" of 四号
DASH_LINE = 28 * MM  # the dashes 7 mm below a type area ending 35 mm above the bottom
RIGHT_MARGIN, LEFT_MARGIN = 26 * MM, 28 * MM
MIN_SCALE = 0.5
FONT_RESOURCE = "/DGPageNo"


def baseline() -> float:
    """Height of the stamp's baseline above the page bottom: the em dash's middle lies on `DASH_LINE`."""
    return DASH_LINE - stamp_font().dash_middle * FONT_SIZE


def clear_top() -> float:
    """Top of the band the number occupies: the digits' height plus a small gap."""
    return baseline() + stamp_font().digit_top * FONT_SIZE + 1.5 * MM


def stamp_text(number: int) -> str:
    return f"— {number} —"


def text_width(text: str, size: float = FONT_SIZE) -> float:
    return stamp_font().text_width(text, size)


@dataclass(frozen=True)
class StampResult:
    number: int
    page_index: int
    scale: float
    """1.0 when the page had room; below 1 when its content was shrunk to make room."""


def visible_box(page: pikepdf.Page) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)  # the CropBox, else the (inherited) MediaBox
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def make_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """The embedded page-number font as an indirect object of `pdf` (one per document, shared by its pages)."""
    font = stamp_font()
    program = pikepdf.Stream(pdf, font.program)
    program.Subtype = Name.Type1C
    descriptor = pikepdf.Dictionary(
        Type=Name.FontDescriptor,
        FontName=Name("/" + font.base_font),
        FontFamily=pikepdf.String(font.family),
        Flags=32 | 2,  # non-symbolic (standard Latin names), serif
        FontBBox=pikepdf.Array(list(font.bbox)),
        ItalicAngle=0,
        Ascent=font.ascent,
        Descent=font.descent,
        CapHeight=round(font.digit_top * 1000),
        StemV=80,
        CharSet=pikepdf.String("".join(f"/{GLYPH_NAMES[c]}" for c in sorted(GLYPH_NAMES, key=GLYPH_NAMES.__getitem__))),
        FontFile3=pdf.make_indirect(program),
    )
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=Name.Font,
            Subtype=Name.Type1,
            BaseFont=Name("/" + font.base_font),
            Encoding=Name.WinAnsiEncoding,
            FirstChar=FIRST_CHAR,
            LastChar=LAST_CHAR,
            Widths=pikepdf.Array([font.code_width(code) for code in range(FIRST_CHAR, LAST_CHAR + 1)]),
            FontDescriptor=pdf.make_indirect(descriptor),
        )
    )


def stamp_pages(
    pdf: pikepdf.Pdf,
    numbers: Iterable[tuple[int, int]],
    *,
    measure: Iterable[int] | None = None,
    measured: Mapping[int, Box | None] | None = None,
) -> list[StampResult]:
    """Stamp `(page_index, number)` pairs. `measure`: indices whose content must be measured for room (all
    stamped pages when None); pages left out are known to keep the bottom 35 mm free (e.g. laid-out images).
    `measured`: `content_bbox` results already known for some of them (measured on the same page content before
    the merge, or cached for an unchanged attachment)."""
    font = make_font(pdf)
    wanted = None if measure is None else set(measure)
    known = measured or {}
    results = []
    for index, number in numbers:
        page = pdf.pages[index]
        box = visible_box(page)
        scale = 1.0
        if wanted is None or index in wanted:
            scale = make_room(page, box, known[index] if index in known else content_bbox(page, box))
        if scale == 1.0:
            page.contents_add(b"q\n", prepend=True)
            page.contents_add(b"\nQ\n")
        name = page.add_resource(font, Name.Font, Name(FONT_RESOURCE))
        page.contents_add(stamp_stream(number, box, str(name)))
        results.append(StampResult(number, index, scale))
    return results


def stamp_stream(number: int, box: tuple[float, float, float, float], font_name: str = FONT_RESOURCE) -> bytes:
    x0, y0, x1, _ = box
    text = stamp_text(number)
    width = text_width(text)
    x = x1 - RIGHT_MARGIN - CHAR - width if number % 2 else x0 + LEFT_MARGIN + CHAR
    encoded = text.encode("cp1252")  # "—" → 0x97 in WinAnsiEncoding
    return (
        b"q 0 g 0 Tr 0 Tc 0 Tw 100 Tz 0 Ts BT "
        + f"{font_name} {FONT_SIZE:g} Tf {x:.3f} {y0 + baseline():.3f} Td (".encode()
        + encoded
        + b") Tj ET Q\n"
    )


def make_room(page: pikepdf.Page, box: tuple[float, float, float, float], bbox: Box | None) -> float:
    """Shrink the page's content when it reaches into the page-number band; returns the scale applied.
    `bbox`: the page's `content_bbox`."""
    if bbox is None:
        return 1.0
    bx0, by0, bx1, by1 = box
    _, cy0, _, cy1 = bbox
    band_top = by0 + clear_top()
    if cy0 >= band_top:
        return 1.0
    top = min(cy1, by1)
    if top - cy0 <= 0 or top <= band_top:
        return 1.0
    scale = max(MIN_SCALE, (top - band_top) / (top - cy0))
    cx = (bx0 + bx1) / 2
    tx, ty = cx * (1 - scale), top * (1 - scale)
    page.contents_add(f"q {scale:.5f} 0 0 {scale:.5f} {tx:.4f} {ty:.4f} cm\n".encode(), prepend=True)
    page.contents_add(b"\nQ\n")
    for annot in page.obj.get("/Annots") or []:
        rect = annot.get("/Rect") if isinstance(annot, pikepdf.Dictionary) else None
        if rect is not None and len(rect) == 4:
            ax0, ay0, ax1, ay1 = (float(v) for v in rect)
            annot.Rect = [ax0 * scale + tx, ay0 * scale + ty, ax1 * scale + tx, ay1 * scale + ty]
    return scale


# --- measuring the painted area of a content stream ---------------------------------------------------------

Matrix = tuple[float, float, float, float, float, float]
Box = tuple[float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_OPERATORS = (
    "q Q cm BT ET Tm Td TD T* TL Tf Ts Tz Tr Tj TJ ' \" m l c v y re h S s f F f* B B* b b* n W W* Do sh BI ID EI"
)
_PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
_ARITY = {
    "cm": 6, "m": 2, "l": 2, "c": 6, "v": 4, "y": 4, "re": 4, "Tf": 2, "Ts": 1, "Tz": 1, "Tr": 1, "TL": 1,
    "Tm": 6, "Td": 2, "TD": 2, "'": 1, '"': 3, "Tj": 1, "TJ": 1, "Do": 1,
}  # fmt: skip
"""Operands each measured operator takes (the others take none or are not measured)."""
_NOT_NUMERIC = {"Tf", "'", '"', "Tj", "TJ", "Do"}
"""Operators with a name, string or array operand (checked where they are handled)."""
_MAX_FORM_DEPTH = 6


def mul(m: Matrix, n: Matrix) -> Matrix:
    """m × n (apply m first, then n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _rect_box(m: Matrix, x0: float, y0: float, x1: float, y1: float) -> Box:
    pts = [_apply(m, x, y) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def _union(a: Box | None, b: Box | None) -> Box | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _intersect(a: Box | None, b: Box | None) -> Box | None:
    if a is None or b is None:
        return None
    box = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return box if box[0] <= box[2] and box[1] <= box[3] else None


def content_bbox(page: pikepdf.Page, box: Box) -> Box | None:
    """The painted area of the page in page space, clipped to its visible box; None for an empty page.
    A content stream that cannot be parsed counts as covering the whole page (the conservative answer)."""
    try:
        painted = _Measure().run(page.obj, IDENTITY, box, 0)
    except (
        pikepdf.PdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, ZeroDivisionError, OverflowError
    ):  # fmt: skip
        return box
    return _intersect(painted, box)


def _is_number(v: object) -> bool:
    return isinstance(v, int | Decimal | float) and not isinstance(v, bool)


def _number(v: object) -> float:
    """A numeric operand; anything else (a name, a string, true, null) is a malformed operand."""
    if _is_number(v):
        return float(v)  # type: ignore[arg-type]
    raise _Malformed


def _matrix(nums: Sequence[float]) -> Matrix:
    a, b, c, d, e, f = nums
    return a, b, c, d, e, f


class _Malformed(Exception):
    """An operand of the wrong type: the operator is skipped, as viewers skip it."""


class _Measure:
    """Walks a content stream keeping only what positions marks: CTM, clip, text matrices, paths.

    The loop is written for speed (it runs over every operator of every attachment page): operators are tested
    most frequent first, numbers converted without a call when they are plain int/Decimal, and the matrix and
    box helpers (`mul`, `_rect_box`, `_union`, `_intersect`) are inlined in `show` and `mark` with the very
    same arithmetic, so that the measured boxes are bit for bit what the helpers give. A box that is not finite
    (numbers so large that the matrices overflowed: inf, nan) raises OverflowError in `mark`."""

    def run(self, stream_owner: pikepdf.Object, ctm: Matrix, clip: Box | None, depth: int) -> Box | None:
        resources = stream_owner.get("/Resources")
        xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
        if not isinstance(xobjects, pikepdf.Dictionary):
            xobjects = None
        painted: Box | None = None
        stack: list[tuple[Matrix, Box | None, float, float, float, int]] = []
        font_size, rise, hscale, render = 0.0, 0.0, 1.0, 0
        leading = 0.0
        tm = tlm = IDENTITY
        path: Box | None = None
        pending_clip = False
        isfinite = math.isfinite
        arities = _ARITY
        not_numeric = _NOT_NUMERIC
        decimal = Decimal

        def mark(b: Box | None) -> None:
            nonlocal painted
            if b is not None:
                if not (isfinite(b[0]) and isfinite(b[1]) and isfinite(b[2]) and isfinite(b[3])):
                    raise OverflowError("content coordinates overflow")
                if clip is not None:
                    if not (isfinite(clip[0]) and isfinite(clip[1]) and isfinite(clip[2]) and isfinite(clip[3])):
                        raise OverflowError("content coordinates overflow")
                    b = _intersect(b, clip)
                if painted is None:
                    painted = b
                elif b is not None:
                    painted = (
                        min(painted[0], b[0]),
                        min(painted[1], b[1]),
                        max(painted[2], b[2]),
                        max(painted[3], b[3]),
                    )

        def show(advance_units: float) -> None:
            nonlocal tm
            if render != 3 and render != 7 and font_size and hscale:  # text of size 0 paints nothing
                # trm = mul((font_size * hscale, 0, 0, font_size, 0, rise), mul(tm, ctm)), inlined
                a, b, c, d, e, f = tm
                a2, b2, c2, d2, e2, f2 = ctm
                n0 = a * a2 + b * c2
                n1 = a * b2 + b * d2
                n2 = c * a2 + d * c2
                n3 = c * b2 + d * d2
                n4 = e * a2 + f * c2 + e2
                n5 = e * b2 + f * d2 + f2
                sa = font_size * hscale
                m0 = sa * n0 + 0.0 * n2
                m1 = sa * n1 + 0.0 * n3
                m2 = 0.0 * n0 + font_size * n2
                m3 = 0.0 * n1 + font_size * n3
                m4 = 0.0 * n0 + rise * n2 + n4
                m5 = 0.0 * n1 + rise * n3 + n5
                # _rect_box(trm, 0.0, -0.25, max(advance_units, 0.5), 0.95), inlined
                x1 = max(advance_units, 0.5)
                xa = m0 * 0.0 + m2 * -0.25 + m4
                ya = m1 * 0.0 + m3 * -0.25 + m5
                xb = m0 * x1 + m2 * -0.25 + m4
                yb = m1 * x1 + m3 * -0.25 + m5
                xc = m0 * 0.0 + m2 * 0.95 + m4
                yc = m1 * 0.0 + m3 * 0.95 + m5
                xd = m0 * x1 + m2 * 0.95 + m4
                yd = m1 * x1 + m3 * 0.95 + m5
                mark((min([xa, xb, xc, xd]), min([ya, yb, yc, yd]), max([xa, xb, xc, xd]), max([ya, yb, yc, yd])))
            tm = mul((advance_units * font_size * hscale, 0.0, 0.0, 1.0, 0.0, 0.0), tm) if advance_units else tm

        target = stream_owner if isinstance(stream_owner, pikepdf.Stream) else pikepdf.Page(stream_owner)
        for instruction in pikepdf.parse_content_stream(target, _OPERATORS):
            all_operands = instruction.operands
            name = str(instruction.operator)
            arity = arities.get(name, 0)
            if arity:
                count = len(all_operands)
                if count < arity:
                    continue  # too few operands: viewers skip the operator
                operands: Sequence[object] = tuple(all_operands[count - arity :])
                if name not in not_numeric:
                    nums = []
                    for v in operands:
                        kind = type(v)
                        if kind is int or kind is decimal or kind is float or _is_number(v):
                            nums.append(float(v))  # type: ignore[arg-type]
                        else:
                            break
                    if len(nums) != arity:
                        continue  # a malformed operand: viewers skip the operator
                else:
                    nums = []
            else:
                operands = ()
                nums = []
            if name == "Tf":
                font, size = operands
                if isinstance(font, pikepdf.Name) and _is_number(size):
                    font_size = _number(size)
            elif name == "q":
                stack.append((ctm, clip, font_size, rise, hscale, render))
            elif name == "Q":
                if stack:
                    ctm, clip, font_size, rise, hscale, render = stack.pop()
            elif name == "Tj" or name == "'" or name == '"':
                if not isinstance(operands[-1], pikepdf.String) or (
                    name == '"' and not all(map(_is_number, operands[:2]))
                ):
                    continue
                if name != "Tj":
                    tm = tlm = mul((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)
                show(_advance(operands[-1]))
            elif name == "BT":
                tm = tlm = IDENTITY
            elif name == "Td" or name == "TD":
                tx, ty = nums
                if name == "TD":
                    leading = -ty
                tm = tlm = mul((1.0, 0.0, 0.0, 1.0, tx, ty), tlm)
            elif name == "Tm":
                tm = tlm = _matrix(nums)
            elif name == "TJ":
                if not isinstance(operands[0], pikepdf.Array):
                    continue
                units = 0.0
                for part in operands[0]:  # elements neither string nor number are ignored, as viewers do
                    if isinstance(part, pikepdf.String):
                        units += _advance(part)
                    elif _is_number(part):
                        units -= _number(part) / 1000
                show(units)
            elif name == "cm":
                ctm = mul(_matrix(nums), ctm)
            elif name in ("m", "l", "c", "v", "y"):
                for i in range(0, len(nums), 2):
                    x, y = _apply(ctm, nums[i], nums[i + 1])
                    path = _union(path, (x, y, x, y))
            elif name == "re":
                x, y, w, h = nums
                path = _union(path, _rect_box(ctm, x, y, x + w, y + h))
            elif name in ("W", "W*"):
                pending_clip = True
            elif name in _PAINT or name == "n":
                if name != "n":
                    mark(path)
                if pending_clip and path is not None:
                    clip = _intersect(clip, path) if clip is not None else path
                    if clip is None:
                        clip = (0.0, 0.0, 0.0, 0.0)
                pending_clip = False
                path = None
            elif name == "Ts":
                rise = nums[0]
            elif name == "Tz":
                hscale = nums[0] / 100
            elif name == "Tr":
                render = int(nums[0])
            elif name == "TL":
                leading = nums[0]
            elif name == "T*":
                tm = tlm = mul((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)
            elif name == "Do":
                xobj = (
                    xobjects.get(operands[0])
                    if xobjects is not None and isinstance(operands[0], pikepdf.Name)
                    else None
                )
                if not isinstance(xobj, pikepdf.Stream):
                    continue
                subtype = xobj.get("/Subtype")
                if subtype == Name.Image:
                    mark(_rect_box(ctm, 0, 0, 1, 1))
                elif subtype == Name.Form:
                    mark(self._form(xobj, ctm, clip, depth))
            elif name == "INLINE IMAGE":
                mark(_rect_box(ctm, 0, 0, 1, 1))
            elif name == "sh":
                mark(clip)
        return painted

    def _form(self, form: pikepdf.Object, ctm: Matrix, clip: Box | None, depth: int) -> Box | None:
        matrix = form.get("/Matrix")
        m = tuple(float(v) for v in matrix) if matrix is not None else IDENTITY
        fctm = mul(m, ctm)  # type: ignore[arg-type]
        bbox = form.get("/BBox")
        fclip = _rect_box(fctm, *(float(v) for v in bbox)) if bbox is not None else None
        fclip = _intersect(fclip, clip) if clip is not None and fclip is not None else (fclip or clip)
        if depth >= _MAX_FORM_DEPTH:
            return fclip
        return self.run(form, fctm, fclip, depth + 1)


def _advance(s: object) -> float:
    """Text advance in em, estimated without font metrics: half an em per byte (one em per 2-byte CJK glyph)."""
    return len(bytes(s)) * 0.5 if isinstance(s, pikepdf.String) else 0.0
