"""/v1/batches: a city's batch as one ZIP upload (manifest.json or list.xlsx + files), run in the background.

    POST   /v1/batches               multipart `file` = ZIP → 202 {id, state, …}, Location: /v1/batches/{id}
    GET    /v1/batches/{id}          state, total / done / failed, per-candidate status and errors
    GET    /v1/batches/{id}/result   the output ZIP (summary, bundles, report.json, 报告.txt) once finished
    DELETE /v1/batches/{id}          cancel: a queued job ends at once, a running one after its current candidates

Job state lives in the job database (`DOCGEN_DATABASE_URL`, by default SQLite in `<data_dir>/batches/batches.db`),
each job's input and output in the storage (`service.storage`: `<storage_dir>/batches/<id>/`, storage_dir
defaulting to data_dir), so that any API replica answers for any job. The app must call
`resume_unfinished_jobs(app, settings)` at startup — it creates the batch service and resubmits the jobs a previous
process left unfinished (finished candidates are not redone) — and `stop_batch_service(app)` at shutdown. The
runner is a `service.batch.JobRunner`: the embedded one by default, replaceable by a distributed one without
changing this router.
"""

from __future__ import annotations

import shutil
import stat
import threading
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, File, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field

from service.api.problems import FieldErrorModel, ProblemError, problem_responses
from service.batch.candidate_list import LIST_NAMES, manifest_in
from service.batch.database import job_database_url
from service.batch.jobs import BatchJob
from service.batch.manifest import MANIFEST_NAME, ManifestInvalid, load_manifest
from service.batch.pipeline import run_job
from service.batch.planning import candidate_rows
from service.batch.runner import EmbeddedRunner, JobRunner, JobStatus, resume_unfinished
from service.batch.store import BatchStore, JobState
from service.conversion.converter import Converter
from service.output.zipnames import entry_name
from service.storage import SharedFilesystemStorage, Storage

router = APIRouter(prefix="/v1/batches", tags=["批量任务"])

MiB = 1024 * 1024
DEFAULT_MAX_UPLOAD = 500 * MiB
MAX_ENTRIES = 5000
MAX_UNCOMPRESSED = 2048 * MiB
MAX_RATIO = 200  # a member expanding more than 200× is treated as a ZIP bomb
ZIP = "application/zip"
UPLOAD_DESCRIPTION = (
    "ZIP：根目录（或唯一的顶层文件夹）中有批量清单 manifest.json 或候选名单 list.xlsx（docgen batch --template-xlsx），"
    "以及清单引用的数据（JSON 或填报工作簿 .xlsx）和附件文件"
)


# --- the service behind the router ------------------------------------------------------------------------------


@dataclass
class BatchService:
    store: BatchStore
    runner: JobRunner
    storage: Storage
    root: Path
    """Scratch space beside the jobs (the preflight check's temporary folders)."""
    workers: int | None
    max_upload_bytes: int

    def job_dir(self, job_id: str) -> Path:
        return self.storage.job_dir(job_id)


def storage_of(settings: Any) -> Storage:
    """The job files of `settings` (DOCGEN_STORAGE_DIR, else the data directory)."""
    root = getattr(settings, "storage_dir", None) or settings.data_dir
    return SharedFilesystemStorage(Path(root))


def start_batch_service(settings: Any, converter: Converter, runner: JobRunner | None = None) -> BatchService:
    """The job store (database), the storage and the (embedded, unless given) runner converting with `converter`."""
    storage = storage_of(settings)
    if runner is not None:
        store = runner.store
    else:
        store = BatchStore(job_database_url(settings.database_url, settings.data_dir))

    def run(job: BatchJob, store: BatchStore, stop: threading.Event) -> None:
        run_job(job, store, converter=converter, stop=stop)

    return BatchService(
        store=store,
        runner=runner or EmbeddedRunner(store, run),
        storage=storage,
        root=storage.job_dir("preflight").parent,
        workers=getattr(settings, "pool_size", None),
        max_upload_bytes=int(getattr(settings, "max_batch_bytes", DEFAULT_MAX_UPLOAD)),
    )


