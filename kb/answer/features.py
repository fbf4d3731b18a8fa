"""Features the answer model reads: of a candidate sentence, and of a question against its evidence.

The same functions serve answering (kb/answer/extractive.py) and training (kb/cli/training.py), so what the model
learned is what it sees. Every feature is a property a person would check by eye: does the sentence hold
the question's words, the kind of thing it asks for (a number, a duration, a list), the place, year or
document the question names; how far ahead of the next passage is the best one.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from kb.answer.numbers import FINANCIAL_NUMERALS, small_number
from kb.answer.sentences import sentences
from kb.answer.terms import KeyTerm, article_forms, key_terms, noun_parts, place_stem, variants
from kb.store.document_number import YEAR_CLOSE, YEAR_OPEN
from kb.store.tokenize import pos_tags, tokenize
from kb.types import Chunk, Hit

DocFreq = Callable[[list[str]], tuple[dict[str, int], int]]

# Words that shape a question but carry no topic: they must not count as evidence.
QUESTION_WORDS = frozenset(
    "什么 多少 哪些 哪个 哪里 哪儿 哪 几 几个 几种 几年 几类 怎么 怎样 怎么样 如何 为什么 为何 是否 是不是 吗 呢 吧 啊 "
    "请问 具体 一下 一般 主要 我们 我国 常说 规定 要求 提出 可以 能 能否 需要 应当 应该 有 没有 是 的 了 和 与 及 或 在 "
    "对 把 被 谁 时候 多久 多长 多大 多长时间 怎么办 指 说 讲 里 中 个 上 下 等 等等 分 干 做 算".split()
)
_N = r"[0-9一二两三四五六七八九十百千万〇零]"
# What kind of answer a question asks for, and what that answer looks like in a sentence. The first match wins.
ANSWER_TYPES: list[tuple[str, re.Pattern[str], re.Pattern[str]]] = [
    ("years", re.compile(r"几年|多少年|任期|一届"), re.compile(rf"{_N}+年(?!代|度|级|第)")),
    ("months", re.compile(r"几个月|多少个月"), re.compile(rf"{_N}+个?月")),
    ("days", re.compile(r"几天|多少天|几日|多少日"), re.compile(rf"{_N}+(?:个工作日|日|天)")),
    (
        "duration",
        re.compile(r"多久|多长时间|多长|期限|影响期|时限"),
        re.compile(rf"{_N}+(?:个)?(?:年|月|工作日|日|天|周|星期|季度|小时|分钟)|{_N}+年至{_N}+年"),
    ),
    ("age", re.compile(r"多少岁|年龄|几岁|多大"), re.compile(rf"{_N}+周?岁")),
    # 几位代表, as the figure kinds read it (_FIGURE_TABLE); 哪几位 asks who, a list.
    ("people", re.compile(r"几名|几个人|多少人|几人|(?<!哪)几位|多少位"), re.compile(rf"{_N}+(?:名|人|位)")),
    # Not the year of a document's number (公告2020年第6号), which fitted 什么时候 above the sentence giving the day.
    (
        "date",
        re.compile(r"哪一年|何时|什么时候|哪年|哪一?天|哪一?日|哪一?个月|几月|日期|时间"),
        re.compile(
            r"(?:19|20)\d\d年(?!第)|[〇一二三四五六七八九]{4}年(?!第)|\d+月\d+日|[一二三四五六七八九十]+月[一二三四五六七八九十]+日"
        ),
    ),
    ("name", re.compile(r"叫什么|名称|品牌|称号|称为|口号"), re.compile(r"[“\"《][^”\"》]{2,30}[”\"》]")),
    # 哪两家医院: two named, in a pair (A、B or A和B), which the list shape's two separators would not take.
    ("pair", re.compile(r"哪两|哪二(?!十)"), re.compile(r"[^、，。；]{1,14}[、和与及][^、，。；]{1,14}")),
    (
        "list",
        re.compile(r"哪几|哪些|哪[二三四五六七八九十]|几种|几类|几档|几个等次|分为|包括什么|由什么组成|内容"),
        re.compile(r"[^、，。；]{1,14}、[^、，。；]{1,14}[、和及]"),
    ),
    (
        "who",
        re.compile(r"谁|哪个部门|哪些部门|哪个单位|什么部门|什么机构|哪个机关"),
        re.compile(r"[部委局厅办院署会]|政府|机关|中心|组织|人民|委员"),
    ),
    (
        "number",
        re.compile(r"多少|几|比例|比重|增长|目标|规模|数量|人次|率"),
        re.compile(
            rf"{_N}+(?:\.\d+)?\s*(?:余|多)?\s*(?:%|％|万|亿|元|人|名|个|家|项|次|场|条|年|斤|吨|公里|平方|倍|类|户|所|张)"
        ),
    ),
    (
        # 为什么要求错峰返校: the sentence giving a purpose or a cause (为避免…, 由于…, 旨在…).
        "why",
        re.compile(r"为什么|为何|什么原因|原因是什么|出于什么考虑|目的是什么|什么目的"),
        re.compile(r"为了|为避免|为防止|为减少|由于|因为|旨在|目的是|以便|以免|从而|原因是|之所以"),
    ),
    (
        "yesno",
        re.compile(r"是否|是不是|能不能|可不可以|能否|吗[？?]?$"),
        re.compile(r"不得|可以|应当|必须|禁止|不能|能够|允许"),
    ),
]
# Contact details answer only in their own form: when no top passage has one at all, the knowledge base does
# not hold it, however well the rest of the question matches. Only a question that asks for one counts; one that
# names a hotline or a website as its topic (12345热线共受理…多少件, 门户网站在哪些方面升级) does not.
_ASKED = r"(?:是|为)?(?:多少|什么|哪里|哪儿|哪个)"
# A phone number written with its area code or as a mobile's eleven digits: the model's shape and the refusal check
# (`_PHONE`) differ only in the bare digits they also take.
_PHONE_NUMBER = r"(?:[（(]?\d{3,4}[）)]?\s*[-—－]?\s*)?\d{3,4}\s*[-—－]\s*\d{4}|\d{3,4}[-—－]?\d{7,8}"
REQUIRED_SHAPES: list[tuple[str, re.Pattern[str], re.Pattern[str]]] = [
    (
        "地址",
        re.compile(
            # 电子邮箱地址, 网站地址: not a place.
            rf"(?<!邮箱)(?<!邮件)(?<!网站)(?<!网页)(?:地址|住址|办公地点|门牌){_ASKED}|(?:地址|住址|办公地点)在哪|在哪办公|(?:收件|邮寄|寄送|通讯|通信|办公)地址"
            # 在哪个区、哪条路: a street asked for is an address.
            r"|(?:哪|什么)条(?:路|街|大道|大街)"
        ),
        # A number before 号 alone is a house number (57号院), not a document's (人社厅明电〔2020〕7号, 第5号令).
        re.compile(
            r"[\u4e00-\u9fff]{1,12}(?:路|街|大道|大街|巷|胡同|里)\s*[0-9０-９一二三四五六七八九十百]+\s*号"
            r"|(?<![〕\]］）)第\d\s])\d+号(?![令文])"
        ),
    ),
    (
        "电话号码",
        re.compile(rf"(?:电话|热线|联系方式|手机号|号码){_ASKED}[？?]?$|(?:哪个|什么)(?:电话|热线|号码)"),
        # 0851-86822440, （010）8403-8327, 400-886-9888, 0771—5860326, 13557710711, 12366.
        re.compile(_PHONE_NUMBER + r"|\d{5,}"),
    ),
    (
        "网址或邮箱",
        re.compile(rf"网址|(?:网站|邮箱|电子邮件)(?:地址)?{_ASKED}[？?]?$|(?:哪个|什么)(?:电子)?(?:邮箱|网址)"),
        re.compile(r"https?://|www\.|@[\w.]+|\.(?:com|cn|org|net)\b"),
    ),
    ("邮政编码", re.compile(r"邮编|邮政编码"), re.compile(r"(?<!\d)\d{6}(?!\d)")),
]


def asked_contact(question: str) -> tuple[str, re.Pattern[str]] | None:
    """The contact detail a question asks for (its name, as a refusal says it, and its written form), if any."""
    return next(((name, shape) for name, asks, shape in REQUIRED_SHAPES if asks.search(question)), None)


# Of 网址或邮箱, which the model's shape features read as one kind, the one asked: an e-mail is answered only by an
# address with @ (a notice's website, www.bjac.org.cn, is not where to send a file), a website only by one.
_EMAIL_ASKED = re.compile(r"邮箱|电子邮件|邮件地址")
_SITE_ASKED = re.compile(r"网址|网站|网页|链接")
_EMAIL = re.compile(r"[@＠]\s*[\w-]+(?:\s*[.．]\s*[\w-]+)+")
_SITE = re.compile(r"https?://|www\.|[\w-]\.(?:com|cn|org|net|gov)\b")


# A phone number as the refusal check reads one: a short number only as a service line (12345, 95598), not a
# plate's or a count's digits (青A 60292, 63169, 13000余人, 12000名).
_PHONE = re.compile(
    _PHONE_NUMBER + r"|(?<![\d.])\d{7,}|(?<![A-Za-z\d.\s])\s*[19]\d{4,5}(?![\d.]|\s*[余多万亿元人名个次户家件位台套])"
)


# 拨打哪个信访咨询电话: a phone asked with its kind between (the model's contact features read only 哪个电话).
_PHONE_ASKED = re.compile(r"(?:哪个|什么)[\u4e00-\u9fff]{1,6}?(?:电话|热线)(?:号码)?[？?]?$")


def contact_answer_shape(question: str) -> tuple[str, re.Pattern[str]] | None:
    """As `asked_contact`, for deciding whether an answer gives the detail: an e-mail or a website asked alone has
    its own form, and a phone number is no plate's digits."""
    contact = asked_contact(question)
    if (contact is not None and contact[0] == "电话号码") or (contact is None and _PHONE_ASKED.search(question)):
        return "电话号码", _PHONE
    if contact is None or contact[0] != "网址或邮箱":
        return contact
    email, site = bool(_EMAIL_ASKED.search(question)), bool(_SITE_ASKED.search(question))
    if email and not site:
        return "电子邮箱", _EMAIL
    if site and not email:
        return "网址", _SITE
    return contact


_CONTACT_WORD = re.compile(r"电话|热线|号码|邮箱|网址|地址|传真|专线")
_ASKING = re.compile(r"什么|哪个|哪些|哪里|哪儿|多少|怎样|如何|是否")


def contact_qualifiers(question: str) -> list[str]:
    """The words a question puts right before the contact it names (预约 of 预约电话, 举报 of 举报热线): which of a
    notice's numbers it asks for."""
    out = []
    for m in _CONTACT_WORD.finditer(question):
        before = question[: m.start()]
        last = (tokenize(before) or [""])[-1]
        # Right before it: 办税服务厅的热线 puts 的 between, and 热线电话's 热线 is the contact itself; 什么号码 asks, it
        # names no kind.
        if len(last) >= 2 and before.endswith(last) and not _CONTACT_WORD.search(last) and not _ASKING.fullmatch(last):
            out.append(last)
    return list(dict.fromkeys(out))


def lists_contact_of(text: str, places: list[str], contact: re.Pattern[str]) -> bool:
    """Whether `text` is a list giving one of `places` its own contact detail (株洲：0731-28682120, 常德市疫情防控
    指挥部：…): the place, a few words of its entry, a colon, and the detail right after."""
    for place in places:
        for name in dict.fromkeys((place, place_stem(place))):
            for m in re.finditer(re.escape(name), text):
                entry = _LIST_ENTRY.match(text, m.end())
                if entry is not None and contact.match(text, entry.end()):
                    return True
    return False


# An entry's words after its place and before its colon (市疫情防控指挥部：), and the spaces after it.
_LIST_ENTRY = re.compile(r"[\u4e00-\u9fff（）()]{0,12}?[：:]\s*")


_SENT_END = re.compile(r"[。！？!?；;：:…”’」』）)]$")

# What counts or points at one of a kind (一家, 两个, 该, 某): no name.
_COUNTER = "[一两二三四五六七八九十几多每某该各这那]"
# A name before its kind (公司, 银行, 医院…): not 一家上市公司, 两家居民服务公司, 某公司 (no counted 家 or 某 in the six
# characters before the kind).
_NAMED = r"[\u4e00-\u9fffA-Za-z0-9（）()·]{2,24}?" + "".join(
    rf"(?<!{_COUNTER}[家个所].{{{n}}})(?<!某.{{{n}}})" for n in range(7)
)
# Shops asked for by name (那家药房叫什么名字), as the body kind reads them.
_SHOP = "药房|药店|超市|商店|商场|门店|饭店|酒店|餐馆|餐厅"
# A name before a kind's word, not a count of them (桐梓县一药房, 天津一大药房, 一家医院): the shop and hospital kinds.
_NAMED_NOT_COUNTED = _NAMED + rf"(?<!{_COUNTER})(?<!{_COUNTER}[大小])"
# A name asked after what it is the name of (公司叫什么名字, 机构的名称是什么).
_NAME_ASKED = r"(?:的)?(?:(?:名字|名称)(?:叫什么|是什么)|叫什么(?:名字|名称)?)"
# What a size asked (资金规模有多大, 装机容量有多大) measures.
_SIZE = r"(?:规模|容量|面积|体量|产能|功率|排量|总量|数额|金额|总额)"
_IS_HOW_BIG = r"(?:现在|目前|大约|大概|一共|共)?(?:是|为|有)?多大"

