"""The final application package: 申请书 + attachments in one paginated, bookmarked PDF, and the disc bundle.

    from service.packaging import Attachment, assemble_package
    package = assemble_package("park_application", payload, [
        Attachment.from_path("布局图.png", item=1),
        Attachment(item=3, title="规上企业名单", data=pdf_bytes, filename="名单.pdf"),
    ], converter=pool)               # any `service.conversion.Converter`, e.g. a started ConversionPool
    package.write_to(Path("out"))   # out/01_<申报单位>/ … and out/01_<申报单位>.zip

Steps: check every attachment (type, size, pages, pixels) → convert DOCX attachments and render/convert the
申请书 (pass 1) concurrently on the given converter → render the 申请书 again with the 附件清单 page
references → merge → stamp page numbers → bookmarks, page labels, metadata → bundle. Any problem raises a
`PackageError` (with `code`, the file name and a Chinese reason) before anything is written.

Regenerating: unchanged attachments are not converted, laid out or measured again — `assemble_package` keeps
them by content in a bounded process-wide cache (`cache`, see `service.packaging.cache`); the package's bytes
are the same with or without it.

Numbering: the cover is unnumbered; the next page is "— 1 —" and numbers run on through the attachments (see
`listing`). Determinism: no clock is read — dates come from the payload's 填报日期 (or `generated_at`), PDF
/IDs are content-derived, ZIP entries sorted with fixed timestamps: the same inputs give the same bytes.
"""

from __future__ import annotations

from service.packaging.assemble import (
    APPLICATION_DOCX,
    APPLICATION_PDF,
    ATTACHMENT_DIR,
    MANIFEST_FORMAT,
    MANIFEST_NAME,
    MERGED_NAME,
    NUMBERING_NOTE,
    STEPS,
    Package,
    PartInfo,
    assemble_package,
)
from service.packaging.attachments import Attachment, PackageLimits, attachments_from_dir
from service.packaging.errors import AttachmentError, AttachmentListError, PackageError, Repair

__all__ = [
    "APPLICATION_DOCX",
    "APPLICATION_PDF",
    "ATTACHMENT_DIR",
    "MANIFEST_FORMAT",
    "MANIFEST_NAME",
    "MERGED_NAME",
    "NUMBERING_NOTE",
    "STEPS",
    "Attachment",
    "AttachmentError",
    "AttachmentListError",
    "Package",
    "PackageError",
    "PackageLimits",
    "PartInfo",
    "Repair",
    "assemble_package",
    "attachments_from_dir",
]