def resume_unfinished_jobs(
    app: FastAPI, settings: Any, converter: Converter, runner: JobRunner | None = None
) -> list[str]:
    """Call at startup (lifespan): installs the batch service on `app.state.batches` and resubmits the jobs a
    previous process left queued or running. Returns their ids."""
    service = getattr(app.state, "batches", None)
    if service is None:
        service = start_batch_service(settings, converter, runner)
        app.state.batches = service
    return resume_unfinished(service.runner)


def stop_batch_service(app: FastAPI, *, timeout: float = 60) -> None:
    """Call at shutdown: running jobs stop after their current candidates and stay resumable."""
    service: BatchService | None = getattr(app.state, "batches", None)
    if service is None:
        return
    service.runner.shutdown(wait=True)
    service.store.close()
    app.state.batches = None


def get_batch_service(request: Request) -> BatchService:
    service: BatchService | None = getattr(request.app.state, "batches", None)
    if service is None:
        detail = "批量任务服务尚未启动，请稍后重试。"
        raise ProblemError(503, "not_ready", "服务尚未就绪", detail, headers={"Retry-After": "5"})
    return service


BatchServiceDep = Annotated[BatchService, Depends(get_batch_service)]
JobIdPath = Annotated[str, PathParam(description="批量任务 ID（提交时返回）", pattern=r"^[0-9a-f]{32}$")]


# --- response models ----------------------------------------------------------------------------------------


class CandidateStatusModel(BaseModel):
    key: str = Field(description="候选标识（清单中的 id，省略时为在清单中的位置）", examples=["park-1"])
    position: int = Field(description="在清单中的位置（从 1 开始）")
    type: str | None = Field(description="park（园区）或 enterprise（企业）")
    priority: int | None = Field(description="推荐优先级（同一类别内）")
    name: str | None = Field(description="园区/企业名称")
    status: str = Field(description="pending 等待 · running 生成中 · ok 成功 · failed 失败 · cancelled 已取消")
    status_label: str = Field(description="状态的中文说明")
    errors: list[FieldErrorModel] = Field(description="失败原因（数据错误、跨申报对象检查、附件或转换错误）")
    pages: int | None = Field(description="完整申报材料的页数")
    seconds: float | None = Field(description="生成用时（秒）")
    reused: bool = Field(description="本次运行沿用了已有结果（输入和模板版本均未变化），没有重新生成")


class BatchLinks(BaseModel):
    self: str = Field(description="任务状态地址")
    result: str = Field(description="结果 ZIP 地址（任务完成后可下载）")


class BatchStatusModel(BaseModel):
    id: str = Field(description="批量任务 ID")
    state: str = Field(
        description="queued 排队中 · running 进行中 · completed 全部完成"
        " · completed_with_failures 已完成但部分申报对象失败 · failed 失败（清单不可用或内部错误） · cancelled 已取消"
    )
    state_label: str = Field(description="状态的中文说明")
    total: int = Field(description="申报对象总数")
    done: int = Field(description="已处理（成功或失败）的申报对象数")
    ok: int = Field(description="成功数")
    failed: int = Field(description="失败数")
    cancel_requested: bool = Field(description="是否已请求取消")
    error: dict[str, Any] | None = Field(description="任务失败时的原因")
    candidates: list[CandidateStatusModel] = Field(description="各申报对象的状态")
    links: BatchLinks


def status_body(status: JobStatus) -> dict[str, Any]:
    base = f"{router.prefix}/{status.id}"
    return status.as_dict() | {"links": {"self": base, "result": f"{base}/result"}}


def _status_or_404(service: BatchService, job_id: str) -> JobStatus:
    status = service.runner.status(job_id)
    if status is None:
        raise ProblemError(404, "batch_not_found", "批量任务不存在", f"没有 ID 为“{job_id}”的批量任务。")
    return status


