"""A yes-or-no question's verdict, in the question's own word, read from the clause that speaks of what it asks
(kb/answer/verdict.py)."""

from __future__ import annotations

from kb.answer.verdict import asked_yes_no, verdict


def _verdict(question: str, text: str) -> str | None:
    asked = asked_yes_no(question)
    assert asked is not None, question
    return verdict(asked, text)


def test_the_verdict_word_is_the_one_the_question_asks_with():
    asked = asked_yes_no("地方能不能把疫情防控转移支付资金拿来平衡预算？")
    assert (asked.yes, asked.no) == ("能", "不能") and "平衡" in asked.words and "预算" in asked.words
    assert (asked_yes_no("发热患者可不可以跨区就诊？").no, asked_yes_no("有没有补贴？").no) == ("不可以", "没有")
    assert asked_yes_no("缓缴期间还要交滞纳金吗？").no == "不需要"
    assert asked_yes_no("申请变更的用户还受暂停用电不得小于15天的限制吗？").no == "不受"
    assert asked_yes_no("已征收的税款是否退还？").no == "否"
    assert asked_yes_no("这笔资金是否可以用于发放奖金？").no == "不可以"


def test_questions_that_ask_no_yes_or_no_or_ask_whether_something_is_so_get_no_verdict():
    assert asked_yes_no("能不能说说补贴有哪些？") is None  # a what-question in a yes-or-no frame
    assert asked_yes_no("会议是不是在武汉召开的？") is None  # settled by naming another place, not by a denial
    assert asked_yes_no("有没有例外的地方？") is None
    assert asked_yes_no("这项政策真这么规定了吗？") is None  # no word it asks whether with
    assert asked_yes_no("补贴标准是多少？") is None


def test_a_denial_in_the_clause_speaking_of_it_answers_no():
    q = "地方能不能把疫情防控转移支付资金拿来平衡预算？"
    assert _verdict(q, "各地不得将上级财政安排的疫情防控相关转移支付资金用于平衡预算。") == "不能"
    q = "缓缴期间还要交滞纳金吗？"
    assert _verdict(q, "可申请缓缴社会保险费，缓缴期限原则上不超过6个月，缓缴期间免收滞纳金。") == "不需要"
    q = "内江的职工从外地休假回来，能直接回岗位上班吗？"
    assert _verdict(q, "凡是从内江市域外休假返回内江的，暂缓返回岗位，一律居家自我隔离观察。") == "不能"


def test_an_affirmation_must_be_said():
    q = "已征收的税款是否退还？"
    assert _verdict(q, "本公告项下免税进口物资，已征收的应免税款予以退还。") == "是"
    # Naming what is asked, or wishing it, settles nothing.
    q = "辅警被记个人一等奖，能不能因此直接转正？"
    assert _verdict(q, "网友点赞的同时表示希望这位辅警能够转正。") is None
    q = "城市综合体能不能直接复业？"
    assert _verdict(q, "城市综合体、大型商场复业的审批，参照第6号通告的标准和流程执行。") is None


def test_an_exemption_asked_about_is_no_denial():
    q = "研究生在读期间免不免学费？"
    assert _verdict(q, "在读期间免收学费，并可享受奖学金。") is None
    assert _verdict(q, "在读期间学费不予减免。") == "不免"


def test_unclear_readings_and_silent_clauses_give_none():
    q = "企业能不能申请延期缴纳税款？"
    assert _verdict(q, "企业不得不申请延期缴纳税款。") is None  # a double negative
    assert _verdict(q, "除特殊困难企业外，不得申请延期缴纳税款。") is None  # an exception
    assert _verdict(q, "本通知自发布之日起施行。") is None  # no clause speaks of it
