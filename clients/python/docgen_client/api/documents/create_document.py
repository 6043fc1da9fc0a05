from http import HTTPStatus
from io import BytesIO
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.city_recommendation_summary import CityRecommendationSummary
from ...models.create_document_response_202 import CreateDocumentResponse202
from ...models.create_document_template_id import CreateDocumentTemplateId
from ...models.document_format import DocumentFormat
from ...models.enterprise_application import EnterpriseApplication
from ...models.meeting_rsvp import MeetingRsvp
from ...models.official_document import OfficialDocument
from ...models.park_application import ParkApplication
from ...models.problem import Problem
from ...models.province_recommendation_summary import ProvinceRecommendationSummary
from ...models.validation_problem import ValidationProblem
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    template_id: CreateDocumentTemplateId,
    *,
    body: CityRecommendationSummary
    | EnterpriseApplication
    | MeetingRsvp
    | OfficialDocument
    | ParkApplication
    | ProvinceRecommendationSummary,
    format_: DocumentFormat | Unset = UNSET,
    version: None | str | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    prefer: str | Unset = UNSET,
    x_webhook_url: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["if-none-match"] = if_none_match

    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(prefer, Unset):
        headers["Prefer"] = prefer

    if not isinstance(x_webhook_url, Unset):
        headers["X-Webhook-URL"] = x_webhook_url

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    json_version: str | Unset | None
    if isinstance(version, Unset):
        json_version = UNSET
    else:
        json_version = version
    params["version"] = json_version

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/documents/{template_id}".format(
            template_id=quote(str(template_id), safe=""),
        ),
        "params": params,
    }

    if isinstance(body, ParkApplication):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, EnterpriseApplication):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, CityRecommendationSummary):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, ProvinceRecommendationSummary):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, MeetingRsvp):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | CreateDocumentResponse202 | File | Problem | ValidationProblem:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

        return response_200

    if response.status_code == 202:
        response_202 = CreateDocumentResponse202.from_dict(response.json())

        return response_202

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = ValidationProblem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = Problem.from_dict(response.json())

        return response_504

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | CreateDocumentResponse202 | File | Problem | ValidationProblem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    template_id: CreateDocumentTemplateId,
    *,
    client: AuthenticatedClient,
    body: CityRecommendationSummary
    | EnterpriseApplication
    | MeetingRsvp
    | OfficialDocument
    | ParkApplication
    | ProvinceRecommendationSummary,
    format_: DocumentFormat | Unset = UNSET,
    version: None | str | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    prefer: str | Unset = UNSET,
    x_webhook_url: str | Unset = UNSET,
) -> Response[Any | CreateDocumentResponse202 | File | Problem | ValidationProblem]:
    """生成文档

     校验数据并生成文档。数据有误时返回 422，`errors` 列出全部错误（JSON 路径、中文字段名、错误代码、说明）。

    相同的模板版本、数据和格式得到相同的 ETag；请求头 If-None-Match 与之相同时返回 304，不重新生成。
    上传过新版本的模板用最新版本（或 ?version= 指定的版本）在隔离进程中生成，响应头 X-Template-Version 为所用版本。

    Args:
        template_id (CreateDocumentTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        format_ (DocumentFormat | Unset):
        version (None | str | Unset): 上传的模板版本（内容哈希，见 /v1/templates/{id}/versions）；缺省为最新版本
        if_none_match (None | str | Unset): 上次响应的 ETag；内容未变时返回 304
        idempotency_key (str | Unset):
        prefer (str | Unset):
        x_webhook_url (str | Unset):
        body (CityRecommendationSummary | EnterpriseApplication | MeetingRsvp | OfficialDocument |
            ParkApplication | ProvinceRecommendationSummary): 所选模板的数据（见 GET
            /v1/templates/{template_id}/schema）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CreateDocumentResponse202 | File | Problem | ValidationProblem]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
        body=body,
        format_=format_,
        version=version,
        if_none_match=if_none_match,
        idempotency_key=idempotency_key,
        prefer=prefer,
        x_webhook_url=x_webhook_url,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    template_id: CreateDocumentTemplateId,
    *,
    client: AuthenticatedClient,
    body: CityRecommendationSummary
    | EnterpriseApplication
    | MeetingRsvp
    | OfficialDocument
    | ParkApplication
    | ProvinceRecommendationSummary,
    format_: DocumentFormat | Unset = UNSET,
    version: None | str | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    prefer: str | Unset = UNSET,
    x_webhook_url: str | Unset = UNSET,
) -> Any | CreateDocumentResponse202 | File | Problem | ValidationProblem | None:
    """生成文档

     校验数据并生成文档。数据有误时返回 422，`errors` 列出全部错误（JSON 路径、中文字段名、错误代码、说明）。

    相同的模板版本、数据和格式得到相同的 ETag；请求头 If-None-Match 与之相同时返回 304，不重新生成。
    上传过新版本的模板用最新版本（或 ?version= 指定的版本）在隔离进程中生成，响应头 X-Template-Version 为所用版本。

    Args:
        template_id (CreateDocumentTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        format_ (DocumentFormat | Unset):
        version (None | str | Unset): 上传的模板版本（内容哈希，见 /v1/templates/{id}/versions）；缺省为最新版本
        if_none_match (None | str | Unset): 上次响应的 ETag；内容未变时返回 304
        idempotency_key (str | Unset):
        prefer (str | Unset):
        x_webhook_url (str | Unset):
        body (CityRecommendationSummary | EnterpriseApplication | MeetingRsvp | OfficialDocument |
            ParkApplication | ProvinceRecommendationSummary): 所选模板的数据（见 GET
            /v1/templates/{template_id}/schema）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CreateDocumentResponse202 | File | Problem | ValidationProblem
    """

    return sync_detailed(
        template_id=template_id,
        client=client,
        body=body,
        format_=format_,
        version=version,
        if_none_match=if_none_match,
        idempotency_key=idempotency_key,
        prefer=prefer,
        x_webhook_url=x_webhook_url,
    ).parsed


async def asyncio_detailed(
    template_id: CreateDocumentTemplateId,
    *,
    client: AuthenticatedClient,
    body: CityRecommendationSummary
    | EnterpriseApplication
    | MeetingRsvp
    | OfficialDocument
    | ParkApplication
    | ProvinceRecommendationSummary,
    format_: DocumentFormat | Unset = UNSET,
    version: None | str | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    prefer: str | Unset = UNSET,
    x_webhook_url: str | Unset = UNSET,
) -> Response[Any | CreateDocumentResponse202 | File | Problem | ValidationProblem]:
    """生成文档

     校验数据并生成文档。数据有误时返回 422，`errors` 列出全部错误（JSON 路径、中文字段名、错误代码、说明）。

    相同的模板版本、数据和格式得到相同的 ETag；请求头 If-None-Match 与之相同时返回 304，不重新生成。
    上传过新版本的模板用最新版本（或 ?version= 指定的版本）在隔离进程中生成，响应头 X-Template-Version 为所用版本。

    Args:
        template_id (CreateDocumentTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        format_ (DocumentFormat | Unset):
        version (None | str | Unset): 上传的模板版本（内容哈希，见 /v1/templates/{id}/versions）；缺省为最新版本
        if_none_match (None | str | Unset): 上次响应的 ETag；内容未变时返回 304
        idempotency_key (str | Unset):
        prefer (str | Unset):
        x_webhook_url (str | Unset):
        body (CityRecommendationSummary | EnterpriseApplication | MeetingRsvp | OfficialDocument |
            ParkApplication | ProvinceRecommendationSummary): 所选模板的数据（见 GET
            /v1/templates/{template_id}/schema）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CreateDocumentResponse202 | File | Problem | ValidationProblem]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
        body=body,
        format_=format_,
        version=version,
        if_none_match=if_none_match,
        idempotency_key=idempotency_key,
        prefer=prefer,
        x_webhook_url=x_webhook_url,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    template_id: CreateDocumentTemplateId,
    *,
    client: AuthenticatedClient,
    body: CityRecommendationSummary
    | EnterpriseApplication
    | MeetingRsvp
    | OfficialDocument
    | ParkApplication
    | ProvinceRecommendationSummary,
    format_: DocumentFormat | Unset = UNSET,
    version: None | str | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    prefer: str | Unset = UNSET,
    x_webhook_url: str | Unset = UNSET,
) -> Any | CreateDocumentResponse202 | File | Problem | ValidationProblem | None:
    """生成文档

     校验数据并生成文档。数据有误时返回 422，`errors` 列出全部错误（JSON 路径、中文字段名、错误代码、说明）。

    相同的模板版本、数据和格式得到相同的 ETag；请求头 If-None-Match 与之相同时返回 304，不重新生成。
    上传过新版本的模板用最新版本（或 ?version= 指定的版本）在隔离进程中生成，响应头 X-Template-Version 为所用版本。

    Args:
        template_id (CreateDocumentTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        format_ (DocumentFormat | Unset):
        version (None | str | Unset): 上传的模板版本（内容哈希，见 /v1/templates/{id}/versions）；缺省为最新版本
        if_none_match (None | str | Unset): 上次响应的 ETag；内容未变时返回 304
        idempotency_key (str | Unset):
        prefer (str | Unset):
        x_webhook_url (str | Unset):
        body (CityRecommendationSummary | EnterpriseApplication | MeetingRsvp | OfficialDocument |
            ParkApplication | ProvinceRecommendationSummary): 所选模板的数据（见 GET
            /v1/templates/{template_id}/schema）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CreateDocumentResponse202 | File | Problem | ValidationProblem
    """

    return (
        await asyncio_detailed(
            template_id=template_id,
            client=client,
            body=body,
            format_=format_,
            version=version,
            if_none_match=if_none_match,
            idempotency_key=idempotency_key,
            prefer=prefer,
            x_webhook_url=x_webhook_url,
        )
    ).parsed