# A question asking how many or how much (多少, 几; not 哪几, which asks for a list) is answered only by a text that
# states a quantity: digits, a Chinese numeral with a measure word or unit, a fraction or percentage, or a list of
# items (分几种 is answered by 警告、记过、记大过…).
# 几十年来, 多多少少: a rough amount in passing, not a question.
_JI = r"几(?!乎|经|何|率|十|百|千|万)"
# 资金规模有多大, 装机容量有多大: a size asked (多大作用, 多大影响 ask no figure).
_ASKS_QUANTITY = re.compile(rf"(?<!多)多少(?!少)|(?<![哪第]){_JI}|{_SIZE}{_IS_HOW_BIG}")
# Every figure a question asks, an ordinal too (第几 asks which one, 第几届, 第几号令, answered by an ordinal and
# not a count): 多少人参与，排第几 does not ask in 人 alone (`asked_figures`).
_ASKS_FIGURE = re.compile(rf"(?<!多)多少(?!少)|(?<!哪){_JI}|{_SIZE}{_IS_HOW_BIG}")
_ASKS_KINDS = re.compile(r"几(?:个)?(?:种|类|方面|项|条|档|等|部分|环节|步)")
# Not after 第: 第九十二条 names an article, it counts nothing.
_QUANTITY = re.compile(
    r"(?<![第0-9０-９])[0-9０-９]+(?:[.．][0-9０-９]+)?"
    # 一千五百多项, 三十余家, 十来个: an approximate count is a count.
    rf"|(?<![第一二两三四五六七八九十百千万亿〇零{FINANCIAL_NUMERALS}])[一二两三四五六七八九十百千万亿〇零半{FINANCIAL_NUMERALS}]+"
    r"\s*(?:多|余|来)?\s*(?:分之|成|倍|%|％|个|名|人|位|年|"
    r"月|日|天|岁|周岁|周|小时|分钟|次|项|条|款|章|种|类|级|等|档|届|批|期|轮|元|角|万|亿|座|家|户|所|套|台|辆|件|张|份|篇|部|"
    r"支|米|公里|亩|吨|斤|方面|点)"
    r"|百分之"
    # 十大政策, 三大战役: a count of named parts (一大批 counts nothing).
    r"|(?<![第一二两三四五六七八九十百千万亿〇零])[二两三四五六七八九十]+大(?=[\u4e00-\u9fff])"
    # Water and road grades: 保持Ⅱ类水质.
    r"|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ]+"
)
_LIST = re.compile(r"[^、，。；：\s]{1,14}、[^、，。；：\s]{1,14}[、和及与]")


def asks_quantity(question: str) -> bool:
    """Whether the question asks how many or how much."""
    return _ASKS_QUANTITY.search(question) is not None


# An item's number (5.《抗癌药品清单》…, 1、…, （十一）…) orders a list; it counts nothing.
_ITEM_NUMBER = re.compile(
    r"(?:^|(?<=[\s。；;：:】》」”\]]))(?:[0-9０-９]{1,2}[.．、](?![0-9０-９])|[（(](?:[一二三四五六七八九十]{1,3}|[0-9]{1,2})[）)])"
)


def _without_named_sets(text: str, question: str) -> str:
    """`text` with the quoted numbered names (“三个作用”, “一办七组”: `_SHORTHAND_QUOTED`) that name nothing the
    question counts blanked out: such a name is a set of ideas or bodies, and as a count it answers only a question
    counting what it names (几个意识 by “四个意识”), not 多少个基层党组织."""
    if not _SHORTHAND_QUOTED.search(text):
        return text  # most sentences quote no such name: the question's counted noun is not read for them
    noun = counted_noun(question) or ""
    return _SHORTHAND_QUOTED.sub(lambda m: m.group(0) if noun and set(noun) & set(m.group(1)) else " ", text)


def states_quantity(text: str, question: str) -> bool:
    """Whether `text` states a quantity other than those the question itself gives (or, for a question asking how
    many kinds, lists them: 分几种 is answered by 警告、记过、记大过…)."""
    given = {m.group(0) for m in _QUANTITY.finditer(question)}
    text = _ITEM_NUMBER.sub(" ", _NOT_COUNTS.sub(" ", text))
    text = _without_named_sets(text, question)
    if any(m.group(0) not in given for m in _QUANTITY.finditer(text)):
        return True
    return _ASKS_KINDS.search(question) is not None and _lists_kinds(text)


# A list gives the kinds asked when the text says it divides or counts them: 处分分为：警告、记过…, 包括…,
# 警告、记过、记大过、降级、撤职、开除六种. A list of what a rule covers (确定监察官的等级设置、任免、考评和晋升等制度)
# names no kinds of anything.
_DIVIDES = re.compile(r"分为|分成|划分为|划为|包括|包含|分别(?:是|为)|有以下|如下|[:：]")
# A count of kinds right after a list (…、撤职、开除六种). Named apart from the counted-noun `_COUNTED_AFTER` below,
# which, sharing this name, replaced it at import: the count after a list was never read.
_KINDS_COUNTED_AFTER = re.compile(
    r"^[^，。；]{0,14}?(?:等)?[0-9一二两三四五六七八九十]+(?:个|大)?(?:种|类|档|等|级|项|方面|部分)"
)


def _lists_kinds(text: str) -> bool:
    """Whether `text` lists kinds as it divides or counts them (`_DIVIDES` in the twelve characters before a list of
    its clause, or a count of kinds right after one)."""
    for m in _LIST.finditer(text):
        clause = re.split(r"[，,。；;]", text[: m.start()])[-1]
        if _DIVIDES.search(clause[-12:]) or _KINDS_COUNTED_AFTER.search(text[m.end() :]):
            return True
    return False


