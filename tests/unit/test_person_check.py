"""A question asking who holds a post is answered only by a person's name (kb/answer/person_check.py)."""

from __future__ import annotations

from kb.answer.person_check import asked_post, names_holder, names_person
from tests.conftest import answer_from_passage


def test_the_post_a_question_asks_the_holder_of():
    assert asked_post("遵义市环保产业协会的首任会长是谁？") == "会长"
    assert asked_post("株洲市直机关工委书记叫什么名字？") == "书记"
    assert asked_post("德阳市办理通行证的联系人是谁？") == "联系人"
    assert asked_post("北京市2024年政府工作报告是由哪位市长作的？") == "市长"
    assert asked_post("是哪位总局领导出席并回答网友提问的？") == "领导"
    assert asked_post("2023年度科技创新杰出贡献奖授予了哪位？") == ""
    # Offices not ending in 长: 总指挥, 总经理, 主编.
    assert asked_post("江西省疫情防控应急指挥部的总指挥是谁？") == "总指挥"
    assert asked_post("这家公司的总经理叫什么名字？") == "经理"
    # A document's or an office's name, and a post answered by a post (市委书记任第一指挥长), are no person asked.
    assert asked_post("安徽省早夜市摊点管理的文件叫什么名字？") is None
    assert asked_post("指挥部是谁挂帅？") is None
    assert asked_post("领导小组办公室设在哪个部门？") is None


def test_a_name_is_read_from_its_setting():
    assert names_person("领导小组人员如下：组长：林中麟 福州市政府副市长")
    assert names_person("税务总局党委委员、副局长王陆进出席活动并回答网友提问。")
    assert names_person("当选的协会首任会长罗时雨在讲话中表示，")
    assert names_person("联系人：宋克难，联系电话：01084207245")
    assert names_person("市路政处李勇（联系电话13990220997）")
    assert names_person("欧阳修同志指出")
    # A post described, not filled: its holder is not named.
    assert not names_person("国家监察委员会由主任、副主任若干人、委员若干人组成，主任由全国人民代表大会选举。")
    assert not names_person("成立由市委书记担任组长的市委退役军人工作领导小组。")
    assert not names_person("大会选举产生了协会首届会长、常务副会长、副会长、秘书长和监事。")
    assert not names_person("现在，我代表北京市人民政府，向大会报告政府工作。")


def test_the_holder_named_is_of_the_asked_office():
    sentence = "遵义市生态环境局党委书记、局长顾占雷在总结讲话中强调，希望协会发挥行业组织的优势。"
    assert names_holder(sentence, "局长")
    assert not names_holder(sentence, asked_post("遵义市环保产业协会首届秘书长是谁？"))
    # A leader is named by his office, not as a leader.
    assert names_holder("税务总局党委委员、副局长王陆进出席活动。", asked_post("是哪位总局领导出席的？"))
    # So is a body's 负责人.
    who = asked_post("到办税服务厅检查工作的是自治区税务局哪位负责人？")
    assert who == "负责人" and names_holder(
        "自治区税务局党委副书记、局长郭顺民先后前往拉萨市的办税服务厅实地检查。", who
    )
    assert not names_holder("自治区税务局主要负责人到办税服务厅检查。", who)
    # A byline names the reporter, who is no body's 负责人; asked for the reporter, it answers.
    assert not names_holder("（记者 陈忠权 孟兴）", who)
    assert names_holder("（记者 陈忠权 孟兴）", asked_post("这篇报道的记者是谁？"))


def test_a_deputy_asked_is_not_his_chief_and_the_question_own_person_is_no_answer():
    q = "江西省省长叶建春到南昌大学调研时，哪位副省长一同前往？"
    assert asked_post(q) == "副省长" and asked_post("哪位副局长带队检查？") == "副局长"
    assert not names_holder("7月26日，江西省省长叶建春在南昌大学调研。", asked_post(q), q)
    assert names_holder("副省长孙洪山一同调研。", asked_post(q), q)
    # The person the question names is no answer to it, even in the asked office.
    assert not names_holder("副省长叶建春出席。", "副省长", "副省长叶建春陪同谁调研？")
    # Nor is the chief's deputy his answer: 副局长李东洲 does not name the 局长 asked.
    chief = asked_post("北京市应急管理局局长是谁？")
    deputy = asked_post("北京市应急管理局副局长是谁？")
    assert chief == "局长" and deputy == "副局长" and asked_post("市委副书记是谁？") == "副书记"
    said = "北京市应急管理局副局长李东洲说，要求企业正确处理疫情防控和复工复产的关系。"
    assert not names_holder(said, chief) and names_holder(said, deputy)
    assert names_holder("北京市应急管理局党委书记、局长张某说，要做好安全生产。", chief)


def test_a_named_persons_post_asked_is_given_only_by_a_post_beside_the_name():
    from kb.answer.person_check import asked_post_of, states_post_of

    assert asked_post_of("兴平中银富登村镇银行被处罚时，被警告的张云担任什么职务？") == "张云"
    assert asked_post_of("任振波现在任什么职务？") == "任振波"
    assert asked_post_of("发布会上发言的袁达，担任什么职务？") == "袁达"
    assert asked_post_of("写城管党建那篇文章的刘伟，在株洲市城管局担任什么职务？") == "刘伟"
    # An article's author or reporter named by the word (作者刘伟): the name follows it directly.
    assert asked_post_of("株洲那篇谈城市管理党建的文章，作者刘伟担任什么职务？") == "刘伟"
    assert asked_post_of("那篇报道的记者王强是什么职务？") == "王强"
    # A surname inside a place's name is no person (莲江村后), nor is a question asking no post.
    assert asked_post_of("罗巨泉从国外回到莲江村后担任什么职务？") is None
    assert asked_post_of("张云受到了什么处罚？") is None
    assert states_post_of("辽宁省公安厅党委委员、副厅长任振波出席。", "任振波")
    assert states_post_of("罗显明，中共株洲市直属机关工作委员会常务副书记", "罗显明")
    assert not states_post_of("对兴平中银富登村镇银行处以罚款25万元；对张云给予警告。", "张云")


def test_the_answerer_refuses_a_post_the_passage_does_not_give_and_reads_a_byline():
    passage = "咸阳银保监分局对兴平中银富登村镇银行有限公司处以罚款25万元；对张云给予警告。"
    assert answer_from_passage("被警告的张云担任什么职务？", passage, "处罚信息").refused
    assert not answer_from_passage("被警告的张云担任什么职务？", passage, "处罚信息", name_check=False).refused
    # A page gives its author's post in the byline (作者系…) and his name only as the article's author.
    byline = "(作者系中共株洲市直属机关工作委员会常务副书记)“动力党建”是株洲市创立的党建品牌。"
    answer = answer_from_passage("罗显明担任什么职务？", byline, "动力党建", author="罗显明")
    assert not answer.refused and "常务副书记" in answer.text
    # An author whose article gives no post (the byline names him only): refused, asked by the word 作者 too.
    heading = (
        "党建引领深融合 合力攻坚争一流\n\n刘伟\n\n近年来,株洲城市管理工作紧扣“全省一流”的目标,充分发挥党建引领作用。"
    )
    refused = answer_from_passage("作者刘伟担任什么职务？", heading, "党建引领深融合", author="刘伟")
    assert refused.refused and "刘伟的职务" in refused.reason
    assert not answer_from_passage(
        "作者刘伟担任什么职务？", heading, "党建引领深融合", author="刘伟", name_check=False
    ).refused
