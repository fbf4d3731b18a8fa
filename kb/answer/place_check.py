"""Whether the documents an answer cites are about the place the question asks about.

A question naming a place (吉林省…水电气费最长可以延期多久) is often answered from the same kind of notice of another
place (遂宁市's): the measure is right for its place and wrong for the question. The key-term veto cannot see it, since
the place is named somewhere in the knowledge base. A cited document is another place's when its title names a place
(or, naming none, its issuer; a document without a title, its cited passage) and neither its title nor its text names
the one asked (上海市 found as 上海). A document of no place (a ministry's notice) speaks for every place, so an answer
citing one is not judged.

The knowledge base then searches again among the documents that name the asked place in their title or opening (the
place's own notices) before it refuses: the first search often prefers a sibling notice that words the same national
measure more closely (kb/service.py).

A document of the asked place may still report another's measure (广州's news citing 郑州地铁's): an answer whose every
sentence names another place of the same kind (郑州 for 广州, 增城区 for 从化区) and none the asked one is that
place's (`sentences_of_another_place`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.answer.sentences import without_datelines
from kb.answer.terms import is_place, place_stem
from kb.store.tokenize import in_dictionary, pos_tags

_TITLE = re.compile(r"《[^》]*》")
_WORD = re.compile(r"[\u4e00-\u9fff]")
# Words jieba tags as places (新建区, 高新区) that questions use as common words: 上海市新建了多少张床位.
_HOMOGRAPHS = frozenset({"新建", "高新", "开发", "城关"})
_PROPER_NAME_TAGS = frozenset({"nr", "nrt", "nz"})
_PLACE_HEAD = re.compile(r"[\u4e00-\u9fff]{2,7}?(?:省|市|自治区|自治州|县|区)")


def places_named(text: str) -> list[str]:
    """The places a text (a title, an issuer) names, as jieba tags them, in order; a body's name tagged whole
    (北京市人民政府, 江西省人民政府办公厅) names the place it begins with."""
    out = []
    for word, tag in pos_tags(text):
        if tag == "ns" and is_place(word):
            out.append(word)
        elif body := _body_place(word, tag):
            out.append(body)
    return list(dict.fromkeys(out))


# A port or an airport is its city's: 大连港's throughput does not answer for 青岛港.
_PORTS = ("港", "机场")


def _body_place(word: str, tag: str) -> str | None:
    """The place a body's name tagged whole begins with (北京市 of 北京市人民政府), or a port or airport tagged as a
    place whole (青岛 of 青岛港, 北京 of 北京首都机场), if it is one."""
    if tag == "ns" and word.endswith(_PORTS):
        return next((word[:k] for k in (2, 3) if len(word) > k and is_place(word[:k])), None)
    m = _PLACE_HEAD.match(word) if tag == "nt" else None
    return m.group(0) if m and is_place(m.group(0)) else None


def question_places(question: str) -> list[str]:
    """The places a question asks about (outside any 《title》 it quotes); of a place written right before another
    (北京密云区, 广东省深圳市) only the narrower one, which its documents name without the wider."""
    tags = [(w, t) for w, t in pos_tags(_TITLE.sub("，", question)) if w not in _HOMOGRAPHS]

    def place_at(i: int) -> bool:
        # jieba tags some county-level cities as people's names (河南巩义: 巩义/nr); right after a place, a proper
        # name that is a place with its suffix (巩义市) is one. Not a common noun: 农业县 makes no place of 农业.
        if i >= len(tags) or not is_place(tags[i][0]):
            return False
        return tags[i][1] == "ns" or (i > 0 and tags[i][1] in _PROPER_NAME_TAGS and place_at(i - 1))

    out = []
    for i, (word, tag) in enumerate(tags):
        if place_at(i) and not place_at(i + 1):
            out.append(word)
        elif body := _body_place(word, tag):
            # A body named whole (合肥市公安局, one word to jieba) asks about its place, as a document's issuer does
            # (`places_named`): 北京市公安局's notice does not give 合肥市公安局's number.
            out.append(body)
    return list(dict.fromkeys(out))


def names(text: str, place: str) -> bool:
    """Whether `text` names `place`, with or without its administrative suffix, or with its city's (苏州高新区, one
    word to jieba, written 苏州市高新区)."""
    return place in text or place_stem(place) in text or any(v in text for v in _with_city_suffix(place))


def _with_city_suffix(place: str) -> list[str]:
    """苏州高新区 -> [苏州市高新区]: a district named after its city, the city written with 市."""
    return [
        f"{place[:k]}市{place[k:]}"
        for k in (2, 3)
        if len(place) - k >= 2 and not place[:k].endswith(("市", "省")) and in_dictionary(f"{place[:k]}市")
    ]


def another_place(asked: list[str], cited: Iterable[tuple[str, str, str, str]]) -> tuple[str, str] | None:
    """(asked place, a cited document's place) when every cited document, given as (title, issuer, cited passage,
    text), is of a place (its title names one, else its issuer; a document without a title, its cited passage) and
    none names a place the question asks about (`asked`, its `question_places`); None otherwise."""
    docs = list(cited)
    if not asked or not docs:
        return None
    own: list[str] = []
    for title, issuer, passage, _ in docs:
        places = document_places(title, issuer, passage)
        if not places:
            return None  # a document of no place (national) may hold the answer for every place
        own.append(places[0])
    for place in asked:
        if not any(names(title, place) or names(text, place) for title, _, _, text in docs):
            return place, own[0]
    return None


def document_places(title: str, issuer: str, passage: str) -> list[str]:
    """The places a document is of: those its title names, else its issuer; a document without a title of words
    (crud_d218, a file's id), those of the passage cited, its dateline left out (新华社北京2月15日电 says where the
    news was filed, not what it is about). Empty for a document of no place (a ministry's notice). A titled one
    whose title names no place is its issuer's (a city paper's article: 中共株洲市直属机关工作委员会)."""
    if _WORD.search(title):
        return places_named(title) or places_named(issuer)
    return places_named(without_datelines(passage))


def of_another_place(asked: list[str], title: str, issuer: str, passage: str, text: str) -> bool:
    """Whether one document is of a place (`document_places`), none of the `asked` ones, and names none of them in
    its title or `text` (what it is judged by: a sentence of it, its passage, or its whole text)."""
    own = document_places(title, issuer, passage) if asked else []
    return bool(own) and not any(
        names(title, place) or names(text, place) or any(names(p, place) for p in own) for place in asked
    )


def sentences_of_another_place(asked: list[str], sentences: Iterable[str]) -> str | None:
    """A place of the asked kind (its last character: 州, 区, 县) that every sentence names, none naming an asked
    place; None when a sentence names an asked place or none of that kind, or nothing is asked."""
    found = None
    for s in sentences:
        if any(names(s, p) for p in asked):
            return None
        found = next((p for p in places_named(s) for a in asked if p != a and p[-1] == a[-1]), None)
        if found is None:
            return None
    return found


# A place asked for (在哪里登陆, 在哪个城市举办, 最先在哪个市试点, 设在哪个城市): answered only by a sentence naming a
# place the question does not. Passages on the event name its topic and other bodies without the place (会商研判台风
# “杜苏芮”发展趋势; 公司已在中国建立数据中心). 哪里 alone asks a place only of an event (在哪里登陆); 到哪里办理 asks an
# office, which kb/answer/features.py's contact check and the model judge. A venue asked (哪个场馆) is named by its own
# kind of word (体育中心, 大剧院).
_EVENTS = r"登陆|举办|举行|召开|开幕|落户|建设|建成|开工|发生|试点|上市"
_EVENT = re.compile(rf"(?:{_EVENTS})")
# An event's words, as a sentence may name it for the one asked (在哪里举办 answered by …在北京举行).
_EVENT_WORDS = (("举办", "举行", "召开", "开幕"), ("建设", "建成", "开工"))
_ASKS_PLACE = re.compile(
    rf"在哪里(?=(?P<event>{_EVENTS}))"
    r"|哪(?:个|座|一个)(?P<kind>城市|省份|省|市州|市|县市|县区|区县|区|县|地区|国家|场馆|体育馆|会场)"
)
_VENUE = re.compile(r"[\u4e00-\u9fff]{2,}(?:馆|中心|体育场|剧院|会堂|广场|酒店|宾馆|会展|礼堂)")


# A rank asked with the place (排名第二的是哪个城市, 全省第一是哪个市州): the place answers only beside the rank. Only the
# rank the ask follows (第十次主席会议…支持哪座城市 asks no rank).
_RANK = re.compile(r"(第[一二三四五六七八九十0-9]+|首位|榜首|之首)(?:名|位)?的?是哪")


def asks_place(question: str) -> str | None:
    """The kind of place a question asks for (城市 of 在哪个城市举办, "" for 在哪里登陆), or None."""
    m = _ASKS_PLACE.search(question)
    return None if m is None else m.group("kind") or ""


def gives_place(text: str, question: str, kind: str) -> bool:
    """Whether `text` names a place `question` does not (a venue, for a venue asked), beside the rank the question
    asks of it if any; or says where the asked event is held in its own words (在…综合体举行 for 在哪里举行)."""
    rank = _RANK.search(question)
    if rank and rank.group(1) not in text:
        return False
    asked = _ASKS_PLACE.search(question)
    event = asked.group("event") if asked else None
    if asked and event is None:
        # 在福建哪个县市登陆: the event after the kind asked.
        after = _EVENT.match(question, asked.end())
        event = after.group(0) if after else None
    if event and re.search(rf"在[^，,。；;？?]{{2,30}}?{event}", text):
        return True
    if kind in ("场馆", "体育馆", "会场"):
        return any(m.group(0) not in question for m in _VENUE.finditer(text))
    if event:
        # Where an event took place is said in the clause naming it (在福建晋江沿海登陆): the places a briefing on the
        # typhoon names (视频连线福建、广东…省份防指; 具有登陆强度大…等不利因素，西南地区降雨持续) are whom it spoke to or
        # where it rains, not where it landed.
        words = next((g for g in _EVENT_WORDS if event in g), (event,))
        text = "。".join(c for c in re.split(r"[，,。；;！!？?\n]", text) if any(w in c for w in words))
    return any(not names(question, p) for p in places_named(text))
