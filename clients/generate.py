"""`make clients`: write clients/openapi.json from the application, then the Python client and TypeScript types.

The OpenAPI is the one a server with API keys serves (so the generated client knows the X-API-Key header).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from service.api.app import create_app
from service.api.settings import Settings

HERE = Path(__file__).resolve().parent


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        keys = Path(tmp) / "keys.json"
        keys.write_text('{"keys": []}', encoding="utf-8")
        settings = Settings(data_dir=Path(tmp), api_keys_file=keys, _env_file=None)
        schema = create_app(settings).openapi()
    text = json.dumps(schema, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (HERE / "openapi.json").write_text(text, encoding="utf-8")
    print(f"{HERE / 'openapi.json'}: {len(schema['paths'])} 个路径", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
