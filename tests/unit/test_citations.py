"""Citation checks on real passages: the party constitution, the 2024 report, the Beijing PDF's extracted text."""

from __future__ import annotations

import re

import pytest

from kb.answer.citations import best_sentence, finalize, is_verbatim, make_citation, norm
from kb.types import Chunk, Hit

_MARK = re.compile(r"\[(\d+)\]")


def article(dangzhang, name: str) -> Chunk:
    """The chunk of the constitution whose heading ends with `name` (e.g. "第七条")."""
    return next(c for c in dangzhang[1] if c.heading_path.endswith(name))


@pytest.fixture
def hits(dangzhang, report) -> list[Hit]:
    """Passages [1]..[4] as an LLM would see them: articles 7, 8, 9 and the report's 经济总体回升向好 paragraph."""
    chunks = [article(dangzhang, n) for n in ("第七条", "第八条", "第九条")]
    chunks.append(next(c for c in report[1] if "国内生产总值超过126万亿元" in c.text))
    return [Hit(chunk=c, score=1.0 - i / 10) for i, c in enumerate(chunks)]


def assert_sound(text: str, citations, hits: list[Hit]) -> None:
    """Markers in the text are exactly 1..m, each citation's quote is verbatim in its own passage."""
    used = sorted({int(m) for m in _MARK.findall(text)})
    assert used == [c.marker for c in citations] == list(range(1, len(citations) + 1))
    passages = {h.chunk.chunk_id: h.chunk.text for h in hits}
    for c in citations:
        assert c.passage == passages[c.chunk_id]
        assert c.quote in c.passage
        assert c.quote.strip() == c.quote and c.quote


# -- norm, is_verbatim, make_citation -----------------------------------------


def test_norm_removes_every_kind_of_whitespace():
    assert norm("第七条\u3000预备党员的\n预备期 为\t一年。\r\n") == "第七条预备党员的预备期为一年。"
    assert norm("") == ""


def test_a_quote_is_verbatim_in_pdf_text_broken_across_lines_and_spaced_around_numbers(corpus_dir):
    pdf_text = (corpus_dir / "extracted" / "beijing_gwr_2024.pdf.txt").read_text(encoding="utf-8")
    assert is_verbatim("一般公共预算收入增长8.2%、突破6000亿元", pdf_text)
    assert is_verbatim("进一步优化提升首都功能，坚持首都规划权属党中央", pdf_text)  # crosses a line break


def test_a_paraphrase_or_an_empty_quote_is_not_verbatim(dangzhang):
    text = article(dangzhang, "第七条").text
    assert is_verbatim("预备党员的预备期为一年。", text)
    assert not is_verbatim("预备党员的预备期是一年。", text)
    assert not is_verbatim("", text)
    assert not is_verbatim(" \n", text)


def test_make_citation_copies_the_chunk_metadata_and_keeps_the_whole_passage(dangzhang):
    chunk = article(dangzhang, "第七条")
    c = make_citation(2, chunk, "预备党员的预备期为一年。")
    assert (c.marker, c.source, c.title, c.location) == (2, "dangzhang_2017.txt", "中国共产党章程", "第七条")
    assert c.heading_path == "第一章 党员 > 第七条"
    assert (c.chunk_id, c.date, c.author, c.affiliation) == (
        chunk.chunk_id,
        chunk.date,
        chunk.author,
        chunk.affiliation,
    )
    assert c.passage == chunk.text
    assert c.quote == "预备党员的预备期为一年。"


def test_make_citation_stores_the_passages_own_spacing_for_a_quote_given_without_it(corpus_dir):
    pdf_text = (corpus_dir / "extracted" / "beijing_gwr_2024.pdf.txt").read_text(encoding="utf-8")
    start = pdf_text.index("进一步优化提升首都")
    chunk = Chunk(
        chunk_id="bj:3",
        doc_id="bj",
        text=pdf_text[start : start + 300],
        source="beijing_gwr_2024.pdf",
        title="2024年北京市政府工作报告",
        location="第2页",
    )
    c = make_citation(1, chunk, "进一步优化提升首都功能，坚持首都规划权属党中央")
    assert c.quote == "进一步优化提升首都\n功能，坚持首都规划权属党中央"
    assert c.quote in chunk.text


