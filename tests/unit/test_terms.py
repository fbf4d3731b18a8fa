"""Question vocabulary: number forms, aliases, and the key terms a passage must hold."""

from __future__ import annotations

import pytest

from kb.answer.numbers import parse_chinese_number
from kb.answer.terms import (
    article_forms,
    chinese_number,
    expand_query,
    key_terms,
    noun_parts,
    number_forms,
    place_stem,
    variants,
)


@pytest.mark.parametrize(
    ("n", "text"), [(0, "零"), (7, "七"), (10, "十"), (18, "十八"), (30, "三十"), (105, "一百零五"), (120, "一百二十")]
)
def test_chinese_number(n, text):
    assert chinese_number(n) == text


def test_years_are_written_digit_by_digit_and_small_numbers_as_numerals():
    assert number_forms("2035") == ["二〇三五"]
    assert number_forms("18") == ["十八"]
    assert number_forms("abc") == [] and number_forms("123456") == []


def test_variants_include_aliases_and_number_forms():
    assert "国内生产总值" in variants("GDP")
    assert "支部委员会" in variants("支委会")
    assert variants("2020") == ["2020", "二〇二〇"]


def test_expand_query_appends_document_forms_only_once():
    q = expand_query("2023年我国GDP总量是多少？")
    assert q.startswith("2023年我国GDP总量是多少？")
    assert "国内生产总值" in q and "二〇二三" in q
    assert expand_query("党员的义务有哪些？") == "党员的义务有哪些？"


def kinds(question: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for kt in key_terms(question):
        out.setdefault(kt.kind, set()).add(kt.text)
    return out


def test_key_terms_find_titles_years_places_and_latin_tokens():
    k = kinds("《劳动合同法》规定的试用期是多久？")
    assert k["title"] == {"劳动合同法"}
    k = kinds("深圳市2024年的GDP增长目标是多少？")
    assert k["year"] == {"2024"} and "深圳市" in k["place"] and "GDP" in k["latin"]
    assert "5G" in kinds("株洲市新建了多少个5G基站？")["latin"]
    # Regions are named without 自治区 or 特别行政区 as often as with them.
    assert "内蒙古" in kinds("内蒙古对中小企业的贷款利率有什么变化？")["place"]
    assert "香港" in kinds("香港的防疫物资由哪个部门统筹？")["place"]


def test_question_words_and_verbs_tagged_as_places_are_not_key_terms():
    k = kinds("新任国家工作人员上岗时要履行什么仪式？")
    assert "上岗" not in k.get("place", set())
    assert not any("哪" in t or "怎" in t for ts in kinds("公务员的处分有哪几种？怎么办？").values() for t in ts)


def test_an_article_of_a_law_is_a_key_term_in_both_written_forms():
    assert kinds("宪法第一百四十八条规定了什么内容？")["article"] == {"第一百四十八条"}
    assert set(article_forms("第148条")) == {"第148条", "第一百四十八条"}
    assert set(article_forms("第一百零八条")) == {"第一百零八条", "第108条"}
    assert article_forms("第十条") == ("第十条", "第10条")
    assert [parse_chinese_number(s) for s in ("十二", "二十", "两千零五", "一百四十八", "第")] == [
        12,
        20,
        2005,
        148,
        None,
    ]


def test_place_stem_and_noun_parts():
    assert place_stem("深圳市") == "深圳" and place_stem("北京") == "北京"
    # A suffix of more than one character is cut whole.
    assert [place_stem(w) for w in ("北京地区", "浦东新区", "内蒙古自治区", "东城区", "新区")] == [
        "北京",
        "浦东",
        "内蒙古",
        "东城",
        "新区",
    ]
    assert set(noun_parts("财政赤字")) == {"财政", "赤字"}


def test_how_long_and_when_phrases_are_question_words_not_topics():
    texts = {kt.text for kt in key_terms("党员的预备期是多长时间？什么时候转正？")}
    assert "预备期" in texts
    assert not any(t.startswith(("多长", "什么")) for t in texts)
