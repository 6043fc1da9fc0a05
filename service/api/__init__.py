"""The HTTP API (FastAPI).

    from service.api.app import create_app        # create_app(settings: Settings | None = None) -> FastAPI
    from service.api.settings import Settings     # DOCGEN_* environment variables, settings file, .env

`docgen serve` runs it (service/cli/serve.py); `python -m service.api.settings` prints the settings table.
"""