def test_make_citation_refuses_a_quote_the_passage_does_not_hold(dangzhang):
    with pytest.raises(ValueError, match="not verbatim"):
        make_citation(1, article(dangzhang, "第七条"), "预备党员的预备期为两年。")
    with pytest.raises(ValueError):
        make_citation(1, article(dangzhang, "第七条"), "")


# -- best_sentence -------------------------------------------------------------


def test_best_sentence_finds_the_sentence_a_paraphrase_rests_on(dangzhang):
    text = article(dangzhang, "第七条").text
    assert best_sentence("党龄是从转为正式党员那天开始算的", text) == "党员的党龄，从预备期满转为正式党员之日算起。"
    assert best_sentence("预备期最长可以延长一年", text) == "需要继续考察和教育的，可以延长预备期，但不能超过一年；"
    assert best_sentence("预备党员没有表决权", text) == (
        "预备党员的权利，除了没有表决权、选举权和被选举权以外，也同正式党员一样。"
    )


def test_best_sentence_quotes_a_figure_with_its_own_digits(report):
    text = next(c for c in report[1] if "国内生产总值超过126万亿元" in c.text).text
    s = best_sentence("城镇新增就业一千二百多万人（1244万）", text)
    assert s == "城镇新增就业1244万人，城镇调查失业率平均为5.2%。"
    assert s in text


def test_best_sentence_of_an_unrelated_claim_is_still_a_sentence_of_the_passage(dangzhang):
    text = article(dangzhang, "第八条").text
    assert best_sentence("completely unrelated", text) in text


# -- finalize ------------------------------------------------------------------


def test_valid_markers_stay_and_each_quote_is_the_sentence_the_claim_rests_on(hits):
    text, cits = finalize("预备党员的预备期为一年[1]。每个党员都必须编入党的一个支部[2]。", hits)
    assert text == "预备党员的预备期为一年[1]。每个党员都必须编入党的一个支部[2]。"
    assert [c.chunk_id for c in cits] == [hits[0].chunk.chunk_id, hits[1].chunk.chunk_id]
    assert cits[0].quote == "第七条\u3000预备党员的预备期为一年。"
    assert cits[1].quote.startswith("第八条\u3000每个党员，不论职务高低，都必须编入党的一个支部")
    assert_sound(text, cits, hits)


def test_markers_pointing_nowhere_are_dropped(hits):
    text, cits = finalize("预备期为一年[1][7]。党员有退党的自由[0]。党龄从转正之日算起[１]。另见[12]。", hits)
    assert text == "预备期为一年[1]。党员有退党的自由。党龄从转正之日算起。另见。"
    assert [c.chunk_id for c in cits] == [hits[0].chunk.chunk_id]
    assert_sound(text, cits, hits)


def test_surviving_markers_are_renumbered_in_order_of_first_appearance(hits):
    text, cits = finalize("国内生产总值增长5.2%[4]。党员有退党的自由[3]。预备期为一年[1]。经济回升向好[4]。", hits)
    assert text == "国内生产总值增长5.2%[1]。党员有退党的自由[2]。预备期为一年[3]。经济回升向好[1]。"
    assert [c.chunk_id for c in cits] == [hits[3].chunk.chunk_id, hits[2].chunk.chunk_id, hits[0].chunk.chunk_id]
    # Passage [4] backs two claims resting on neighbouring sentences, so its quote spans both.
    assert cits[0].quote == "——经济总体回升向好。国内生产总值超过126万亿元，增长5.2%，增速居世界主要经济体前列。"
    assert cits[1].quote == "第九条\u3000党员有退党的自由。"
    assert_sound(text, cits, hits)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("党员必须参加党的组织生活【2】。", "党员必须参加党的组织生活[1]。"),
        ("党员必须参加党的组织生活［2］。", "党员必须参加党的组织生活[1]。"),
        ("党员必须参加党的组织生活[2,3]。", "党员必须参加党的组织生活[1][2]。"),
        ("党员必须参加党的组织生活[2，3]。", "党员必须参加党的组织生活[1][2]。"),
        ("党员必须参加党的组织生活[2、3]。", "党员必须参加党的组织生活[1][2]。"),
        ("党员必须参加党的组织生活[2][3]。", "党员必须参加党的组织生活[1][2]。"),
        ("党员必须参加党的组织生活 [2] [3]。", "党员必须参加党的组织生活[1][2]。"),
        ("党员必须参加党的组织生活[2-3]。", "党员必须参加党的组织生活[1][2]。"),
        ("党员必须参加党的组织生活[2,9,3]。", "党员必须参加党的组织生活[1][2]。"),
        ("党员必须参加党的组织生活。[2]", "党员必须参加党的组织生活。[1]"),
    ],
)
def test_marker_forms_models_write_become_plain_bracketed_numbers(hits, answer, expected):
    text, cits = finalize(answer, hits)
    assert text == expected
    cited = [c.chunk_id for c in cits]
    assert cited == [hits[k].chunk.chunk_id for k in ((1, 2) if "[2]" in expected else (1,))]
    assert_sound(text, cits, hits)


