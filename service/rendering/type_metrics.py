"""Measured metrics of the 公文's faces as LibreOffice sets them: where the ink of a character lies in its line.

Shared by the 公文 composer and the 信函格式 first page, which both place elements by the characters' printed
edges (GB/T 9704 measures positions on paper).
"""

from __future__ import annotations

# CJK fonts draw a character in an em box from 0.88 em above to 0.12 em below the baseline (FandolFang, Noto CJK);
# the edges of that box are the characters' edges (the ink of 广 or 号 reaches within a few tenths of a mm of
# them). The character box of a PDF (pdfplumber's top/bottom) runs from 1 em above the baseline to the baseline,
# so the printed characters start 0.12 em below its top.
EM_BELOW_BASELINE = 0.12
# LibreOffice sets 小标宋 (Noto Serif CJK Bold) in an exact line of its own size with its character box 2.8 mm
# above the line's top at 初号 (measured on the PDF): 0.189 em; the em box, and the ink, start 0.12 em lower.
MARK_BOX_ABOVE_LINE_EM = 159 / 840
MARK_EM_ABOVE_LINE_EM = MARK_BOX_ABOVE_LINE_EM - EM_BELOW_BASELINE
