"""`python -m word_templates.build`: rebuild every committed Word template under word_templates/.

Which templates exist and which function builds each is the catalog's (`TemplateSpec.builder` in
service/rendering/catalog.py): to add a template, add its spec there with a builder in this package.
"""

from __future__ import annotations

from service.rendering.catalog import list_templates
from word_templates.build.kit import TEMPLATES_DIR


def main() -> None:
    for spec in list_templates():
        spec.build(TEMPLATES_DIR / spec.docx_file)
        print(f"写入 word_templates/{spec.docx_file}")


if __name__ == "__main__":
    main()
