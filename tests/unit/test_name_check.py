"""A question asking what something is called is answered only by a name (kb/answer/name_check.py)."""

from __future__ import annotations

from kb.answer.name_check import asked_name, gives_name
from tests.conftest import answer_from_passage


def test_the_kind_whose_name_is_asked():
    assert asked_name("西安为“回流生”造假提供服务的那家培训机构叫什么名字？") == "培训机构"
    assert asked_name("央行上海总部推出的再贷款再贴现专项产品叫什么？") == "专项产品"
    assert asked_name("我国的国家最高荣誉勋章叫什么名字？") == "荣誉勋章"
    assert asked_name("培训机构在哪里？") is None
    # What qualifies the kind, ending in 的, is not of it.
    assert asked_name("被罚300万元的大药房具体叫什么名字？") == "大药房"


def test_a_name_is_quoted_titled_or_ends_in_the_kind():
    assert gives_name("研究推出“沪科专贷”“沪科专贴”再贷款再贴现专项产品。", "专项产品")
    assert gives_name("原则通过《新时代龙江创新发展60条》。", "文件")
    assert gives_name("桐梓县康源大药房将口罩涨价。", "药房")
    assert gives_name("授予共和国勋章。", "荣誉勋章")
    # The kind described, not named: 国家的勋章, 一家培训机构.
    assert not gives_name("授予国家的勋章和荣誉称号。", "荣誉勋章")
    assert not gives_name("一家培训机构为其造假提供服务。", "培训机构")
    assert not gives_name("天津一大药房以超过进价10倍的价格销售口罩。", "大药房")  # a big pharmacy, unnamed


def test_the_answerer_refuses_a_name_the_passage_does_not_give():
    passage = "中华人民共和国主席授予国家的勋章和荣誉称号，发布特赦令。"
    assert answer_from_passage("国家最高荣誉勋章叫什么名字？", passage, "宪法").refused
    assert not answer_from_passage("国家最高荣誉勋章叫什么名字？", passage, "宪法", name_check=False).refused


def test_a_quoted_name_counts_beside_the_kind_asked():
    assert gives_name("打造“党旗飘在街巷 支部联点驿站”党建品牌。", "党建品牌")
    assert not gives_name("“党旗红”指引“城管蓝”，筑起疫情防控一线堡垒。", "党建品牌")
