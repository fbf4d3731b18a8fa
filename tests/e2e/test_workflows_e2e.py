"""The 党课素材, 文库与术语 and 自测 tabs in Debian's chromium, over a real temporary knowledge base.

The app under test is a small Blocks of only these tabs, served from a thread of the
test process (the knowledge base is built once per module with the real embedder).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kb.answer.citations import norm
from tests.e2e.appserver import SCREENSHOTS
from tests.servers import free_port
from tests.workflow_kb import DANGZHANG, build_workflow_kb

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

HOSTILE = '安全测试文档\n\n演练规定：每季度组织一次消防演练。<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">结束。\n'
DZ_TEXT = norm(DANGZHANG.read_text(encoding="utf-8")) if DANGZHANG.is_file() else ""
TIMEOUT = 60_000


@pytest.fixture(scope="module")
def served(tmp_path_factory, embedder) -> Iterator[tuple[str, Any]]:
    """The tabs served from this process, and their knowledge base (a test adds a document behind their back)."""
    import gradio as gr

    from ui.workflows import add_workflow_tabs

    work = tmp_path_factory.mktemp("workflows-e2e")
    hostile = work / "安全演练规定.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    kb = build_workflow_kb(work / "kb", embedder, extra=[hostile])
    with gr.Blocks() as demo:
        with gr.Tabs():
            add_workflow_tabs(kb, kb.settings)
    port = free_port()
    demo.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}", kb
    finally:
        demo.close()
        kb.close()


@pytest.fixture(scope="module")
def app_url(served: tuple[str, Any]) -> str:
    return served[0]


def _pick(page, elem_id: str, option: str) -> None:
    """Choose an option of a Gradio dropdown by (part of) its label."""
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=re.compile(re.escape(option))).first.click()


def _open(page, url: str, tab: str) -> None:
    page.goto(url)
    page.get_by_role("tab", name=tab).click()


def _make_pack(page, url: str) -> None:
    _open(page, url, "党课素材")
    _pick(page, "pack-docs", "动力党建")
    page.keyboard.press("Escape")
    page.locator("#pack-topic textarea").fill("机关党建")
    page.locator("#pack-generate").click()
    page.locator("#pack-view h3").first.wait_for(timeout=TIMEOUT)


def _item_ids(page) -> list[str]:
    return re.findall(r"(?:outline|quote|figure|case|question)-\d+", page.locator("#pack-view").inner_text())


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_trainer_builds_edits_and_downloads_a_cited_pack(page, app_url, tmp_path):
    import docx

    _make_pack(page, app_url)
    view = page.locator("#pack-view")
    for part in ("一、提纲", "重要论述摘编", "数据与事实", "案例与做法", "讨论题", "注释"):
        assert part in view.inner_text()
    _shot(page, "workflow-pack")
    before = _item_ids(page)
    _pick(page, "pack-item", "[重要论述摘编]")
    page.locator("#pack-down").click()
    page.wait_for_function("() => /quote-2[\\s\\S]*quote-1/.test(document.querySelector('#pack-view')?.innerText)")
    quotes = [i for i in _item_ids(page) if i.startswith("quote")]
    assert quotes[:2] == ["quote-2", "quote-1"]
    _pick(page, "pack-item", "[案例与做法]")
    page.locator("#pack-remove").click()
    # The element must exist before its absence of case-1 counts: a view Gradio is re-rendering is no answer.
    page.wait_for_function(
        "() => { const e = document.querySelector('#pack-view'); return e !== null && !e.innerText.includes('case-1'); }"
    )
    assert len(_item_ids(page)) == len(before) - 1

    with page.expect_download() as dl:
        page.locator("#pack-docx").click()
    path = tmp_path / "pack.docx"
    dl.value.save_as(path)
    d = docx.Document(str(path))
    paras = [p.text for p in d.paragraphs]
    assert paras[0] == "党课素材包：机关党建"
    notes = paras[paras.index("注释") + 1 :]
    assert notes and all(re.match(r"\[\d+\] 《", n) and "引文：“" in n for n in notes)
    assert any("罗显明" in n for n in notes)
    with page.expect_download() as dl:
        page.locator("#pack-md").click()
    md = Path(dl.value.path()).read_text(encoding="utf-8")
    assert md.startswith("# 党课素材包：机关党建") and "## 注释" in md


def test_a_pack_citation_opens_its_place_in_the_library(page, app_url):
    _make_pack(page, app_url)
    _pick(page, "pack-item", "[数据与事实]")
    figure = page.locator("#pack-item input").input_value()
    page.locator("#pack-source").click()
    mark = page.locator("#library-text mark").first
    mark.wait_for(timeout=TIMEOUT)
    assert mark.is_visible()
    assert norm(mark.inner_text()) in norm(figure.split("] ", 1)[1]) or norm(figure.split("] ", 1)[1]) in norm(
        mark.inner_text()
    )
    assert "动力党建" in page.locator("#library-meta").inner_text()


def test_the_library_reads_a_document_by_its_structure_and_never_runs_its_markup(page, app_url):
    _open(page, app_url, "文库与术语")
    _pick(page, "library-doc", "中国共产党章程")
    page.wait_for_function("() => document.querySelector('#library-meta')?.innerText.includes('中国共产党章程')")
    assert "总纲" in page.locator("#library-text").inner_text()
    _pick(page, "library-node", "第一条")
    page.wait_for_function("() => document.querySelector('#library-text')?.innerText.includes('年满十八岁')")
    _pick(page, "library-doc", "安全演练规定")
    page.wait_for_function("() => document.querySelector('#library-text')?.innerText.includes('<script>')")
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#library-text script, #library-text img").count() == 0


def test_the_glossary_explains_terms_with_citations_and_an_admin_can_edit_it(page, app_url):
    _open(page, app_url, "文库与术语")
    page.locator("#glossary-search textarea").fill("五懂")
    page.wait_for_function("() => document.querySelector('#glossary-table')?.innerText.includes('五懂五会')")
    _pick(page, "glossary-term", "五懂五会")
    page.wait_for_function("() => document.querySelector('#glossary-entry')?.innerText.includes('懂政治')")
    assert "罗显明" in page.locator("#glossary-entry").inner_text()
    _shot(page, "workflow-glossary")
    page.locator("#glossary-source").click()
    page.wait_for_function("() => (document.querySelector('#library-text mark') || {}).innerText?.includes('懂政治')")

    page.locator("#glossary-edit").get_by_text("编辑术语表").click()
    page.locator("#glossary-edit-term textarea").fill("两个覆盖")
    page.locator("#glossary-edit-quote textarea").fill("这句话不在任何文档里")
    page.locator("#glossary-save").click()
    page.get_by_text("释义必须是文档中的原文").first.wait_for(timeout=TIMEOUT)
    page.locator("#glossary-edit-quote textarea").fill("凝聚组织优势,着眼两个覆盖,强化市场主体培育根基")
    page.locator("#glossary-edit-note textarea").fill("组织覆盖和工作覆盖")
    page.locator("#glossary-save").click()
    page.wait_for_function("() => document.querySelector('#glossary-status')?.innerText.includes('已保存')")
    assert "组织覆盖和工作覆盖" in page.locator("#glossary-entry").inner_text()
    page.locator("#glossary-search textarea").fill("两个覆盖")
    page.wait_for_function("() => document.querySelector('#glossary-table')?.innerText.includes('管理员')")


def _right_option(stem: str, options: list[str]) -> str:
    """The option that restores a sentence of the party constitution (computed from the file, not the app)."""
    right = [o for o in options if norm(stem.replace("（　　）", o.split(". ", 1)[1])) in DZ_TEXT]
    assert len(right) == 1, (stem, options)
    return right[0]


def _fresh_right_option(page, stem: str) -> str:  # type: ignore[no-untyped-def]
    """The right option once the radio shows this question's options (they may lag the header a moment)."""
    for _ in range(100):
        labels = [x.strip() for x in page.locator("#quiz-choice label").all_inner_texts()]
        right = [o for o in labels if ". " in o and norm(stem.replace("（　　）", o.split(". ", 1)[1])) in DZ_TEXT]
        if len(right) == 1:
            return right[0]
        page.wait_for_timeout(100)
    return _right_option(stem, labels)  # fails with the stem and the options shown


