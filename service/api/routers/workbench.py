"""申报工作台: the browser workbench at `/`, a client of the public API (no server logic of its own).

The page and its ES modules live in `static/workbench/` and load nothing from outside the service
(offline networks): no CDN, no web font, no build step.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

WORKBENCH_DIR = Path(__file__).resolve().parent.parent / "static" / "workbench"

router = APIRouter(include_in_schema=False)


@router.get("/")
def workbench_page() -> HTMLResponse:
    # no-cache: the page names its modules by path, so a deployment must not keep an old page.
    html = (WORKBENCH_DIR / "index.html").read_text(encoding="utf-8")
    return HTMLResponse(html, headers={"Cache-Control": "no-cache"})
