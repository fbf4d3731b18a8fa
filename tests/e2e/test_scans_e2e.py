"""An admin uploads a scanned PDF (no text layer) in chromium; a question is answered from its OCR text, the
citation says OCR and the page, the library shows the document's authority metadata, and the chat can be
limited to documents in force."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ingest.scans import cjk_font_path, images_to_pdf, render_pages
from tests.e2e.appserver import ADMIN, Server
from tests.e2e.test_app import ask, last_answer, login, shot
from tests.system.test_ocr import tiaoli_paragraphs

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(cjk_font_path() is None, reason="needs fonts-noto-cjk (make system-deps)"),
]

OCR_TIMEOUT = 300_000  # two pages of OCR and their embeddings on a busy 2-core machine


def test_a_scanned_pdf_uploaded_by_an_admin_answers_questions_from_its_ocr_text(page: Page, server: Server):
    scan = server.workdir / "处分条例扫描件.pdf"
    scan.write_bytes(images_to_pdf([p.image for p in render_pages(tiaoli_paragraphs(), dpi=200)]))
    login(page, server, ADMIN)
    page.get_by_role("tab", name="知识库管理").click()
    page.locator("#kb-upload input[type=file]").set_input_files(str(scan))
    expect(page.locator("#kb-upload")).to_contain_text("处分条例扫描件", timeout=20_000)
    page.locator("#kb-upload-btn").click()
    expect(page.locator("#kb-upload-log")).to_contain_text("✓ 处分条例扫描件.pdf：新增", timeout=OCR_TIMEOUT)
    expect(page.locator("#kb-docs")).to_contain_text("国务院令第495号")

    page.get_by_role("tab", name="问答").click()
    expect(page.locator("#kb-in-force input")).to_be_checked()
    ask(page, "行政机关公务员受记过处分的期间是多长？")
    answer = last_answer(page)
    expect(answer).to_contain_text("12个月")
    card = answer.locator(".kb-source").first
    expect(card.locator(".kb-meta")).to_contain_text("处分条例扫描件.pdf")
    expect(card.locator(".kb-meta")).to_contain_text(re.compile(r"第\d页（OCR识别）"))
    expect(card.locator(".kb-authority")).to_contain_text("行政法规")
    expect(card.locator(".kb-authority")).to_contain_text("OCR识别")
    shot(page, "chat-ocr-answer")

    # Outdated versions can be let in on purpose; the status line says so.
    page.locator("#kb-in-force input").uncheck()
    ask(page, "行政机关公务员处分的种类有哪些？")
    expect(page.locator("#kb-status")).to_contain_text("包括已修订、已废止的版本")
    page.locator("#kb-in-force input").check()

    page.get_by_role("tab", name="文库与术语").click()
    page.locator("#library-doc input").click()
    page.get_by_role("option", name=re.compile("处分条例扫描件")).first.click()
    meta = page.locator("#library-meta")
    expect(meta).to_contain_text("发文机关", timeout=30_000)
    expect(meta).to_contain_text("国务院令第495号")
    expect(meta).to_contain_text("2007年4月22日")
    expect(meta).to_contain_text("OCR识别")
    shot(page, "library-authority")
