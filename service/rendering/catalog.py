"""The one table of document templates: `CATALOG`, a `TemplateSpec` per template id.

A spec holds everything known about a template: its official title, description, download name, payload model,
composer (for a document made of other documents) and the builder of its Word template. Everything else reads
this table: the API and the CLI (listing, rendering, file names), the schema export, the template build
(`python -m word_templates.build`), and the payload models themselves through `service.payloads.registry`, which
this module fills when it is imported (the models sit below this module and cannot import it).

Template ids are the only way to name a template (no paths from clients). The catalog's order is the order of
every listing.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.errors import DocgenError, ErrorKind
from service.payloads import FormPayload, registry
from service.payloads.enterprise import EnterpriseApplication
from service.payloads.meeting import MeetingRsvp
from service.payloads.official_document import OfficialDocument
from service.payloads.park import ParkApplication
from service.payloads.summaries import CityRecommendationSummary, ProvinceRecommendationSummary
from service.rendering.compose import compose_official_document
from service.resources import resource_dir

TEMPLATES_DIR = resource_dir("word_templates")
SAMPLES_DIR = resource_dir("samples")
SCHEMAS_DIR = resource_dir("payload_schemas")


class UnknownTemplate(DocgenError, LookupError):
    """No template has this id."""

    code = "unknown_template"
    kind = ErrorKind.NOT_FOUND
    title = "模板不存在"

    def __init__(self, template_id: str) -> None:
        self.template_id = template_id
        super().__init__(f"没有名为“{template_id}”的模板；可用模板：{'、'.join(TEMPLATE_IDS)}")


@dataclass(frozen=True)
class TemplateSpec:
    id: str
    title: str
    """The document's official title, as printed on it, e.g. 国家新兴产业发展示范基地创建申请书（示范园区）."""
    description: str
    file_stem: str
    """Download name before "-<申报单位>", e.g. 创建申请书（示范园区）."""
    model: type[FormPayload]
    builder: str
    """`module:function` that writes the Word template to a path (see `build`)."""
    formats: tuple[str, ...] = ("docx", "pdf", "pdfa")
    docx_name: str = field(default="")
    composer: Callable[[Any, Callable[..., Any], Path], bytes] | None = None
    """Builds the .docx from the validated model (or BLANK) instead of the plain template, e.g. a 公文 composed
    with its attachments; it gets a `render` that renders the documents it embeds (as `docx_merge.Source` parts,
    not .docx bytes) and the template file (`docx_path`), so it imports neither the package nor the catalog."""

    @property
    def attachable(self) -> bool:
        """Whether a 公文 may attach this document: not when it is itself composed of other documents."""
        return self.composer is None

    @property
    def docx_file(self) -> str:
        return self.docx_name or f"{self.id}.docx"

    def build(self, path: Path) -> None:
        """Write this template's .docx to `path` with its builder.

        The builders live in word_templates/build/, which imports the service (it sits above it) and is not
        shipped in the wheel, so the reference is a name resolved here, on use, by the template build only.
        """
        module, _, name = self.builder.partition(":")
        build: Callable[[Path], None] = getattr(importlib.import_module(module), name)
        build(path)

    @property
    def docx_path(self) -> Path:
        return TEMPLATES_DIR / self.docx_file

    @property
    def sample_path(self) -> Path:
        return SAMPLES_DIR / f"{self.id}.json"

    @property
    def schema_path(self) -> Path:
        return SCHEMAS_DIR / f"{self.id}.schema.json"

    @property
    def version(self) -> str:
        """Hash of the Word template and the payload model's schema: changes when either changes."""
        stat = self.docx_path.stat()
        return _template_version(self.docx_path, stat.st_mtime_ns, stat.st_size, self.model)


@functools.lru_cache(maxsize=64)
def _template_version(docx_path: Path, mtime_ns: int, size: int, model: type[FormPayload]) -> str:
    # Hashing the file and building the model's JSON schema took ~65 ms, asked once or more per package;
    # the file's stat is the key (a rebuilt template gets a new mtime), the model class does not change at run time.
    digest = hashlib.sha256(docx_path.read_bytes())
    digest.update(repr(sorted(model.model_json_schema().items())).encode())
    return digest.hexdigest()[:16]


CATALOG: dict[str, TemplateSpec] = {
    spec.id: spec
    for spec in (
        TemplateSpec(
            id="park_application",
            title="国家新兴产业发展示范基地创建申请书（示范园区）",
            description="附件2：示范园区创建申请书，含基本情况、创建工作方案、附件清单和推荐单位意见。",
            file_stem="创建申请书（示范园区）",
            model=ParkApplication,
            builder="word_templates.build.park:build",
        ),
        TemplateSpec(
            id="enterprise_application",
            title="国家新兴产业发展示范基地创建申请书（示范企业）",
            description="附件3：示范企业创建申请书，含基本情况、创建工作方案、附件清单和推荐单位意见。",
            file_stem="创建申请书（示范企业）",
            model=EnterpriseApplication,
            builder="word_templates.build.enterprise:build",
        ),
        TemplateSpec(
            id="city_recommendation_summary",
            title="国家新兴产业发展示范基地创建对象推荐汇总表（地市）",
            description="广东省通知附件1：地市工业和信息化主管部门填报的推荐汇总表，园区类和企业类分别列表，按推荐优先级排序。",
            file_stem="推荐汇总表（地市）",
            model=CityRecommendationSummary,
            builder="word_templates.build.summaries:build_city",
        ),
        TemplateSpec(
            id="province_recommendation_summary",
            title="国家新兴产业发展示范基地创建对象推荐汇总表",
            description="工业和信息化部通知附件1：省级工业和信息化主管部门报部的推荐汇总表，园区类和企业类分别列表。",
            file_stem="推荐汇总表（省级）",
            model=ProvinceRecommendationSummary,
            builder="word_templates.build.summaries:build_province",
        ),
        TemplateSpec(
            id="meeting_rsvp",
            title="参会回执",
            description="广东省通知附件2：申报培训会参会回执，含参会人员、参会形式和报送时限。",
            file_stem="参会回执",
            model=MeetingRsvp,
            builder="word_templates.build.meeting:build",
        ),
        TemplateSpec(
            id="official_document",
            title="公文（通知、函）",
            description="按 GB/T 9704-2012 排版的公文：版头、正文、附件说明、署名、成文日期、附注、公开方式；"
            "附件（本服务生成的表格或文字）和转发的文件合成一个文档。",
            file_stem="公文",
            model=OfficialDocument,
            builder="word_templates.build.official_document:build",
            composer=compose_official_document,
        ),
    )
}
TEMPLATE_IDS = tuple(CATALOG)
registry.install(CATALOG)


def get_template(template_id: str) -> TemplateSpec:
    try:
        return CATALOG[template_id]
    except KeyError:
        raise UnknownTemplate(template_id) from None


def list_templates() -> list[TemplateSpec]:
    return list(CATALOG.values())
