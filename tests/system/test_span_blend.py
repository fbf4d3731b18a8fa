"""Retrieval's span blend with the real embedder: a passage that states the answer in one of its sentences
moves above a passage that is only about the topic, even when the fused score put it slightly lower."""

from __future__ import annotations

from kb.answer.retrieval import HybridRetriever
from kb.answer.sentence_similarity import SentenceSimilarity
from kb.settings import RetrievalSettings
from kb.types import Chunk, Hit

QUESTION = "全市义务植树日是哪一天？"
STATES_IT = "会议讨论了城市绿化、交通建设、文化活动等议题。会议决定，每年三月的第二个星期六为全市义务植树日。会议还听取了教育工作汇报。"
ABOUT_IT = (
    "植树活动是城市绿化的重要内容。全市各单位积极参与植树活动，植树热情高涨。义务植树造林成效明显，绿化覆盖率逐年提高。"
)
ELSEWHERE = "今年夏季气温偏高，降水偏少。气象部门提醒市民注意防暑降温，合理安排户外活动。"


def _hit(cid: str, text: str, score: float) -> Hit:
    return Hit(chunk=Chunk(chunk_id=cid, doc_id=cid, text=text, source=f"{cid}.txt", title=cid), score=score)


def _ranked(embedder, weight: float) -> list[str]:
    cfg = RetrievalSettings(span_weight=weight)
    retriever = HybridRetriever(index=None, cfg=cfg, spans=SentenceSimilarity(embedder))  # type: ignore[arg-type]
    hits = [_hit("about", ABOUT_IT, 1.0), _hit("states", STATES_IT, 0.95), _hit("elsewhere", ELSEWHERE, 0.5)]
    return [h.chunk.chunk_id for h in retriever._blend_spans(QUESTION, hits)]


def test_the_passage_whose_sentence_answers_moves_first(embedder):
    assert _ranked(embedder, 0.35)[0] == "states"


def test_without_the_blend_the_fused_order_stands(embedder):
    cfg = RetrievalSettings(span_weight=0.0)
    assert cfg.span_weight == 0.0  # the factory then passes no span scorer at all
    assert _ranked(embedder, 1e-9)[:2] == ["about", "states"]
