"""The default answerer: no LLM, the answer is composed of retrieved sentences.

It picks the sentences that answer the question, cites each, and refuses when
the evidence is too weak. Everything it says is verbatim from a stored passage,
so it cannot invent a number; its weakness is that it cannot paraphrase.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from kb.citations import make_citation
from kb.sentences import split_sentences
from kb.settings import AnswerSettings
from kb.terms import KeyTerm, key_terms, noun_parts, place_stem, variants
from kb.tokenize import pos_tags, tokenize
from kb.types import Answer, Chunk, Citation, Hit

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
_CLAUSE_END = re.compile(r"[。！？!?]")
_N = r"[0-9一二两三四五六七八九十百千万〇零]"
# What kind of answer a question asks for, and what that answer looks like in a sentence. The first match wins.
_ANSWER_TYPES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (re.compile(r"几年|多少年|任期|一届"), re.compile(rf"{_N}+年(?!代|度|级)")),
    (re.compile(r"几个月|多少个月"), re.compile(rf"{_N}+个?月")),
    (re.compile(r"几天|多少天|几日|多少日"), re.compile(rf"{_N}+(?:个工作日|日|天)")),
    (
        re.compile(r"多久|多长时间|多长|期限|影响期"),
        re.compile(rf"{_N}+(?:个)?(?:年|月|日|天|周|小时)|{_N}+年至{_N}+年"),
    ),
    (re.compile(r"多少岁|年龄|几岁|多大"), re.compile(rf"{_N}+周?岁")),
    (re.compile(r"几名|几个人|多少人|几人"), re.compile(rf"{_N}+(?:名|人)")),
    (re.compile(r"哪一年|何时|什么时候|哪年"), re.compile(r"(?:19|20)\d\d年|[〇一二三四五六七八九]{4}年|\d+月\d+日")),
    (re.compile(r"叫什么|名称|品牌|称号|称为|口号"), re.compile(r"[“\"《][^”\"》]{2,30}[”\"》]")),
    (
        re.compile(r"哪几|哪些|几种|几类|几档|几个等次|分为|包括什么|由什么组成"),
        re.compile(r"[^、，。；]{1,14}、[^、，。；]{1,14}[、和及]"),
    ),
    (
        re.compile(r"多少|几|比例|比重|增长|目标|规模|数量|人次|率"),
        re.compile(
            rf"{_N}+(?:\.\d+)?\s*(?:余|多)?\s*(?:%|％|万|亿|元|人|名|个|家|项|次|场|条|年|斤|吨|公里|平方|倍|类)"
        ),
    ),
]
_HOW = re.compile(r"怎么|如何|怎样|什么|哪些")
# Contact details answer only in their own form: when no top passage has an address (a phone number, a web
# address) at all, the knowledge base does not hold it, however well the rest of the question matches.
_REQUIRED_SHAPES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (
        re.compile(r"地址|住址|办公地点|在哪办公|门牌"),
        re.compile(
            r"[\u4e00-\u9fff]{1,12}(?:路|街|大道|大街|巷|胡同|里)\s*[0-9０-９一二三四五六七八九十百]+\s*号|\d+号"
        ),
    ),
    (re.compile(r"电话|热线|联系方式|手机号"), re.compile(r"\d{3,4}-?\d{7,8}|1\d{10}|\b123\d\d\b|\d{5,}")),
    (re.compile(r"网址|网站|邮箱|电子邮件"), re.compile(r"https?://|www\.|@[\w.]+|\.(?:com|cn|org|net)\b")),
    (re.compile(r"邮编|邮政编码"), re.compile(r"(?<!\d)\d{6}(?!\d)")),
]


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


def answer_shape(question: str) -> re.Pattern[str] | None:
    """The pattern an answer sentence to this question contains (a duration, an age, a list...), if any."""
    return next((shape for asks, shape in _ANSWER_TYPES if asks.search(question)), None)


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"\s+", "", s)
    return {s[i : i + 2] for i in range(len(s) - 1)}


def _context(chunk: Chunk) -> str:
    """What a passage says about itself besides its text: the reader sees title, headings and author with it."""
    return " ".join(
        x for x in (chunk.title, chunk.doc_title, chunk.heading_path, chunk.author, chunk.affiliation, chunk.date) if x
    )


def _novelty(unit: str, question: str) -> float:
    """The share of a sentence's characters that the question does not already contain."""
    chars = [c for c in unit if c.isalnum()]
    return sum(1 for c in chars if c not in question) / len(chars) if chars else 0.0


