"""Whether an answer names the person a question asks for.

A question asking who holds a post (株洲市直机关工委书记是谁, 由哪位市长作的报告, 联系人叫什么名字) is answered only by
a person's name. The knowledge base often describes the post without naming its holder (国家监察委员会主任由全国人民代表
大会选举; 成立由市委书记担任组长的领导小组): such sentences match the question's words well and the learned gate
answers with them. Read on every set: question writers ask this of posts whose holders the documents never name far
more often than of named ones (docs/evaluation.md, session 31).

A name is read from its setting rather than from a dictionary (jieba tags few names in these texts: 宋克难, 罗时雨): a
common surname and one or two characters, after a post (副局长王陆进, 组长：林中麟) or an election (选举罗时雨为), or
before a speech verb, 同志 or a bracketed telephone (李勇（联系电话…）). The reading leans towards finding a name: a
missed one refuses an answer.
"""

from __future__ import annotations

import re

# Common single surnames (about 230 of the most frequent; those that are also everyday words after a post, 和 全 时 党
# 应 成 明…, left out: 秘书长和监事 names no one) and compound ones.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭"
    "陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安"
    "齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝路游辛靳管柴蒙"
    "鲍华喻祁蒲房滕屈饶牟艾尤阳穆卓吉缪项芦褚娄窦戚岑宫卜晏米柏瞿佟臧闵苟邬卞姬仇栾隋刁巫寇桑郎甄丛虞敖巩佘麻苑迟邝"
)
_SURNAME = rf"(?:欧阳|司马|诸葛|上官|东方|皇甫|令狐|慕容|尉迟|长孙|宇文|司徒|夏侯|[{_SURNAMES}])"
_NAME = rf"{_SURNAME}[\u4e00-\u9fff]{{1,2}}"
# Posts a name follows (副局长王陆进, 市委书记张三, 联系人：马旭斗) and elections it follows (选举罗时雨为).
_POST = (
    r"(?:长|书记|主任|主席|总理|委员|助理|巡视员|经理|理事|秘书|联系人|负责人|代表人|作者|记者|同志|教授|院士|专家|总指挥|主编"
    r"|选举|推选|推举|任命|聘任|授予)"
)
# What only a person does after his name (说, 主持, 当选), and, after a post, also where he went or whom he went with
# (先后前往, 到, 赴, 一同调研).
_SPEAKS = r"说|表示|介绍|指出|强调|要求|主持|出席|当选"
_DOES = _SPEAKS + r"|先后|前往|来到|到|赴|深入|带队|率队|一行|一同|陪同|调研|参加"
_AFTER = rf"(?=\s|[，,、。；;：:（(）)”和与等在]|{_DOES}|同志|担任|任|为|$)"
_NAMED = re.compile(
    rf"{_POST}\s*[：:]?\s*(?P<after_post>{_NAME}){_AFTER}"
    # 李勇（联系电话13990220997）, 王陆进出席, ，张三同志: a name before what only a person does.
    rf"|(?P<before_deed>{_NAME})(?=\s*[（(]?\s*(?:联系)?(?:电话|手机)|\s*1\d{{10}}|同志|{_SPEAKS})"
)
# Who holds a post, asked by the post (书记是谁, 组长叫什么名字, 联系人姓名) or by 哪位; not 由谁担任 or 是谁挂帅,
# which a post answers (市委书记任第一指挥长), nor a document's or a place's name (文件叫什么名字).
# (总指挥, 总经理, 主编: offices not ending in 长.)
_OFFICES = tuple(
    "长 书记 主任 主席 总理 委员 联系人 负责人 代表人 作者 领导 专家 科学家 主持人 发言人 记者 总指挥 经理 主编".split()
)
_OFFICE = "(?:" + "|".join(_OFFICES) + ")"
_ASKS_PERSON = re.compile(
    rf"(?P<post>副?(?:(?!的)[\u4e00-\u9fff])?{_OFFICE})(?:具体|分别)?(?:是谁|叫什么名字|叫什么|的?姓名|[是为]哪位)"
    rf"|哪位(?P<named_post>[\u4e00-\u9fff]{{0,2}}?{_OFFICE})?"
)
# Posts that name a kind of person, not an office: a leader (哪位总局领导) or a body's 负责人 is named by his office
# (副局长王陆进, 党委副书记、局长郭顺民).
_VAGUE = ("", "领导", "负责人", "专家", "科学家")


