"""Which payload model belongs to which document: template id → model class and title.

Lives with the models (not the template catalog) so that a model that embeds other documents — a 公文
carrying a summary table as its attachment — can validate them without reaching up into rendering.
"""

from __future__ import annotations

import importlib
from functools import cache

from service.payloads import FormPayload

MODEL_PATHS: dict[str, str] = {
    "park_application": "service.payloads.park:ParkApplication",
    "enterprise_application": "service.payloads.enterprise:EnterpriseApplication",
    "city_recommendation_summary": "service.payloads.summaries:CityRecommendationSummary",
    "province_recommendation_summary": "service.payloads.summaries:ProvinceRecommendationSummary",
    "meeting_rsvp": "service.payloads.meeting:MeetingRsvp",
    "official_document": "service.payloads.official_document:OfficialDocument",
}
DOCUMENT_TITLES: dict[str, str] = {
    "park_application": "国家新兴产业发展示范基地创建申请书（示范园区）",
    "enterprise_application": "国家新兴产业发展示范基地创建申请书（示范企业）",
    "city_recommendation_summary": "国家新兴产业发展示范基地创建对象推荐汇总表（地市）",
    "province_recommendation_summary": "国家新兴产业发展示范基地创建对象推荐汇总表",
    "meeting_rsvp": "参会回执",
    "official_document": "公文（通知、函）",
}
"""The official title of each document, as printed on it."""
COMPOSED = frozenset({"official_document"})
"""Documents made of other documents; they cannot themselves be attached to a 公文."""


@cache
def model_for(template_id: str) -> type[FormPayload]:
    """The payload model of a document; KeyError for an unknown id."""
    module, _, name = MODEL_PATHS[template_id].partition(":")
    model = getattr(importlib.import_module(module), name)
    if not (isinstance(model, type) and issubclass(model, FormPayload)):
        raise TypeError(f"{MODEL_PATHS[template_id]} is not a FormPayload model")
    return model


def attachable_ids() -> list[str]:
    return [template_id for template_id in MODEL_PATHS if template_id not in COMPOSED]
