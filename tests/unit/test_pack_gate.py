"""`build_pack` refuses topics the knowledge base holds nothing about, and cleans what DOCX cannot hold."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import docx
import pytest

from kb.answer.extractive import ExtractiveAnswerer
from kb.learn.export import to_docx
from kb.learn.pack import build_pack, clean_topic
from kb.settings import AnswerSettings
from kb.types import Chunk, Hit

PAGE = "动力党建合力攻坚_株洲市直机关.txt"
TEXTS = [
    "聚合力,加快业务融合。1-5月份市区优良天数达到124天,空气质量达标率达82.1%;"
    "在全省率先打造了“村巡查、镇处置、县执法、市统筹”环境监管模式。",
    "强化生态环境保护责任,建立“党建+环保”工作机制,选派62名党员干部进驻重点企业开展帮扶。",
    "坚持党建引领,推动机关党建与业务深度融合,组建124支党员先锋队,实现生态环境保护工作全覆盖。",
]
CHUNKS = [
    Chunk(
        chunk_id=f"d:{n}",
        doc_id="d",
        text=t,
        source=PAGE,
        title="坚持以党建“红”引领生态“绿”",
        author="周其伟",
        affiliation="市生态环境局党组书记、局长",
        location=f"第5篇 · 第{n}段",
        doc_title="动力党建·合力攻坚",
        ordinal=n,
    )
    for n, t in enumerate(TEXTS, 1)
]


def fake_kb(min_coverage: float | None = None) -> SimpleNamespace:
    """A knowledge base whose retriever returns the same passages for any topic, as a dense search does."""

    def doc_freq(terms: list[str]) -> tuple[dict[str, int], int]:
        return {t: sum(t in c.text for c in CHUNKS) for t in terms}, len(CHUNKS)

    answer = AnswerSettings() if min_coverage is None else AnswerSettings(min_topic_coverage=min_coverage)
    hits = [Hit(chunk=c, dense=0.82, score=1.0 - i / 10) for i, c in enumerate(CHUNKS)]
    return SimpleNamespace(
        settings=SimpleNamespace(answer=answer),
        retriever=SimpleNamespace(retrieve=lambda query, k=None, doc_ids=None: list(hits)),
        index=SimpleNamespace(chunks_of=lambda doc_id: list(CHUNKS), documents=lambda: []),
        extractive=ExtractiveAnswerer(AnswerSettings(), doc_freq),
        llm=None,
        glossary={},
    )


@pytest.mark.parametrize("topic", ["量子计算机的原理", "？？？", "a", "!!", "的"])
def test_a_topic_the_passages_do_not_cover_is_refused_not_filled_with_unrelated_material(topic):
    with pytest.raises(ValueError, match="知识库中没有与.*相关的内容"):
        build_pack(fake_kb(), topic)


def test_a_topic_naming_something_the_corpus_never_mentions_is_refused_though_its_other_words_match():
    # 党建 and 工作 cover half of the topic's weight; 人工智能 is the point of it, and no passage has it.
    with pytest.raises(ValueError, match="相关的内容"):
        build_pack(fake_kb(), "党建工作与人工智能")


def test_a_topic_the_passages_cover_still_gets_its_pack():
    pack = build_pack(fake_kb(), "生态环境保护")
    assert pack.items and pack.part("outline") and pack.part("figure")


def test_the_coverage_floor_comes_from_the_answer_settings_when_they_have_one():
    # Half of 机关党建与量子计算 is in the passages: enough at a floor of 0.2, not at 0.9.
    build_pack(fake_kb(min_coverage=0.2), "机关党建与量子计算")
    with pytest.raises(ValueError, match="相关的内容"):
        build_pack(fake_kb(min_coverage=0.9), "机关党建与量子计算")


def test_an_empty_topic_asks_for_one():
    with pytest.raises(ValueError, match="请输入主题"):
        build_pack(fake_kb(), " \x01\x7f ")


def test_control_characters_are_stripped_from_the_topic():
    assert clean_topic("党建\x01引领\x00 \x1b ") == "党建引领"
    assert clean_topic("机关\t党建\n与业务\u3000融合") == "机关 党建 与业务 融合"
    assert clean_topic("党建\ud800引领\uffff") == "党建引领"  # also not allowed in XML
    assert clean_topic(None) == ""


def test_a_pack_on_a_topic_with_a_control_character_exports_as_docx(tmp_path: Path):
    pack = build_pack(fake_kb(), "生态\x01环境保护")
    assert pack.topic == "生态环境保护"
    path = to_docx(pack, tmp_path / "p.docx")
    assert docx.Document(str(path)).paragraphs[0].text == "党课素材包：生态环境保护"
