"""The conversion pool against real LibreOffice: samples convert with their text, a process killed with
SIGKILL mid-conversion or hung with SIGSTOP is replaced, the queue limit, recycling, and a shutdown that
leaves no soffice process, profile directory or pipe behind. PDFs are read back with pypdf."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
import pypdf
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from service.conversion import (
    ConversionBusy,
    ConversionPool,
    ConversionTimeout,
    PdfOptions,
    PoolEvent,
    PoolSettings,
    convert_to_pdf,
)

ROOT = Path(__file__).resolve().parents[1]


# -- helpers -----------------------------------------------------------------------------------------


def set_fonts(run, east_asia: str) -> None:
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), "Times New Roman")
    fonts.set(qn("w:hAnsi"), "Times New Roman")
    fonts.set(qn("w:hint"), "eastAsia")


def form_docx(pages: int = 12, marker: str = "示范基地") -> bytes:
    """A form-like document: headings (黑体), 仿宋 paragraphs, a 宋体 table per page."""
    document = docx.Document()
    for page in range(pages):
        heading = document.add_heading(level=1)
        set_fonts(heading.add_run(f"第{page + 1}部分 园区基本情况"), "黑体")
        for _ in range(5):
            run = document.add_paragraph().add_run(f"{marker}创建申报材料，园区产业集聚度高，创新能力强。" * 3)
            set_fonts(run, "仿宋_GB2312")
            run.font.size = Pt(16)
        table = document.add_table(rows=4, cols=3)
        table.style = "Table Grid"
        for row in table.rows:
            for cell in row.cells:
                set_fonts(cell.paragraphs[0].add_run("营业收入 123.45 亿元"), "宋体")
        if page < pages - 1:
            document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def table_docx(label: str = "单位名称", value: str = "佛山南岭智能机器人产业园") -> bytes:
    document = docx.Document()
    table = document.add_table(rows=6, cols=2)
    table.style = "Table Grid"
    for index, row in enumerate(table.rows):
        set_fonts(row.cells[0].paragraphs[0].add_run(f"{label}{index}"), "仿宋_GB2312")
        set_fonts(row.cells[1].paragraphs[0].add_run(f"{value}{index}"), "仿宋_GB2312")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


PAGE_NUMBER = re.compile(r"—\d+—")
CHECKBOXES = re.compile("[☐☑☒□■]")


def pdf_text(pdf: bytes) -> str:
    """All text, whitespace removed, page numbers ("— 3 —") and checkbox glyphs dropped: a paragraph that
    runs over a page break has the footer in its middle, and pypdf orders glyphs of another font apart."""
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return CHECKBOXES.sub("", PAGE_NUMBER.sub("", squash("".join(page.extract_text() for page in pages))))


def docx_texts(data: bytes) -> list[str]:
    """Every paragraph and table cell of a .docx (labels and rendered values), whitespace removed."""
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]

    def walk(tables) -> None:
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    texts.append(cell.text)
                    walk(cell.tables)

    walk(document.tables)
    cleaned = (CHECKBOXES.sub("", squash(text)) for text in texts)
    return [text for text in cleaned if text]


def longest_prefix_in(text: str, haystack: str) -> int:
    low, high = 0, len(text)  # a prefix that occurs implies every shorter prefix occurs: binary search
    while low < high:
        middle = (low + high + 1) // 2
        if text[:middle] in haystack:
            low = middle
        else:
            high = middle - 1
    return low


def appears(text: str, haystack: str, page_breaks: int = 3) -> bool:
    """text occurs in haystack, or — for a long paragraph or cell that runs over page breaks, where the
    next page's header or the row's other cells come in between — in at most page_breaks + 1 long pieces."""
    if text in haystack:
        return True
    if len(text) < 40:
        return False
    for _ in range(page_breaks + 1):
        found = longest_prefix_in(text, haystack)
        if found == len(text):
            return True
        if found < 10:
            return False
        text = text[found:]
    return False


def other_pools_pids(own: ConversionPool | None = None) -> set[int]:
    """soffice processes of the suite's other live pools (e.g. the session `converter`), not this module's."""
    from service.conversion.pool import _live_pools

    return {i.pid for p in list(_live_pools) if p is not own for i in p.processes() if i.pid}


def child_soffice_pids() -> set[int]:
    """Live soffice.bin processes started by this test process."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
        if name.startswith("soffice") and int(ppid) == os.getpid() and state != "Z":
            found.add(int(entry))
    return found


