"""Attachments: what an applicant supplies for 三、附件清单 items 1–8, checked and normalised to PDF pages.

Accepted: PDF (opened with qpdf; a damaged file that qpdf can rebuild is repaired and the repair reported;
filled form fields are flattened into the pages, see `forms`),
JPEG/PNG (placed on an A4 page) and DOCX (converted by the LibreOffice pool). The type is read from the file's
content, not trusted from its name. Everything else, and every file over a limit, raises `AttachmentError`
naming the file — before any conversion starts, so that a bad package fails fast.

Images on A4 pages
  * Orientation by aspect ratio: wider than tall → landscape A4, otherwise portrait.
  * Margins: portrait pages use the GB/T 9704 type area (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm);
    landscape pages 25 mm at the top and sides and 35 mm at the bottom. The bottom margin leaves room for the
    page number, so image pages are never shrunk by the stamp.
  * Never upscaled beyond the image's resolution: an image is printed at no less than its resolution, taken
    as its declared DPI clamped to 96–150 (96 when it declares none; a 300 dpi scan may print at up to 150 dpi
    size, a 72 dpi screenshot at 96 dpi size). Within that it is scaled down to fit the margins, centred
    horizontally and aligned to the top margin.
  * JPEG files in grey or RGB are embedded unchanged (no recompression); other images are decoded and stored
    losslessly (palette images keep their palette); transparency is flattened onto white; the EXIF
    orientation is applied.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

import pikepdf
from PIL import Image, ImageOps, UnidentifiedImageError

from service.conversion.errors import ConversionError
from service.output.pdf import normalise_fonts
from service.packaging.cache import AttachmentCache, image_key
from service.packaging.errors import AttachmentError, Repair
from service.packaging.forms import flatten_forms
from service.packaging.limits_io import BadData, InflationLimit, ZipLimits, check_pdf_inflation, read_zip_capped

MB = 1024 * 1024
MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
ITEMS = range(1, 9)

PORTRAIT_MARGINS = (28 * MM, 26 * MM, 37 * MM, 35 * MM)  # left, right, top, bottom
LANDSCAPE_MARGINS = (25 * MM, 25 * MM, 25 * MM, 35 * MM)
MIN_DPI, MAX_DPI = 96.0, 150.0

KINDS = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png", "docx": ".docx"}
KNOWN_EXTENSIONS = {".pdf": "pdf", ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".docx": "docx"}
HINTS = {
    ".doc": "旧版 Word 格式（.doc），请另存为 .docx 或 PDF 后再上传",
    ".wps": "WPS 文字格式，请另存为 .docx 或 PDF 后再上传",
    ".xls": "Excel 表格不能直接放入申报材料，请导出为 PDF 后再上传",
    ".xlsx": "Excel 表格不能直接放入申报材料，请导出为 PDF 后再上传",
    ".ofd": "OFD 版式文件暂不支持，请导出为 PDF 后再上传",
    ".tif": "TIFF 图片暂不支持，请转换为 JPG/PNG 或 PDF 后再上传",
    ".tiff": "TIFF 图片暂不支持，请转换为 JPG/PNG 或 PDF 后再上传",
    ".zip": "压缩包不能作为附件，请解压后逐个上传",
    ".rar": "压缩包不能作为附件，请解压后逐个上传",
}
ACCEPTED = "PDF、JPG、PNG、DOCX"


@dataclass(frozen=True)
class PackageLimits:
    """Limits that protect the service; each breach names the file. Sizes are of the files as supplied."""

    max_file_bytes: int = 50 * MB
    max_package_bytes: int = 300 * MB
    max_file_pages: int = 500
    max_package_pages: int = 2000
    max_image_pixels: int = 80_000_000
    """80 megapixels: an A3 scan at 600 dpi (70 MP) passes; decompression bombs (gigapixels) do not."""
    max_stream_inflated_bytes: int = 256 * MB
    """One PDF stream inflated: an 80-megapixel RGB image (240 MB) passes; a 1 GB content stream does not."""
    max_file_inflated_bytes: int = 1024 * MB
    """All streams of one PDF inflated (checked in chunks before qpdf decodes anything)."""


@dataclass(frozen=True)
class Attachment:
    """One file of 三、附件清单: its item (1–8), its title, and its content (a path, or bytes with a file name)."""

    item: int
    title: str
    path: Path | None = None
    data: bytes | None = field(default=None, repr=False)
    filename: str | None = None

    def __post_init__(self) -> None:
        if self.path is None and self.data is None:
            raise TypeError("Attachment needs a path or data")
        if self.path is not None:
            object.__setattr__(self, "path", Path(self.path))
        if not isinstance(self.item, int) or isinstance(self.item, bool) or self.item not in ITEMS:
            raise AttachmentError("attachment_invalid", self.name, f"附件清单序号应为 1–8，实为“{self.item}”")
        title = clean_title(self.title)
        if not title:
            raise AttachmentError("attachment_invalid", self.name, "附件标题不能为空")
        object.__setattr__(self, "title", title)

    @classmethod
    def from_path(cls, path: Path | str, item: int, title: str | None = None) -> Attachment:
        path = Path(path)
        return cls(item=item, title=title if title is not None else title_from_filename(path.name), path=path)

    @property
    def name(self) -> str:
        """The file name shown in messages."""
        if self.filename:
            return self.filename
        return self.path.name if self.path is not None else "（未命名文件）"

    @property
    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        assert self.path is not None
        try:
            return self.path.stat().st_size
        except OSError:
            raise AttachmentError("attachment_missing", self.name, "文件不存在或无法读取") from None

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.path is not None
        try:
            return self.path.read_bytes()
        except OSError:
            raise AttachmentError("attachment_missing", self.name, "文件不存在或无法读取") from None


def clean_title(title: str) -> str:
    """Titles become outline entries, list lines and file names: one line, no control characters."""
    text = unicodedata.normalize("NFC", str(title))
    text = "".join(" " if unicodedata.category(c).startswith(("C", "Z")) else c for c in text)
    return re.sub(r"\s+", " ", text).strip()[:100]


_ORDER_PREFIX = re.compile(r"^\s*\d{1,3}\s*[-_.、．\s]\s*")


def title_from_filename(name: str) -> str:
    """ "02_高新技术企业证书.pdf" → "高新技术企业证书": the stem without an ordering prefix."""
    stem = Path(name).stem
    return clean_title(_ORDER_PREFIX.sub("", stem) or stem)


@dataclass
class LoadedAttachment:
    """An attachment checked and turned into PDF pages (a pikepdf document kept open for merging)."""

    attachment: Attachment
    number: int
    """Its position within its item (1, 2 …): the n of 附件/<item>-<n>_<title>.<ext>."""
    kind: str
    original: bytes = field(repr=False)
    pdf: pikepdf.Pdf = field(repr=False)
    repair: Repair | None = None
    laid_out: bool = False
    """True when the pages were made here (images): their margins are known to leave room for the stamp."""

    @property
    def pages(self) -> int:
        return len(self.pdf.pages)

    @property
    def extension(self) -> str:
        return KINDS[self.kind]


# --- checks before any work --------------------------------------------------------------------------------


def detect_kind(name: str, head: bytes) -> str:
    """The file type from its first bytes; the extension only decides between "damaged" and "unsupported"."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    ext = Path(name).suffix.lower()
    if head.startswith(b"PK\x03\x04") and ext == ".docx":
        return "docx"
    if ext in KNOWN_EXTENSIONS:
        raise AttachmentError(
            "attachment_corrupt", name, f"文件内容不是有效的 {ext.lstrip('.').upper()} 文件（文件已损坏或扩展名有误）"
        )
    reason = HINTS.get(ext) or f"不支持的文件类型（{ext or '无扩展名'}），附件只接受 {ACCEPTED}"
    raise AttachmentError("attachment_type_unsupported", name, reason)


