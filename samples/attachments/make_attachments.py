"""Generate the sample attachments of the application package (fictitious units, every 附件清单 item 1–8).

    .venv/bin/python samples/attachments/make_attachments.py

Writes `park/` (files in sub-folders named by item number, ~40 pages once assembled) and `enterprise/` (a flat
folder described by `attachments.json`). The files are the kinds applicants supply: a layout plan drawn as an
image, photos, scanned certificates (full-page images, which leave no bottom margin for the page number), lists
and explanations as PDF (made here from DOCX with LibreOffice) and as DOCX (converted when the package is built).
The outputs are committed; rerun the script only to change them.
"""

from __future__ import annotations

import io
import json
import math
import random
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT_DIRS = (Path("/usr/local/share/fonts/fandol"), Path("/usr/share/fonts/opentype/noto"))
BODY_FONT = "FandolFang"
HEADING_FONT = "FandolHei"


def pil_font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    candidates = ["FandolHei-Regular.otf", "NotoSansCJK-Regular.ttc"] if bold else ["FandolSong-Regular.otf"]
    candidates.append("NotoSerifCJK-Regular.ttc")
    for directory in FONT_DIRS:
        for name in candidates:
            path = directory / name
            if path.exists():
                return ImageFont.truetype(str(path), size, index=2 if path.suffix == ".ttc" else 0)
    raise SystemExit("需要中文字体（FandolSong/FandolHei 或 Noto CJK），请先运行 make install")


# --- images ------------------------------------------------------------------------------------------------


