"""A question about one numbered batch (第三批) is not answered from passages on another (kb/answer/batch_check.py)."""

from __future__ import annotations

from kb.answer.batch_check import asked_batch, batch_forms, batch_missing
from kb.answer.extractive import ExtractiveAnswerer
from kb.settings import AnswerSettings
from kb.types import Chunk, Citation, Hit

SECOND = "2月20日，重庆市血液中心的血液冷链运输车运载近26万毫升爱心热血支援湖北，这是重庆第二批援助湖北的血液。"
PLAIN = "2月20日，重庆市血液中心的血液冷链运输车运载近26万毫升爱心热血支援湖北，与宜昌市中心血站交接。"


def _cite(passage: str, title: str = "重庆急调血液支援湖北") -> Citation:
    return Citation(1, "blood.txt", title, "", "", passage, passage)


def test_the_asked_batch_and_how_documents_write_it():
    assert asked_batch("重庆支援湖北的第三批血液有多少毫升？") == "第三批"
    assert asked_batch("第3批医疗队哪天出发？") == "第3批"
    assert asked_batch("第一批和第二批有什么不同？") is None  # two batches: a comparison, not one batch
    assert asked_batch("重庆支援湖北的血液有多少毫升？") is None
    assert set(batch_forms("第三批")) == {"第三批", "第3批"} and set(batch_forms("第12轮")) == {"第12轮", "第十二轮"}
    assert set(batch_forms("第一批")) == {"第一批", "第1批", "首批"}


def test_a_cited_passage_or_title_naming_the_batch_answers_for_it():
    question = "重庆支援湖北的第二批血液有多少毫升？"
    assert batch_missing([_cite(SECOND)], question) is None
    assert batch_missing([_cite(PLAIN, title="重庆第2批血液驰援湖北")], question) is None
    assert batch_missing([_cite(PLAIN)], question) == "第二批"
    assert batch_missing([_cite(SECOND)], "重庆支援湖北的第三批血液有多少毫升？") == "第三批"


def test_the_answerer_refuses_a_batch_its_passages_never_name():
    def doc_freq(terms: list[str]) -> tuple[dict[str, int], int]:
        return {t: 1 for t in terms}, 10

    chunk = Chunk(chunk_id="b:0", doc_id="b", text=PLAIN, source="blood.txt", title="重庆急调血液支援湖北")
    hits = [Hit(chunk=chunk, dense=0.9, lexical=1.0, score=1.0)]
    question = "重庆支援湖北的第三批血液有多少毫升？"
    a = ExtractiveAnswerer(AnswerSettings(), doc_freq).answer(question, hits)
    assert a.refused and a.reason == "最相关的段落没有提到所问的第三批。"
    off = ExtractiveAnswerer(AnswerSettings(batch_check=False), doc_freq).answer(question, hits)
    assert not off.refused and "26万毫升" in off.text
