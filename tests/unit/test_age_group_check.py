"""A question about one age group is not answered from sentences about everyone (kb/answer/age_group_check.py)."""

from __future__ import annotations

from kb.answer.age_group_check import age_groups, asked_age_group, label, misses_age_group
from tests.conftest import answer_from_passage

ALL = "国家统计局数据显示，7月份，全国城镇调查失业率为5.3%，比上月上升0.1个百分点。"
YOUTH = "7月份，16-24岁劳动力调查失业率为21.3%，比上月上升0.5个百分点。"


def test_age_groups_are_read_as_ranges_with_open_ends():
    assert age_groups("16-24岁青年") == age_groups("16岁至24岁的青年") == {(16, 24)}
    assert age_groups("3岁以下婴幼儿") == {(None, 3)} and age_groups("60岁及以上老年人") == {(60, None)}
    assert age_groups("60周岁以上老人和18岁至59岁患者") == {(60, None), (18, 59)}
    assert [label(g) for g in [(16, 24), (None, 3), (60, None)]] == ["16-24岁", "3岁以下", "60岁以上"]


def test_only_a_figure_or_rule_of_one_group_is_checked_not_a_question_asking_the_age():
    assert asked_age_group("7月份16-24岁青年的城镇调查失业率是多少？") == (16, 24)
    assert asked_age_group("目标人群中的老年人是指多大年纪？") is None
    assert asked_age_group("这份指引面向哪个年龄段的儿童，2-7岁还是3-6岁？") is None  # two groups, and the age asked
    assert misses_age_group(ALL, "7月份16-24岁青年的失业率是多少？") == (16, 24)
    assert misses_age_group(YOUTH, "7月份16-24岁青年的失业率是多少？") is None
    assert misses_age_group(ALL, "7月份全国城镇调查失业率是多少？") is None


def test_the_answerer_refuses_a_group_its_sentences_do_not_name():
    asked = "7月份16-24岁青年的城镇调查失业率是多少？"
    youth = answer_from_passage(asked, f"{ALL}{YOUTH}", "国家统计局：7月份全国城镇调查失业率为5.3%")
    assert not youth.refused and "21.3%" in youth.text, youth.text
    # A title naming the group does not make the sentence quoted speak of it.
    title = "7月份16-24岁青年城镇调查失业率"
    refused = answer_from_passage(asked, ALL, title)
    assert refused.refused and refused.reason == "最相关的段落没有提到所问的16-24岁人群。", refused.reason
    assert not answer_from_passage(asked, ALL, title, age_group_check=False).refused
