"""A 由谁 question is answered only by a sentence saying who does what it asks (kb/answer/bearer_check.py)."""

from __future__ import annotations

from kb.answer.bearer_check import asked_act, says_who


def test_the_act_asked_is_the_verb_after_you_shei():
    assert asked_act("入境人员集中隔离期间的食宿费用由谁承担？") == "承担"
    assert asked_act("国家防汛抗旱总指挥部的总指挥由谁来担任？") == "担任"
    assert asked_act("谁负责发放补贴？") is None  # asked another way: not this check's
    assert asked_act("补贴标准是多少？") is None


def test_a_bearer_is_said_by_the_verb_or_for_a_cost_by_any_way_of_bearing_one():
    assert says_who("隔离期间费用由单位和个人承担，包含住宿、三餐。", "承担")
    assert says_who("剩余个人负担部分由各级财政全额予以补助。", "承担")
    assert says_who("集中隔离期间的食宿费用自理。", "承担")
    assert not says_who("寿光菜农需要将菜摘下来马上装车运输。", "承担")
    assert not says_who("各专项督导组就近选择当地机关食堂用餐，并按相关规定缴纳食宿费用。", "承担")
    # Another act is said only by its own verb: who bears the cost is not who pays out the subsidy.
    assert not says_who("隔离期间费用由单位和个人承担。", "发放")
    # A charge held (由谁担任) is written with 任 as often.
    assert says_who("成立由分管生态环境和公安工作的副市长任“双组长”的工作专组。", "担任")
    assert not says_who("成立生态警务工作专组，任务是打击环境犯罪。", "担任")
