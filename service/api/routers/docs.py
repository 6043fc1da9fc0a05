"""/docs served from files shipped with the service: government networks often have no internet access,
and FastAPI's default page loads Swagger UI from a CDN."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_PREFIX = "/static"

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="docgen API 文档",
        swagger_js_url=f"{STATIC_PREFIX}/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url=f"{STATIC_PREFIX}/swagger-ui/swagger-ui.css",
        swagger_favicon_url="data:,",
    )


def static_files() -> StaticFiles:
    return StaticFiles(directory=STATIC_DIR)
