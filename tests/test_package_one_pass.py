"""One LibreOffice pass for the 申请书 when its page count is predicted (issue 18), read back from the package.

A counting converter records which documents were converted: the 申请书 is recognised by the title passed
with it. The 附件清单 page ranges are read from the text of the merged PDF and compared with the numbers stamped
on the attachments' pages, so a wrong prediction that was not corrected would fail here.
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Hashable
from pathlib import Path

import pytest
from pypdf import PdfReader

from service.conversion import PdfOptions
from service.packaging import Attachment, Package, assemble_package
from service.packaging.listing import PagePredictor
from service.packaging.merge import SECTION_TITLES
from service.rendering import get_template

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
STAMP = re.compile(r"— (\d+) —")
TEMPLATE = "park_application"


class CountingConverter:
    """Hands conversions to the real pool and counts those of the 申请书 (the ones titled like the template)."""

    def __init__(self, pool, title: str) -> None:
        self.pool = pool
        self.title = title
        self.application = 0
        self._lock = threading.Lock()

    @property
    def capacity(self) -> int:
        return self.pool.capacity

    def convert(self, docx: bytes, options: PdfOptions | None = None) -> bytes:
        if options is not None and options.title == self.title:
            with self._lock:
                self.application += 1
        return self.pool.convert(docx, options)


class WrongApplicationCount(PagePredictor):
    """Remembers like the real predictor but predicts one page too many for the 申请书."""

    def get(self, key: Hashable) -> tuple[int, int] | None:
        value = super().get(key)
        if value is not None and isinstance(key, tuple) and key[0] in ("application", "template"):
            return value[0] + 1, value[1]
        return value


def payload() -> dict:
    return json.loads((SAMPLES / f"{TEMPLATE}.json").read_text(encoding="utf-8"))


def attachments() -> list[Attachment]:
    park_dir = SAMPLES / "attachments" / "park"
    return [
        Attachment.from_path(park_dir / "1" / "01_示范基地空间布局平面图.png", 1),
        Attachment.from_path(park_dir / "5" / "融资情况证明材料.pdf", 5),
        Attachment.from_path(park_dir / "7" / "节能环保与安全生产达标说明.docx", 7),
    ]


def build(converter, predictor: PagePredictor | None, data: dict | None = None) -> tuple[Package, int]:
    counting = CountingConverter(converter, get_template(TEMPLATE).title)
    package = assemble_package(TEMPLATE, data or payload(), attachments(), converter=counting, predictor=predictor)
    return package, counting.application


def other_candidate() -> dict:
    """Another candidate of the same kind: another applicant of the same length, the same layout."""
    data = payload()
    data["cover"]["applicant"] = data["cover"]["applicant"].replace("南岭", "北岭")
    assert data != payload()
    return data


def listed_ranges(package: Package) -> list[tuple[str, int, int]]:
    """(title, first, last) as printed in 三、附件清单 of the merged PDF."""
    r = PdfReader(io.BytesIO(package.merged_pdf))
    pages = {}
    for item in r.outline:
        if isinstance(item, list):
            for child in item:
                if not isinstance(child, list) and child.title in SECTION_TITLES:
                    pages[child.title] = r.get_destination_page_number(child)
    first, last = pages["三、附件清单"], pages["四、推荐单位意见"]
    text = "".join(STAMP.sub("", r.pages[i].extract_text()) for i in range(first, last + 1)).replace("\n", "")
    found = re.findall(r"（\d+）([^（）]+?)（第 (\d+)(?:–(\d+))?\s*页）", text)
    return [(title, int(a), int(b or a)) for title, a, b in found]


def assert_ranges_match_the_stamps(package: Package) -> None:
    r = PdfReader(io.BytesIO(package.merged_pdf))
    ranges = listed_ranges(package)
    assert len(ranges) == len(package.parts) - 1
    for (title, first, last), part in zip(ranges, package.parts[1:], strict=True):
        assert title == part.title
        assert last - first + 1 == part.pages
        assert STAMP.search(r.pages[part.first_index].extract_text()).group(1) == str(first)
        assert STAMP.search(r.pages[part.first_index + part.pages - 1].extract_text()).group(1) == str(last)


@pytest.fixture(scope="module")
def cold(converter) -> tuple[Package, int, PagePredictor]:
    predictor = PagePredictor()
    package, conversions = build(converter, predictor)
    return package, conversions, predictor


def test_without_a_prediction_the_application_takes_two_passes(cold):
    package, conversions, _ = cold
    assert conversions == 2
    assert package.timings["application_passes"] == 2
    assert_ranges_match_the_stamps(package)


def test_a_right_prediction_converts_the_application_once_and_gives_the_same_bytes(cold, converter):
    first, _, predictor = cold
    again, conversions = build(converter, predictor)
    assert conversions == 1
    assert again.timings["application_passes"] == 1
    assert again.application_docx == first.application_docx
    assert again.merged_pdf == first.merged_pdf
    assert again.bundle_zip == first.bundle_zip
    assert_ranges_match_the_stamps(again)


def test_a_known_application_with_an_unknown_docx_attachment_still_takes_one_pass(cold, converter):
    first, _, learnt = cold
    predictor = PagePredictor()
    for key in list(learnt._entries):
        if key[0] == "application":
            predictor.put(key, learnt.get(key))
    again, conversions = build(converter, predictor)
    assert conversions == 1
    assert again.merged_pdf == first.merged_pdf


def test_a_wrong_prediction_is_caught_and_corrected_by_a_second_pass(cold, converter):
    first, _, learnt = cold
    wrong = WrongApplicationCount()
    for key in list(learnt._entries):
        wrong.put(key, learnt.get(key))
    package, conversions = build(converter, wrong)
    assert conversions == 2
    assert package.timings["application_passes"] == 2
    assert_ranges_match_the_stamps(package)
    # The wrong guess shifted every reference by one; the corrected package is the right one.
    assert listed_ranges(package) == listed_ranges(first)
    assert package.merged_pdf == first.merged_pdf


def test_the_payload_changes_the_prediction_key(cold):
    _, _, learnt = cold
    spec = get_template(TEMPLATE)
    keys = [
        PagePredictor.application_key(spec.id, spec.version, "{}", False, []),
        PagePredictor.application_key(spec.id, spec.version, '{"a":1}', False, []),
        PagePredictor.application_key(spec.id, spec.version, "{}", True, []),
    ]
    assert len(set(keys)) == 3
    assert all(learnt.get(key) is None for key in keys)


def test_another_candidate_of_the_template_is_guessed_from_the_last_count(cold, converter):
    first, _, learnt = cold
    package, conversions = build(converter, learnt, other_candidate())
    assert conversions == 1
    assert package.pages == first.pages
    assert_ranges_match_the_stamps(package)


def test_a_wrong_guess_for_another_candidate_costs_one_more_pass_and_is_corrected(cold, converter):
    _, _, learnt = cold
    wrong = WrongApplicationCount()
    for key in list(learnt._entries):
        if key[0] == "template":
            wrong.put(key, learnt.get(key))
    package, conversions = build(converter, wrong, other_candidate())
    assert conversions == 2
    assert_ranges_match_the_stamps(package)
