"""Jieba tokens for lexical search and for weighing question terms.

jieba is imported and its dictionary loaded (about a second) on first use, once
per process, so importing `kb` stays light.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from types import ModuleType

# Function words that match almost every passage; single characters that carry a topic (党, 法, 税) stay.
STOPWORDS = frozenset("的了和与及或是在有等之也就都而其把被对这那个着吗呢吧啊呀地得所于并且从向") | frozenset(
    ("a", "an", "the", "of", "and", "or", "to", "in", "on", "is", "are", "be")
)

_lock = threading.Lock()
_jieba: ModuleType | None = None


def _load() -> ModuleType:
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(60)  # silence "Building prefix dict..." on stderr
                jieba.initialize()
                _jieba = jieba
    return _jieba


def _is_content(token: str) -> bool:
    return any(ch.isalnum() for ch in token) and token not in STOPWORDS


def tokenize(text: str) -> list[str]:
    """Search tokens of a text: jieba's search-mode cut, NFKC-folded, lower-cased, without punctuation and stopwords."""
    if not text:
        return []
    # NFKC folds full-width digits and letters (２０１７, ＧＤＰ) onto the forms people type.
    folded = unicodedata.normalize("NFKC", text).lower()
    return [t for t in (w.strip() for w in _load().lcut_for_search(folded)) if _is_content(t)]


def add_terms(terms: Iterable[str]) -> None:
    """Teach jieba domain terms (e.g. glossary entries) so they come out as single tokens."""
    jieba = _load()
    for term in terms:
        term = unicodedata.normalize("NFKC", term).strip().lower()
        if term:
            jieba.add_word(term)


def pos_tags(text: str) -> list[tuple[str, str]]:
    """jieba's words with their part-of-speech tags (ns place, n noun, v verb, ...)."""
    _load()
    import jieba.posseg as pseg

    return [(w.word, w.flag) for w in pseg.lcut(unicodedata.normalize("NFKC", text or ""))]


def search_parts(word: str) -> list[str]:
    """jieba's search-mode pieces of a word (财政赤字 -> 财政, 赤字, 财政赤字)."""
    return _load().lcut_for_search(word)


def in_dictionary(word: str) -> bool:
    """Whether jieba's dictionary knows the word."""
    return bool(_load().dt.FREQ.get(word))


def word_starts(text: str) -> set[int]:
    """Offsets where jieba starts a word: 此 in 因此 or 其 in 尤其 is inside a word, not a pronoun."""
    return {start for _, start, _ in _load().tokenize(text or "")}


def word_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of `pattern` in `text` that is not astride two words: 免职 in 避免职工 begins inside 避免 and
    ends inside 职工, so it names no dismissal. A match needs one of its ends on a word's edge, not both: 徒刑 is the
    tail of 有期徒刑."""
    starts: set[int] | None = None
    for m in pattern.finditer(text):
        if starts is None:
            starts = word_starts(text) | {len(text)}
        if m.start() in starts or m.end() in starts:
            return m
    return None