def test_a_passage_cited_for_two_neighbouring_sentences_quotes_both(hits):
    text, cits = finalize("预备党员的预备期为一年[1]，党组织对预备党员应当认真教育和考察[1]。", hits)
    assert text == "预备党员的预备期为一年[1]，党组织对预备党员应当认真教育和考察[1]。"
    assert len(cits) == 1
    assert cits[0].quote == "第七条\u3000预备党员的预备期为一年。党组织对预备党员应当认真教育和考察。"


def test_a_passage_cited_for_two_distant_sentences_quotes_the_better_supported_one(hits):
    _, cits = finalize("预备期为一年[1]。党员的党龄从预备期满转为正式党员之日算起[1]。", hits)
    assert len(cits) == 1
    assert cits[0].quote == "党员的党龄，从预备期满转为正式党员之日算起。"


def test_each_clause_is_matched_to_its_own_passage_within_one_sentence(hits):
    _, cits = finalize("预备党员的预备期为一年[1]，党员有退党的自由[3]。", hits)
    assert [c.quote for c in cits] == ["第七条\u3000预备党员的预备期为一年。", "第九条\u3000党员有退党的自由。"]


def test_a_verbatim_direct_quotation_keeps_its_quotation_marks(hits):
    text, cits = finalize("章程规定「预备党员的预备期为一年」[1]，并且“党员有退党的自由”[3]。", hits)
    assert text == "章程规定「预备党员的预备期为一年」[1]，并且“党员有退党的自由”[2]。"
    assert_sound(text, cits, hits)


def test_a_fabricated_direct_quotation_loses_its_quotation_marks_but_keeps_its_words(hits):
    text, cits = finalize("章程规定「预备期一般为两年」[1]，且“党员不得退党”[3]。『三会一课』必须坚持[1]。", hits)
    assert text == "章程规定预备期一般为两年[1]，且党员不得退党[2]。三会一课必须坚持[1]。"
    assert_sound(text, cits, hits)


def test_a_quotation_verbatim_only_in_an_uncited_passage_is_not_accepted(hits):
    text, _ = finalize("「党员有退党的自由」，预备期为一年[1]。", hits)
    assert text == "党员有退党的自由，预备期为一年[1]。"


def test_sentences_without_markers_stay_as_connective_text(hits):
    text, cits = finalize("根据党章的规定：预备党员的预备期为一年[1]。以上供参考。", hits)
    assert text == "根据党章的规定：预备党员的预备期为一年[1]。以上供参考。"
    assert len(cits) == 1


def test_an_answer_with_no_surviving_marker_has_no_citations(hits):
    assert finalize("预备期为一年[9]。", hits) == ("预备期为一年。", [])
    assert finalize("知识库中没有找到相关内容。", hits) == ("知识库中没有找到相关内容。", [])
    assert finalize("预备期为一年[1]。", []) == ("预备期为一年。", [])


def test_every_quote_is_verbatim_whatever_the_model_writes(hits):
    messy = [
        "[1]",
        "【3】【3】【3】",
        "经济增长5.2%[4]，新增就业1244万人[4][2]。[1]",
        "Preparation period is one year [1]. Members may leave [3].",
        "预备期\n为一年[1]\n\n党员[2]\t必须编入支部。",
        "“党员有退党的自由[3]”",
        "资料：\n[1] 《中国共产党章程》 第七条\n第七条\u3000预备党员的预备期为一年。",
    ]
    for answer in messy:
        text, cits = finalize(answer, hits)
        assert cits, answer
        assert_sound(text, cits, hits)