def _holds_key(kt: KeyTerm, chunk: Chunk) -> bool:
    """Whether a passage (with its metadata) holds a key term of the question.

    A year also counts when the passage's document dates from it or from the year after: a work
    report reviews the previous year without naming it.
    """
    flat = unicodedata.normalize("NFKC", "".join(f"{_context(chunk)} {chunk.source} {chunk.text}".split()))
    term = unicodedata.normalize("NFKC", "".join(kt.text.split()))
    if kt.kind == "title":
        return _holds(term.removeprefix("中华人民共和国"), flat)
    if kt.kind == "year":
        return _holds(term, flat) or str(int(term) + 1) in chunk.date
    if kt.kind == "place":
        return _holds(term, flat) or place_stem(term) in flat
    return _holds(term, flat)


def _holds(term: str, text: str) -> bool:
    low = text.lower()
    return any(v.lower() in low for v in variants(term))


class ExtractiveAnswerer:
    """Answers by quoting the best sentences of the retrieved passages."""

    def __init__(self, cfg: AnswerSettings, doc_freq: DocFreq, passages: int = 4) -> None:
        self.cfg = cfg
        self.doc_freq = doc_freq
        self.passages = passages

    def _idf(self, terms: list[str], question: str = "") -> dict[str, float]:
        """Term weights: idf, more for nouns (the topic), less for words the corpus never uses.

        A word no passage has (那天, 是从, a colloquial verb) cannot be matched by any sentence, so at full
        idf it would only flatten the differences between sentences; a noun names what is asked about,
        a verb is often paraphrased in the documents.
        """
        df, n = self.doc_freq(terms)
        tags = dict(pos_tags(question)) if question else {}
        out = {}
        for t in terms:
            w = math.log(1 + (n + 1) / (df.get(t, 0) + 0.5))
            if not df.get(t, 0):
                w *= 0.3
            elif tags.get(t, "").startswith("n"):
                w *= 1.5
            elif tags.get(t, "") in ("v", "d", "c", "p"):
                w *= 0.6
            out[t] = w
        return out

    def missing_key_term(self, question: str, hits: list[Hit]) -> KeyTerm | None:
        """A term that pins the question to a topic and that no top passage holds, if any (see `kb.terms.key_terms`)."""
        top = hits[: self.passages]
        for asks, shape in _REQUIRED_SHAPES:
            if asks.search(question) and not any(shape.search(h.chunk.text) for h in top):
                return KeyTerm("shape", asks.search(question).group(0))
        kts = key_terms(question)
        for kt in kts:
            if kt.kind == "noun":
                if self._unknown_noun(kt.text, top):
                    return kt
            elif kt.kind == "quoted":
                # A slogan or a name in quotes may be worded apart from the top passages (“四个意识” is
                # listed, not named, in the 党章), but its words must exist in the corpus.
                words = tokenize(kt.text)
                df, _ = self.doc_freq(words)
                if words and not all(df.get(w, 0) for w in words):
                    return kt
            elif not any(_holds_key(kt, h.chunk) for h in top):
                return kt
        return None

    def _unknown_noun(self, noun: str, top: list[Hit]) -> bool:
        """A noun the corpus never uses, not even as its parts (起征点, 公积金): the question is about something else."""
        if any(_holds(noun, f"{_context(h.chunk)} {h.chunk.text}") for h in top):
            return False
        parts = noun_parts(noun)
        df, _ = self.doc_freq([noun, *parts])
        if df.get(noun, 0):
            return False
        return sum(len(p) for p in parts if df.get(p, 0)) < len(noun)

    def evidence(self, question: str, hits: list[Hit]) -> tuple[list[_Unit], float, dict[str, float]]:
        """Candidate sentences scored against the question, and the evidence strength of the best."""
        terms = question_terms(question)
        idf = self._idf(terms, question)
        total = sum(idf.values()) or 1.0
        qbi = _bigrams("".join(terms)) or _bigrams(question)
        shape = answer_shape(question)
        units: list[_Unit] = []
        for rank, h in enumerate(hits[: self.passages]):
            text = h.chunk.text
            context = _context(h.chunk)
            for s, e in _units(text):
                u = text[s:e]
                covered = sum(w for t, w in idf.items() if _holds(t, u) or _holds(t, context))
                cov = covered / total
                bi = len(qbi & _bigrams(u)) / len(qbi) if qbi else 0.0
                fits = 0.15 if shape is not None and shape.search(u) else 0.0
                # Long sentences match many words by chance and make long answers.
                long = 0.1 * max(0, len(u) - 100) / 100
                # A sentence that only restates the question ("组建退役军人医疗义诊队。") answers nothing.
                echo = 0.15 if _novelty(u, question) < 0.3 else 0.0
                # The fused passage score breaks ties between equally worded sentences.
                score = 0.55 * cov + 0.25 * bi + 0.2 * h.score + fits - 0.02 * rank - long - echo
                units.append(_Unit(rank, s, e, u, score))
        units.sort(key=lambda x: x.score, reverse=True)
        # Evidence strength: how much of the question's rare vocabulary the best passage covers at all.
        passage_cov = 0.0
        for h in hits[:2]:
            blob = f"{_context(h.chunk)} {h.chunk.text}"
            passage_cov = max(passage_cov, sum(w for t, w in idf.items() if _holds(t, blob)) / total)
        joined = "".join(h.chunk.text for h in hits[:3])
        missing = [t for t in terms if not _holds(t, joined)]
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
        # "1", "第", "[1]": one character matches everything and means nothing.
        if not any(len(t) >= 2 for t in question_terms(question)):
            return Answer(question=question, text=REFUSAL_TEXT, refused=True, related=hits[:3])
        units, strength, _ = self.evidence(question, hits)
        if strength < self.cfg.refusal_threshold or not units or self.missing_key_term(question, hits):
            return Answer(question=question, text=REFUSAL_TEXT, refused=True, related=hits[:3])
        chosen = [units[0]]
        follow = _follow_on(question, units[0], hits[units[0].hit_rank].chunk.text, units)
        if follow is not None:
            chosen = list(follow)
        length = sum(len(u.text) for u in chosen)
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


def _follow_on(question: str, best: _Unit, passage: str, units: list[_Unit]) -> tuple[_Unit, _Unit] | None:
    """`best` (cut to its last clause) and the sentence after it, when `best` only names the topic at its end.

    Policy prose introduces a measure at the end of a sentence ("…，建立“兵支书”培养机制。") and says
    what it is in the next; for a how/what question that next sentence is the answer.
    """
    if not _HOW.search(question):
        return None
    terms = [t for t in question_terms(question) if len(t) >= 2]
    pos = [best.text.find(t) for t in terms if t in best.text]
    if not pos or min(pos) < 0.7 * len(best.text):
        return None
    after = [u for u in units if u.hit_rank == best.hit_rank and u.start >= best.end]
    if not after:
        return None
    nxt = min(after, key=lambda u: (u.start, u.end))
    if passage[best.end : nxt.start].strip():
        return None
    # Keep only the clause naming the topic, so the explanation fits in a short answer.
    cut = max(best.text.rfind(p, 0, min(pos)) for p in "，,；;：:") + 1
    head = _Unit(best.hit_rank, best.start + cut, best.end, best.text[cut:], best.score)
    return head, _Unit(nxt.hit_rank, nxt.start, nxt.end, nxt.text, best.score)


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
