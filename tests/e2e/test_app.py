"""A person using the app in chromium: cadres ask and follow up, an admin manages documents, a user cannot.

Each test logs in through Gradio's login page of a real `python app.py`
(see conftest.py) and reads what the browser shows.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.appserver import ADMIN, SCREENSHOTS, USER, Server

pytestmark = pytest.mark.e2e

ANSWER_TIMEOUT = 60_000


def login(page: Page, server: Server, who: tuple[str, str]) -> None:
    page.set_viewport_size({"width": 1280, "height": 960})
    page.goto(server.url + "/")
    page.locator("input[data-testid=textbox]").fill(who[0])
    page.locator("input[type=password]").fill(who[1])
    page.get_by_role("button", name=re.compile("^(Login|登录)$")).click()
    expect(page.locator("#kb-question textarea")).to_be_visible(timeout=30_000)
    expect(page.locator("#kb-user")).to_contain_text(who[0])


def ask(page: Page, question: str) -> None:
    """Type a question, submit it, and wait until the answer (sources or refusal) is complete."""
    bots = page.locator("#kb-chat [data-testid=bot]")
    before = bots.count()
    page.locator("#kb-question textarea").fill(question)
    page.locator("#kb-question textarea").press("Enter")
    expect(bots).to_have_count(before + 1, timeout=ANSWER_TIMEOUT)
    expect(bots.last.locator(".kb-sources, .kb-refusal")).to_have_count(1, timeout=ANSWER_TIMEOUT)


def last_answer(page: Page):
    return page.locator("#kb-chat [data-testid=bot]").last


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_question_gets_a_cited_answer_with_the_quote_highlighted_and_its_context(page: Page, server: Server):
    login(page, server, USER)
    ask(page, "动力党建·合力攻坚工程是谁提出的？")
    answer = last_answer(page)
    expect(answer).to_contain_text("市直机关工委提出")
    expect(answer.locator("sup").first).to_have_text("[1]")
    card = answer.locator(".kb-source").first
    expect(card).to_contain_text("[1] 《")
    expect(card.locator(".kb-meta")).to_contain_text("动力党建合力攻坚_株洲市直机关.txt")
    expect(card.locator("blockquote mark")).to_contain_text("市直机关工委提出")
    # The surrounding original text opens on a click.
    around = card.locator("details .kb-around").first
    expect(around).to_be_hidden()
    card.locator("summary").click()
    expect(around).to_be_visible()
    shot(page, "chat-answer")


def test_a_follow_up_is_understood_from_the_conversation_and_shows_how(page: Page, server: Server):
    login(page, server, USER)
    ask(page, "株洲市直机关实施了什么工程？")
    ask(page, "这个工程是谁提出的？")
    answer = last_answer(page)
    expect(answer.locator(".kb-rewritten")).to_contain_text("按上下文理解为：“动力党建·合力攻坚”工程是谁提出的？")
    expect(answer.locator(".kb-source").first).to_be_visible()
    answer.locator(".kb-rewritten").scroll_into_view_if_needed()
    shot(page, "chat-follow-up")


def test_a_question_the_knowledge_base_cannot_answer_is_refused_with_related_passages(page: Page, server: Server):
    login(page, server, USER)
    ask(page, "个人所得税的起征点是多少？")
    answer = last_answer(page)
    expect(answer.locator(".kb-refusal")).to_contain_text("知识库中没有找到")
    expect(answer.locator(".kb-sources")).to_have_count(0)
    expect(answer.locator("sup")).to_have_count(0)
    if answer.locator(".kb-related").count():
        expect(answer.locator(".kb-related")).to_contain_text("相关内容")
    shot(page, "chat-refusal")


def test_a_refusal_says_why_when_the_page_only_mentions_the_term_asked_about(page: Page, server: Server):
    # The newspaper page names 三高四新 again and again and never says what it stands for.
    login(page, server, USER)
    ask(page, "“三高四新”具体是指什么？")
    answer = last_answer(page)
    expect(answer.locator(".kb-refusal")).to_contain_text("知识库中没有找到")
    expect(answer.locator(".kb-reason")).to_have_text("最相关的段落提到了“三高四新”，但没有说明它具体指什么。")
    expect(answer.locator(".kb-sources")).to_have_count(0)
    shot(page, "chat-refusal-reason")


def test_feedback_history_and_markdown_export_belong_to_the_user(page: Page, server: Server, browser):
    login(page, server, USER)
    # The export is made when asked for: with nothing asked yet there is nothing to download.
    page.get_by_role("button", name="导出为 Markdown").click()
    expect(page.locator("#kb-status")).to_contain_text("还没有可导出的对话")
    ask(page, "株洲市城管系统有多少名党员干部奋战一线？")
    answer = last_answer(page)
    answer.hover()
    page.locator("#kb-chat button[aria-label='赞']").last.click()  # Gradio's zh-CN label of Like
    expect(page.locator("#kb-status")).to_contain_text("已记录赞")
    page.locator("#kb-comment textarea").fill("引用准确")
    page.get_by_role("button", name="提交意见").click()
    expect(page.locator("#kb-status")).to_contain_text("意见已保存")
    with page.expect_download() as dl:
        page.get_by_role("button", name="导出为 Markdown").click()
    exported = Path(dl.value.path()).read_text(encoding="utf-8")
    assert exported.startswith("# 株洲市城管系统有多少名党员干部奋战一线")
    assert "## 问：株洲市城管系统有多少名党员干部奋战一线？" in exported and "[1] 《" in exported
    assert "反馈：👍 引用准确" in exported
    expect(page.locator("#kb-history")).to_contain_text("株洲市城管系统有多少名党员干部奋战一线")
    # Exported again after a further answer: the file holds both.
    ask(page, "动力党建·合力攻坚工程是什么？")
    with page.expect_download() as dl:
        page.get_by_role("button", name="导出为 Markdown").click()
    exported = Path(dl.value.path()).read_text(encoding="utf-8")
    assert (
        "## 问：株洲市城管系统有多少名党员干部奋战一线？" in exported
        and "## 问：动力党建·合力攻坚工程是什么？" in exported
    )
    # A new conversation goes to the top of the list; asked again, the older one moves back above it.
    page.get_by_role("button", name="＋ 新对话").click()
    expect(page.locator("#kb-chat [data-testid=bot]")).to_have_count(0)
    ask(page, "红星街道多久组织一次消防演练？")
    listed = page.locator("#kb-history label")
    expect(listed.first).to_contain_text("红星街道多久组织一次消防演练")
    listed.filter(has_text="株洲市城管系统").first.click()
    expect(page.locator("#kb-chat [data-testid=bot]")).to_have_count(2)
    ask(page, "株洲市城管系统的党员干部在做什么？")
    expect(listed.first).to_contain_text("株洲市城管系统有多少名党员干部奋战一线")

    other = browser.new_page()
    login(other, server, ADMIN)
    expect(other.locator("#kb-history")).not_to_contain_text("株洲市城管系统有多少名党员干部奋战一线")
    other.close()


def test_a_hostile_document_renders_as_inert_text(page: Page, server: Server):
    login(page, server, USER)
    page.evaluate("window.__pwned = 0")
    ask(page, "红星街道多久组织一次消防演练？")
    answer = last_answer(page)
    expect(answer.locator(".kb-source").first).to_contain_text("<script>window.__pwned = 1</script>")
    expect(answer.locator(".kb-source").first).to_contain_text('<img src=x onerror="window.__pwned = 2">')
    assert answer.locator("script, img").count() == 0
    time.sleep(0.5)
    assert page.evaluate("window.__pwned") == 0
    shot(page, "chat-hostile-document")


def test_a_normal_user_sees_no_admin_tab_and_the_server_refuses_admin_calls(page: Page, server: Server):
    login(page, server, USER)
    expect(page.get_by_role("tab", name="问答")).to_be_visible()
    expect(page.get_by_role("tab", name="知识库管理")).to_have_count(0)
    expect(page.locator("#kb-docs")).to_have_count(0)

    from gradio_client import Client, handle_file

    client = Client(server.url + "/", auth=USER, verbose=False)
    with pytest.raises(Exception, match="只有管理员可以修改知识库"):
        client.predict(api_name="/list_documents")
    stray = server.workdir / "stray.txt"
    stray.write_text("普通用户不能上传文件。", encoding="utf-8")
    with pytest.raises(Exception, match="只有管理员可以修改知识库"):
        client.predict([handle_file(str(stray))], api_name="/upload_documents")


def make_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("白沙村村民议事会议事规则", level=1)
    d.add_paragraph("第一条　为规范村民议事，制定本规则。")
    d.add_paragraph("第二条　白沙村村民议事会每月召开一次全体会议，由村党支部书记主持。")
    d.add_paragraph("第三条　本规则自发布之日起施行。")
    d.save(str(path))
    return path


def test_an_admin_uploads_a_docx_asks_about_it_deletes_it_and_then_gets_a_refusal(page: Page, server: Server):
    docx_path = make_docx(server.workdir / "白沙村议事规则.docx")
    question = "白沙村村民议事会多久召开一次？"
    login(page, server, ADMIN)
    page.get_by_role("tab", name="知识库管理").click()
    expect(page.locator("#kb-docs")).to_contain_text("动力党建合力攻坚_株洲市直机关.txt")
    page.locator("#kb-upload input[type=file]").set_input_files(str(docx_path))
    expect(page.locator("#kb-upload")).to_contain_text("白沙村议事规则", timeout=20_000)
    page.locator("#kb-upload-btn").click()
    expect(page.locator("#kb-upload-log")).to_contain_text("导入完成", timeout=ANSWER_TIMEOUT)
    expect(page.locator("#kb-upload-log")).to_contain_text("✓ 白沙村议事规则.docx：新增")
    expect(page.locator("#kb-docs")).to_contain_text("白沙村议事规则.docx")
    expect(page.locator("#kb-docs")).to_contain_text("可用")
    shot(page, "admin-documents")

    page.get_by_role("tab", name="问答").click()
    ask(page, question)
    answer = last_answer(page)
    expect(answer.locator(".kb-source").first).to_contain_text("白沙村议事规则.docx")
    expect(answer.locator("mark").first).to_contain_text("每月召开一次")

    page.get_by_role("tab", name="知识库管理").click()
    choice = page.locator("#kb-doc-choice input")
    choice.click()
    choice.fill("白沙村")
    page.get_by_role("option", name="白沙村议事规则.docx").click()
    expect(choice).to_have_value("白沙村议事规则.docx")
    page.locator("#kb-reindex").click()
    expect(page.locator("#kb-upload-log")).to_contain_text("✓ 已重新索引 白沙村议事规则.docx", timeout=ANSWER_TIMEOUT)
    choice.click()
    choice.fill("白沙村")
    page.get_by_role("option", name="白沙村议事规则.docx").click()
    page.locator("#kb-delete").click()
    expect(page.locator("#kb-upload-log")).to_contain_text("已删除 白沙村议事规则.docx")
    expect(page.locator("#kb-docs")).not_to_contain_text("白沙村议事规则.docx")

    page.get_by_role("tab", name="问答").click()
    ask(page, question)
    answer = last_answer(page)
    expect(answer.locator(".kb-refusal")).to_contain_text("知识库中没有找到")
    expect(answer).not_to_contain_text("每月召开一次")


def test_an_admin_upload_of_a_bad_file_is_reported_and_the_rest_still_lands(page: Page, server: Server):
    import zipfile

    bundle = server.workdir / "文件夹.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("政策/护林规定.txt", "黄土岭乡规定：护林员每周巡山两次。\n")
        zf.writestr("政策/../../逃逸.txt", "这个文件试图写到上传目录以外。\n")
        zf.writestr("政策/坏文件.pdf", b"this is not a pdf")
        zf.writestr("政策/说明.exe", b"MZ")
    login(page, server, ADMIN)
    page.get_by_role("tab", name="知识库管理").click()
    page.locator("#kb-upload input[type=file]").set_input_files(str(bundle))
    expect(page.locator("#kb-upload")).to_contain_text(re.compile(r"文件夹\s*\.zip\s*\d"), timeout=20_000)
    page.locator("#kb-upload-btn").click()
    log = page.locator("#kb-upload-log")
    expect(log).to_contain_text("导入完成", timeout=ANSWER_TIMEOUT)
    expect(log).to_contain_text("✓ 护林规定.txt：新增")
    expect(log).to_contain_text("逃逸.txt：路径不安全")
    expect(log).to_contain_text(re.compile(r"✗ 坏文件\.pdf：.*PDF"))
    expect(log).to_contain_text("说明.exe：不支持的文件类型")
    assert (server.data_dir / "uploads" / "护林规定.txt").is_file()
    assert not list(server.workdir.rglob("逃逸.txt"))
    expect(page.locator("#kb-docs")).to_contain_text("护林规定.txt")
    shot(page, "admin-upload-report")
