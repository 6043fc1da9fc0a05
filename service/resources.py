"""Where the service finds the files it ships: Word templates, payload schemas, samples, the fontconfig mapping.

In the repository they stay where people edit them (word_templates/, payload_schemas/, samples/,
system/fontconfig/). A built wheel carries copies inside the package, under service/_builtin/<name>/
(setup.py maps those folders there), so an installed service needs no checkout. `resource_dir` is the one
place that knows both layouts.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Literal

ResourceName = Literal["word_templates", "payload_schemas", "samples", "fontconfig"]

BUILTIN_PACKAGE = "_builtin"
"""Folder inside the installed `service` package that holds the copies."""

REPOSITORY_FOLDERS: dict[str, str] = {
    "word_templates": "word_templates",
    "payload_schemas": "payload_schemas",
    "samples": "samples",
    "fontconfig": "system/fontconfig",
}
"""Each resource's folder relative to the repository root (setup.py maps the same folders)."""


def resource_dir(name: ResourceName) -> Path:
    """The folder holding resource `name`: the installed copy if there is one, else the repository's folder."""
    package = Path(str(files("service")))
    installed = package / BUILTIN_PACKAGE / name
    if installed.is_dir():
        return installed
    # An editable install or a checkout on sys.path: the package sits at the repository root.
    return package.parent / REPOSITORY_FOLDERS[name]
