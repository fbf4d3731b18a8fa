"""Split a multi-article newspaper page into its articles, undoing column-order mistakes.

Text extracted from a multi-column page comes out partly out of order: fragments
of an article sit before its title, or inside a neighbouring article, and an
author line may close an article other than the one it follows. Titles and
author lines are recognised by their shape; paragraphs that are out of place are
given back to the article whose vocabulary (char bigrams, TF-IDF) they share.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.cleaning import join_broken_paragraphs
from kb.types import Section

_TITLE_MAX = 40
# A title never holds a full stop; commas and spaces are fine ("党建引领深融合 合力攻坚争一流").
_NOT_IN_TITLE = re.compile(r"[。！？!?；;：:]")
_SUBTITLE = re.compile(r"^(?:——|—|--)")
# A byline: a person's name of 2–4 Chinese characters, sometimes spread out with spaces ("习　近　平").
_NAME = re.compile(r"^[\u4e00-\u9fff](?:[ \t\u3000]*[\u4e00-\u9fff]){1,3}$")
# "本报记者 张三 李四", "通讯员 王五", "文/赵六": a reporter's byline may name several people.
_BYLINE_PREFIX = re.compile(r"^(?:(?:本报|特约)?(?:记者|通讯员)|文\s*[/／|｜:：])[ \t\u3000]*")
_NAME_SEPARATORS = re.compile(r"[ \t\u3000、，,]+")
# Short labels that look like a name but head a part of a page or document.
_NOT_NAMES = frozenset(
    {"编者按", "按语", "编后", "编后语", "序言", "总纲", "总则", "附则", "前言", "引言", "结语", "结束语", "后记"}
    | {"目录", "摘要", "附件", "说明", "导语", "小结", "正文", "评论", "短评"}
)
# "(作者系…)", "（作者单位：…）", "（作者：…）".
_AUTHOR_LINE = re.compile(r"^[（(]\s*作者\s*(?:系|单位\s*[：:]?|简介\s*[：:]|为|是|[：:])?\s*(?P<aff>.*?)\s*[）)]$")
# A paragraph ending with one of these finished its sentence.
_FINAL = frozenset("。！？!?；;：:…”’」』）)】")
# Shorter paragraphs without final punctuation are headings rather than prose cut by a column break.
_MIN_CUT_LEN = 40
_CJK_OR_ALNUM = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")

# Scoring knobs (cosine similarities of char-bigram TF-IDF vectors are mostly 0.05–0.4).
_SWITCH_PENALTY = 0.08  # consecutive floating paragraphs usually come from the same column
_CONTINUITY_BONUS = 0.1  # an article cut mid-sentence is the likely home of the next floating paragraph
_CLOSE_MARGIN = 0.1  # an author line closes another article than the current one only on clearly better overlap


@dataclass
class _Article:
    title: int  # paragraph index of the title line
    name: int  # paragraph index of the byline
    subtitle: int | None = None
    author_line: int | None = None
    closed_at: int | None = None  # paragraph index of the author line that closed it
    head: list[int] = field(default_factory=list)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n[ \t\u3000]*\n", text) if p.strip()]


def _is_title(p: str) -> bool:
    return (
        len(p) <= _TITLE_MAX
        and not _NOT_IN_TITLE.search(p)
        and not _SUBTITLE.match(p)
        and not p.startswith(("（", "("))  # a date or note line such as "（2022年10月16日）"
        and _CJK_OR_ALNUM.search(p) is not None
    )


def _byline_names(p: str) -> str | None:
    """The author name(s) a byline paragraph gives, or None when it is not a byline."""
    prefix = _BYLINE_PREFIX.match(p)
    if prefix is None:
        name = re.sub(r"\s", "", p)
        return name if _NAME.match(p) and name not in _NOT_NAMES else None
    names = [n for n in _NAME_SEPARATORS.split(p[prefix.end() :]) if n]
    if names and all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", n) for n in names):
        return "、".join(names)
    return None


def _is_name(p: str) -> bool:
    return _byline_names(p) is not None


def _is_subtitle(p: str) -> bool:
    return bool(_SUBTITLE.match(p)) and len(p) <= _TITLE_MAX + 10


def _ends_mid_sentence(p: str) -> bool:
    """True for prose that a column break cut before its sentence ended."""
    return len(p) >= _MIN_CUT_LEN and p[-1] not in _FINAL


def _find_articles(paras: list[str]) -> list[_Article]:
    """Title blocks: a title line, an optional "——" subtitle, then a byline."""
    found: list[_Article] = []
    i = 0
    while i < len(paras) - 1:
        if _is_title(paras[i]):
            if _is_name(paras[i + 1]):
                found.append(_Article(title=i, name=i + 1, head=[i, i + 1]))
                i += 2
                continue
            if i + 2 < len(paras) and _is_subtitle(paras[i + 1]) and _is_name(paras[i + 2]):
                found.append(_Article(title=i, subtitle=i + 1, name=i + 2, head=[i, i + 1, i + 2]))
                i += 3
                continue
        i += 1
    return found


def _bigrams(text: str) -> Counter[str]:
    chars = [c if _CJK_OR_ALNUM.match(c) else " " for c in text]
    return Counter(a + b for a, b in itertools.pairwise(chars) if a != " " and b != " ")


class _Vocabulary:
    """TF-IDF weights of char bigrams over the page's articles."""

    def __init__(self, docs: list[str]) -> None:
        df: Counter[str] = Counter()
        for d in docs:
            df.update(set(_bigrams(d)))
        n = max(len(docs), 1)
        self._idf = {b: math.log(1 + n / c) for b, c in df.items()}
        self._unseen = math.log(1 + n)

    def idf(self, bigram: str) -> float:
        return self._idf.get(bigram, self._unseen)

    def vector(self, text: str) -> dict[str, float]:
        v = {b: (1 + math.log(c)) * self.idf(b) for b, c in _bigrams(text).items()}
        norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
        return {b: w / norm for b, w in v.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(k, 0.0) for k, w in a.items())


