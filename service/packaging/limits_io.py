"""Capped inflation: decompression bombs in attachments are refused before anything inflates them fully.

PDF (`check_pdf_inflation`)
  Every stream is inflated here, in chunks, with a running count, before qpdf or any later step decodes it:
  one stream may not inflate beyond `per_stream` bytes, the whole file not beyond `per_file`. Two passes:
  1. the raw bytes: every `stream` keyword followed by zlib data (FlateDecode, the usual bomb; also object
     and cross-reference streams, which qpdf inflates as soon as it parses them) — no PDF parser involved;
  2. the parsed file: streams whose filter chain holds the other generalized filters qpdf decodes
     (ASCIIHex, ASCII85, RunLength, LZW), decoded here along the chain with the same caps.
  Image codecs (DCT, JPX, JBIG2, CCITT) end the chain: qpdf never decodes them, and pixel counts of images
  are limited elsewhere.

DOCX (`read_zip_capped`)
  Declared sizes, entry count and per-entry compression ratio are checked from the central directory first;
  then entries are inflated in chunks with a running cap (zipfile also stops at the declared size and checks
  the CRC, so an entry that lies about its size fails without inflating beyond it).
"""

from __future__ import annotations

import base64
import binascii
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf

MiB = 1024 * 1024
CHUNK = 1 * MiB


class InflationLimit(Exception):
    """Inflating would exceed a cap; `what` says which (Chinese), `size` the bytes reached so far."""

    def __init__(self, what: str, size: int) -> None:
        self.what = what
        self.size = size
        super().__init__(what)


class BadData(Exception):
    """The compressed data is damaged (reported by the caller as a corrupt file)."""


# --- PDF ---------------------------------------------------------------------------------------------------

_STREAM_KEYWORD = re.compile(rb"stream(?:\r\n|\n|\r)")
_COLUMNS = re.compile(rb"/Columns\s+(\d{1,30})")
MAX_COLUMNS = 1_000_000
"""Predictor /Columns: qpdf allocates row buffers of Columns × Colors × bytes per component before reading
a byte (Columns 2147483647 in a cross-reference stream: 6 GB). A million pixels wide is no real image."""


def inflate_capped(data: bytes | memoryview, cap: int) -> Iterator[bytes]:
    """zlib data inflated in chunks of at most CHUNK bytes; raises InflationLimit past `cap`."""
    inflater = zlib.decompressobj()
    total = 0
    pending: bytes | memoryview = data
    while pending and not inflater.eof:
        out = inflater.decompress(pending, CHUNK)
        pending = inflater.unconsumed_tail
        total += len(out)
        if total > cap:
            raise InflationLimit("stream", total)
        if out:
            yield out
        elif not pending:
            break


def _flate_size(data: bytes | memoryview, cap: int) -> int:
    """The inflated size of zlib data (up to the cap); -1 when the bytes are not zlib data at all."""
    total = 0
    try:
        for chunk in inflate_capped(data, cap):
            total += len(chunk)
    except zlib.error:
        return -1 if total == 0 else total  # damaged tail: qpdf stops there too
    return total


def _raw_pass(data: bytes, per_stream: int, per_file: int) -> int:
    for match in _COLUMNS.finditer(data):
        if int(match.group(1)) > MAX_COLUMNS:
            raise InflationLimit("columns", int(match.group(1)))
    total = 0
    view = memoryview(data)
    for match in _STREAM_KEYWORD.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        size = _flate_size(view[start : end if end >= 0 else len(data)], per_stream)  # -1: not zlib data
        if size > 0:
            total += size
            if total > per_file:
                raise InflationLimit("file", total)
    return total


_GENERALIZED = {"/FlateDecode", "/Fl", "/LZWDecode", "/LZW", "/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85",
                "/RunLengthDecode", "/RL"}  # fmt: skip


def _filters(stream: pikepdf.Stream) -> list[str]:
    value = stream.get("/Filter")
    if value is None:
        return []
    return [_name(v) for v in (value if isinstance(value, pikepdf.Array) else [value])]


def _name(value: object) -> str:
    """A filter's name; "?" for anything else (a damaged file can hold non-names, or names not in UTF-8)."""
    try:
        return str(value) if isinstance(value, pikepdf.Name) else "?"
    except UnicodeDecodeError:
        return "?"


def _decode_step(name: str, data: bytes, cap: int) -> bytes:
    if name in ("/FlateDecode", "/Fl"):
        out = bytearray()
        try:
            for chunk in inflate_capped(data, cap):
                out += chunk
        except zlib.error:
            pass
        return bytes(out)
    if name in ("/ASCIIHexDecode", "/AHx"):  # shrinks: no cap needed
        text = re.sub(rb"\s+", b"", data.split(b">", 1)[0])
        try:
            return binascii.unhexlify(text + b"0" * (len(text) % 2))
        except binascii.Error:
            raise BadData(name) from None
    if name in ("/ASCII85Decode", "/A85"):  # shrinks, except "z" (4 zero bytes for 1): bounded by 4×
        text = re.sub(rb"\s+", b"", data)
        text = text[2:] if text.startswith(b"<~") else text
        text = text.split(b"~>", 1)[0]
        if len(text) * 4 > cap:
            raise InflationLimit("stream", len(text) * 4)
        try:
            return base64.a85decode(text)
        except ValueError:
            raise BadData(name) from None
    if name in ("/RunLengthDecode", "/RL"):
        return _run_length(data, cap)
    return _lzw(data, cap)