# A question that names the unit of the figure it asks (几名, 多少岁, 多少万元, 多久) is answered only by a quantity in
# that unit, and one asking when (哪一天, 何时) only by a date: 有几名副院长 is not answered by a term of office (连续任职
# 不得超过两届), nor 哪一天启动 by 今年以来. Units are grouped by what they measure, so 多少人 is answered by 5000余名 and
# 多久 by 三十日内 or 每周.
_ASK = r"(?:(?<!多)多少|(?<!哪)几)\s*[万亿千百]?\s*(?:个)?"
_MEASURE_WORD = "个|名|位|张|辆|家|所|项|条|套|件|批|种|类|户|座|台|份|篇|部|支|间|处|只|头|艘|架"
# After 多少, a measure word or unit says a count or another unit is asked (多少家, 多少人, 多少天), not a sum.
_MEASURE_CHARS = _MEASURE_WORD.replace("|", "") + "人次天年月日周岁倍万亿千百"
# The words after a date that make it the end of a period (3月15日前, 2月29日止), for the time and deadline kinds.
_ENDS_AFTER = r"(?:之前|以前|前|止|为止|截止|到期)"
_AMOUNT = (
    r"(?:(?<![第0-9０-９.．])[0-9０-９]+(?:[.．,，][0-9０-９]+)*"
    # 上半年, 下一年 name a period, not a length of time.
    rf"|(?<!第)(?!(?<=[上下])[半一]年)[一二两三四五六七八九十百千万亿〇零半{FINANCIAL_NUMERALS}]+)"
    r"\s*(?:余|多|来)?\s*(?:[万亿千百]+)?\s*"
)
# 12号 is a day, but 新桥大街12号 is a door.
# Before a time of day a report is due by (12时前, 17:00之前), not a going to (12时前往).
_DUE_BY = r"(?:之前|以前|前(?![往进来去]))"
_DAY_NUMBER = r"(?<![路街道巷里弄楼栋])" + _AMOUNT + r"号"
_TIME_UNIT = r"(?:个)?(?:工作日|天|日|月|年|周|星期|季度|小时|分钟|秒钟|秒)"
_FOREIGN_MONEY = r"(?:美元|美金|欧元|日元|港元|港币|英镑)"
_IS_HOW_MUCH = r"(?:一共|共计|总共|合计)?(?:是|为|有|达到?|共)?多少"
_PERCENT_WORDS = r"百分之[一二两三四五六七八九十百零〇点]+|分之"  # 百分之十八点五, 三分之一
# How a question asks for a day, and for any time (the day, deadline and date kinds).
# 第几号(令) asks an order's number, not a day.
_DAY_ASKED = r"哪一?天|哪一日|哪个日期|(?<!第)几号|几月几[日号]"
_WHEN_ASKED = _DAY_ASKED + r"|什么时候|何时|什么时间|什么日期"
# A day or month a period can end on: 2020年6月30日, 2月29日, 28日, 5月底, 年底, 下旬.
_DATE_POINT = (
    r"(?:(?:(?:19|20)[0-9]{2}\s*年\s*)?(?:[0-9０-９一二三四五六七八九十]{1,2}\s*月\s*)?[0-9０-９一二三四五六七八九十]{1,3}\s*[日号]"
    r"|(?:(?:19|20)[0-9]{2}\s*年\s*)?[0-9０-９一二三四五六七八九十]{1,2}\s*月(?:底|末|[上中下]旬)?|[年月](?:底|末))"
)
# Each kind: what a refusal calls it (最相关的段落没有给出所问的人数), how a question asks it, how a text states it.
_FIGURE_TABLE = (
    # 成为一名选调生: after 成为, 作为, 是 or 当, 一名 is an article, not a count.
    (
        "people",
        "人数",
        # 多少人才补贴 asks a sum for talent (人才), not a count of people.
        _ASK + r"(?:名|位|人(?!才|民币|均))|人数" + _IS_HOW_MUCH,
        r"(?:(?<!成为)(?<!作为)(?<!是)(?<!当)|(?!一))" + _AMOUNT + r"(?:名|位|人)",
    ),
    ("age", "年龄", _ASK + r"(?:周岁|岁)|多大(?:年纪|岁数|年龄)", _AMOUNT + r"(?:周岁|岁)"),
    ("money", "金额", _ASK + r"(?:钱|元|万元|亿元|块钱|资金|经费)", _AMOUNT + r"(?:元|块钱)"),
    # 补助标准是多少, 票价是多少, 贷款额度一共是多少: a sum of money named by what it pays, answered in 元, or as a share
    # (补贴50%).
    (
        "sum",
        "金额",
        r"(?:金额|总额|数额|保额|额度|限额|票价|罚款|罚金|工资|津贴|奖金|补贴|补助|奖励|费用|价格)(?:标准)?"
        + _IS_HOW_MUCH
        # 资金规模是多少, 营业收入是多少, 总投资是多少: a sum named by what it is (not 用户规模, 收入增长多少).
        + r"|(?:(?:资金|赤字|基金|预算)规模|总投资|投资额|营业收入|收入|营收|销售额|交易额|成交额|税款)"
        + _IS_HOW_MUCH
        # 资金规模有多大: a sum asked as a size.
        + r"|(?:(?:资金|赤字|基金|预算|投资|融资|贷款)规模|总投资|投资额|金额|总额|数额)"
        + _IS_HOW_BIG
        # 给予多少奖补资金, 发多少工资, 加收多少费用: the sum named after 多少 (多少家企业获得补贴 counts firms, 多少比例
        # 奖励 asks a share).
        + r"|(?:(?<!多)多少|(?<!哪)几)(?!["
        + _MEASURE_CHARS
        + r"]|比例|比重|百分)[\u4e00-\u9fff]{0,4}?"
        r"(?:资金|经费|工资|津贴|奖金|补贴|补助|奖补|奖励|费用|罚款|罚金|捐款|贷款|薪酬)",
        _AMOUNT + r"(?:元|块钱|%|％|成)|" + _PERCENT_WORDS + r"|全额|减半"
        # Headlines drop 元: 被罚款20万.
        r"|[0-9０-９]+(?:[.．][0-9０-９]+)?\s*[万亿]",
    ),
    # 多少美元 is not answered by an amount in 元.
    ("foreign_money", "外币金额", _ASK + _FOREIGN_MONEY, _AMOUNT + _FOREIGN_MONEY),
    (
        "share",
        "比例",
        r"百分之(?:多少|几)|多少\s*[%％]|几成|多少个百分点"
        r"|多大(?:的)?(?:比例|比重)|什么比例|多少(?:的)?(?:比例|比重)"
        # 比例是多少, and how the share stands before it: 比例一般不能超过多少, 占比最低要达到多少.
        r"|(?:比例|比重|占比)[\u4e00-\u9fff]{0,8}?(?<!多)多少(?![\u4e00-\u9fff])"
        # A rate (复工率是多少, 利率要低于多少) is a share: 4262户 does not give it. Not 汇率, 频率, 效率, 功率, 速率.
        r"|(?<![汇频效功速])率[\u4e00-\u9fff]{0,8}?(?<!多)多少",
        # 按2:1分担, 全额补助: a ratio or a whole share answers too.
        _AMOUNT
        + r"(?:%|％|个百分点|成)|"
        + _PERCENT_WORDS
        + r"|[0-9０-９]+\s*[:：比]\s*[0-9０-９]+|[0-9０-９]+\s*个?基点|全额|各半|减半|一半|半数",
    ),
    # 打几折: a discount, stated as 5折 or 半价 (or a share off: 优惠50%).
    ("discount", "折扣", r"[打享给]?(?:几|多少)折", _AMOUNT + r"折|半价|[0-9０-９.．]+\s*[%％]"),
    (
        "length",
        "长度",
        # 总里程有多长, 保持多大距离: a length asked by what it measures.
        _ASK
        + r"(?:公里|千米|毫米|厘米|米)|(?:里程|距离|长度)(?:现在|目前)?(?:是|为|有)?多[长远]|多[长远大](?:的)?距离",
        _AMOUNT + r"(?:公里|千米|毫米|厘米|米|km|mm|cm)",
    ),
    ("area", "面积", _ASK + r"(?:平方米|平方公里|亩|公顷)", _AMOUNT + r"(?:平方米|平方公里|平米|亩|公顷)"),
    ("weight", "重量", _ASK + r"(?:吨|公斤|千克|斤|毫克|克)", _AMOUNT + r"(?:吨|公斤|千克|斤|毫克|克)"),
    # Measures in a unit of their own (多少毫升血液, 降雨量多少毫米, 炉温多少摄氏度, 发电多少千瓦时): only a figure in
    # that unit answers, not the dates and counts of the passage about the same event.
    ("volume", "容量", _ASK + r"(?:毫升|升(?!级)|立方米|立方)", _AMOUNT + r"(?:毫升|升|立方米|立方|方)"),
    ("temperature", "温度", _ASK + r"(?:摄氏度|℃)", _AMOUNT + r"(?:摄氏度|℃|度)"),
    ("energy", "电量或功率", _ASK + r"(?:千瓦时|度电|千瓦|兆瓦|吉瓦)", _AMOUNT + r"(?:千瓦时|度|千瓦|兆瓦|吉瓦|瓦)"),
    (
        "time",
        "时长或期限",
        # 预备期有多长, 处分期间是多长, 多长党龄: a period named before or after 多长.
        _ASK
        + _TIME_UNIT
        + r"|多久|多长时间|(?:期|期间|期限|党龄|时长|时间|任期|刑期|工期)(?:现在|目前)?(?:是|为|有)?多长|多长(?:的)?(?:党龄|期限)",
        # 每周报送一次 states a period; 延长至疫情结束 a time without a number.
        _AMOUNT + _TIME_UNIT + r"|每(?:年|月|周|天|日|季度|星期)|[至到][^，。；]{0,12}(?:结束|解除)",
    ),
    (
        # 几点到几点, 几点前报送: a time of day (几点建议 counts points); 8:30, 二十二时, 24小时 give one.
        "clock",
        "钟点",
        r"几点(?!建议|意见|要求|做法|措施|经验|看法|内容|体会|思考|启示)"
        r"|(?:办公|服务|营业|接听|开放|上班)时间段?(?:(?:是|为|有)?(?:什么|怎样|如何|怎么|哪些|多少)|(?:是|为)[？?]?$)",
        r"[0-9０-９]{1,2}\s*[:：]\s*[0-9０-９]{2}|[0-9０-９一二三四五六七八九十]{1,3}\s*(?:点|时)(?!间|期|代|候)|全天|24小时|二十四小时",
    ),
    ("times", "次数", _ASK + r"次", _AMOUNT + r"次"),
    # Counts in a measure word of their own (多少条措施, 几个方面, 多少场活动, 多少所高校): answered by a count in that
    # word or one counting the same things (场次 for 场, 家 for 所), not by any figure of the passage (195个事项 does
    # not say 多少条). Not after 第: 第几批 asks which one. 几条/几个方面 may also be answered by listing them
    # (`_LISTED_KINDS`).
    ("items", "条数", r"(?<!第)" + _ASK + r"(?:条|项|款)", _AMOUNT + r"(?:个)?(?:条|项|款|件)"),
    # 共几章几条: a rule's chapters (not 第几章, which asks which one).
    ("chapters", "章数", r"(?<!第)" + _ASK + r"章", _AMOUNT + r"章"),
    (
        "aspects",
        "方面数",
        r"(?<!第)" + _ASK + r"(?:方面|部分)",
        _AMOUNT + r"(?:个)?(?:方面|部分)|[二两三四五六七八九十]大",
    ),
    ("events", "场次", r"(?<!第)" + _ASK + r"(?:场|批|轮)", _AMOUNT + r"(?:场|批|轮)"),
    ("vehicles", "车辆数", r"(?<!第)" + _ASK + r"(?:辆|架|艘)", _AMOUNT + r"(?:辆|台|架|艘)"),
    (
        "pieces",
        "数量",
        r"(?<!第)" + _ASK + r"(?:张|套|台|座|所|处|支|只|部|份|篇|件)",
        _AMOUNT + r"(?:个)?(?:张|套|台|座|所|处|支|只|部|份|篇|件|个|家|户)",
    ),
    ("terms", "届数", _ASK + r"届", _AMOUNT + r"届"),
    ("firms", "家数", _ASK + r"(?:家|户)", _AMOUNT + r"(?:家|户|个)"),
    (
        # 由哪家公司开发, 哪家银行, 哪个集团: a firm asked by name, which a sentence gives by its name (中国银行天津市分行,
        # 北京北铃专用汽车有限公司); one naming none, or only 一家上市公司 or 某公司, or only a public body, does not.
        "firm",
        "企业名称",
        r"哪一?家[\u4e00-\u9fff]{0,8}?(?:公司|企业|银行|集团|厂|出版社)|哪一?个(?:公司|集团|企业|银行|出版社)"
        # 那家食品加工公司叫什么名字: only a firm's name answers (not the bureau that inspected it).
        rf"|(?:公司|企业){_NAME_ASKED}(?=[？?，,]|$)",
        _NAMED + r"(?:公司|集团|银行|分行|支行|厂|药业|物流|股份|合作社|出版社)",
    ),
    (
        # 那家药房叫什么名字, 哪家超市: a shop asked by name, which only a shop's name answers (老百姓大药房); not a
        # shop counted (桐梓县一药房, 天津一大药房), nor the office that fined it.
        "shop",
        "店名",
        rf"哪一?家[\u4e00-\u9fff]{{0,8}}?(?:{_SHOP})|(?:{_SHOP}){_NAME_ASKED}",
        _NAMED_NOT_COUNTED + rf"(?:{_SHOP})",
    ),
    (
        # 在哪家医院收治, 在哪家医院的基础上扩建: a hospital asked by name, which only a hospital's name answers (邕武医院,
        # 大别山区域医疗中心); not the commission that reported the case, nor a hospital counted (一家医院).
        "hospital",
        "医院名称",
        r"哪一?[家所个][\u4e00-\u9fff]{0,8}?医院"
        rf"|医院{_NAME_ASKED}(?=[？?，,]|$)"
        # 首批疏解的医院是哪几家: the kind named before the ask.
        r"|医院[\u4e00-\u9fff、]{0,10}?哪[几些一]?[家所个](?![\u4e00-\u9fff])",
        _NAMED_NOT_COUNTED + r"(?:医院|卫生院|保健院|医疗中心|医学中心)",
    ),
    (
        # 考上了哪所学校, 首批疏解的高校是哪几所: a school asked by name, which only a school's name answers (秦安路小学,
        # 衡阳师范学院); not 疏解高校 said of schools unnamed, nor a school counted (一所中学).
        "school",
        "学校名称",
        r"哪一?[几些]?所(?![\u4e00-\u9fff]{0,8}?医院)(?:[\u4e00-\u9fff]{0,8}?(?:学校|高校|大学|学院|院校|中学|小学))?"
        r"|(?:学校|高校|大学|院校)[\u4e00-\u9fff、]{0,10}?哪[几些一]?[家所个](?![\u4e00-\u9fff])",
        _NAMED_NOT_COUNTED + r"(?:学校|大学|学院|中学|小学|职校|技校|分校)",
    ),
    (
        # 刊登在哪家报纸上, 那份报纸叫什么: a newspaper asked by name, which only a paper's name answers (株洲日报,
        # 深圳商报); not the party brand the page is about.
        "paper",
        "报纸名称",
        rf"哪一?[家份张个]?(?:报纸|报社|报刊)|(?:报纸|报社){_NAME_ASKED}",
        _NAMED + r"(?:日报|晚报|晨报|时报|商报|青年报|报社)",
    ),
    (
        # 和哪家单位签了协议: a body asked by name (a firm, an office or a hospital answers).
        "body",
        "单位名称",
        r"哪一?家[\u4e00-\u9fff]{0,8}?(?:机构|单位)"
        # 那家培训机构叫什么名字: a body's name asked (某培训机构 gives none).
        rf"|(?:机构|单位){_NAME_ASKED}(?=[？?，,]|$)",
        _NAMED
        + r"(?:公司|集团|银行|分行|支行|厂|医院|研究院|研究所|设计院|学院|大学|中心|协会|商会|合作社|机构|局|委员会|委|厅|署|部"
        r"|办公室)",
    ),
    (
        # 文号是什么, 哪几个批号, 车次是多少: a code asked, which only a code gives (鲁政办字〔2020〕17号, G9383次,
        # 批号20230301); not 3批次 nor the notice that names the batches without their numbers.
        "code",
        "编号",
        r"(?:文号|批号|批次号|编号|车次|航班号)(?:是|为)?(?:什么|多少)|(?:哪几?个|什么)(?:文号|批号|批次号|编号|车次|航班号)",
        rf"[{YEAR_OPEN}]\s*(?:19|20)\d{{2}}\s*[{YEAR_CLOSE}]\s*\d+\s*号|(?<![A-Za-z])[GDCKTZYL]\d{{1,5}}次"
        r"|(?:19|20)\d{2}\s*年\s*第\s*\d+\s*号"
        r"|(?<![A-Za-z0-9])[A-Z]{0,4}\d{5,}[A-Z]?(?![0-9])|(?<![A-Za-z0-9])[A-Z0-9]{2}\d{3,4}(?:次|航班)",
    ),
    (
        # 哪一天 asks for a day: 今年以来 or 2月 does not give one.
        "day",
        "日期",
        _DAY_ASKED,
        _AMOUNT
        + r"日|"
        + _DAY_NUMBER
        + r"|[次当即]日|当天|(?:周|星期)[一二三四五六日天]|之日|日起|[0-9０-９]{1,2}[:：][0-9０-９]{2}",
    ),
    (
        # 哪一年 asks for a year: 7月28日 or 28日 does not give one (二〇三五年, 今年, 本世纪中叶 do).
        "year",
        "年份",
        r"哪一?年(?!级)|何年|什么年份|哪个年份",
        r"(?<![0-9０-９])(?:19|20)[0-9]{2}\s*年|[〇零一二三四五六七八九]{4}年|[今去明前次当同本上]年|世纪",
    ),
    (
        "date",
        "时间",
        r"什么时候|何时|什么时间|哪个月|几月份|什么日期|截止日期",
        _AMOUNT
        + r"(?:年|月|日|时)|"
        + _DAY_NUMBER
        + r"|[今去明次当上下本]年|次日|次月|当[月日天]|即日|[年月](?:底|初|末)|[上中下]旬"
        r"|春节|元旦|国庆|农历|正月|(?:周|星期)[一二三四五六日天]|[0-9０-９]{1,2}[:：][0-9０-９]{2}"
        # Law dates by events: 从预备期满转为正式党员之日算起.
        r"|之[日时]|[日时]起|[以之][前后]"
        # 待疫情结束后再补报, 待学校正式开学后方可复工: a time named by the event it follows or awaits.
        r"|(?:结束|解除)(?:以|之)?后|待[^，,。；;？?]{1,12}?(?:以|之)?后",
    ),
    (
        # 截止日期是哪天, 最晚什么时候前, 延长到哪一天: the day a period ends, which a date only gives as an end (延长至
        # 2月28日, 3月15日前, 截止到10月28日) or a span after an event (疫情解除后两个月内); 记者11日获悉 does not.
        "deadline",
        "截止时间",
        rf"(?:截止|截至|最晚|最迟|为止|之前|以前|[延推]长?(?:到|至))[^，,。？?]{{0,12}}?(?:{_WHEN_ASKED})"
        r"|截止(?:日期|时间)(?:是|为)?(?:哪|什么|何)"
        # 哪个日期之前完成, 执行到什么时候, 有效期到何时, 什么时候截止: the end asked after or before the when.
        rf"|(?:{_WHEN_ASKED})(?:之前|以前|前(?![来往去进])|截止|到期|为止)"
        r"|(?:执行|实施|持续|有效|适用|开放|延续|暂停|关闭|停止)(?:期)?(?:到|至)(?:哪一?天|哪一日|哪个日期|几号|什么时候|何时|什么时间)",
        # 截止时间为2023年9月2日, 一直延到了2月20日: the end day after the word naming it.
        r"(?:至|到了?|截至|截止(?:时间|日期)?(?:为|是|到|至)?)\s*"
        + _DATE_POINT
        + r"|"
        + _DATE_POINT
        + r"\s*(?:[0-9０-９]{1,2}\s*[时点:：][0-9０-９]{0,2})?\s*"
        + _ENDS_AFTER
        # 开始后10日内, 应急处置工作结束六个月内: a span after an event, or after its end.
        + r"|(?:后|之日起|起|结束|届满|期满)[^，,。；;]{0,10}?(?:[0-9０-９一二两三四五六七八九十]+\s*个?(?:工作日|日|天|月|年|小时))(?:以?内|之内)"
        r"|[0-9０-９一二两三四五六七八九十]+\s*个?(?:工作日|日|天|月|年)(?:以前|之前)"
        # 延长至疫情结束: an end named by the event.
        r"|[至到][^，,。；;]{0,12}?(?:结束|解除)"
        # 次日中午12时前, 每天下午4点前, 17:00前: a time of day a report is due by (not 12时前往).
        r"|(?:(?:当日|当天|次日|翌日|每日|每天)\s*(?:上午|中午|下午|晚上)?|上午|中午|下午|晚上)\s*"
        r"[0-9０-９一二三四五六七八九十]{1,2}\s*[时点](?:[0-9０-９]{1,2}分)?\s*"
        + _DUE_BY
        + r"|[0-9０-９]{1,2}\s*[:：]\s*[0-9０-９]{2}\s*"
        + _DUE_BY,
    ),
)
_FIGURES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    kind: (re.compile(asked), re.compile(stated)) for kind, _, asked, stated in _FIGURE_TABLE
}
FIGURE_NAMES = {kind: name for kind, name, _, _ in _FIGURE_TABLE}
_LISTED_KINDS = frozenset({"items", "aspects"})


def asked_figures(question: str) -> frozenset[str]:
    """The kinds of figure (people, age, money, time, date…) a question asks for by naming their unit; empty unless
    every 多少 / 几 of it names one (拟连续几年发行…今年先发行多少: the second asks for what the first does not say)."""
    kinds, covered = set(), set()
    for kind, (asked, _) in _FIGURES.items():
        for m in asked.finditer(question):
            kinds.add(kind)
            covered.update(range(m.start(), m.end()))
    if any(m.start() not in covered for m in _ASKS_FIGURE.finditer(question)):
        return frozenset()
    if "money" in kinds:
        kinds.discard("sum")  # 津贴是多少钱 names its unit: a share (足额发放) does not answer it
    if "deadline" in kinds:
        kinds -= {"day", "date"}  # any date answers 哪天; only a period's end answers 截止到哪天
    return frozenset(kinds)


def asks_amount(question: str) -> bool:
    """Whether the question asks how many or how much, not when (多少天 is an amount, 几号 a day)."""
    return asks_quantity(question) and not asked_figures(question) & _DATE_KINDS


# The kinds counting things in a measure word of their own.
_COUNT_KINDS = frozenset({"people", "times", "items", "chapters", "aspects", "events", "vehicles", "pieces", "terms"})


def counts_asked(question: str) -> frozenset[str]:
    """The counts a question asks in two or more measure words (chapters and items of 共几章几条); empty for one."""
    kinds = asked_figures(question)
    return kinds if len(kinds) > 1 and kinds <= _COUNT_KINDS else frozenset()


def states_each_count(text: str, kinds: frozenset[str]) -> bool:
    """Whether a text states a count in each of the measure words asked (共6章20条 for 几章几条)."""
    return all(_FIGURES[kind][1].search(text) for kind in kinds)