def check_sizes(attachments: Sequence[Attachment], limits: PackageLimits) -> None:
    """Size limits, checked from file sizes before anything is read into memory."""
    total = 0
    for att in attachments:
        size = att.size
        if size == 0:
            raise AttachmentError("attachment_corrupt", att.name, "文件为空（0 字节）")
        if size > limits.max_file_bytes:
            raise AttachmentError(
                "attachment_too_large",
                att.name,
                f"文件大小 {_mb(size)}，超过单个附件上限 {_mb(limits.max_file_bytes)}",
            )
        total += size
        if total > limits.max_package_bytes:
            raise AttachmentError(
                "package_too_large",
                att.name,
                f"加上此文件后附件合计 {_mb(total)}，超过申报材料包上限 {_mb(limits.max_package_bytes)}",
            )


def _mb(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n / 1024:.0f} KB"


def numbered(attachments: Sequence[Attachment]) -> list[tuple[Attachment, int]]:
    """Attachments in 附件清单 order (by item; within an item, as given) with their number within the item."""
    counters: dict[int, int] = {}
    out = []
    for att in sorted(attachments, key=lambda a: a.item):  # sorted() is stable: the given order within items
        counters[att.item] = counters.get(att.item, 0) + 1
        out.append((att, counters[att.item]))
    return out


