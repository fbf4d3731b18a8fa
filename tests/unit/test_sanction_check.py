"""A question asking what sanction follows a breach is answered only by a sentence naming one and the breach
(kb/answer/sanction_check.py)."""

from __future__ import annotations

from kb.answer.sanction_check import answers_sanction, asked_breach


def test_a_sanction_is_asked_after_what_or_how_or_by_being_dealt_with():
    for q in (
        "出入境人员拒绝接受检疫，会受到什么处罚？",
        "公务员参与赌博，应当给予什么处分？",
        "涉事企业最后受到了什么行政处罚？",
        "编造视频的崔某被公安机关怎么处罚？",
        "违规开展线下培训的机构会被怎么处理？",
        "违反规定的处罚是什么？",
        # A court's sentence or judgment.
        "骗取择校费的培训机构负责人曾某慧被判了什么刑？",
        "物业不肯出证明，海淀法院最后怎么判的？",
        "这起案件的判决结果是什么？",
    ):
        assert asked_breach(q) is not None, q
    # A date or a duration asked about a sanction, or how a matter (not a wrongdoer) is handled, asks none.
    for q in (
        "政务处分期从什么时候开始算？",
        "资料不齐但不影响审核的，怎么处理？",
        "如何处理好科研攻关与临床救治的关系？",
        "公职人员因过失犯罪被判有期徒刑，刑期多长就必须开除？",
        "如何判断是否属于密切接触者？",
        "如何判定企业是否属于受疫情影响较大的行业？",
    ):
        assert asked_breach(q) is None, q


def test_the_breach_is_named_before_the_ask_without_how_it_asks():
    breach = asked_breach("公务员参与赌博的，应当给予什么处分？")
    assert "赌博" in breach and "应当" not in breach and "给予" not in breach
    assert asked_breach("违反规定的处罚是什么？") == []


def test_a_sanction_of_the_breach_answers():
    breach = asked_breach("出入境人员拒绝接受检疫的，会受到什么处罚？")
    assert answers_sanction("拒绝接受检疫的，处以警告或者100元以上5000元以下罚款。", breach)
    # Another breach's sanction, or the breach without a sanction, does not.
    assert not answers_sanction("散布谣言扰乱公共秩序的，处五日以上十日以下拘留。", breach)
    assert not answers_sanction("出入境人员应当配合海关做好检疫工作。", breach)
    # With no breach named, any sanction or handling of one answers; a report of a case (通报称) is neither.
    assert answers_sanction("构成犯罪的，依法追究刑事责任。", [])
    assert answers_sanction("一经发现，依法从严处理。", [])
    assert answers_sanction("对拒不整改的，责令停业整顿。", [])
    assert not answers_sanction("北交所要求保荐机构督促上市公司按照独立董事制度相关要求进行自查。", [])
    assert not answers_sanction("雨城区纪委监委通报称，谭慧涉嫌严重违纪违法，主动投案。", [])
    # A sanction's word astride two words names none (免职 in 避免职工); the tail of a word does (有期徒刑).
    assert not answers_sanction("应采用错时错峰等多种方式就餐，避免职工集中用餐。", [])
    assert answers_sanction("该校长被判有期徒刑十年三个月。", [])
    # What a court decides a civil case with.
    assert answers_sanction(
        "海淀法院近日判决物业公司出具相关证明。", asked_breach("物业不肯出证明，海淀法院最后怎么判的？")
    )
    assert answers_sanction("法院驳回了原告的诉讼请求。", [])
    # A civil servant's demotion for failing the annual review.
    assert answers_sanction("公务员在年度考核中被确定为不称职的，按照规定程序降低一个职务或者职级层次任职。", [])