def lacks_asked_figure(text: str, question: str) -> bool:
    """Whether the answer `text` fails to state the figure a question asks for: one of the kind the question names
    (`asked_figures`), or, for a how-many question naming none, any quantity (`states_quantity`)."""
    kinds = asked_figures(question)
    if not kinds:
        return asks_quantity(question) and not states_quantity(text, question)
    if kinds & _LISTED_KINDS and _ASKS_KINDS.search(question) and (_LIST.search(text) or _ENUMERATES.search(text)):
        return False
    for kind in kinds:
        stated = _FIGURES[kind][1]
        given = {m.group(0) for m in stated.finditer(question)}
        # 多少个工作日内, 几天: a count in the unit named, on its scale, answers; not the day a period ends (6月30日前),
        # which answers 多久 (`_calendar_dates` keeps it).
        unit = _TIME_UNIT_ASKED.search(question) if kind == "time" else None
        if kind == "time":
            dates = _calendar_spans(text) if unit else _calendar_dates(text)
        else:
            dates = _reported_dates(text) if kind in _WHEN_KINDS else []
        for m in stated.finditer(text):
            if m.group(0) not in given and not any(a <= m.start() and m.end() <= b for a, b in dates):
                if unit is None or _same_scale(unit.group(0), m.group(0)):
                    return False
    return True


_TIME_UNIT_ASKED = re.compile(_ASK + _TIME_UNIT)
# Days and hours against months and years: 六个月内 does not say 压缩到几个工作日, nor 3天 几个月.
_SHORT_UNITS = ("工作日", "天", "日", "周", "星期", "小时", "分钟", "秒")
_LONG_UNITS = ("月", "年", "季度")


def _same_scale(asked: str, stated: str) -> bool:
    """Whether a stated time (六个月, 5个工作日) is counted on the scale of the unit asked (几个工作日); a statement
    in no such unit (每周) is not judged."""

    def scale(text: str) -> str | None:
        if text.endswith(_SHORT_UNITS):
            return "short"
        return "long" if text.endswith(_LONG_UNITS) else None

    a, b = scale(asked), scale(stated)
    return a is None or b is None or a == b


# A calendar date (2月19日, 2020年) is when something happened, not how long it lasts: 记者2月19日获悉 does not answer
# 最长可以延期多久. A date that ends a period does (延期至3月31日, 2020年6月30日前), so a date after 至/到/截至 or
# before 前/止/为止 is kept.
_CALENDAR = re.compile(
    r"(?:(?:19|20)\d\d\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]|(?:19|20)\d\d\s*年(?:\s*\d{1,2}\s*月)?"
    r"|[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}[日号]"
)
# What counts nothing in a how-many answer (`states_quantity`): a calendar date, a numeric date or time of day, a
# document's number (2月16日发布, 2020-02-16, 9:00, 渝府办发〔2020〕15号).
_NOT_COUNTS = re.compile(
    _CALENDAR.pattern
    + r"|(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[:：]\d{2}"
    + rf"|[{YEAR_OPEN}]\d{{4}}[{YEAR_CLOSE}]\s*\d+\s*号|第\d+号"
)
_PERIOD_END_BEFORE = re.compile(r"(?:至|到|截止|前)\s*$")  # also 截至, 截止到, 延长至, 之前: anchored at the end
_PERIOD_END_AFTER = re.compile(r"^\s*" + _ENDS_AFTER)


# The day a reporter learned or asked something (8月8日，记者联系了…, 记者12日获悉) is when the news was gathered, not
# when what the question asks happens: it answers no when-question.
_REPORTED = re.compile(
    r"(?:记者|本报)\s*((?:(?:19|20)\d\d年)?(?:\d{1,2}月)?\d{1,2}[日号])"
    r"|((?:(?:19|20)\d\d年)?\d{1,2}月\d{1,2}[日号])[，,\s]*(?:本报)?记者"
)
_WHEN_KINDS = frozenset({"date", "day"})


def _reported_dates(text: str) -> list[tuple[int, int]]:
    """Spans of the dates in `text` that say when a reporter gathered the news."""
    return [m.span(1) if m.group(1) else m.span(2) for m in _REPORTED.finditer(text)]


def _calendar_spans(text: str) -> list[tuple[int, int]]:
    """Spans of every calendar date in `text`, those ending a period too."""
    return [m.span() for m in _CALENDAR.finditer(text)]


def _calendar_dates(text: str) -> list[tuple[int, int]]:
    """Spans of the calendar dates in `text` that are points in time, not the end of a period."""
    out = []
    for m in _CALENDAR.finditer(text):
        if _PERIOD_END_BEFORE.search(text[max(0, m.start() - 4) : m.start()]) or _PERIOD_END_AFTER.match(
            text[m.end() : m.end() + 3]
        ):
            continue
        out.append(m.span())
    return out


# What a how-many question counts: the noun after its measure word (多少张床位, 几名队员) or the one it asks the figure
# of (复工率是多少). A figure answers it only in a sentence that names that thing: 重庆4个集中救治医院一共有多少张床位 is
# not answered by 收治99%以上确诊病例. A question whose noun only says "the figure" (金额, 上限, 目标) names nothing
# counted; words saying how it is asked (一共, 目前) are passed over; contact details have their own shapes
# (REQUIRED_SHAPES).
_COUNTED_AFTER = re.compile(
    rf"(?:(?<!多)多少|(?<!哪)几)[万亿千百]?(?:{_MEASURE_WORD})([\u4e00-\u9fff]{{2,8}})(?=[？?，,。；;、]|$)"
)
_COUNTED_BEFORE = re.compile(
    # 探访率要达到多少, 办理率能达到多少: 要 or 能 before the verb is no part of what is counted (产能有多少: 能 is).
    r"([\u4e00-\u9fff]{2,}?)(?:是|为|有|(?:要|将|能|可|可以|能够)?达到|(?:要|将|能|可)?达|约)(?:(?<!多)多少|(?<!哪)几)"
    r"[\u4e00-\u9fff%％]{0,3}(?=[？?，,。；;]|$)"
)
_HOW_ASKED = frozenset(
    "一共 总共 分别 大约 大概 至少 最多 最少 现在 目前 如今 到底 究竟 具体 总计 合计 已经 每天 每年 每月 一般 通常 预计 计划 "
    # 烟台累计有多少人, 年限调整为多少, 利率原则上是多少, 期限最长是几年: how the figure stands, not what it counts.
    "累计 调整 原则 原则上 平均 最长 最短 最快 最慢 最大 最小".split()
)
# The figure itself: what it is of is named before it (国内生产总值增长的预期目标), often far from the figure's clause.
_FIGURE_WORDS = frozenset(
    "金额 总额 数额 数量 总量 总数 规模 数字 人数 次数 天数 时间 时长 期限 标准 水平 比例 比重 目标 上限 下限 幅度 额度 "
    "增速 速度 增幅 最高 最低 年龄".split()
)


def says_how_figure_is_asked(word: str) -> bool:
    """Whether a question's word says how a figure is asked or what kind it is (一共, 最长, 时间, 期限, 金额), not
    what the figure is of."""
    return word in _HOW_ASKED or word in _FIGURE_WORDS


# What a text is divided into: counted, they are the text's own parts (几个方面, 几部分).
_DIVISIONS = frozenset("方面 部分 章节 条款".split())
_CONTACT = frozenset("电话 号码 电话号码 联系电话 热线 手机 邮箱 网址 网站 地址 邮编".split())
# What X是多少 asks as a code: 编号, 文号, 批号, 航班号, 代码, 车次, 班次 (多少个车次 counts them).
_IDENTIFIER = re.compile(r"[号码]$|^[车班]次$")


_NUMERAL_MEASURE = re.compile(r"[一二两三四五六七八九十几]+[次个名位件项种类批届轮回趟遍]")


def counted_noun(question: str) -> str | None:
    """The thing a how-many question counts or measures (床位 in 有多少张床位, 复工率 in 复工率是多少), if it names one."""
    m = _COUNTED_AFTER.search(question) or _COUNTED_BEFORE.search(question)
    if m is None:
        return None
    if m.re is _COUNTED_BEFORE and re.search(r"(?:多少|几)[章条款节]", m.group(0)):
        # 办法一共有几章几条: the text's own divisions are counted, and it states them without naming itself again
        # (《办法》分成总则…八章，共五十七条 for 数据安全管理办法征求意见稿).
        return None
    phrase = m.group(1)
    if re.search(r"多少|几", phrase):
        return None  # 一共几部分几条: a second count asked, not a thing counted
    if phrase.endswith("的"):
        # 赤字率定的是多少, 赤字规模安排的是多少: what stands before 的 says how the figure was set, not what it
        # counts; the last noun does (jieba cuts 赤字率定 into 赤字 and 率定, so it goes by part of speech).
        nouns = [w for w, tag in pos_tags(phrase[:-1]) if tag.startswith("n")]
        phrase = nouns[-1] if nouns else ""
    # A numeral and its measure word (几个小时轮一次班: 一次) count nothing; the thing counted is named by a noun.
    words = [t for t in tokenize(phrase) if len(t) >= 2 and t not in _HOW_ASKED and not _NUMERAL_MEASURE.fullmatch(t)]
    if not words or any(t in _CONTACT for t in words) or words[-1] in _FIGURE_WORDS:
        return None  # nothing counted named, or contact details (REQUIRED_SHAPES decide), or the figure itself
    # 车次是多少, 文号是多少: a code (G9383次), named where it stands, not a count of anything; not 挂号 of 预约挂号率,
    # whose rate is counted.
    if m.re is _COUNTED_BEFORE and _IDENTIFIER.search(words[-1]) and phrase.endswith(words[-1]):
        return None
    if words[-1] in _DIVISIONS:
        return None  # 涵盖几个方面: a text's own parts, which it counts without naming the text again
    if m.re is _COUNTED_AFTER and len(words) > 1 and re.search(r"[和与及或]", phrase):
        # 多少个国家和地区: either thing counted names it (远销80多个国家), so each is a form of what is counted.
        return phrase
    return words[-1]


# 多少奖补资金, 多少克样品: a thing counted after 多少 with no measure word, which `counted_noun` leaves unread (not a
# unit or a time: 多少分钟内, 多少公里 are `_COUNTED_AFTER`'s or no thing; nor a clause after 的: 客座率超过多少的列车要
# 控制售票 counts no 售票).
_COUNTED_BARE = re.compile(
    rf"(?<!多)多少(?:[克吨斤米元])?(?![{_MEASURE_CHARS}的]|分钟|小时|秒|公里|公斤|千克|平方|立方)([\u4e00-\u9fff]{{2,8}})"
    r"(?=[？?，,。；;]|$)"
)
# Measures a figure states by its unit alone (报损5.6万亩 for 报损面积): a sentence need not name them.
_MEASURES = frozenset("面积 长度 重量 距离 高度 深度 温度 体积 容量 里程 海拔".split())


def measured_noun(question: str) -> str | None:
    """What a how-many question's figure is of when `counted_noun` names nothing: the noun before a figure word
    ending the counted phrase (外资 of 实际使用外资金额是多少, 罚款 of 罚款标准是多少), or the noun counted after a bare
    多少 that names the figure's kind (资金 of 能拿到多少奖补资金). Only a noun (上调比例 is measured by how much, not of 上调),
    and no measure its unit states (面积)."""
    m = _COUNTED_AFTER.search(question) or _COUNTED_BEFORE.search(question)
    bare = m is None
    # After a bare 多少 only when it names the figure's kind (多少奖补资金: a sum): asking any number, a date's or a
    # year's (7月31日, 2023首届) would be the figure the subject is looked for beside (多少执勤力量).
    m = m or (_COUNTED_BARE.search(question) if asked_figures(question) else None)
    if m is None or re.search(r"多少|几", m.group(1)):
        return None
    tags = [(w, tag) for w, tag in pos_tags(m.group(1)) if len(w) >= 2 and w not in _HOW_ASKED]
    if not tags or (not bare and (len(tags) < 2 or tags[-1][0] not in _FIGURE_WORDS)):
        return None
    if tags[-1][0] in _FIGURE_WORDS:
        if len(tags) < 2:
            return None
        tags = tags[:-1]
    word, tag = tags[-1]
    if not tag.startswith("n") or word in _FIGURE_WORDS or word in _CONTACT or word in _DIVISIONS or word in _MEASURES:
        return None
    return word


def figure_subject(question: str) -> str | None:
    """What a how-many question's figure is of: the thing it counts (`counted_noun`) or, failing that, what its
    figure word measures (`measured_noun`), or the noun a sum is asked of (`priced_noun`)."""
    if not asks_quantity(question):
        return None
    return counted_noun(question) or measured_noun(question) or priced_noun(question)


# A sum asked right after what it is of (门票多少钱, 罚款多少元), with no verb between.
_PRICED = re.compile(r"([\u4e00-\u9fff]{2,}?)(?:多少钱|多少元)(?=[？?，,。；;]|$)")


def priced_noun(question: str) -> str | None:
    """The noun a sum is asked of when it stands right before 多少钱 or 多少元 (门票 of 大会的门票多少钱, 罚款 of 罚款多少元);
    not a unit it is counted by (每斤, 每辆车), nor a verb jieba takes for a noun (能领)."""
    m = _PRICED.search(question)
    if m is None:
        return None
    word, tag = pos_tags(m.group(1))[-1]
    if tag != "n" or len(word) < 2 or word in _FIGURE_WORDS or word.startswith(("每", "能", "可", "要")):
        return None
    # 每艘渔船多少钱: the thing the sum is counted by, not what it is of.
    return None if re.search(r"每[^每]{0,2}$", m.group(1)[: -len(word)]) else word


# The words naming a time a question asks for (收费期限是多长, 反馈截止时间是哪天, 有效期多长), and how it asks.
_TIME_WORD_ASKED = re.compile(
    r"(期限|有效期|施行期|期|时间|时长|日期)(?:是|为|有)?(?:最长|最短)?(?:是|为|有)?(?:多长|多久|多少|几|哪|什么时候|何时|到什么)"
)


def timed_noun(question: str) -> str | None:
    """What a question asking a time names the time of, with the word naming the time (收费期限 of 收费期限是多长,
    截止时间 of 反馈截止时间是哪天), or the word alone when it says what on its own (有效期); None for a bare 时间
    or a question asking no time. A text states it in those words (收费期限为30年)."""
    m = _TIME_WORD_ASKED.search(question)
    if m is None or not asked_figures(question) & {"time", "date", "day", "deadline"}:
        return None
    if len(m.group(1)) >= 3:
        return m.group(1)
    before = question[: m.start()]
    last = _last_word(before, [w for w in tokenize(before) if w.strip()])
    if len(last) >= 2 and last not in _HOW_ASKED and not says_how_figure_is_asked(last):
        return last + m.group(1)
    return None