# --- normalising to PDF ------------------------------------------------------------------------------------

Converter = Callable[[bytes], bytes]


def load(
    att: Attachment,
    number: int,
    limits: PackageLimits,
    convert: Converter,
    *,
    cache: AttachmentCache | None = None,
    cache_key: str | None = None,
) -> LoadedAttachment:
    """Read, check and convert one attachment to PDF pages. `cache`/`cache_key`: a DOCX attachment's conversion
    is taken from (or added to) the cache under that key, an image's page under its own key (see
    `service.packaging.cache`)."""
    data = att.read()
    kind = detect_kind(att.name, data[:1024])
    repair = None
    if kind == "pdf":
        check_pdf_bomb(att.name, data, limits)  # before qpdf parses (and inflates) anything
        pdf, repair = open_pdf(att.name, att.item, data)
        check_pdf_bomb(att.name, data, limits, pdf)
        flatten_forms(pdf)  # filled fields would not survive the merge: draw them into the pages
    elif kind in ("jpeg", "png"):
        pdf = cached_image_to_pdf(att.name, data, limits, cache)
    else:
        pdf = docx_to_pdf(att.name, data, convert, cache=cache, cache_key=cache_key)
    if len(pdf.pages) > limits.max_file_pages:
        raise AttachmentError(
            "attachment_too_many_pages",
            att.name,
            f"共 {len(pdf.pages)} 页，超过单个附件上限 {limits.max_file_pages} 页",
        )
    for page in pdf.pages:
        if page.obj.get("/Rotate", 0) % 360:
            page.flatten_rotation()  # the page number goes at the bottom as the page is seen
    return LoadedAttachment(att, number, kind, data, pdf, repair, laid_out=kind in ("jpeg", "png"))


_QPDF_STREAM = re.compile(r"stream <[^>]*>|<_io\.BytesIO object at 0x[0-9a-f]+>")