# --- the upload ----------------------------------------------------------------------------------------------


def _save_upload(upload: UploadFile, target: Path, limit: int) -> None:
    size = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise ProblemError(413, "batch_too_large", "上传文件过大",
                                   f"批量 ZIP 超过了 {limit // MiB} MiB 的上限。")  # fmt: skip
            out.write(chunk)


NO_MANIFEST = f"ZIP 的根目录（或唯一的顶层文件夹）中应有 {MANIFEST_NAME} 或候选名单 {LIST_NAMES[0]}。"


def _bad_zip(detail: str) -> ProblemError:
    return ProblemError(422, "batch_zip_invalid", "批量 ZIP 无法使用", detail)


def extract_zip(archive: Path, target: Path) -> Path:
    """Extract safely (no absolute paths, no `..`, no links, size and ratio limits); the manifest's folder."""
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise _bad_zip("上传的文件不是有效的 ZIP 压缩包。") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _bad_zip(f"ZIP 中的文件过多（{len(infos)} 个，上限 {MAX_ENTRIES} 个）。")
        total = 0
        members: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
        for info in infos:
            # Names without the UTF-8 flag (Windows Explorer, WinRAR, 360压缩: GBK; Info-ZIP: UTF-8) are decoded
            # before backslashes become slashes: a GBK character's second byte can be 0x5C.
            name = entry_name(info).replace("\\", "/")
            path = PurePosixPath(name)
            if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
                raise _bad_zip(f"ZIP 中的路径“{name}”指向压缩包之外，已拒绝。")
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise _bad_zip(f"ZIP 中的“{name}”是符号链接，已拒绝。")
            total += info.file_size
            if total > MAX_UNCOMPRESSED or (info.compress_size and info.file_size / info.compress_size > MAX_RATIO
                                              and info.file_size > 10 * MiB):  # fmt: skip
                raise _bad_zip("ZIP 解压后过大（疑似压缩炸弹），已拒绝。")
            if not info.is_dir() and path.parts and not path.name.startswith("._") and "__MACOSX" not in path.parts:
                members.append((info, path))
        for info, path in members:
            dest = target.joinpath(*path.parts)
            dest.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, dest.open("wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
    if manifest_in(target) is not None:
        return target
    found = sorted(p for p in target.iterdir() if p.is_dir() and manifest_in(p) is not None)
    if len(found) == 1:
        return found[0]
    raise _bad_zip(NO_MANIFEST)


def manifest_of(base: Path) -> Path:
    """The manifest of an extracted upload (`extract_zip` made sure there is one): manifest.json or list.xlsx."""
    path = manifest_in(base)
    if path is None:
        raise _bad_zip(NO_MANIFEST)
    return path


# --- endpoints -------------------------------------------------------------------------------------------------


@router.post(
    "",
    operation_id="createBatch",
    summary="提交批量任务",
    status_code=202,
    response_model=BatchStatusModel,
    responses={
        202: {"description": "已受理：任务在后台运行；Location 头为任务状态地址"},
        **problem_responses(400, 413, 422, 503),
    },
)
async def create_batch(
    service: BatchServiceDep,
    file: Annotated[UploadFile, File(description=UPLOAD_DESCRIPTION)],
) -> JSONResponse:
    """上传一个地市的批量材料（ZIP），在后台生成全部申报材料包和推荐汇总表。

    清单不可用（不是 JSON、缺少推荐单位、没有申报对象等）时返回 422 并列出全部错误；单个申报对象的错误不影响受理，
    在任务状态和结果报告中列出。服务重启后未完成的任务会自动续做，已完成的申报对象不会重做。
    """
    import anyio

    job_id = uuid.uuid4().hex
    storage = service.storage
    storage.create_job(job_id)
    try:
        upload_path = storage.upload_file(job_id)
        await anyio.to_thread.run_sync(_save_upload, file, upload_path, service.max_upload_bytes)
        base = await anyio.to_thread.run_sync(extract_zip, upload_path, storage.input_dir(job_id))
        upload_path.unlink()
        try:
            manifest_path = manifest_of(base)
            manifest = await anyio.to_thread.run_sync(load_manifest, manifest_path)
        except ManifestInvalid as exc:
            raise ProblemError(422, exc.code, "批量清单不可用", f"批量清单不可用，共 {len(exc.errors)} 处错误。",
                               errors=exc.errors) from None  # fmt: skip
    except BaseException:
        storage.discard(job_id)
        raise
    out_dir = storage.output_dir(job_id)
    service.store.create_job(job_id, manifest_path, out_dir, workers=service.workers)
    service.store.sync_candidates(job_id, candidate_rows(manifest))
    service.runner.submit(BatchJob(job_id, manifest_path, out_dir, service.workers))
    status = _status_or_404(service, job_id)
    location = f"{router.prefix}/{job_id}"
    return JSONResponse(status_body(status), status_code=202, headers={"Location": location})


@router.get(
    "/{job_id}",
    operation_id="getBatch",
    summary="查询批量任务",
    response_model=BatchStatusModel,
    responses=problem_responses(404, 422),
)
async def get_batch(service: BatchServiceDep, job_id: JobIdPath) -> dict[str, Any]:
    """任务状态、进度（总数、已处理、失败）和各申报对象的状态与错误。"""
    return status_body(_status_or_404(service, job_id))


@router.get(
    "/{job_id}/result",
    operation_id="getBatchResult",
    summary="下载批量结果",
    response_class=FileResponse,
    responses={
        200: {"description": "结果 ZIP：推荐汇总表（.docx/.pdf）、各申报对象的光盘目录、report.json、报告.txt",
              "content": {ZIP: {"schema": {"type": "string", "format": "binary"}}}},
        **problem_responses(404, 409, 422),
    },
)  # fmt: skip
async def get_batch_result(service: BatchServiceDep, job_id: JobIdPath) -> FileResponse:
    """任务完成（包括“已完成，部分申报对象失败”）后下载结果 ZIP；未完成时返回 409。"""
    from service.api.dependencies import content_disposition

    status = _status_or_404(service, job_id)
    result = status.result or {}
    zip_name: str | None = result.get("zip")
    path = service.storage.result_file(job_id, zip_name) if zip_name else None
    if (
        status.state not in (JobState.COMPLETED, JobState.COMPLETED_WITH_FAILURES)
        or zip_name is None  # then path is None too: stated for the type checker
        or path is None
        or not path.is_file()
    ):
        headers = {"Retry-After": "10"} if not status.state.finished else {}
        detail = f"批量任务当前状态为“{status.state.label}”，完成后才能下载结果。"
        raise ProblemError(409, "batch_not_finished", "结果尚不可用", detail, headers=headers)
    return FileResponse(
        path, media_type=ZIP, headers={"Content-Disposition": content_disposition(zip_name, f"batch-{job_id}.zip")}
    )


@router.delete(
    "/{job_id}",
    operation_id="cancelBatch",
    summary="取消批量任务",
    status_code=202,
    response_model=BatchStatusModel,
    responses={
        202: {"description": "已请求取消：排队中的任务立即取消，运行中的任务在当前申报对象完成后停止"},
        **problem_responses(404, 409, 422),
    },
)
async def cancel_batch(service: BatchServiceDep, job_id: JobIdPath) -> JSONResponse:
    """取消任务。已完成的申报对象保留；已结束的任务不能取消（409）。"""
    status = _status_or_404(service, job_id)
    if status.state.finished:
        raise ProblemError(409, "batch_finished", "任务已结束", f"批量任务已结束（{status.state.label}），无法取消。")
    cancelled = service.runner.cancel(job_id)
    assert cancelled is not None
    return JSONResponse(status_body(cancelled), status_code=202)
