"""Document routing: the names people use for a document, and the documents a question names.

People say 二十大报告, 党章, 公务员法, 2024年政府工作报告, not the full title
《在中国共产党第二十次全国代表大会上的报告》. Without routing, a question naming one
congress report or one year's work report is answered from a sibling of the same kind.
The names are derived from each document's title and metadata by the ways Chinese
official documents are abbreviated (the 中华人民共和国 prefix dropped, 第N次全国代表大会 →
N大, 章程 of the party → 党章, a work report by its issuer and year), not listed by hand.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from kb.answer.terms import is_place
from kb.store.document_number import DocumentNumber, document_numbers
from kb.store.tokenize import pos_tags

_CONGRESS = re.compile(r"第([一二三四五六七八九十]+)次全国代表大会")
_SHORT_CONGRESS = re.compile(r"([一二三四五六七八九十]+)大报告")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年?")
_CN_YEAR = re.compile(r"([〇一二三四五六七八九]{4})年")
_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,8}?(?:省|自治区|市|州|县|区))")
# A place written right before a document's name (and its year, _YEAR_TAIL) qualifies it: 深圳市2024年政府工作报告 is
# Shenzhen's report.
_PLACE_BEFORE = re.compile(r"([\u4e00-\u9fff]{2,6}(?:省|自治区|市|州|县|区))$")
# The year (and 度) between an issuer and a series name: 北京2024年政府工作报告.
_YEAR_TAIL = re.compile(r"(?:19|20)\d\d年?度?$")
# The national issuer written before a series name: its report is the one no place issued.
_NATIONAL = re.compile(r"(?:国务院|全国|中国|我国|国家|中央)$")
_CN = "〇一二三四五六七八九"
# Names that stand for a series with one document a year: the year decides which, or that none is here.
_DATED_NAMES = frozenset({"政府工作报告"})
# What a law's or regulation's title ends with, and the shortest everyday name cut from it (_law_short_names).
_LAW_END = re.compile(r"(?:法|条例)$")
_LAW_SHORT_MIN = 5
# What ends an issuer written before a code (四川 of 四川川办发, 财政部 of 财政部财办).
_ISSUER_END = re.compile(r"(?:部|委|局|厅|署|院|办|省|市|区|县|州|政府)$")
_REPORT_OF_YEAR = re.compile(r"((?:19|20)\d\d)\s*年?度?[\u4e00-\u9fff]{0,8}?政府工作报告")
_STRIP = re.compile(r"[《》〈〉“”\"'（）()\s·]")
_BODY_END = re.compile(r"(?:部|局|厅|委|委员会|政府|办公厅|办公室|中心|指挥部|领导小组|银行|医院|协会|商会|集团|公司)$")
_MARKS_BETWEEN = r"[《》〈〉“”\"'（）()\s·]*"
# Characters a question must keep after its document's name is cut, to be searched with instead of the whole.
_MIN_LEFT = 6
# The characters at the start of a document's text that hold its title block (title, occasion, date, author).
_TITLE_BLOCK = 200


def strip_marks(s: str) -> str:
    """A title without the marks and spaces people write around or inside it (《》, “”, （）, ·)."""
    return _STRIP.sub("", s)


def _fold(s: str) -> str:
    return strip_marks(unicodedata.normalize("NFKC", s or ""))


@dataclass(frozen=True)
class Named:
    """A document and a name it goes by."""

    doc_id: str
    name: str
    year: str  # the year the document is about or dates from, when known
    title: str = ""  # folded, to check a place that qualifies the name in a question


def _year_of(title: str, date: str, source: str) -> str:
    for s in (title, date, source):
        m = _YEAR.search(s or "")
        if m:
            return m.group(1)
        m = _CN_YEAR.search(s or "")
        if m:
            return "".join(str(_CN.index(c)) for c in m.group(1))
    return ""


def names_for(
    title: str, author: str = "", affiliation: str = "", date: str = "", source: str = "", head: str = ""
) -> set[str]:
    """The names people use for a document with this title, metadata and opening text (`head`: its title block,
    where a speech's main title is followed by ——在中国共产党第二十次全国代表大会上的报告)."""
    t = _fold(title)
    if not t:
        return set()
    # A short full title (通知, 公告) names a kind, not a document; a title that is only its issuer's name (a page
    # saved under 人力资源社会保障部) names the body, which questions name for what it decided anywhere.
    names = {t} if len(t) >= 6 and not _is_body(t) else set()
    short = t.removeprefix("中华人民共和国")
    if short != t and len(short) >= 2:
        names.add(short)
    names |= _law_short_names(short)
    h = _fold(head)
    m = _CONGRESS.search(t) or _CONGRESS.search(h) or _SHORT_CONGRESS.search(t)
    if m and ("报告" in t or "报告" in h):
        n = m.group(1)
        names |= {f"{n}大报告", f"党的{n}大报告", f"{n}大的报告"}
    if t in ("中国共产党章程",) or (t.startswith("中国共产党") and t.endswith("章程") and len(t) <= 12):
        names |= {"党章", "中国共产党章程"}
    if "政府工作报告" in t:
        year = _year_of(title, date, source)
        issuer = _PLACE.match(t)
        names.add("政府工作报告")
        if year:
            names |= {f"{year}年政府工作报告", f"{year}政府工作报告"}
        if issuer:
            names.add(f"{issuer.group(1)}政府工作报告")
            if year:
                names |= {f"{year}年{issuer.group(1)}政府工作报告", f"{issuer.group(1)}{year}年政府工作报告"}
    return {n for n in names if len(n) >= 2}


def _law_short_names(title: str) -> set[str]:
    """A law's or regulation's name without the nouns that open it, naming whom it governs: 政务处分法 for
    公职人员政务处分法, 纪律处分条例 for 中国共产党纪律处分条例, as officials and the press write them. Kept to
    five characters and two words or more: 处分条例 or 处分法 alone would name several laws."""
    if not _LAW_END.search(title):
        return set()
    words = pos_tags(title)
    out: set[str] = set()
    for i in range(1, len(words) - 1):
        if words[i - 1][1] not in ("n", "nt"):
            break  # only leading nouns are dropped: 监察法实施条例 keeps its 监察法
        rest = "".join(w for w, _ in words[i:])
        if len(rest) >= _LAW_SHORT_MIN:
            out.add(rest)
    return out


def _same_number(a: DocumentNumber, b: DocumentNumber) -> bool:
    """Whether two document numbers are one: year and serial equal, and one code ends the other (a place or body
    written before a code, 四川川办发 or 财政部财办, is still 川办发 or 财办), but a two-character code only after
    one of those (办发 is not 川办发 or 浙办发)."""
    if (a.year, a.serial) != (b.year, b.serial):
        return False
    short, long_ = sorted((a.code, b.code), key=len)
    if short == long_ or not long_.endswith(short):
        return short == long_
    before = long_[: -len(short)]  # 财政部 of 财政部财办, 四川 of 四川川办发: who issued it, written before its code
    return len(short) >= 3 or bool(_ISSUER_END.search(before)) or is_place(before)


class Router:
    """Finds the documents a question names, by the names of `names_for`."""

    def __init__(
        self, docs: Iterable[tuple[str, str, str, str, str, str, str]], numbers: Mapping[str, str] | None = None
    ) -> None:
        """`docs`: (doc_id, title, author, affiliation, date, source, head) of each ready document; `numbers`: each
        document's own number (文号) by doc_id, as ingest read it from its head (kb/store/authority.py), where known."""
        self.named: list[Named] = []
        # A number the document cites is not its own: only the one read from its head names it.
        self.numbers = [(d, n[0]) for d, text in (numbers or {}).items() if (n := document_numbers(text))]
        for doc_id, title, author, affiliation, date, source, head in docs:
            year = _year_of(title, date, source)
            for n in names_for(title, author, affiliation, date, source, head):
                self.named.append(Named(doc_id, n, year, _fold(title)))
        # Longest names first: 北京市政府工作报告 before 政府工作报告.
        self.named.sort(key=lambda x: len(x.name), reverse=True)
        self._uses: dict[tuple[str, str], bool] = {}

    def route(self, question: str, among: Iterable[str] | None = None) -> list[str] | None:
        """The documents the question names, or None when it names none (or names every document).

        `among`: the documents searched (a person's choice); the others are as if not in the knowledge base, so
        that 2024年政府工作报告 among chosen documents holding only the 2025 report routes to none.
        """
        q = _fold(question)
        scope = None if among is None else set(among)
        named = self.named if scope is None else [nd for nd in self.named if nd.doc_id in scope]
        hits: list[Named] = []
        covered: list[tuple[int, int]] = []
        other_issuer = False
        for nd in named:
            i = q.find(nd.name)
            # A name inside a longer name already matched (政府工作报告 in 北京市政府工作报告) adds nothing.
            if i < 0 or any(a <= i and i + len(nd.name) <= b for a, b in covered if (a, b) != (i, i + len(nd.name))):
                continue
            covered.append((i, i + len(nd.name)))
            if not _same_issuer(q[:i], nd):
                other_issuer = True  # 深圳市2024年政府工作报告 is not the State Council's 2024 report
                continue
            hits.append(nd)
        # A document number the question quotes (按财社〔2020〕2号文) names the document it is the number of.
        asked = document_numbers(question)
        numbered = [
            d for d, n in self.numbers if (scope is None or d in scope) and any(_same_number(n, a) for a in asked)
        ]
        if not hits and not numbered:
            # The question names a document of an issuer no document here is from: none answers it.
            return [] if other_issuer else None
        ids = list(dict.fromkeys([*numbered, *(h.doc_id for h in hits)]))
        # A year in the question picks among siblings: a work report dated Y reviews Y−1. When the question
        # names a dated kind of document (政府工作报告) for a year none of them covers, the named document is
        # not in the knowledge base: no document (an empty list) answers it.
        years = {m.group(1) for m in _YEAR.finditer(question)}
        dated_hits = [h for h in hits if h.year]
        attached = {m.group(1) for m in _REPORT_OF_YEAR.finditer(question)}
        if attached and dated_hits and all(any(d in h.name for d in _DATED_NAMES) for h in hits):
            # "2023年政府工作报告" is the report of 2023, not the 2024 report that reviews 2023.
            ids = list(dict.fromkeys(h.doc_id for h in dated_hits if h.year in attached))
        elif years and len(ids) > 1:
            dated = [h.doc_id for h in dated_hits if h.year in years or str(int(h.year) - 1) in years]
            if dated:
                ids = list(dict.fromkeys(dated))
        all_ids = {nd.doc_id for nd in named} if scope is None else scope
        return None if ids and set(ids) == all_ids else ids

    def unnamed(
        self,
        question: str,
        scope: Iterable[str] | None,
        titles: bool = True,
        text_of: Callable[[str], str] | None = None,
    ) -> str:
        """The question without the names of the documents it is searched in (二十大报告里说我们党有多少名党员 →
        里说我们党有多少名党员), when it names them and they are the whole scope; else the question.

        Within the named document a name only its title carries tells no passage from another, and on the lexical
        and dense side alike it pulls up the title block, which holds the name and seldom the answer. A name the
        document's own text uses (`text_of(doc_id)`, when given: the page 动力党建合力攻坚 writes of the 动力党建·合力攻坚
        project) is what the question is about, and stays; so does the question when too little would be left to search
        with (二十大报告讲了什么). `titles=False`: only the short names people use are cut, not a full title the
        question quotes: a notice's headline (山西省人社厅推行服务事项“不见面、网上办”) says what is asked, which
        the answerer weighs sentences by.
        """
        if scope is None:
            return question
        scope = set(scope)
        q = _fold(question)
        found = [nd for nd in self.named if nd.doc_id in scope and nd.name in q and (titles or nd.name != nd.title)]
        found_names = {nd.name for nd in found}
        if not found or not scope <= {nd.doc_id for nd in self.named if nd.name in found_names}:
            return question
        names = [nd.name for nd in found if text_of is None or not self._used(nd, text_of)]
        out = question
        for name in dict.fromkeys(names):  # longest first (the order of self.named)
            # The name as written: marks and spaces may sit between its characters (《二十大报告》, 党 章).
            out = re.sub(_MARKS_BETWEEN.join(map(re.escape, name)), " ", out)
        out = re.sub(r"[《》〈〉“”]\s*[《》〈〉“”]", " ", out)  # the marks the name left empty
        left = re.findall(r"[\u4e00-\u9fffA-Za-z0-9]", out)
        return " ".join(out.split()) if names and len(left) >= _MIN_LEFT else question

    def _used(self, nd: Named, text_of: Callable[[str], str]) -> bool:
        """Whether the document's text, past its title block, writes its name `nd.name` (kept: the router is rebuilt
        when a document changes, and a long report's text is not folded again for every question naming it)."""
        key = (nd.doc_id, nd.name)
        if key not in self._uses:
            self._uses[key] = nd.name in _fold(text_of(nd.doc_id)[_TITLE_BLOCK:])
        return self._uses[key]


def _is_body(title: str) -> bool:
    """Whether a title is a body's name alone (山东省人民政府, 国家税务总局辽宁省税务局): it ends as a body's name does
    and holds no verb (广西加紧建设自治区级定点收治医院 is a headline; 仲裁, 保障 are nouns in a name)."""
    return _BODY_END.search(title) is not None and not any(tag == "v" for _, tag in pos_tags(title))


def _same_issuer(before: str, nd: Named) -> bool:
    """False when a place written right before a series name (政府工作报告: every city and province has one a year)
    is not the document's (its title or name lacks it). Before a document's own title (重庆市大渡口区《…工作提醒》)
    the place only says who issued it: the title alone names the document."""
    if not any(d in nd.name for d in _DATED_NAMES):
        return True
    before = _YEAR_TAIL.sub("", before)
    if _NATIONAL.search(before):
        return _PLACE.match(nd.title) is None  # 国务院政府工作报告 is not Beijing's
    place = _place_before(before)
    if place is None:
        return True
    # The place is the shortest tail that is a place name (请问深圳市 → 深圳市), compared with the title and name.
    tails = [place[-n:] for n in range(min(3, len(place)), len(place) + 1)]
    return any(t in nd.title or t in nd.name for t in tails)


def _place_before(before: str) -> str | None:
    """The place that `before` (a question up to a series name, its year cut off) ends with: 深圳市 by its suffix;
    北京, 上海 (as people write them, without 市) when jieba takes the last word for a place name. 中国 is no issuer
    (it has no 中国市)."""
    m = _PLACE_BEFORE.search(before)
    if m:
        return m.group(1)
    tags = pos_tags(before[-8:])
    if tags and tags[-1][1] == "ns" and is_place(tags[-1][0]):
        return tags[-1][0]
    return None
