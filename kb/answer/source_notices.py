"""Warnings under an answer about where it came from (called by KnowledgeBase after the answer is built).

- a cited document is outdated (已修订, 已废止) or cites a repealed law (kb/store/authority.py says which);
- another version of a cited document words the cited article differently ("旧版本…第十二条的表述不同").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kb.store.authority import Standing, store_for, version_key

if TYPE_CHECKING:
    from kb.store.index import Index
    from kb.types import Answer

_ARTICLE = re.compile(r"第[一二三四五六七八九十百千零〇\d]+条")
_SENTENCE = re.compile(r"[^。；！？]+[。；！？]?")
_EXCERPT_CHARS = 120


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _article(heading_path: str) -> str:
    last = heading_path.split(">")[-1].strip() if heading_path else ""
    m = _ARTICLE.match(last)
    return m.group(0) if m else ""


def _article_texts(index: Index, doc_ids: list[str], article: str) -> dict[str, str]:
    """The article's text in each document (one query for all: a law may have many versions)."""
    found = index.manifest.chunks_headed(doc_ids, article)
    return {
        d: "".join(dict.fromkeys(c.text for c in found.get(d, []) if _article(c.heading_path) == article))
        for d in doc_ids
    }


def _first_difference(theirs: str, mine: str) -> str:
    """The first sentence of `theirs` that `mine` does not contain, as an excerpt."""
    squashed = _squash(mine)
    for s in _SENTENCE.findall(theirs):
        if _squash(s) and _squash(s) not in squashed:
            s = s.strip()
            return s if len(s) <= _EXCERPT_CHARS else s[:_EXCERPT_CHARS] + "…"
    return theirs.strip()[:_EXCERPT_CHARS]


def _version_notes(index: Index, doc_id: str, heading_path: str, standings: dict[str, Standing]) -> list[str]:
    me = standings[doc_id]
    article = _article(heading_path)
    if len(me.versions) < 2 or not article:
        return []
    others = [v for v in me.versions if v != doc_id and v in standings]
    texts = _article_texts(index, [doc_id, *others], article)
    mine = texts[doc_id]
    notes = []
    for other in others:
        them = standings[other]
        theirs = texts[other]
        which = (
            "旧版本"
            if version_key(them.meta) <= version_key(me.meta)
            else "现行版本"
            if not them.outdated
            else "另一版本"
        )
        name = f"{which}《{them.title}》（{them.version_label() or them.source}）"
        if not theirs:
            notes.append(f"{name}没有{article}。")
        elif _squash(theirs) != _squash(mine):
            notes.append(f"{name}{article}的表述不同：“{_first_difference(theirs, mine)}”")
    return notes


def add_source_notices(index: Index, answer: Answer) -> Answer:
    """Fill `answer.notices` from its citations' documents; returns the answer."""
    if answer.refused or not answer.citations:
        return answer
    docs = [d for d in index.documents() if d.status == "ready"]
    standings = store_for(index).standings(docs)
    notes: list[str] = []
    for c in answer.citations:
        doc_id = c.chunk_id.rsplit(":", 1)[0]
        s = standings.get(doc_id)
        if s is None:
            continue
        notes += s.warnings
        notes += _version_notes(index, doc_id, c.heading_path, standings)
    answer.notices = list(dict.fromkeys(answer.notices + notes))
    return answer
