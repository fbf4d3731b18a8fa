"""The trainer and onboarding workflows on a real temporary knowledge base (Zhuzhou page + party constitution)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kb.accounts.db import open_db
from kb.answer.citations import is_verbatim, norm
from kb.learn import library, progress
from kb.learn.export import to_docx, to_markdown
from kb.learn.glossary import ADMIN, DEFINITION, ENUMERATION, attach, expand_query
from kb.learn.pack import PART_TITLES, PARTS, build_pack, move, remove
from kb.learn.quiz import BLANK, CHOICE, grade, quiz_for
from kb.store.tokenize import tokenize
from tests.workflow_kb import DANGZHANG, REPO, ZHUZHOU, build_workflow_kb

pytestmark = pytest.mark.slow

ZHUZHOU_SOURCE = ZHUZHOU.name


@pytest.fixture(scope="module")
def kb(tmp_path_factory, embedder):
    kb = build_workflow_kb(tmp_path_factory.mktemp("workflows") / "kb", embedder)
    yield kb
    kb.close()


@pytest.fixture(scope="module")
def glossary(kb):
    return attach(kb)


def _doc_id(kb, source: str) -> str:
    return next(d.doc_id for d in kb.index.documents() if d.source == source)


@pytest.fixture(scope="module")
def pack(kb, glossary):
    return build_pack(kb, "机关党建", [_doc_id(kb, ZHUZHOU_SOURCE)])


# -- 党课 pack ---------------------------------------------------------------------------


def test_a_pack_on_jiguan_dangjian_from_the_zhuzhou_page_has_all_five_parts(pack):
    assert pack.missing_parts() == []
    assert 3 <= len(pack.part("outline")) <= 6
    for kind in PARTS:
        assert pack.part(kind), PART_TITLES[kind]
    assert pack.sources == [ZHUZHOU_SOURCE]


def test_every_item_of_the_pack_is_cited_and_verbatim_in_the_source_file(pack):
    source_text = norm(ZHUZHOU.read_text(encoding="utf-8"))
    for item in pack.items:
        c = item.citation
        assert c.source == ZHUZHOU_SOURCE and c.title and c.location and c.chunk_id
        assert is_verbatim(c.quote, c.passage), item
        # Whitespace aside (column breaks such as 达标率达 / 82.1%), the quote is in the file as published.
        assert norm(c.quote) in source_text, item
    for item in pack.part("quote") + pack.part("figure") + pack.part("case"):
        assert item.text == item.citation.quote


def test_figures_carry_their_unit_and_context_and_cases_their_article_and_author(pack):
    for item in pack.part("figure"):
        assert item.label in item.text and len(norm(item.text)) > len(item.label)
        assert any(u in item.label for u in "%名次户天家人个支万")
    for item in pack.part("case"):
        assert item.citation.author and item.citation.title != "动力党建·合力攻坚"


def test_the_trainer_can_reorder_and_remove_items_before_export(pack):
    first, second = pack.part("quote")[:2]
    moved = move(pack, first.item_id, 1)
    assert [i.item_id for i in moved.part("quote")][:2] == [second.item_id, first.item_id]
    assert [i.kind for i in moved.items] == [i.kind for i in pack.items]  # parts stay in order
    fewer = remove(moved, second.item_id)
    assert second.item_id not in {i.item_id for i in fewer.items}
    assert len(fewer.items) == len(pack.items) - 1
    assert second.text not in to_markdown(fewer).split("## 注释")[0] or second.text in first.text


def test_the_docx_opens_and_holds_every_citation(pack, tmp_path):
    import docx

    path = to_docx(pack, tmp_path / "pack.docx")
    doc = docx.Document(str(path))
    paras = [p.text for p in doc.paragraphs]
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "党课素材包：机关党建"
    for kind in PARTS:
        assert any(PART_TITLES[kind] in h for h in headings)
    assert "注释" in headings
    notes = paras[paras.index("注释") + 1 :]
    assert notes and all(n.startswith(f"[{i}] ") for i, n in enumerate(notes, 1))
    for item in pack.items:
        c = item.citation
        note = next(n for n in notes if f"引文：“{c.quote}”" in n)
        assert f"《{c.title}》" in note and c.location in note and (c.author in note)
    body = "\n".join(paras[: paras.index("注释")])
    assert all(item.citation.quote in body or item.kind in ("outline", "question") for item in pack.items)
    # Every marker in the text points at a note.
    markers = [r.text for p in doc.paragraphs for r in p.runs if r.font.superscript]
    assert markers and all(1 <= int(m.strip("[]")) <= len(notes) for m in markers)


def test_the_markdown_export_has_footnotes_for_every_item(pack):
    md = to_markdown(pack)
    assert md.startswith("# 党课素材包：机关党建")
    body, notes = md.split("## 注释")
    n_notes = notes.count("[^")
    assert n_notes >= len({(i.citation.chunk_id, i.citation.quote) for i in pack.items})
    assert body.count("[^") == len(pack.items)


@pytest.mark.parametrize("topic", ["量子计算机的原理", "？？？", "a", "足球比赛规则"])
def test_a_topic_the_knowledge_base_does_not_cover_gets_no_pack(kb, glossary, topic):
    with pytest.raises(ValueError, match="知识库中没有与.*相关的内容"):
        build_pack(kb, topic)


def test_a_second_real_topic_still_gets_a_full_pack_and_control_characters_leave_the_topic(kb, glossary, tmp_path):
    import docx

    pack = build_pack(kb, "生态环境\x01保护", [_doc_id(kb, ZHUZHOU_SOURCE)])
    assert pack.topic == "生态环境保护" and pack.missing_parts() == []
    assert docx.Document(str(to_docx(pack, tmp_path / "p.docx"))).paragraphs[0].text == "党课素材包：生态环境保护"


# -- the tabs (callbacks called directly, as Gradio would) --------------------------------


@pytest.fixture(scope="module")
def tabs(kb, glossary):
    import gradio as gr

    from ui.workflows import add_workflow_tabs

    with gr.Blocks() as demo:
        with gr.Tabs():
            add_workflow_tabs(kb, kb.settings)
    return demo


def _handler(demo, event: str, *, tab: str = "", elem_id: str = ""):  # type: ignore[no-untyped-def]
    """The callback of `event` on the tab with id `tab`, or on the component with `elem_id`."""
    for fn in demo.fns.values():
        for block_id, name in fn.targets:
            block = demo.blocks.get(block_id)
            if name == event and (getattr(block, "id", None) == tab if tab else block.elem_id == elem_id):
                return fn
    raise LookupError(event, tab or elem_id)


def _update(value, key: str):  # type: ignore[no-untyped-def]
    return value.get(key) if isinstance(value, dict) else getattr(value, key, None)


def test_opening_a_tab_shows_documents_uploaded_and_drops_documents_deleted_since_start(kb, tabs, monkeypatch):
    import ui.workflows

    real = ui.workflows.doc_choices(kb)
    uploaded = ("新上传的文件（new.txt）", "new-doc")
    # An upload after the app was built: the admin tab ingests it, these tabs only list what the index holds.
    monkeypatch.setattr(ui.workflows, "doc_choices", lambda kb: [*real, uploaded])
    kept, gone = real[0][1], "deleted-doc"
    for tab_id, position in (("workflow-pack", 0), ("workflow-quiz", 1)):
        fn = _handler(tabs, "select", tab=tab_id)
        out = fn.fn("default", [kept, gone], None)  # (knowledge base chosen, documents picked, request)
        docs = out[position] if isinstance(out, tuple) else out
        assert uploaded in _update(docs, "choices"), tab_id
        assert _update(docs, "value") == [kept], tab_id  # the deleted document leaves the selection
    lib = _handler(tabs, "select", tab="workflow-library")
    doc, node, meta, body, rows, terms = lib.fn("default", gone, "五懂五会", "", None)
    assert uploaded in _update(doc, "choices") and _update(doc, "value") is None
    assert _update(node, "value") is None and meta == "" and body == ""  # the deleted document's text goes too
    assert "五懂五会" in _update(terms, "choices") and "value" not in terms  # a term that still exists stays
    assert any(r[0] == "五懂五会" for r in rows)
    doc, node, *_ = lib.fn("default", kept, None, "", None)
    assert "value" not in doc  # a document that still exists stays open


def test_a_failed_export_is_reported_as_a_message(tabs, pack, monkeypatch):
    import gradio as gr

    import ui.workflows

    def broken(pack, path):  # type: ignore[no-untyped-def]
        raise ValueError("All strings must be XML compatible")

    monkeypatch.setattr(ui.workflows, "to_docx", broken)
    drop = _handler(tabs, "click", elem_id="pack-remove")
    with pytest.raises(gr.Error, match="素材包导出失败"):
        drop.fn(pack, pack.items[0].item_id)


# -- glossary --------------------------------------------------------------------------


def test_the_glossary_finds_the_zhuzhou_shorthand_with_cited_explanations(glossary):
    terms = {e.term: e for e in glossary.entries()}
    for t in ("三高四新", "五懂五会", "四能", "三个高地"):
        assert t in terms, t
        assert terms[t].citations, t
        for c in terms[t].citations:
            assert is_verbatim(c.quote, c.passage) and c.source == ZHUZHOU_SOURCE
    wudong = terms["五懂五会"]
    assert wudong.kind == ENUMERATION
    assert "懂政治" in wudong.citations[0].quote and "会群众工作" in wudong.citations[0].quote
    assert wudong.citations[0].author == "罗显明"
    sineng = terms["四能"]
    assert sineng.kind == ENUMERATION
    assert {"添动能", "树势能", "提效能"} <= {
        q for c in sineng.citations for q in ("添动能", "树势能", "提效能") if q in c.quote
    }
    assert all(c.title == "动力党建引领 攻坚提升“四能”" for c in sineng.citations)
    assert any("战略定位和使命任务" in c.quote for c in terms["三高四新"].citations)
    assert any("指挥部" in c.quote for c in terms["三个高地"].citations)
    assert terms["双培双推"].kind == DEFINITION and "即把一线骨干培养成党员" in terms["双培双推"].citations[0].quote


def test_glossary_terms_stay_whole_in_lexical_search(kb, glossary):
    assert "五懂五会" in tokenize("选派一批五懂五会机关党员干部")
    hits = kb.index.lexical_search("五懂五会", 5)
    assert hits and all("五懂五会" in c.text for c, _ in hits)


def test_a_question_using_a_term_retrieves_its_definition(kb, glossary):
    assert kb.glossary["五懂五会"]
    expanded = expand_query("什么是五懂五会？", kb.glossary)
    assert expanded.startswith("什么是五懂五会？") and "懂政治" in expanded
    answer = kb.ask("什么是五懂五会？")
    assert answer.question == "什么是五懂五会？"
    assert not answer.refused
    assert any("懂政治" in c.passage for c in answer.citations)
    hits = kb.retrieve("四能是指哪四能？", k=4)
    assert any("添动能" in h.chunk.text or "提效能" in h.chunk.text for h in hits)


def test_an_admin_edit_must_quote_the_documents_and_survives_a_rebuild(glossary):
    with pytest.raises(ValueError):
        glossary.save("两个覆盖", quote="这句话不在任何文档里", user="admin")
    e = glossary.save(
        "两个覆盖", quote="凝聚组织优势,着眼两个覆盖,强化市场主体培育根基", note="组织覆盖和工作覆盖", user="admin"
    )
    assert e.kind == ADMIN and e.citations[0].title.startswith("以“动力党建") and e.note
    assert glossary.remove("六五", user="admin")
    glossary.rebuild()
    assert glossary.get("两个覆盖") is not None and glossary.get("两个覆盖").note == "组织覆盖和工作覆盖"
    assert glossary.get("六五") is None


# -- self-tests and progress ---------------------------------------------------------------


@pytest.fixture(scope="module")
def questions(kb):
    return quiz_for(kb.index, [_doc_id(kb, DANGZHANG.name)], n=20, seed=0)


def test_twenty_questions_on_the_dangzhang_each_have_exactly_one_right_option(kb, questions):
    assert len(questions) == 20
    assert {q.kind for q in questions} == {CHOICE, BLANK}
    texts = "\x00".join(norm(c.text) for d in kb.index.documents() for c in kb.index.chunks_of(d.doc_id))
    source_text = norm(DANGZHANG.read_text(encoding="utf-8"))
    for q in questions:
        c = q.citation
        assert c.source == DANGZHANG.name and is_verbatim(c.quote, c.passage)
        assert norm(c.quote) in source_text
        # The right answer restores the cited sentence.
        assert q.filled(q.answer) == c.quote
        if q.kind == CHOICE:
            assert len(q.options) == 4 and len(set(q.options)) == 4
            right = [o for o in q.options if norm(q.filled(o)) in texts]
            assert right == [q.answer], q
        else:
            assert q.options == []


def test_questions_are_deterministic_for_a_seed(kb, questions):
    again = quiz_for(kb.index, [_doc_id(kb, DANGZHANG.name)], n=20, seed=0)
    assert [q.qid for q in again] == [q.qid for q in questions]
    other = quiz_for(kb.index, [_doc_id(kb, DANGZHANG.name)], n=20, seed=1)
    assert [q.qid for q in other] != [q.qid for q in questions]


def test_grading_and_per_user_progress(kb, questions):
    db = open_db(kb.settings)
    choice = next(q for q in questions if q.kind == CHOICE)
    blank = next(q for q in questions if q.kind == BLANK)
    letter = "ABCD"[choice.options.index(choice.answer)]
    assert grade(choice, letter).correct and grade(choice, choice.answer).correct
    wrong = next(o for o in choice.options if o != choice.answer)
    assert not grade(choice, wrong).correct
    assert grade(blank, f" {blank.answer} ").correct and not grade(blank, "").correct
    progress.record_answer(db, "xiaoli", grade(choice, wrong))
    progress.record_answer(db, "xiaoli", grade(blank, blank.answer))
    progress.record_read(db, "xiaoli", DANGZHANG.name, "中国共产党章程")
    progress.record_read(db, "xiaoli", DANGZHANG.name, "中国共产党章程")
    p = progress.progress(db, "xiaoli")
    assert (p.answered, p.correct, p.documents_read) == (2, 1, ["中国共产党章程"])
    assert choice.topic in [t for t, _, _ in p.weak_topics] or choice.topic == blank.topic
    assert progress.progress(db, "someone-else").answered == 0
    assert progress.progress(db, None).user == progress.LOCAL_USER


# -- library -------------------------------------------------------------------------------


def test_the_library_shows_chapters_articles_and_newspaper_articles(kb):
    dz = library.structure(kb.index.chunks_of(_doc_id(kb, DANGZHANG.name)))
    labels = [n.label for n in dz]
    assert labels[0] == "总纲" and "第一章 党员" in labels
    chapter = next(n for n in dz if n.label == "第一章 党员")
    assert [c.label for c in chapter.children][:2] == ["第一条", "第二条"]
    page = library.structure(kb.index.chunks_of(_doc_id(kb, ZHUZHOU_SOURCE)))
    titles = [n.label for n in page]
    assert "党建引领别样红 真心服务为尊崇" in titles and len(titles) == 7  # 编者按 + six articles
    arts = library.articles(kb.index.chunks_of(_doc_id(kb, ZHUZHOU_SOURCE)))
    assert ("坚持以党建“红”引领生态“绿”", "周其伟", "市生态环境局党组书记、局长") in arts


def test_a_citation_jumps_to_its_place_in_the_library(kb, pack):
    item = pack.part("figure")[0]
    where = library.locate(kb.index, item.citation.chunk_id)
    assert where is not None and where.doc.source == ZHUZHOU_SOURCE
    chunks = library.section_chunks(kb.index, where.doc.doc_id, where.node_key)
    assert item.citation.chunk_id in [c.chunk_id for c in chunks]
    assert where.node_key.startswith(item.citation.title)


# -- command line ----------------------------------------------------------------------------


def _cli(args: list[str], kb) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env["KB_SETTINGS_FILE"] = str(kb.settings.data_dir.parent / "no-settings.toml")
    return subprocess.run(
        [sys.executable, "-m", "kb", *args, "--kb", str(kb.settings.data_dir)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.e2e
def test_the_cli_writes_a_pack_lists_the_glossary_and_prints_a_quiz(kb, glossary, tmp_path):
    import docx

    out = tmp_path / "pack.docx"
    r = _cli(["pack", "机关党建", "--out", str(out), "--doc", ZHUZHOU_SOURCE], kb)
    assert r.returncode == 0, r.stderr
    assert "提纲：" in r.stdout and str(out) in r.stdout
    assert "注释" in [p.text for p in docx.Document(str(out)).paragraphs]
    r = _cli(["pack", "机关党建", "--out", str(tmp_path / "pack.md"), "--doc", "nope.txt"], kb)
    assert r.returncode == 2 and "nope.txt" in r.stderr
    r = _cli(["glossary", "--search", "五懂"], kb)
    assert r.returncode == 0 and "五懂五会〔列举〕" in r.stdout and "懂政治" in r.stdout
    r = _cli(["quiz", "--doc", DANGZHANG.name, "-n", "5", "--json"], kb)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(rows) == 5
    for row in rows:
        assert row["citation"]["source"] == DANGZHANG.name
        assert row["stem"].replace("（　　）", row["answer"]) == row["citation"]["quote"]
        assert row["kind"] == "blank" or row["answer"] in row["options"]


def test_the_cli_lists_the_library_a_table_of_contents_and_reads_a_section(kb):
    r = _cli(["library"], kb)
    assert r.returncode == 0, r.stderr
    assert f"{DANGZHANG.name}\t《中国共产党章程》" in r.stdout and ZHUZHOU_SOURCE in r.stdout
    r = _cli(["library", "--doc", DANGZHANG.name], kb)
    assert r.returncode == 0 and "第一章 党员\n  第一条" in r.stdout
    r = _cli(["library", "--doc", DANGZHANG.name, "--section", "第一章 党员 > 第七条"], kb)
    assert r.returncode == 0 and "预备党员的预备期为一年" in r.stdout
    r = _cli(["library", "--doc", DANGZHANG.name, "--section", "第九十九章"], kb)
    assert r.returncode == 2 and "没有这一部分" in r.stderr
