"""Batch manifest and the checks across candidates (no rendering, no LibreOffice)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from service.batch.checks import CHECK_CODES, creation_fields_of, run_checks
from service.batch.manifest import ManifestInvalid, load_manifest, parse_manifest
from service.payloads.common import credit_code_check_character

ROOT = Path(__file__).resolve().parents[1]
PARK = json.loads((ROOT / "samples" / "park_application.json").read_text(encoding="utf-8"))
ENTERPRISE = json.loads((ROOT / "samples" / "enterprise_application.json").read_text(encoding="utf-8"))
HEADER = {
    "recommender": {"city": "广州市", "department": "广州市工业和信息化局"},
    "contact": {"name": "林晓彤", "phone": "020-83124567"},
}


def code(org: str) -> str:
    first17 = f"91440106{org}"
    return first17 + credit_code_check_character(first17)


def park(priority: int, name: str, applicant: str | None = None, field: str = "智能机器人", **entry: Any) -> dict:
    payload = copy.deepcopy(PARK)
    payload["basic_info"]["name"] = name
    payload["cover"]["applicant"] = applicant or f"{name}管理委员会"
    payload["cover"]["creation_field"] = field
    return {"type": "park", "priority": priority, "payload": payload, **entry}


def enterprise(priority: int, name: str, credit: str, field: str = "软件", **entry: Any) -> dict:
    payload = copy.deepcopy(ENTERPRISE)
    payload["basic_info"]["name"] = name
    payload["basic_info"]["credit_code"] = credit
    payload["cover"]["applicant"] = name
    payload["cover"]["creation_field"] = field
    return {"type": "enterprise", "priority": priority, "payload": payload, **entry}


def problems_of(candidates: list[dict], tmp_path: Path) -> list:
    manifest = parse_manifest({**HEADER, "candidates": candidates}, tmp_path)
    return run_checks(manifest.candidates)


def keys(manifest_positions: list[int]) -> tuple[str, ...]:
    return tuple(f"{i:02d}" for i in manifest_positions)


def test_a_clean_batch_has_no_problem(tmp_path: Path) -> None:
    cands = [park(1, "甲园区"), park(2, "乙园区"), enterprise(1, "甲公司", code("MA5A00001")),
             enterprise(2, "乙公司", code("MA5A00002"))]  # fmt: skip
    assert problems_of(cands, tmp_path) == []


def test_same_credit_code_twice_keeps_the_higher_priority(tmp_path: Path) -> None:
    same = code("MA5A00001")
    cands = [
        enterprise(2, "甲公司", same),
        enterprise(1, "甲公司（重复）", same),
        enterprise(3, "丙公司", code("MA5A00003")),
    ]
    [p] = problems_of(cands, tmp_path)
    assert p.code == "duplicate_credit_code"
    assert set(p.candidates) == {"01", "02"}
    assert p.rejected == ("01",)  # priority 2 loses to priority 1
    assert same in p.message and "甲公司" in p.message and "企业类优先级 1" in p.message


def test_same_enterprise_under_two_fields_is_multiple_creation_fields(tmp_path: Path) -> None:
    same = code("MA5A00001")
    cands = [enterprise(1, "甲公司", same, field="软件"), enterprise(2, "甲公司", same, field="人工智能")]
    [p] = problems_of(cands, tmp_path)
    assert p.code == "multiple_creation_fields"
    assert p.rejected == ("02",)
    assert "软件" in p.message and "人工智能" in p.message


def test_same_park_twice_is_found_despite_spacing_and_width(tmp_path: Path) -> None:
    cands = [
        park(1, "广州黄埔 智能网联产业园", applicant="甲管委会"),
        park(2, "广州黄埔智能网联产业园", applicant="乙管委会"),
    ]
    [p] = problems_of(cands, tmp_path)
    assert (p.code, p.rejected, set(p.candidates)) == ("duplicate_park", ("02",), {"01", "02"})


def test_same_applicant_for_two_parks_is_reported(tmp_path: Path) -> None:
    cands = [park(1, "甲园区", applicant="广州某管委会"), park(2, "乙园区", applicant="广州某管委会")]
    [p] = problems_of(cands, tmp_path)
    assert p.code == "duplicate_applicant" and p.rejected == ("02",) and "广州某管委会" in p.message


def test_group_and_subsidiary_named_in_the_manifest(tmp_path: Path) -> None:
    group = code("MA5G00001")
    cands = [
        enterprise(1, "粤芯集团有限公司", group),
        enterprise(2, "无关公司", code("MA5A00002")),
        enterprise(3, "粤芯机器人有限公司", code("MA5R00003"), parent_credit_code=group),
    ]
    [p] = problems_of(cands, tmp_path)
    assert p.code == "group_and_subsidiary"
    assert set(p.candidates) == {"01", "03"} and p.rejected == ("03",)
    assert "粤芯集团有限公司" in p.message and "粤芯机器人有限公司" in p.message and group in p.message


def test_group_and_subsidiary_named_in_the_payload_and_subsidiary_ranked_higher(tmp_path: Path) -> None:
    group = code("MA5G00001")
    child = enterprise(1, "粤芯机器人有限公司", code("MA5R00003"))
    child["payload"]["basic_info"]["parent_company_credit_code"] = group  # the payload's own field, when it has one
    cands = [child, enterprise(2, "粤芯集团有限公司", group)]
    [p] = problems_of(cands, tmp_path)
    assert p.code == "group_and_subsidiary" and p.rejected == ("02",)  # the group ranks lower here


def test_one_payload_naming_two_fields(tmp_path: Path) -> None:
    cands = [enterprise(1, "甲公司", code("MA5A00001"), field="人工智能、软件")]
    [p] = problems_of(cands, tmp_path)
    assert (p.code, p.candidates, p.rejected) == ("multiple_creation_fields", ("01",), ("01",))
    assert creation_fields_of(["人工智能", "软件"]) == ("人工智能", "软件")
    assert creation_fields_of("软件") == ("软件",)


def test_priority_gap_skips_the_candidate_after_it(tmp_path: Path) -> None:
    cands = [park(1, "甲园区"), park(2, "乙园区"), park(4, "丁园区"), enterprise(1, "甲公司", code("MA5A00001"))]
    [p] = problems_of(cands, tmp_path)
    assert p.code == "priority_not_contiguous"
    assert set(p.candidates) == {"02", "03"} and p.rejected == ("03",)
    assert "缺少 3" in p.message and "乙园区" in p.message and "丁园区" in p.message


def test_priority_used_twice_skips_both_and_categories_count_separately(tmp_path: Path) -> None:
    cands = [park(1, "甲园区"), enterprise(1, "甲公司", code("MA5A00001")), enterprise(1, "乙公司", code("MA5A00002"))]
    [p] = problems_of(cands, tmp_path)
    assert p.code == "priority_not_contiguous"
    assert set(p.rejected) == {"02", "03"} and "企业类推荐优先级 1" in p.message


def test_priorities_must_start_at_one(tmp_path: Path) -> None:
    [p] = problems_of([park(2, "甲园区"), park(3, "乙园区")], tmp_path)
    assert p.code == "priority_not_contiguous" and p.rejected == ("01",) and "缺少 1" in p.message


def test_every_code_is_documented() -> None:
    assert set(CHECK_CODES) == {
        "duplicate_credit_code",
        "duplicate_park",
        "duplicate_applicant",
        "group_and_subsidiary",
        "multiple_creation_fields",
        "priority_not_contiguous",
    }


def test_the_sample_batch_has_exactly_its_group_conflict() -> None:
    manifest = load_manifest(ROOT / "samples" / "batch_guangzhou" / "manifest.json")
    assert len(manifest.candidates) >= 6
    assert {c.type.value for c in manifest.candidates if c.type} == {"park", "enterprise"}
    [p] = run_checks(manifest.candidates)
    assert p.code == "group_and_subsidiary"
    assert set(p.candidates) == {"enterprise-1", "enterprise-3"} and p.rejected == ("enterprise-3",)


# --- manifest -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.json", "payloads/../../x.json", "C:\\x.json", "~/x.json"])
def test_paths_outside_the_manifest_folder_are_refused(tmp_path: Path, path: str) -> None:
    manifest = parse_manifest({**HEADER, "candidates": [{"type": "park", "priority": 1, "payload": path}]}, tmp_path)
    [cand] = manifest.candidates
    assert cand.entry is None and cand.payload is None
    [error] = cand.errors
    assert error.loc == "$.candidates[0].payload" and "清单" in error.message


def test_a_symlink_leading_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps(PARK), encoding="utf-8")
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "link.json").symlink_to(outside)
    manifest = parse_manifest({**HEADER, "candidates": [{"type": "park", "priority": 1, "payload": "link.json"}]},
                              folder)  # fmt: skip
    [cand] = manifest.candidates
    assert cand.payload is None and cand.errors[0].code == "payload_file" and "之外" in cand.errors[0].message


def test_missing_files_and_bad_entries_are_candidate_errors_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text("{not json", encoding="utf-8")
    data = {**HEADER, "candidates": [
        {"type": "park", "priority": 1, "payload": "p.json"},
        {"type": "factory", "priority": 1, "payload": {}},
        {"type": "enterprise", "priority": 1, "payload": {}, "attachments": [{"file": "nope.pdf", "item": 2}]},
        {"type": "enterprise", "priority": 2, "payload": {}, "attachments": "no-such-folder"},
    ]}  # fmt: skip
    manifest = parse_manifest(data, tmp_path)
    errors = [[(e.loc, e.code) for e in c.errors] for c in manifest.candidates]
    assert errors[0] == [("$.candidates[0].payload", "payload_file")]
    assert errors[1] == [("$.candidates[1].type", "not_allowed_value")]
    assert errors[2] == [("$.candidates[2].attachments[0].file", "attachment_missing")]
    assert errors[3] == [("$.candidates[3].attachments", "attachments_folder")]


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        ({"contact": HEADER["contact"], "candidates": [{}]}, "$.recommender"),
        ({**HEADER, "candidates": []}, "$.candidates"),
        ({**HEADER, "contact": {"name": "林", "phone": "12345"}, "candidates": [{}]}, "$.contact.phone"),
        ([1, 2], "$"),
    ],
)
def test_an_unusable_manifest_raises_with_every_error(tmp_path: Path, data: Any, loc: str) -> None:
    with pytest.raises(ManifestInvalid) as info:
        parse_manifest(data, tmp_path)
    assert loc in [e.loc for e in info.value.errors]


def test_duplicate_ids_make_the_manifest_unusable(tmp_path: Path) -> None:
    data = {**HEADER, "candidates": [park(1, "甲园区", id="x"), park(2, "乙园区", id="x")]}
    with pytest.raises(ManifestInvalid) as info:
        parse_manifest(data, tmp_path)
    assert [e.code for e in info.value.errors] == ["duplicate_id"]


def test_manifest_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ManifestInvalid, match="批量清单不可用"):
        load_manifest(tmp_path / "missing.json")
    bad = tmp_path / "manifest.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(ManifestInvalid) as info:
        load_manifest(bad)
    assert "不是合法的 JSON" in info.value.errors[0].message


def test_a_park_and_an_enterprise_with_the_same_name(tmp_path: Path) -> None:
    same_field = "软件"
    cands = [park(1, "广州云湾科技", applicant="甲管委会", field=same_field),
             enterprise(1, "广州云湾科技", code("MA5A00001"), field=same_field)]  # fmt: skip
    [p] = problems_of(cands, tmp_path)
    assert p.code == "duplicate_applicant" and p.rejected == ("02",) and "园区/企业名称" in p.message
