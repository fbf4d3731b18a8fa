import re

from kb.store.tokenize import STOPWORDS, add_terms, tokenize, word_match


def test_cuts_chinese_into_search_tokens_including_the_parts_of_long_words():
    tokens = tokenize("中华人民共和国宪法规定")
    assert "中华人民共和国宪法" in tokens
    assert {"人民", "共和国", "宪法", "规定"} <= set(tokens)


def test_drops_punctuation_whitespace_and_stopwords():
    tokens = tokenize("党的 最高理想，和 最终目标！是 “实现共产主义”。\n\t")
    assert not {"的", "和", "是", "，", "！", "“", "”", "。", " "} & set(tokens)
    assert {"最高", "理想", "目标", "共产主义"} <= set(tokens)
    assert all(t.strip() == t and t for t in tokens)


def test_keeps_numbers_and_single_characters_that_carry_content():
    tokens = tokenize("党员须交纳党费，增长6.5%，2017年")
    assert "党员" in tokens and "党费" in tokens
    assert "2017" in tokens and "6.5%" in tokens
    assert tokenize("党") == ["党"]
    assert "党" not in STOPWORDS


def test_lower_cases_and_folds_full_width_forms():
    assert tokenize("ＧＤＰ增长") == tokenize("GDP增长") == tokenize("gdp增长")
    assert "2024" in tokenize("２０２４年")


def test_empty_and_punctuation_only_text_gives_no_tokens():
    assert tokenize("") == []
    assert tokenize("  ，。！？……——“”《》 *()\"' ") == []


def test_added_terms_come_out_as_one_token():
    assert "合力攻坚队" not in tokenize("组建合力攻坚队")
    add_terms(["合力攻坚队", "  "])
    assert "合力攻坚队" in tokenize("组建合力攻坚队")


def test_a_word_match_is_not_astride_two_words():
    pattern = re.compile("免职|徒刑")
    assert word_match(pattern, "避免职工集中用餐") is None
    assert word_match(pattern, "依法予以免职").group() == "免职"
    assert word_match(pattern, "判处有期徒刑三年").group() == "徒刑"
    # The first match on a word's edge, past one astride.
    assert word_match(pattern, "避免职工聚集，否则免职").start() == 9
