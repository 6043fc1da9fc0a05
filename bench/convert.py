"""Word → PDF: the warm pool against unoserver and against a cold `soffice --convert-to pdf`, and throughput.

    .venv/bin/python bench/convert.py [--runs 7] [--cold-runs 3] [--documents 20]

Needs the bench extra (`pip install -e .[bench]`: unoserver). Prints, in one run: for each document (every
sample rendered through service.rendering, plus a generated one-page table and a generated form of about 15
pages) the p50 of a conversion on the warm pool, on a warm unoserver (the LibreOffice server a Python user
would pick instead: its own soffice, XML-RPC client, same bytes in and PDF bytes out; the two are measured
interleaved, one conversion each in turn, so machine load affects both alike) and of a cold
`soffice --convert-to pdf` (a new LibreOffice process per document, with an existing profile so the
first-start setup is not counted), and the ratios; then the throughput on N documents with 1 process and
with one process per core. Targets: issue 4 (2-core machine): one-page ≥ 5× faster than cold; the park
application ≤ 1.5 s p50; 2 processes ≥ 1.7× the throughput of 1. Issue 18: one-page and park ≥ 2× unoserver;
one-page p50 ≤ 80 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Pt

from service.conversion import ConversionPool, PdfOptions, PoolSettings
from service.conversion.process import find_soffice


def _fonts(run, east_asia: str, size: float | None = None) -> None:
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), "Times New Roman")
    fonts.set(qn("w:hAnsi"), "Times New Roman")
    if size:
        run.font.size = Pt(size)


def one_page_table() -> bytes:
    document = docx.Document()
    _fonts(document.add_paragraph().add_run("企业基本情况表"), "方正小标宋简体", 22)
    table = document.add_table(rows=12, cols=4)
    table.style = "Table Grid"
    for i, row in enumerate(table.rows):
        for j, cell in enumerate(row.cells):
            text = f"指标名称{i}" if j % 2 == 0 else f"佛山南岭智能机器人产业园 {i * 37.5:.2f}"
            _fonts(cell.paragraphs[0].add_run(text), "仿宋_GB2312", 12)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def form(pages: int = 15) -> bytes:
    document = docx.Document()
    for page in range(pages):
        _fonts(document.add_heading(level=1).add_run(f"第{page + 1}部分 园区基本情况"), "黑体", 16)
        for _ in range(5):
            text = "国家新兴产业发展示范基地创建申报材料，园区产业集聚度高，创新能力强，" * 3
            _fonts(document.add_paragraph().add_run(text), "仿宋_GB2312", 16)
        table = document.add_table(rows=4, cols=3)
        table.style = "Table Grid"
        for row in table.rows:
            for cell in row.cells:
                _fonts(cell.paragraphs[0].add_run("营业收入 123.45 亿元"), "宋体", 12)
        if page < pages - 1:
            document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def documents() -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = [("一页表格（生成）", one_page_table()), ("15 页表单（生成）", form())]
    try:
        from service.rendering import list_templates, render
    except ImportError as exc:
        print(f"（service.rendering 不可用，只测生成的文档：{exc}）")
        return found
    for spec in list_templates():
        if not spec.sample_path.is_file():
            continue
        try:
            data = render(spec.id, json.loads(spec.sample_path.read_text(encoding="utf-8")))
        except Exception as exc:  # a sample that does not render is reported, not fatal
            print(f"（样例 {spec.id} 渲染失败，跳过：{type(exc).__name__}: {exc}）")
            continue
        found.append((spec.id, data))
    return found


def page_count(pdf: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


class Unoserver:
    """A warm unoserver (its own soffice and profile) and its XML-RPC client, as a user would run it."""

    def __init__(self) -> None:
        from unoserver.client import UnoClient

        self.root = Path(tempfile.mkdtemp(prefix="docgen-bench-unoserver-"))
        port, uno_port = _free_port(), _free_port()
        executable = shutil.which("unoserver") or str(Path(sys.executable).with_name("unoserver"))
        soffice = shutil.which("soffice") or str(find_soffice())
        self.process = subprocess.Popen(
            [
                executable,
                "--port",
                str(port),
                "--uno-port",
                str(uno_port),
                "--executable",
                soffice,
                "--user-installation",
                str(self.root / "profile"),
                "--quiet",
            ],
            env={**os.environ, "HOME": str(self.root)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.client = UnoClient(port=str(port))
        deadline = time.monotonic() + 120
        while True:  # ready when a conversion succeeds (the first also warms it up, as the pool's warm-up does)
            try:
                self.convert(one_page_table())
                break
            except Exception:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.close()
                    raise RuntimeError("unoserver did not start") from None
                time.sleep(0.5)

    def convert(self, data: bytes) -> bytes:
        pdf = self.client.convert(indata=data, convert_to="pdf")
        assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF-")
        return pdf

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def warm_p50(
    pool: ConversionPool, data: bytes, runs: int, unoserver: Unoserver | None
) -> tuple[float, float | None, bytes]:
    """p50 of the pool and of unoserver on the same document, one conversion each in turn."""
    ours: list[float] = []
    theirs: list[float] = []
    pdf = pool.convert(data, PdfOptions())  # each server sees the document once before it is timed
    if unoserver is not None:
        unoserver.convert(data)
    for _ in range(runs):
        began = time.perf_counter()
        pdf = pool.convert(data, PdfOptions())
        ours.append(time.perf_counter() - began)
        if unoserver is not None:
            began = time.perf_counter()
            unoserver.convert(data)
            theirs.append(time.perf_counter() - began)
    return statistics.median(ours), (statistics.median(theirs) if theirs else None), pdf


class Cold:
    """`soffice --headless --convert-to pdf` as a new process per document, with its own existing profile."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="docgen-bench-cold-"))
        soffice = shutil.which("soffice") or str(find_soffice())
        self.command = [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(self.root / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(self.root / "out"),
        ]
        self.env = {**os.environ, "HOME": str(self.root)}
        self.convert(one_page_table())  # creates the profile: not counted

    def convert(self, data: bytes) -> float:
        source = self.root / "in.docx"
        source.write_bytes(data)
        began = time.perf_counter()
        subprocess.run([*self.command, str(source)], env=self.env, capture_output=True, check=True, timeout=300)
        elapsed = time.perf_counter() - began
        if not (self.root / "out" / "in.pdf").is_file():
            raise RuntimeError("soffice --convert-to wrote no PDF")
        (self.root / "out" / "in.pdf").unlink()
        return elapsed

    def p50(self, data: bytes, runs: int) -> float:
        return statistics.median(self.convert(data) for _ in range(runs))

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _busy_seconds() -> float:
    """CPU time the whole machine has spent busy (all cores), from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of one process, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_seconds(pool: ConversionPool) -> float:
    """CPU time of this Python process and of the pool's LibreOffice processes."""
    total = sum(os.times()[:2])
    for info in pool.processes():
        if info.pid is None:
            continue
        try:
            total += cpu_seconds(info.pid)
        except (OSError, TypeError):
            continue
    return total


def throughput(processes: int, docs: list[bytes], temp_root: str, repeats: int) -> tuple[float, float]:
    """(best documents per second over `repeats` runs of all docs, share of the machine other programs used)."""
    settings = PoolSettings(size=processes, health_interval=0, temp_root=temp_root)
    best, others = 0.0, 0.0
    with ConversionPool(settings) as pool:
        # Steady state of a long-running service: every process has seen every kind of document once
        # (a process's first conversion of a new layout loads fonts and filters).
        distinct = list({id(data): data for data in docs}.values())
        with ThreadPoolExecutor(max_workers=processes) as executor:
            list(executor.map(pool.convert, distinct * processes))
        for _ in range(repeats):
            busy, own = _busy_seconds(), _own_seconds(pool)
            began = time.perf_counter()
            with ThreadPoolExecutor(max_workers=processes) as executor:
                for pdf in executor.map(pool.convert, docs):
                    assert pdf.startswith(b"%PDF-")
            elapsed = time.perf_counter() - began
            rate = len(docs) / elapsed
            if rate > best:
                foreign = (_busy_seconds() - busy) - (_own_seconds(pool) - own)
                best, others = rate, max(0.0, foreign) / (elapsed * len(os.sched_getaffinity(0)))
    return best, others


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"，内存 {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    soffice = find_soffice()
    version = ""
    if soffice:
        version = subprocess.run([str(soffice), "--version"], capture_output=True, text=True).stdout.strip()
    return f"{cpu}，{len(os.sched_getaffinity(0))} 核{memory}；{version}；Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="warm conversions per document (p50)")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold soffice runs per document (p50)")
    parser.add_argument("--documents", type=int, default=20, help="documents for the throughput runs")
    parser.add_argument("--repeats", type=int, default=3, help="throughput runs per pool size (best counts)")
    parser.add_argument("--only", action="append", default=[], help="only these documents (name prefix; repeatable)")
    parser.add_argument("--no-throughput", action="store_true", help="skip the throughput runs")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    print(f"机器：{machine()}")
    docs = [(n, d) for n, d in documents() if not args.only or any(n.startswith(o) for o in args.only)]
    rows = []
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as temp_root:
        try:
            unoserver: Unoserver | None = Unoserver()
        except (ImportError, RuntimeError) as exc:
            print(f"（unoserver 不可用，跳过对比：{exc}；安装：pip install -e .[bench]）")
            unoserver = None
        cold = Cold()
        load_before = os.getloadavg()[0]
        busy_before, cpu_before, began = _busy_seconds(), sum(os.times()[:4]), time.perf_counter()
        try:
            with ConversionPool(PoolSettings(size=1, health_interval=0, temp_root=temp_root)) as pool:
                own_before = _own_seconds(pool) - sum(os.times()[:2])
                for name, data in docs:
                    warm, uno, pdf = warm_p50(pool, data, args.runs, unoserver)
                    rows.append((name, page_count(pdf), warm, uno, cold.p50(data, args.cold_runs)))
                own = _own_seconds(pool) - sum(os.times()[:2]) - own_before
        finally:
            cold.close()
            if unoserver is not None:
                unoserver.close()
        elapsed = time.perf_counter() - began
        # Everything not spent by this process tree (pool, unoserver's and cold soffice's children) is foreign.
        children = sum(os.times()[:4]) - cpu_before
        foreign = max(0.0, (_busy_seconds() - busy_before) - children - own) / (elapsed * cores)
        print()
        print(f"{'文档':<34}{'页数':>5}{'热池 p50':>11}{'unoserver p50':>15}{'倍数':>7}{'冷启动 p50':>12}{'倍数':>8}")
        for name, pages, warm, uno, cold_p50 in rows:
            uno_cells = f"{uno:>14.3f}s{uno / warm:>6.2f}×" if uno else f"{'—':>15}{'—':>7}"
            print(f"{name:<34}{pages:>5}{warm:>10.3f}s{uno_cells}{cold_p50:>11.3f}s{cold_p50 / warm:>7.1f}×")
        print(
            f"（热池与 unoserver 交替测量；测量期间 1 分钟平均负载 {load_before:.1f}→{os.getloadavg()[0]:.1f}，"
            f"其他程序约占 CPU {foreign:.0%}）"
        )

        if args.no_throughput:
            single = multi = busy_single = busy_multi = 0.0
        else:
            mix = [data for _, data in docs]
            batch = [mix[i % len(mix)] for i in range(args.documents)]
            single, busy_single = throughput(1, batch, temp_root, args.repeats)
            multi, busy_multi = throughput(cores, batch, temp_root, args.repeats) if cores > 1 else (single, 0.0)
    if not args.no_throughput:
        _print_throughput(args, cores, single, multi, busy_single, busy_multi)
    _print_checks(rows, cores, single, multi)


