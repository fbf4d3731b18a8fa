"""Guess a document's title, date or version, author and type from its clean text and file name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass
class DocMeta:
    """What a citation shows about a document besides its text."""

    title: str
    author: str = ""
    affiliation: str = ""
    date: str = ""  # date or version, e.g. "2018年修正", "2017年10月24日通过", "2024年3月5日"
    doc_type: str = ""  # "法律法规" | "党内法规" | "工作报告" | "报刊文章" | "其他"


_DATE = r"\d{4}年\d{1,2}月\d{1,2}日"
_DATED_LINE = re.compile(rf"^({_DATE})\s*(.*)$")  # "2018年12月29日 第十三届……修订"
_PAREN_DATE = re.compile(rf"^[（(][^）)]*?({_DATE})(通过|修订|修正|公布|施行|发布|印发)?[^）)]*[）)]$")
_DASH_DATE = re.compile(rf"^——.*?({_DATE})")
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_SENTENCE_PUNCT = re.compile(r"[。！？!?；;：:，,]")
_SALUTATION = re.compile(r"^(?:各位代表|同志们|各位委员|女士们|先生们|朋友们)")
_ARTICLE = re.compile(r"^第[一二三四五六七八九十百千零〇\d]+条")
_AUTHOR_ROLE = re.compile(r"(?:总理|主席|书记|部长|省长|市长|县长|区长|局长|主任|委员长|院长|检察长|厅长)$")
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
_TITLE_MAX = 40
# A news headline or an official notice's title is longer and may hold ，：？！ ("浙江：全省各地“健康码”陆续上线",
# "陕西省人民政府办公厅关于印发…的通知", 54 characters); a full stop or semicolon still makes it a sentence.
_HEADLINE_MAX = 64
_HEADLINE_BAD = re.compile(r"[。；;]|[，,、：:]$")
# The head of a document ends at its first real paragraph.
_HEAD_PARAGRAPH_MAX = 60


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def _head(paragraphs: list[str]) -> list[str]:
    """The title block: paragraphs before the first long one or the salutation, at most eight."""
    head: list[str] = []
    for p in paragraphs[:8]:
        if len(p) > _HEAD_PARAGRAPH_MAX or _SALUTATION.match(p):
            break
        head.append(p)
    return head


def _is_title_like(p: str) -> bool:
    return (
        0 < len(p) <= _TITLE_MAX
        and not _SENTENCE_PUNCT.search(p)
        and not _SALUTATION.match(p)
        and not p.startswith(("——", "（", "("))
    )


def is_headline(paragraphs: list[str]) -> bool:
    """The first line of a news text or notice whose body follows as longer paragraphs."""
    if len(paragraphs) < 2:
        return False
    first = paragraphs[0]
    return (
        0 < len(first) <= _HEADLINE_MAX
        and len(paragraphs[1]) > len(first)
        and not _HEADLINE_BAD.search(first)
        and not _SALUTATION.match(first)
        and not first.startswith(("——", "（", "(", "第"))
    )


def _title(paragraphs: list[str], stem: str) -> str:
    if paragraphs and paragraphs[0].startswith("# "):
        return paragraphs[0][2:].strip()
    for p in paragraphs[:5]:
        if p.startswith("# "):
            return p[2:].strip()
    if paragraphs and not _is_title_like(paragraphs[0]) and is_headline(paragraphs):
        return paragraphs[0]
    if not paragraphs or not _is_title_like(paragraphs[0]):
        # A work report often comes without its title page but names itself in its first sentence.
        speech = _speech_title(paragraphs[:4])
        # Otherwise a speech that opens with "各位代表：" carries no title; the file name is the honest fallback.
        return speech or stem
    title = paragraphs[0]
    # A two-line title ("高举…旗帜" / "为…而团结奋斗") reads as one; a short second line is a name, not a title.
    if (
        len(paragraphs) > 2
        and _is_title_like(paragraphs[1])
        and len(paragraphs[1]) > 6
        and paragraphs[2].startswith("——")
    ):
        title = f"{title} {paragraphs[1]}"
    return title


_REPORTER = re.compile(r"我代表(.{2,20}?)[，,]\s*向大会报告(政府)?工作")


def _speech_title(opening: list[str]) -> str:
    """ "我代表北京市人民政府，向大会报告政府工作" -> "北京市人民政府工作报告"; the State Council's is the 政府工作报告."""
    for p in opening:
        m = _REPORTER.search(p)
        if m:
            who = m.group(1)
            if who[0] in "市省县区":  # "我代表市人民政府": no name in it, the file name says more
                return ""
            if who == "国务院":
                return "政府工作报告"
            return f"{who}工作报告" if who.endswith("政府") else f"{who}政府工作报告"
    return ""


