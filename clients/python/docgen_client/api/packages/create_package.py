from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.body_create_package import BodyCreatePackage
from ...models.create_package_response_202 import CreatePackageResponse202
from ...models.create_package_template_id import CreatePackageTemplateId
from ...models.package_format import PackageFormat
from ...models.problem import Problem
from ...models.validation_problem import ValidationProblem
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    template_id: CreatePackageTemplateId,
    *,
    body: BodyCreatePackage,
    format_: PackageFormat | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    prefer: str | Unset = UNSET,
    x_webhook_url: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
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

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/packages/{template_id}".format(
            template_id=quote(str(template_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreatePackageResponse202 | File | Problem | ValidationProblem:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

        return response_200

    if response.status_code == 202:
        response_202 = CreatePackageResponse202.from_dict(response.json())

        return response_202

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
) -> Response[CreatePackageResponse202 | File | Problem | ValidationProblem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    template_id: CreatePackageTemplateId,
    *,
    client: AuthenticatedClient,
    body: BodyCreatePackage,
    format_: PackageFormat | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    prefer: str | Unset = UNSET,
    x_webhook_url: str | Unset = UNSET,
) -> Response[CreatePackageResponse202 | File | Problem | ValidationProblem]:
    """生成申报材料包

     用申请书数据和附件生成完整的申报材料包：申请书与全部附件合并为一个带页码和书签的 PDF，
    并按报送要求打包为 ZIP。附件有误时返回 422（或超过大小/页数上限时 413），说明是哪个文件、什么问题。

    multipart 各部分：`payload`（JSON）、`files`（附件，可多个）、`items`（每个附件的序号 1–8）、
    `titles`（可选，每个附件的标题）。

    Args:
        template_id (CreatePackageTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        format_ (PackageFormat | Unset):
        idempotency_key (str | Unset):
        prefer (str | Unset):
        x_webhook_url (str | Unset):
        body (BodyCreatePackage):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatePackageResponse202 | File | Problem | ValidationProblem]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
        body=body,
        format_=format_,
        idempotency_key=idempotency_key,
        prefer=prefer,
        x_webhook_url=x_webhook_url,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    template_id: CreatePackageTemplateId,
    *,
    client: AuthenticatedClient,
    body: BodyCreatePackage,
    format_: PackageFormat | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    prefer: str | Unset = UNSET,
    x_webhook_url: str | Unset = UNSET,
) -> CreatePackageResponse202 | File | Problem | ValidationProblem | None:
    """生成申报材料包

     用申请书数据和附件生成完整的申报材料包：申请书与全部附件合并为一个带页码和书签的 PDF，
    并按报送要求打包为 ZIP。附件有误时返回 422（或超过大小/页数上限时 413），说明是哪个文件、什么问题。

    multipart 各部分：`payload`（JSON）、`files`（附件，可多个）、`items`（每个附件的序号 1–8）、
    `titles`（可选，每个附件的标题）。

    Args:
        template_id (CreatePackageTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        format_ (PackageFormat | Unset):
        idempotency_key (str | Unset):
        prefer (str | Unset):
        x_webhook_url (str | Unset):
        body (BodyCreatePackage):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatePackageResponse202 | File | Problem | ValidationProblem
    """

    return sync_detailed(
        template_id=template_id,
        client=client,
        body=body,
        format_=format_,
        idempotency_key=idempotency_key,
        prefer=prefer,
        x_webhook_url=x_webhook_url,
    ).parsed


async def asyncio_detailed(
    template_id: CreatePackageTemplateId,
    *,
    client: AuthenticatedClient,
    body: BodyCreatePackage,
    format_: PackageFormat | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    prefer: str | Unset = UNSET,
    x_webhook_url: str | Unset = UNSET,
) -> Response[CreatePackageResponse202 | File | Problem | ValidationProblem]:
    """生成申报材料包

     用申请书数据和附件生成完整的申报材料包：申请书与全部附件合并为一个带页码和书签的 PDF，
    并按报送要求打包为 ZIP。附件有误时返回 422（或超过大小/页数上限时 413），说明是哪个文件、什么问题。

    multipart 各部分：`payload`（JSON）、`files`（附件，可多个）、`items`（每个附件的序号 1–8）、
    `titles`（可选，每个附件的标题）。

    Args:
        template_id (CreatePackageTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        format_ (PackageFormat | Unset):
        idempotency_key (str | Unset):
        prefer (str | Unset):
        x_webhook_url (str | Unset):
        body (BodyCreatePackage):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatePackageResponse202 | File | Problem | ValidationProblem]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
        body=body,
        format_=format_,
        idempotency_key=idempotency_key,
        prefer=prefer,
        x_webhook_url=x_webhook_url,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    template_id: CreatePackageTemplateId,
    *,
    client: AuthenticatedClient,
    body: BodyCreatePackage,
    format_: PackageFormat | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    prefer: str | Unset = UNSET,
    x_webhook_url: str | Unset = UNSET,
) -> CreatePackageResponse202 | File | Problem | ValidationProblem | None:
    """生成申报材料包

     用申请书数据和附件生成完整的申报材料包：申请书与全部附件合并为一个带页码和书签的 PDF，
    并按报送要求打包为 ZIP。附件有误时返回 422（或超过大小/页数上限时 413），说明是哪个文件、什么问题。

    multipart 各部分：`payload`（JSON）、`files`（附件，可多个）、`items`（每个附件的序号 1–8）、
    `titles`（可选，每个附件的标题）。

    Args:
        template_id (CreatePackageTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        format_ (PackageFormat | Unset):
        idempotency_key (str | Unset):
        prefer (str | Unset):
        x_webhook_url (str | Unset):
        body (BodyCreatePackage):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatePackageResponse202 | File | Problem | ValidationProblem
    """

    return (
        await asyncio_detailed(
            template_id=template_id,
            client=client,
            body=body,
            format_=format_,
            idempotency_key=idempotency_key,
            prefer=prefer,
            x_webhook_url=x_webhook_url,
        )
    ).parsed
