"""Editing a pack and exporting it: order, removal, numbered notes, DOCX read back with python-docx."""

import docx

from kb.answer.citations import make_citation
from kb.learn.export import export, note_text, to_markdown
from kb.learn.pack import CASE, FIGURE, OUTLINE, QUESTION, QUOTE, Pack, PackItem, move, remove, unverified
from kb.types import Chunk

CHUNK = Chunk(
    chunk_id="d:20",
    doc_id="d",
    source="page.txt",
    title="坚持以党建“红”引领生态“绿”",
    author="周其伟",
    affiliation="市生态环境局党组书记、局长",
    location="第5篇 · 第6段",
    text="聚合力,加快业务融合。1-5月份市区优良天数达到124天,空气质量达标率达82.1%;在全省率先打造了“村巡查、镇处置、县执法、市统筹”环境监管模式。",
)


def item(item_id: str, kind: str, quote: str, text: str | None = None, label: str = "") -> PackItem:
    return PackItem(item_id, kind, text or quote, make_citation(0, CHUNK, quote), label)


def sample() -> Pack:
    return Pack(
        topic="生态环境保护",
        items=[
            item("outline-1", OUTLINE, "聚合力,加快业务融合。", "聚合力,加快业务融合"),
            item("quote-1", QUOTE, "聚合力,加快业务融合。"),
            item("quote-2", QUOTE, "在全省率先打造了“村巡查、镇处置、县执法、市统筹”环境监管模式。"),
            item("figure-1", FIGURE, "空气质量达标率达82.1%", label="82.1%"),
            item("case-1", CASE, "在全省率先打造了“村巡查、镇处置、县执法、市统筹”环境监管模式。"),
            item("question-1", QUESTION, "空气质量达标率达82.1%", "“空气质量达标率达82.1%”是怎样取得的？"),
        ],
    )


def test_moving_an_item_keeps_it_inside_its_part():
    p = move(sample(), "quote-2", -1)
    assert [i.item_id for i in p.part(QUOTE)] == ["quote-2", "quote-1"]
    assert [i.kind for i in p.items] == [OUTLINE, QUOTE, QUOTE, FIGURE, CASE, QUESTION]
    assert move(p, "quote-2", -5).part(QUOTE)[0].item_id == "quote-2"  # clamped
    assert move(p, "nope", 1) is p


def test_removing_an_item_leaves_the_others_and_does_not_touch_the_original():
    original = sample()
    p = remove(original, "figure-1")
    assert "figure-1" not in [i.item_id for i in p.items] and len(original.items) == 6
    assert p.missing_parts() == ["数据与事实"]
    assert unverified(p) == []


def test_markdown_numbers_notes_and_shares_one_note_per_quoted_span():
    md = to_markdown(sample())
    body, notes = md.split("## 注释")
    assert notes.count("[^") == 3  # the outline, quote-1 share one span; quote-2 and case-1 too
    assert "“聚合力,加快业务融合。”[^1]" in body and "82.1%：空气质量达标率达82.1%[^3]" in body
    assert "《坚持以党建“红”引领生态“绿”》，周其伟（市生态环境局党组书记、局长）" in notes


def test_the_docx_has_headings_markers_and_a_notes_section(tmp_path):
    path = export(sample(), tmp_path / "p.docx")
    d = docx.Document(str(path))
    texts = [p.text for p in d.paragraphs]
    assert texts[0] == "党课素材包：生态环境保护"
    assert [p.text for p in d.paragraphs if p.style.name == "Heading 1"] == [
        "一、提纲",
        "二、重要论述摘编",
        "三、数据与事实",
        "四、案例与做法",
        "五、讨论题",
        "注释",
    ]
    notes = texts[texts.index("注释") + 1 :]
    assert notes == [
        f"[{n}] {note_text(c)}"
        for n, c in enumerate([sample().items[0].citation, sample().items[2].citation, sample().items[3].citation], 1)
    ]
    assert [r.text for p in d.paragraphs for r in p.runs if r.font.superscript] == [
        "[1]",
        "[1]",
        "[2]",
        "[3]",
        "[2]",
        "[3]",
    ]


def test_unknown_export_formats_are_refused(tmp_path):
    import pytest

    with pytest.raises(ValueError):
        export(sample(), tmp_path / "p.pdf")


def test_the_workflow_modules_stay_light_to_import():
    import subprocess
    import sys

    code = (
        "import sys, kb.learn.pack, kb.learn.export, kb.learn.quiz, kb.learn.glossary, kb.learn.library, kb.learn.progress, kb.cli.workflows;"
        "print(','.join(m for m in ('gradio', 'torch', 'chromadb', 'docx', 'jieba') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_an_llm_writes_cited_discussion_questions_and_a_marker_pointing_nowhere_drops_the_line(tmp_settings):
    from types import SimpleNamespace

    # A scripted chat model: the real endpoint path is covered by tests/system/test_llm_answerer.py.
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from kb.answer.llm_answerer import LLMAnswerer
    from kb.answer.prompts import load_prompt
    from kb.learn.pack import llm_questions

    reply = "1. 空气质量达标率达82.1%靠的是什么？[1]\n2. 这一题的编号不存在。[9]\n"
    settings = tmp_settings
    llm = LLMAnswerer(FakeListChatModel(responses=[reply]), load_prompt(settings.prompts_dir, "answer"))
    kb = SimpleNamespace(llm=llm, settings=settings)
    qs = llm_questions(kb, "生态环境保护", sample().items)
    assert [q.text for q in qs] == ["空气质量达标率达82.1%靠的是什么？"]
    assert qs[0].citation.chunk_id == "d:20" and qs[0].citation.quote in CHUNK.text
    assert llm_questions(SimpleNamespace(llm=None), "x", sample().items) == []