def test_a_self_test_grades_answers_shows_the_source_and_keeps_progress(page, app_url):
    from playwright.sync_api import expect

    _open(page, app_url, "自测")
    _pick(page, "quiz-docs", "中国共产党章程")
    page.keyboard.press("Escape")
    page.locator("#quiz-start").click()
    page.locator("#quiz-question strong").wait_for(timeout=TIMEOUT)
    answered = right = 0
    for k in range(1, 5):
        # The header names the question's kind; the radio or the text box it needs may render a moment later,
        # so wait for that one rather than asking which is visible now (CI once read neither as visible).
        page.wait_for_function(f"() => document.querySelector('#quiz-question')?.innerText.includes('第 {k}/')")
        stem = page.locator("#quiz-question p").last.inner_text().strip()
        if "选择题" in page.locator("#quiz-question strong").inner_text():
            expect(page.locator("#quiz-choice")).to_be_visible(timeout=TIMEOUT)
            page.locator("#quiz-choice label").filter(has_text=_fresh_right_option(page, stem)).click()
            expect_right = True
        else:
            page.locator("#quiz-blank textarea").fill("不是这个答案", timeout=TIMEOUT)
            expect_right = False
        page.locator("#quiz-submit").click()
        answered += 1
        right += expect_right
        page.locator("#quiz-feedback blockquote").wait_for(timeout=TIMEOUT)
        feedback = page.locator("#quiz-feedback").inner_text()
        assert ("回答正确" if expect_right else "回答错误") in feedback
        assert "中国共产党章程" in feedback or "动力党建" in feedback
        if answered == 1:
            _shot(page, "workflow-quiz")
        page.wait_for_function(
            f"() => document.querySelector('#quiz-progress')?.innerText.includes('答题 {answered} 道，答对 {right} 道')"
        )
        page.locator("#quiz-next").click()
        page.wait_for_function(
            "() => { const e = document.querySelector('#quiz-feedback'); return e !== null && !e.innerText.trim(); }"
        )
    assert "本机用户" in page.locator("#quiz-progress").inner_text()


