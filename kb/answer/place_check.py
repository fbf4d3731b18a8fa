"""Whether the documents an answer cites are about the place the question asks about.

A question naming a place (吉林省…水电气费最长可以延期多久) is often answered from the same kind of notice of another
place (遂宁市's): the measure is right for its place and wrong for the question. The key-term veto cannot see it, since
the place is named somewhere in the knowledge base. A cited document is another place's when its title names a place
and neither its title nor its text names the one asked (上海市 found as 上海). A document whose title names no place
(a ministry's notice) speaks for every place, so an answer citing one is not judged.

The knowledge base then searches again among the documents that name the asked place in their title or opening (the
place's own notices) before it refuses: the first search often prefers a sibling notice that words the same national
measure more closely (kb/service.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.answer.sentences import without_datelines
from kb.answer.terms import is_place, place_stem
from kb.store.tokenize import pos_tags

_TITLE = re.compile(r"《[^》]*》")
_WORD = re.compile(r"[\u4e00-\u9fff]")


def places_named(text: str) -> list[str]:
    """The places a text (a title, a question) names, as jieba tags them, in order."""
    return list(dict.fromkeys(w for w, tag in pos_tags(text) if tag == "ns" and is_place(w)))


def question_places(question: str) -> list[str]:
    """The places a question asks about (outside any 《title》 it quotes); of a place written right before another
    (北京密云区, 广东省深圳市) only the narrower one, which its documents name without the wider."""
    tags = pos_tags(_TITLE.sub("，", question))
    out: list[str] = []
    for i, (word, tag) in enumerate(tags):
        if tag != "ns" or not is_place(word):
            continue
        after = tags[i + 1] if i + 1 < len(tags) else ("", "")
        if after[1] == "ns" and is_place(after[0]):
            continue
        out.append(word)
    return list(dict.fromkeys(out))


def names(text: str, place: str) -> bool:
    """Whether `text` names `place`, with or without its administrative suffix."""
    return place in text or place_stem(place) in text


def another_place(question: str, cited: Iterable[tuple[str, str, str]]) -> tuple[str, str] | None:
    """(asked place, a cited document's place) when every cited document, given as (title, cited passage, text), is
    of a place (its title names one; a document without a title, its cited passage) and none names a place the question
    asks about; None otherwise."""
    asked = question_places(question)
    docs = list(cited)
    if not asked or not docs:
        return None
    own: list[str] = []
    for title, passage, _ in docs:
        # A document without a title of words (crud_d218, a file's id) is judged by the passage cited, its dateline
        # left out: 新华社北京2月15日电 says where the news was filed, not what it is about.
        places = places_named(title) if _WORD.search(title) else places_named(without_datelines(passage))
        if not places:
            return None  # a document of no place (national) may hold the answer for every place
        own.append(places[0])
    for place in asked:
        if not any(names(title, place) or names(text, place) for title, _, text in docs):
            return place, own[0]
    return None