def pid_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Hooks:
    """Lets a test act on a process right before a conversion is sent to it."""

    def __init__(self) -> None:
        self.on_dispatch: Callable[[PoolEvent], None] | None = None
        self.events: list[PoolEvent] = []

    def __call__(self, event: PoolEvent) -> None:
        self.events.append(event)
        if event.kind == "dispatch" and self.on_dispatch is not None:
            self.on_dispatch(event)


def kill_when_converting(pid: int) -> None:
    """SIGKILL the process as soon as it has the job's input document open (i.e. during the conversion)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if "/jobs/" in target and target.endswith(".docx"):
                    os.kill(pid, signal.SIGKILL)
                    return
        except OSError:
            pass
        time.sleep(0.002)
    os.kill(pid, signal.SIGKILL)


# -- fixtures ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hooks() -> Hooks:
    return Hooks()


@pytest.fixture(scope="module")
def pool(hooks: Hooks, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConversionPool]:
    root = tmp_path_factory.mktemp("lo")
    with ConversionPool(PoolSettings(size=2, health_interval=0, temp_root=str(root)), on_event=hooks) as shared:
        yield shared
    assert child_soffice_pids() - other_pools_pids() == set()
    assert not any(root.iterdir())


@pytest.fixture(autouse=True)
def _reset_hooks(hooks: Hooks) -> Iterator[None]:
    yield
    hooks.on_dispatch = None


def sample_ids() -> list[str]:
    try:
        from service.rendering import list_templates
    except ImportError:
        return []
    return [spec.id for spec in list_templates() if spec.sample_path.is_file()]


# -- tests -------------------------------------------------------------------------------------------


def test_a_generated_table_converts_with_its_labels_and_values(pool: ConversionPool) -> None:
    pdf = pool.convert(table_docx())
    text = pdf_text(pdf)
    for index in range(6):
        assert f"单位名称{index}" in text and f"佛山南岭智能机器人产业园{index}" in text


@pytest.mark.parametrize("template_id", sample_ids() or [pytest.param("none", marks=pytest.mark.skip("no samples"))])
def test_every_sample_converts_with_its_labels_and_values(pool: ConversionPool, template_id: str) -> None:
    from service.rendering import get_template, render

    spec = get_template(template_id)
    document = render(template_id, json.loads(spec.sample_path.read_text(encoding="utf-8")))
    pdf = pool.convert(document, PdfOptions(title=spec.title, subject=spec.title))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    assert reader.metadata is not None and reader.metadata.title == spec.title
    text = pdf_text(pdf)
    expected = docx_texts(document)
    assert expected, "the rendered document has text"
    missing = [item for item in expected if not appears(item, text)]
    assert missing == []


def test_convert_to_pdf_uses_the_given_pool(pool: ConversionPool) -> None:
    pdf = convert_to_pdf(table_docx("联系人", "黄晓敏"), PdfOptions(author="申报单位"), pool=pool)
    assert "联系人0" in pdf_text(pdf)
    assert pypdf.PdfReader(io.BytesIO(pdf)).metadata.author == "申报单位"


def test_bookmarks_come_from_the_headings(pool: ConversionPool) -> None:
    outline = pypdf.PdfReader(io.BytesIO(pool.convert(form_docx(pages=3)))).outline
    assert [item.title for item in outline] == ["第1部分 园区基本情况", "第2部分 园区基本情况", "第3部分 园区基本情况"]
    no_outline = pypdf.PdfReader(io.BytesIO(pool.convert(form_docx(pages=2), PdfOptions(bookmarks=False))))
    assert no_outline.outline == []


def test_a_table_of_contents_is_refreshed(pool: ConversionPool) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    toc = document.add_paragraph()._p
    w = nsdecls("w")
    for run in (
        f'<w:r {w}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {w}><w:instrText xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u </w:instrText></w:r>',
        f'<w:r {w}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {w}><w:t>目录尚未更新</w:t></w:r>",
        f'<w:r {w}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        toc.append(parse_xml(run))
    for chapter in (1, 2, 3):
        document.add_page_break()
        document.add_heading(f"第{chapter}章标题", level=1)
    buffer = io.BytesIO()
    document.save(buffer)
    text = pdf_text(pool.convert(buffer.getvalue()))
    assert "目录尚未更新" not in text
    for chapter in (1, 2, 3):  # the entry with its page number, then the heading itself
        assert re.search(f"第{chapter}章标题\\.+{chapter + 1}", text), text
        assert text.count(f"第{chapter}章标题") == 2


def test_kill_9_during_a_conversion_is_retried_and_the_pool_is_whole_again(pool: ConversionPool, hooks: Hooks) -> None:
    killed: list[int] = []

    def kill_first_attempt(event: PoolEvent) -> None:
        if not killed and event.pid is not None:
            killed.append(event.pid)
            threading.Thread(target=kill_when_converting, args=(event.pid,), daemon=True).start()

    before = pool.metrics()
    hooks.on_dispatch = kill_first_attempt
    pdf = pool.convert(form_docx(marker="重试成功"))
    hooks.on_dispatch = None

    assert "重试成功" in pdf_text(pdf)
    after = pool.metrics()
    assert after.crashes_total == before.crashes_total + 1
    assert after.retries_total == before.retries_total + 1
    assert after.failures_total == before.failures_total
    assert not pid_alive(killed[0])
    infos = pool.processes()
    assert [info.state for info in infos] == ["idle", "idle"]
    assert all(info.pid and pid_alive(info.pid) for info in infos) and killed[0] not in {i.pid for i in infos}
    assert child_soffice_pids() - other_pools_pids(pool) == {info.pid for info in infos}
    assert "单位名称0" in pdf_text(pool.convert(table_docx()))


@pytest.fixture
def small_pool(tmp_path: Path) -> Iterator[tuple[ConversionPool, Hooks]]:
    hooks = Hooks()
    settings = PoolSettings(size=1, conversion_timeout=5, health_interval=0, queue_limit=1, temp_root=str(tmp_path))
    pool = ConversionPool(settings, on_event=hooks)
    pool.start()
    try:
        yield pool, hooks
    finally:
        pids = {event.pid for event in hooks.events if event.pid}
        pool.close()
        assert not any(pid_alive(pid) for pid in pids)
        assert not any(tmp_path.iterdir())


def test_a_hung_process_is_killed_at_the_timeout_and_the_retry_succeeds(
    small_pool: tuple[ConversionPool, Hooks],
) -> None:
    pool, hooks = small_pool
    stopped: list[int] = []

    def stop_once(event: PoolEvent) -> None:
        if not stopped and event.pid is not None:
            stopped.append(event.pid)
            os.kill(event.pid, signal.SIGSTOP)

    hooks.on_dispatch = stop_once
    assert "单位名称0" in pdf_text(pool.convert(table_docx()))
    assert pool.metrics().timeouts_total == 1
    assert not pid_alive(stopped[0])


def test_a_conversion_that_always_hangs_fails_with_the_timeout_error_and_the_next_succeeds(
    small_pool: tuple[ConversionPool, Hooks],
) -> None:
    pool, hooks = small_pool
    stopped: list[int] = []

    def stop_every_time(event: PoolEvent) -> None:
        assert event.pid is not None
        stopped.append(event.pid)
        os.kill(event.pid, signal.SIGSTOP)

    hooks.on_dispatch = stop_every_time
    began = time.monotonic()
    with pytest.raises(ConversionTimeout) as caught:
        pool.convert(table_docx())
    elapsed = time.monotonic() - began
    hooks.on_dispatch = None

    assert caught.value.code == "conversion_timeout" and "超时" in caught.value.message
    # Two attempts of 5 s each plus one restart: bounded by the limits, not waiting forever.
    settings = pool.settings
    assert elapsed < 2 * settings.conversion_timeout + settings.start_timeout
    assert len(stopped) == 2 and not any(pid_alive(pid) for pid in stopped)
    assert "单位名称1" in pdf_text(pool.convert(table_docx()))


def test_a_full_queue_is_a_busy_error_with_a_retry_hint(small_pool: tuple[ConversionPool, Hooks]) -> None:
    pool, hooks = small_pool
    release = threading.Event()
    hooks.on_dispatch = lambda event: release.wait(30)  # hold the only process
    results: list[bytes] = []
    threads = [threading.Thread(target=lambda: results.append(pool.convert(table_docx()))) for _ in range(2)]
    threads[0].start()
    deadline = time.monotonic() + 10
    while pool.metrics().busy < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    threads[1].start()
    while pool.metrics().queue_depth < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(ConversionBusy) as caught:
        pool.convert(table_docx())
    assert caught.value.code == "conversion_busy" and caught.value.retry_after >= 1
    hooks.on_dispatch = None
    release.set()
    for thread in threads:
        thread.join(60)
    assert len(results) == 2 and all(pdf.startswith(b"%PDF-") for pdf in results)


def test_a_process_is_recycled_after_m_conversions(tmp_path: Path) -> None:
    hooks = Hooks()
    settings = PoolSettings(size=1, max_conversions_per_process=2, health_interval=0, temp_root=str(tmp_path))
    with ConversionPool(settings, on_event=hooks) as pool:
        for _ in range(3):
            pool.convert(table_docx())
        pids = [event.pid for event in hooks.events if event.kind == "dispatch"]
        assert pids[0] == pids[1] != pids[2]
        assert not pid_alive(pids[0])
        assert pool.metrics().recycles_total == 1
        assert pool.processes()[0].conversions == 1
    assert not pid_alive(pids[2])


def test_close_leaves_no_soffice_process_profile_or_pipe(tmp_path: Path) -> None:
    from service.conversion.process import LibreOfficeProcess

    settings = PoolSettings(size=2, health_interval=0, temp_root=str(tmp_path))
    made: list[LibreOfficeProcess] = []

    def factory(slot: int) -> LibreOfficeProcess:
        made.append(LibreOfficeProcess(settings, name=f"test{slot}"))
        return made[-1]

    pool = ConversionPool(settings, process_factory=factory)
    pool.start()
    pids = {info.pid for info in pool.processes()}
    assert all(pid and pid_alive(pid) for pid in pids)
    assert len(list(tmp_path.iterdir())) == 2  # one private directory per process
    pipes = [path for process in made for path in process.socket_paths]
    assert len(pipes) == 4 and all(Path(path).exists() for path in pipes)  # UNO pipe + single-instance pipe
    pool.convert(table_docx())
    pool.close()
    assert not any(pid_alive(pid) for pid in pids if pid)
    assert not (child_soffice_pids() & pids)
    assert list(tmp_path.iterdir()) == []
    assert not any(Path(path).exists() for path in pipes)


def test_the_convert_command_writes_the_pdf_and_leaves_no_soffice(tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from service.cli.convert import register

    app = typer.Typer()
    app.callback()(lambda: None)
    register(app)
    source = tmp_path / "申请书.docx"
    source.write_bytes(table_docx("命令行", "转换"))
    before = child_soffice_pids()
    result = CliRunner().invoke(app, ["convert", str(source), "--pdfa", "--title", "命令行转换"])
    assert result.exit_code == 0, result.output
    assert "已生成" in result.output
    pdf = (tmp_path / "申请书.pdf").read_bytes()
    assert "命令行0" in pdf_text(pdf)
    assert pypdf.PdfReader(io.BytesIO(pdf)).metadata.title == "命令行转换"
    assert child_soffice_pids() == before

    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    result = CliRunner().invoke(app, ["convert", str(broken), "-o", str(tmp_path / "out.pdf")])
    assert result.exit_code == 1 and "invalid_document" in result.output
    assert not (tmp_path / "out.pdf").exists()


def test_after_the_service_is_killed_its_soffice_dies_and_the_next_pool_sweeps_its_directories(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    script = (
        "import os, signal, sys\n"
        "from service.conversion import ConversionPool, PoolSettings\n"
        "pool = ConversionPool(PoolSettings(size=2, health_interval=0, temp_root=sys.argv[1]))\n"
        "pool.start()\n"
        "print(' '.join(str(info.pid) for info in pool.processes()), flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    child = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr
    pids = [int(pid) for pid in child.stdout.split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 10
    while any(pid_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(pid_alive(pid) for pid in pids)  # killed by the kernel with their parent
    left = list(tmp_path.iterdir())
    assert len(left) == 2  # nobody could clean up …
    pipes = [path for directory in left for path in (directory / "sockets").read_text().splitlines()]
    assert len(pipes) == 4 and all(Path(path).exists() for path in pipes)
    with ConversionPool(PoolSettings(size=1, health_interval=0, temp_root=str(tmp_path))) as pool:
        assert len(list(tmp_path.iterdir())) == 1  # … until the next pool starts: only its own remains
        assert not any(Path(path).exists() for path in pipes)
        assert pool.convert(table_docx()).startswith(b"%PDF-")
    assert list(tmp_path.iterdir()) == []
