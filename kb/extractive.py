"""The default answerer: no LLM, the answer is composed of retrieved sentences.

It picks the sentences that answer the question, cites each, and refuses when
the evidence is too weak. Everything it says is verbatim from a stored passage,
so it cannot invent a number; its weakness is that it cannot paraphrase.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from kb.citations import make_citation
from kb.sentences import split_sentences
from kb.settings import AnswerSettings
from kb.tokenize import tokenize
from kb.types import Answer, Citation, Hit

REFUSAL_TEXT = "知识库中没有找到能回答这个问题的内容。"

# Words that shape a question but carry no topic: they must not count as evidence.
_QUESTION_WORDS = set(
    [
        "什么",
        "多少",
        "哪些",
        "哪个",
        "哪里",
        "哪儿",
        "哪",
        "几",
        "几个",
        "几种",
        "几年",
        "几类",
        "怎么",
        "怎样",
        "怎么样",
        "如何",
        "为什么",
        "为何",
        "是否",
        "是不是",
        "吗",
        "呢",
        "吧",
        "啊",
        "请问",
        "具体",
        "一下",
        "一般",
        "主要",
        "我们",
        "我国",
        "常说",
        "规定",
        "要求",
        "提出",
        "可以",
        "能",
        "能否",
        "需要",
        "应当",
        "应该",
        "有",
        "没有",
        "是",
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "在",
        "对",
        "把",
        "被",
        "谁",
        "时候",
        "多久",
        "多长",
        "多大",
        "多长时间",
        "怎么办",
        "指",
        "说",
        "讲",
        "里",
        "中",
        "个",
        "上",
        "下",
        "等",
        "等等",
        "分",
        "干",
        "做",
        "算",
    ]
)
_NUM = re.compile(r"[0-9０-９一二三四五六七八九十百千万亿两〇零]+")
_COUNT_Q = re.compile(r"多少|几|多大|多长|多久|比例|比重|增长|目标|规模|数量|人次|率")
_CLAUSE_END = re.compile(r"[。！？!?]")


DocFreq = Callable[[list[str]], tuple[dict[str, int], int]]


@dataclass
class _Unit:
    hit_rank: int
    start: int
    end: int
    text: str
    score: float = 0.0


def question_terms(question: str) -> list[str]:
    """The content tokens of a question, without question words, deduplicated in order."""
    seen: dict[str, None] = {}
    for t in tokenize(question):
        if t not in _QUESTION_WORDS and not t.isspace():
            seen.setdefault(t, None)
    return list(seen)


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"\s+", "", s)
    return {s[i : i + 2] for i in range(len(s) - 1)}


class ExtractiveAnswerer:
    """Answers by quoting the best sentences of the retrieved passages."""

    def __init__(self, cfg: AnswerSettings, doc_freq: DocFreq, passages: int = 4) -> None:
        self.cfg = cfg
        self.doc_freq = doc_freq
        self.passages = passages

    def _idf(self, terms: list[str]) -> dict[str, float]:
        df, n = self.doc_freq(terms)
        return {t: math.log(1 + (n + 1) / (df.get(t, 0) + 0.5)) for t in terms}

    def evidence(self, question: str, hits: list[Hit]) -> tuple[list[_Unit], float, dict[str, float]]:
        """Candidate sentences scored against the question, and the evidence strength of the best."""
        terms = question_terms(question)
        idf = self._idf(terms)
        total = sum(idf.values()) or 1.0
        qbi = _bigrams("".join(terms)) or _bigrams(question)
        wants_number = bool(_COUNT_Q.search(question))
        units: list[_Unit] = []
        for rank, h in enumerate(hits[: self.passages]):
            text = h.chunk.text
            context = f"{h.chunk.title} {h.chunk.heading_path}"
            for s, e in _units(text):
                u = text[s:e]
                covered = sum(w for t, w in idf.items() if t in u or t in context)
                cov = covered / total
                bi = len(qbi & _bigrams(u)) / len(qbi) if qbi else 0.0
                num = 0.1 if wants_number and _NUM.search(u) else 0.0
                # The fused passage score breaks ties between equally worded sentences.
                score = 0.55 * cov + 0.25 * bi + 0.2 * h.score + num - 0.02 * rank
                units.append(_Unit(rank, s, e, u, score))
        units.sort(key=lambda x: x.score, reverse=True)
        # Evidence strength: how much of the question's rare vocabulary the best passage covers at all.
        passage_cov = 0.0
        for h in hits[:2]:
            blob = f"{h.chunk.title} {h.chunk.heading_path} {h.chunk.text}"
            passage_cov = max(passage_cov, sum(w for t, w in idf.items() if t in blob) / total)
        missing = [t for t in terms if t not in "".join(h.chunk.text for h in hits[:3])]
        features = {
            "coverage": passage_cov,
            "dense": max((h.dense for h in hits), default=0.0),
            "best": units[0].score if units else 0.0,
            "missing_idf": sum(idf[t] for t in missing) / total,
        }
        strength = 0.6 * passage_cov + 0.4 * features["dense"]
        return units, strength, features

    def answer(self, question: str, hits: list[Hit]) -> Answer:
        """A short cited answer, or a refusal when the passages do not hold one."""
        if not hits:
            return Answer(question=question, text=REFUSAL_TEXT, refused=True)
        units, strength, _ = self.evidence(question, hits)
        if strength < self.cfg.refusal_threshold or not units:
            return Answer(question=question, text=REFUSAL_TEXT, refused=True, related=hits[:3])
        chosen = [units[0]]
        length = len(units[0].text)
        for u in units[1:]:
            if len(chosen) >= self.cfg.max_sentences or length >= self.cfg.max_chars * 0.6:
                break
            overlaps = any(u.hit_rank == c.hit_rank and u.start < c.end and c.start < u.end for c in chosen)
            if overlaps or u.score < 0.8 * units[0].score or length + len(u.text) > self.cfg.max_chars:
                continue
            chosen.append(u)
            length += len(u.text)
        # Reading order: by passage rank, then position in the passage.
        chosen.sort(key=lambda u: (u.hit_rank, u.start))
        citations: list[Citation] = []
        marker_of: dict[int, int] = {}
        parts: list[str] = []
        for u in chosen:
            chunk = hits[u.hit_rank].chunk
            if u.hit_rank not in marker_of:
                marker_of[u.hit_rank] = len(citations) + 1
                citations.append(make_citation(marker_of[u.hit_rank], chunk, u.text))
            else:
                c = citations[marker_of[u.hit_rank] - 1]
                c.quote = _join_quotes(chunk.text, c.quote, u.text)
            parts.append(f"{u.text}[{marker_of[u.hit_rank]}]")
        return Answer(question=question, text="".join(parts), refused=False, citations=citations)


def _units(text: str) -> list[tuple[int, int]]:
    """Answer-sized spans: sentences, and the clauses of long sentences split at ；."""
    spans: list[tuple[int, int]] = []
    for s, e in split_sentences(text):
        spans.append((s, e))
    # split_sentences already cuts at ；, so also offer whole 。-sentences made of several clauses.
    start = 0
    for m in _CLAUSE_END.finditer(text):
        end = m.end()
        seg = text[start:end].strip()
        if seg and (start, end) not in spans and len(seg) <= 160:
            off = text.index(seg, start)
            spans.append((off, off + len(seg)))
        start = end
    return spans


def _join_quotes(passage: str, a: str, b: str) -> str:
    """Two quotes from one passage as one verbatim span when they are adjacent, else the longer one."""
    ia, ib = passage.find(a), passage.find(b)
    if ia < 0 or ib < 0:
        return a
    lo, hi = min(ia, ib), max(ia + len(a), ib + len(b))
    span = passage[lo:hi]
    return span if len(span) <= len(a) + len(b) + 20 else a