def _affiliation(line: str) -> str:
    m = _AUTHOR_LINE.match(line)
    return m.group("aff") if m else ""


class _Page:
    """The state of one page while its paragraphs are given to articles."""

    def __init__(self, paras: list[str], articles: list[_Article]) -> None:
        self.paras = paras
        self.articles = articles
        self.owner: list[int | None] = [None] * len(paras)  # article index, -1 for the page header
        self.floating = [False] * len(paras)
        # IDF from a first guess (each paragraph to the latest title) so that page-wide words weigh little.
        starts = [a.title for a in articles] + [len(paras)]
        docs = ["\n".join(paras[: starts[0]])] + ["\n".join(paras[s:e]) for s, e in itertools.pairwise(starts)]
        self.vocab = _Vocabulary(docs)

    def profile(self, k: int, exclude: frozenset[int] = frozenset()) -> str:
        """Title, subtitle and the paragraphs given to article k so far."""
        a = self.articles[k]
        idx = [a.title] + ([a.subtitle] if a.subtitle is not None else [])
        idx += [i for i, o in enumerate(self.owner) if o == k and i not in a.head and i not in exclude]
        return "\n".join(self.paras[i] for i in idx)

    def assign_in_page_order(self) -> None:
        """Each paragraph to the latest title; author lines close an article; paragraphs after one float."""
        by_start = {a.title: k for k, a in enumerate(self.articles)}
        current = -1
        floating = False
        i = 0
        while i < len(self.paras):
            if i in by_start:
                current = by_start[i]
                for h in self.articles[current].head:
                    self.owner[h] = current
                i = self.articles[current].head[-1] + 1
                floating = False
                continue
            if _AUTHOR_LINE.match(self.paras[i]):
                self._close(i, current)
                floating = True
            elif floating:
                self.floating[i] = True
            else:
                self.owner[i] = current
            i += 1

    def _tail(self, i: int, k: int) -> list[int]:
        """Paragraphs of article k just before i, back to a column break; empty when there is none."""
        tail: list[int] = []
        j = i - 1
        while j >= 0 and self.owner[j] == k and j not in self.articles[k].head:
            tail.append(j)
            if j - 1 >= 0 and _ends_mid_sentence(self.paras[j - 1]) and not _is_title(self.paras[j]):
                return tail
            j -= 1
        return []

    def _close(self, i: int, current: int) -> None:
        """Give author line i to the open article it describes; move a misplaced tail along with it."""
        open_ = [k for k, a in enumerate(self.articles) if a.closed_at is None and a.title < i]
        if not open_:  # a stray author line: keep it with the text it follows
            self.owner[i] = current
            return
        aff = _bigrams(_affiliation(self.paras[i]) or self.paras[i])
        tail = frozenset(self._tail(i, current)) if current in open_ else frozenset()
        total = sum(self.vocab.idf(b) for b in aff) or 1.0

        def overlap(k: int) -> float:
            # The current article's own tail is left out: if the line belongs elsewhere, so does the tail.
            prof = _bigrams(self.profile(k, exclude=tail if k == current else frozenset()))
            return sum(self.vocab.idf(b) for b in aff if b in prof) / total

        scores = {k: overlap(k) for k in open_}
        best = max(open_, key=lambda k: (scores[k], k == current))
        if current in scores and best != current and scores[best] < scores[current] + _CLOSE_MARGIN:
            best = current
        if best != current and current in scores:
            for j in tail:
                self.owner[j] = best
        self.owner[i] = best
        self.articles[best].author_line = i
        self.articles[best].closed_at = i

    def _last_body_before(self, k: int, i: int) -> int | None:
        for j in range(i - 1, -1, -1):
            if self.owner[j] == k and j not in self.articles[k].head and not self.floating[j]:
                return j
        return None

    def place_floating(self) -> None:
        """Give each run of floating paragraphs to open articles by similarity, with stickiness (Viterbi)."""
        vectors = [self.vocab.vector(self.profile(k)) for k in range(len(self.articles))]
        i = 0
        while i < len(self.paras):
            if not self.floating[i]:
                i += 1
                continue
            run = [i]
            while run[-1] + 1 < len(self.paras) and self.floating[run[-1] + 1]:
                run.append(run[-1] + 1)
            states = [k for k, a in enumerate(self.articles) if a.closed_at is None or a.closed_at > i]
            if not states:
                states = list(range(len(self.articles)))
            emissions = []
            for t, j in enumerate(run):
                v = self.vocab.vector(self.paras[j])
                row = [_cosine(v, vectors[k]) for k in states]
                if t == 0:
                    for s, k in enumerate(states):
                        last = self._last_body_before(k, j)
                        if last is not None and _ends_mid_sentence(self.paras[last]):
                            row[s] += _CONTINUITY_BONUS
                emissions.append(row)
            for j, s in zip(run, _viterbi(emissions, _SWITCH_PENALTY)):
                self.owner[j] = states[s]
            i = run[-1] + 1