def layout_plan(name: str, zones: Sequence[tuple[str, tuple[int, int, int]]]) -> bytes:
    """A plan-like drawing: boundary, roads, coloured zones with labels, legend, north arrow and scale bar."""
    w, h = 1600, 1100
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    title = pil_font(44, bold=True)
    label = pil_font(28)
    small = pil_font(22)
    d.text((w // 2, 50), f"{name}空间布局平面图（示例）", font=title, fill="black", anchor="mm")
    boundary = [(120, 140), (1180, 120), (1240, 520), (1140, 980), (180, 1000), (90, 600)]
    d.polygon(boundary, outline=(200, 0, 0), width=6)
    cells = [(150, 160, 620, 540), (660, 160, 1160, 540), (150, 580, 620, 960), (660, 580, 1140, 960)]
    for (zone, colour), box in zip(zones, cells, strict=False):
        d.rectangle(box, fill=colour, outline=(90, 90, 90), width=2)
        d.text(((box[0] + box[2]) // 2, (box[1] + box[3]) // 2), zone, font=label, fill="black", anchor="mm")
        for i in range(3):  # building footprints
            x = box[0] + 30 + i * 140
            d.rectangle((x, box[1] + 30, x + 100, box[1] + 90), outline=(60, 60, 60), width=2)
    d.rectangle((630, 130, 650, 990), fill=(170, 170, 170))  # 南北向主干道
    d.rectangle((110, 550, 1200, 570), fill=(170, 170, 170))  # 东西向主干道
    d.text((640, 1030), "园区主干道", font=small, fill="black", anchor="mm")
    lx, ly = 1280, 200
    d.text((lx, ly - 50), "图例", font=label, fill="black")
    for i, (zone, colour) in enumerate(zones):
        d.rectangle((lx, ly + i * 60, lx + 50, ly + i * 60 + 36), fill=colour, outline="black")
        d.text((lx + 66, ly + i * 60 + 18), zone, font=small, fill="black", anchor="lm")
    d.line((lx, ly + 270, lx + 50, ly + 270), fill=(200, 0, 0), width=6)
    d.text((lx + 66, ly + 270), "园区边界", font=small, fill="black", anchor="lm")
    ax, ay = 1420, 720  # north arrow
    d.polygon([(ax, ay - 80), (ax - 30, ay + 20), (ax, ay), (ax + 30, ay + 20)], fill="black")
    d.text((ax, ay + 50), "北", font=label, fill="black", anchor="mm")
    d.rectangle((1300, 900, 1500, 915), outline="black", width=2)
    d.rectangle((1300, 900, 1400, 915), fill="black")
    d.text((1400, 945), "0      500 m", font=small, fill="black", anchor="mm")
    buf = io.BytesIO()
    img.quantize(colors=32).save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def photo(caption: str, size: tuple[int, int], *, dpi: int | None, seed: int) -> bytes:
    """A photo-like JPEG: gradient sky, blocks of buildings, a caption strip."""
    rng = random.Random(seed)
    w, h = size
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    for y in range(h):
        t = y / h
        d.line((0, y, w, y), fill=(int(120 + 100 * t), int(170 + 60 * t), int(230 - 40 * t)))
    x = 0
    while x < w:
        bw = rng.randint(w // 12, w // 5)
        bh = rng.randint(h // 5, h // 2)
        grey = rng.randint(90, 200)
        d.rectangle((x, h - bh - h // 8, x + bw, h - h // 8), fill=(grey, grey, grey + 10))
        for wy in range(h - bh - h // 8 + 10, h - h // 8 - 10, 24):
            for wx in range(x + 8, x + bw - 12, 20):
                d.rectangle((wx, wy, wx + 8, wy + 10), fill=(250, 240, 180))
        x += bw + rng.randint(4, 20)
    d.rectangle((0, h - h // 8, w, h), fill=(40, 40, 40))
    d.text((w // 2, h - h // 16), caption, font=pil_font(max(18, h // 28)), fill="white", anchor="mm")
    buf = io.BytesIO()
    extra = {"dpi": (dpi, dpi)} if dpi else {}
    img.save(buf, format="JPEG", quality=70, **extra)
    return buf.getvalue()


def scanned_certificate(title: str, lines: Sequence[str], issuer: str, seed: int) -> Image.Image:
    """A full-page 100 dpi greyscale "scan" of a certificate: content reaches the page edges (a scan's border)."""
    rng = random.Random(seed)
    w, h = 827, 1169  # A4 at 100 dpi
    img = Image.new("L", (w, h), 236)
    d = ImageDraw.Draw(img)
    for _ in range(900):  # scanner noise
        x, y = rng.randrange(w), rng.randrange(h)
        d.point((x, y), fill=rng.randint(180, 220))
    d.rectangle((0, h - 14, w, h), fill=150)  # the dark edge scanners leave at the bottom
    d.rectangle((40, 40, w - 40, h - 60), outline=60, width=6)
    d.rectangle((56, 56, w - 56, h - 76), outline=90, width=2)
    d.text((w // 2, 170), title, font=pil_font(52, bold=True), fill=20, anchor="mm")
    body = pil_font(26)
    y = 300
    for line in lines:
        d.text((110, y), line, font=body, fill=30)
        y += 52
    cx, cy, r = w - 230, h - 260, 95
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=110, width=6)
    for i, ch in enumerate(issuer[:12]):
        angle = math.radians(200 + i * (140 / max(1, min(len(issuer), 12) - 1)))
        d.text((cx + 68 * math.cos(angle), cy + 68 * math.sin(angle)), ch, font=pil_font(20), fill=110, anchor="mm")
    d.text((cx, cy), "★", font=pil_font(40), fill=110, anchor="mm")
    d.text((w - 230, h - 130), issuer, font=pil_font(24), fill=30, anchor="mm")
    return img


def scans_pdf(pages: Sequence[Image.Image]) -> bytes:
    buf = io.BytesIO()
    first, *rest = pages
    first.save(buf, format="PDF", save_all=True, append_images=rest, resolution=100.0, quality=45)
    return buf.getvalue()


def scan_jpeg(page: Image.Image) -> bytes:
    buf = io.BytesIO()
    page.save(buf, format="JPEG", quality=45, dpi=(100, 100))
    return buf.getvalue()


# --- Word documents ----------------------------------------------------------------------------------------


def _font(run, name: str, size: float, *, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def word_document(
    title: str,
    paragraphs: Sequence[str],
    table: Sequence[Sequence[str]] | None = None,
    *,
    bottom_margin_cm: float = 3.5,
    footer: str | None = None,
    landscape: bool = False,
) -> bytes:
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    else:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(bottom_margin_cm)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(0.4)
    if footer:
        p = section.footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(footer), BODY_FONT, 10.5)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(head.add_run(title), HEADING_FONT, 18)
    for text in paragraphs:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(32)
        p.paragraph_format.line_spacing = Pt(28)
        _font(p.add_run(text), BODY_FONT, 16)
    if table:
        t = doc.add_table(rows=0, cols=len(table[0]))
        t.style = "Table Grid"
        for r, row in enumerate(table):
            cells = t.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                _font(cell.paragraphs[0].add_run(value), HEADING_FONT if r == 0 else BODY_FONT, 12, bold=r == 0)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def to_pdf(docs: dict[str, bytes]) -> dict[str, bytes]:
    """Convert DOCX files with one LibreOffice run (a private profile, so a running instance is not used)."""
    with tempfile.TemporaryDirectory(prefix="make-attachments-") as tmp:
        root = Path(tmp)
        names = []
        for i, data in enumerate(docs.values()):
            (root / f"d{i}.docx").write_bytes(data)
            names.append(str(root / f"d{i}.docx"))
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{root}/profile",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(root),
                *names,
            ],
            check=True,
            capture_output=True,
            timeout=300,
            env={"HOME": str(root), "PATH": "/usr/bin:/bin"},
        )
        return {key: (root / f"d{i}.pdf").read_bytes() for i, key in enumerate(docs)}


# --- contents ----------------------------------------------------------------------------------------------

DISTRICTS = ["天河区", "黄埔区", "南沙区", "番禺区", "花都区", "增城区", "从化区", "白云区"]
PRODUCTS = ["工业机器人本体", "伺服电机", "精密减速器", "控制器", "视觉系统", "协作机器人", "AGV 小车", "末端执行器"]


def company_rows(n: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    rows = [["序号", "企业名称（示例）", "所在区", "2025 年营业收入（亿元）", "主营产品"]]
    for i in range(1, n + 1):
        rows.append(
            [
                str(i),
                f"示例智能装备第{i:03d}有限公司",
                rng.choice(DISTRICTS),
                f"{rng.uniform(2, 60):.2f}",
                rng.choice(PRODUCTS),
            ]
        )
    return rows


def filler(topic: str, n: int) -> list[str]:
    base = (
        "本材料所列数据均为虚构示例，仅用于演示申报材料的生成与排版。{topic}方面，园区建立了数据统计和核验机制，"
        "由统计部门按季度采集规模以上企业的营业收入、研发投入和从业人员等指标，并与税务、市场监管部门的数据交叉比对，"
        "确保口径一致、来源可查。第{i}部分说明相关测算方法、数据来源和核验过程。"
    )
    return [base.format(topic=topic, i=i + 1) for i in range(n)]


def park_files() -> dict[str, bytes]:
    zones = [
        ("智能机器人研发区", (198, 224, 180)),
        ("整机制造区", (255, 230, 153)),
        ("核心零部件区", (189, 215, 238)),
        ("配套服务区", (248, 203, 173)),
    ]
    certificates = [
        scanned_certificate(
            "高新技术企业证书",
            [
                f"企业名称：示例智能装备第{i:03d}有限公司",
                f"证书编号：GR2024440{i:05d}",
                "发证时间：2024 年 12 月",
                "有效期：三年",
                "（示例，虚构）",
            ],
            "示例省科学技术厅",
            seed=i,
        )
        for i in range(1, 7)
    ]
    platforms = [
        scanned_certificate(
            "国家级创新平台认定文件",
            [f"平台名称：示例智能机器人创新中心（{i}）", "认定单位：示例部门", "认定时间：2025 年", "（示例，虚构）"],
            "示例认定机构",
            seed=10 + i,
        )
        for i in range(1, 4)
    ]
    docs = {
        "3/主导产业规上企业名单.pdf": word_document(
            "主导产业规模以上企业名单（示例）",
            ["以下为园区主导产业规模以上企业名单，按 2025 年营业收入排序。"],
            company_rows(200, seed=3),
        ),
        "5/融资情况证明材料.pdf": word_document(
            "融资情况证明材料（示例）",
            filler("融资情况", 10),
            [
                ["年度", "股权融资（亿元）", "债权融资（亿元）", "合计（亿元）"],
                ["2023 年", "12.30", "20.10", "32.40"],
                ["2024 年", "15.80", "22.60", "38.40"],
                ["2025 年", "18.20", "25.00", "43.20"],
            ],
        ),
        "8/其他说明材料.pdf": word_document(
            "其他说明材料（示例）",
            filler("其他有关情况", 8),
            bottom_margin_cm=1.2,
            footer="本页页脚紧贴页面底边：合并时页面内容略微缩小，为页码让出位置",
        ),
    }
    pdfs = to_pdf(docs)
    return {
        "1/01_示范基地空间布局平面图.png": layout_plan("示例智能机器人产业园", zones),
        "1/02_园区区位图.jpg": photo("园区区位示意（示例）", (480, 640), dpi=None, seed=1),
        "2/主导产业规模的说明材料和测算依据.docx": word_document(
            "主导产业规模的说明材料和测算依据（示例）",
            filler("主导产业规模", 7),
            [
                ["指标", "2023 年", "2024 年", "2025 年"],
                ["规模以上企业营业收入（亿元）", "512.3", "586.9", "660.2"],
                ["占园区总营业收入比重（%）", "61.2", "63.5", "65.1"],
            ],
        ),
        "3/主导产业规上企业名单.pdf": pdfs["3/主导产业规上企业名单.pdf"],
        "4/01_高新技术企业证书.pdf": scans_pdf(certificates),
        "4/02_国家级创新平台认定文件.pdf": scans_pdf(platforms),
        "5/融资情况证明材料.pdf": pdfs["5/融资情况证明材料.pdf"],
        "6/01_智能工厂现场照片.jpg": photo("卓越级智能工厂生产线（示例）", (1200, 800), dpi=150, seed=6),
        "6/02_智能工厂认定名单.docx": word_document(
            "智能工厂认定名单（示例）",
            ["以下为园区内获评智能工厂的企业名单（虚构示例）。"],
            [["序号", "企业名称", "等级", "认定年份"]]
            + [
                [str(i), f"示例智能装备第{i:03d}有限公司", ["领航级", "卓越级", "先进级", "基础级"][i % 4], "2025"]
                for i in range(1, 41)
            ],
            landscape=True,
        ),
        "7/节能环保与安全生产达标说明.docx": word_document(
            "有关节能环保、安全生产达标等方面的说明材料（示例）", filler("节能环保和安全生产", 8)
        ),
        "8/其他说明材料.pdf": pdfs["8/其他说明材料.pdf"],
    }


ENTERPRISE_LIST = [
    ("布局平面图.png", 1, "示范基地空间布局平面图"),
    ("营业收入说明.docx", 2, "重点领域营业收入的说明"),
    ("科技奖励清单.pdf", 3, "国家级和省部级科技奖励清单"),
    ("发明专利清单.pdf", 4, "有效发明专利清单"),
    ("专利奖证书.jpg", 4, "中国专利奖证书"),
    ("标准清单.docx", 5, "国际标准、国家标准、行业标准清单"),
    ("市场占有率说明.pdf", 6, "主导产品市场占有率的说明"),
    ("安全生产标准化证书.jpg", 7, "安全生产标准化证书"),
    ("其他.pdf", 8, "其他证明材料"),
]


def enterprise_files() -> dict[str, bytes]:
    zones = [
        ("研发中心", (198, 224, 180)),
        ("总装车间", (255, 230, 153)),
        ("零部件车间", (189, 215, 238)),
        ("仓储物流", (248, 203, 173)),
    ]
    docs = {
        "科技奖励清单.pdf": word_document(
            "国家级和省部级科技奖励清单（示例）",
            ["企业在所有参与单位中的排序见表。"],
            [["序号", "奖励名称", "等级", "年度", "企业排序"]]
            + [[str(i), f"示例技术成果{i}", "二等奖", "2024", f"{i % 3 + 1}/5"] for i in range(1, 16)],
        ),
        "发明专利清单.pdf": word_document(
            "有效发明专利清单（示例）",
            ["以下为企业作为第一完成单位的有效发明专利。"],
            [["序号", "专利号", "名称", "授权日"]]
            + [[str(i), f"ZL2023100{i:05d}.X", f"一种示例机器人关节{i}", "2024-06-01"] for i in range(1, 61)],
        ),
        "市场占有率说明.pdf": word_document("主导产品市场占有率的说明（示例）", filler("市场占有率", 5)),
        "其他.pdf": word_document("其他证明材料（示例）", filler("其他", 3)),
    }
    pdfs = to_pdf(docs)
    award = scanned_certificate(
        "中国专利奖证书", ["专利名称：一种示例机器人关节", "奖项：银奖", "（示例，虚构）"], "示例知识产权局", seed=40
    )
    safety = scanned_certificate(
        "安全生产标准化证书",
        ["单位名称：示例机器人股份有限公司", "等级：二级", "（示例，虚构）"],
        "示例应急管理部门",
        seed=41,
    )
    return {
        "布局平面图.png": layout_plan("示例机器人股份有限公司", zones),
        "营业收入说明.docx": word_document("重点领域营业收入的说明（示例）", filler("重点领域营业收入", 4)),
        "专利奖证书.jpg": scan_jpeg(award),
        "标准清单.docx": word_document(
            "国际标准、国家标准、行业标准清单（示例）",
            ["标准制修订情况及企业排序如下。"],
            [["序号", "标准号", "名称", "类别", "企业排序"]]
            + [[str(i), f"GB/T 4{i:04d}-2025", f"示例机器人标准{i}", "国家标准", "1/6"] for i in range(1, 11)],
        ),
        "安全生产标准化证书.jpg": scan_jpeg(safety),
        **pdfs,
    }


def write_tree(root: Path, files: dict[str, bytes]) -> None:
    if root.exists():
        shutil.rmtree(root)
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def main() -> None:
    write_tree(HERE / "park", park_files())
    enterprise = enterprise_files()
    listing = {"attachments": [{"file": f, "item": item, "title": title} for f, item, title in ENTERPRISE_LIST]}
    enterprise["attachments.json"] = (json.dumps(listing, ensure_ascii=False, indent=2) + "\n").encode()
    write_tree(HERE / "enterprise", enterprise)
    total = sum(p.stat().st_size for p in HERE.rglob("*") if p.is_file() and p.suffix != ".py")
    print(f"已生成示例附件：{HERE}（共 {total / 1024:.0f} KB）")


if __name__ == "__main__":
    main()
