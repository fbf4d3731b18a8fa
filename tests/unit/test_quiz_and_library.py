"""Self-test generation and grading, and the library's structure tree, on articles of the party constitution."""

from kb.answer.citations import norm
from kb.learn.library import node_path, structure
from kb.learn.quiz import BLANK, CHOICE, generate, grade, same_amount
from kb.types import Chunk


def test_amounts_written_differently_are_the_same_amount():
    assert same_amount("两名", "二名") and same_amount("2名", "两名") and same_amount("十八岁", "18岁")
    assert same_amount("三分之二以上", "三分之二以上")
    assert not same_amount("一年", "二年") and not same_amount("五年", "五次")
    # 万 closes a section: 十万 is 100000 (it read as 10010 before the numerals had one parser)
    assert same_amount("十万人", "100000人") and not same_amount("十万人", "10010人")


def test_questions_have_one_right_option_that_restores_the_cited_sentence(dangzhang):
    _, chunks = dangzhang
    qs = generate(chunks, n=12, seed=3)
    assert len(qs) == 12 and {q.kind for q in qs} == {CHOICE, BLANK}
    corpus = "\x00".join(norm(c.text) for c in chunks)
    for q in qs:
        assert q.filled(q.answer) == q.citation.quote
        assert norm(q.citation.quote) in norm(q.citation.passage)
        if q.kind == CHOICE:
            assert [o for o in q.options if norm(q.filled(o)) in corpus] == [q.answer]
    assert [q.qid for q in generate(chunks, n=12, seed=3)] == [q.qid for q in qs]


def test_grading_accepts_letters_option_text_and_blank_answers_up_to_spacing(dangzhang):
    _, chunks = dangzhang
    qs = generate(chunks, n=6, seed=0)
    c = next(q for q in qs if q.kind == CHOICE)
    b = next(q for q in qs if q.kind == BLANK)
    assert grade(c, "abcd"[c.options.index(c.answer)]).correct
    assert not grade(c, next(o for o in c.options if o != c.answer)).correct
    assert grade(b, f"  {b.answer}。").correct and not grade(b, "").correct


def test_the_structure_tree_nests_articles_under_chapters_and_articles_of_a_page_under_titles(dangzhang):
    _, chunks = dangzhang
    tree = structure(chunks)
    assert [n.label for n in tree][:2] == ["第一章 党员", "第二章 党的组织制度"]
    assert tree[0].children[0].label == "第一条" and tree[0].children[0].chunk_ids == [chunks[0].chunk_id]
    page = Chunk(
        "p:3",
        "p",
        "正文",
        "page.txt",
        "党建引领深融合 合力攻坚争一流",
        heading_path="一、党建引领,凝聚队伍向心力",
        author="刘伟",
        doc_title="动力党建·合力攻坚",
    )
    assert node_path(page) == ["党建引领深融合 合力攻坚争一流", "一、党建引领,凝聚队伍向心力"]
    intro = Chunk(
        "p:0",
        "p",
        "编者按",
        "page.txt",
        "动力党建·合力攻坚",
        location="编者按 · 第1–4段",
        doc_title="动力党建·合力攻坚",
    )
    assert node_path(intro) == ["编者按"]
