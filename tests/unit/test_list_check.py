"""A question asking which members a counted set holds is not answered by a sentence that only announces the set
(kb/answer/list_check.py)."""

from __future__ import annotations

from kb.answer.list_check import asked_count, items_listed, lists_too_few

HOSPITALS = "河南省2月12日向社会公布的19家市级孕产妇救治定点医院分别是哪些医院？"


def test_the_count_a_question_asks_the_members_of():
    assert asked_count(HOSPITALS) == 19
    assert asked_count("“三个高地”指挥部的“一办七组”，七个组分别是哪几个组？") == 7
    # The count written last before the asking words: 8种, not the 5 left after the three it names.
    assert asked_count("热线提供8种外语服务，除英语、法语、德语外，另外5种是哪些语种？") == 8
    # An ordinal (第三个) and a name's number (二十大) count nothing; a pair is no list.
    assert asked_count("二十大报告提到的第三个历史决议总结的十条历史经验具体是哪些？") == 10
    assert asked_count("二十大报告中“分两步走”的战略安排具体是怎样的？") is None
    assert asked_count("“两条线”分别指什么？") is None
    # Aspects asked of counted measures are fewer than the measures.
    assert asked_count("该区出台的九条“干货”包括哪些方面？") is None
    assert asked_count("复工复产有哪些措施？") is None
    # A count in quotes names the policy; the members asked for are another set's.
    assert asked_count("广东“制造业当家22条”提出的五大提升行动分别是什么？") is None
    assert asked_count("四川税务“税十条”明确提出的十个方面分别是什么？") == 10
    assert asked_count("“保障四川省公路畅通的七条措施”具体是哪七条？") == 7


def test_items_a_text_lists():
    assert items_listed("坚持社会主义道路、坚持人民民主专政、坚持中国共产党的领导、坚持马克思列宁主义毛泽东思想。") == 4
    assert items_listed("一是加强监测。二是保障供应。三是稳定价格。") == 3
    assert items_listed("我省确定了19家市级孕产妇救治定点医院并向社会公布。") == 1


def test_an_announcement_is_no_list():
    announced = "2月12日，我省确定了2家省级、19家市级孕产妇救治定点医院并向社会公布。[1]"
    assert lists_too_few(announced, HOSPITALS)
    listed = "四项基本原则是：坚持社会主义道路、坚持人民民主专政、坚持中国共产党的领导、坚持马克思列宁主义毛泽东思想。"
    assert not lists_too_few(listed, "党章中的“四项基本原则”具体是指哪些？")
    assert not lists_too_few(announced, "河南省确定了多少家市级定点医院？")


def test_the_members_follow_the_sets_announcement_and_other_counted_sets_are_no_members():
    q = "上海市市场监管局帮助检验检测机构解决生产经营困难的4项措施分别是什么？"
    # The set announced, then another body's: the separators part two sentences, not four measures.
    two = "上海市市场监管局采取4项措施帮助检验检测机构解决生产经营困难；浙江省市场监管局优化6项服务举措，全力稳企业；"
    assert lists_too_few(two, q)
    listed = "上海市市场监管局采取4项措施：减免检验费用、延长证书有效期、开通绿色通道、加强技术帮扶。"
    assert not lists_too_few(listed, q)
    # A list before the announcement is of something else.
    before = "针对4个定点医院、75家发热门诊医院、21个集中隔离点和8个方舱的生活垃圾，指定了7个垃圾焚烧厂专门处理。"
    assert lists_too_few(before, "天津指定专门处理这些生活垃圾的7个垃圾焚烧厂是哪几个？")
    # Sets listed by their counts are not the members of one of them.
    sets = "公布15项不予处罚事项清单、4项从轻处罚事项清单、5项减轻处罚事项清单、1项不予实施行政强制措施事项清单。"
    assert lists_too_few(sets, "“四张清单”里的4项从轻处罚事项具体是哪些？")
    assert items_listed("减免租金；[1]") == 1
    # The members listed in the clause ending at the count are its members.
    groups = "办公室下设综合协调组、医疗救治组、疫情防控组、新闻宣传组、交通运输组、市场监管组、社区防控组、执法监督组、后勤保障组、外事组等10个工作组，分别承担具体任务。"
    assert not lists_too_few(groups, "领导小组办公室下设的10个工作组分别是哪些？")
    ways = "目前，增城区对重点人员采取居家隔离、健康服务集中管理、集中医学观察三种处置方式，进一步防止疫情扩散。"
    assert not lists_too_few(ways, "增城区对重点人员采取的三种处置方式分别是什么？")
