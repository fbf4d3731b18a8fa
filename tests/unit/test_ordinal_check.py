"""A question asking which one of a series is answered only by a sentence stating an ordinal of the asked kind
(kb/answer/ordinal_check.py)."""

from __future__ import annotations

from kb.answer.ordinal_check import asked_ordinal, states_ordinal
from tests.conftest import answer_from_passage


def test_the_ordinal_asked_and_its_measure_word():
    assert asked_ordinal("2024年修正后的监察法是以第几号主席令公布的？") == "号"
    assert asked_ordinal("甘南县税务局开展的是第几届“个体工商户服务月”活动？") == "届"
    assert asked_ordinal("居家隔离的人员属于第几级人群？") == "级"
    # A rank is stated with or without its word (全国第一), and 第几 ending the clause names none.
    assert asked_ordinal("烟台累计有多少人参与，全国排第几？") == ""
    assert asked_ordinal("在全省排第几名？") == ""
    # 几号 asks a day, and 几 alone a count: no ordinal.
    assert asked_ordinal("几号开始报名？") is None
    assert asked_ordinal("一共分几级？") is None


def test_an_ordinal_of_the_asked_kind_states_it():
    assert states_ordinal("2007年4月22日 中华人民共和国国务院令第495号公布", "号")
    assert states_ordinal("这是第三届个体工商户服务月活动。", "届")
    assert states_ordinal("该市首批试点已经启动。", "批")
    assert states_ordinal("荣获全国“垃圾分类齐点亮”活动第一名。", "")
    # Ordinals of other things are not the one asked (the session and sitting that passed the law for its order).
    assert not states_ordinal("2024年12月25日第十四届全国人民代表大会常务委员会第十三次会议修正", "号")
    assert not states_ordinal("监察法修正案已经公布施行。", "")


def test_a_passage_stating_no_ordinal_is_refused_and_one_stating_it_answers():
    q = "2024年修正后的监察法是以第几号主席令公布的？"
    note = "根据2024年12月25日第十四届全国人民代表大会常务委员会第十三次会议《关于修改〈中华人民共和国监察法〉的决定》修正。"
    refused = answer_from_passage(q, note, "中华人民共和国监察法")
    assert refused.refused and refused.reason == "最相关的段落没有给出所问的第几号。", refused.text
    assert not answer_from_passage(q, note, "中华人民共和国监察法", ordinal_check=False).refused
    stated = "2024年修正后的监察法以中华人民共和国主席令第四十一号公布。"
    answered = answer_from_passage(q, stated, "中华人民共和国监察法")
    assert not answered.refused and "第四十一号" in answered.text, answered.text