# A named period's length stated (公示期不少于五个工作日, 隔离期为14天): a name ending in 期 right before how long.
_PERIOD_STATED = re.compile(
    r"([\u4e00-\u9fff]{2}期)(?:为|是|一般为|原则上为|不少于|不得少于|不超过|不得超过|不低于|延长至|延长为|缩短为|缩短至)?"
    r"\s*[0-9０-９一二两三四五六七八九十半]"
)


def period_of_another(text: str, question: str) -> str | None:
    """The period whose length an answer states instead of the one asked: 公示期 for 新录用公务员的试用期是多久, when
    every sentence stating the time asked states another named period's and none names the asked one (`timed_noun`,
    a name ending in 期)."""
    timed = timed_noun(question)
    if timed is None or len(timed) < 3 or not timed.endswith("期"):
        return None
    others = []
    for sentence in _stating_asked_figure(text, question):
        # Its last two characters name it as well (展期 of 能展期 is 可展期's).
        m = _PERIOD_STATED.search(sentence)
        if m is None or holds(timed, sentence) or timed[-2:] in sentence:
            return None
        others.append(m.group(1))
    return others[0] if others else None


def figure_off_subject(text: str, question: str) -> bool:
    """Whether the answer `text` states the asked figure only in sentences that name none of what the question counts
    or measures (`figure_subject`, whole or by a part: 产量 answers 总产量): the figure is another thing's."""
    noun = figure_subject(question)
    return noun is not None and _figure_names(text, question, noun) is False


# Things a figure is given for one of a pair at a time: 农村自来水普及率达到96% does not answer 城市公共供水普及率要达到
# 多少, nor 最低缴存额 the 最高额度.
_OPPOSITES = (
    ("城市", "农村"),
    ("城镇", "农村"),
    ("城市", "乡村"),
    ("城镇", "乡村"),
    ("出口", "进口"),
    ("境内", "境外"),
    ("国内", "国外"),
    ("线上", "线下"),
    ("公办", "民办"),
    ("硕士", "博士"),
    ("本科", "专科"),
    ("最高", "最低"),
    ("上限", "下限"),
    ("男性", "女性"),
    ("批发", "零售"),
    ("新增", "累计"),
    ("确诊", "疑似"),
    ("住院", "门诊"),
    ("单位", "个人"),
)
_OPPOSITE: dict[str, set[str]] = {}
for _a, _b in _OPPOSITES:
    _OPPOSITE.setdefault(_a, set()).add(_b)
    _OPPOSITE.setdefault(_b, set()).add(_a)


def figure_of_opposite(text: str, question: str) -> tuple[str, str] | None:
    """(the thing asked, its opposite) when every sentence of `text` stating the figure a how-many question asks
    names the opposite of something the question names (农村 for 城市; 非寄宿生 for 寄宿生) and not that thing; else
    None."""
    if not asks_amount(question):
        return None
    asked = [w for w in _OPPOSITE if w in question]
    # Any word of the question negated by 非 (非寄宿生 of 寄宿生的生活补助是多少): the figure of what it is not.
    negatable = [
        w for w, _ in pos_tags(question) if len(w) >= 2 and _CJK_ONLY.fullmatch(w) and f"非{w}" not in question
    ]
    figures = _stating_asked_figure(text, question) if asked or negatable else []
    found = None
    for s in figures:
        # What scopes a figure stands before it or in its clause (疑似病例中，治愈率达67%); a clause after the last
        # figure says something else (覆盖率达67%，疑似患者中医参与率更高).
        s = _up_to_figure(s, question)
        found = next(((w, o) for w in asked if w not in s for o in sorted(_OPPOSITE[w]) if o in s), None)
        found = found or next(((w, f"非{w}") for w in negatable if _only_negated(w, s)), None)
        if found is None:
            return None
    return found


# The day a running total is given as of (截至2月6日, 截止到2月底, 截至17日24时): a total as of another day is another
# figure (截至2月6日…有20户已获得信贷支持 for 截至2月底有多少家).
_AS_OF = re.compile(
    r"(?:截至|截止到?)\s*(?:(?:19|20)\d{2}\s*年\s*)?(?:(\d{1,2})\s*月)?\s*(?:(\d{1,2})\s*[日号]|([底末]))"
)


def _as_of_days(text: str) -> list[tuple[int | None, int | None, bool]]:
    """(month or None, day or None, month's end) of each 截至 date in `text`."""
    return [
        (int(m.group(1)) if m.group(1) else None, int(m.group(2)) if m.group(2) else None, bool(m.group(3)))
        for m in _AS_OF.finditer(text)
        if m.group(1) or m.group(2)
    ]


def _same_day(a: tuple[int | None, int | None, bool], b: tuple[int | None, int | None, bool]) -> bool:
    """Whether two 截至 dates may be the same day: the month's end is its last days (2月底, 2月29日); a part left out
    (截至17日) is no difference."""
    if a[0] is not None and b[0] is not None and a[0] != b[0]:
        return False
    if a[2] or b[2]:
        day = b[1] if a[2] else a[1]
        return day is None or day >= 25 or (a[2] and b[2])
    return a[1] is None or b[1] is None or a[1] == b[1]


def as_of_another_day(text: str, question: str) -> str | None:
    """The 截至 date the answer `text` gives its figure as of, when a how-many question asks it as of another day
    (截至2月底) and every sentence stating the figure is dated 截至 a day that is not it; else None."""
    asked = _as_of_days(question)
    if not asked or not asks_amount(question):
        return None
    found, last, stated = None, None, False
    for s in sentences(text):
        # A sentence without its own date goes on from the last one's (截至2月6日，…。…其中有20户已获得…).
        if _AS_OF.search(s):
            last = s
        if lacks_asked_figure(s, question):
            continue
        stated = True
        days = _as_of_days(last) if last is not None else []
        if not days or any(_same_day(d, a) for d in days for a in asked):
            return None
        found = _AS_OF.search(last).group(0)
    return found if stated else None


# 非 that does not negate the word after it: 除非 (unless), 是非, 无非, 莫非.
_NOT_NEGATING = ("除非", "是非", "无非", "莫非")


def _only_negated(word: str, sentence: str) -> bool:
    """Whether `sentence` names `word` and only right after a 非 that negates it (非寄宿生 for 寄宿生)."""
    at = [m.start() for m in re.finditer(re.escape(word), sentence)]
    return bool(at) and all(
        i > 0 and sentence[i - 1] == "非" and sentence[max(0, i - 2) : i] not in _NOT_NEGATING for i in at
    )


_CLAUSE_END = re.compile(r"(?<=[，,；;：:])")


def _up_to_figure(sentence: str, question: str) -> str:
    """A sentence up to the end of its last clause stating the asked figure (all of it if no clause does alone)."""
    clauses = _CLAUSE_END.split(sentence)
    for i in reversed(range(len(clauses))):
        if not lacks_asked_figure(clauses[i], question):
            return "".join(clauses[: i + 1])
    return sentence


def _stating_asked_figure(text: str, question: str) -> list[str]:
    """The sentences of `text` that state the figure (or date) the question asks for."""
    return [s for s in sentences(text) if not lacks_asked_figure(s, question)]


def counted_whole(question: str) -> str | None:
    """The counted noun with the one character the question binds to it (副主任 of 几个副主任, 更衣橱 of 多少个更衣橱):
    jieba cuts them off, and the bare noun (主任) is as often another post's or thing's in a lower sentence."""
    noun = counted_noun(question)
    if noun is None:
        return None
    tags = pos_tags(question)
    for (before, tag), (word, _) in zip(tags, tags[1:]):
        if word == noun and len(before) == 1 and _HAN_CHAR.match(before) and tag not in _NOT_BOUND:
            return before + noun
    return noun


def states_counted_figure(text: str, question: str) -> bool:
    """Whether a sentence of `text` states the figure a how-many question asks and names what it counts, whole
    (中小企业, not only 企业: a part names as readily a neighbouring thing's figure, 电力总装机 for 装机容量; 副主任, not
    主任: `counted_whole`)."""
    return counted_figure_test(question)(text)


def counted_figure_test(question: str) -> Callable[[str], bool]:
    """`states_counted_figure` for one question, its counted thing read once (a jieba tagging of the question, ~0.7 ms)
    for all the texts tested."""
    whole = counted_whole(question) if asks_quantity(question) else None
    return lambda text: whole is not None and any(holds(whole, s) for s in _stating_asked_figure(text, question))


_HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")
# Measure words, numerals, particles, prepositions and verbs stand before a noun without naming it (多少张床位, 的, 给).
_NOT_BOUND = frozenset("m q mq uj ul uz ug p v c r".split())


def _figure_names(text: str, question: str, noun: str) -> bool | None:
    """Whether a sentence of `text` stating the asked figure names `noun`, whole or by a part; None when none states
    it (no figure at all is lacks_asked_figure's to refuse)."""
    figures = _stating_asked_figure(text, question)
    if not figures:
        return None
    forms = [noun] + [t for t in tokenize(noun) if len(t) >= 2 and t != noun and t not in _FIGURE_WORDS]
    short = _short_form(noun)
    return any(
        any(holds(form, s) for form in forms) or _abbreviates(noun, s) or (short is not None and short in s)
        for s in figures
    )


def _abbreviates(noun: str, text: str) -> bool:
    """Whether a two-character noun is the short form of two words standing together in `text`, each opening with
    one of its characters (保额 of 保险额度, 医保 of 医疗保险): asked in the everyday short form, a figure is named in
    the notice's full one. Not characters that only end or sit inside words (分期 of 处分的期间)."""
    if len(noun) != 2 or noun[0] not in text or noun[1] not in text:
        return False
    words = [w for w in tokenize(text) if w.strip()]
    return any(len(a) >= 2 and len(b) >= 2 and a[0] == noun[0] and b[0] == noun[1] for a, b in zip(words, words[1:]))


def _short_form(noun: str) -> str | None:
    """The everyday short form of a noun of two two-character words, their first characters (外企 of 外资企业, 医保 of
    医疗保险): asked in the full form, a figure is often named in the short one (近800家外企). None for other nouns."""
    parts = [t for t in tokenize(noun) if len(t) == 2 and t != noun]
    heads = [a[0] + b[0] for a, b in zip(parts, parts[1:]) if a + b == noun]
    return heads[0] if len(noun) == 4 and heads else None


# A change asked (国防支出预算比上年增长多少, 人均预期寿命提高到了多少岁): the figure answers only in a sentence naming
# what changed. Of the things named before the verb the rarest in the corpus is the one to look for: the budget's
# 国防, not its 支出 or 预算, which every sentence of a budget holds; a sentence that does not name the subject but
# leaves it to the one before (…医用防护服日产量已提升至2.2万套, after 中央企业) still names the rarest.
_CHANGE_ASKED = re.compile(
    # At most 30 characters before the verb: a subject is a phrase, and a pasted page must not cost a long tagging.
    r"([\u4e00-\u9fff]{2,30}?)(?:比上年|比去年|比上一年|较上年|较去年|同比|环比)?(?:预计|计划|要|将|会|再|还)?"
    r"(?:增长|增加|提高|下降|减少|降低|上涨|下调|上调|提升|回落|压缩|缩短|延长|扩大|缩小)(?:了|到了|到|至)?(?:百分之)?(?:(?<!多)多少|(?<!哪)几)"
)
_NOT_THE_SUBJECT = frozenset(
    "政府 报告 工作 全国 全省 全市 我国 今年 去年 情况 部分 国内 全年 上年 同期 工作报告".split()
)


_SAID = re.compile(r"(?:里|中|上)?(?:说|讲到|提到|指出|写到|表示)")
_TIME_FRAME = re.compile(r"期间|以来|之际|时期")


def changed_subject(question: str) -> list[str]:
    """The nouns naming what a question asks the change of (国防 of 国防支出预算比上年增长多少: jieba tags 支出 a verb);
    empty if it asks no change. Names of people, places and bodies are the place and year checks' to judge."""
    m = _CHANGE_ASKED.search(question)
    if m is None:
        return []
    # 二十大报告里说十年来国内生产总值从多少增长到多少: what is said before 说 names where it is said, not what changed.
    phrase = _SAID.split(m.group(1))[-1]
    # 疫情期间提取标准提高到多少: what comes before a time frame says when it changed, not what.
    phrase = _TIME_FRAME.split(phrase)[-1]
    return [
        w
        for w, tag in pos_tags(phrase)
        if len(w) >= 2
        and tag.startswith("n")
        and tag not in ("nr", "ns", "nt", "t")
        and w not in _HOW_ASKED
        and w not in _FIGURE_WORDS
        and w not in _NOT_THE_SUBJECT
        and not re.search(r"[0-9年]", w)
    ]


def change_off_subject(text: str, question: str, doc_freq: DocFreq) -> str | None:
    """The thing a question asks the change of, when the answer `text` states the asked figure only in sentences that
    do not name it (whole or by a part: 赤字 answers 财政赤字); else None."""
    nouns = changed_subject(question)
    if not nouns:
        return None
    df, _ = doc_freq(nouns)
    rarest = min(nouns, key=lambda w: (df.get(w, 0), nouns.index(w)))
    return rarest if _figure_names(text, question, rarest) is False else None


def states_change_of(text: str, question: str, changed: str) -> bool:
    """Whether a sentence of `text` states the asked change naming `changed` (the thing `change_off_subject` found
    unnamed): what is looked for in a lower sentence. A change stated as one (增加, 提高…): 过去一年，国防和军队建设取得
    新的成绩 names 国防 and a figure, not its change."""
    return not increment_missing(text, question) and _figure_names(text, question, changed) is True


# A when-question names the event it asks the date of (哪一天开幕, 什么时候恢复, 从哪天起施行): a date answers it only in
# a sentence naming that event. Passages on the topic give other events' dates (8日举行誓师大会 for 亚运会哪一天开幕;
# 自1月31日起暂停 for 哪天恢复), most often the day something was suspended, asked when it resumes.
_DATE_KINDS = frozenset({"day", "date", "year", "deadline"})
_WHEN_CLAUSE = re.compile(_WHEN_ASKED + r"|哪一?年|何年|哪个月|几月份")
# Verbs saying how the date is asked or where it sits (从哪天开始, 截止到哪天, 执行到哪天为止, 要求停到什么时候才能…), not the event.
_NOT_THE_EVENT = frozenset(
    "开始 进行 需要 可以 能够 应该 应当 要求 规定 提出 表示 时间 时候 日期 截止 截至 为止 是从 才能 优惠 计划 预计 准备".split()
)


