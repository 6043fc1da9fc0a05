"""The UNO side: a connection to one LibreOffice over its private pipe, and the conversion itself.

Direct UNO was chosen over unoserver after measuring both on this machine (2 cores, LibreOffice 7.4):
ready after start 1.1–1.4 s vs 5.3 s (unoserver sleeps before serving); warm one-page table 0.14 s vs
0.23 s; warm 30-page form 0.50 s vs 0.65 s (unoserver calls info() and lists every filter per request).
pyuno releases the GIL during remote calls, so N processes convert in parallel from N threads.

Requires Debian's python3-uno (`import uno`); imported only when a process starts.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from pathlib import Path
from typing import Any

import uno
from com.sun.star.beans import NamedValue, PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.io import IOException
from com.sun.star.lang import DisposedException, IllegalArgumentException

from service.conversion.options import PdfOptions

WORD_IMPORT_FILTER = "MS Word 2007 XML"
PDF_EXPORT_FILTER = "writer_pdf_Export"
_NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
_NO_UPDATE = 0  # com.sun.star.document.UpdateDocMode.NO_UPDATE

_local_lock = threading.Lock()
_local_context: Any = None


# Fields from which Writer builds a document index (TOC also makes tables of figures); matched anywhere in
# word/document.xml, so a false match only costs the round trip that asks LibreOffice.
_INDEX_FIELD = re.compile(rb"(?i)(?<![a-z])(toc|index|toa|bibliography)(?![a-z])")


def may_have_indexes(docx: bytes) -> bool:
    """False when the main document part names no index field (then there is nothing to refresh)."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            return _INDEX_FIELD.search(archive.read("word/document.xml")) is not None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError, NotImplementedError):
        return True


class DocumentLoadError(Exception):
    """LibreOffice answered but could not open the document."""


class BridgeLost(Exception):
    """The UNO bridge was disposed: the process died or closed the connection."""


def _local() -> Any:
    global _local_context
    with _local_lock:
        if _local_context is None:
            _local_context = uno.getComponentContext()
        return _local_context


def _props(**values: Any) -> tuple[Any, ...]:
    return tuple(PropertyValue(Name=name, Value=value) for name, value in values.items())


class UnoConnection:
    def __init__(self, context: Any) -> None:
        self._context = context
        self._desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        self._task_creator = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.TaskCreator", context)
        # Closing a document (tearing down its layout and view) is 10–20 % of a one-page conversion and its
        # result is not needed: it runs after the PDF is handed back, and the next conversion on this
        # connection waits for it first, so at most one closed document is pending per process.
        self._closing: threading.Thread | None = None
        # The frame for the next document, made by the same background thread after the close (8 ms of a
        # one-page conversion's critical path otherwise).
        self._spare_frame: Any = None

    def _wait_for_close(self) -> None:
        closing = self._closing
        if closing is not None:
            closing.join()
            self._closing = None

    def _close_later(self, document: Any) -> None:
        def close() -> None:
            try:
                document.close(True)
                self._spare_frame = self._bare_frame()
            except Exception:  # the process may be gone; the next call finds out
                pass

        self._closing = threading.Thread(target=close, name="lo-close", daemon=True)
        self._closing.start()

    @staticmethod
    def url(pipe_name: str) -> str:
        return f"uno:pipe,name={pipe_name};urp;StarOffice.ComponentContext"

    @classmethod
    def try_connect(cls, pipe_name: str) -> UnoConnection | None:
        """A connection, or None while LibreOffice does not accept connections yet."""
        local = _local()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        try:
            context = resolver.resolve(cls.url(pipe_name))
        except NoConnectException:
            return None
        return cls(context)

    def ping(self) -> None:
        """A round trip through the bridge; raises when LibreOffice does not answer properly."""
        self._wait_for_close()
        self._desktop.getFrames().getCount()

    def _bare_frame(self) -> Any:
        """A hidden frame without a layout manager, to load one document into.

        loadComponentFromURL(…, "_blank") gives a new document a frame with a layout manager, which builds
        the menu bar, toolbars and status bar of a hidden window and keeps their state updated while the
        document loads and exports (status bar controllers, dispatch state queries). Measured, interleaved on
        one process: soffice.bin CPU per conversion 103 → 93 ms on the one-page table, 455 → 390 ms on the
        park application; same PDF. Closing the document closes its frame."""
        frame = self._task_creator.createInstanceWithArguments(
            (NamedValue("ParentFrame", self._desktop), NamedValue("MakeVisible", False))
        )
        frame.LayoutManager = None
        return frame

    def convert(self, source: Path, target: Path, options: PdfOptions, *, may_have_indexes: bool = True) -> None:
        """may_have_indexes=False: the caller knows the document has no index field (no round trip to ask)."""
        self._wait_for_close()
        frame, self._spare_frame = self._spare_frame, None
        try:
            if frame is None:
                frame = self._bare_frame()
        except DisposedException as exc:
            raise BridgeLost(str(exc)) from exc
        try:
            document = frame.loadComponentFromURL(
                source.as_uri(),
                "_self",
                0,
                _props(
                    Hidden=True,
                    ReadOnly=True,
                    FilterName=WORD_IMPORT_FILTER,
                    MacroExecutionMode=_NEVER_EXECUTE,
                    UpdateDocMode=_NO_UPDATE,
                ),
            )
        except DisposedException as exc:
            raise BridgeLost(str(exc)) from exc
        except (IllegalArgumentException, IOException) as exc:
            self._dispose_frame(frame)
            raise DocumentLoadError(str(exc)) from exc
        if document is None:
            self._dispose_frame(frame)
            raise DocumentLoadError("loadComponentFromURL returned nothing")
        try:
            self._prepare(document, options, may_have_indexes)
            filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", _props(**options.filter_data()))
            document.storeToURL(
                target.as_uri(),
                (*_props(FilterName=PDF_EXPORT_FILTER, Overwrite=True), PropertyValue("FilterData", 0, filter_data, 0)),
            )
        except DisposedException as exc:
            raise BridgeLost(str(exc)) from exc
        finally:
            self._close_later(document)

    @staticmethod
    def _dispose_frame(frame: Any) -> None:
        """The empty frame of a document that did not load."""
        try:
            frame.dispose()
        except Exception:  # the process may be gone; the next call finds out
            pass

    @staticmethod
    def _prepare(document: Any, options: PdfOptions, may_have_indexes: bool) -> None:
        values = options.document_properties()
        if values:  # each call is a round trip over the bridge
            properties = document.getDocumentProperties()
            for name, value in values.items():
                setattr(properties, name, value)
        # Refreshing indexes costs time on long documents (0.8 s of 2.3 s on a 17-page form):
        # only when the document has one (a table of contents). Twice: the first pass may move pages.
        if may_have_indexes and hasattr(document, "getDocumentIndexes"):
            indexes = document.getDocumentIndexes()
            if indexes.getCount():
                for _ in range(2):
                    for i in range(indexes.getCount()):
                        indexes.getByIndex(i).update()
