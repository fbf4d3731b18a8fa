"""Self-tests: multiple-choice and fill-in-the-blank questions cut from cited sentences, and grading.

A question is a sentence of a document with one span blanked out: a number with its
unit (一年, 十八岁, 三分之二以上), a term in quotation marks (“三个代表”), or a noun.
Wrong options are spans of the same kind taken from other parts of the corpus, and an
option is only used when putting it into the blank gives a sentence that no document
holds, so exactly one option is right and it is the one the cited sentence says.
Generation is deterministic for a given seed.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from itertools import zip_longest as _zip_longest
from typing import TYPE_CHECKING

from kb.answer.citations import make_citation, norm
from kb.answer.numbers import parse_chinese_number
from kb.answer.sentences import split_sentences
from kb.types import Chunk, Citation

if TYPE_CHECKING:
    from kb.store.index import Index

CHOICE, BLANK = "choice", "blank"
BLANK_MARK = "（　　）"
LETTERS = "ABCD"

_CN = "零一二三四五六七八九十百千万两半"
_NUMERIC = re.compile(
    rf"(?:[{_CN}]+分之[{_CN}]+(?:以上|以下)?|(?:[{_CN}]+|\d+(?:\.\d+)?)(?:个月|周年|年|岁|次|名|人|种|项|届|级|倍|天|小时|%))"
)
_YEAR = re.compile(r"^(?:\d{4}|[〇零一二三四五六七八九]{4})年$")  # a date, not an amount
_QUOTED = re.compile(r"“([^“”\n]{2,10})”")
_PREFIX = re.compile(r"^\s*(?:第[一二三四五六七八九十百零]+[章节条][\s\u3000]*)+")
_NOUN_FLAGS = {"n", "nz", "vn", "nt", "nl"}
_BAD_WORD = re.compile(r"[\d" + _CN + r"]|^(?:我们|他们|自己|工作|方面|问题|情况|有关|其他|一切|这些)$")
_MIN_SENT, _MAX_SENT = 12, 90


@dataclass
class Question:
    """One self-test question; the answer is the blanked span of the cited sentence."""

    qid: str  # stable: chunk id, sentence offset, kind
    kind: str  # choice | blank
    stem: str  # the sentence with BLANK_MARK in place of the answer
    answer: str
    options: list[str]  # four options for a choice, [] for a blank
    citation: Citation  # quote = the whole sentence, verbatim
    topic: str  # chapter or article the sentence comes from (for weak topics)
    span_kind: str  # numeric | quoted | term

    def filled(self, option: str) -> str:
        """The stem with an option in the blank."""
        return self.stem.replace(BLANK_MARK, option, 1)


@dataclass
class Graded:
    """The verdict on one answer."""

    correct: bool
    given: str
    expected: str
    question: Question


def topic_of(chunk: Chunk) -> str:
    """What a weak topic is called: the chapter of a law, the article of a newspaper page."""
    if chunk.title and chunk.doc_title and chunk.title != chunk.doc_title:
        return chunk.title
    head = chunk.heading_path.split(" > ")[0].strip()
    if not head and " · " in chunk.location:
        head = chunk.location.split(" · ")[0]  # 总纲, 编者按
    return head or chunk.doc_title or chunk.title


@dataclass
class _Span:
    chunk: Chunk
    s: int  # sentence span in chunk.text
    e: int
    a: int  # answer span in chunk.text
    b: int
    kind: str
    flag: str = ""

    @property
    def answer(self) -> str:
        return self.chunk.text[self.a : self.b]


def _sentences(chunk: Chunk) -> list[tuple[int, int]]:
    out = []
    for s, e in split_sentences(chunk.text):
        m = _PREFIX.match(chunk.text[s:e])
        if m:
            s += m.end()
        n = len(norm(chunk.text[s:e]))
        # Only whole sentences: a title or heading line (——在……上的报告) does not end like one.
        ends = chunk.text[s:e].rstrip("”’」』）)").endswith(("。", "；", "！", "？", ";", "!", "?"))
        if _MIN_SENT <= n <= _MAX_SENT and "\n" not in chunk.text[s:e] and ends:
            out.append((s, e))
    return out


def _spans(chunk: Chunk, posseg) -> list[_Span]:  # type: ignore[no-untyped-def]
    out: list[_Span] = []
    for s, e in _sentences(chunk):
        sent = chunk.text[s:e]
        for m in _NUMERIC.finditer(sent):
            if not _YEAR.match(m.group(0)):
                script = "a" if m.group(0)[0].isdigit() else "c"  # 3年 and 三年 are not offered side by side
                out.append(_Span(chunk, s, e, s + m.start(), s + m.end(), "numeric", _unit(m.group(0)) + script))
        for m in _QUOTED.finditer(sent):
            if re.fullmatch(r"[\u4e00-\u9fff、]+", m.group(1)):
                out.append(_Span(chunk, s, e, s + m.start(1), s + m.end(1), "quoted", str(len(m.group(1)))))
        pos = 0
        for w in posseg.cut(sent):
            start = sent.find(w.word, pos)
            pos = start + len(w.word) if start >= 0 else pos
            if start >= 0 and w.flag in _NOUN_FLAGS and 2 <= len(w.word) <= 4 and not _BAD_WORD.search(w.word):
                out.append(_Span(chunk, s, e, s + start, s + start + len(w.word), "term", f"{w.flag}{len(w.word)}"))
    # One answer per span text per sentence: a word that occurs twice in its sentence would blank ambiguously.
    return [x for x in out if chunk.text[x.s : x.e].count(x.answer) == 1]


def _unit(numeric: str) -> str:
    m = re.search(r"(?:分之|周年|个月|年|岁|次|名|人|种|项|届|级|倍|天|小时|%)", numeric)
    return m.group(0) if m else ""


def _cn_value(numeral: str) -> float | None:
    """The value of a simple number (2, 两, 十八, 三分之二); None when it is not one."""
    if re.fullmatch(r"\d+(?:\.\d+)?", numeral):
        return float(numeral)
    if "分之" in numeral:
        den, _, num = numeral.partition("分之")
        d, n = _cn_value(den), _cn_value(num)
        return n / d if d and n is not None else None
    n = parse_chinese_number(numeral)
    return None if n is None else float(n)


def same_amount(a: str, b: str) -> bool:
    """True when two numeric spans say the same amount (两名 = 二名 = 2名)."""
    amount = re.compile(rf"^([\d.{_CN}〇]+(?:分之[{_CN}]+)?)([^\d.{_CN}〇]*)$")
    ma, mb = amount.match(a), amount.match(b)
    if not ma or not mb or ma.group(2) != mb.group(2):
        return False
    va, vb = _cn_value(ma.group(1)), _cn_value(mb.group(1))
    return va is not None and va == vb


def _posseg():  # type: ignore[no-untyped-def]
    from kb.store.tokenize import _load

    _load()  # jieba's dictionary (and any glossary terms) first
    import jieba.posseg as posseg

    return posseg


def generate(
    chunks: list[Chunk],
    pool: list[Chunk] | None = None,
    n: int = 20,
    seed: int = 0,
    kinds: tuple[str, ...] = (CHOICE, BLANK),
) -> list[Question]:
    """`n` questions from the sentences of `chunks`; wrong options come from `pool` (default: the same chunks)."""
    posseg = _posseg()
    pool = pool if pool is not None else chunks
    # One string, so "does any document say this?" is a single substring search.
    corpus = "\x00".join([norm(c.text) for c in pool] + [norm(c.text) for c in chunks])
    # Wrong options: every span of the pool, by kind and subtype, deduplicated, in a fixed order.
    options: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)  # (kind, subtype) -> {span text: doc id}
    for c in pool:
        for sp in _spans(c, posseg):
            options[(sp.kind, sp.flag)].setdefault(sp.answer, c.doc_id)
    rng = random.Random(seed)
    candidates = [sp for c in chunks for sp in _spans(c, posseg)]
    # Numbers, quoted terms and nouns take turns, so a test is not twenty numbers.
    rng.shuffle(candidates)
    turns: dict[str, list[_Span]] = {
        k: [sp for sp in candidates if sp.kind == k] for k in ("numeric", "quoted", "term")
    }
    candidates = [sp for group in _zip_longest(*turns.values()) for sp in group if sp is not None]
    out: list[Question] = []
    used_sentences: set[tuple[str, int]] = set()
    for sp in candidates:
        if len(out) >= n:
            break
        if (sp.chunk.chunk_id, sp.s) in used_sentences:
            continue
        kind = kinds[len(out) % len(kinds)]
        found = options[(sp.kind, sp.flag)]
        # Wrong options from the same document first: they sound like it, so the test is not guessed by style.
        same = [o for o, d in found.items() if d == sp.chunk.doc_id]
        other = [o for o, d in found.items() if d != sp.chunk.doc_id]
        q = _question(sp, kind, rng.sample(same, len(same)) + rng.sample(other, len(other)), corpus, rng)
        if q is not None:
            out.append(q)
            used_sentences.add((sp.chunk.chunk_id, sp.s))
    return out


def _question(sp: _Span, kind: str, pool: list[str], corpus: str, rng: random.Random) -> Question | None:
    sent = sp.chunk.text[sp.s : sp.e]
    answer = sp.answer
    stem = sp.chunk.text[sp.s : sp.a] + BLANK_MARK + sp.chunk.text[sp.b : sp.e]

    def wrong(option: str) -> bool:
        # Right only if some document says so: an option that also makes a true sentence is not a distractor.
        if option == answer or norm(option) == norm(answer) or option in sent or same_amount(option, answer):
            return False
        return norm(stem.replace(BLANK_MARK, option, 1)) not in corpus

    choices: list[str] = []
    for o in pool:
        if wrong(o):
            choices.append(o)
            if len(choices) == 3:
                break
    if len(choices) < 3:
        return None
    try:
        citation = make_citation(1, sp.chunk, sent)
    except ValueError:
        return None
    opts: list[str] = []
    if kind == CHOICE:
        opts = choices + [answer]
        rng.shuffle(opts)
    return Question(
        qid=f"{sp.chunk.chunk_id}#{sp.s}:{kind}",
        kind=kind,
        stem=stem,
        answer=answer,
        options=opts,
        citation=citation,
        topic=topic_of(sp.chunk),
        span_kind=sp.kind,
    )


def _clean(s: str) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    return re.sub(r"[\s\W_]+", "", s).lower()


def grade(q: Question, given: str) -> Graded:
    """Grade an answer: an option's text or letter for a choice, the missing words for a blank."""
    given = (given or "").strip()
    if q.kind == CHOICE and len(given) == 1 and given.upper() in LETTERS[: len(q.options)]:
        given = q.options[LETTERS.index(given.upper())]
    ok = bool(_clean(given)) and _clean(given) == _clean(q.answer)
    return Graded(correct=ok, given=given, expected=q.answer, question=q)


def quiz_for(index: Index, doc_ids: list[str] | None = None, n: int = 20, seed: int = 0) -> list[Question]:
    """Questions on the chosen documents (default all), wrong options from the whole knowledge base."""
    ready = [d for d in index.documents() if d.status == "ready"]
    pool = [c for d in ready for c in index.chunks_of(d.doc_id)]
    chosen = set(doc_ids) if doc_ids else {d.doc_id for d in ready}
    chunks = [c for c in pool if c.doc_id in chosen]
    return generate(chunks, pool=pool, n=n, seed=seed)


def option_label(q: Question, i: int) -> str:
    """`A. 一年` for the i-th option."""
    return f"{LETTERS[i]}. {q.options[i]}"