def _when_clause(question: str) -> re.Match[str] | None:
    """The ask in the first clause of a question that asks when (m.string is that clause), or None."""
    return next(filter(None, map(_WHEN_CLAUSE.search, re.split(r"[，,？?；;。]", question))), None)


def _last_word(text: str, words: list[str]) -> str:
    """The longest of `words` that `text` ends with ("" for none): tokenize gives a word's parts too (雨花, 雨花区), and
    the whole word is the one that ends it."""
    return max((w for w in words if text.endswith(w)), key=len, default="")


def asked_event(question: str) -> list[str]:
    """The verbs naming the event a when-question asks the date of (开幕 of 亚运会是哪一天开幕的), in the clause that
    asks it; empty for other questions."""
    return list(_asked_event(question))


# Remembered: the event check reads the question's event for every candidate sentence it tests (a jieba tagging each).
@lru_cache(maxsize=1024)
def _asked_event(question: str) -> tuple[str, ...]:
    if not asked_figures(question) & _DATE_KINDS:
        return ()
    m = _when_clause(question)
    if m is None:
        return ()

    def verbs(text: str, named: bool = False) -> list[str]:
        tags = pos_tags(text)
        return [
            w
            for i, (w, tag) in enumerate(tags)
            if len(w) >= 2
            and tag in ("v", "vn")
            and w not in _NOT_THE_EVENT
            and not (named and i + 1 < len(tags) and _names_a_body(*tags[i + 1]))
        ]

    # The verb after the ask names the event (什么时候开始施行); with none there, the one before it does (开学的日期是
    # 哪天), not the verbs naming what the event is of (修订的管理办法什么时候施行), nor a verb in a body's name
    # (疫情防控指挥部的禁令从哪天开始: 防控 names the 指挥部).
    # With no verb after it, an event written as a noun that ends the clause (哪一年入党的, 什么时候向社会公告: jieba tags
    # 入党 and 公告 nouns) is the one asked.
    after = verbs(m.string[m.end() :]) or _event_noun(m.string[m.end() :])
    if after and all(v in _LIGHT_VERBS for v in after):
        # 开幕式是在哪一天举行的: 举行 names no event, the thing held does (开幕式, not 誓师大会 held the same day).
        held = _held_noun(m.string[: m.start()])
        after = [held] if held else after
    # Before the ask, the head the last 的 leaves (十二条政策意见执行期到什么时候: 执行, not 支持 or 发展 of what the
    # policy is for) names a rule's taking effect in any part of speech.
    head = re.sub(r"《[^》]*》", "", m.string[: m.start()]).rsplit("的", 1)[-1]  # 《…实施细则》 names a rule
    effect = [e for e in _TAKES_EFFECT if e in head]
    # Else the verbs of that head (消防员招录的笔试和体能测试安排在什么时间: 测试, not the 招录 it belongs to), or of the
    # whole clause before the ask.
    return tuple(dict.fromkeys(after or effect or verbs(head, named=True) or verbs(m.string[: m.start()], named=True)))


# What stands before a thing's head without naming another of its kind: 该窗口, 此办法, 本通知.
_NOT_ANOTHER = "该此本其这那各每全"
_CJK_ONLY = re.compile(r"[\u4e00-\u9fff]+")


def dated_thing(question: str) -> tuple[str, str] | None:
    """What a when-question asks the date of, as (its name as the question gives it, its head): (社保窗口, 窗口) of
    政务服务中心暂停的社保窗口哪一天恢复现场办理; None when no name stands right before the ask or it is one word."""
    if not asked_figures(question) & _DATE_KINDS:
        return None
    m = _when_clause(question)
    if m is None:
        return None
    before = re.sub(r"(?:是|在|从|于|将|要|会|的)+$", "", m.string[: m.start()])
    words = [w for w in tokenize(before) if w.strip()]
    # The head is the last word of the name, its modifier the word ending where the head begins.
    head = _last_word(before, words)
    if len(head) < 2 or not _CJK_ONLY.fullmatch(head):
        return None
    modifier = _last_word(before[: -len(head)], words)
    if len(modifier) < 2 or not _CJK_ONLY.fullmatch(modifier):
        return None
    return modifier + head, head


def names_another_of(text: str, thing: tuple[str, str]) -> bool:
    """Whether `text` names another thing of the kind asked (不动产登记窗口 for 社保窗口): its head after another
    modifier, and the name asked nowhere."""
    name, head = thing
    if name in text:
        return False
    return any(
        i > 0 and _CJK_ONLY.fullmatch(text[i - 1]) and text[i - 1] not in _NOT_ANOTHER
        for i in (m.start() for m in re.finditer(re.escape(head), text))
    )


# Verbs that say an event took place, not which: what is held, convened or carried out names it.
_LIGHT_VERBS = frozenset("举行 举办 召开 进行 开展 发生".split())


def _held_noun(before: str) -> str | None:
    """The noun a when-ask with a light verb after it is about: the last one before the ask (亚运会的开幕式是在 →
    开幕式), if the clause ends in one (after 是, 在, 于)."""
    tags = [(w, tag) for w, tag in pos_tags(before) if w.strip() and w not in ("是", "在", "于", "是在", "将", "将在")]
    if not tags:
        return None
    word, tag = tags[-1]
    return word if len(word) >= 2 and tag in ("n", "nz", "vn", "j", "l") and word not in _FIGURE_WORDS else None


def _event_noun(text: str) -> list[str]:
    """The noun naming an event at the end of a clause (入党 of 入党的), if it ends with one."""
    tags = [(w, tag) for w, tag in pos_tags(text) if tag not in ("uj", "ul", "y", "x") and w.strip()]
    if not tags:
        return []
    word, tag = tags[-1]
    if len(word) >= 2 and tag in ("n", "vn") and word not in _NOT_THE_EVENT and word not in _FIGURE_WORDS:
        return [word]
    return []


_BODY = re.compile(r"(?:部|委|局|厅|办|组|中心|机构|办公室|委员会)$")


def _names_a_body(word: str, tag: str) -> bool:
    """Whether a word after a verb makes the verb part of a body's name (防控 of 防控指挥部). Not of an event's
    (坍塌 of 坍塌事故 is the event asked), nor of a date (复工日期)."""
    return tag == "nt" or (tag.startswith("n") and _BODY.search(word) is not None)


# A rule's taking effect is written with any of these: 从什么时候开始执行 is answered by 自3月1日起施行.
_TAKES_EFFECT = ("施行", "实施", "执行", "实行", "生效", "启用")


# A rule's own clause of effect (本条例自2007年6月1日起施行, 本办法自发布之日起实施): what a question naming the rule and
# asking when it takes effect asks, however it words the asking (是从哪天开始施行的).
_OWN_EFFECT = re.compile(
    r"本(?:法|条例|规定|办法|细则|决定|准则|规则|意见|通知|章程|方案|措施|公告|通告)[^。；;]{0,20}?自[^。；;]{1,30}?起"
    r"(?:" + "|".join(_TAKES_EFFECT) + ")"
)


def asks_taking_effect(question: str) -> bool:
    """Whether a question asks when something takes effect (哪天开始施行, 什么时候起实施)."""
    return bool(asked_figures(question) & _DATE_KINDS) and any(e in question for e in _TAKES_EFFECT)


def states_own_effect(text: str) -> bool:
    """Whether a text states its document's own date of effect (本法自2020年7月1日起施行)."""
    return _OWN_EFFECT.search(text) is not None


def _date_names(text: str, question: str, events: list[str]) -> bool | None:
    """Whether a sentence of `text` giving the asked date names one of `events` (any date, for no events); None when
    none gives it."""
    dated = _stating_asked_figure(text, question)
    if not dated:
        return None
    if any(e in _TAKES_EFFECT for e in events):
        if "deadline" in asked_figures(question):
            # 执行到什么时候: a measure's end is written as its span (自即日起至2020年12月底…减半收取), not with the
            # verb of its taking effect; the deadline's form (至, 前, 止) is the measure's own.
            return True
        events = list(dict.fromkeys([*events, *_TAKES_EFFECT]))
        # 通过…实施方案: the name of a plan, not its taking effect.
        dated = [_NAMED_PLAN.sub(" ", s) for s in dated]
    return not events or any(
        holds(e, s) or _until(e, s) or _took_post(e, s) or _kin_verb(e, s, question) for s in dated for e in events
    )


_NAMED_PLAN = re.compile(r"(?:施行|实施|执行|实行)(?=方案|意见|细则|办法|计划|情况)")


# How a text gives any activity's end (活动将持续至10月份): an end asked with 到 (要办到什么时候) is named by it, though
# not by another verb's end (缓缴至6月30日 does not say what 延到 asks).
_LASTS_UNTIL = re.compile(r"(?:持续|延续)(?:到|至)\s*" + _DATE_POINT)


def _until(event: str, sentence: str) -> bool:
    """Whether a sentence names an event asked with 到 (延到哪天, 办到什么时候) in its written form (延至, 延长至, 缓缴至),
    or says how long the thing lasts (持续至10月份)."""
    if len(event) != 2 or event[1] not in "到至":
        return False
    return (
        re.search(f"{event[0]}[\u4e00-\u9fff]?[至到]", sentence) is not None
        or _LASTS_UNTIL.search(sentence) is not None
    )


# Taking up a post (出任, 担任, 就任) is written 任 after its date in a career line: 2020年6月任山东省副省长.
_TAKES_POST = frozenset("出任 担任 就任 升任 调任".split())
_POST_DATED = re.compile(r"[年月日]\s*(?:起\s*)?(?:任|出任|担任|就任)")


# The when-asks (`_WHEN_CLAUSE`'s, and 哪日, 几月 written bare) right after an act with 到: until when.
_UNTIL_ASKED = r"了?(?:" + _WHEN_CLAUSE.pattern + r"|哪日|几月)"
# The complements a verb takes for where its act goes or from when (交到, 算起): the act is its first character. Not
# those of its completion (建成, 办完): 搭建 says it will be built, not when it is done.
_COMPLEMENTS = "到至起上下出进回"


def _kin_verb(event: str, sentence: str, question: str) -> bool:
    """Whether a sentence names the asked act by another verb ending in the act a complement follows in the other:
    交到 asked, 提交 or 递交 said; 计算 asked, 算起 said. Not 交流 for 交到 (its 交 is not its act), nor 举办 for 办到
    什么时候: 到 right before the ask is until when (`_until`'s), not where the act goes."""
    if len(event) != 2 or (event[1] in "到至" and re.search(re.escape(event) + _UNTIL_ASKED, question)):
        return False
    return any(
        (event[1] in _COMPLEMENTS and word[1] == event[0]) or (word[1] in _COMPLEMENTS and event[1] == word[0])
        for word in _two_character_verbs(sentence)
        if word != event
    )


# Remembered: `_date_names` tries each asked event on each dated sentence (a rule's taking effect adds six verbs), and a
# jieba tagging costs far more than the comparison.
@lru_cache(maxsize=1024)
def _two_character_verbs(sentence: str) -> tuple[str, ...]:
    return tuple(w for w, tag in pos_tags(sentence) if len(w) == 2 and tag in ("v", "vn"))


def _took_post(event: str, sentence: str) -> bool:
    """Whether a sentence dates taking up a post, asked with one of its verbs (什么时候出任)."""
    return event in _TAKES_POST and _POST_DATED.search(sentence) is not None


def dates_event(text: str, question: str) -> bool:
    """Whether `text` gives the date a when-question asks in a sentence naming its event (any date, for a question
    naming none)."""
    return bool(_date_names(text, question, asked_event(question)))


def date_off_event(text: str, question: str) -> str | None:
    """The event a when-question asks about, when the answer `text` gives the asked date only in sentences that do
    not name it; else None (a text giving no date at all is lacks_asked_figure's to refuse)."""
    events = asked_event(question)
    # 认定办法正式施行的日期: the rule's taking effect is the event, not the verbs naming what it rules (申请, 认定).
    effect = [e for e in events if e in _TAKES_EFFECT]
    events = effect or events
    return events[0] if events and _date_names(text, question, events) is False else None


# 每人每月多少元, 每家最高补贴多少, 人均多少: a figure per person, month or firm, which a total or a change does not
# give (惠及231万名退休人员; 最低标准再提高20元). The sentences that give one say so: 每人每月300元, 人均34元, 300元/人,
# 早晚各1次, and in one word: 日产量2000万个, 日均, 单户最高1000万元.
# (每天几点: a time of day, which the time kinds judge.)
# 日均, 年均 ask a figure per day or year as 人均 does per person (全国铁路日均发送旅客多少人次).
# 每度电怎么收费 asks a rate per unit in words, as 每度电多少钱 does.
_ASKS_PER_UNIT = re.compile(
    r"(?:每|[人户日月年周]均)[^，,。；;？?]{0,12}?(?:(?<!多)多少|(?<!哪)几(?![点时])|(?:怎么|如何|怎样)(?:收费|计费|收取))"
)
_STATES_PER_UNIT = re.compile(
    r"每|[人户生日月年周]均|日产|单[日户人家个]|[/／]\s*[\u4e00-\u9fff]|各\s*[0-9０-９一二两三四五六七八九十]"
)


def per_unit_missing(text: str, question: str) -> bool:
    """Whether a question asks for a figure per unit (每人每月多少元) and the answer `text` gives none per anything."""
    return _ASKS_PER_UNIT.search(question) is not None and not _STATES_PER_UNIT.search(text)


# 从多少下调至多少, 由多少增加到多少: both ends of a change asked, which its size alone (下调10个基点) does not give; a
# sentence giving both says 从…至/到/为… with a figure on each side (从10小时30分压缩至9小时26分, 从五十四万亿元增长到…).
_ASKS_RANGE = re.compile(r"[从由]多少.{0,8}?(?:至|到|为)了?多少")
_FIGURE_CHAR = "0-9０-９〇零一二两三四五六七八九十百千万亿" + FINANCIAL_NUMERALS
_STATES_RANGE = re.compile(
    rf"[从由][^，,。；;]{{0,20}}?[{_FIGURE_CHAR}][^，,。；;]{{0,20}}?(?:至|到|为)[^，,。；;]{{0,8}}?[{_FIGURE_CHAR}]"
)


def range_missing(text: str, question: str) -> bool:
    """Whether a question asks both ends of a change (从多少下调至多少) and the answer `text` states no change from one
    figure to another."""
    return _ASKS_RANGE.search(question) is not None and not _STATES_RANGE.search(text)


