"""A yes-or-no question is answered only by a sentence that speaks of what it asks (kb/answer/yes_no.py)."""

from __future__ import annotations

from kb.answer.yes_no import asked_predicate, speaks_of


def test_what_a_yes_or_no_question_asks_is_read_after_its_marker():
    assert asked_predicate("进口物资已征收的税款是否退还？") == ("退还", ["退还"])
    clause, words = asked_predicate("受了警告处分，当年年度考核还能不能评为优秀等次？")
    assert clause == "评为优秀等次" and words == ["评为", "优秀", "等次"]
    # How it asks (需要, 政策, 或者) is not what it asks; a question with no yes or no, or nothing after it, asks none.
    assert asked_predicate("仲裁费有没有减免或者缓交的政策？")[1] == ["减免", "缓交"]
    assert asked_predicate("税款怎么缴？") == ("", []) and asked_predicate("保证金能不能退？") == ("", [])


def test_an_answer_speaks_of_it_by_one_of_its_words():
    _, words = asked_predicate("专线电话是不是24小时都有人值守？")
    assert speaks_of("专线实行24小时值班。", words)
    assert not speaks_of("新疆各地交警公布了服务保障专线电话。", words)
    assert speaks_of("任何文字。", [])


def test_a_delay_or_a_cap_asked_is_answered_in_the_words_a_notice_writes_for_it():
    _, words = asked_predicate("人力资源服务机构的年度报告公示能不能延期？")
    assert speaks_of("可适当延长人力资源服务机构年度报告公示时限。", words)
    assert not speaks_of("人力资源服务机构要优化服务程序。", words)
    _, words = asked_predicate("单个主体有没有上限？")
    assert speaks_of("单个主体贴息总额原则上不超过50万元。", words)
    assert not speaks_of("对稳产保供主体给予贴息支持。", words)


def test_an_exception_asked_is_answered_by_any_way_of_making_one():
    # 有没有例外的地方 and 有没有不适用的地方 ask the same, and 杭州市区除外 answers both.
    for q in ("浙江全面取消落户限制，有没有例外的地方？", "浙江全面取消落户限制，有没有不适用的地方？"):
        _, words = asked_predicate(q)
        assert speaks_of("全省（杭州市区除外）全面取消落户限制政策。", words), q
        assert not speaks_of("浙江全面取消落户限制政策。", words), q


def test_a_verb_asked_as_itself_not_itself_is_a_yes_or_no():
    # 免不免学费 asks as 是否免学费 does; 开不开 with nothing after it names nothing to judge.
    assert asked_predicate("“国优计划”研究生在读期间免不免学费？") == ("学费", ["学费"])
    assert asked_predicate("见习期间算不算已经就业？")[1] == ["就业"]
    assert asked_predicate("周末开不开？") == ("", [])
