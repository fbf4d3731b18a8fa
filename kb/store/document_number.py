"""Document numbers (文号): reading them out of text, and telling a document's own number from one it cites.

Ingest stores a document's own number (kb/store/authority.py; citations show it on their authority line) and the
router sends a question quoting it to that document (kb/answer/routing.py): both read numbers here, so a number
written 人社部发[2020]11号 in a question is the 人社部发〔2020〕11号 a notice was stored with.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

# The brackets a number's year is written in (财社〔2020〕2号, 川办发[2020]10号, 肺炎机制发﹝2020﹞21号), as character
# classes for the patterns here and in kb/answer/features.py.
YEAR_OPEN = "〔\\[【（(［﹝〖"
YEAR_CLOSE = "〕\\]】）)］﹞〗"
# An issuer's code, the year in any brackets, a serial.
_NUMBER = re.compile(
    rf"([\u4e00-\u9fff]{{2,12}})\s*[{YEAR_OPEN}]\s*((?:19|20)\d\d)\s*[{YEAR_CLOSE}]\s*第?\s*(\d{{1,4}})\s*号"
)
# An order's number: 国务院令第495号, 应急指挥部令第13号.
_ORDER = re.compile(
    r"(?:中华人民共和国)?((?:国务院|主席|[\u4e00-\u9fff]{1,8}(?:部|委员会|局|署|行|院))令第[0-9一二三四五六七八九十百〇零]+号)"
)
# Words that end what comes before a code when a number is read out of running text (按照人社部发…, …的通知人社部发…);
# none a code uses (经 of 浙经信 is not 经过), and a title's last word (…的批复吉政函〔2023〕49号).
_BEFORE_CODE = re.compile(
    r".*(?:的|了|是|在|按|据|依|照|通知|意见|批复|决定|公告|通告|方案|办法|措施|规定|细则|关于|文件|印发|转发|和|及|与|即"
    r"|落实|执行|贯彻)"
)
# A number read after these is one the text cites or applies, not its own (认真落实银发〔2020〕29号等文件精神).
_CITING = re.compile(r"(?:按|据|依|照|落实|执行|贯彻|参照|对照|发布了|出台了|印发了|转发了)$")
# A document's own number is written in its title block; a notice flattened to one paragraph runs on into its body,
# where every number is cited. On the 1,025 documents measured, own numbers start within 210 characters of the text;
# past 400 were only cited ones (a list of rules at 641, a news text's at 1,154) and one attachment's footer.
_HEAD_CHARS = 400


class DocumentNumber(NamedTuple):
    code: str  # 人社部发
    year: str  # 2020
    serial: str  # 11, without leading zeros

    def __str__(self) -> str:
        return f"{self.code}〔{self.year}〕{self.serial}号"


def _numbers_in(text: str) -> Iterator[tuple[int, DocumentNumber]]:
    """Each number written in `text` with where its code starts, the words read before the code cut."""
    for m in _NUMBER.finditer(text):
        code = _BEFORE_CODE.sub("", m.group(1))
        if len(code) >= 2:
            yield m.end(1) - len(code), DocumentNumber(code, m.group(2), m.group(3).lstrip("0") or "0")


def document_numbers(text: str) -> list[DocumentNumber]:
    """The document numbers (文号) written in `text`: brackets and spaces do not matter, words read before the code
    are cut (按照人社部发〔2020〕11号 → 人社部发)."""
    return [n for _, n in _numbers_in(text or "")]


def own_number(head: str) -> str:
    """The number a document gives itself in `head` (its opening text), written one way; "" when none.

    A number in parentheses after a 《title》, or read after 按照, 落实…, is one the document cites, and so is any
    past the title block.
    """
    head = head[:_HEAD_CHARS]
    found = [(m.start(1), m.group(1)) for m in _ORDER.finditer(head)]
    for start, number in _numbers_in(head):
        before = head[:start].rstrip()
        if not (_CITING.search(before) or re.search(r"》\s*[（(]$", before)):
            found.append((start, str(number)))
    return min(found)[1] if found else ""
