"""A question about one part of a year is not answered from sentences about another (kb/answer/period_check.py)."""

from __future__ import annotations

from kb.answer.period_check import another_period, label, periods_named, question_period
from tests.conftest import answer_from_passage

HALF = "初步核算，上半年国内生产总值593034亿元，同比增长5.5%，比一季度加快了1.0个百分点。"


def test_periods_compare_as_month_ranges():
    assert periods_named("2023年前三季度国内生产总值") == {(1, 9)}
    assert periods_named("分季度看，一季度增长4.5%，二季度增长6.3%") == {(1, 3), (4, 6)}
    assert periods_named("1-5月份市区空气质量") == periods_named("1至5月份") == {(1, 5)}
    assert periods_named("前两个月") == {(1, 2)} and periods_named("第三季度") == {(7, 9)}
    assert periods_named("下半年") == {(7, 12)} and periods_named("今年7月1日起") == set()  # a date is no period
    assert question_period("一季度和二季度分别增长多少？") is None  # two periods: a comparison
    assert [label(p) for p in [(1, 9), (4, 6), (1, 6), (1, 7)]] == ["前三季度", "二季度", "上半年", "1-7月"]


def test_an_answer_is_about_another_period_only_when_every_sentence_names_one_and_none_the_asked():
    asked = "2023年前三季度我国国内生产总值同比增长多少？"
    assert another_period(f"{HALF}[1]", asked) == (1, 6)
    assert another_period(f"{HALF}[1]", "2023年上半年国内生产总值增长多少？") is None
    assert another_period(f"{HALF}[1]", "2023年一季度国内生产总值增长多少？") is None  # 比一季度 names it
    assert another_period(f"{HALF}[1]前三季度国内生产总值增长5.2%。[2]", asked) is None
    assert another_period("国内生产总值同比增长5.2%。[1]", asked) is None  # names none: not judged
    assert another_period(f"{HALF}[1]", "国内生产总值增长多少？") is None


def test_the_answerer_refuses_a_period_its_sentences_do_not_speak_of():
    title = "上半年国民经济恢复向好"
    half = answer_from_passage("上半年国内生产总值同比增长多少？", HALF, title)
    assert not half.refused and "5.5%" in half.text
    three = answer_from_passage("前三季度国内生产总值同比增长多少？", HALF, title)
    assert three.refused and three.reason == "最相关的段落说的是上半年的情况，不是所问的前三季度。"
    assert not answer_from_passage("前三季度国内生产总值同比增长多少？", HALF, title, period_check=False).refused