def _info_block_date(paragraphs: list[str]) -> str:
    """Version from a law's dated info lines: the latest amendment, else the adoption date."""
    dated = []
    for p in paragraphs[1:12]:
        if p.startswith("#") or _ARTICLE.match(p):
            break
        m = _DATED_LINE.match(p)
        if m:
            dated.append((m.group(1), m.group(2)))
    for date, what in reversed(dated):
        for verb in ("修正", "修订"):
            if verb in what:
                return f"{date[:5]}{verb}"
    for date, what in dated:
        if "通过" in what:
            return f"{date}通过"
    if dated:
        date, what = dated[-1]
        verb = next((v for v in ("公布", "施行", "发布") if v in what), "")
        return f"{date}{verb}"
    return ""


def _date(paragraphs: list[str], head: list[str], stem: str) -> str:
    found = _info_block_date(paragraphs)
    if found:
        return found
    for p in head:
        m = _PAREN_DATE.match(p)
        if m:
            return m.group(1) + (m.group(2) or "")
        m = _DASH_DATE.match(p)
        if m:
            return m.group(1)
    m = _YEAR_IN_NAME.search(stem)
    return f"{m.group(1)}年" if m else ""


def _author(head: list[str]) -> tuple[str, str]:
    """(author, affiliation) from a byline like "国务院总理　李　强" or "习　近　平"."""
    for p in head[1:]:
        tokens = p.split()
        if len(tokens) < 2 or len(p) > 20 or not all(_HAN.match(t) for t in tokens):
            continue
        role = ""
        if len(tokens[0]) > 1 and _AUTHOR_ROLE.search(tokens[0]):
            role, tokens = tokens[0], tokens[1:]
        name = "".join(tokens)
        # Names are spaced out letter by letter in bylines; anything else is a title with a space in it.
        if 2 <= len(name) <= 4 and (role or all(len(t) == 1 for t in tokens)):
            return name, role
    return "", ""


def _sponsor(head: list[str]) -> str:
    """The organisation behind a newspaper special page: "——中共株洲市直属机关工作委员会主办"."""
    for p in head:
        m = re.match(r"^——(.{2,40}?)主办$", p)
        if m:
            return m.group(1)
    return ""


def _doc_type(title: str, paragraphs: list[str], head: list[str]) -> str:
    has_articles = sum(1 for p in paragraphs if _ARTICLE.match(p)) >= 3
    if (
        "章程" in title
        or "党内" in title
        or (title.startswith("中国共产党") and re.search(r"条例|准则|规则|规定", title))
    ):
        return "党内法规"
    if has_articles and re.search(r"法$|法（|条例|规定|办法|细则|规则|宪法", title):
        return "法律法规"
    if sum(1 for p in paragraphs if re.match(r"^[（(]作者系", p)) >= 2:
        return "报刊文章"
    opening = paragraphs[:8]
    if "报告" in title or any("报告" in p for p in head) or any(_SALUTATION.match(p) for p in opening):
        return "工作报告"
    if has_articles:
        return "法律法规"
    return "其他"


def detect_metadata(text: str, filename: str) -> DocMeta:
    """Title, date or version, author and document type of a cleaned document."""
    stem = Path(filename).stem
    paragraphs = _paragraphs(text)
    head = _head(paragraphs)
    title = _title(paragraphs, stem)
    author, affiliation = _author(head)
    return DocMeta(
        title=title,
        author=author,
        affiliation=affiliation or _sponsor(head),
        date=_date(paragraphs, head, stem),
        doc_type=_doc_type(title, paragraphs, head),
    )