def open_pdf(name: str, item: int, data: bytes) -> tuple[pikepdf.Pdf, Repair | None]:
    """Open with qpdf. Damage qpdf can rebuild (broken cross-reference table, missing end) is repaired and
    reported; a file it cannot read, an encrypted file or a file without pages raises AttachmentError."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise AttachmentError(
            "attachment_encrypted", name, "PDF 已加密，需要密码才能打开；请提供未加密的版本"
        ) from None
    except (pikepdf.PdfError, ValueError, RuntimeError) as exc:
        raise AttachmentError(
            "attachment_corrupt", name, f"PDF 文件已损坏，无法读取或修复（{_qpdf_text(str(exc), name)}）"
        ) from None
    if pdf.is_encrypted:
        raise AttachmentError(
            "attachment_encrypted", name, "PDF 设置了权限加密（限制复制或修改），不能合并；请提供未加密的版本"
        )
    problems = [_qpdf_text(w, name) for w in pdf.get_warnings()]
    try:
        pages = len(pdf.pages)
    except pikepdf.PdfError as exc:
        raise AttachmentError("attachment_corrupt", name, f"PDF 页面结构已损坏，无法修复（{exc}）") from None
    if pages == 0:
        raise AttachmentError("attachment_corrupt", name, "PDF 文件中没有任何页面（文件可能已损坏）")
    if not problems:
        return pdf, None
    errors = [p for p in pdf.check_pdf_syntax() if p.startswith("ERROR")]
    if errors:
        raise AttachmentError(
            "attachment_corrupt", name, f"PDF 文件已损坏，无法完整修复（{_qpdf_text(errors[0], name)}）"
        )
    rebuilt = io.BytesIO()
    pdf.save(rebuilt)  # a clean cross-reference table: later steps do not depend on recovery
    pdf.close()
    repaired = pikepdf.open(rebuilt)
    message = "PDF 文件结构有损坏（交叉引用表错误），已自动修复；请核对该附件在申报材料中的内容是否完整"
    return repaired, Repair(name, item, message, tuple(problems))


def _qpdf_text(text: str, name: str) -> str:
    return _QPDF_STREAM.sub(name, text)


def check_pdf_bomb(name: str, data: bytes, limits: PackageLimits, pdf: pikepdf.Pdf | None = None) -> None:
    """Refuse a PDF whose streams inflate beyond the limits (see `limits_io`); `pdf` adds the parsed pass."""
    try:
        check_pdf_inflation(data, limits.max_stream_inflated_bytes, limits.max_file_inflated_bytes, pdf)
    except InflationLimit as exc:
        if exc.what == "columns":
            raise AttachmentError(
                "attachment_too_large_decompressed",
                name,
                f"PDF 数据流的解码参数异常（每行 {exc.size} 像素），解码需要巨量内存，拒绝处理",
            ) from None
        cap = limits.max_stream_inflated_bytes if exc.what == "stream" else limits.max_file_inflated_bytes
        where = "其中一个数据流" if exc.what == "stream" else "全部数据流合计"
        raise AttachmentError(
            "attachment_too_large_decompressed",
            name,
            f"PDF {where}解压后超过 {_mb(cap)}（疑似解压缩炸弹），拒绝处理",
        ) from None
    except (BadData, pikepdf.PdfError):
        raise AttachmentError("attachment_corrupt", name, "PDF 文件中的压缩数据已损坏，无法读取") from None


DOCX_LIMITS = ZipLimits()
_ZIP_LIMIT_TEXT = {
    "entries": f"文件条目超过 {DOCX_LIMITS.max_entries} 个",
    "total": f"解压后超过 {_mb(DOCX_LIMITS.max_total)}",
    "ratio": f"其中一个部件的压缩比超过 {DOCX_LIMITS.max_ratio} 倍",
}


def check_docx(name: str, data: bytes) -> None:
    """A .docx is a ZIP with a main document part; anything else is damaged (checked before converting).
    Declared sizes and ratios are checked before anything inflates; then every part is inflated with a
    running cap, which also verifies the CRCs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if "word/document.xml" not in zf.namelist():
                raise AttachmentError("attachment_corrupt", name, "不是有效的 Word 文档（缺少正文部分）")
            read_zip_capped(zf, DOCX_LIMITS)
    except InflationLimit as exc:
        raise AttachmentError(
            "docx_zip_bomb", name, f"Word 文档{_ZIP_LIMIT_TEXT[exc.what]}（疑似压缩炸弹），拒绝处理"
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError):
        raise AttachmentError("attachment_corrupt", name, "Word 文档已损坏，无法读取") from None


def docx_to_pdf(
    name: str, data: bytes, convert: Converter, *, cache: AttachmentCache | None = None, cache_key: str | None = None
) -> pikepdf.Pdf:
    check_docx(name, data)
    if cache is not None and cache_key is not None:
        cached = cache.converted(cache_key)
        if cached is not None:
            return pikepdf.open(io.BytesIO(cached))
    try:
        pdf_bytes = convert(data)
    except ConversionError as exc:
        if exc.policy.retry:
            raise  # busy, timeout, unavailable: not this attachment's fault, the caller may try again
        raise AttachmentError("attachment_conversion_failed", name, f"Word 文档转换为 PDF 失败：{exc.message}") from exc
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    normalise_fonts(pdf)  # LibreOffice's font IDs change from one conversion to the next
    if cache is not None and cache_key is not None:
        cache.put_converted(cache_key, _as_is(pdf))
    return pdf


def _as_is(pdf: pikepdf.Pdf) -> bytes:
    """The document written without changing any object: streams neither decoded nor (re)compressed, same
    version, so that reopening it gives what the package would have merged from `pdf` itself."""
    out = io.BytesIO()
    pdf.save(
        out,
        object_stream_mode=pikepdf.ObjectStreamMode.preserve,
        compress_streams=False,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
        normalize_content=False,
        force_version=pdf.pdf_version,
        fix_metadata_version=False,
        deterministic_id=True,
    )
    return out.getvalue()


# --- images ------------------------------------------------------------------------------------------------


def cached_image_to_pdf(name: str, data: bytes, limits: PackageLimits, cache: AttachmentCache | None) -> pikepdf.Pdf:
    """`image_to_pdf`, from the cache when the same image was laid out before under the same pixel limit."""
    if cache is None:
        return image_to_pdf(name, data, limits)
    key = image_key(data, limits.max_image_pixels)
    cached = cache.image(key)
    if cached is not None:
        return pikepdf.open(io.BytesIO(cached))
    pdf = image_to_pdf(name, data, limits)
    cache.put_image(key, _as_is(pdf))
    return pdf


