"""Build the sample batch of 广州市 (fictional units): payloads, tiny attachments and manifest.json.

    .venv/bin/python samples/batch_guangzhou/make_batch.py            # rewrite the sample in place
    .venv/bin/python samples/batch_guangzhou/make_batch.py --check    # exit 1 if the committed files differ

Seven candidates derived from samples/park_application.json and samples/enterprise_application.json (names,
统一社会信用代码 with valid check characters, creation fields and some independent figures varied):

  园区类  1 广州黄埔智能网联新能源汽车产业园            ok
          2 广州南沙商业航天产业园                     deliberate error: 建成面积 larger than 规划面积
          3 广州天河软件产业园                         ok (序号 2 in the summary)
  企业类  1 广州粤芯智能装备集团有限公司（集团公司）    ok
          2 广州穗港生物制造科技有限公司               ok (payload inline in the manifest)
          3 广州粤芯机器人有限公司（上述集团的子公司）  group_and_subsidiary: skipped, the group ranks higher
          4 广州云帆低空科技有限公司                   ok (序号 3 in the summary)

Parks give their attachments as a folder of item sub-folders (1/, 3/); enterprises as a list in the manifest.
`make_candidates(n)` also serves bench/batch.py, which needs more candidates of the same kind.
"""

from __future__ import annotations

import copy
import io
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(district: str, organisation: str) -> str:
    """A 统一社会信用代码 91<district><organisation> with its GB 32100 check character."""
    first17 = f"91{district}{organisation}"
    assert len(first17) == 17 and all(c in ALPHABET for c in first17), first17
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return first17 + ALPHABET[(31 - total % 31) % 31]


PARKS: list[dict[str, Any]] = [
    {
        "name": "广州黄埔智能网联新能源汽车产业园",
        "applicant": "广州开发区智能网联汽车产业园管理委员会",
        "field": "智能网联新能源汽车",
        "address": "广东省广州市黄埔区开创大道 2555 号",
        "planned_area": 2150.0,
        "financing": (52.4, 61.8, 70.35),
        "remark": None,
    },
    {
        "name": "广州南沙商业航天产业园",
        "applicant": "广州南沙商业航天产业园管理委员会",
        "field": "商业航天",
        "address": "广东省广州市南沙区海滨路 171 号",
        "planned_area": 980.0,
        "built_area": 1250.0,  # the deliberate error: built area larger than planned area
        "financing": (12.6, 18.9, 26.4),
        "remark": None,
    },
    {
        "name": "广州天河软件产业园",
        "applicant": "广州天河软件产业园管理委员会",
        "field": "软件",
        "address": "广东省广州市天河区天河北路 689 号",
        "planned_area": 1420.0,
        "financing": (38.2, 44.65, 51.9),
        "remark": "园中园",
    },
]

GROUP_CODE = credit_code("440112", "MA5DGRP01")
ENTERPRISES: list[dict[str, Any]] = [
    {
        "name": "广州粤芯智能装备集团有限公司",
        "code": GROUP_CODE,
        "field": "智能机器人",
        "address": "广东省广州市黄埔区科学大道 182 号",
        "taxes": (7.1, 8.9, 11.2),
    },
    {
        "name": "广州穗港生物制造科技有限公司",
        "code": credit_code("440115", "MA5BLG002"),
        "field": "生物制造",
        "address": "广东省广州市南沙区环市大道南 33 号",
        "taxes": (5.2, 6.35, 7.8),
        "inline": True,
    },
    {
        "name": "广州粤芯机器人有限公司",
        "code": credit_code("440112", "MA5R0B003"),
        "field": "智能机器人",
        "address": "广东省广州市黄埔区开源大道 11 号",
        "taxes": (3.4, 4.1, 4.95),
        "parent": GROUP_CODE,  # a subsidiary of the group above: both may not apply
    },
    {
        "name": "广州云帆低空科技有限公司",
        "code": credit_code("440113", "MA5LAE004"),
        "field": "低空装备",
        "address": "广东省广州市番禺区汉溪大道东 290 号",
        "taxes": (2.6, 3.75, 5.1),
    },
]


def _replace_text(data: Any, old_new: list[tuple[str, str]]) -> Any:
    text = json.dumps(data, ensure_ascii=False)
    for old, new in old_new:
        text = text.replace(old, new)
    return json.loads(text)