# 新增多少公里, 提高了多少, 比上年增长多少: the size of a change asked, which a level or a total does not give
# (轨道交通运营总里程超过1200公里 for 今年计划新增多少公里轨道交通运营里程). A sentence giving one says how it changed
# (新增, 增长, 提高, 下降, 减少, 比上年多); 提高到多少 asks the level reached, which any figure may give.
_ASKS_INCREMENT = re.compile(
    r"(?:新增|新建|新开通?|新设|增加|增长|提高|提升|上调|上涨|下降|减少|降低|下调|压减)了?(?:百分之)?(?:(?<!多)多少|(?<!哪)几)"
)
_STATES_INCREMENT = re.compile(
    r"新增|新建|新开|新设|新招|增|提高|提升|上调|下调|调高|调低|上浮|下浮|上涨|降|减|扩大|缩小|收窄|压缩|回落|"
    r"比[^，,。；;]{0,6}[多少]|翻"
)


def increment_missing(text: str, question: str) -> bool:
    """Whether a question asks the size of a change (新增多少, 提高了多少) and every sentence of the answer `text`
    stating the asked figure gives a level or a total instead (none says how it changed)."""
    if _ASKS_INCREMENT.search(question) is None:
        return False
    figures = _stating_asked_figure(text, question)
    # Not a word inside a quoted name: “…从轻减轻行政处罚清单”共包括1954项 states a total.
    return bool(figures) and not any(_STATES_INCREMENT.search(_NAMED_IN_QUOTES.sub("", s)) for s in figures)


_NAMED_IN_QUOTES = re.compile(r"“[^”]*”|《[^》]*》|「[^」]*」")


# A question asking what a numbered shorthand stands for (“三严三实”是指什么, “两新”包括哪些) is answered only by a text
# that says it: the term followed by 即, 是指, a colon…, its parts listed beside it, or its items counted off (一是…,
# 一条线…); `lacks_shorthand_content` says which lists count. Policy texts mention such terms far more often than they explain them (坚持“三严三实”，坚持民主集中制).
_NUMERAL = "一二两三四五六七八九十百千万双0-9０-９"
_SHORTHAND_QUOTED = re.compile(rf"[“\"‘「]([^”\"’」]{{0,12}}[{_NUMERAL}][^”\"’」]{{0,12}})[”\"’」]")
# Not inside a longer number: 2020年第8号 is a document's number, not 0年第8号.
_SHORTHAND_BARE = re.compile(rf"(?<![{_NUMERAL}])[{_NUMERAL}][^\W{_NUMERAL}]{{1,2}}[{_NUMERAL}][^\W{_NUMERAL}]{{1,2}}?")
_ASKS_CONTENT = re.compile(
    r"指(?:的是)?(?:什么|哪)|什么意思|(?:什么|哪些)含义|含义是什么|具体内容|内容是什么|具体是什么|分别是(?:什么|哪)"
    r"|包括哪|包含哪|有哪些内容|是哪[几些]|哪[几些]个方面"
    # 具体表述是什么, 原文怎么说: its wording.
    r"|表述(?:是|为)?(?:什么|怎样|如何)|(?:怎么|如何)表述|原文(?:是|怎么)"
    # 是指保哪三项, 是哪四个方面: which of its parts, counted.
    rf"|哪[{_NUMERAL}]+(?:个|项|类|种|条|方面|部分|大|点|件|批)"
)
_EXPLAINS = re.compile(
    r"[”\"’」]?\s*[，,]?\s*(?:即|也就是|就是|是指|指的是|：|:|（|\(|包括|分别是|分别为|主要是|具体是|具体为)"
)
# The term, then the word for what it is, then the explanation: “双培双推”模式,即…, “放管服”改革，即…, “两癌”筛查
# 主要包括宫颈癌和乳腺癌的检查; or the term opening a longer quoted name (“两案八制”，即… for “两案”).
_EXPLAINS_AFTER_NAME = re.compile(
    r"[”\"’」]?[\u4e00-\u9fff]{1,4}?[”\"’」]?\s*(?:[，,]\s*(?:即|也就是|就是|是指|指的是)"
    r"|(?:主要|具体)?(?:包括|分别是|分别为|是指|指的是))"
)
_PART_EXPLAINED = r"[”\"’」]?\s*(?:是指|指的是|即|就是|是)"
_ENUMERATES = re.compile(r"一是|二是|其一|第一[，、,是]|（一）|\(一\)|①|(?<![0-9])1[、.．](?![0-9])")


def asked_shorthand(question: str) -> str | None:
    """The numbered shorthand whose content the question asks for (三严三实 in “三严三实”具体是指什么), if any."""
    # The last named is the one asked about (“三个高地”指挥部的“一办七组”分别是哪几个组); a figure or a date in
    # quotes is no shorthand, nor an ordinal (“第二个答案” names one thing, not a set of parts).
    quoted = [
        q
        for q in _SHORTHAND_QUOTED.finditer(question)
        if not re.fullmatch(rf"[{_NUMERAL}.．%％年月日]+", q.group(1)) and not q.group(1).startswith("第")
    ]
    m = quoted[-1] if quoted else None
    m = m or _SHORTHAND_BARE.search(question)
    if m is None:
        return None
    term = m.group(1) if m.re is _SHORTHAND_QUOTED else m.group(0)
    # “三严三实”是什么 asks it directly; 八闽健康码的用途是什么 asks something else about a name.
    if _ASKS_CONTENT.search(question) or re.match(r"[”\"’」]?(?:是|指)(?:什么|啥)", question[m.end() :]):
        return term
    return None


def lacks_shorthand_content(text: str, question: str) -> bool:
    """Whether the answer `text` to a question asking what a numbered shorthand stands for (`asked_shorthand`) only
    mentions it: nothing around the term explains, lists or counts off its parts."""
    term = asked_shorthand(question)
    if term is None:
        return False
    if term not in text:
        # The parts named without the term (懂政治、懂业务、… for 五懂五会).
        return not (_LIST.search(text) or _ENUMERATES.search(text))
    lead = re.match(rf"[{_NUMERAL}]+([个条项批点类种])", term)
    core = set(re.sub(rf"[{_NUMERAL}个大项类种条点]", "", term))
    parts = re.findall(rf"[{_NUMERAL}]+[^{_NUMERAL}]+", term)  # 一图两清单: 一图, 两清单
    for m in re.finditer(re.escape(term), text):
        before = re.split(r"[，,。；;：:]", text[: m.start()])[-1]
        if "、" in before:  # 电动汽车、锂电池、光伏产品“新三样”: the parts, then their name
            return False
        after = text[m.end() :]
        # Its parts listed in its own clause, or further in its sentence by items repeating a word of it (“四个全面”
        # 战略布局，…协调推进全面深化改革、全面依法治国…), or counted off in its sentence; another list is about
        # something else (聚焦“三高四新”战略定位和使命任务,在培育制造名城、建设幸福株洲、乡村振兴等重点工作中).
        own = re.match(r"[^，,；;。！？!?]*", after).group(0)
        sentence = re.split(r"[。；;！？!?]", after)[0]
        if (
            _EXPLAINS.match(after)
            or _EXPLAINS_AFTER_NAME.match(after)
            # Not a list after 的: “三个地”的使命担当、以…的初心使命 uses the term as what qualifies a list of other things.
            or (_LIST.search(own) and not own.startswith(("的", "”的")))
            or _ENUMERATES.search(sentence)
        ):
            return False
        # Explained in a parenthesis of its clause: “1+17”心理援助热线整合（即12320-5心理援助热线+16个区的心理热线）.
        if re.search(r"[（(]\s*(?:即|也就是|就是|是指|指|包括|含)", own):
            return False
        for clause in re.split(r"[，,：:]", sentence[len(own) :]):
            if sum(bool(core & set(item)) for item in re.split(r"[、和及与]", clause)) >= 2 and "、" in clause:
                return False
        if lead and "一" + lead.group(1) in after:  # 两条线: “一条线”是…
            return False
        # Each numbered part explained in turn: “一图两清单”，“一图”是指…，“两清单”是指….
        if len(parts) >= 2 and all(re.search(re.escape(p) + _PART_EXPLAINED, sentence) for p in parts):
            return False
    return True


_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")


# Key terms that name one specific thing (a document title, a quoted name, a numbered event, a year, a Latin
# token such as 5G, an article of a law, a number): when no retrieved document holds one, the question is about
# something else. Places and nouns are left to the model: documents write 沪 for 上海 and paraphrase nouns.
STRONG_KEY_KINDS = frozenset({"title", "quoted", "event", "year", "latin", "article", "number"})


def question_terms(question: str) -> list[str]:
    """The content tokens of a question, without question words, deduplicated in order."""
    seen: dict[str, None] = {}
    for t in tokenize(question):
        if t not in QUESTION_WORDS and not t.isspace():
            seen.setdefault(t, None)
    return list(seen)


def answer_type(question: str) -> tuple[str, re.Pattern[str]] | None:
    """The kind of thing the question asks for and how it looks in a sentence, if the question says."""
    return next(((name, shape) for name, asks, shape in ANSWER_TYPES if asks.search(question)), None)


def bigrams(s: str) -> set[str]:
    s = re.sub(r"\s+", "", s)
    return {s[i : i + 2] for i in range(len(s) - 1)}


def context(chunk: Chunk) -> str:
    """What a passage says about itself besides its text: the reader sees title, headings and author with it."""
    return " ".join(
        x for x in (chunk.title, chunk.doc_title, chunk.heading_path, chunk.author, chunk.affiliation, chunk.date) if x
    )


def holds(term: str, text: str) -> bool:
    """Whether `text` holds `term` in any of its forms (aliases, number forms), case folded."""
    low = text.lower()
    return any(v in low for v in _lower_variants(term))


@lru_cache(maxsize=4096)
def _lower_variants(term: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.lower() for v in variants(term)))


def novelty(unit: str, question: str) -> float:
    """The share of a sentence's characters that the question does not already contain."""
    chars = [c for c in unit if c.isalnum()]
    return sum(1 for c in chars if c not in question) / len(chars) if chars else 0.0


def is_heading(unit: str) -> bool:
    """A title or heading line, not a sentence: short and without closing punctuation."""
    return len(unit) <= 40 and not _SENT_END.search(unit.strip())


_CLOSERS = "”’」』》"


def is_title_line(unit: str) -> bool:
    """A heading, or a headline ending in a closing quote with no sentence end inside it.

    `is_heading` (a feature the answer model was trained with) takes a closing quote for a sentence end; in a news
    headline (农业农村部开通“春耕农机线上服务站”, 福建省推出“八闽健康码”) it closes a name, and the line states nothing
    the article after it does not. Speech (他说：“……。”) keeps its full stop inside the quote. A closing bracket still
    ends a statement: an author's note (作者系…副书记) says who wrote the article.
    """
    text = unit.strip()
    return is_heading(text) or (len(text) <= 40 and not _SENT_END.search(text.rstrip(_CLOSERS)))


# Remembered: one question checks each key term against the same passages and whole documents (up to
# 100k characters each), and NFKC over them was a tenth of the app's time under load.
@lru_cache(maxsize=256)
def _flat(s: str) -> str:
    return unicodedata.normalize("NFKC", "".join(s.split()))


def holds_key(kt: KeyTerm, chunk: Chunk, text: str | None = None) -> bool:
    """Whether a passage (or `text` of it), with its document's metadata, holds a key term of the question.

    A year also counts when the passage's document dates from the year after: a work report reviews the
    previous year without naming it.
    """
    # Flattened part by part (whitespace goes anyway), so each part's flat form is remembered on its own.
    flat = _flat(context(chunk)) + _flat(chunk.source) + _flat(chunk.text if text is None else text)
    term = _flat(kt.text)
    if kt.kind == "title":
        return holds(term.removeprefix("中华人民共和国"), flat)
    if kt.kind == "year":
        return holds(term, flat) or str(int(term) + 1) in chunk.date
    if kt.kind == "place":
        return holds(term, flat) or place_stem(term) in flat
    if kt.kind == "quoted":
        return holds(term, flat) or _enumerated(term, flat) or _paraphrased(term, flat)
    if kt.kind == "article":
        # 第 and 条 bound the number: 第四十八条 is not inside 第一百四十八条.
        return any(f in flat for f in article_forms(term))
    return holds(term, flat)


# A long quotation is a headline or a saying as the asker remembers it (“男子在火车上要微信被拒后对女孩爸爸动手” for the
# article's 男子要微信被拒后对女孩爸爸动手): held when one stretch of the text, half as long again, holds 70% of its
# character pairs (80% held two of four writers' forms of one headline). A short one is a name, held only as written.
_PARAPHRASE_MIN = 10
_PARAPHRASE_SHARE = 0.7


@lru_cache(maxsize=4096)
def _paraphrased(term: str, text: str) -> bool:
    if len(term) < _PARAPHRASE_MIN:
        return False
    grams = bigrams(term)
    need = math.ceil(_PARAPHRASE_SHARE * len(grams))
    width = len(term) + len(term) // 2
    found = sorted((m.start(), g) for g in grams for m in re.finditer(re.escape(g), text))
    if len({g for _, g in found}) < need:
        return False
    inside: dict[str, int] = {}
    start = 0
    for pos, gram in found:
        inside[gram] = inside.get(gram, 0) + 1
        while found[start][0] < pos - width:
            old = found[start][1]
            inside[old] -= 1
            if not inside[old]:
                del inside[old]
            start += 1
        if len(inside) >= need:
            return True
    return False


_COUNTED = re.compile(r"^([两二三四五六七八九十])个([\u4e00-\u9fff]{2,3})$")


def _enumerated(term: str, text: str) -> bool:
    """Whether `text` spells out a counted slogan item by item: “四个意识” as 政治意识、大局意识、核心意识、看齐意识.

    Documents that state the items (the 党章) seldom use the label the question quotes.
    """
    m = _COUNTED.match(term)
    if not m:
        return False
    n, head = small_number(m.group(1)), re.escape(m.group(2))
    item = rf"[\u4e00-\u9fff]{{1,6}}?{head}"
    return re.search(rf"{item}(?:(?:、|和|与|及|以及){item}){{{n - 1}}}", text) is not None