def _options(page, elem_id: str, name: str):  # type: ignore[no-untyped-def]
    """Open a dropdown; the locator of its options named like `name`."""
    page.locator(f"#{elem_id} input").click()
    return page.get_by_role("option", name=re.compile(re.escape(name)))


def test_documents_added_and_removed_after_the_page_loaded_show_when_a_tab_is_opened(page, served, tmp_path):
    from playwright.sync_api import expect

    from ingest.pipeline import ingest_paths

    app_url, kb = served
    new = tmp_path / "新增学习材料.txt"
    new.write_text("新增学习材料\n\n第一条 每月开展一次主题党日活动，党员按时参加。\n", encoding="utf-8")
    _open(page, app_url, "自测")  # the page and its dropdowns exist before the upload
    expect(_options(page, "quiz-docs", "中国共产党章程").first).to_be_visible()
    assert _options(page, "quiz-docs", "新增学习材料").count() == 0
    page.keyboard.press("Escape")
    # What the admin tab's upload does to the index; these tabs learn of it only when opened again.
    report = ingest_paths(kb.index, [new])
    assert not report.failed, report.summary()
    try:
        for tab, elem_id in (("党课素材", "pack-docs"), ("文库与术语", "library-doc"), ("自测", "quiz-docs")):
            page.get_by_role("tab", name=tab).click()
            expect(_options(page, elem_id, "新增学习材料").first).to_be_visible(timeout=TIMEOUT)
            page.keyboard.press("Escape")
        page.get_by_role("tab", name="文库与术语").click()
        _pick(page, "library-doc", "新增学习材料")
        expect(page.locator("#library-text")).to_contain_text("主题党日", timeout=TIMEOUT)
    finally:
        kb.index.remove(new.name)
    # Deleted: gone from the list, and the library no longer shows the open document.
    page.get_by_role("tab", name="党课素材").click()
    page.get_by_role("tab", name="文库与术语").click()
    expect(page.locator("#library-text")).not_to_contain_text("主题党日", timeout=TIMEOUT)
    page.locator("#library-doc input").click()
    expect(_options(page, "library-doc", "新增学习材料")).to_have_count(0, timeout=TIMEOUT)
