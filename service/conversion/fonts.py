"""`docgen doctor`: is LibreOffice there, and does every official font name resolve to the font we mean?

Each official name is resolved with `fc-match` (LibreOffice asks fontconfig the same way), compared with
the mapping of system/fontconfig/65-docgen-official-fonts.conf, and every problem comes with the command
that fixes it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from service.conversion.process import find_soffice
from service.resources import resource_dir

FIX_COMMAND = "make install"
FIX_COMMAND_ALT = "sudo bash system/install.sh"
FONTCONFIG_NAME = "65-docgen-official-fonts.conf"
INSTALLED_FONTCONFIG = Path("/etc/fonts/conf.d") / FONTCONFIG_NAME
REPOSITORY_FONTCONFIG = resource_dir("fontconfig") / FONTCONFIG_NAME
_BOLD_WEIGHT = 200  # fontconfig FC_WEIGHT_BOLD

FANDOL = "Fandol 字体（由 system/install.sh 从 texlive-lang-chinese 中提取到 /usr/local/share/fonts/fandol）"
NOTO = "fonts-noto-cjk"
LIBERATION = "fonts-liberation2"
UKAI = "fonts-arphic-ukai"


@dataclass(frozen=True)
class FontRule:
    name: str
    """The font name documents use (Windows / 方正 names)."""
    expected: tuple[str, ...]
    """Acceptable families, preferred first."""
    role: str
    provider: str
    bold: bool = False


OFFICIAL_FONTS: tuple[FontRule, ...] = (
    FontRule("仿宋_GB2312", ("FandolFang",), "公文正文", FANDOL),
    FontRule("仿宋", ("FandolFang",), "公文正文", FANDOL),
    FontRule("FangSong", ("FandolFang",), "公文正文", FANDOL),
    FontRule("FangSong_GB2312", ("FandolFang",), "公文正文", FANDOL),
    FontRule("方正小标宋简体", ("Noto Serif CJK SC",), "标题、发文机关标志（粗体）", NOTO, bold=True),
    FontRule("方正小标宋_GBK", ("Noto Serif CJK SC",), "标题（粗体）", NOTO, bold=True),
    FontRule("小标宋", ("Noto Serif CJK SC",), "标题（粗体）", NOTO, bold=True),
    FontRule("黑体", ("Noto Sans CJK SC",), "一级标题、附件标识", NOTO),
    FontRule("SimHei", ("Noto Sans CJK SC",), "一级标题", NOTO),
    FontRule("楷体_GB2312", ("FandolKai", "AR PL UKai CN"), "二级标题", FANDOL),
    FontRule("楷体", ("FandolKai", "AR PL UKai CN"), "二级标题", FANDOL),
    FontRule("KaiTi", ("FandolKai", "AR PL UKai CN"), "二级标题", FANDOL),
    FontRule("KaiTi_GB2312", ("FandolKai", "AR PL UKai CN"), "二级标题", FANDOL),
    FontRule("宋体", ("Noto Serif CJK SC",), "页码、表格", NOTO),
    FontRule("SimSun", ("Noto Serif CJK SC",), "页码、表格", NOTO),
    FontRule("新宋体", ("Noto Serif CJK SC",), "表格", NOTO),
    FontRule("Times New Roman", ("Liberation Serif",), "西文与数字", LIBERATION),
    FontRule("Arial", ("Liberation Sans",), "西文与数字", LIBERATION),
)


@dataclass(frozen=True)
class FontResolution:
    rule: FontRule
    family: str | None
    style: str | None
    weight: int | None
    file: str | None

    @property
    def ok(self) -> bool:
        if self.family not in self.rule.expected:
            return False
        return not self.rule.bold or (self.weight or 0) >= _BOLD_WEIGHT

    @property
    def fallback(self) -> bool:
        """Acceptable but not the preferred family (楷体 drawn with AR PL UKai CN)."""
        return self.ok and self.family != self.rule.expected[0]


@dataclass(frozen=True)
class Problem:
    message: str
    fix: str


@dataclass
class DoctorReport:
    soffice_path: str | None
    libreoffice_version: str | None
    uno_available: bool
    fontconfig_available: bool
    fontconfig_installed: bool
    fontconfig_current: bool
    fonts: list[FontResolution] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def fc_match(name: str) -> tuple[str | None, str | None, int | None, str | None]:
    """(family, style, weight, file) that fontconfig picks for a font name."""
    fc = shutil.which("fc-match")
    if fc is None:
        return None, None, None, None
    try:
        result = subprocess.run(
            [fc, "-f", "%{family[0]}\t%{style[0]}\t%{weight}\t%{file}", name],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None, None, None, None
    parts = result.stdout.split("\t")
    if result.returncode != 0 or len(parts) != 4:
        return None, None, None, None
    family, style, weight, file = parts
    try:
        weight_value: int | None = int(float(weight))
    except ValueError:
        weight_value = None
    return family or None, style or None, weight_value, file or None


def libreoffice_version(soffice: Path) -> str | None:
    """ "LibreOffice 7.4.7.2 …" from `soffice.bin --version` (does not start an office)."""
    with tempfile.TemporaryDirectory(prefix="docgen-doctor-") as home:
        try:
            result = subprocess.run(
                [str(soffice), "--version"],
                capture_output=True,
                text=True,
                timeout=60,
                env={**os.environ, "HOME": home},
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
    line = result.stdout.strip().splitlines()[0] if result.stdout.strip() else ""
    return line or None


def _uno_available() -> bool:
    try:
        import uno  # noqa: F401
    except ImportError:
        return False
    return True


def run_doctor(soffice: str | None = None, installed_config: Path = INSTALLED_FONTCONFIG) -> DoctorReport:
    """Check LibreOffice, python3-uno, fontconfig and every official font name."""
    fix = f"{FIX_COMMAND}（或 {FIX_COMMAND_ALT}）"
    binary = find_soffice(soffice)
    version = libreoffice_version(binary) if binary else None
    report = DoctorReport(
        soffice_path=str(binary) if binary else None,
        libreoffice_version=version,
        uno_available=_uno_available(),
        fontconfig_available=shutil.which("fc-match") is not None,
        fontconfig_installed=installed_config.is_file(),
        fontconfig_current=(
            installed_config.is_file()
            and (
                not REPOSITORY_FONTCONFIG.is_file()
                or installed_config.read_bytes() == REPOSITORY_FONTCONFIG.read_bytes()
            )
        ),
    )
    if binary is None or version is None:
        report.problems.append(Problem("未找到可用的 LibreOffice（需要 libreoffice-writer-nogui）。", fix))
    if not report.uno_available:
        report.problems.append(
            Problem(
                "当前 Python 无法导入 uno（需要 Debian 的 python3-uno，且虚拟环境须以 --system-site-packages 创建）。",
                fix,
            )
        )
    if not report.fontconfig_available:
        report.problems.append(Problem("未找到 fc-match（需要 fontconfig 软件包）。", fix))
    if not report.fontconfig_installed:
        report.problems.append(Problem(f"未安装公文字体映射配置 {installed_config}。", fix))
    elif not report.fontconfig_current:
        report.problems.append(
            Problem(f"{installed_config} 与仓库中的 system/fontconfig/{FONTCONFIG_NAME} 不一致。", fix)
        )
    for rule in OFFICIAL_FONTS:
        resolution = FontResolution(rule, *fc_match(rule.name))
        report.fonts.append(resolution)
        if report.fontconfig_available and not resolution.ok:
            wanted = " 或 ".join(rule.expected) + ("（粗体）" if rule.bold else "")
            report.problems.append(
                Problem(
                    f"“{rule.name}”解析为 {resolution.family or '（无）'} {resolution.style or ''}，应为 {wanted}；"
                    f"缺少：{rule.provider}。",
                    fix,
                )
            )
    return report
