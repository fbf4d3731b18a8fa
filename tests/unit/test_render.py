from kb.types import Answer, Citation
from ui.render import answer_markdown, citation_card, text


def _citation(passage: str, quote: str) -> Citation:
    return Citation(
        marker=1, source="evil.txt", title="<b>标题</b>", author="", location="全文", quote=quote, passage=passage
    )


def test_hostile_markup_in_a_document_is_rendered_inert():
    passage = '正文<script>alert(1)</script><img src=x onerror="alert(2)">结束。'
    card = citation_card(_citation(passage, "结束。"))
    assert "<script>" not in card and "<img" not in card and "<b>" not in card
    assert "&lt;script&gt;" in card


def test_the_quote_is_highlighted_inside_its_passage():
    card = citation_card(_citation("前文。预备党员的预备期为一年。后文。", "预备党员的预备期为一年。"))
    assert "<mark>预备党员的预备期为一年。</mark>" in card


def test_answer_markers_survive_escaping():
    md = answer_markdown(Answer(question="q", text="预备期为一年。[1]", refused=False))
    assert "<sup>[1]</sup>" in md


def test_markdown_syntax_in_text_is_escaped():
    assert text("# 标题 *强调*") == "\\# 标题 \\*强调\\*"
