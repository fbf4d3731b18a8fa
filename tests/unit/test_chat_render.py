"""The chat message: source cards with highlighted quotes and context, refusals, all text inert."""

from __future__ import annotations

from kb.types import Answer, Chunk, Citation, Hit
from ui.render import answer_message, html_text, source_card_html

EVIL = '正文<script>alert(1)</script><img src=x onerror="alert(2)">**粗体** $x$\n\n结束。'


def _cite(passage: str, quote: str, **kw) -> Citation:
    return Citation(1, "evil.txt", "<b>标题</b>", "作者", "第2段", quote, passage, chunk_id="d:1", **kw)


def test_html_text_leaves_no_markup_no_markdown_and_no_blank_line():
    out = html_text(EVIL)
    assert "<" not in out.replace("<br>", "") and "**" not in out and "$" not in out and "\n" not in out
    assert "&lt;script&gt;" in out


def test_a_source_card_shows_metadata_the_marked_quote_and_the_surrounding_text():
    before = Chunk("d:0", "d", "前一段<i>原文</i>。", "evil.txt", "t")
    after = Chunk("d:2", "d", "后一段原文。", "evil.txt", "t")
    card = source_card_html(
        _cite(
            "前文。预备期为一年。后文。",
            "预备期为一年。",
            affiliation="某单位",
            date="2017年",
            heading_path="第一章 > 第七条",
        ),
        context=lambda cid: ([before], [after]),
    )
    assert "<mark>预备期为一年。</mark>" in card
    assert "作者，某单位 · 2017年 · 第一章 &gt; 第七条 · evil.txt" in card
    assert "<details><summary>查看原文上下文</summary>" in card and "前一段&lt;i&gt;原文&lt;/i&gt;。" in card
    assert "<b>标题</b>" not in card and "&lt;b&gt;标题&lt;/b&gt;" in card


def test_hostile_document_text_is_inert_in_every_part_of_a_message():
    hit = Hit(Chunk("d:1", "d", EVIL, "evil.txt", "<script>x</script>"), score=0.3)
    for a in (
        Answer("q", "结束。[1]", False, citations=[_cite(EVIL, "结束。")], rewritten_question="<img src=x>"),
        Answer("q", "知识库中没有找到能回答这个问题的内容。", True, related=[hit]),
    ):
        msg = answer_message(a, context=lambda cid: ([hit.chunk], []))
        assert "<script" not in msg and "<img" not in msg and 'onerror="' not in msg


def test_a_refusal_looks_different_and_offers_related_passages_not_an_answer():
    hit = Hit(Chunk("d:1", "d", "党组织对预备党员应当认真教育和考察。", "dz.txt", "党章", location="第七条"), score=0.3)
    msg = answer_message(Answer("q", "知识库中没有找到能回答这个问题的内容。", True, related=[hit]))
    assert 'class="kb-refusal"' in msg and "知识库中没有找到" in msg
    assert "相关内容" in msg and "仅供参考" in msg and "党组织对预备党员" in msg
    assert "kb-source" not in msg and "<sup>" not in msg
    assert "kb-reason" not in msg
    # A refusal that can say why says it, escaped like the rest.
    why = Answer(
        "q",
        "知识库中没有找到能回答这个问题的内容。",
        True,
        reason="最相关的段落提到了“<b>三保</b>”，但没有说明它具体指什么。",
    )
    msg = answer_message(why)
    assert '<small class="kb-reason">最相关的段落提到了“&lt;b&gt;三保&lt;/b&gt;”' in msg


def test_an_answer_shows_how_a_follow_up_was_understood():
    a = Answer("那预备党员呢？", "预备期为一年。[1]", False, citations=[_cite("预备期为一年。", "预备期为一年。")])
    assert "按上下文理解为" not in answer_message(a)
    a.rewritten_question = "预备党员的预备期是多长时间？"
    assert "按上下文理解为：预备党员的预备期是多长时间？" in answer_message(a)
