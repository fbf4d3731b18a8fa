"""A question asking for a ceiling is answered only by a sentence stating one (kb/answer/limit_check.py)."""

from __future__ import annotations

from kb.answer.limit_check import asks_limit, states_limit
from tests.conftest import answer_from_passage


def test_a_ceiling_is_asked_by_its_word_or_by_at_most_how_much():
    for q in (
        "个人养老金每年的缴费上限是多少元？",
        "单个主体有没有上限？",
        "预备期最多还能延长多久？",
        "成都的减税抗疫贷，单户最高能贷多少钱？",
        "国务院总理最多能连着干几届？",
        "集体宿舍每间最多住几个人？",
    ):
        assert asks_limit(q), q
    # A superlative compared (最高的是哪个市), a body or a rank named 最高, or no figure asked, is no ceiling asked.
    for q in (
        "辽宁14个市里复工率最高的是哪个市？",
        "最高检发布了几起典型案例？",
        "最高人民法院设有几名副院长？",
        "监察官最高一级叫什么？",
        "哪些行业受影响最多？",
    ):
        assert not asks_limit(q), q


def test_a_bound_the_word_or_a_raised_limit_states_one():
    for text in (
        "单个主体贴息总额原则上不超过50万元。",
        "该贷款纯信用，单户最高可贷500万元。",
        "每月可提取一次，年度最高提取限额14400元。",
        "将处方用药量放宽至3个月。",
        "需要继续考察和教育的，可以延长预备期，但不能超过一年。",
        "员工集体宿舍原则上每间不超过6人。",
    ):
        assert states_limit(text), text
    for text in (
        "一是定额调整34元；二是与您的基本养老金水平挂钩调整部分60.5元。",
        "报考公务员的人员应当年满十八周岁。",
    ):
        assert not states_limit(text), text


def test_a_passage_stating_no_ceiling_is_refused_and_one_stating_it_answers():
    passage = (
        "今年起，退休人员基本养老金总体上调3.8%。一是定额调整34元；二是与本人基本养老金水平挂钩调整；"
        "三是与缴费年限挂钩调整。"
    )
    q = "个人养老金的缴费上限是多少元？"
    refused = answer_from_passage(q, passage, "养老金调整答问")
    assert refused.refused and refused.reason == "最相关的段落没有给出所问的上限。", refused.text
    assert not answer_from_passage(q, passage, "养老金调整答问", limit_check=False).refused
    stated = "参加人缴纳个人养老金的上限为每年12000元，缴费可以按月、分次或者按年度缴纳。"
    answered = answer_from_passage(q, stated, "个人养老金实施办法")
    assert not answered.refused and "12000元" in answered.text, answered.text
