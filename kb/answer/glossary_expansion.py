"""A question's glossary terms, expanded for lexical search by their definitions.

Pure, and apart from the glossary store (kb/learn/glossary.py), so the service receives only a
term -> definition mapping and never imports the workflow that builds it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping


def _fold(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


_SHORTHAND = re.compile(r"[一二三四五六七八九十两双百千万\d]")


def expand_query(question: str, definitions: Mapping[str, str] | None) -> str:
    """The question followed by the definition of each glossary term it uses (longest terms first)."""
    if not definitions or not question:
        return question
    folded = _fold(question)
    extra: list[str] = []
    for term in sorted(definitions, key=len, reverse=True):
        # Only numbered shorthand (四风, 三高四新) is opaque to search; a law's defined word (公务员) is
        # everywhere already, and its definition only adds noise (dev set: answer-hit 0.875 -> 0.854).
        if not _SHORTHAND.search(term):
            continue
        if _fold(term) in folded and definitions[term]:
            extra.append(f"{term}：{definitions[term]}")
            folded = folded.replace(_fold(term), " ")  # 三高四新 found, its parts need no second expansion
    return question if not extra else question + " " + " ".join(extra)
