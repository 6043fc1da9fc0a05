"""The HTTP API (FastAPI): `create_app(settings)`; `docgen serve` runs it (see cli_serve)."""

from service.api.app import create_app
from service.api.settings import Settings, load_settings

__all__ = ["Settings", "create_app", "load_settings"]
