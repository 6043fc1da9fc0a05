"""Contains all the data models used in inputs/outputs"""

from .amount_series import AmountSeries
from .attachment import Attachment
from .attachment_item import AttachmentItem
from .attachment_items import AttachmentItems
from .attendance_mode import AttendanceMode
from .batch_check_result import BatchCheckResult
from .batch_links import BatchLinks
from .batch_status_model import BatchStatusModel
from .batch_status_model_error_type_0 import BatchStatusModelErrorType0
from .blank_format import BlankFormat
from .block import Block
from .block_层级 import Block层级
from .body_check_batch import BodyCheckBatch
from .body_create_batch import BodyCreateBatch
from .body_create_package import BodyCreatePackage
from .body_import_workbook import BodyImportWorkbook
from .body_lint_template import BodyLintTemplate
from .body_upload_template import BodyUploadTemplate
from .candidate_check_model import CandidateCheckModel
from .candidate_status_model import CandidateStatusModel
from .category import Category
from .check_problem_model import CheckProblemModel
from .city_recommendation_row import CityRecommendationRow
from .city_recommendation_summary import CityRecommendationSummary
from .count_series import CountSeries
from .cover_info import CoverInfo
from .create_document_response_202 import CreateDocumentResponse202
from .create_document_template_id import CreateDocumentTemplateId
from .create_package_response_202 import CreatePackageResponse202
from .create_package_template_id import CreatePackageTemplateId
from .creation_field import CreationField
from .creation_plan import CreationPlan
from .digitalisation import Digitalisation
from .disclosure import Disclosure
from .document_format import DocumentFormat
from .document_ref import DocumentRef
from .document_ref_payload_type_0 import DocumentRefPayloadType0
from .enterprise_application import EnterpriseApplication
from .enterprise_basic_info import EnterpriseBasicInfo
from .enterprise_basic_info_企业类型 import EnterpriseBasicInfo企业类型
from .enterprise_patents import EnterprisePatents
from .enterprise_rd import EnterpriseRD
from .enterprise_talent import EnterpriseTalent
from .field_error_model import FieldErrorModel
from .forwarded_document import ForwardedDocument
from .get_attachment_items_template_id import GetAttachmentItemsTemplateId
from .get_blank_form_template_id import GetBlankFormTemplateId
from .get_template_sample_response_gettemplatesample import GetTemplateSampleResponseGettemplatesample
from .get_template_sample_template_id import GetTemplateSampleTemplateId
from .get_template_schema_response_gettemplateschema import GetTemplateSchemaResponseGettemplateschema
from .get_template_schema_template_id import GetTemplateSchemaTemplateId
from .get_template_template_id import GetTemplateTemplateId
from .get_template_thumbnail_template_id import GetTemplateThumbnailTemplateId
from .get_template_workbook_template_id import GetTemplateWorkbookTemplateId
from .growth_series import GrowthSeries
from .health import Health
from .import_workbook_response_importworkbook import ImportWorkbookResponseImportworkbook
from .import_workbook_template_id import ImportWorkbookTemplateId
from .innovation_cooperation import InnovationCooperation
from .innovation_platforms import InnovationPlatforms
from .key_field_operations import KeyFieldOperations
from .leading_industry import LeadingIndustry
from .meeting_rsvp import MeetingRsvp
from .official_document import OfficialDocument
from .official_document_版式 import OfficialDocument版式
from .operating_indicators import OperatingIndicators
from .package_format import PackageFormat
from .park_application import ParkApplication
from .park_basic_info import ParkBasicInfo
from .park_financing import ParkFinancing
from .park_main_indicators import ParkMainIndicators
from .park_overall import ParkOverall
from .park_patents import ParkPatents
from .park_rd import ParkRD
from .park_talent import ParkTalent
from .percent_series import PercentSeries
from .problem import Problem
from .province_recommendation_row import ProvinceRecommendationRow
from .province_recommendation_summary import ProvinceRecommendationSummary
from .readiness import Readiness
from .readiness_pool import ReadinessPool
from .recognitions import Recognitions
from .recommendation import Recommendation
from .rsvp_row import RsvpRow
from .science_awards import ScienceAwards
from .standards import Standards
from .template_detail import TemplateDetail
from .template_links import TemplateLinks
from .template_summary import TemplateSummary
from .top_enterprise import TopEnterprise
from .top_product import TopProduct
from .validate_payload_body import ValidatePayloadBody
from .validate_payload_template_id import ValidatePayloadTemplateId
from .validation_problem import ValidationProblem
from .validation_result import ValidationResult
from .validation_result_derived import ValidationResultDerived

__all__ = (
    "AmountSeries",
    "Attachment",
    "AttachmentItem",
    "AttachmentItems",
    "AttendanceMode",
    "BatchCheckResult",
    "BatchLinks",
    "BatchStatusModel",
    "BatchStatusModelErrorType0",
    "BlankFormat",
    "Block",
    "Block层级",
    "BodyCheckBatch",
    "BodyCreateBatch",
    "BodyCreatePackage",
    "BodyImportWorkbook",
    "BodyLintTemplate",
    "BodyUploadTemplate",
    "CandidateCheckModel",
    "CandidateStatusModel",
    "Category",
    "CheckProblemModel",
    "CityRecommendationRow",
    "CityRecommendationSummary",
    "CountSeries",
    "CoverInfo",
    "CreateDocumentResponse202",
    "CreateDocumentTemplateId",
    "CreatePackageResponse202",
    "CreatePackageTemplateId",
    "CreationField",
    "CreationPlan",
    "Digitalisation",
    "Disclosure",
    "DocumentFormat",
    "DocumentRef",
    "DocumentRefPayloadType0",
    "EnterpriseApplication",
    "EnterpriseBasicInfo",
    "EnterpriseBasicInfo企业类型",
    "EnterprisePatents",
    "EnterpriseRD",
    "EnterpriseTalent",
    "FieldErrorModel",
    "ForwardedDocument",
    "GetAttachmentItemsTemplateId",
    "GetBlankFormTemplateId",
    "GetTemplateSampleResponseGettemplatesample",
    "GetTemplateSampleTemplateId",
    "GetTemplateSchemaResponseGettemplateschema",
    "GetTemplateSchemaTemplateId",
    "GetTemplateTemplateId",
    "GetTemplateThumbnailTemplateId",
    "GetTemplateWorkbookTemplateId",
    "GrowthSeries",
    "Health",
    "ImportWorkbookResponseImportworkbook",
    "ImportWorkbookTemplateId",
    "InnovationCooperation",
    "InnovationPlatforms",
    "KeyFieldOperations",
    "LeadingIndustry",
    "MeetingRsvp",
    "OfficialDocument",
    "OfficialDocument版式",
    "OperatingIndicators",
    "PackageFormat",
    "ParkApplication",
    "ParkBasicInfo",
    "ParkFinancing",
    "ParkMainIndicators",
    "ParkOverall",
    "ParkPatents",
    "ParkRD",
    "ParkTalent",
    "PercentSeries",
    "Problem",
    "ProvinceRecommendationRow",
    "ProvinceRecommendationSummary",
    "Readiness",
    "ReadinessPool",
    "Recognitions",
    "Recommendation",
    "RsvpRow",
    "ScienceAwards",
    "Standards",
    "TemplateDetail",
    "TemplateLinks",
    "TemplateSummary",
    "TopEnterprise",
    "TopProduct",
    "ValidatePayloadBody",
    "ValidatePayloadTemplateId",
    "ValidationProblem",
    "ValidationResult",
    "ValidationResultDerived",
)
