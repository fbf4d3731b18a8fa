"""Question vocabulary: aliases, number forms, and the key terms a passage must hold.

Why our own code: policy questions write `GDP`, `2035年`, `支委会` where the
documents write `国内生产总值`, `二〇三五年`, `支部委员会`, and no installable
model bridges that for Chinese; a small alias table and number folding do.
The key terms (a document title in 《》, a place, a year, a Latin token, a
rare noun) are what makes a question about *this* corpus or not: when one of
them is nowhere in the evidence, the honest answer is a refusal.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kb.answer.numbers import chinese_number, digit_by_digit, ordinal_forms
from kb.store.tokenize import pos_tags, search_parts

ALIASES_FILE = Path(__file__).with_name("aliases.toml")

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")
_LATIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+\-]*[A-Za-z][A-Za-z0-9.+\-]*|[A-Za-z]{2,}")
_TITLE = re.compile(r"《([^《》]{2,40})》")
_QUOTED = re.compile(r"[“\"「]([^”\"」]{2,30})[”\"」]")
# A numbered event ("第二届全国人力资源服务业发展大会", "第二十四届中国专利金奖") is one specific thing.
_EVENT = re.compile(
    r"第[一二三四五六七八九十百\d]+[届次](?:[^，。？！、\s“”]{0,20}?)(?:大会|大赛|会议|论坛|博览会|峰会|展览会|运动会|金奖|奖|赛)"
)
# An article of a law or rule (第一百四十八条, 第34条): a constitution without a 148th article does not answer for it.
_ARTICLE = re.compile(r"第([一二三四五六七八九十百千零〇两\d]{1,8})条")
_ASKS = re.compile(
    r"[哪怎几谁啥]|什么|多[少长久大远高重]|何时|时候"
)  # question words are not topics, whatever jieba tags them
_PLACE_SUFFIX = ("省", "市", "县", "区", "州", "镇", "乡")
# Parts of speech that name a thing (jieba's tags): a missing one is a missing topic, a missing verb is wording.
_NOUN_TAGS = {"n", "nz", "nt", "nr", "l", "vn", "an", "t"}


@lru_cache(maxsize=4)
def load_aliases(path: Path = ALIASES_FILE) -> dict[str, tuple[str, ...]]:
    """The alias table: a short or everyday form -> the forms documents use."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {k.lower(): tuple(v) for k, v in data.get("aliases", {}).items()}


@lru_cache(maxsize=256)
def article_forms(term: str) -> tuple[str, ...]:
    """An article number as documents may write it: 第148条 and 第一百四十八条.

    Remembered: the key-term check asks for every top passage of a question."""
    m = _ARTICLE.fullmatch(term)
    if not m:
        return (term,)
    return tuple(dict.fromkeys([term, *ordinal_forms(m.group(1), "条")]))


def number_forms(token: str) -> list[str]:
    """The forms an Arabic number is written in Chinese documents: 2035 -> 二〇三五; 18 -> 十八."""
    if not token.isdigit() or len(token) > 4:
        return []
    forms = []
    if len(token) == 4:
        forms.append(digit_by_digit(token))
    if int(token) < 10000 and not (len(token) == 4 and token.startswith(("19", "20"))):
        forms.append(chinese_number(int(token)))
    return forms


def variants(term: str) -> list[str]:
    """The term and the other forms that count as the same term in a passage."""
    t = term.lower()
    return [term, *load_aliases().get(t, ()), *number_forms(t)]


def expand_query(question: str) -> str:
    """The question followed by the document forms of its aliases, so retrieval finds those too."""
    extra: list[str] = []
    low = question.lower()
    for short, full in load_aliases().items():
        if short in low:
            extra.extend(f for f in full if f not in question and f not in extra)
    # Reports write years in Chinese digits (二〇三五年); lexical search needs that form to find them.
    for m in _YEAR.finditer(question):
        extra.extend(number_forms(m.group(1)))
    return f"{question} {' '.join(extra)}" if extra else question


@dataclass(frozen=True)
class KeyTerm:
    """A term that pins a question to a topic: if the evidence lacks it, the evidence is about something else."""

    kind: str  # title | quoted | event | year | latin | article | place | noun | number
    text: str


def key_terms(question: str) -> list[KeyTerm]:
    """Document titles, years, Latin tokens, places and rare-looking nouns of a question."""
    out: list[KeyTerm] = []
    q = question
    for m in _TITLE.finditer(q):
        out.append(KeyTerm("title", m.group(1)))
    q_wo_titles = _TITLE.sub(" ", q)
    for m in _QUOTED.finditer(q_wo_titles):
        out.append(KeyTerm("quoted", m.group(1)))
    for m in _EVENT.finditer(q_wo_titles):
        out.append(KeyTerm("event", m.group(0)))
    for m in _YEAR.finditer(q_wo_titles):
        out.append(KeyTerm("year", m.group(1)))
    for m in _ARTICLE.finditer(q_wo_titles):
        out.append(KeyTerm("article", m.group(0)))
    for m in _LATIN.finditer(q_wo_titles):
        out.append(KeyTerm("latin", m.group(0)))
    for word, tag in pos_tags(q_wo_titles):
        if _ASKS.search(word):
            continue
        if tag == "ns" and is_place(word):
            out.append(KeyTerm("place", word))
        elif tag in _NOUN_TAGS and len(word) >= 3 and not _LATIN.fullmatch(word):
            out.append(KeyTerm("noun", word))
    return out


def is_place(word: str) -> bool:
    """Whether a word jieba tags as a place (ns) is one."""
    # jieba tags some verbs as places (上岗/ns); a real place name also exists with an administrative suffix.
    from kb.store.tokenize import in_dictionary

    # 城市, 都市 end like places but are common nouns: a suffix only counts after a name of two characters or more.
    # Regions are named without 自治区 or 特别行政区 as often as with them (内蒙古, 西藏, 香港).
    return (len(word) >= 3 and word.endswith(_PLACE_SUFFIX)) or (
        len(word) >= 2 and any(in_dictionary(word + s) for s in ("市", "省", "县", "自治区", "特别行政区"))
    )


# Suffixes of more than one character, cut whole: 北京地区 is 北京, not 北京地.
_LONG_PLACE_SUFFIX = ("特别行政区", "自治区", "自治州", "自治县", "地区", "新区")


def place_stem(word: str) -> str:
    """深圳市 -> 深圳, 北京地区 -> 北京: documents say 深圳 as often as 深圳市."""
    long_ = next((s for s in _LONG_PLACE_SUFFIX if word.endswith(s) and len(word) - len(s) >= 2), None)
    if long_:
        return word[: -len(long_)]
    return word[:-1] if len(word) > 2 and word.endswith(_PLACE_SUFFIX) else word


def noun_parts(word: str) -> list[str]:
    """The dictionary words inside a compound noun (财政赤字 -> 财政, 赤字), for a partial-presence check."""
    return [p for p in search_parts(word) if p != word]
