"""A sentence that puts off the detail asked for (恢复时间另行通知, 名单见附件) does not answer it
(kb/answer/deferral_check.py)."""

from __future__ import annotations

from kb.answer.deferral_check import deferred_asked

CLINICS = "以下科室暂停门诊，恢复时间另行通知：（1）口腔科暂停门诊（2）中医门诊每周一、周五上午出诊"
MAKERS = "防护服应当由医疗物资保障组确定的定点生产企业生产（第一批定点生产企业名单见附件)。"


def test_what_is_put_off_is_what_is_asked():
    assert deferred_asked(CLINICS, "口腔科门诊从哪天起恢复接诊？") == "恢复时间另行通知"
    assert deferred_asked(MAKERS, "第一批防护服定点生产企业有哪几家？") == "第一批定点生产企业名单见附件"
    assert deferred_asked("婚姻登记处暂停办理，恢复办理登记视疫情防控情况另行通知。", "婚姻登记处哪天恢复办理？")
    # The deferral opening its own clause defers the clause before it.
    scan = "扫码行动停止时间由指挥部根据疫情防控工作需要研究确定，另行通告。"
    assert (
        deferred_asked(scan, "扫码行动是哪天停止的？")
        == "扫码行动停止时间由指挥部根据疫情防控工作需要研究确定，另行通告"
    )

    # Its end, whichever word the question uses for it.
    toll = "自2月17日起至疫情防控工作结束，所有收费公路免收车辆通行费，具体截止时间另行通知。"
    assert deferred_asked(toll, "收费公路免费通行哪天结束？") == "具体截止时间另行通知"
    assert deferred_asked(toll, "货车上收费公路还要不要称重？") is None


def test_a_law_defers_one_case_and_rules_the_others():
    guards = "省级以下监察机关留置场所的看护勤务由公安机关负责，国家监察委员会留置场所的看护勤务由国家另行规定。"
    assert deferred_asked(guards, "国家监察委员会留置场所的看护勤务由谁负责？") == (
        "国家监察委员会留置场所的看护勤务由国家另行规定"
    )
    assert deferred_asked(guards, "省级以下监察机关留置场所的看护勤务由哪个单位负责？") is None


def test_a_deferral_of_something_else_answers():
    # The same sentence answers what it does state (中医门诊每周一、周五出诊).
    assert deferred_asked(CLINICS, "中医门诊哪几天出诊？") is None
    assert deferred_asked(MAKERS, "紧急医用物资防护服用在哪些场合？") is None
    # How it is put off (具体, 时间, 疫情) is no topic: 暂停…起 answers when the pause began.
    stopped = "从1月28日10时起，全市所有公交线路暂停运营，恢复时间另行通知。"
    assert deferred_asked(stopped, "全市公交线路从什么时间起暂停运营？") is None
    assert deferred_asked(stopped, "全市公交停运以后什么时候恢复运营？") == "恢复时间另行通知"


def test_a_deferred_event_the_question_does_not_name_is_another_ones():
    # The resumption is put off; asked what the pause covers, the sentence answers.
    paused = "自即日起暂停办理所有婚姻登记业务（包括结婚登记、离婚登记），恢复办理登记视疫情防控情况另行通知。"
    assert deferred_asked(paused, "婚姻登记处暂停办理的业务都包括哪些？") is None
    assert deferred_asked(paused, "婚姻登记处哪天恢复办理？") == "恢复办理登记视疫情防控情况另行通知"


def test_only_a_question_asking_for_a_specific_is_judged():
    # How a centre responds is answered by its pausing, whatever it puts off.
    paused = "政务服务中心2月3日起暂停对外办公，具体恢复办理时间待疫情缓解後另行通知。"
    assert deferred_asked(paused, "政务服务中心如何恢复办理业务？") is None


def test_a_deadline_asked_is_answered_beside_the_new_date_put_off():
    from tests.conftest import answer_from_passage

    # The notice defers the new hearing date (延期后的开庭时间), and gives the old deadline the question asks.
    hearings = (
        "三、仲裁开庭事宜 仲裁庭原定于2020年2月15日前进行的开庭原则上由仲裁庭决定延期进行，"
        "延期后的开庭时间由仲裁庭根据实际情况另行通知。"
    )
    asked = "北京仲裁委员会原定哪天之前的开庭原则上要延期？"
    assert deferred_asked(hearings, asked) is not None  # the check alone reads a deferral
    answer = answer_from_passage(asked, hearings, "北京仲裁委员会关于防疫期间仲裁服务事项的通知")
    assert not answer.refused and "2020年2月15日前" in answer.text
    # Asked when the hearings resume, the deferral answers: nothing gives that date.
    resumed = answer_from_passage("延期后的开庭哪天举行？", hearings, "北京仲裁委员会关于防疫期间仲裁服务事项的通知")
    assert resumed.refused and "另行通知" in resumed.reason