def image_to_pdf(name: str, data: bytes, limits: PackageLimits) -> pikepdf.Pdf:
    """One A4 page holding the image (see the module docstring for the layout rules)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit is checked below
            img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:  # Pillow's hard limit (twice its warning limit)
        claimed = re.search(r"\((\d+) pixels\)", str(exc))
        raise _too_many_pixels(name, int(claimed.group(1)) if claimed else None, limits) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise AttachmentError("attachment_corrupt", name, "图片文件已损坏，无法读取") from None
    width, height = img.size  # from the header: nothing decoded yet
    if width * height > limits.max_image_pixels:
        raise _too_many_pixels(name, width * height, limits, (width, height))
    try:
        img.load()
        exif_rotated = img.format == "JPEG" and img.getexif().get(0x0112, 1) not in (1, None)
        declared = img.info.get("dpi")
        stream_args = _image_stream(img, data, exif_rotated)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise AttachmentError("attachment_corrupt", name, "图片文件已损坏或不完整，无法解码") from None
    pw, ph = stream_args["Width"], stream_args["Height"]
    dpi = _effective_dpi(declared)
    landscape = pw > ph
    page_w, page_h = (A4[1], A4[0]) if landscape else A4
    left, right, top, bottom = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    box_w, box_h = page_w - left - right, page_h - top - bottom
    natural_w, natural_h = pw / dpi * 72, ph / dpi * 72
    scale = min(1.0, box_w / natural_w, box_h / natural_h)
    w, h = natural_w * scale, natural_h * scale
    x = left + (box_w - w) / 2
    y = page_h - top - h

    pdf = pikepdf.new()
    image = pikepdf.Stream(pdf, stream_args["data"])
    image.Type = pikepdf.Name.XObject
    image.Subtype = pikepdf.Name.Image
    for key, value in stream_args.items():
        if key != "data":
            image[f"/{key}"] = value
    content = f"q {w:.4f} 0 0 {h:.4f} {x:.4f} {y:.4f} cm /Im0 Do Q".encode()
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, round(page_w, 4), round(page_h, 4)],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=pdf.make_indirect(image))),
        Contents=pdf.make_stream(content),
    )
    pdf.pages.append(pikepdf.Page(page))
    return pdf


def _too_many_pixels(
    name: str, pixels: int | None, limits: PackageLimits, size: tuple[int, int] | None = None
) -> AttachmentError:
    limit = f"上限 {limits.max_image_pixels / 1e6:.0f} 百万像素"
    if pixels is None:
        return AttachmentError("image_too_many_pixels", name, f"图片像素数异常巨大，超过{limit}，拒绝处理")
    dims = f"{size[0]}×{size[1]}，" if size else ""
    return AttachmentError(
        "image_too_many_pixels", name, f"图片尺寸 {dims}{pixels / 1e6:,.0f} 百万像素，超过{limit}，拒绝处理"
    )


def _effective_dpi(declared: object) -> float:
    try:
        value = float(declared[0])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        return MIN_DPI
    if not value or value != value:  # 0 or NaN: treat as undeclared
        return MIN_DPI
    return min(MAX_DPI, max(MIN_DPI, value))


class _ImageStream(TypedDict):
    """An image XObject's data and the dictionary entries (without the slash) that describe it."""

    data: bytes
    Width: int
    Height: int
    BitsPerComponent: int
    ColorSpace: pikepdf.Object
    Filter: pikepdf.Name


