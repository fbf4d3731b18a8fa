"""Whether an answer names the sanction a question asks for.

A question asking what befalls a breach (会受到什么处罚, 给予什么处分, 被怎么处理) is answered only by a sentence that
names a sanction or the handling of one (罚款, 警告, 记过, 开除, 拘留, 吊销, 责令停业, 追究刑事责任, 依法查处) and speaks
of the breach asked about. Texts often describe a breach, or the rule it breaks, without saying what follows (北交所
要求保荐机构督促上市公司自查), and the sentence matching such a question best is then about the breach; a notice
listing sanctions gives them for its own breaches, not for another one the question names. So the likeliest sentence
that does both answers, or none does (as kb/answer/yes_no.py does for what a yes-or-no question asks).
"""

from __future__ import annotations

import re

from kb.answer.yes_no import speaks_of
from kb.store.tokenize import tokenize, word_match

# 受到什么处罚, 给予哪些处分, 何种惩戒, 被怎么处理, 罚则是什么. Not 处分期从什么时候算 (a date asked about a sanction),
# nor 如何处理好…的关系 or 资料不齐怎么处理 (how a matter is handled): 处理 asks a sanction only after 被.
_ASKS = re.compile(
    r"(?:什么|哪些|哪种|何种|怎样的|什么样的)(?:行政|纪律|党纪|政务|刑事|法律)?(?:处罚|处分|惩罚|惩处|惩戒|罚则|制裁|后果)"
    r"|(?:怎么|怎样|如何)(?:被)?(?:处罚|处分|惩罚|惩处|惩戒|问责|追责)"
    r"|被(?:怎么|怎样|如何)(?:处理|处置)"
    r"|(?:处罚|处分|惩罚|罚则)(?:是|有|为)(?:什么|哪些)"
    # A court's sentence: 判了什么刑, 一审怎么判的, 被判处什么刑罚 (not 刑期多长, a duration asked; nor 如何判定, 怎么判断).
    r"|判(?:了|处了?)?(?:什么|何种|哪些)(?:刑|罪)|(?:怎么|怎样|如何)(?:宣)?判(?![断定别读])"
    r"|判决(?:结果)?(?:是|为)?(?:什么|如何)"
)
# A sanction named, or the handling of a breach (依法查处, 移送公安机关): what a text says follows a breach. 依法处罚 is
# vague but is the answer such a text gives.
_SANCTION = re.compile(
    r"罚款|罚金|处以|处罚|处分|警告|记过|降级|撤职|开除|留党察看|撤销.{0,6}(?:职务|资格|许可|登记)|拘留|拘役|徒刑|"
    r"死刑|吊销|没收|责令|停业|停产|追究|问责|诫勉|约谈|通报批评|公开曝光|黑名单|失信|惩戒|惩处|查处|移送|判处|"
    r"免职|辞退|罢免|取消.{0,8}资格|(?:依法|从严|严肃|严厉)(?:处理|处置|打击)"
    # A civil servant's demotion for failing a review (降低一个职务或者职级层次任职).
    r"|降职|降低.{0,6}(?:职务|职级|级别)"
    # What a court decides a case with (判决物业公司出具相关证明, 驳回诉讼请求).
    r"|判决|判令|驳回"
)


# Words of the question that say how it asks, or name any breach (违反规定), not which one.
_NOT_THE_BREACH = frozenset(
    "受到 给予 应当 应该 可能 可以 最后 最终 如果 的话 情况 违反 违规 违法 规定 行为 有关 相关 按照 根据 依据 依照 "
    "对于 关于 这样 这种 那么 违反规定 人员 单位".split()
)


def asks_sanction(question: str) -> bool:
    """Whether a question asks what sanction follows a breach (会受到什么处罚, 被怎么处理, 一审怎么判的)."""
    return _ASKS.search(question) is not None


def asked_breach(question: str, title: str = "") -> list[str] | None:
    """The words naming the breach a question asks the sanction of (居民, 配合, 登记… of 居民不配合登记，会受到什么处罚),
    an empty list when it names none, or None when it asks no sanction.

    `title`: the answering document's; words of its own name (公务员, 处分 of 行政机关公务员处分条例) say which document,
    not which breach, since every sentence of it speaks of them (all of them kept when nothing else is left)."""
    m = _ASKS.search(question)
    if m is None:
        return None
    words = [w for w in tokenize(question[: m.start()]) if len(w) >= 2 and w not in _NOT_THE_BREACH]
    words = list(dict.fromkeys(words))
    return [w for w in words if w not in title] or words


def answers_sanction(text: str, breach: list[str]) -> bool:
    """Whether `text` names a sanction or the handling of a breach, and one of the `breach` words if there are any."""
    return word_match(_SANCTION, text) is not None and speaks_of(text, breach)
