"""A question about one part of a year is not answered from sentences about another (kb/answer/period_check.py)."""

from __future__ import annotations

from kb.answer.period_check import another_month, another_period, label, periods_named, question_month, question_period
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


FEBRUARY = "根据国家税务总局通知（税总函〔2020〕3号），现将2020年2月份纳税申报期限延长至2月28日。"


def test_one_month_asked_is_not_answered_from_sentences_naming_only_other_months():
    asked = "重庆市税务局把2020年3月份的申报纳税期限延长到了哪天？"
    assert question_month(asked) == 3 and question_month("9月国内汽油价格调整了多少？") == 9
    assert another_month(FEBRUARY, asked) == 2
    assert another_month(FEBRUARY, "2020年2月份的纳税申报期限延长到哪天？") is None
    assert another_month("纳税申报期限延长至3月18日。", asked) is None  # a day of the asked month names it
    assert another_month("纳税申报期限顺延。", asked) is None  # names no month: not judged
    # A day, a month's end or a range is no single month asked (periods_named reads ranges).
    assert question_month("3月1日起施行的新规有哪些？") is None and question_month("3月底前完成多少？") is None
    assert question_month("1-6月增长多少？") is None and question_month("前5月增长多少？") is None


def test_the_answerer_refuses_a_month_its_sentences_do_not_speak_of():
    title = "关于延长纳税申报期限的通知"
    feb = answer_from_passage("2月份的纳税申报期限延长到哪一天？", FEBRUARY, title)
    assert not feb.refused and "2月28日" in feb.text, feb.text
    march = answer_from_passage("3月份的纳税申报期限延长到哪一天？", FEBRUARY, title)
    assert march.refused and march.reason == "最相关的段落说的是2月的情况，不是所问的3月。", march.reason
