from kb.answer.sentences import sentences, split_sentences


def test_sentences_are_verbatim_spans_of_the_text():
    text = (
        "对党员的纪律处分有五种：警告、严重警告、撤销党内职务、留党察看、开除党籍。他说：“好。”然后；\n标题\n最后一句"
    )
    for s, e in split_sentences(text):
        assert text[s:e].strip() == text[s:e]
    assert sentences(text) == [
        "对党员的纪律处分有五种：警告、严重警告、撤销党内职务、留党察看、开除党籍。",
        "他说：“好。”",
        "然后；",
        "标题",
        "最后一句",
    ]


def test_a_number_with_a_decimal_point_is_not_a_sentence_end():
    assert sentences("增长5.2%，约4.4万亿元。") == ["增长5.2%，约4.4万亿元。"]


def test_empty_text_has_no_sentences():
    assert sentences("") == []
    assert sentences("  \n ") == []


def test_a_dateline_is_no_date_nor_place_an_answer_gives():
    from kb.answer.sentences import without_datelines

    assert without_datelines("新华社杭州2月11日电（记者 王俊禄）温州将设立2亿元稳岗专项资金。") == (
        "（记者 王俊禄）温州将设立2亿元稳岗专项资金。"
    )
    assert without_datelines("2023-08-17 10:48，正文：原标题：杭州：8月18日起收取燃油附加费") == (
        "原标题：杭州：8月18日起收取燃油附加费"
    )
    # Crawled pages stamp it many ways; a clock time there (11:23) answers no 几点 question.
    assert without_datelines("07/20 11:23，正文：日前，省卫生健康委印发通知。") == "日前，省卫生健康委印发通知。"
    assert without_datelines("来源：央视网 | 2023年08月12日 12:30:21，正文：据报道") == "据报道"
    # A page's credits: the date it was posted is no date the text gives (从哪一天起施行 is not answered by it).
    assert without_datelines("2018年1月24日 来源：中国银监会 为规范委托贷款业务") == " 为规范委托贷款业务"
    assert without_datelines("作者：齐金钊 2020-02-25 16:10来源：中证网 中证网讯") == "作者：齐金钊  中证网讯"
    assert without_datelines("来源：重庆日报 时间： 2020-02-19 07:33 璧山区") == " 璧山区"


def test_a_leading_dateline_and_its_credit_are_measured_only_before_a_sentence():
    from kb.answer.sentences import dateline_length

    stamped = "2023-07-31，正文：光明日报北京7月30日电（记者董蓓）国家统计局30日发布数据。"
    assert stamped[dateline_length(stamped) :] == "国家统计局30日发布数据。"
    wired = "新华社武汉2月4日电（记者邹伟、徐海波）2月3日晚，患者抵达。"
    assert wired[dateline_length(wired) :] == "2月3日晚，患者抵达。"
    # Inside a sentence it stays, and a dateline with nothing after it is the whole unit.
    assert dateline_length("国家统计局发布数据，新华社北京2月7日电。") == 0
    assert dateline_length("新华社北京2月7日电") == 0


def test_the_checks_read_a_variant_character_in_its_simplified_form():
    from kb.answer.sentences import read_form

    # 138 NCP notices write 後 for 后; one character for one, so offsets into the passage hold.
    text = "补办手续应在疫情解除後3个月内完成。"
    assert read_form(text) == "补办手续应在疫情解除后3个月内完成。" and len(read_form(text)) == len(text)
