"""`python -m word_templates.build`: rebuild every committed Word template under word_templates/.

To add a template, add one line to BUILDERS: (output file name, function that writes it to a path).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from word_templates.build import enterprise, meeting, official_document, park, summaries
from word_templates.build.kit import TEMPLATES_DIR

BUILDERS: list[tuple[str, Callable[[Path], None]]] = [
    ("park_application.docx", park.build),
    ("enterprise_application.docx", enterprise.build),
    ("city_recommendation_summary.docx", summaries.build_city),
    ("province_recommendation_summary.docx", summaries.build_province),
    ("meeting_rsvp.docx", meeting.build),
    ("official_document.docx", official_document.build),
]


def main() -> None:
    for name, build in BUILDERS:
        build(TEMPLATES_DIR / name)
        print(f"写入 word_templates/{name}")


if __name__ == "__main__":
    main()
