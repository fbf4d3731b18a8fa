"""Departments in Debian's chromium: one choice of knowledge base at the top of the page drives the chat, 党课素材,
文库与术语 and 自测, and the server checks it in every callback.

`python app.py` over an installation with the sample in `default` (全市共享, every user reads it), 组织部 (zzb) and
宣传部 (xcb), each with a document of its own uploaded through the HTTP API; alice edits 组织部, bob 宣传部.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.apiserver import PASSWORDS, App, departments_installation, running_app
from tests.e2e.appserver import CHROMIUM, SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TIMEOUT = 60_000
ZZB = (
    "组织部党员教育管理办法.txt",
    "组织部党员教育管理办法\n\n"
    "第一条 为加强党员教育管理，提高党员队伍素质，制定本办法。\n\n"
    "第二条 党支部应当严格落实“三会一课”制度。“三会一课”是指定期召开支部党员大会、支部委员会和党小组会，按时上好党课。\n\n"
    "第三条 党员每年参加集中学习培训的时间累计不少于32学时。\n\n"
    "第四条 新发展的党员应当在入党一年内参加岗前培训，培训时间不少于3天。\n\n"
    "第五条 党员教育管理工作由各级党组织负责，组织部门统筹协调。\n",
)
XCB = (
    "宣传部新闻发布工作规定.txt",
    "宣传部新闻发布工作规定\n\n"
    "第一条 为规范新闻发布工作，制定本规定。\n\n"
    "第二条 宣传工作要坚持“两个巩固”。“两个巩固”是指巩固马克思主义在意识形态领域的指导地位，巩固全党全国人民团结奋斗的共同思想基础。\n\n"
    "第三条 市政府新闻发布会每季度至少举行一次，由新闻发言人主持。\n\n"
    "第四条 突发公共事件发生后，应当在5小时内发布权威信息。\n",
)


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[App]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (make system-deps) to run the browser tests")
    work = tmp_path_factory.mktemp("departments-e2e")
    data, env, tokens = departments_installation(work)
    with running_app(work, env, data) as url:
        installation = App(url, data, work, env, tokens)
        for user, kb, (name, body) in (("alice", "zzb", ZZB), ("bob", "xcb", XCB)):
            with httpx.Client(base_url=url, headers=installation.headers(user), timeout=120) as c:
                r = c.post(f"/api/v1/kbs/{kb}/documents", files=[("files", (name, body.encode(), "text/plain"))])
                assert r.status_code == 202, r.text
                job = r.json()
                deadline = time.monotonic() + 300
                while job["status"] in ("queued", "running"):
                    assert time.monotonic() < deadline, job
                    time.sleep(0.5)
                    job = c.get(f"/api/v1/jobs/{job['id']}").json()
                assert job["status"] == "done", job
        yield installation


def login(page: Page, app: App, user: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 960})
    page.goto(app.url + "/")
    page.locator("input[data-testid=textbox]").fill(user)
    page.locator("input[type=password]").fill(PASSWORDS[user])
    page.get_by_role("button", name=re.compile("^(Login|登录)$")).click()
    expect(page.locator("#kb-question textarea")).to_be_visible(timeout=30_000)


def choose_kb(page: Page, name: str) -> None:
    """Pick a knowledge base in the chooser at the top of the page."""
    page.locator("#kb-choice input").click()
    page.get_by_role("option", name=name, exact=True).click()


def options(page: Page, elem_id: str, keep_open: bool = False) -> list[str]:
    """The labels a Gradio dropdown offers (opened, read, and closed unless `keep_open`)."""
    page.locator(f"#{elem_id} input").click()
    expect(page.get_by_role("option").first).to_be_visible(timeout=TIMEOUT)
    labels = page.get_by_role("option").all_inner_texts()
    if not keep_open:
        page.keyboard.press("Escape")
    return [label.split("\n")[-1].strip() for label in labels]  # the chosen one carries a "✓" line


def audit(app: App, **params: Any) -> set[tuple[str, str, str, str]]:
    with httpx.Client(base_url=app.url, headers=app.headers("admin"), timeout=60) as c:
        events = c.get("/api/v1/audit", params=params).json()
    return {(e["actor"], e["action"], e["kb"], e["channel"]) for e in events}


def test_the_chooser_offers_only_the_knowledge_bases_a_person_may_read(page: Page, app: App):
    login(page, app, "alice")
    chooser = page.locator("#kb-choice")
    expect(chooser).to_be_visible(timeout=TIMEOUT)
    expect(chooser.locator("input")).to_have_value("全市共享")
    labels = options(page, "kb-choice")
    assert "组织部" in labels and "全市共享" in labels and "宣传部" not in labels


def test_a_department_user_builds_a_pack_from_their_departments_documents_and_never_sees_anothers(page: Page, app: App):
    login(page, app, "alice")
    choose_kb(page, "组织部")
    page.get_by_role("tab", name="党课素材").click()
    expect(page.locator("#pack-docs")).to_be_visible()
    docs = options(page, "pack-docs")
    assert any("组织部党员教育管理办法" in d for d in docs), docs
    assert not any("宣传部" in d or "株洲" in d or "动力党建" in d for d in docs), docs
    page.locator("#pack-topic textarea").fill("党员教育培训")
    page.locator("#pack-generate").click()
    view = page.locator("#pack-view")
    expect(view).to_contain_text("组织部党员教育管理办法", timeout=TIMEOUT)
    expect(view).not_to_contain_text("宣传部")
    expect(view).not_to_contain_text("株洲")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "department-pack.png"), full_page=True)
    # Back to the shared knowledge base: the pack of 组织部 goes, the document list is the shared one.
    choose_kb(page, "全市共享")
    expect(view).to_have_text("", timeout=TIMEOUT)
    docs = options(page, "pack-docs")
    assert docs and not any("组织部" in d for d in docs), docs
    assert ("alice", "pack", "zzb", "web") in audit(app, actor="alice", action="pack")


def test_the_glossary_and_library_are_the_chosen_departments_and_only_its_editors_change_it(page: Page, app: App):
    login(page, app, "alice")
    choose_kb(page, "组织部")
    page.get_by_role("tab", name="文库与术语").click()
    table = page.locator("#glossary-table")
    expect(table).to_contain_text("三会一课", timeout=TIMEOUT)
    expect(table).not_to_contain_text("两个巩固")  # 宣传部's
    expect(table).not_to_contain_text("三高四新")  # the shared sample's
    docs = options(page, "library-doc", keep_open=True)
    assert any("组织部党员教育管理办法" in d for d in docs) and not any("宣传部" in d for d in docs), docs
    page.get_by_role("option", name=re.compile("组织部党员教育管理办法")).first.click()
    expect(page.locator("#library-text")).to_contain_text("为加强党员教育管理", timeout=TIMEOUT)
    # alice edits 组织部 (editor): her term is saved there, and audited there.
    page.locator("#glossary-edit").get_by_text("编辑术语表").click()
    page.locator("#glossary-edit-term textarea, #glossary-edit-term input").first.fill("岗前培训")
    page.locator("#glossary-edit-quote textarea, #glossary-edit-quote input").first.fill(
        "新发展的党员应当在入党一年内参加岗前培训，培训时间不少于3天。"
    )
    page.locator("#glossary-save").click()
    expect(page.locator("#glossary-status")).to_contain_text("已保存", timeout=TIMEOUT)
    expect(table).to_contain_text("岗前培训")
    page.screenshot(path=str(SCREENSHOTS / "department-glossary.png"), full_page=True)
    # In the shared knowledge base she only reads: no editing, and none of 组织部's terms.
    choose_kb(page, "全市共享")
    expect(table).to_contain_text("三高四新", timeout=TIMEOUT)
    expect(table).not_to_contain_text("岗前培训")
    expect(page.locator("#glossary-edit")).to_be_hidden()
    assert ("alice", "glossary.save", "zzb", "web") in audit(app, actor="alice", action="glossary.save")


def test_a_self_test_asks_from_the_chosen_departments_documents(page: Page, app: App):
    login(page, app, "alice")
    choose_kb(page, "组织部")
    page.get_by_role("tab", name="自测").click()
    docs = options(page, "quiz-docs")
    assert docs and all("组织部" in d for d in docs), docs
    page.locator("#quiz-start").click()
    expect(page.locator("#quiz-question")).to_contain_text("第 1/", timeout=TIMEOUT)
    # The header names the kind; the radio or text box may render a moment after it, so wait for the one named.
    if "选择题" in page.locator("#quiz-question strong").inner_text():
        page.locator("#quiz-choice label").first.click(timeout=TIMEOUT)
    else:
        page.locator("#quiz-blank textarea, #quiz-blank input").first.fill("培训", timeout=TIMEOUT)
    page.locator("#quiz-submit").click()
    feedback = page.locator("#quiz-feedback")
    expect(feedback).to_contain_text("组织部党员教育管理办法", timeout=TIMEOUT)
    expect(feedback).not_to_contain_text("宣传部")


def test_choosing_a_department_one_may_not_read_is_refused_audited_and_undone(page: Page, app: App):
    login(page, app, "alice")
    choose_kb(page, "组织部")
    # Typed in, since the chooser never offers 宣传部 to alice.
    field = page.locator("#kb-choice input")
    field.click()
    field.fill("xcb")
    field.press("Enter")
    expect(page.get_by_text("alice 无权读取知识库 xcb").first).to_be_visible(timeout=TIMEOUT)
    page.locator("#kb-user").click()  # leave the field: it shows the knowledge base the page still works on
    expect(field).to_have_value("组织部", timeout=TIMEOUT)
    assert ("alice", "denied", "xcb", "web") in audit(app, actor="alice", action="denied")


def test_the_page_endpoints_check_the_knowledge_base_on_the_server(app: App):
    from gradio_client import Client

    alice = Client(app.url + "/", auth=("alice", PASSWORDS["alice"]), verbose=False)
    with pytest.raises(Exception, match="无权读取知识库 xcb"):
        alice.predict("新闻发布", [], "xcb", api_name="/make_pack")
    with pytest.raises(Exception, match="无权读取知识库 xcb"):
        alice.predict([], 5, "xcb", api_name="/start_quiz")
    with pytest.raises(Exception, match="无权修改知识库 default"):
        alice.predict("动力党建", "", "", "", "default", api_name="/save_term")
    out = alice.predict("三会", "zzb", api_name="/search_glossary")
    assert "三会一课" in str(out[0])
    seen = audit(app, actor="alice", action="denied")
    assert ("alice", "denied", "xcb", "web") in seen and ("alice", "denied", "default", "web") in seen


def test_a_grant_revoked_while_the_page_is_open_is_refused_at_the_next_call(app: App):
    from gradio_client import Client

    alice = Client(app.url + "/", auth=("alice", PASSWORDS["alice"]), verbose=False)
    assert "三会一课" in str(alice.predict("三会", "zzb", api_name="/search_glossary")[0])
    with httpx.Client(base_url=app.url, headers=app.headers("admin"), timeout=60) as c:
        assert c.delete("/api/v1/kbs/zzb/members/alice").json() == {"revoked": True}
        try:
            # The same session, which chose 组织部 a moment ago: the server asks again and refuses.
            with pytest.raises(Exception, match="无权读取知识库 zzb"):
                alice.predict("三会", "zzb", api_name="/search_glossary")
        finally:
            assert c.put("/api/v1/kbs/zzb/members/alice", json={"role": "editor"}).status_code == 200
