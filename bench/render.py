"""Render benchmark: the service's cached engine against plain docxtpl, in one run.

For each template that has a sample payload, prints p50/p95 of
  - service: `service.render(template_id, payload_dict)` — validation included, template prepared once;
  - plain docxtpl: a new `DocxTemplate(path)` per call, rendered with the already validated model and the
    same Jinja filters, then saved — what a straightforward implementation does;
and the ratio of the medians.

    .venv/bin/python bench/render.py [--runs 60]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import time
from pathlib import Path

from docxtpl import DocxTemplate

from service.rendering import list_templates, render, validate
from service.rendering.engine import _jinja_environment


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn, runs: int) -> list[float]:
    fn()  # warm-up (prepares the template for the service, imports for both)
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def plain_docxtpl(path: Path, context: dict) -> bytes:
    tpl = DocxTemplate(str(path))
    tpl.render(context, jinja_env=_jinja_environment(), autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    print(f"机器 machine: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}; runs={args.runs}")
    composed: list[tuple[str, float]] = []
    print(f"{'template':<34}{'service p50':>12}{'p95':>9}{'docxtpl p50':>13}{'p95':>9}{'ratio':>8}")
    for spec in list_templates():
        if not spec.sample_path.exists():
            continue
        payload = json.loads(spec.sample_path.read_text(encoding="utf-8"))
        model = validate(spec.id, payload).model
        context = {"p": model, "blank": False, "attachments": None}
        ours = timed(lambda spec=spec, payload=payload: render(spec.id, payload), args.runs)
        if spec.composer:
            # A composed document (公文 + its attachments) has no single-template docxtpl equivalent.
            print(
                f"{spec.id:<34}{statistics.median(ours):>10.1f}ms{percentile(ours, 0.95):>7.1f}ms"
                f"{'—':>13}{'—':>9}{'—':>8}  (composed: 公文 + attachments)"
            )
            composed.append((spec.id, statistics.median(ours)))
            continue
        runs_plain = max(10, args.runs // 3)
        theirs = timed(lambda spec=spec, context=context: plain_docxtpl(spec.docx_path, context), runs_plain)
        p50, p50_plain = statistics.median(ours), statistics.median(theirs)
        print(
            f"{spec.id:<34}{p50:>10.1f}ms{percentile(ours, 0.95):>7.1f}ms"
            f"{p50_plain:>11.1f}ms{percentile(theirs, 0.95):>7.1f}ms{p50_plain / p50:>7.1f}×"
        )
    for template_id, p50 in composed:  # issue 18: the composed 公文 (gd notice with its attachments) ≤ 60 ms
        print(f"{'✓' if p50 <= 60 else '✗'} {template_id} p50 ≤ 60 ms: {p50:.1f} ms")
    print(f"（1 分钟平均负载 {os.getloadavg()[0]:.1f}）")


if __name__ == "__main__":
    main()
