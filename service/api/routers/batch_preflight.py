"""POST /v1/batches/check: the checks of a batch before it runs (nothing is generated, nothing is kept).

A city's clerk uploads the same ZIP as for `POST /v1/batches` and sees every cross-candidate problem
(duplicates, group and subsidiary, several creation fields, priorities) and every candidate's own data errors,
so that the manifest can be fixed before the job starts.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from anyio.to_thread import run_sync
from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel, Field

from service.api.problems import FieldErrorModel, ProblemError, problem_responses
from service.api.routers.batches import UPLOAD_DESCRIPTION, BatchServiceDep, _save_upload, extract_zip, manifest_of
from service.batch.checks import facts_of, rejected_by, run_checks
from service.batch.manifest import LoadedCandidate, ManifestInvalid, load_manifest
from service.payloads import PayloadInvalid
from service.rendering import validate

router = APIRouter(prefix="/v1/batches", tags=["批量任务"])


class CheckProblemModel(BaseModel):
    code: str = Field(description="问题代码，如 duplicate_credit_code、priority_not_contiguous")
    message: str = Field(description="中文说明")
    candidates: list[str] = Field(description="涉及的申报对象（key）")
    rejected: list[str] = Field(description="因此将被跳过的申报对象（key）")


class CandidateCheckModel(BaseModel):
    key: str = Field(description="候选标识（清单中的 id，省略时为在清单中的位置）")
    position: int = Field(description="在清单中的位置（从 1 开始）")
    type: str | None = Field(description="park（园区）或 enterprise（企业）")
    priority: int | None = Field(description="推荐优先级（同一类别内）")
    name: str | None = Field(description="园区/企业名称")
    will_run: bool = Field(description="运行时是否会生成（没有数据错误，也未因跨申报对象检查被跳过）")
    errors: list[FieldErrorModel] = Field(description="该申报对象自身的错误（清单条目、数据校验）")


class BatchCheckResult(BaseModel):
    recommender: str = Field(description="地市和推荐单位")
    total: int = Field(description="申报对象总数")
    runnable: int = Field(description="将会生成的申报对象数")
    problems: list[CheckProblemModel] = Field(description="跨申报对象检查发现的问题")
    candidates: list[CandidateCheckModel] = Field(description="各申报对象（按清单顺序）")


def _candidate_errors(candidate: LoadedCandidate) -> list[dict[str, str]]:
    errors = [e.as_dict() for e in candidate.errors]
    if not errors and candidate.entry is not None and candidate.payload is not None:
        try:
            validate(candidate.entry.type.template_id, candidate.payload)
        except PayloadInvalid as exc:
            errors = [e.as_dict() for e in exc.errors]
    return errors


def check_batch(manifest_path: Path) -> dict[str, Any]:
    manifest = load_manifest(manifest_path)
    problems = run_checks(manifest.candidates)
    skipped = rejected_by(problems)
    rows = []
    for cand in manifest.candidates:
        errors = _candidate_errors(cand)
        name = facts_of(cand).name if cand.entry is not None else None
        rows.append(
            {
                "key": cand.key,
                "position": cand.index + 1,
                "type": cand.type.value if cand.type else None,
                "priority": cand.priority,
                "name": name,
                "will_run": not errors and cand.key not in skipped,
                "errors": errors,
            }
        )
    return {
        "recommender": f"{manifest.recommender.city} {manifest.recommender.department}",
        "total": len(rows),
        "runnable": sum(1 for r in rows if r["will_run"]),
        "problems": [p.as_dict() for p in problems],
        "candidates": rows,
    }


@router.post(
    "/check",
    operation_id="checkBatch",
    summary="检查批量材料（不运行）",
    response_model=BatchCheckResult,
    responses=problem_responses(400, 413, 422, 503),
)
async def check_batch_upload(
    service: BatchServiceDep,
    file: Annotated[UploadFile, File(description=UPLOAD_DESCRIPTION)],
) -> dict[str, Any]:
    """与 `POST /v1/batches` 相同的 ZIP，只做检查、不生成：跨申报对象检查（重复申报、集团与子公司、多个创建领域、
    优先级不连续）和每个申报对象的数据校验，说明运行时哪些申报对象会被跳过。不保存上传的文件。"""
    with tempfile.TemporaryDirectory(prefix="check-", dir=service.root) as tmp:
        upload_path = Path(tmp) / "upload.zip"
        await run_sync(_save_upload, file, upload_path, service.max_upload_bytes)
        base = await run_sync(extract_zip, upload_path, Path(tmp) / "input")
        try:
            return await run_sync(check_batch, manifest_of(base))
        except ManifestInvalid as exc:
            raise ProblemError(422, exc.code, "批量清单不可用", f"批量清单不可用，共 {len(exc.errors)} 处错误。",
                               errors=exc.errors) from None  # fmt: skip
        finally:
            shutil.rmtree(base, ignore_errors=True)