def asked_post(question: str) -> str | None:
    """The office whose holder a question asks for (会长 of 首任会长是谁, 书记 of 工委书记叫什么名字; "" for 哪位 naming
    none), or None when it asks for no person."""
    m = _ASKS_PERSON.search(question)
    if m is None:
        return None
    post = m.group("post") or m.group("named_post") or ""
    # 首任会长 → 会长 (长 alone names no office); 工委书记 → 书记, 总局领导 → 领导; a deputy stays one (哪位副省长: 省长叶建春
    # is not he).
    office = post[-2:] if post.endswith("长") else next((o for o in _OFFICES if post.endswith(o)), post)
    return "副" + office if post.endswith("副" + office) else office


# A news item's byline (（记者 陈忠权 孟兴）) names who wrote it: it answers who wrote it, not who holds a post.
_WRITERS = ("记者", "作者")


def names_holder(text: str, post: str, question: str = "") -> bool:
    """Whether a text names a person and, unless the asked office is vague, the office (会长罗时雨 for 首任会长是谁;
    局长顾占雷 answers no question about a 秘书长, nor 副局长李东洲 about the 局长). A person the `question` itself
    names (省长叶建春到南昌大学调研时，哪位副省长一同前往) is not the one it asks for."""
    return names_person(text, question, bylines=post in _WRITERS) and (post in _VAGUE or _holds_post(text, post))


def _holds_post(text: str, post: str) -> bool:
    """Whether a text names the office itself, not its deputy's (副局长李东洲 answers no question about the 局长)."""
    if post.startswith("副"):
        return post in text
    return re.search(rf"(?<!副){re.escape(post)}", text) is not None


def names_person(text: str, question: str = "", bylines: bool = True) -> bool:
    """Whether a text names a person in a setting that shows it is a name (other than one the `question` names); with
    `bylines` False, a reporter's name (记者 陈忠权) does not count."""
    return any(
        not (question and (m.group("after_post") or m.group("before_deed")) in question)
        and (bylines or not m.group(0).startswith("记者"))
        for m in _NAMED.finditer(text)
    )


# A named person's post asked (被警告的张云担任什么职务, 罗显明是什么职务): a name standing by itself (after 的, a comma,
# the start, or an article's 作者 or 记者: 作者刘伟担任什么职务) right before the verb, the shortest that reaches it (张云,
# not 张云担 of 张云担任; not 江村后 of 莲江村后).
_ASKS_POST_OF = re.compile(
    rf"(?:(?<=作者)|(?<=记者)|(?<![^的，,、：:\s“”》）)]))(?P<name>{_SURNAME}[\u4e00-\u9fff]{{1,2}}?)"
    # 刘伟，在株洲市城管局担任什么职务: where he holds it may stand between.
    r"[，,]?(?:在[\u4e00-\u9fff]{2,12}?)?(?:现在|目前|当时|现|时)?(?:担任|任|是|的)(?:什么|何种|哪个|哪一?)?(?:职务|职位|官职)"
)
# A post word: the office words a name follows, and the ranks only a post ends in (副厅长, 巡视员, 党委委员).
_POST_WORD = (
    r"(?:长|书记|主任|主席|总理|委员|助理|巡视员|经理|理事|秘书|负责人|代表人|主管|总监|行长|董事|干部|成员|员)"
)


def asked_post_of(question: str) -> str | None:
    """The person whose post a question asks (张云 of 被警告的张云担任什么职务), or None."""
    m = _ASKS_POST_OF.search(question)
    return m.group("name") if m else None


def states_post_of(text: str, name: str) -> bool:
    """Whether a text gives `name` a post: the post right before the name (副局长董智浩, 党委委员、副厅长任振波), or after it
    in its clause (罗显明，中共株洲市直属机关工作委员会常务副书记; 袁达（国家发展改革委副秘书长）; 任振波任…副厅长).
    对张云给予警告 names him and no post."""
    n = re.escape(name)
    return bool(
        re.search(rf"{_POST_WORD}\s*{n}", text)
        or re.search(rf"{n}\s*(?:[，,（(：:]|现任|任|担任|系|为|是)[^，,。；;！？]{{0,30}}?{_POST_WORD}", text)
    )