def park_payload(base: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    p = _replace_text(
        base,
        [
            (base["cover"]["applicant"], spec["applicant"]),
            (base["basic_info"]["name"], spec["name"]),
            (base["basic_info"]["address"], spec["address"]),
        ],
    )
    p["cover"]["creation_field"] = spec["field"]
    p["basic_info"]["management_body"] = spec["applicant"]
    p["overall"]["planned_area"] = spec["planned_area"]
    if "built_area" in spec:
        p["overall"]["built_area"] = spec["built_area"]
    p["financing"]["financing_amount"] = dict(zip(("2023", "2024", "2025"), spec["financing"], strict=True))
    return p


def enterprise_payload(base: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    p = _replace_text(
        base,
        [(base["basic_info"]["name"], spec["name"]), (base["basic_info"]["registered_address"], spec["address"])],
    )
    p["cover"]["applicant"] = spec["name"]
    p["cover"]["creation_field"] = spec["field"]
    p["basic_info"]["credit_code"] = spec["code"]
    p["operating_indicators"]["taxes"] = dict(zip(("2023", "2024", "2025"), spec["taxes"], strict=True))
    return p


# --- tiny attachments (a PNG plan and a one-page PDF, both a few KB) -------------------------------------------


def plan_png(label: str) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (480, 320), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((10, 10, 470, 310), outline=(40, 40, 40), width=3)
    for i, colour in enumerate(((200, 225, 255), (210, 245, 210), (255, 230, 200))):
        draw.rectangle((30 + i * 145, 40, 150 + i * 145, 200), fill=colour, outline=(90, 90, 90))
    draw.text((30, 240), f"Layout plan - {label}", fill=(0, 0, 0))
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


def one_page_pdf(label: str) -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    content = (
        f"BT /F1 16 Tf 80 740 Td (Supporting document - {label}) Tj ET 0.5 w 80 700 m 515 700 l S 80 300 435 380 re S"
    ).encode()
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 595.28, 841.89],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
        Contents=pdf.make_stream(content),
    )
    pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True)
    return out.getvalue()


# --- the batch -------------------------------------------------------------------------------------------------


def make_candidates(
    n_parks: int = len(PARKS), n_enterprises: int = len(ENTERPRISES), *, sample: bool = True
) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """Manifest candidate entries and the files they name (relative path → bytes).

    With `sample=False` the specs are repeated with numbered names and fresh credit codes, no errors and no
    conflicts (for the benchmark)."""
    park_base = json.loads((SAMPLES / "park_application.json").read_text(encoding="utf-8"))
    ent_base = json.loads((SAMPLES / "enterprise_application.json").read_text(encoding="utf-8"))
    files: dict[str, bytes] = {"attachments/common/布局平面图.png": plan_png("enterprise"),
                               "attachments/common/证明材料.pdf": one_page_pdf("enterprise")}  # fmt: skip
    candidates: list[dict[str, Any]] = []
    for i in range(n_parks):
        spec = copy.deepcopy(PARKS[i % len(PARKS)])
        if not sample:
            spec.pop("built_area", None)
            spec["planned_area"] = max(spec["planned_area"], 1500.0)  # above the base sample's built area
            if i >= len(PARKS):
                spec["name"] = spec["name"].replace("产业园", f"产业园{i + 1}号区")
                spec["applicant"] = spec["applicant"].replace("管理委员会", f"{i + 1}号区管理委员会")
        key = f"park-{i + 1}"
        files[f"payloads/{key}.json"] = _json_bytes(park_payload(park_base, spec))
        files[f"attachments/{key}/1/01_示范基地空间布局平面图.png"] = plan_png(key)
        files[f"attachments/{key}/3/主导产业规上企业名单.pdf"] = one_page_pdf(key)
        entry: dict[str, Any] = {"id": key, "type": "park", "priority": i + 1, "payload": f"payloads/{key}.json",
                                 "attachments": f"attachments/{key}"}  # fmt: skip
        if spec.get("remark"):
            entry["remark"] = spec["remark"]
        candidates.append(entry)
    for i in range(n_enterprises):
        spec = copy.deepcopy(ENTERPRISES[i % len(ENTERPRISES)])
        if not sample:
            spec.pop("parent", None)
            spec["inline"] = False
            if i >= len(ENTERPRISES):
                spec["name"] = spec["name"].replace("有限公司", f"第{i + 1}有限公司")
            spec["code"] = credit_code("440106", f"MA5B{i + 1:05d}")
        key = f"enterprise-{i + 1}"
        payload = enterprise_payload(ent_base, spec)
        entry = {"id": key, "type": "enterprise", "priority": i + 1}
        if spec.get("inline"):
            entry["payload"] = payload
        else:
            files[f"payloads/{key}.json"] = _json_bytes(payload)
            entry["payload"] = f"payloads/{key}.json"
        entry["attachments"] = [
            {"file": "attachments/common/布局平面图.png", "item": 1, "title": "示范基地空间布局平面图"},
            {"file": "attachments/common/证明材料.pdf", "item": 2, "title": "重点领域营业收入的说明"},
        ]
        if spec.get("parent"):
            entry["parent_credit_code"] = spec["parent"]
        candidates.append(entry)
    return candidates, files


def manifest(candidates: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "recommender": {"city": "广州市", "department": "广州市工业和信息化局"},
        "contact": {"name": "林晓彤", "phone": "020-83124567,13802276451"},
        "date": "2026-03-27",
        "candidates": candidates,
    }


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_batch(target: Path, candidates: list[dict[str, Any]], files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    path = target / "manifest.json"
    path.write_bytes(_json_bytes(manifest(candidates)))
    return path


def main(argv: list[str]) -> int:
    candidates, files = make_candidates()
    files = {**files, "manifest.json": _json_bytes(manifest(candidates))}
    if "--check" in argv:
        stale = [rel for rel, data in files.items() if not (HERE / rel).is_file() or (HERE / rel).read_bytes() != data]
        for rel in stale:
            print(f"不一致：samples/batch_guangzhou/{rel}")
        return 1 if stale else 0
    for rel, data in files.items():
        path = HERE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"已写入 {len(files)} 个文件到 {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
