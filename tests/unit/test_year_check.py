"""A question about one year is not answered from sentences about another (kb/answer/year_check.py)."""

from __future__ import annotations

from kb.answer.year_check import another_year, document_year, question_year, sentence_years
from kb.types import Citation


def cite(marker: int, date: str, authority: str = "") -> Citation:
    return Citation(
        marker=marker,
        source="d.txt",
        title="t",
        author="",
        location="",
        quote="",
        passage="",
        date=date,
        authority=authority,
    )


def test_the_year_a_question_asks_about():
    assert question_year("2025年全国高校毕业生预计有多少万人？") == 2025
    assert question_year("到二〇三五年人均国内生产总值要达到什么水平？") == 2035
    # A year that names a document, several years, or none: nothing to check.
    assert question_year("2024年政府工作报告提出的赤字率是多少？") is None
    assert question_year("2020年稳岗返还通知规定返还多少？") is None
    assert question_year("2020年至2022年粮食产量各是多少？") is None
    assert question_year("高校毕业生有多少万人？") is None
    # A decade, or a year's accounts (年度), is not one year's figure.
    assert question_year("上世纪80年代的改革有哪些？") is None
    assert question_year("2020年度考核优秀的比例是多少？") is None


def test_the_year_a_sentence_speaks_of():
    assert document_year("2024年3月5日") == 2024 and document_year("2017年10月24日通过") == 2017
    assert document_year("") is None
    assert sentence_years("预计今年高校毕业生超过1170万人。", 2024) == ({2024}, False)
    assert sentence_years("去年国内生产总值增长5.2%。", 2024) == ({2023}, False)
    assert sentence_years("2020年2月至12月，单位缴费比例降低0.5个百分点。", None) == ({2020}, True)
    assert sentence_years("高校毕业生超过1170万人。", 2024) == (set(), False)


def test_an_answer_about_another_year_is_caught_and_one_about_the_year_asked_is_not():
    report_2024 = [cite(1, "2024年3月5日")]
    asked = "2025年全国高校毕业生预计有多少万人？"
    assert another_year("预计今年高校毕业生超过1170万人，要强化就业政策。[1]", report_2024, asked) == 2024
    assert another_year("预计今年高校毕业生超过1170万人。[1]", report_2024, "2024年高校毕业生有多少万人？") is None
    # A sentence that says no year is not judged; nor is an answer one of whose sentences speaks of the year asked.
    assert another_year("高校毕业生超过1170万人。[1]", report_2024, asked) is None
    report_2025 = [cite(1, "2024年3月5日"), cite(2, "2025年3月5日")]
    assert another_year("预计今年超过1170万人。[1]预计今年超过1222万人。[2]", report_2025, asked) is None
    # A comparison year in a document of the year asked is no other year; in a document of unknown date it is.
    notice_2020 = [cite(1, "2020年2月10日")]
    assert another_year("企业复工率比2019年同期提高5%。[1]", notice_2020, "2020年企业复工率提高多少？") is None
    undated = [cite(1, "")]
    said = "2020年2月至12月，本市职工基本医疗保险单位缴费比例降低0.5个百分点。[1]"
    assert another_year(said, undated, "2021年上海市职工基本医疗保险单位缴费比例是多少？") == 2020


def test_the_answerer_refuses_with_the_year_it_found_and_answers_with_the_check_off():
    from kb.answer.extractive import ExtractiveAnswerer
    from kb.settings import AnswerSettings
    from tests.unit.test_extractive import answerer, hit

    text = "预计今年高校毕业生超过1170万人，要强化促进青年就业政策举措，优化就业创业指导服务。"
    # The veto would refuse first here (no retrieved document names 2025); in a knowledge base holding the 2025
    # report it does not, and this check is what is left.
    qa = ExtractiveAnswerer(
        AnswerSettings(key_term_veto=False), answerer([text, "城镇新增就业1200万人以上。"]).doc_freq
    )
    question = "2025年全国高校毕业生预计有多少万人？"
    refused = qa.answer(question, [hit(text, 0.9, title="政府工作报告", date="2024年3月5日")])
    assert refused.refused and refused.reason == "最相关的段落说的是2024年的情况，不是所问的2025年。"
    same_year = qa.answer(question, [hit(text, 0.9, title="政府工作报告", date="2025年3月5日")])
    assert not same_year.refused and "1170万人" in same_year.text
    off = ExtractiveAnswerer(AnswerSettings(key_term_veto=False, year_check=False), qa.doc_freq)
    assert not off.answer(question, [hit(text, 0.9, title="政府工作报告", date="2024年3月5日")]).refused


def test_a_report_speaks_of_its_year_and_the_one_before_and_a_law_of_every_year():
    report_2025 = [cite(1, "2025年", "报告 · 国务院")]
    said = "新能源汽车年产量突破1300万辆；[1]"
    # The 2025 report's unmarked sentences speak of 2024 or 2025, never of 2023.
    assert another_year(said, report_2025, "2023年我国新能源汽车年产量是多少辆？") == 2024
    assert another_year(said, report_2025, "2024年我国新能源汽车年产量是多少辆？") is None
    assert another_year(said, report_2025, "2025年新能源汽车要生产多少辆？") is None
    # What it plans or expects, only of its own year.
    plan = "赤字率拟按4%左右安排。[1]"
    assert another_year(plan, report_2025, "2024年财政赤字率是多少？") == 2025
    assert another_year(plan, report_2025, "2025年财政赤字率是多少？") is None
    # A law's rule holds whatever year is asked; an undated page cannot be placed.
    law = [cite(1, "2017年10月24日通过", "党内法规 · 中国共产党全国代表大会")]
    assert another_year("党员必须按期交纳党费。[1]", law, "2024年党员要按期交纳党费吗？") is None
    page = [cite(1, "", "报刊文章 · 中共株洲市直属机关工作委员会")]
    assert another_year("新增市场主体6.3万户。[1]", page, "2021年株洲新增市场主体多少户？") is None
