"""The 访问与审计 tab and the Gradio API as a client sees it: meaningful endpoint names, a token made in the
browser that works on the HTTP API, the audit log filtered and exported, /respond without history."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.appserver import ADMIN, SCREENSHOTS, USER, Server
from tests.e2e.test_app import login

pytestmark = pytest.mark.e2e


def test_the_gradio_api_names_its_endpoints_and_hides_the_internal_ones(server: Server):
    from gradio_client import Client

    info = Client(server.url + "/", auth=ADMIN, verbose=False).view_api(return_format="dict", print_info=False)
    names = set(info["named_endpoints"])
    for expected in ("/respond", "/upload_documents", "/delete_document", "/reindex_document", "/make_pack"):
        assert expected in names
    assert not [n for n in names if re.match(r"^/(lambda|on_|_)", n)], names
    assert not info["unnamed_endpoints"]


def test_respond_without_history_starts_a_new_conversation_each_time(server: Server):
    from gradio_client import Client

    from kb.accounts.db import open_db
    from kb.accounts.history import HistoryStore
    from kb.settings import Settings

    client = Client(server.url + "/", auth=USER, verbose=False)
    history = HistoryStore(open_db(Settings(data_dir=server.data_dir)))
    before = len(history.conversations(USER[0]))
    client.predict("动力党建·合力攻坚工程是什么？", api_name="/respond")
    client.predict("株洲市城管系统有多少名党员干部奋战一线？", api_name="/respond")
    convs = history.conversations(USER[0])
    assert len(convs) == before + 2
    assert all(len(history.turns(USER[0], c.id)) == 1 for c in convs[:2])


def test_an_extractive_answer_reaches_the_page_in_two_updates(server: Server):
    # The question at once, then the whole answer: an answer ready at once is not sent sentence by sentence
    # (settings.app.stream_interval_s), since each update costs the server a round of Gradio's processing.
    from gradio_client import Client

    job = Client(server.url + "/", auth=USER, verbose=False).submit(
        "动力党建·合力攻坚工程是什么？", api_name="/respond"
    )
    final = job.result(timeout=120)
    updates = job.outputs()
    assert len(updates) == 2
    assert updates[0][0][-1]["content"] != final[0][-1]["content"]
    assert "[1]" in str(final[0][-1]["content"])


def test_an_admin_makes_a_token_in_the_browser_that_works_on_the_api_and_the_log_shows_it(page: Page, server: Server):
    login(page, server, ADMIN)
    page.get_by_role("tab", name="访问与审计").click()
    user_choice = page.locator("#kb-token-user input")
    user_choice.click()
    user_choice.fill(USER[0])
    page.get_by_role("option", name=USER[0], exact=True).click()
    page.locator("#kb-token-make").click()
    secret = page.locator("#kb-token-secret textarea, #kb-token-secret input").first
    expect(secret).to_have_value(re.compile(r"^kb_"), timeout=30_000)
    token = secret.input_value()
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as c:
        assert c.get("/api/v1/me").json()["name"] == USER[0]
        assert c.post("/api/v1/ask", json={"question": "动力党建·合力攻坚工程是什么？"}).status_code == 200
    page.locator("#kb-audit-search").click()
    table = page.locator("#kb-audit")
    expect(table).to_contain_text("生成令牌", timeout=30_000)
    expect(table).to_contain_text("登录")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "access-audit.png"), full_page=True)
    with page.expect_download() as dl:
        page.locator("#kb-audit-export").click()
    rows = list(csv.DictReader(io.StringIO(open(dl.value.path(), encoding="utf-8-sig").read())))
    assert any(r["action"] == "token.create" and r["target"] == USER[0] and r["actor"] == ADMIN[0] for r in rows)
    assert any(r["action"] == "ask" and r["actor"] == USER[0] and r["channel"] == "api" for r in rows)
    assert any(r["action"] == "login" and r["actor"] == ADMIN[0] and r["source"] == "127.0.0.1" for r in rows)


def test_a_normal_user_never_sees_the_access_tab(page: Page, server: Server):
    login(page, server, USER)
    expect(page.get_by_role("tab", name="问答")).to_be_visible()
    expect(page.get_by_role("tab", name="访问与审计")).to_have_count(0)
