"""Assembling the package: the steps behind `service.packaging.assemble_package` (see the package docstring)."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pikepdf

from service.conversion.converter import Converter
from service.conversion.errors import ConversionError
from service.output import CAMPAIGN_TZ, atomic_path, publish_folder
from service.output.pdf import Metadata, normalise_fonts, save_pdf, set_metadata
from service.packaging import bundle, merge, stamp
from service.packaging import pdfa as pdfa_profile
from service.packaging.attachments import (
    Attachment,
    LoadedAttachment,
    PackageLimits,
    check_docx,
    check_sizes,
    detect_kind,
    load,
    numbered,
)
from service.packaging.cache import ATTACHMENT_CACHE, AttachmentCache, PageBoxes, conversion_key, pdf_key
from service.packaging.convert import attachment_options, docx_to_pdf
from service.packaging.errors import (
    ApplicationRenderError,
    AttachmentError,
    PackageError,
    Repair,
)
from service.packaging.listing import (
    PAGE_PREDICTIONS,
    ItemRefs,
    ListedFile,
    PagePredictor,
    RenderedApplication,
    final_pass,
    first_pass,
    item_label,
    predicted_pass,
)

MERGED_NAME = "完整申报材料.pdf"
APPLICATION_DOCX = "申请书.docx"
APPLICATION_PDF = "申请书.pdf"
MANIFEST_NAME = "manifest.json"
ATTACHMENT_DIR = "附件"
MANIFEST_FORMAT = "docgen-package/1"
NUMBERING_NOTE = "封面不编页码；封面后第一页为第 1 页，连续编至附件末页（页码 = 在完整申报材料中的页序 − 封面页数）"

STEPS: tuple[tuple[str, str], ...] = (
    ("check", "检查附件"),
    ("convert", "转换附件，生成申请书（第一遍排版）"),
    ("listing", "写入附件清单页码（第二遍排版）"),
    ("merge", "合并为完整申报材料"),
    ("stamp", "加盖页码"),
    ("bundle", "生成光盘目录与清单"),
)
"""The steps reported to `progress`, in order, with their Chinese labels (for a progress display)."""


@dataclass(frozen=True)
class PartInfo:
    """One part of the package: the 申请书 or an attachment, and where its pages are."""

    label: str
    item: int | None
    title: str
    source_name: str | None
    bundle_path: str | None
    first_index: int
    """0-based index of its first page in 完整申报材料.pdf (the cover is index 0)."""
    pages: int
    first_number: int
    """The number stamped on its first numbered page (for the 申请书: the page after the cover, 1)."""
    last_number: int
    repaired: bool = False


@dataclass(frozen=True)
class Package:
    template_id: str
    template_version: str
    applicant: str
    folder: str
    """`<序号>_<申报单位名称>`: the folder in the bundle (and the ZIP's name without .zip)."""
    application_docx: bytes = field(repr=False)
    application_pdf: bytes = field(repr=False)
    merged_pdf: bytes = field(repr=False)
    bundle_zip: bytes = field(repr=False)
    manifest: dict[str, Any] = field(repr=False)
    files: dict[str, bytes] = field(repr=False)
    """The bundle's files by path relative to `folder` (the ZIP holds exactly these)."""
    parts: tuple[PartInfo, ...]
    outline: tuple[merge.OutlineEntry, ...]
    references: tuple[ItemRefs, ...]
    repairs: tuple[Repair, ...]
    stamps: tuple[stamp.StampResult, ...] = field(repr=False)
    pdfa: bool = False
    """True when 完整申报材料.pdf and 申请书.pdf are PDF/A-2b."""
    timings: dict[str, float] = field(default_factory=dict, compare=False)
    """Seconds spent per step (for bench/package.py; informative only)."""

    @property
    def pages(self) -> int:
        return sum(p.pages for p in self.parts)

    @property
    def application_pages(self) -> int:
        return self.parts[0].pages

    @property
    def zip_name(self) -> str:
        return f"{self.folder}.zip"

    def write_to(self, out_dir: Path | str) -> list[Path]:
        """Write `<folder>/` (the bundle unpacked) and `<folder>.zip` into out_dir, atomically: everything is
        written aside first and renamed into place at the end; on failure nothing is left."""
        out_dir = Path(out_dir)
        outputs = [out_dir / self.folder, out_dir / self.zip_name]
        if not out_dir.exists():  # one rename publishes everything
            files = {f"{self.folder}/{rel}": data for rel, data in self.files.items()}
            publish_folder(out_dir, {**files, self.zip_name: self.bundle_zip}, staging_dir=out_dir.parent)
            return outputs
        # The ZIP is renamed into place right after the folder, and dropped if the folder fails.
        with atomic_path(outputs[1]) as zip_part:
            zip_part.write_bytes(self.bundle_zip)
            publish_folder(outputs[0], self.files, staging_dir=out_dir)
        return outputs


class ApplicationRenderer(Protocol):
    """Renders the 申请书 instead of the built-in template file: an uploaded version of the form
    (`service.templates.rendering.UploadedRenderer`)."""

    @property
    def version(self) -> str: ...

    def __call__(self, payload: Any, extra: Mapping[str, Any] | None = None) -> bytes: ...


class _Timer:
    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self._lock = threading.Lock()

    @contextmanager
    def __call__(self, key: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            with self._lock:
                self.totals[key] = self.totals.get(key, 0.0) + time.perf_counter() - start

    def wrap(self, key: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self(key):
                return fn(*args, **kwargs)

        return timed


def _measure_application(pdf: bytes) -> tuple[int, int]:
    """(pages, cover pages) of the 申请书 PDF: the cover is every page before 一、基本情况."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        sections = merge.application_sections(doc, pdf)
        cover = sections[0].page if sections and sections[0].page >= 1 else 1
        return len(doc.pages), cover


def assemble_package(
    template_id: str,
    payload: Mapping[str, Any] | Any,
    attachments: Sequence[Attachment],
    *,
    sequence: int = 1,
    limits: PackageLimits = PackageLimits(),
    generated_at: dt.datetime | None = None,
    progress: Callable[[str], None] | None = None,
    converter: Converter,
    pdfa: bool = False,
    predictor: PagePredictor | None = PAGE_PREDICTIONS,
    renderer: ApplicationRenderer | None = None,
    cache: AttachmentCache | None = ATTACHMENT_CACHE,
) -> Package:
    """Build the complete application package (see the module docstring). Raises `PayloadInvalid` for a bad
    payload and `PackageError` (usually `AttachmentError`) for a bad attachment, before writing anything.
    `pdfa`: 完整申报材料.pdf and 申请书.pdf as PDF/A-2b (see `service.packaging.pdfa`); an attachment PDF
    that cannot conform (a font not embedded) is refused with `attachment_font_not_embedded`.
    `predictor`: page counts remembered from earlier packages, so that the 申请书 is usually converted once
    (see `service.packaging.listing`); None always takes two passes.
    `renderer`: renders the 申请书 with another version of the template (an uploaded one); the package records
    its version. The payload is still validated by the built-in model.
    `cache`: converted DOCX attachments and measured attachment pages, by content (see
    `service.packaging.cache`), so that an unchanged attachment is not converted again; None: no cache."""
    from service.payloads import ValidatedPayload
    from service.payloads.enterprise import EnterpriseApplication
    from service.payloads.park import ParkApplication
    from service.rendering import get_template, render, validate

    report = progress or (lambda _step: None)
    timer = _Timer()
    spec = get_template(template_id)
    template_version = renderer.version if renderer is not None else spec.version
    validated = payload if isinstance(payload, ValidatedPayload) else validate(template_id, payload)
    model = validated.model
    # Callers only package the two application forms (the CLI and POST /v1/packages refuse other templates).
    assert isinstance(model, ParkApplication | EnterpriseApplication), f"{template_id} is not an application form"
    applicant = model.applicant_name()
    filing_date: dt.date = model.cover.fill_date
    moment = generated_at or dt.datetime.combine(filing_date, dt.time(0, 0), tzinfo=CAMPAIGN_TZ)
    if not isinstance(sequence, int) or sequence < 1:
        raise PackageError("sequence_invalid", f"序号应为正整数，实为“{sequence}”")

    report("check")
    order = numbered(list(attachments))
    check_sizes([a for a, _ in order], limits)
    kinds = [detect_kind(att.name, _head(att)) for att, _ in order]  # unsupported types fail before any work
    docx_keys: dict[int, tuple[str, str, bool]] = {}
    content_keys: dict[int, str | None] = {}  # keys of `cache`
    for index, ((att, _), kind) in enumerate(zip(order, kinds, strict=True)):
        if kind == "docx":
            data = att.read()
            check_docx(att.name, data)
            docx_keys[index] = PagePredictor.docx_key(data, pdfa)
            if cache is not None:
                content_keys[index] = conversion_key(converter, data, attachment_options(pdfa))
        elif kind == "pdf" and cache is not None:
            content_keys[index] = pdf_key(att.read(), pdfa)

    def render_docx(refs: list[ItemRefs]) -> bytes:
        if renderer is not None:
            return renderer(validated, {"attachments": refs})
        return render(template_id, validated, extra={"attachments": refs})

    def convert_application(docx: bytes) -> bytes:
        try:
            return docx_to_pdf(converter, docx, title=spec.title, author=applicant, subject=spec.title, pdfa=pdfa)
        except ConversionError as exc:
            if exc.policy.retry:
                raise  # busy, timeout, unavailable: not this document's fault, the caller may try again
            raise ApplicationRenderError(exc.code, f"申请书转换为 PDF 失败：{exc.message}") from exc

    render_timed = timer.wrap("render", render_docx)
    convert_app_timed = timer.wrap("convert_application", convert_application)
    convert_att_timed = timer.wrap("convert_attachments", lambda data: docx_to_pdf(converter, data, pdfa=pdfa))
    measure_timed = timer.wrap("measure_attachments", _measure_pages)
    listed = [ListedFile(att.item, att.title) for att, _ in order]

    # PDFs and images are opened and checked first (fast, no LibreOffice): a package that is going to be
    # rejected never takes a conversion slot.
    loaded_by_index: dict[int, LoadedAttachment] = {}
    with timer("load_attachments"):
        for index, ((att, number), kind) in enumerate(zip(order, kinds, strict=True)):
            if kind != "docx":
                loaded_by_index[index] = load(att, number, limits, convert_att_timed, cache=cache)
                if pdfa and kind == "pdf":
                    pdfa_profile.prepare_attachment(att.name, loaded_by_index[index].pdf)
                _check_total_pages(loaded_by_index.values(), att, limits)
    # The bundle's copies of the attachments are deflated in background threads (zlib runs without the GIL).
    zipped = {index: bundle.deflate_later(la.original) for index, la in loaded_by_index.items()}

    # The 申请书's page count is predicted from an earlier package with the same inputs: then it is rendered
    # once with its final references. The .docx attachments' page counts are needed for those references;
    # when one is not known yet, the 申请书 waits for the attachments' conversions (one pass instead of two).
    # Without an exact match, the count of the last package of the same template with as many listed files
    # is a guess (a batch of similar candidates): tried only when nothing has to wait for it, since a wrong
    # guess costs what the two-pass path costs.
    app_key = PagePredictor.application_key(spec.id, template_version, model.model_dump_json(), pdfa, listed)
    template_key = ("template", spec.id, template_version, pdfa, len(listed))
    predicted = predictor.get(app_key) if predictor is not None else None
    docx_pages = {i: predictor.get(key) if predictor is not None else None for i, key in docx_keys.items()}
    docx_known = all(p is not None for p in docx_pages.values())
    if predicted is None and predictor is not None and docx_known:
        predicted = predictor.get(template_key)
    predicted_files: list[ListedFile] | None = None
    if predicted is not None and docx_known:
        predicted_files = [
            ListedFile(att.item, att.title, pages[0] if (pages := docx_pages.get(i)) else loaded_by_index[i].pages)
            for i, (att, _) in enumerate(order)
        ]

    placeholder_files = list(listed)

    def application_pass(files: list[ListedFile] | None) -> RenderedApplication:
        if predicted is None:
            return first_pass(render_timed, convert_app_timed, _measure_application, placeholder_files)
        assert files is not None
        return predicted_pass(render_timed, convert_app_timed, _measure_application, files, predicted)

    report("convert")
    with timer("convert_phase"), ThreadPoolExecutor(max_workers=4, thread_name_prefix="package") as pool:
        first: Future[RenderedApplication] | None = None
        if predicted is None or predicted_files is not None:
            first = pool.submit(application_pass, predicted_files)
        futures = {
            index: pool.submit(
                load, att, number, limits, convert_att_timed, cache=cache, cache_key=content_keys.get(index)
            )
            for index, ((att, number), kind) in enumerate(zip(order, kinds, strict=True))
            if kind == "docx"
        }
        # The attachments' pages are measured for the page number's room while LibreOffice converts.
        measures: dict[int, Future[PageBoxes]] = {
            index: pool.submit(measure_timed, la, content_keys.get(index), cache)
            for index, la in loaded_by_index.items()
            if not la.laid_out
        }
        try:
            for index, future in futures.items():
                loaded_by_index[index] = future.result()
                _check_total_pages(loaded_by_index.values(), order[index][0], limits)
                zipped[index] = bundle.deflate_later(loaded_by_index[index].original)
                measures[index] = pool.submit(measure_timed, loaded_by_index[index], content_keys.get(index), cache)
            if first is None:
                files_now = [
                    ListedFile(la.attachment.item, la.attachment.title, la.pages)
                    for la in (loaded_by_index[i] for i in range(len(order)))
                ]
                first = pool.submit(application_pass, files_now)
            first_result = first.result()
            boxes = {index: future.result() for index, future in measures.items()}
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    loaded = [loaded_by_index[i] for i in range(len(order))]

    report("listing")
    listed = [ListedFile(la.attachment.item, la.attachment.title, la.pages) for la in loaded]
    final = final_pass(render_timed, convert_app_timed, _measure_application, listed, first_result)
    if predictor is not None:
        predictor.put(app_key, (final.pages, final.cover_pages))
        predictor.put(template_key, (final.pages, final.cover_pages))
        for index, key in docx_keys.items():
            predictor.put(key, (loaded_by_index[index].pages, 0))

    report("merge")
    with timer("normalise"):
        app_doc = pikepdf.open(io.BytesIO(final.pdf))
        normalise_fonts(app_doc)  # LibreOffice's font IDs change from one conversion to the next
    with timer("merge"):
        sections = merge.application_sections(app_doc, final.pdf)
        sources = [app_doc, *(la.pdf for la in loaded)]
        merged = merge.merge(sources)
    cover = final.cover_pages
    parts = _parts(spec.title, final.pages, cover, loaded)
    stamp_numbers = [(i, i - cover + 1) for i in range(cover, len(merged.pages))]
    laid_out = {i for part, la in zip(parts[1:], loaded, strict=True) if la.laid_out for i in _indices(part)}
    measured = {
        part.first_index + page: bbox
        for index, part in enumerate(parts[1:])
        if index in boxes
        for page, bbox in enumerate(boxes[index])
    }

    report("stamp")
    with timer("stamp"):
        stamps = stamp.stamp_pages(
            merged, stamp_numbers, measure=[i for i, _ in stamp_numbers if i not in laid_out], measured=measured
        )
    with timer("merge"):
        outline = _outline(template_id, spec.title, sections, parts)
        merge.write_outline(merged, outline)
        merge.set_page_labels(merged, cover)
        version = merge.highest_version(sources)
        meta = Metadata(
            title=f"{spec.title}（完整申报材料）",
            author=applicant,
            subject=f"{spec.title}及附件清单所列证明材料",
            keywords=str(getattr(model.cover, "creation_field", "") or ""),
            created=moment,
        )
        set_metadata(merged, meta)
        if pdfa:
            pdfa_profile.finish(merged, app_doc)
    with timer("save"):
        force = pdfa_profile.PDF_VERSION if pdfa else None
        merged_bytes = save_pdf(merged, min_version=version, force_version=force)
        deflated = {MERGED_NAME: bundle.deflate_later(merged_bytes), APPLICATION_DOCX: bundle.deflate_later(final.docx)}
        application = merge.extract(merged, range(final.pages))
        merge.write_outline(application, [outline[0]])
        merge.set_page_labels(application, cover)
        set_metadata(
            application,
            Metadata(spec.title, applicant, spec.title, meta.keywords, moment),
        )
        if pdfa:
            pdfa_profile.finish(application, app_doc)
        application_bytes = save_pdf(application, min_version=version, force_version=force)
        deflated[APPLICATION_PDF] = bundle.deflate_later(application_bytes)
    if len(merged_bytes) > limits.max_package_bytes:
        raise PackageError(
            "package_too_large",
            f"完整申报材料 PDF 为 {len(merged_bytes) / 2**20:.1f} MB，"
            f"超过上限 {limits.max_package_bytes / 2**20:.0f} MB",
        )

    report("bundle")
    with timer("bundle"):
        folder = bundle.folder_name(sequence, applicant)
        files: dict[str, bytes] = {
            APPLICATION_DOCX: final.docx,
            APPLICATION_PDF: application_bytes,
            MERGED_NAME: merged_bytes,
        }
        records = [
            bundle.file_record(APPLICATION_DOCX, final.docx, final.pages),
            bundle.file_record(APPLICATION_PDF, application_bytes, final.pages),
            bundle.file_record(MERGED_NAME, merged_bytes, len(merged.pages)),
        ]
        attachment_rows = []
        for index, (part, la) in enumerate(zip(parts[1:], loaded, strict=True)):
            assert part.bundle_path is not None
            files[part.bundle_path] = la.original
            deflated[part.bundle_path] = zipped[index]
            records.append(bundle.file_record(part.bundle_path, la.original, la.pages))
            attachment_rows.append(
                {
                    "item": la.attachment.item,
                    "title": la.attachment.title,
                    "file": part.bundle_path,
                    "source_name": la.attachment.name,
                    "type": la.kind,
                    "pages": la.pages,
                    "first_page": part.first_number,
                    "last_page": part.last_number,
                    "repaired": la.repair is not None,
                }
            )
        repairs = tuple(la.repair for la in loaded if la.repair is not None)
        manifest: dict[str, Any] = {
            "format": MANIFEST_FORMAT,
            "template": {"id": spec.id, "title": spec.title, "version": template_version},
            "applicant": applicant,
            "sequence": sequence,
            "filing_date": filing_date.isoformat(),
            "generated_at": moment.isoformat(),
            "page_numbering": NUMBERING_NOTE,
            "pages": {
                "application": final.pages,
                "attachments": sum(la.pages for la in loaded),
                "total": len(merged.pages),
            },
            "files": records,
            "attachments": attachment_rows,
            "repairs": [r.to_dict() for r in repairs],
        }
        if pdfa:
            manifest["pdf_profile"] = "PDF/A-2b"
        files[MANIFEST_NAME] = bundle.manifest_bytes(manifest)
        local = moment.astimezone(CAMPAIGN_TZ) if moment.tzinfo else moment
        zip_bytes = bundle.build_zip(folder, files, local.timetuple()[:6], deflated)
    report("done")
    timer.totals["application_passes"] = final.passes
    return Package(
        template_id=spec.id,
        template_version=template_version,
        applicant=applicant,
        folder=folder,
        application_docx=final.docx,
        application_pdf=application_bytes,
        merged_pdf=merged_bytes,
        bundle_zip=zip_bytes,
        manifest=manifest,
        files=files,
        parts=tuple(parts),
        outline=tuple(outline),
        references=final.refs,
        repairs=repairs,
        stamps=tuple(stamps),
        pdfa=pdfa,
        timings=dict(timer.totals),
    )


def _measure_pages(la: LoadedAttachment, key: str | None, cache: AttachmentCache | None) -> PageBoxes:
    """`stamp.content_bbox` of each page of an attachment (the same as on its copy in the merged document), from
    the cache when the attachment was measured before."""
    if cache is not None and key is not None:
        cached = cache.measures(key, la.pages)
        if cached is not None:
            return cached
    boxes = tuple(stamp.content_bbox(page, stamp.visible_box(page)) for page in la.pdf.pages)
    if cache is not None and key is not None:
        cache.put_measures(key, boxes)
    return boxes


def _check_total_pages(loaded: Iterable[LoadedAttachment], last: Attachment, limits: PackageLimits) -> None:
    total = sum(la.pages for la in loaded)
    if total > limits.max_package_pages:
        raise AttachmentError(
            "package_too_many_pages",
            last.name,
            f"加上此文件后附件共 {total} 页，超过申报材料包上限 {limits.max_package_pages} 页",
        )


def _head(att: Attachment) -> bytes:
    if att.data is not None:
        return att.data[:1024]
    assert att.path is not None
    try:
        with att.path.open("rb") as fh:
            return fh.read(1024)
    except OSError:
        raise AttachmentError("attachment_missing", att.name, "文件不存在或无法读取") from None


def _indices(part: PartInfo) -> range:
    return range(part.first_index, part.first_index + part.pages)


def _parts(title: str, application_pages: int, cover: int, loaded: Sequence[LoadedAttachment]) -> list[PartInfo]:
    parts = [PartInfo("申请书", None, title, None, None, 0, application_pages, 1, application_pages - cover)]
    index = application_pages
    for la in loaded:
        att = la.attachment
        path = f"{ATTACHMENT_DIR}/{bundle.attachment_name(att.item, la.number, att.title, la.extension)}"
        first = index - cover + 1
        label = f"附件清单第 {att.item} 项"
        parts.append(
            PartInfo(
                label,
                att.item,
                att.title,
                att.name,
                path,
                index,
                la.pages,
                first,
                first + la.pages - 1,
                la.repair is not None,
            )
        )
        index += la.pages
    return parts


def _outline(
    template_id: str, title: str, sections: Sequence[merge.OutlineEntry], parts: Sequence[PartInfo]
) -> list[merge.OutlineEntry]:
    entries = [merge.OutlineEntry(title, 0, tuple(sections))]
    attachments = parts[1:]
    if attachments:
        items = []
        for item in range(1, 9):
            files = [p for p in attachments if p.item == item]
            if files:
                children = tuple(merge.OutlineEntry(p.title, p.first_index) for p in files)
                items.append(merge.OutlineEntry(item_label(template_id, item), files[0].first_index, children))
        entries.append(merge.OutlineEntry(merge.ATTACHMENTS_TITLE, attachments[0].first_index, tuple(items)))
    return entries