@dataclass
class Question:
    """What the answerer works out about a question once: its words and their weights, its key terms."""

    text: str
    terms: list[str]
    idf: dict[str, float]
    total: float
    qbi: set[str]
    atype: tuple[str, re.Pattern[str]] | None
    keys: list[KeyTerm]
    unknown_share: float  # idf share of the question's words that no passage in the corpus uses
    raw_idf: dict[str, float] = field(default_factory=dict)  # idf before the part-of-speech weights
    df: dict[str, int] = field(default_factory=dict)
    unknown_nouns: list[str] = field(default_factory=list)
    required_shape: re.Pattern[str] | None = None
    dates: list[tuple[int, int]] = field(default_factory=list)  # (month, day) of each calendar date it names


def analyse(question: str, doc_freq: DocFreq) -> Question:
    """Terms, idf weights (nouns up, verbs down, unknown words down), key terms and asked-for type."""
    terms = question_terms(question)
    df, n = doc_freq(terms)
    tags = dict(pos_tags(question))
    idf: dict[str, float] = {}
    unknown = 0.0
    for t in terms:
        w = math.log(1 + (n + 1) / (df.get(t, 0) + 0.5))
        if not df.get(t, 0):
            unknown += w
            # A word no passage has cannot be matched by any sentence: at full weight it only flattens the
            # differences between sentences. A noun names the topic; a verb is often paraphrased.
            w *= 0.3
        elif tags.get(t, "").startswith("n"):
            w *= 1.5
        elif tags.get(t, "") in ("v", "d", "c", "p"):
            w *= 0.6
        idf[t] = w
    raw_total = sum(math.log(1 + (n + 1) / (df.get(t, 0) + 0.5)) for t in terms) or 1.0
    keys = key_terms(question)
    for m in _NUMBER.finditer(_without_years(question)):
        keys.append(KeyTerm("number", m.group(0)))
    unknown_nouns = [kt.text for kt in keys if kt.kind == "noun" and _unknown_noun(kt.text, doc_freq)]
    contact = asked_contact(question)
    required = contact[1] if contact else None
    return Question(
        text=question,
        terms=terms,
        idf=idf,
        total=sum(idf.values()) or 1.0,
        qbi=bigrams("".join(terms)) or bigrams(question),
        atype=answer_type(question),
        keys=keys,
        unknown_share=unknown / raw_total,
        raw_idf={t: math.log(1 + (n + 1) / (df.get(t, 0) + 0.5)) for t in terms},
        df=dict(df),
        unknown_nouns=unknown_nouns,
        required_shape=required,
        dates=[(int(m.group(1)), int(m.group(2))) for m in _MONTH_DAY.finditer(question)],
    )


# A calendar date a question names (8月23日24时那轮调价, 截至2月12日) pins it to one event or one report: the
# document answering it names the date (every answerable question of the 91 sets naming one, 68, is so answered).
_MONTH_DAY = re.compile(r"(?<![0-9０-９])([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]")


def _holds_date(month: int, day: int, text: str) -> bool:
    """Whether a (flattened) text names the date, as 8月23日 or 8月23号."""
    return any(int(m.group(1)) == month and int(m.group(2)) == day for m in _MONTH_DAY.finditer(text))


def _without_years(q: str) -> str:
    return re.sub(r"(?<!\d)(?:19|20)\d\d\s*年|《[^》]*》|[A-Za-z]+\d*|\d+[A-Za-z]+", " ", q)


def _unknown_noun(noun: str, doc_freq: DocFreq) -> bool:
    """A noun the corpus never uses, not even as its parts (起征点, 公积金): the question is about something else."""
    parts = noun_parts(noun)
    df, _ = doc_freq([noun, *parts])
    if df.get(noun, 0):
        return False
    return sum(len(p) for p in parts if df.get(p, 0)) < len(noun)


def bigram_share(q: Question, text: str) -> float:
    """The share of the question's character pairs that `text` holds."""
    return len(q.qbi & bigrams(text)) / len(q.qbi) if q.qbi else 0.0


def coverage(q: Question, text: str) -> float:
    """The idf-weighted share of the question's words that `text` holds."""
    return sum(w for t, w in q.idf.items() if holds(t, text)) / q.total


def sentence_features(q: Question, hit: Hit, rank: int, unit: str, start: int, top_score: float) -> dict[str, float]:
    """How well one candidate sentence answers the question, as numbers the ranker weighs."""
    chunk = hit.chunk
    ctx = context(chunk)
    cov_sent = coverage(q, unit)
    cov = sum(w for t, w in q.idf.items() if holds(t, unit) or holds(t, ctx)) / q.total
    asked = q.atype is not None
    fits = bool(asked and q.atype[1].search(unit))
    keys = [kt for kt in q.keys if kt.kind != "noun"]
    blob = f"{ctx} {chunk.source} {unit}"
    keys_in = sum(1 for kt in keys if holds_key(kt, chunk, unit))
    return {
        "cov": cov,
        "cov_sent": cov_sent,
        "bigram": bigram_share(q, unit),
        "passage_score": hit.score / top_score if top_score > 0 else 0.0,
        "dense": hit.dense,
        "rank_inv": 1.0 / (1 + rank),
        "shape_fit": 1.0 if fits else 0.0,
        "shape_miss": 1.0 if asked and not fits else 0.0,
        "length": min(len(unit), 300) / 100,
        "echo": 1.0 if novelty(unit, q.text) < 0.3 else 0.0,
        "novelty": novelty(unit, q.text),
        "heading": 1.0 if is_heading(unit) else 0.0,
        "first": 1.0 if start == 0 else 0.0,
        "keys_in": keys_in / len(keys) if keys else 1.0,
        "in_ctx_only": 1.0 if cov > cov_sent + 0.3 else 0.0,
        # Rare words weigh much more than common ones: the sentence about *this* programme or town.
        "rare_cov": sum(w * w for t, w in q.raw_idf.items() if holds(t, unit)) / rare_total
        if (rare_total := sum(w * w for w in q.raw_idf.values()))
        else 0.0,
        "blob_len": min(len(blob), 600) / 600,
    }


SENTENCE_FEATURES = [
    "cov",
    "cov_sent",
    "bigram",
    "passage_score",
    "dense",
    "rank_inv",
    "shape_fit",
    "shape_miss",
    "length",
    "echo",
    "novelty",
    "heading",
    "first",
    "keys_in",
    "in_ctx_only",
    "rare_cov",
    "blob_len",
    "sent_dense",  # set by the answerer (kb/answer/sentence_similarity.py), not here: it needs the embedder
    "sent_dense_gap",
]


def question_features(
    q: Question,
    hits: list[Hit],
    best: tuple[int, str, float, float],
    second_logit: float,
    passages: int,
    cache: dict | None = None,
    doc_texts: dict[str, str] | None = None,
) -> dict[str, float]:
    """Whether the evidence answers the question: the best sentence, its passage, and the key terms.

    `best` is (passage rank, sentence, ranker logit, question–sentence cosine) of the best candidate;
    `second_logit` that of the best candidate from another passage (or a low value when there is none). `cache`
    keeps the parts that do not depend on the sentence between calls for the same question and hits (training
    asks for every candidate).
    `doc_texts` holds the whole text of each top passage's document by doc_id: a key term (the province of
    a notice, the year of a report) is often stated once at the head of a document, not in every passage.
    """
    docs = doc_texts or {}
    cache = {} if cache is None else cache
    rank, unit, logit, sent_dense = best
    if "shared" not in cache:
        cache["shared"] = _evidence_features(q, hits, passages, docs)
    if rank not in cache:
        cited = hits[:passages][rank].chunk
        cache[rank] = {**_cited_features(q, cited, docs.get(cited.doc_id)), **_standing(q, hits, rank)}
    f = {**cache["shared"], **cache[rank]}
    f.update(
        best_logit=max(-10.0, min(10.0, logit)),
        margin=max(-10.0, min(10.0, logit - second_logit)),
        best_cov=coverage(q, unit),
        dense_cited=hits[rank].dense,
        shape_fit_best=1.0 if q.atype and q.atype[1].search(unit) else 0.0,
        sent_dense_best=sent_dense,
    )
    return f


def _standing(q: Question, hits: list[Hit], rank: int) -> dict[str, float]:
    """How the cited passage stands among the hits: its word match, and how many hits share its document.

    The embedding finds a near miss as readily as the answer; BM25 rewards the passage holding the question's
    own rare words. And when the knowledge base holds the answer, the hits tend to gather in the document that
    states it; when it does not, each retriever finds a different near miss and the hits scatter. (In a knowledge
    base of one or two documents the share is always high: there it only leans towards answering.)
    """
    cited = hits[rank]
    top_lex = max(h.lexical for h in hits)
    # BM25 of a passage holding every question word once is about (k1 + 1) × the words' idf: the share of
    # that ceiling the cited passage reaches does not depend on the knowledge base's size as raw BM25 does.
    ceiling = 2.2 * sum(q.raw_idf.values())
    return {
        "lex_rel": cited.lexical / top_lex if top_lex > 0 else 0.0,
        "lex_norm": min(cited.lexical / ceiling, 2.0) if ceiling > 0 else 0.0,
        "doc_share": sum(1 for h in hits if h.chunk.doc_id == cited.chunk.doc_id) / len(hits),
    }


def _evidence_features(q: Question, hits: list[Hit], passages: int, docs: dict[str, str]) -> dict[str, float]:
    """What the top passages (and their documents) hold as a whole, whichever sentence is cited."""
    top = hits[:passages]
    blobs = [f"{context(h.chunk)} {h.chunk.text}" for h in top]
    whole = [f"{context(h.chunk)} {docs.get(h.chunk.doc_id, h.chunk.text)}" for h in top]
    f: dict[str, float] = {
        "passage_cov": max((coverage(q, b) for b in blobs[:2]), default=0.0),
        "missing_idf": sum(w for t, w in q.idf.items() if not any(holds(t, h.chunk.text) for h in top[:3])) / q.total,
        "dense_max": max((h.dense for h in hits), default=0.0),
        "dense_gap": (hits[0].dense - hits[1].dense) if len(hits) > 1 else 0.0,
        "unknown_share": q.unknown_share,
        "n_terms": math.log1p(len(q.terms)),
        "shape_asked": 1.0 if q.atype else 0.0,
        "shape_fit_any": 1.0 if q.atype and any(q.atype[1].search(h.chunk.text) for h in top) else 0.0,
        "contact_missing": 1.0
        if q.required_shape is not None and not any(q.required_shape.search(h.chunk.text) for h in top)
        else 0.0,
        "unknown_noun": 1.0 if q.unknown_nouns else 0.0,
    }
    f.update(kt_any_top=0.0, kt_place_top=0.0, kt_noun_top=0.0, kt_strong_top=0.0)
    for kt in q.keys:
        if kt.kind == "noun":
            if not any(holds(kt.text, b) for b in whole):
                f["kt_noun_top"] = 1.0
        elif not any(holds_key(kt, h.chunk, docs.get(h.chunk.doc_id)) for h in top):
            f["kt_any_top"] = 1.0
            if kt.kind == "place":
                f["kt_place_top"] = 1.0
            elif kt.kind in STRONG_KEY_KINDS and not (
                kt.kind == "year" and any(_of_unknown_year(h.chunk, docs.get(h.chunk.doc_id)) for h in top)
            ):
                f["kt_strong_top"] = 1.0
    # A date named is a strong term too, kept out of the key terms the model weighs (it was trained without it).
    # Read part by part, as holds_key does, so each document's flat form is the one it remembered.
    for date in q.dates:
        if not any(
            _holds_date(*date, _flat(context(h.chunk)))
            or _holds_date(*date, _flat(docs.get(h.chunk.doc_id, h.chunk.text)))
            for h in top
        ):
            f["kt_strong_top"] = 1.0
    f["rare_missing_top"] = _rare_missing(q, " ".join(blobs))
    return f


def _of_unknown_year(chunk: Chunk, doc_text: str | None) -> bool:
    """Whether a passage's document says nothing of its year: undated, and its whole text names no year.

    Such a document neither confirms nor contradicts the year a question names (news of 2020 dated only
    新华社北京1月28日电), so the year alone does not veto it; the model still weighs the year as missing.
    """
    return not chunk.date and doc_text is not None and not _names_a_year(doc_text)


# Remembered: the same documents come back for question after question.
@lru_cache(maxsize=256)
def _names_a_year(text: str) -> bool:
    return _ANY_YEAR.search(text) is not None


_ANY_YEAR = re.compile(r"(?<![0-9０-９])(?:19|20)[0-9]{2}\s*年|(?:一九|二〇|二零)[〇零一二三四五六七八九]{2}年")


def _rare_missing(q: Question, text: str) -> float:
    """How rare the rarest question word that `text` lacks is, against the question's rarest word (0: none lacking).

    A question is pinned to its document by its rarest words (a programme's name, a town); a sibling document
    holds the common ones.
    """
    known = {t: w for t, w in q.raw_idf.items() if q.df.get(t, 0) > 0 and len(t) >= 2}
    if not known:
        return 0.0
    lacking = [w for t, w in known.items() if not holds(t, text)]
    return max(lacking, default=0.0) / max(known.values())


def _cited_features(q: Question, cited: Chunk, doc_text: str | None) -> dict[str, float]:
    """What the cited passage holds, and what its document (text and metadata) holds of the key terms."""
    blob = f"{context(cited)} {cited.text}"
    whole = f"{context(cited)} {doc_text if doc_text is not None else cited.text}"
    f = {"cited_cov": coverage(q, blob), "kt_any_cited": 0.0, "kt_place_cited": 0.0, "kt_noun_cited": 0.0}
    for kt in q.keys:
        if kt.kind == "noun":
            if not holds(kt.text, whole):
                f["kt_noun_cited"] = 1.0
        elif not holds_key(kt, cited, doc_text):
            f["kt_any_cited"] = 1.0
            if kt.kind == "place":
                f["kt_place_cited"] = 1.0
    f["rare_missing_cited"] = _rare_missing(q, blob)
    return f


QUESTION_FEATURES = [
    "best_logit",
    "margin",
    "cited_cov",
    "best_cov",
    "passage_cov",
    "missing_idf",
    "dense_max",
    "dense_cited",
    "dense_gap",
    "unknown_share",
    "n_terms",
    "shape_asked",
    "shape_fit_best",
    "shape_fit_any",
    "contact_missing",
    "unknown_noun",
    "kt_any_cited",
    "kt_any_top",
    "kt_place_cited",
    "kt_place_top",
    "kt_noun_cited",
    "kt_noun_top",
    "rare_missing_cited",
    "rare_missing_top",
    "sent_dense_best",
    "lex_rel",
    "lex_norm",
    "doc_share",
]
