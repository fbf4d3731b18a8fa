"""The API's OpenAPI page (/docs) in the browser: served without any CDN, listing the endpoints; a screenshot for the README."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.appserver import SCREENSHOTS, Server

pytestmark = pytest.mark.e2e


def test_the_api_docs_page_shows_the_endpoints_offline(page: Page, server: Server):
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server.url) else None)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server.url + "/docs")
    expect(page.get_by_text("政策知识库助手 API").first).to_be_visible(timeout=30_000)
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/ask").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/v1/chat/completions").first).to_be_visible()
    assert outside == []  # nothing from a CDN: it works on an office network without internet
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "api-docs.png"))
