"""Scale curves: time and peak memory as the work grows, and whether each grows linearly.

    .venv/bin/python bench/scale.py [--quick] [--plot docs/scale-curves.png]

Three series, each point measured in its own child process (peak RSS = the largest sum of resident memory of
the child and all its descendants, LibreOffice included, sampled every 50 ms):

  package pages   the park 申请书 with one generated PDF attachment, so that the package has about 10, 100 and
                  500 pages: `assemble_package` (render, convert, merge, stamp, bundle), warm pool
  batch           5, 20 and 80 candidates (samples/batch_guangzhou/make_batch.py): `run_batch`, pool of 1
  list rows       the 省级推荐汇总表 with 10, 100 and 1000 rows: render + convert to PDF (the schema allows
                  500 rows; 1000 are built from two validated halves, to see the curve past the limit)

"Linear" means the time per unit at the largest size is within 1.5× of the time per unit at the middle one
(the smallest size carries the fixed cost); for memory, the growth above the smallest point, per unit.
Needs the bench extra for --plot (matplotlib).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "samples" / "batch_guangzhou"))

from batch import measure  # noqa: E402

SERIES: dict[str, tuple[str, str, tuple[int, ...], tuple[int, ...]]] = {
    # name: (label, unit, sizes, quick sizes)
    "package": ("申报材料包页数", "页", (10, 100, 500), (10, 50, 100)),
    "batch": ("批量申报对象数", "个", (5, 20, 80), (2, 4, 8)),
    "rows": ("列表字段行数", "行", (10, 100, 1000), (10, 100, 300)),
}
LINEAR_TOLERANCE = 1.5


# --- children --------------------------------------------------------------------------------------------------


def _pdf_pages(count: int) -> bytes:
    import io

    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    for n in range(count):
        page = pdf.add_blank_page(page_size=(595, 842))
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = pdf.make_stream(f"BT /F1 24 Tf 100 700 Td (Page {n + 1}) Tj ET".encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def child_package(pages: int) -> dict[str, Any]:
    from service.conversion import ConversionPool, PoolSettings
    from service.packaging import Attachment, assemble_package
    from service.packaging.listing import PagePredictor

    payload = json.loads((ROOT / "samples" / "park_application.json").read_text(encoding="utf-8"))
    with ConversionPool(PoolSettings(size=1)) as pool:
        probe = assemble_package("park_application", payload, [], converter=pool, predictor=None)
        attachment = Attachment(
            item=8, title="说明材料", data=_pdf_pages(max(pages - probe.pages, 1)), filename="a.pdf"
        )
        start = time.perf_counter()
        package = assemble_package("park_application", payload, [attachment], converter=pool, predictor=PagePredictor())
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "size": package.pages}


def child_batch(candidates: int) -> dict[str, Any]:
    from make_batch import make_candidates, write_batch

    from service.batch import run_batch
    from service.conversion import ConversionPool, PoolSettings

    parks = candidates * 2 // 5
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        chosen, files = make_candidates(parks, candidates - parks, sample=False)
        manifest = write_batch(Path(tmp) / "batch", chosen, files)
        with ConversionPool(PoolSettings(size=1)) as pool:
            start = time.perf_counter()
            report = run_batch(manifest, Path(tmp) / "out", workers=1, converter=pool)
            seconds = time.perf_counter() - start
    if report.failed:
        raise SystemExit(f"unexpected failures: {[c.key for c in report.failed]}")
    return {"seconds": seconds, "size": len(report.ok)}


def child_rows(rows: int) -> dict[str, Any]:
    from service.conversion import ConversionPool, PdfOptions, PoolSettings
    from service.rendering import render, validate

    template = "province_recommendation_summary"
    sample = json.loads((ROOT / "samples" / f"{template}.json").read_text(encoding="utf-8"))

    def validated(count: int, offset: int = 0) -> Any:
        data = dict(sample)
        from make_batch import credit_code

        priorities: dict[str, int] = {}
        data["rows"] = []
        for i in range(offset, offset + count):  # distinct applicants and codes; priorities 1… per category
            row = dict(sample["rows"][i % len(sample["rows"])])
            priorities[row["category"]] = priorities.get(row["category"], 0) + 1
            row.update(
                priority=priorities[row["category"]],
                applicant=f"{row['applicant']}（{i + 1}）",
                name=f"{row['name']}（{i + 1}）",
                credit_code=credit_code("440106", f"MA{i:07d}"),
            )
            data["rows"].append(row)
        return validate(template, data)

    half = min(rows, 500)
    payload = validated(half)
    if rows > half:  # past the schema's limit: two validated halves joined
        model = payload.model.model_copy(update={"rows": payload.model.rows + validated(rows - half, half).model.rows})
        payload = type(payload)(model, payload.derived)
    with ConversionPool(PoolSettings(size=1)) as pool:
        start = time.perf_counter()
        docx = render(template, payload)
        rendered = time.perf_counter() - start
        pdf = pool.convert(docx, PdfOptions())
        seconds = time.perf_counter() - start
    assert pdf.startswith(b"%PDF-")
    return {"seconds": seconds, "render_seconds": rendered, "size": len(payload.model.rows)}


CHILDREN = {"package": child_package, "batch": child_batch, "rows": child_rows}


# --- parent ----------------------------------------------------------------------------------------------------


def linear(points: list[tuple[int, float]]) -> tuple[bool, float]:
    """(linear?, per-unit time at the largest size / per-unit time at the middle size)."""
    (mid_n, mid_t), (top_n, top_t) = points[-2], points[-1]
    growth = (top_t / top_n) / (mid_t / mid_n)
    return growth <= LINEAR_TOLERANCE, growth


def memory_linear(points: list[tuple[int, int]]) -> tuple[bool, float]:
    """Memory has a large fixed part (Python, LibreOffice): compare the growth above the smallest point, per
    unit, at the largest and at the middle size (within 1.5×, or 32 MiB of slack for flat curves)."""
    (n0, m0), (n1, m1), (n2, m2) = points[0], points[-2], points[-1]
    slack = 32 * 2**20
    per_mid = max(m1 - m0, 0) / (n1 - n0)
    per_top = max(m2 - m0, 0) / (n2 - n0)
    growth = per_top / per_mid if per_mid > 0 else (1.0 if per_top == 0 else float("inf"))
    return m2 - m0 <= LINEAR_TOLERANCE * per_mid * (n2 - n0) + slack, growth


def plot(results: dict[str, list[tuple[int, float, int]]], target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    cjk = [
        f.name for f in font_manager.fontManager.ttflist if any(k in f.name for k in ("宋体", "黑体", "CJK", "Song"))
    ]
    if cjk:
        plt.rcParams["font.family"] = cjk[0]
    plt.rcParams["axes.unicode_minus"] = False
    fig, axes = plt.subplots(2, len(results), figsize=(4.2 * len(results), 6.4), squeeze=False)
    for col, (name, points) in enumerate(results.items()):
        label, unit = SERIES[name][0], SERIES[name][1]
        sizes = [n for n, _, _ in points]
        times = [t for _, t, _ in points]
        peaks = [m / 2**20 for _, _, m in points]
        ideal = [times[-2] / sizes[-2] * n for n in sizes]
        ax = axes[0][col]
        ax.plot(sizes, times, "o-", label="实测")
        ax.plot(sizes, ideal, ":", color="grey", label="线性（按中间点）")
        ax.set_title(label)
        ax.set_ylabel("时间 (s)")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
        ax = axes[1][col]
        ax.plot(sizes, peaks, "s-", color="tab:orange")
        ax.set_xlabel(f"规模（{unit}）")
        ax.set_ylabel("峰值内存 (MiB)")
        ax.grid(alpha=0.3)
    fig.suptitle(f"规模曲线（{len(os.sched_getaffinity(0))} 核，测量时 1 分钟平均负载 {os.getloadavg()[0]:.1f}）")
    fig.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, dpi=90)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", choices=tuple(CHILDREN))
    parser.add_argument("--size", type=int)
    parser.add_argument("--only", choices=tuple(SERIES), action="append", default=[])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a trial run)")
    parser.add_argument("--plot", type=Path, help="write the curves as a PNG (needs matplotlib)")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child](args.size)))
        return
    me = [sys.executable, str(Path(__file__).resolve())]
    results: dict[str, list[tuple[int, float, int]]] = {}
    load = os.getloadavg()[0]
    for name, (label, unit, sizes, quick) in SERIES.items():
        if args.only and name not in args.only:
            continue
        points = []
        for size in quick if args.quick else sizes:
            data, peak = measure([*me, "--child", name, "--size", str(size)])
            points.append((int(data["size"]), float(data["seconds"]), peak))
            print(
                f"{label} {data['size']:>5} {unit}：{data['seconds']:8.2f} s，峰值内存 {peak / 2**20:7.0f} MiB",
                flush=True,
            )
        results[name] = points
        ok, growth = linear([(n, t) for n, t, _ in points])
        mem_ok, _ = memory_linear([(n, m) for n, _, m in points])
        mid_mib, top_mib = ((points[i][2] - points[0][2]) / 2**20 for i in (-2, -1))
        print(
            f"  {'✓' if ok else '✗'} 时间{'线性' if ok else '超线性'}增长"
            f"（最大规模每{unit}耗时为中间规模的 {growth:.2f} 倍）；"
            f"内存{'不超过线性' if mem_ok else '超线性'}增长"
            f"（比最小规模多 {mid_mib:.0f} / {top_mib:.0f} MiB）"
        )
    print(f"（1 分钟平均负载：开始 {load:.1f}，结束 {os.getloadavg()[0]:.1f}；{len(os.sched_getaffinity(0))} 核）")
    if args.plot:
        plot(results, args.plot)
        print(f"曲线图：{args.plot}")


if __name__ == "__main__":
    main()
