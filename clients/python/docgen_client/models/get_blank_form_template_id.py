from enum import StrEnum


class GetBlankFormTemplateId(StrEnum):
    CITY_RECOMMENDATION_SUMMARY = "city_recommendation_summary"
    ENTERPRISE_APPLICATION = "enterprise_application"
    MEETING_RSVP = "meeting_rsvp"
    OFFICIAL_DOCUMENT = "official_document"
    PARK_APPLICATION = "park_application"
    PROVINCE_RECOMMENDATION_SUMMARY = "province_recommendation_summary"

    def __str__(self) -> str:
        return str(self.value)