def _image_stream(img: Image.Image, data: bytes, exif_rotated: bool) -> _ImageStream:
    """The image XObject's dictionary entries and data: JPEG passed through when possible, else lossless Flate."""
    if img.format == "JPEG" and img.mode in ("L", "RGB") and not exif_rotated:
        return {
            "data": data,
            "Width": img.width,
            "Height": img.height,
            "BitsPerComponent": 8,
            "ColorSpace": pikepdf.Name.DeviceGray if img.mode == "L" else pikepdf.Name.DeviceRGB,
            "Filter": pikepdf.Name.DCTDecode,
        }
    img = ImageOps.exif_transpose(img) if exif_rotated else img
    if img.mode == "P" and "transparency" not in img.info:
        palette = img.getpalette() or []
        colours = len(palette) // 3
        return {
            "data": zlib.compress(img.tobytes(), 6),
            "Width": img.width,
            "Height": img.height,
            "BitsPerComponent": 8,
            "Filter": pikepdf.Name.FlateDecode,
            "ColorSpace": pikepdf.Array(
                [pikepdf.Name.Indexed, pikepdf.Name.DeviceRGB, colours - 1, bytes(palette[: colours * 3])]
            ),
        }
    if img.mode in ("RGBA", "LA", "PA", "P") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        img = flat
    elif img.mode == "1":
        img = img.convert("L")
    elif img.mode.startswith("I"):  # 16-bit greyscale
        img = img.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    elif img.mode not in ("L", "RGB"):
        img = img.convert("RGB")
    return {
        "data": zlib.compress(img.tobytes(), 6),
        "Width": img.width,
        "Height": img.height,
        "BitsPerComponent": 8,
        "ColorSpace": pikepdf.Name.DeviceGray if img.mode == "L" else pikepdf.Name.DeviceRGB,
        "Filter": pikepdf.Name.FlateDecode,
    }


# --- an attachment directory (CLI input) ---------------------------------------------------------------------

LISTING_FILE = "attachments.json"
_IGNORED = {"thumbs.db", "desktop.ini", ".ds_store"}
_ITEM_FOLDER = re.compile(r"^0?([1-8])(?:[\s_.\-、].*)?$")


def _natural(name: str) -> list[object]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def attachments_from_dir(directory: Path) -> list[Attachment]:
    """The attachments of a directory: `attachments.json` (a list of {file, item, title}) when present, else
    sub-folders named by item number (`1/`, `2/` … also `01_布局图/`) whose files are taken in name order,
    titled by their names without an ordering prefix."""
    from service.packaging.errors import AttachmentListError

    directory = Path(directory)
    if not directory.is_dir():
        raise AttachmentListError(f"附件目录 {directory} 不存在或不是目录", code="attachment_dir_missing")
    listing = directory / LISTING_FILE
    if listing.exists():
        return _from_listing(directory, listing)
    found: list[Attachment] = []
    for entry in sorted(directory.iterdir(), key=lambda p: _natural(p.name)):
        if entry.name.startswith(".") or entry.name.lower() in _IGNORED:
            continue
        match = _ITEM_FOLDER.match(entry.name)
        if not entry.is_dir() or not match:
            raise AttachmentListError(
                f"附件目录中的“{entry.name}”无法归入附件清单：请把文件放入以附件清单序号命名的子文件夹"
                f"（1/ … 8/），或提供 {LISTING_FILE}"
            )
        item = int(match.group(1))
        for path in sorted(entry.iterdir(), key=lambda p: _natural(p.name)):
            if path.name.startswith(".") or path.name.lower() in _IGNORED:
                continue
            if path.is_dir():
                raise AttachmentListError(
                    f"子文件夹“{entry.name}/{path.name}”中不能再有文件夹，请把文件直接放在 {entry.name}/ 下"
                )
            found.append(Attachment.from_path(path, item))
    return found


def _from_listing(directory: Path, listing: Path) -> list[Attachment]:
    import json

    from service.packaging.errors import AttachmentListError

    try:
        data = json.loads(listing.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AttachmentListError(f"{LISTING_FILE} 不是合法的 UTF-8 JSON：{exc}") from None
    rows = data.get("attachments") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise AttachmentListError(f"{LISTING_FILE} 应为列表，或含 attachments 列表的对象")
    root = directory.resolve()
    found = []
    for i, row in enumerate(rows, start=1):
        where = f"{LISTING_FILE} 第 {i} 项"
        if not isinstance(row, dict) or not isinstance(row.get("file"), str) or "item" not in row:
            raise AttachmentListError(f"{where}：需要 file（文件路径）和 item（附件清单序号 1–8）")
        path = (directory / row["file"]).resolve()
        if not path.is_relative_to(root):
            raise AttachmentListError(f"{where}：文件“{row['file']}”不在附件目录内")
        if not path.is_file():
            raise AttachmentListError(f"{where}：找不到文件“{row['file']}”", code="attachment_missing")
        item = row["item"]
        if isinstance(item, str) and item.strip().isdigit():
            item = int(item)
        title = row.get("title")
        if title is not None and not isinstance(title, str):
            raise AttachmentListError(f"{where}：title 应为文字")
        found.append(Attachment.from_path(path, item, title))
    return found