def _print_throughput(
    args: argparse.Namespace, cores: int, single: float, multi: float, busy_single: float, busy_multi: float
) -> None:
    print()
    print(
        f"吞吐量（{args.documents} 份文档，各样例轮流，{args.repeats} 次取最好）：1 个进程 {single:.2f} 份/秒；"
        f"{cores} 个进程 {multi:.2f} 份/秒（{multi / single:.2f}×）"
    )
    # One process uses one core: other programs slow it only beyond the other cores' share.
    disturbed = busy_multi > 0.1 or busy_single > 1 - 1 / cores + 0.1
    print(
        f"测量期间其他程序占用 CPU：1 个进程时 {busy_single:.0%}，{cores} 个进程时 {busy_multi:.0%}"
        + ("（机器不空闲，倍数不可靠，请在空闲时重跑）" if disturbed else "")
    )


def _print_checks(rows: list, cores: int, single: float, multi: float) -> None:
    print()
    table_row = rows[0]
    park = next((row for row in rows if row[0] == "park_application"), None)
    checks = [(f"一页文档 ≥ 5× 快于冷启动：{table_row[4] / table_row[2]:.1f}×", table_row[4] / table_row[2] >= 5)]
    checks.append((f"一页文档 p50 ≤ 80 ms：{table_row[2] * 1000:.0f} ms", table_row[2] <= 0.080))
    if table_row[3]:
        ratio = table_row[3] / table_row[2]
        checks.append((f"一页文档 ≥ 2× 快于 unoserver：{ratio:.2f}×", ratio >= 2))
    if park:
        checks.append((f"示范园区申请书 p50 ≤ 1.5 s：{park[2]:.3f} s", park[2] <= 1.5))
        if park[3]:
            ratio = park[3] / park[2]
            checks.append((f"示范园区申请书 ≥ 2× 快于 unoserver：{ratio:.2f}×", ratio >= 2))
    if cores >= 2 and single:
        checks.append((f"{cores} 个进程吞吐量 ≥ 1.7× 单进程：{multi / single:.2f}×", multi / single >= 1.7))
    for label, ok in checks:
        print(f"{'✓' if ok else '✗'} {label}")


if __name__ == "__main__":
    main()