def _viterbi(emissions: list[list[float]], switch_penalty: float) -> list[int]:
    """The state sequence maximising total emission minus a penalty per change of state."""
    n_states = len(emissions[0])
    score = list(emissions[0])
    back: list[list[int]] = []
    for row in emissions[1:]:
        best_prev = max(range(n_states), key=lambda s: score[s])
        new_score, pointers = [], []
        for s in range(n_states):
            stay = score[s]
            switch = score[best_prev] - switch_penalty
            if stay >= switch:
                new_score.append(stay + row[s])
                pointers.append(s)
            else:
                new_score.append(switch + row[s])
                pointers.append(best_prev)
        score = new_score
        back.append(pointers)
    path = [max(range(n_states), key=lambda s: score[s])]
    for pointers in reversed(back):
        path.append(pointers[path[-1]])
    return path[::-1]


def _header_title(paras: list[str]) -> str:
    if paras and _is_title(paras[0]):
        return paras[0]
    return "编者按" if "编者按" in paras else "版头"


def split_articles(text: str) -> list[Section] | None:
    """Articles of a multi-article newspaper page, or None when the text is a single document."""
    paras = _paragraphs(text)
    articles = _find_articles(paras)
    if len(articles) < 2 or not any(_AUTHOR_LINE.match(p) for p in paras):
        return None
    page = _Page(paras, articles)
    page.assign_in_page_order()
    page.place_floating()

    sections: list[Section] = []
    header = [p for p, o in zip(paras, page.owner) if o == -1 or o is None]
    if header:
        location = "编者按" if "编者按" in header else "版头"
        sections.append(Section(title=_header_title(header), text="\n\n".join(header), location=location))
    for k, a in enumerate(articles):
        head = [paras[i] for i in a.head]
        # The author line goes right under the byline, so the article's first chunk says who wrote it and in what role.
        if a.author_line is not None:
            head.append(paras[a.author_line])
        body_idx = [i for i, o in enumerate(page.owner) if o == k and i not in a.head and i != a.author_line]
        body = join_broken_paragraphs([paras[i] for i in body_idx])
        sections.append(
            Section(
                title=paras[a.title],
                text="\n\n".join(head + body),
                author=_byline_names(paras[a.name]) or "",
                affiliation=_affiliation(paras[a.author_line]) if a.author_line is not None else "",
                location=f"第{k + 1}篇",
            )
        )
    return sections