def _run_length(data: bytes, cap: int) -> bytes:
    out = bytearray()
    i = 0
    while i < len(data):
        length = data[i]
        if length == 128:
            break
        if length < 128:
            out += data[i + 1 : i + 2 + length]
            i += 2 + length
        else:
            out += data[i + 1 : i + 2] * (257 - length)
            i += 2
        if len(out) > cap:
            raise InflationLimit("stream", len(out))
    return bytes(out)


def _lzw(data: bytes, cap: int) -> bytes:
    """PDF LZW (early change 1), MSB-first codes of 9–12 bits."""
    out = bytearray()
    table: list[bytes] = [bytes([i]) for i in range(256)] + [b"", b""]
    bits, buffer, nbits, width, previous = 0, 0, 0, 9, b""
    for byte in data:
        buffer = (buffer << 8) | byte
        nbits += 8
        while nbits >= width:
            nbits -= width
            code = (buffer >> nbits) & ((1 << width) - 1)
            bits += 1
            if code == 256:
                table = table[:258]
                width, previous = 9, b""
                continue
            if code == 257:
                return bytes(out)
            if code < len(table):
                entry = table[code]
                if previous:
                    table.append(previous + entry[:1])
            elif previous:
                entry = previous + previous[:1]
                table.append(entry)
            else:
                raise BadData("/LZWDecode")
            out += entry
            if len(out) > cap:
                raise InflationLimit("stream", len(out))
            previous = entry
            if len(table) + 1 >= (1 << width) and width < 12:
                width += 1
    return bytes(out)


def _check_columns(stream: pikepdf.Stream) -> None:
    parms = stream.get("/DecodeParms")
    for entry in parms if isinstance(parms, pikepdf.Array) else [parms]:
        if isinstance(entry, pikepdf.Dictionary):
            columns = entry.get("/Columns")
            if isinstance(columns, int) and not isinstance(columns, bool) and columns > MAX_COLUMNS:
                raise InflationLimit("columns", columns)


def _parsed_pass(pdf: pikepdf.Pdf, per_stream: int, per_file: int, total: int) -> None:
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        _check_columns(obj)  # /DecodeParms may be an indirect object the raw pass did not see
        chain = _filters(obj)
        if not chain or all(f in ("/FlateDecode", "/Fl") for f in chain) or chain[0] not in _GENERALIZED:
            continue  # no filter, plain Flate (raw pass), or an image codec first (never decoded by qpdf)
        data = obj.read_raw_bytes()
        _check_columns(obj)
        for name in chain:
            if name not in _GENERALIZED:
                break
            data = _decode_step(name, data, per_stream)
        total += len(data)
        if total > per_file:
            raise InflationLimit("file", total)


def check_pdf_inflation(data: bytes, per_stream: int, per_file: int, pdf: pikepdf.Pdf | None = None) -> None:
    """Raise InflationLimit when a stream of the PDF inflates beyond `per_stream`, or all beyond `per_file`.
    The raw pass runs on the bytes; the parsed pass needs the opened file (`pdf`, optional)."""
    total = _raw_pass(data, per_stream, per_file)
    if pdf is not None:
        _parsed_pass(pdf, per_stream, per_file, total)


# --- ZIP (docx) ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 10_000
    max_total: int = 256 * MiB
    """The declared uncompressed size of all entries."""
    max_ratio: int = 200
    """Per entry over `ratio_floor` bytes: Word's XML compresses 5–30×; zip bombs 1000×."""
    ratio_floor: int = 4 * MiB


def check_zip_declared(infos: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """From the central directory only: raises InflationLimit("entries" | "total" | "ratio")."""
    if len(infos) > limits.max_entries:
        raise InflationLimit("entries", len(infos))
    total = 0
    for info in infos:
        total += info.file_size
        if total > limits.max_total:
            raise InflationLimit("total", total)
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise InflationLimit("ratio", info.file_size)


def read_zip_capped(zf: zipfile.ZipFile, limits: ZipLimits) -> dict[str, bytes]:
    """Every entry's bytes after the declared checks, inflated with a running cap over the whole archive.
    Raises InflationLimit, or zipfile.BadZipFile / zlib.error / EOFError for damaged data."""
    infos = zf.infolist()
    check_zip_declared(infos, limits)
    parts: dict[str, bytes] = {}
    total = 0
    for info in infos:
        chunks = []
        with zf.open(info) as src:
            while chunk := src.read(CHUNK):
                total += len(chunk)
                if total > limits.max_total:
                    raise InflationLimit("total", total)
                chunks.append(chunk)
        parts[info.filename] = b"".join(chunks)
    return parts
