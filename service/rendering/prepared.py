"""Imported by the isolated render's fork server (`service.templates.sandbox`): every built-in form is prepared
and rendered once there with its sample, so each forked child starts warm. Otherwise every child would parse and
compile the Word templates of a 公文 and its attachments again and load what the first render loads lazily (the
word-segmentation dictionary of the cover lines: ~1 s of CPU), most of a small child's time."""

from __future__ import annotations

import json

from service.rendering.catalog import list_templates
from service.rendering.engine import TEMPLATES


def _warm() -> None:
    from service.rendering import render, validate

    for spec in list_templates():
        try:
            TEMPLATES.get(spec.docx_path)
            if spec.sample_path.is_file():
                render(spec.id, validate(spec.id, json.loads(spec.sample_path.read_text(encoding="utf-8"))))
        except Exception:  # only a warm-up: the child reports any real failure when it renders
            pass


_warm()
