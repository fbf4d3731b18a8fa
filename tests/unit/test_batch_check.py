"""A question about one numbered batch (第三批), issue (第7号公告) or response level (三级响应) is not answered from
passages on another (kb/answer/batch_check.py)."""

from __future__ import annotations

from kb.answer.batch_check import (
    asked_batch,
    asked_issue,
    asked_levels,
    batch_forms,
    batch_missing,
    issue_missing,
    level_missing,
)
from kb.types import Citation
from tests.conftest import answer_from_passage

SECOND = "2月20日，重庆市血液中心的血液冷链运输车运载近26万毫升爱心热血支援湖北，这是重庆第二批援助湖北的血液。"
PLAIN = "2月20日，重庆市血液中心的血液冷链运输车运载近26万毫升爱心热血支援湖北，与宜昌市中心血站交接。"


def _cite(passage: str, title: str = "重庆急调血液支援湖北") -> Citation:
    return Citation(1, "blood.txt", title, "", "", passage, passage)


def test_the_asked_batch_and_how_documents_write_it():
    assert asked_batch("重庆支援湖北的第三批血液有多少毫升？") == "第三批"
    assert asked_batch("第3批医疗队哪天出发？") == "第3批"
    assert asked_batch("第一批和第二批有什么不同？") is None  # two batches: a comparison, not one batch
    assert asked_batch("重庆支援湖北的血液有多少毫升？") is None
    assert set(batch_forms("第三批")) == {"第三批", "第3批"} and set(batch_forms("第12轮")) == {"第12轮", "第十二轮"}
    assert set(batch_forms("第一批")) == {"第一批", "第1批", "首批"}
    # A numbered stage is asked as a batch is (第三阶段 is not 第一阶段's target).
    assert asked_batch("邮政快递业第三阶段复工复产，行业产能要恢复到几成？") == "第三阶段"
    assert set(batch_forms("第三阶段")) == {"第三阶段", "第3阶段"}


def test_a_cited_passage_or_title_naming_the_batch_answers_for_it():
    question = "重庆支援湖北的第二批血液有多少毫升？"
    assert batch_missing([_cite(SECOND)], question) is None
    assert batch_missing([_cite(PLAIN, title="重庆第2批血液驰援湖北")], question) is None
    assert batch_missing([_cite(PLAIN)], question) == "第二批"
    assert batch_missing([_cite(SECOND)], "重庆支援湖北的第三批血液有多少毫升？") == "第三批"


def test_the_answerer_refuses_a_batch_its_passages_never_name():
    question = "重庆支援湖北的第三批血液有多少毫升？"
    a = answer_from_passage(question, PLAIN, "重庆急调血液支援湖北")
    assert a.refused and a.reason == "最相关的段落没有提到所问的第三批。"
    off = answer_from_passage(question, PLAIN, "重庆急调血液支援湖北", batch_check=False)
    assert not off.refused and "26万毫升" in off.text


SIXTH = "（第6号）四川省应对新型冠状病毒肺炎疫情应急指挥部公告：自2月7日起，暂停麻将馆、茶室、网吧等经营场所开业。"


def test_the_asked_issue_or_session():
    assert asked_issue("四川省疫情应急指挥部第7号公告主要规定了哪些事项？") == "第7号"
    assert asked_issue("河南第十一场新闻发布会是哪天召开的？") == "第十一场"
    assert asked_issue("株洲市第十三次党代会明确的工作思路是什么？") == "第十三次"
    # 第一次 before no meeting is "the first time", not a numbered session.
    assert asked_issue("第一次申领身份证需要提供哪些材料？") is None
    assert asked_issue("第6号公告和第7号公告有什么不同？") is None  # two issues compared


def test_a_document_naming_the_issue_anywhere_answers_for_it():
    assert issue_missing([("四川省应对疫情指挥部公告", SIXTH)], "第6号公告要求暂停哪些场所？") is None
    assert issue_missing([("四川省应对疫情指挥部公告", SIXTH)], "第7号公告要求暂停哪些场所？") == "第7号"
    # In digits or Chinese numerals, with or without 第, never inside another number.
    assert issue_missing([("株洲", "市十三次党代会确立了工作思路")], "株洲市第十三次党代会提出了什么？") is None
    assert issue_missing([("公告", "第17号公告")], "第7号公告讲了什么？") == "第7号"
    assert issue_missing([("发布会", "第10场新闻发布会")], "第十场发布会说了什么？") is None
    assert issue_missing([("公告", "2月7号起施行")], "第7号公告讲了什么？") == "第7号"  # a day, not the issue
    assert issue_missing([], "第7号公告讲了什么？") is None  # nothing cited: not this check's to refuse


def test_the_answerer_refuses_an_issue_its_documents_never_name():
    title = "四川省应对疫情指挥部公告"
    question = "四川省应对疫情指挥部第7号公告要求暂停哪些经营场所开业？"
    a = answer_from_passage(question, SIXTH, title, whole_document=True)
    assert a.refused and a.reason == "最相关的段落所在的文件没有提到所问的第7号。"
    asked_sixth = question.replace("第7号", "第6号")
    assert not answer_from_passage(asked_sixth, SIXTH, title, whole_document=True).refused
    off = answer_from_passage(question, SIXTH, title, whole_document=True, issue_check=False)
    assert not off.refused and "麻将馆" in off.text


def test_a_response_level_asked_is_named_by_a_cited_passage():
    assert asked_levels("青海省是哪天把一级响应调整为二级响应的？") == {1, 2}
    assert asked_levels("水利部针对哪6个省市启动了洪水防御Ⅲ级应急响应？") == {3}
    assert asked_levels("一级建造师考试哪天报名？") == set()  # no response asked about
    assert asked_levels("十二级大风的应急响应") == set()
    question = "四川省是从哪天起把应急响应级别从二级调整为三级的？"
    lowered = "自2020年2月26日0时起，将全省疫情防控应急响应级别由一级响应调整为二级响应。"
    assert level_missing([_cite(lowered, title="四川省应急委员会公告")], question) == 3
    assert level_missing([_cite("由Ⅱ级响应调整为Ⅲ级响应。", title="四川")], question) is None


def test_the_answerer_refuses_a_response_level_its_passages_never_name():
    lowered = "四川省应急委员会宣布自2020年2月26日0时起，将全省疫情防控应急响应级别由一级响应调整为二级响应。"
    question = "四川省是从哪天起把疫情防控应急响应级别从二级调整为三级的？"
    a = answer_from_passage(question, lowered, "四川省应急委员会公告")
    assert a.refused and a.reason == "最相关的段落没有提到所问的三级响应。"
    off = answer_from_passage(question, lowered, "四川省应急委员会公告", level_check=False)
    assert not off.refused and "2月26日" in off.text
