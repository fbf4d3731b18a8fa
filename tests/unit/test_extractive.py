"""The extractive answerer on hand-made passages: sentence choice, answer shape, and the learned refusal.

The passages are real sentences from the 党章 and a work report; document frequencies come from a tiny
in-memory table instead of the index (the answerer only needs the counts), and there is no embedder, so a
sentence's embedding score is its passage's (the shipped model is used as is).
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from kb.answer.extractive import REFUSAL_TEXT, Candidate, ExtractiveAnswerer, units
from kb.answer.features import answer_type, date_off_event, is_title_line
from kb.settings import AnswerSettings
from kb.types import Answer, Chunk, Hit

DANGZHANG = "中国共产党章程"
LAW = "中华人民共和国公务员法"  # a question naming the 公务员法 is answered from it (kb/answer/named_document.py)


def hit(text: str, score: float, title: str = DANGZHANG, date: str = "", n: int = 0, doc: str = "d") -> Hit:
    chunk = Chunk(
        chunk_id=f"{doc}:{n}", doc_id=doc, text=text, source="doc.txt", title=title, doc_title=title, date=date
    )
    return Hit(chunk=chunk, dense=0.9, lexical=1.0, score=score)


def answerer(corpus: list[str], doc_text: str | None = None) -> ExtractiveAnswerer:
    """An answerer over `corpus`; with `doc_text`, every passage's document reads as that whole text."""

    def doc_freq(terms: list[str]) -> tuple[dict[str, int], int]:
        return {t: sum(t in c for c in corpus) for t in terms}, len(corpus)

    whole = None if doc_text is None else (lambda doc_id: doc_text)
    return ExtractiveAnswerer(AnswerSettings(), doc_freq, doc_text=whole)


PASSAGES = [
    "第七条　预备党员的预备期为一年。党组织对预备党员应当认真教育和考察。预备党员的义务同正式党员一样。",
    "党员的党龄，从预备期满转为正式党员之日算起。",
    "第三十条　凡是有正式党员三人以上的，都应当成立党的基层组织。",
]


def test_answer_quotes_the_sentence_holding_the_topic_noun_with_a_verbatim_citation():
    a = answerer(PASSAGES).answer("党龄从什么时候开始算？", [hit(p, 1.0 - i / 10, n=i) for i, p in enumerate(PASSAGES)])
    assert not a.refused
    assert "党员的党龄，从预备期满转为正式党员之日算起" in a.text
    assert all(c.quote in c.passage for c in a.citations)
    assert set(re.findall(r"\[(\d+)\]", a.text)) == {str(c.marker) for c in a.citations}


def test_refuses_an_article_no_retrieved_document_has():
    # 第三十条 is not 第一百三十条 and not 第30条's absence: 第 and 条 bound the number, and either form counts.
    qa = answerer(PASSAGES)
    hits = [hit(p, 1.0 - i / 10, n=i) for i, p in enumerate(PASSAGES)]
    assert qa.answer("党章第一百三十条规定了什么？", hits).refused
    assert qa.answer("党章第十条规定了什么？", hits).refused
    for asked in ("党章第三十条规定了什么？", "党章第30条规定了什么？"):
        a = qa.answer(asked, hits)
        assert not a.refused and "凡是有正式党员三人以上的" in a.text


def test_answer_type_of_a_how_long_question_is_a_duration():
    kind, shape = answer_type("要考察多久？")
    assert kind == "duration" and shape.search("预备期为一年") and not shape.search("党组织应当认真考察")


def test_a_duration_in_working_days_weeks_or_minutes_is_a_duration():
    # 多长时间内 answered by 8个工作日: the shape the ranker reads (shape_fit) is the duration's.
    kind, shape = answer_type("部门要在多长时间内调查处理并回复？")
    assert kind == "duration"
    for stated in ("部门有8个工作日进行调查处理", "公示期不少于五个工作日", "两个星期", "一个季度", "30分钟内到达"):
        assert shape.search(stated), stated


def test_answer_type_of_a_why_question_is_a_purpose_or_a_cause():
    kind, shape = answer_type("宁夏为什么要求区外师生错峰返宁？")
    assert kind == "why" and shape.search("为避免剩余师生集中返程造成疫情传播风险，")
    assert not shape.search("宁夏将合理安排师生错峰返宁。")


def test_answer_type_of_which_day_is_a_date():
    # 哪一天 as much as 哪天: without it the law's 本法自2020年7月1日起施行 ranked below sentences saying no date.
    for question in ("政务处分法是从哪一天开始施行的？", "优惠截止到哪一日？", "是哪个月发布的？"):
        kind, shape = answer_type(question)
        assert kind == "date" and shape.search("本法自2020年7月1日起施行。")
        assert not shape.search("政务处分决定自作出之日起生效。")


def test_answer_type_of_how_many_persons_asked_with_wei_is_a_count_of_people():
    kind, shape = answer_type("会议请了几位公众代表列席？")
    assert kind == "people" and shape.search("本次会议邀请的4位公众代表") and not shape.search("第40次常务会议")
    assert answer_type("副局长有哪几位？")[0] != "people"  # who they are: a list


def test_a_year_in_a_document_number_is_no_date():
    # 公告2020年第6号 names a notice: it fitted 什么时候 and outranked the sentence giving the day (2020年9月30日前).
    kind, shape = answer_type("进口单位最晚什么时候向海关办理退税？")
    assert kind == "date" and shape.search("有关进口单位应在2020年9月30日前向海关办理退税手续。")
    assert not shape.search("财政部、海关总署、税务总局公告2020年第6号项下免税进口物资，已征收的应免税款予以退还。")
    kind, shape = answer_type("代表每届任期几年？")
    assert kind == "years" and shape.search("每届任期五年") and not shape.search("公告2020年第6号")


def test_which_two_asks_for_a_pair_and_which_three_for_a_list():
    kind, shape = answer_type("推出“一次挂号管三天”的是哪两家医院？")
    assert kind == "pair" and shape.search("这两家医院分别是巩义市人民医院、巩义市公立中医院")
    assert not shape.search("当地有两家医院打破“挂号诊疗当日一次有效”的惯例。")
    kind, shape = answer_type("十九大报告要求坚决打好哪三大攻坚战？")
    assert kind == "list" and shape.search("坚决打好防范化解重大风险、精准脱贫、污染防治的攻坚战")
    assert answer_type("实施乡村振兴战略的总要求是哪二十个字？")[0] == "list"


def test_a_newspaper_asked_is_given_only_by_a_papers_name():
    from kb.answer.features import asked_figures, lacks_asked_figure

    asked = "“动力党建·合力攻坚”这个专版刊登在哪一家报纸上？"
    assert asked_figures(asked) == {"paper"} and asked_figures("那份报纸叫什么名字？") == {"paper"}
    assert lacks_asked_figure("“动力党建”是株洲市创立的党建品牌,先后开展了“活力家园”工程。", asked)
    assert not lacks_asked_figure("特此通报柳城县人民政府2023年7月29日来源：柳州晚报", asked)
    assert asked_figures("讲话发表在哪次会议上？") == frozenset()


def test_an_end_asked_with_dao_is_named_by_zhi_in_the_sentence_giving_it():
    question = "湖北以外按月申报的纳税人延到了哪一天？"
    assert date_off_event("除湖北省外，纳税申报期限进一步延至2月28日。", question) is None
    assert date_off_event("纳税申报期限延长至2月28日。", question) is None
    assert date_off_event("社保费可缓缴至6月30日。", question) == "延到"
    # How long a thing lasts (持续至) names any end asked with 到: 要办到什么时候 asks how long the 大集 goes on.
    held = "沈阳苏家屯区的党员志愿服务大集多久办一次？要办到什么时候？"
    assert date_off_event("固定每周举办一次，活动将持续至10月份。", held) is None
    assert date_off_event("8月8日举办了开幕式。", held) == "办到"


def test_refuses_when_a_year_no_passage_or_document_date_holds():
    report = "过去一年，国内生产总值增长5%，经济总量突破130万亿元。"
    hits = [hit(report, 0.9, title="政府工作报告", date="2025年")]
    qa = answerer([report])
    assert qa.answer("2026年政府工作报告提出的国内生产总值增长目标是多少？", hits).text == REFUSAL_TEXT
    # A report reviews the year before it: the 2025 report answers about 2024.
    assert not qa.answer("2024年国内生产总值增长了多少？", hits).refused
    # But not with this year's target (kb/answer/year_check.py).
    target = [hit("今年发展主要预期目标是：国内生产总值增长5%左右。", 0.9, title="政府工作报告", date="2025年")]
    assert answerer([report]).answer("2024年国内生产总值增长目标是多少？", target).refused


def test_a_document_that_says_nothing_of_its_year_does_not_veto_the_year_asked():
    # News of 2020 dated only by its dateline: the year asked is neither confirmed nor contradicted.
    news = "新华社北京1月28日电 据天津市市场监管委消息，天津一大药房以超过进价10倍的价格销售口罩，收到市场监管部门300万元罚单。"
    hits = [hit(news, 0.9, title="多地多举措保障生活必需品供应")]
    question = "2020年1月天津一家药房以超过进价10倍的价格卖口罩，被罚了多少钱？"
    assert answerer([news]).answer(question, hits).refused  # its text unknown: the year is missing
    qa = answerer([news], doc_text=news)
    assert "300万元" in qa.answer(question, hits).text
    # A document naming another year, or dated, still vetoes it.
    dated = news.replace("新华社北京1月28日电", "新华社北京2019年1月28日电")
    qa = answerer([dated], doc_text=dated)
    assert qa.answer(question, [hit(dated, 0.9, title="多地多举措保障生活必需品供应")]).refused
    qa = answerer([news], doc_text=news)
    assert qa.answer(question, [hit(news, 0.9, title="多地多举措保障生活必需品供应", date="2019年1月28日")]).refused


def test_refuses_a_title_or_latin_token_absent_from_the_passages():
    qa = answerer(PASSAGES)
    hits = [hit(p, 0.9, n=i) for i, p in enumerate(PASSAGES)]
    assert qa.answer("《劳动合同法》规定预备期多长？", hits).refused
    assert qa.answer("党员的5G预备期是多长？", hits).refused


def test_a_quoted_counted_slogan_is_held_by_a_passage_that_lists_its_items():
    # The 党章 lists the four 意识 without the label “四个意识” the question quotes.
    text = "必须实行正确的集中，牢固树立政治意识、大局意识、核心意识、看齐意识，坚定维护党中央权威和集中统一领导。"
    qa = answerer([text])
    a = qa.answer("我们常说的“四个意识”在党章里具体是哪四个？", [hit(text, 0.9)])
    assert not a.refused and "政治意识、大局意识、核心意识、看齐意识" in a.text
    # Two of them are not four: the label is not held, and the quoted term vetoes the answer.
    two = "必须牢固树立政治意识、大局意识，坚定维护党中央权威和集中统一领导。"
    assert answerer([two]).answer("我们常说的“四个意识”在党章里具体是哪四个？", [hit(two, 0.9)]).refused


def test_a_long_quotation_is_held_as_the_asker_remembers_it_a_short_one_only_as_written():
    from kb.answer.features import holds_key
    from kb.answer.terms import KeyTerm

    text = "原标题：男子要微信被拒后对女孩爸爸动手？警方通报：视频系编造，已对发布者处以行政拘留5日。"
    chunk = hit(text, 0.9).chunk
    # A headline quoted from memory (在火车上 added) is the article's, and its key term is held.
    assert holds_key(KeyTerm("quoted", "男子在火车上要微信被拒后对女孩爸爸动手"), chunk)
    # Another story sharing a few words is not, nor a short name written otherwise (a name is held as written).
    assert not holds_key(KeyTerm("quoted", "男子在高铁上霸座被拒后对乘务员动手"), chunk)
    assert not holds_key(KeyTerm("quoted", "女孩爸爸动手"), hit("女孩的爸爸动了手。", 0.9).chunk)


def test_a_place_the_passages_lack_lowers_the_learned_answerability():
    qa = answerer(PASSAGES)
    hits = [hit(p, 0.9, n=i) for i, p in enumerate(PASSAGES)]
    plain = qa.decide("党员的预备期是多长？", hits)
    elsewhere = qa.decide("深圳市的党员预备期是多长？", hits)
    assert plain.answer
    assert elsewhere.features["kt_place_top"] == 1.0
    assert elsewhere.p_answerable < plain.p_answerable


def test_refuses_a_noun_the_corpus_never_uses_even_in_parts():
    qa = answerer(PASSAGES)
    hits = [hit(p, 0.9, n=i) for i, p in enumerate(PASSAGES)]
    for h in hits:
        h.lexical = 0.0  # as BM25 scores passages holding none of the question's words
    a = qa.answer("住房公积金的缴存比例是多少？", hits)
    assert a.refused and a.related
    assert qa.decide("住房公积金的缴存比例是多少？", hits).features["unknown_noun"] == 1.0


def test_no_hits_is_a_refusal():
    assert answerer([]).answer("党员的预备期是多长？", []).refused


def test_a_contact_detail_question_is_refused_when_no_passage_has_that_form():
    text = "市直机关工委组织有关党员领导干部研究探讨机关党建。"
    qa = answerer([text])
    assert qa.answer("市直机关工委的办公地址在哪里？", [hit(text, 0.9)]).refused
    with_address = "市直机关工委办公地址为株洲市天元区神农大道18号。"
    assert not qa.answer("市直机关工委的办公地址在哪里？", [hit(with_address, 0.9)]).refused
    # A document's number is no house number.
    cited = "根据《关于切实做好疫情防控期间社会保险经办工作的通知》（人社厅明电〔2020〕7号）精神，社保大厅2月3日起对外办公。"
    assert qa.answer("社保大厅的办公地址在哪里？", [hit(cited, 0.9)]).refused
    assert not qa.answer("社保大厅的办公地址在哪里？", [hit("邮寄地址：通州区运河东大街57号院5号楼。", 0.9)]).refused


def test_only_a_question_that_asks_for_a_contact_detail_needs_one():
    from kb.answer.features import REQUIRED_SHAPES

    def asks(q: str) -> bool:
        return any(a.search(q) for _, a, _ in REQUIRED_SHAPES)

    assert asks("泰州市海陵区审批服务热线是多少？") and asks("可拨打哪个电话进行咨询？")
    assert asks("门头沟区信访办公室收信地址是什么？") and asks("举报邮箱是什么？")
    # A hotline or website named as the topic: the answer is a figure or a list of names, not a number or URL.
    assert not asks("截至目前，北京12345热线共受理涉及16条措施咨询多少件？")
    assert not asks("吉林省的新版省政府门户网站在哪些方面进行了升级？")
    assert not asks("捐赠物品动态在哪些网站能看到？")
    # An e-mail address is asked as an e-mail, not as a place.
    from kb.answer.features import asked_contact

    assert asked_contact("受理行政复议申请的电子邮箱地址是什么？")[0] == "网址或邮箱"
    text = "捐赠动态也将在中央统战部官网、国务院侨办官网、中国侨网和中华医学会官网公布。"
    assert not answerer([text]).answer("捐赠物品动态在哪些网站能看到？", [hit(text, 0.9, title="捐赠公告")]).refused


def test_a_contact_fragment_put_first_does_not_make_the_model_refuse_what_its_own_best_passage_answers():
    # The e-mail, cut from its line at the ； after 联系人：…, is a fragment the model scores low: put first for the
    # contact check, it made the model judge the passages unanswerable. The model's own best sentence judges too.
    title = "跨省通行证件办理信息公示"
    lead = (
        "新型冠状病毒感染的肺炎疫情防控应急物资及人员运输车辆跨省通行证件办理信息公示。为进一步做好我市新型冠状病毒感染"
        "肺炎疫情防控工作，确保正常生产生活秩序，现将应急物资及人员运输车辆跨省通行证件办理信息公示如下。"
    )
    steps = "一、发放流程：应急保障物资需求单位向北京市各行业归口部门提出运输需求，相关委办局进行核准并将运输计划报市交通委。"
    contact = "北京市交通委员会2020年2月7日（联系人：武锦坤；邮箱：huoyunchu@163.com）"
    qa = answerer([lead, steps, contact, "其他文件"])
    hits = [hit(lead, 0.95, title=title), hit(steps, 0.8, n=1, title=title), hit(contact, 0.78, n=2, title=title)]
    a = qa.answer("北京市交通委公示的疫情防控物资及人员运输车辆跨省通行证办理信息里，联系邮箱是什么？", hits)
    assert not a.refused and "huoyunchu@163.com" in a.text


def test_a_contact_detail_question_is_refused_when_the_quoted_sentences_give_none():
    named = "金堂县税务局通过税企交流群大力宣传网上办税，公布疫情防控期间涉税预约及咨询电话。"
    q = "金堂县税务局公布的涉税预约及咨询电话号码是多少？"
    # A number is among the passages (so the veto on none at all does not decide), but not in what is quoted.
    other = "简阳市市场监管局开通价格举报专线：12315。"
    hits = [hit(named, 0.9, title="金堂县税务局通告"), hit(other, 0.3, title="简阳市市场监管局通告", n=1, doc="e")]
    a = answerer([named, other]).answer(q, hits)
    assert a.refused and a.reason == "最相关的段落没有给出所问的电话号码。"
    given = "金堂县税务局公布疫情防控期间涉税预约及咨询电话：028-84932210。"
    assert not answerer([given]).answer(q, [hit(given, 0.9, title="金堂县税务局通告")]).refused
    # Phone numbers as notices write them: area code in brackets, a 400 line, a dash of any width.
    from kb.answer.features import asked_contact, contact_answer_shape

    _, phone = asked_contact(q)
    for number in ("（010）8403-8327", "400-886-9888", "0771—5860326", "13557710711", "12366"):
        assert phone.search(f"咨询电话：{number}"), number
    assert not phone.search("2020-02") and not phone.search("1-5月")
    # The detail asked, however the question puts it.
    assert asked_contact("应发送到哪个电子邮箱？")[0] == "网址或邮箱"
    assert asked_contact("邮寄的收件地址和收件人是什么？")[0] == "地址"
    assert asked_contact("建宁驿站具体在哪个区、哪条路？")[0] == "地址"
    assert asked_contact("12345热线共受理咨询多少件？") is None
    # An e-mail asked alone is given only by an address with @ (not the body's website), a website only by one.
    email = "北京仲裁委员会立案室接收电子立案材料的邮箱地址是什么？"
    site = "请按照本会官方网站（www.bjac.org.cn）的指引，优先通过邮寄方式提交相关材料。"
    a = answerer([site]).answer(email, [hit(site, 0.9, title="北京仲裁委员会公告")])
    assert a.refused and a.reason == "最相关的段落没有给出所问的电子邮箱。"
    given = "电子立案材料请发送至邮箱：lian@bjac.org.cn。"
    assert not answerer([given]).answer(email, [hit(given, 0.9, title="北京仲裁委员会公告")]).refused
    assert contact_answer_shape("官网网址是什么？")[0] == "网址"
    # A plate's digits are no phone number: the contact check looks on for one in its form.
    _, phone = contact_answer_shape("居家隔离人员有需求可以打哪个电话？")
    assert not phone.search("该患病乘客于1月22日乘坐38路（青A 60292）公交车") and not phone.search("募集资金63169万元")
    # Nor a count's: 13000余人 is no service line.
    assert not phone.search("组建成立1100多个退役军人志愿服务队共13000余人") and not phone.search("共12000名志愿者")
    for number in ("0971-6265952", "12345", "95598", "68003927"):
        assert phone.search(f"可致电{number}"), number
    # A phone asked with its kind between (哪个信访咨询电话) needs a number too.
    assert asked_contact("群众可以拨打哪个信访咨询电话？") is None
    assert contact_answer_shape("群众可以拨打哪个信访咨询电话？")[0] == "电话号码"
    assert contact_answer_shape("网址或者邮箱是什么？")[0] == "网址或邮箱"
    # The setting off: only the plain how-many check is left, which reads a phone number as any figure.
    off = ExtractiveAnswerer(AnswerSettings(contact_check=False), answerer([named, other]).doc_freq)
    assert off.answer(q, hits).reason == "最相关的段落没有给出所问的数字。"


def test_asked_a_contact_detail_the_sentence_giving_one_is_decided_on_first():
    # The notice names its hotline in the sentence matching the question best; the numbers follow in a list.
    text = (
        "省委疫情防控工作领导小组开通热线电话，受理疫情防控工作问题线索。"
        "受理电话公布如下：长沙：0731-88666312，株洲：0731-28682120，湘潭：0731-58570000。"
    )
    q = "省委疫情防控工作领导小组开通的问题线索受理热线电话是多少？"
    qa = answerer([text, *PASSAGES])
    d = qa.decide(q, [hit(text, 0.9, title="受理疫情防控工作问题线索")])
    assert "0731-28682120" in d.candidates[0].text
    off = ExtractiveAnswerer(AnswerSettings(contact_check=False), qa.doc_freq)
    assert "0731" not in off.decide(q, [hit(text, 0.9, title="受理疫情防控工作问题线索")]).candidates[0].text
    # Only a sentence naming the kind asked: the same notice's 办税服务厅热线 is not its 预约电话.
    from kb.answer.features import contact_qualifiers

    assert contact_qualifiers("涉税预约电话号码是多少？") == ["预约"]
    assert contact_qualifiers("办税服务厅的热线电话是多少？") == []
    # 什么号码 asks for a number; 什么 names no kind of it.
    assert contact_qualifiers("外呼机器人打来的电话，手机上显示的是什么号码？") == []
    named = "税务局公布疫情防控期间涉税预约及咨询电话，发布纳税申报期限延长通知。"
    other = "纳税人遇到电子税务局操作问题，可拨打办税服务厅热线：028-84932210。"
    q = "税务局疫情期间涉税预约电话号码是多少？"
    d = answerer([named + other, *PASSAGES]).decide(q, [hit(named + other, 0.9, title="税务局优化纳税服务")])
    assert d.candidates[0].text == named


def test_a_list_giving_the_asked_place_its_own_number_answers_whatever_the_model_says():
    # A run of numbers of many places reads to the model as nothing in particular; the list entry of the asked place
    # (株洲：0731-…) answers a question asking that place's number, and only that place's.
    from kb.answer.features import contact_answer_shape, lists_contact_of

    text = "受理电话公布如下：长沙：0731-88666312衡阳：0734-8799890株洲：0731-28682120湘潭：0731-58570000"
    _, phone = contact_answer_shape("株洲的号码是多少？")
    assert lists_contact_of(text, ["株洲"], phone) and lists_contact_of(text, ["湘潭市"], phone)
    assert not lists_contact_of(text, ["常德"], phone)
    assert lists_contact_of("常德市疫情防控指挥部：0736-7711026", ["常德市"], phone)
    assert not lists_contact_of("株洲市共有退役军人3.2万名", ["株洲市"], phone)
    q = "湖南省疫情防控领导小组公布的问题线索受理电话里，株洲的号码是多少？"
    qa = answerer([text, *PASSAGES])
    hits = [hit(text, 0.9, title="湖南公布热线电话")]
    assert [c.text for c in qa._listed_contact(q, hits, qa.decide(q, hits).candidates)] == [text]
    other = "湖南省疫情防控领导小组公布的问题线索受理电话里，常德的号码是多少？"
    assert qa._listed_contact(other, hits, qa.decide(other, hits).candidates) == []


def test_a_long_flattened_line_is_cut_at_its_spaces_to_keep_the_asked_number_with_its_label():
    # Paragraphs flattened to spaces: no punctuation between the items, only the space where a line broke.
    line = (
        "一、纳税人如需咨询问题或办理业务，可拨打下列电话：（一）咨询电话 西藏自治区纳税服务热线：12366（二）系统服务电话 "
        "（三）预约办税电话 "
        + " ".join(f"{c}税务局办税预约电话" for c in ("拉萨市", "日喀则市", "山南市", "林芝市", "昌都市", "那曲市"))
        + " 二、错峰办税，选择24小时自助办税终端，实现了发票领用、代开发票、完税证明打印等七大类功能。"
    )
    a = answerer([line]).answer("西藏自治区纳税服务热线是什么？", [hit(line, 0.9, title="西藏自治区税务局通告")])
    assert not a.refused
    assert "纳税服务热线：12366" in a.text


def test_a_how_many_question_is_refused_when_the_answer_states_no_quantity():
    # The 公务员法 says who retires, not at what age: the age is a figure the knowledge base does not give.
    text = "第九十二条　公务员达到国家规定的退休年龄或者完全丧失工作能力的，应当退休。"
    qa = answerer([text, *PASSAGES])
    refused = qa.answer("公务员法规定公务员到多少岁退休？", [hit(text, 0.9, title=LAW)])  # 第九十二条 counts nothing
    assert refused.refused and refused.reason == "最相关的段落没有给出所问的年龄。"
    assert (
        qa.answer("公务员法规定公务员到多少退休？", [hit(text, 0.9, title=LAW)]).reason
        == "最相关的段落没有给出所问的数字。"
    )
    stated = "第九十二条　公务员年满六十周岁的，应当退休。"
    a = qa.answer("公务员法规定公务员到多少岁退休？", [hit(stated, 0.9, title=LAW)])
    assert not a.refused and "六十周岁" in a.text
    # Off, the nearest sentence is quoted as before.
    off = ExtractiveAnswerer(AnswerSettings(quantity_check=False), qa.doc_freq)
    assert not off.answer("公务员法规定公务员到多少岁退休？", [hit(text, 0.9, title=LAW)]).refused


def test_a_how_many_question_is_refused_when_the_figure_counts_something_else():
    # The report gives the hospitals' share of patients and a count of leaflets, not their beds.
    text = "目前重庆4个集中救治医院收治99%以上确诊病例，印发防护手册2万张。"
    qa = answerer([text, *PASSAGES])
    question = "重庆4个集中救治医院一共有多少张床位？"
    refused = qa.answer(question, [hit(text, 0.9)])
    assert refused.refused and refused.reason == "最相关的段落给出的数字说的不是所问的“床位”。"
    stated = "目前重庆4个集中救治医院共开放床位2000张，集中患者、集中专家、集中资源、集中救治。"
    assert not qa.answer(question, [hit(stated, 0.9)]).refused
    off = ExtractiveAnswerer(AnswerSettings(quantity_check=False), qa.doc_freq)
    assert not off.answer(question, [hit(text, 0.9)]).refused


# A news lede restates the topic above the sentence giving the count (惠及中小企业约8000户); a notice states its term
# in a closing line, below the measures that match the question's words.
PUDONG_LEDE = "患难见真情，浦东国企“组团式”帮扶中小企业，预计租金减免将达10亿元以上。记者从浦东新区政府获悉，浦东已启动国企“组团式”帮扶中小企业模式。"
PUDONG_COUNT = "这张“报表”显示，此次租金减免将惠及中小企业约8000户，涵盖了工业、零售业等多个行业。"
PUDONG_QUESTION = "浦东国企“组团式”帮扶中小企业，这次租金减免预计惠及多少户中小企业？"


@pytest.mark.parametrize(
    ("lead", "below", "question", "stated", "kind", "setting"),
    [
        (
            PUDONG_LEDE,
            PUDONG_COUNT,
            PUDONG_QUESTION,
            "约8000户",
            "家数",
            "counted_candidates",
        ),
        (
            "贵州省发展改革委出台支持服务业市场主体应对疫情的政策措施，对受疫情影响的服务业企业给予贷款贴息。",
            "本通知自发布之日起暂执行至2020年6月30日止。",
            "贵州省发改委支持服务业市场主体应对疫情的政策措施执行到哪天为止？",
            "2020年6月30日",
            "截止时间",
            "deadline_candidates",
        ),
    ],
)
def test_a_lower_sentence_of_the_same_document_stating_the_asked_figure_answers(
    lead: str, below: str, question: str, stated: str, kind: str, setting: str
):
    qa = answerer([lead, below, *PASSAGES])
    hits = [hit(lead, 0.9), hit(below, 0.6, n=1)]
    a = qa.answer(question, hits)
    assert not a.refused and stated in a.text
    # Not from another document: its figure is another thing's.
    other = [hit(lead, 0.9), hit(below, 0.6, n=1, doc="e")]
    assert qa.answer(question, other).reason == f"最相关的段落没有给出所问的{kind}。"
    # Nor with the search off.
    off = ExtractiveAnswerer(AnswerSettings(**{setting: 0}), qa.doc_freq)
    assert off.answer(question, hits).refused


def test_a_lower_line_of_figures_naming_the_case_asked_answers_what_the_lede_does_not():
    # A table of figures names the case asked (中级（四级）) below a lede restating the topic; a lower line of figures
    # naming only what the lede names is another figure of the topic.
    lead = (
        "山东16部门印发通知，继续放宽失业保险技能提升补贴申领条件，取得职业资格证书的企业职工可按规定申请技能提升补贴。"
    )
    table = "具体补贴标准为初级（五级）1000元、中级（四级）1500元、高级（三级）2000元。"
    common = ["山东省失业保险技能提升补贴证书申领"] * 4  # the topic's words are common in the corpus, the case's rare
    qa = answerer([lead, table, *common, *PASSAGES])
    question = "山东失业保险技能提升补贴，取得中级（四级）证书能补多少钱？"
    hits = [hit(lead, 0.9), hit(table, 0.6, n=1)]
    a = qa.answer(question, hits)
    assert not a.refused and "1500元" in a.text, a.text
    off = ExtractiveAnswerer(AnswerSettings(figure_candidates=0), qa.doc_freq)
    assert off.answer(question, hits).reason == "最相关的段落没有给出所问的金额。"
    fee = "申请技能提升补贴的企业职工每人需缴纳工本费20元。"
    assert qa.answer(question, [hit(lead, 0.9), hit(fee, 0.6, n=1)]).refused


def test_a_lower_sentence_naming_what_the_asked_sum_is_of_answers_what_the_lede_does_not():
    # The sum is of 资金, a word said all over the corpus (not a weightier word of the question), which the lede lacks.
    lead = "中国证监会决定终止赛特斯科创板发行注册程序，赛特斯此前已撤回申请文件。"
    below = "赛特斯原拟募集资金63,169.53万元，用于研发中心建设项目、补充流动资金。"
    common = ["上市公司募集资金原拟用于项目建设"] * 6
    qa = answerer([lead, below, *common, *PASSAGES])
    question = "科创板发行注册程序被终止的赛特斯，原本计划募集多少资金？"
    hits = [hit(lead, 0.9), hit(below, 0.6, n=1)]
    a = qa.answer(question, hits)
    assert not a.refused and "63,169.53万元" in a.text, a.text
    # A lower sum naming neither the sum's subject nor another word the lede lacks is another thing's.
    fee = "赛特斯此前支付发行费用1200万元。"
    assert qa.answer(question, [hit(lead, 0.9), hit(fee, 0.6, n=1)]).refused


def _toll_term_answerer() -> tuple[ExtractiveAnswerer, str, str]:
    """An approval's dated title line, which names everything a question on the toll station does but the term, and
    the line below stating the term (收费期限)."""
    lead = (
        "吉林省人民政府2023年8月10日（此件公开发布）点击查看原文>>吉林省人民政府关于同意国道牙克石至四平公路嫩江大桥"
        "收费站开通收费的批复来源：吉林省人民政府网"
    )
    term = "三、收费期限为30年，自2023年11月1日起至2053年10月31日止。"
    common = ["嫩江大桥收费站开通收费"] * 4
    return answerer([lead, term, *common, *PASSAGES]), lead, term


def test_a_lower_line_naming_what_the_asked_time_is_of_answers_what_the_title_line_does_not():
    # The title line names everything the question does but the term (收费期限), and states no time; the line below
    # stating the term in the question's words answers it.
    from kb.answer.features import timed_noun

    question = "吉林省政府批复嫩江大桥收费站开通收费，收费期限是多长？"
    assert timed_noun(question) == "收费期限" and timed_noun("政策措施有效期多长？") == "有效期"
    assert timed_noun("项目专员多长时间内会联系申请人？") is None  # a bare 时间 names nothing timed
    qa, lead, term = _toll_term_answerer()
    hits = [hit(lead, 0.9), hit(term, 0.6, n=1)]
    a = qa.answer(question, hits)
    assert not a.refused and "30年" in a.text, a.text
    # It is the search below the best sentence that finds it.
    off = ExtractiveAnswerer(AnswerSettings(figure_candidates=0), qa.doc_freq)
    assert off.answer(question, hits).reason == "最相关的段落没有给出所问的时长或期限。"


def test_a_lower_line_naming_the_asked_time_answers_when_the_title_line_gives_another_asked_figure():
    # Asked the term and its start (从哪天开始), the title line's date answers the day asked, but says nothing of the
    # term (收费期限): a lower line of the same document stating it in those words answers.
    from kb.answer.features import timed_noun

    question = "吉林批复的嫩江大桥收费站收费期限是多长，从哪天开始？"
    assert timed_noun("留置时间最长多久？") == "留置时间"  # 最长 between the time word and how it is asked
    qa, lead, term = _toll_term_answerer()
    a = qa.answer(question, [hit(lead, 0.9), hit(term, 0.6, n=1)])
    assert not a.refused and "30年" in a.text and "8月10日" not in a.text, a.text


def test_a_question_asking_two_things_reads_on_into_the_sentence_answering_the_second():
    # 最长多久 is answered by the article's first sentence, 可以延长吗 by the next; a leading clause that only sets the
    # scene (监察机关留置被调查人) asks nothing of its own.
    law = "第四十八条 留置时间不得超过三个月。在特殊情况下，可以延长一次，延长时间不得超过三个月。"
    qa = answerer([law, *PASSAGES])
    a = qa.answer("监察机关留置被调查人，留置时间最长多久，可以延长吗？", [hit(law, 0.9)])
    assert not a.refused and "三个月" in a.text and "延长一次" in a.text, a.text
    # Asked in two questions (…最长多久？能不能延长？) as in two clauses.
    a = qa.answer("监察机关采取留置措施，留置时间最长多久？能不能延长？", [hit(law, 0.9)])
    assert not a.refused and "三个月" in a.text and "延长一次" in a.text, a.text


def test_a_long_sentence_is_cut_to_the_run_stating_the_asked_sum_not_the_one_naming_a_year():
    # 从2023年秋季学期起 is a number too; the run a reader wants states the sum asked (每生每年500元).
    lede = (
        "近日，广西教育厅会同财政厅印发《关于进一步做好义务教育阶段家庭经济困难学生生活补助工作的通知》，从2023年秋季学期起，"
        "将城市低保家庭学生、城市特困救助供养学生、边缘易致贫家庭学生、突发严重困难家庭学生及孤儿（含事实无人抚养儿童）"
        "等五类家庭经济困难学生纳入义务教育阶段非寄宿生生活补助范围，按照小学每生每年500元、初中每生每年625元的标准进行发放，"
        "每年9月份由符合条件的学生向所在学校进行申请。"
    )
    qa = answerer([lede, *PASSAGES])
    a = qa.answer("广西义务教育阶段家庭经济困难非寄宿生的生活补助标准是多少？", [hit(lede, 0.9)])
    assert not a.refused and "500元" in a.text, a.text


def test_a_notice_s_own_clause_of_effect_below_answers_when_it_takes_effect():
    # The notice's opening names everything the question does and states no date; its last line, 本通告自…起实施, is
    # the date of its own effect, whatever the question's other words.
    lead = "关于加强行业使用电动三轮车通行管理的通告为加强本市行业使用电动三轮车通行管理，现就有关事项通告如下。"
    rule = "三、行业使用电动三轮车允许在全市范围内道路行驶，但应遵守通行规定。"
    effect = "五、本通告自2023年11月1日起实施。"
    common = ["行业使用电动三轮车通行管理通告"] * 4
    qa = answerer([lead, rule, effect, *common, *PASSAGES])
    question = "行业使用电动三轮车通行管理的那份通告从哪天起实施？"
    hits = [hit(lead, 0.9), hit(rule, 0.7, n=1), hit(effect, 0.6, n=2)]
    a = qa.answer(question, hits)
    assert not a.refused and "2023年11月1日" in a.text, a.text
    off = ExtractiveAnswerer(AnswerSettings(figure_candidates=0), qa.doc_freq)
    assert off.answer(question, hits).refused
    # Another document's clause of effect is its own rule's date.
    other = [hit(lead, 0.9), hit(rule, 0.7, n=1), hit(effect, 0.6, n=2, doc="e")]
    assert qa.answer(question, other).refused


def test_counts_asked_in_two_measure_words_are_answered_by_a_lower_sentence_stating_both():
    from kb.answer.features import counts_asked

    question = "驻矿安全监督员管理办法一共有几章几条？"
    assert counts_asked(question) == {"chapters", "items"} and not counts_asked("管理办法一共有几条？")
    lead = "《管理办法》规定驻矿安全监督员“十监督”工作职责，建立驻矿安全监督员考核奖惩机制，规范驻矿安全监督员管理。"
    measures = "《若干措施》从责任落实、重点整治、基础建设等3个方面，细化20条强化煤矿安全生产工作措施。"
    parts = "《管理办法》包括总则、派驻和薪资待遇、职责和权利、监督和考核、附则共6章20条内容。"
    common = ["驻矿安全监督员管理办法"] * 4
    qa = answerer([lead, measures, parts, *common, *PASSAGES])
    hits = [hit(lead, 0.9), hit(measures, 0.7, n=1), hit(parts, 0.6, n=2)]
    a = qa.answer(question, hits)
    assert not a.refused and "共6章20条" in a.text and "细化20条" not in a.text, a.text
    off = ExtractiveAnswerer(AnswerSettings(figure_candidates=0), qa.doc_freq)
    assert off.answer(question, hits).refused
    # One count stated alone, of the same word, is another thing's.
    assert qa.answer(question, hits[:2]).refused


def test_another_named_period_s_length_does_not_answer_the_period_asked():
    from kb.answer.features import period_of_another

    question = "公务员法规定新录用公务员的试用期是多久？"
    assert period_of_another("公示期不少于五个工作日。[1]", question) == "公示期"
    assert period_of_another("新录用的公务员试用期为一年。[1]", question) is None
    assert period_of_another("公示期满，报主管部门备案。[1]", question) is None  # no length stated
    assert period_of_another("公示期不少于五个工作日。[1]", "公示期要多长时间？") is None  # the period asked
    assert period_of_another("公示期不少于五个工作日。[1]", "部门要在多长时间内回复？") is None  # no period named
    assert period_of_another("创业担保贷款可展期一年。[1]", "创业担保贷款能展期多久？") is None  # 展期 is named
    notice = "招录机关应当公示拟录用人员名单，公示期不少于五个工作日。"
    qa = answerer([notice, *PASSAGES])
    a = qa.answer(question, [hit(notice, 0.9, title=LAW)])
    assert a.refused and a.reason == "最相关的段落给出的是“公示期”的时长，不是所问的“试用期”的。", a.reason


def test_a_lower_sentence_whose_figure_names_nothing_counted_answers_no_how_many_question():
    vague = "这张“报表”显示，此次租金减免将惠及约8000户，涵盖了工业、零售业等多个行业。"
    qa = answerer([PUDONG_LEDE, PUDONG_COUNT, *PASSAGES])
    assert qa.answer(PUDONG_QUESTION, [hit(PUDONG_LEDE, 0.9), hit(vague, 0.6, n=1)]).refused


def test_a_calendar_date_no_retrieved_document_names_vetoes_the_answer():
    news = "新华社北京8月9日电 自2023年8月9日24时起，国内汽油、柴油价格每吨分别提高240元、230元。"
    qa = answerer([news], doc_text=news)
    hits = [hit(news, 0.9, title="汽油、柴油价格上调")]
    assert qa.answer("2023年8月23日24时那轮成品油调价中，国内汽油每吨上调了多少元？", hits).refused
    assert "240元" in qa.answer("2023年8月9日24时那轮成品油调价中，国内汽油每吨上调了多少元？", hits).text


def test_what_counts_as_stating_the_asked_quantity():
    from kb.answer.features import _lists_kinds, asked_figures, asks_quantity, lacks_asked_figure, states_quantity

    assert asks_quantity("预备期是几年？") and asks_quantity("投入了多少钱？")
    assert not asks_quantity("有哪几项工程？") and not asks_quantity("几乎所有单位都参加了吗？")
    assert not asks_quantity("几十年来农村发生了哪些变化？") and not asks_quantity("多多少少有哪些影响？")
    # 第几 asks which one, answered by an ordinal (第495号): no count is asked, and no day by 第几号.
    order = "《行政机关公务员处分条例》是以国务院第几号令公布的？"
    assert not asks_quantity(order) and not asked_figures(order)
    assert not lacks_asked_figure("2007年4月22日 中华人民共和国国务院令第495号公布", order)
    # Asked beside a count, an ordinal keeps the count from being the only figure asked (排第几 is no 人).
    assert asked_figures("活动结束时累计有多少人参与，全国排第几？") == frozenset()
    assert states_quantity("预备党员的预备期为一年。", "预备期是几年？")
    assert states_quantity("由全国人民代表大会以全体代表的三分之二以上的多数通过。", "要多少票通过？")
    assert states_quantity("赤字率拟按3%安排。", "2024年赤字率是多少？")
    # The question's own figures, and article numbers, are not an answer.
    assert not states_quantity("2024年要适当提高赤字率。", "2024年赤字率是多少？")
    assert not states_quantity("第十四条 国家实行监察官制度。", "监察官分几等？")
    # A question asking how many kinds is answered by naming them.
    assert states_quantity("处分的种类为：警告、记过、记大过、降级、撤职、开除。", "处分分几种？")
    assert states_quantity("给予警告、记过、记大过、降级、撤职、开除六种处分。", "处分分几种？")
    # The count after a list says the list is of kinds (read apart from the quantities, which it also is).
    assert _lists_kinds("给予警告、记过、记大过、降级、撤职、开除六种处分") and not _lists_kinds(
        "确定等级设置、任免、考评和晋升等制度"
    )
    # A list of what a rule covers counts no kinds: 几等几级 is not answered by the rule's subjects.
    q = "监察官的等级一共分为几等几级？"
    assert not states_quantity("依法确定监察官的等级设置、任免、考评和晋升等制度。", q)
    assert not states_quantity("设立党员示范岗、劳模示范岗、志愿服务岗。", "建成了多少座驿站？")
    # Approximate counts and counts of named parts are counts; a grade is a figure.
    assert states_quantity("推出一千五百多项改革举措。", "推出了多少项改革举措？")
    assert states_quantity("新设三十余家企业。", "新设了多少家企业？")
    assert states_quantity("提出了十大执法司法政策。", "提出了几大政策？")
    assert not states_quantity("一大批企业复工。", "有多少家企业复工？")
    assert states_quantity("湘江株洲段稳定保持Ⅱ类水质。", "湘江株洲段保持几类水质？")
    # An item's number orders a list, and a quoted numbered name names a set of ideas: neither counts what is asked,
    # unless the name holds it (几个意识 by “四个意识”).
    rate = "小规模纳税人的增值税征收率从3%降到了多少？"
    assert not states_quantity("5.《抗癌药品清单》见附件（十一）依照3%征收率计算。1.自2019年3月1日起", rate)
    assert states_quantity("征收率降至1%。", rate) and states_quantity("共有1.5万个。", "有多少个？")
    organs = "株洲市直机关一共有多少个基层党组织？"
    assert not states_quantity("市直机关持续整治“三个作用”发挥不显著等突出问题。", organs)
    assert states_quantity("市直机关共有基层党组织312个。", organs)
    assert states_quantity("增强“四个意识”。", "党员要增强几个意识？")


def test_a_change_is_answered_only_by_a_figure_in_a_sentence_naming_the_rarest_thing_changed():
    from kb.answer.features import change_off_subject, changed_subject

    defence = "2025年政府工作报告中，全国国防支出预算比上年增长多少？"
    assert changed_subject(defence) == ["国防"]
    assert changed_subject("我国人均预期寿命提高到了多少岁？") == ["寿命"]
    assert changed_subject("国防支出预算是多少？") == []  # a figure, not its change: counted_noun's
    # 疫情期间 says when the standard changed, not what: 提取标准 is all figure words, nothing to look for.
    assert changed_subject("绍兴职工提取住房公积金，疫情期间提取标准提高到多少？") == []
    # A time or a scope shortened or widened is a change too (压缩到了多少, 再延长多少年, 扩大到了多少个城市).
    assert changed_subject("开通绿色通道后，个转企办理时限压缩到了多少？") != []
    assert changed_subject("第二轮土地承包到期后再延长多少年？") == ["土地"]
    suits = "截至2月11日中央企业医用防护服日产量提升到多少？"
    assert changed_subject(suits) == ["中央", "企业", "医用", "防护服", "日产量"]

    def doc_freq(terms: list[str]) -> tuple[dict[str, int], int]:
        return {t: {"防护服": 3, "企业": 400, "中央": 90}.get(t, 10) for t in terms}, 500

    budget = "一般公共预算支出规模29.7万亿元、比上年增加1.2万亿元。"
    assert change_off_subject(budget, defence, doc_freq) == "国防"
    assert change_off_subject("国防支出预算增长7.2%。", defence, doc_freq) is None
    # The rarest thing named is the one looked for: the sentence may leave 中央企业 to the one before it.
    assert change_off_subject("医用防护服日产量已提升至2.2万套。", suits, doc_freq) is None
    assert change_off_subject("中央企业口罩日产量已提升至79.4万只。", suits, doc_freq) == "防护服"
    # No figure at all is left to the figure check; a question asking no change is not judged.
    assert change_off_subject("过去一年，国防和军队建设取得新的重要进展。", defence, doc_freq) is None
    assert change_off_subject(budget, "国防支出预算是多少？", doc_freq) is None


def test_a_lower_sentence_stating_the_change_of_the_thing_asked_answers_when_the_lede_gives_another_change():
    # The lede gives the overall rise (3.8%), which is not the fixed part's (定额); a lower sentence of the same
    # article states it. A lower sentence naming the thing but stating no change (过去一年…) is no answer.
    lede = (
        "近日，福建省人社厅与省财政厅联合印发《关于2023年调整退休人员基本养老金通知》，全省退休人员月人均基本养老金"
        "总体提高3.8%。"
    )
    fixed = "定额调整体现公平原则，全省企业和机关事业单位退休人员统一按每人每月34元增加。"
    common = ["福建调整退休人员基本养老金"] * 4
    qa = answerer([lede, fixed, *common, *PASSAGES])
    question = "福建2023年调整退休人员基本养老金，定额调整部分每人每月增加多少？"
    a = qa.answer(question, [hit(lede, 0.9), hit(fixed, 0.6, n=1)])
    assert not a.refused and "34元" in a.text and "3.8%" not in a.text, a.text
    off = ExtractiveAnswerer(AnswerSettings(figure_candidates=0), qa.doc_freq)
    assert off.answer(question, [hit(lede, 0.9), hit(fixed, 0.6, n=1)]).refused
    named = "过去一年，定额调整工作取得新的进展。"
    qa = answerer([lede, named, *common, *PASSAGES])
    assert qa.answer(question, [hit(lede, 0.9), hit(named, 0.6, n=1)]).refused


def test_a_lower_sentence_answers_a_count_only_naming_the_counted_thing_as_the_question_binds_it():
    from kb.answer.features import counted_whole, states_counted_figure

    # jieba cuts 副 and 更 off; the bare noun is as often another thing's (主任每届任期…两届 for 几个副主任).
    assert counted_whole("国家监察委员会设几个副主任？") == "副主任"
    assert counted_whole("枣矿集团柴里煤矿女职工澡堂改造时一共更换了多少个更衣橱？") == "更衣橱"
    # A measure word or a whole word before the noun is no part of it.
    assert counted_whole("重庆4个集中救治医院一共有多少张床位？") == "床位"
    assert counted_whole("预计能惠及多少户中小企业？") == "中小企业"
    term = "国家监察委员会主任每届任期同全国人民代表大会每届任期相同，连续任职不得超过两届。"
    assert not states_counted_figure(term, "国家监察委员会设几个副主任？")
    lockers = "增加了穿衣镜、排风扇、空调等基础设备，升级更换了800余个澡堂更衣橱，使衣物放置空间更加合理。"
    assert states_counted_figure(lockers, "枣矿集团柴里煤矿女职工澡堂改造时一共更换了多少个更衣橱？")


def test_a_figure_answers_a_how_many_question_only_in_a_sentence_naming_what_it_counts():
    from kb.answer.features import counted_noun, figure_off_subject

    assert counted_noun("重庆4个集中救治医院一共有多少张床位？") == "床位"
    assert counted_noun("北京的森林覆盖率现在是多少？") == "覆盖率"
    assert counted_noun("2025年全国高校毕业生预计有多少万人？") == "毕业生"
    # 要 before 达到 is no part of the noun; 能 of 产能 is.
    assert counted_noun("特殊困难老年人的月探访率要达到多少？") == "探访"
    assert counted_noun("这个所的申报纳税业务网上办理率能达到多少？") == "办理"  # not 率能
    assert counted_noun("上海市口罩企业投产后产能有多少？") == "产能"
    # What only says "the figure" names nothing counted, nor does a question with no such noun; contact details
    # are left to their own shapes.
    assert counted_noun("小微企业减税的金额是多少？") is None
    assert counted_noun("2024年国内生产总值增长的预期目标是多少？") is None
    assert counted_noun("考察多久才能转正？") is None
    # A numeral and its measure word count nothing (轮一次班: 一次); the sentence saying 每4小时轮班 answers.
    shifts = "伊犁州定点救治医院给一线医务人员排班，几个小时轮一次班？"
    assert counted_noun(shifts) == "小时"
    assert not figure_off_subject("医院实施每4小时轮班工作制度。", shifts)
    # A short form asked (保额) is named by the notice's full word (保险额度), and not by another sum.
    cover = "泉州渔民渔工获赠的新冠肺炎保险，每人保额是多少？"
    assert not figure_off_subject("保险额度为每人20万元。", cover)
    assert figure_off_subject("每人发放慰问金2000元。", cover)
    # And the other way: asked in the full form (外资企业), a figure names the short one (外企).
    firms = "中国贸促会二季度一共调研了多少家外资企业？"
    assert not figure_off_subject("贸促会二季度对近800家外企进行了调研访问。", firms)
    assert figure_off_subject("贸促会二季度走访了近800家商会。", firms)
    # Only words opening with its characters: 处分的期间 is no 分期 (jieba's cut of 处分期).
    assert counted_noun("被给予多个相同的政务处分，合并后的处分期最长是多少？") == "分期"
    assert figure_off_subject(
        "政务处分的期间为：警告，六个月。", "被给予多个相同的政务处分，合并后的处分期最长是多少？"
    )
    assert counted_noun("举报违反防疫要求的单位和个人的电话是多少？") is None
    # A code asked for is no count: the figure that answers it (G9383次) names nothing beside it.
    assert counted_noun("阜阳开往宁波的首趟定制专列车次是多少？") is None
    assert counted_noun("这份通知的文号是多少？") is None
    assert counted_noun("当天一共开行了多少个车次？") == "车次"
    # A text's own divisions counted (几章几条): the text states them without naming itself again.
    assert counted_noun("数据安全管理办法征求意见稿一共有几章几条？") is None
    assert counted_noun("这份通知一共涵盖几个方面、多少条政策举措？") is None
    assert counted_noun("这份《意见》一共几部分几条？") is None
    # Two things counted together: a figure naming either answers (远销80多个国家).
    assert counted_noun("产品目前卖到了多少个国家和地区？") == "国家和地区"
    assert not figure_off_subject("产品远销80多个国家。", "产品目前卖到了多少个国家和地区？")
    # 定的是多少: the verb before 的 tells how the figure was set; the noun before it is what is counted.
    deficit = "2025年政府工作报告里赤字率定的是多少？"
    assert counted_noun(deficit) == "赤字" and counted_noun("2025年赤字规模安排的是多少？") is None
    assert not figure_off_subject("今年赤字率拟按4%左右安排、比上年提高1个百分点。", deficit)
    assert counted_noun("其中当党组织书记的有多少？") == "书记"
    # How the figure stands (累计, 调整为, 最长, 平均) is not what it counts.
    assert counted_noun("困难行业企业的亏损，最长结转年限调整为多少年？") == "年限"
    assert counted_noun("2022年全国城镇调查失业率平均是多少？") == "失业率"
    assert counted_noun("专项贷款的期限最长是几年？") is None
    assert not figure_off_subject(
        "阜阳直达宁波的定制专列G9383次列车从阜阳西站开出。", "阜阳开往宁波的首趟定制专列车次是多少？"
    )
    beds = "重庆4个集中救治医院一共有多少张床位？"
    assert figure_off_subject("目前重庆4个集中救治医院收治99%以上确诊病例。印发防护手册2万张。", beds)
    assert not figure_off_subject("4个集中救治医院共开放床位2000张。", "重庆4个集中救治医院一共有多少张床位？")
    # The noun by a part (产量 for 总产量), in any sentence holding a figure.
    assert not figure_off_subject("粮食产量1.39万亿斤，再创历史新高。", "2023年全国粮食总产量是多少？")
    assert not figure_off_subject("森林城市创建成功。森林覆盖率44.9%。", "北京的森林覆盖率现在是多少？")
    # No figure at all, or a question that counts nothing named, is another check's business.
    assert not figure_off_subject("要提高床位供给。", "一共有多少张床位？")
    assert not figure_off_subject("预备期为一年。", "考察多久才能转正？")


def test_a_question_naming_its_unit_is_answered_only_by_a_quantity_in_it():
    from kb.answer.features import asked_figures, lacks_asked_figure

    assert asked_figures("最高人民法院设有几名副院长？") == {"people"}
    assert asked_figures("男性公务员到多大年纪退休？") == {"age"}
    assert asked_figures("党费比例是工资的百分之几？") == {"share"}
    assert asked_figures("支部党员大会多久召开一次？") == {"time"}
    assert asked_figures("专项资金安排了多少万元？") == {"money"}
    # A credit line or a cap is a sum, however the how-much is put (一共是多少).
    assert asked_figures("专项再贷款额度一共是多少？") == {"sum"} and asked_figures("年度支付限额是多少？") == {"sum"}
    assert lacks_asked_figure("出台涉及8个方面，共24条措施。", "专项再贷款额度一共是多少？")
    # A 多少 or 几 naming no unit leaves the question to the plain quantity check; so does one of two that names none.
    assert asked_figures("党费交多少？") == frozenset() and asked_figures("分几种？") == frozenset()
    assert asked_figures("拟连续几年发行超长期特别国债，今年先发行多少？") == frozenset()
    # A term of office is a quantity, but not of people; the question's own figure is not an answer.
    assert lacks_asked_figure("院长连续任职不得超过两届。", "最高人民法院设有几名副院长？")
    assert lacks_asked_figure("国家监察委员会由主任、副主任若干人、委员若干人组成。", "国家监察委员会有几位副主任？")
    assert lacks_asked_figure("今年有3名同志受到表彰。", "今年受表彰的3名同志每人奖励多少元？")
    # Units of one kind answer each other.
    assert not lacks_asked_figure("城管系统5000余名党员干部奋战一线。", "城管系统有多少人奋战一线？")
    assert not lacks_asked_figure("自接到申请之日起三十日内予以审批。", "机关多长时间内要审批？")
    assert not lacks_asked_figure("每周报送1次企业复工复产进展情况。", "多久报送一次进展情况？")
    assert not lacks_asked_figure("延期缴纳至疫情结束后。", "最长可以延期多久？")
    # When something happened is not how long it lasts; the date that ends a period is.
    how_long = "小贷公司对客户延期还款最长可以延期多久？"
    assert lacks_asked_figure("记者2月19日从市金融监管局获悉，该局印发通知，引导小贷公司缓解还款压力。", how_long)
    assert lacks_asked_figure("2020年，小贷公司为受疫情影响的客户办理延期还款。", how_long)
    assert not lacks_asked_figure("还款可延期至2020年6月30日。", how_long)
    assert not lacks_asked_figure("客户可申请延期还款，6月30日前还清即可。", how_long)
    assert not lacks_asked_figure("2月19日起，还款可延期3个月。", how_long)
    # A measure in a unit of its own (毫米, 毫升, 克, 摄氏度) is answered by a figure in it, not by the event's dates.
    rain = "这轮强降雨的最大累计降雨量是多少毫米？"
    assert asked_figures(rain) == {"length"} and asked_figures("援助的血液一共有多少毫升？") == {"volume"}
    assert asked_figures("炉温要达到多少摄氏度？") == {"temperature"}
    assert asked_figures("带回了多少克样品？") == {"weight"}
    assert lacks_asked_figure("叠加8月2日凌晨以来降雨，本轮强降雨为1957年以来最大。", rain)
    assert not lacks_asked_figure("最大累计降雨量达到389.2毫米。", rain)
    assert not lacks_asked_figure("运载近26万毫升爱心热血支援湖北。", "援助的血液一共有多少毫升？")
    assert not lacks_asked_figure("焚烧炉温度应达到850℃以上。", "炉温要达到多少摄氏度？")
    # A school asked by name is answered by a school's name, not by schools unnamed or counted.
    schools = "首批疏解的高校具体是哪几所？"
    assert asked_figures(schools) == {"school"} and asked_figures("在哪所医院收治？") == {"hospital"}
    assert lacks_asked_figure("会议听取了关于疏解高校、医院工作进展情况汇报。", schools)
    assert lacks_asked_figure("她在一所中学就读。", "她考上了哪所学校？")
    assert not lacks_asked_figure("小丽考上了湖南衡阳师范学院。", "她考上了哪所学校？")
    # The kind may stand before the ask (首批疏解的高校和医院是哪几家), or after it (哪所医院).
    assert asked_figures("首批疏解的高校和医院具体是哪几家？") == {"school", "hospital"}
    assert asked_figures("学校哪几个年级先开学？") == frozenset()  # a grade, not a school, is asked
    # A time of day asked is answered by a clock time, not by a count (每天8位专家) nor by being open.
    assert asked_figures("专线每天几点到几点提供服务？") == {"clock"} and asked_figures("接听时间是？") == {"clock"}
    assert asked_figures("提出了几点建议？") == frozenset() and asked_figures("哪些措施延长了营业时间？") == frozenset()
    assert lacks_asked_figure("专线每天有8位医学专家参与咨询。", "专线每天几点到几点提供服务？")
    for stated in ("服务时间为8:00-20:00。", "每日八时至二十时接听。", "自8月9日24时起执行。", "24小时接听。"):
        assert not lacks_asked_figure(stated, "专线每天几点到几点提供服务？"), stated
    assert not lacks_asked_figure("赤字规模4.06万亿元。", "赤字规模是多少亿元？")
    # A year asked (哪一年) is answered by a year, not by a day of some month.
    which_year = "最高检前两批涉军犯罪典型案例分别是哪一年发布的？"
    assert asked_figures(which_year) == {"year"}
    assert lacks_asked_figure("7月28日，最高人民检察院发布9起典型案例。", which_year)
    for stated in ("该机制于2017年发起建立。", "力争到二〇三五年基本实现。", "今年发布了第三批。"):
        assert not lacks_asked_figure(stated, which_year), stated
    # A share asked (多大比例, 比重是多少) is answered by a percentage, a ratio or a whole share; a foreign currency
    # by an amount in it, not in 元.
    share = "党员每月按收入的多大比例交纳党费？"
    assert asked_figures(share) == {"share"} and asked_figures("数字经济占GDP的比重是多少？") == {"share"}
    assert lacks_asked_figure("按期交纳党费的，可以申请加入中国共产党。", share)
    for stated in ("按收入的1%交纳党费。", "路费由政府和企业按2:1比例分担。", "剩余部分由财政全额补助。"):
        assert not lacks_asked_figure(stated, "费用按什么比例分担？"), stated
    # A sum named by what it pays (补助标准是多少, 票价是多少) is answered in 元 or as a share; 人数是多少 by people.
    fare = "新开通的608路公交线路单程票价是多少？"
    assert asked_figures(fare) == {"sum"} and asked_figures("新增就业人数是多少？") == {"people"}
    assert lacks_asked_figure("自2月10日13时起开通运营608路公交线路。", fare)
    assert not lacks_asked_figure("单程票价2元。", fare)
    assert not lacks_asked_figure("一公司涉数据泄露被罚款20万。", "这家公司被罚款多少？")
    assert not lacks_asked_figure("按不超过实际缴纳场租费用50%的标准给予补贴。", "展会的场租补贴标准是多少？")
    # The sum named after 多少 (给予多少奖补资金, 发多少工资): an announcement of the award is no sum; a count or a share
    # asked before the money noun (多少家企业获得补贴, 多少比例奖励) keeps its own kind.
    award = "对评为示范养老机构的单位给予多少奖补资金？"
    assert asked_figures(award) == {"sum"} and asked_figures("每人每月发多少工资或补贴？") == {"sum"}
    assert asked_figures("首批投放的贷款总额是多少？") == {"sum"}
    assert lacks_asked_figure("今年全省将创建50家标准化示范养老机构，床位数不少于100张。", award)
    assert not lacks_asked_figure("每家给予一次性奖补资金20万元。", award)
    assert asked_figures("有多少家企业获得补贴？") == {"firms"}
    assert asked_figures("按单笔贷款金额的多少比例奖励？") == {"share"}
    # The day a period ends (截止到哪天, 最晚什么时候前) is given only as an end: 至…日, …日前, …解除后两个月内.
    deadline = "稳岗专项资金的申请截止日期是哪一天？"
    assert asked_figures(deadline) == {"deadline"} and asked_figures("缴费期最晚能延到哪天？") == {"deadline"}
    assert asked_figures("门诊哪天恢复？") == {"day"}
    assert lacks_asked_figure("记者11日从温州市政府获悉，将设立2亿元稳岗专项资金。", deadline)
    assert lacks_asked_figure("到2025年，标准体系基本建立。", deadline)
    for stated in (
        "明确从2月9日00:00起至2月29日24:00免收邮寄费用。",
        "缴费期可以延长至2020年5月31日。",
        "于2月10日24时前主动登记。",
        "延长至宣布疫情解除后两个月内。",
        "允许应急处置工作结束六个月内申请补办。",  # a span after an event's end
        "延期缴纳至疫情结束。",
        "2024年5月底前完成。",
        "意见反馈截止时间为2023年9月2日。",  # the end day after the word naming it
        "截稿日期一延再延，一直延到了2月20日。",
    ):
        assert not lacks_asked_figure(stated, deadline), stated
    # A time of day a report is due by answers 在什么时间前报; 前往 is no end.
    due = "各设区市要在什么时间前报送新增病例情况？"
    assert asked_figures(due) == {"deadline"}
    for stated in ("于次日中午12时前报省疫情防控应急指挥部办公室。", "每天17:00前报送。"):
        assert not lacks_asked_figure(stated, due), stated
    assert lacks_asked_figure("工作组12时前往指挥部。", due)
    # A time named by the event it awaits (待学校正式开学后) answers when something may happen.
    assert not lacks_asked_figure("学校食堂待学校正式开学后方可复工。", "学校食堂什么时候才能复工？")
    assert lacks_asked_figure("学校食堂要做好复工准备。", "学校食堂什么时候才能复工？")
    # The end asked after the when (哪个日期之前, 什么时候截止) or by what runs until it (执行到什么时候); 前来 is no end.
    for asked in ("要求在哪个日期之前完成？", "政策执行到什么时候？", "减免什么时候截止？", "措施执行到哪天为止？"):
        assert asked_figures(asked) == {"deadline"}, asked
    assert asked_figures("专家什么时候前来指导？") == {"date"}
    assert lacks_asked_figure("自2023年8月1日起实施差异化收费。", "政策执行到什么时候？")
    assert not lacks_asked_figure("本通知暂执行至2020年6月30日止。", "政策执行到什么时候？")
    # A discount (打几折) is given as 5折 or 半价; a count of seconds (至少搓多长时间) by 60秒.
    discount = "入盟商家给退役军人打几折优惠？"
    assert asked_figures(discount) == {"discount"}
    assert lacks_asked_figure("入盟商家集中签约，为退役军人提供优惠。", discount)
    assert not lacks_asked_figure("凭优待证可享受8折优惠。", discount)
    assert not lacks_asked_figure("认真搓揉双手至少60秒。", "洗手至少搓多长时间？")
    # A firm asked by name (由哪家公司开发, 联合哪家银行) is answered by a sentence naming one, not by 一家上市公司, 某公司
    # or a public body; 哪家单位 by an office too.
    firm = "智能系统是由哪家软件技术服务公司开发的？"
    assert asked_figures(firm) == {"firm"} and asked_figures("和哪家单位签了协议？") == {"body"}
    for unnamed in ("选取一家上市公司、一家居民服务公司试点上线。", "西安某公司提供服务。", "县税务局推出智能系统。"):
        assert lacks_asked_figure(unnamed, firm), unnamed
    for named in ("市商务局联合中国银行天津市分行推出。", "指定市千禧新特药有限责任公司定点销售。"):
        assert not lacks_asked_figure(named, "是指定哪家企业定点销售的？"), named
    assert not lacks_asked_figure("与市工伤保险服务中心签订协议。", "和哪家单位签了协议？")
    # A body's name asked (那家培训机构叫什么名字) is not given by 某培训机构.
    name = "为“回流生”造假提供服务的那家培训机构叫什么名字？"
    assert asked_figures(name) == {"body"} and asked_figures("这家公司是什么？") == frozenset()
    assert lacks_asked_figure("西安公安发现我市某培训机构以造假方式为“回流生”提供服务。", name)
    # A firm's name asked is given by a firm's name: not by the bureau that inspected 某食品加工公司.
    company = "开出首张不予行政处罚告知书的那家食品加工公司叫什么名字？"
    assert asked_figures(company) == {"firm"}
    assert lacks_asked_figure("区生态环境局执法人员在某食品加工公司日常检查时发现问题。", company)
    assert not lacks_asked_figure("执法人员检查了上海松林食品有限公司。", company)
    press = "市教委编制的《寒假生活（补充版）》是哪家出版社出版的？"
    assert asked_figures(press) == {"firm"}
    assert lacks_asked_figure("市教委已经在统一组织编制《寒假生活（补充版）》，以数字资源形式下发。", press)
    assert not lacks_asked_figure("《寒假生活（补充版）》由上海教育出版社出版。", press)
    # A shop's name asked is given by a shop's name only: not a shop counted, nor the office that fined it.
    shop = "以超过进价10倍卖口罩被罚300万元的那家药房叫什么名字？"
    assert asked_figures(shop) == {"shop"} and asked_figures("哪家超市被罚款？") == {"shop"}
    for unnamed in (
        "天津一大药房以超过进价10倍的价格销售口罩，市场监管委罚款300万元。",
        "桐梓县一药房将口罩涨到40元一袋。",
    ):
        assert lacks_asked_figure(unnamed, shop), unnamed
    assert not lacks_asked_figure("河西区老百姓大药房以超过进价10倍的价格销售口罩。", shop)
    # A hospital asked by name is given by a hospital's name: not by the commission that reported the case, nor a
    # hospital counted.
    hospital = "青海省首例确诊病例陈某某是在西宁哪家医院被收治的？"
    assert asked_figures(hospital) == {"hospital"} and asked_figures("和哪家单位签了协议？") == {"body"}
    for unnamed in ("根据国家卫生健康委最新确诊程序，青海省首例疑似病例确诊。", "一家医院正在紧急改建。"):
        assert lacks_asked_figure(unnamed, hospital), unnamed
    for named in ("患者已在青海省第四人民医院隔离治疗。", "依托大别山区域医疗中心改建。"):
        assert not lacks_asked_figure(named, hospital), named
    # A code asked (文号, 批号, 车次) is given by a code in its form, not by a count of batches.
    batch = "国家药监局这次通告里不合格的他克莫司软膏具体是哪几个批号？"
    assert asked_figures(batch) == {"code"} and asked_figures("有多少个车次？") == frozenset()
    assert lacks_asked_figure("3批次他克莫司软膏不符合规定，不符合规定项目为有关物质。", batch)
    assert not lacks_asked_figure("批号为20230301、20230302的他克莫司软膏不符合规定。", batch)
    for code, question in (
        ("山东省人民政府办公厅印发鲁政办字〔2020〕17号文件。", "山东省政府办公厅印发时的文号是什么？"),
        ("财政部、海关总署、税务总局2020年第6号公告。", "那份公告的文号是多少？"),
        ("定制专列G9383次列车从阜阳西站开出。", "定制专列车次是多少？"),
    ):
        assert not lacks_asked_figure(code, question), code
    assert lacks_asked_figure("2月11日，山东省人民政府办公厅印发了若干措施。", "山东省政府办公厅印发时的文号是什么？")
    # A size asked (资金规模有多大, 装机容量有多大) is a figure; 多大作用 asks none.
    assert asked_figures("奖惩资金账户的资金规模有多大？") == {"sum"}
    assert lacks_asked_figure("出台六项硬性措施，设立奖惩资金账户。", "奖惩资金账户的资金规模有多大？")
    assert lacks_asked_figure("加快华容电厂等重大项目建设。", "华容电厂装机容量有多大？")
    assert not lacks_asked_figure("华容电厂装机容量200万千瓦。", "华容电厂装机容量有多大？")
    assert not lacks_asked_figure("作用很明显。", "这项政策发挥了多大作用？")
    # The day a reporter gathered the news answers no when-question; the day the thing happens does.
    when = "整改工作计划什么时候全部完成？"
    assert lacks_asked_figure("8月8日，记者就此问题联系了深圳地铁的相关工作人员。", when)
    assert lacks_asked_figure("记者12日从市发布会获悉，正有序推进整改。", when)
    assert not lacks_asked_figure("2月24日记者获悉，整改将于2月25日起开展。", when)
    # After 成为, 作为, 是 or 当, 一名 is an article: 成为一名选调生 counts nobody.
    graduates = "今年一共有多少名毕业生考上了选调生？"
    assert lacks_asked_figure("他选择回到家乡，成为一名选调生。", graduates)
    assert not lacks_asked_figure("今年有32名毕业生成为选调生。", graduates)
    assert not lacks_asked_figure("共有一名选调生。", graduates)
    # A count in its own measure word (多少条, 几个方面, 多少场, 多少所) is answered by a count in that word, not by
    # another figure of the passage; 几条 and 几个方面 also by listing them; 第几批 asks which one.
    measures = "出台了多少条措施？"
    assert asked_figures(measures) == {"items"} and asked_figures("开展了多少场活动？") == {"events"}
    assert asked_figures("有多少所医疗机构开设了发热门诊？") == {"pieces"} and asked_figures("第几批？") == frozenset()
    assert lacks_asked_figure("梳理了195个涉税缴费事项可在网上办理。", measures)
    assert not lacks_asked_figure("从四个方面出台了15项措施。", measures)
    assert not lacks_asked_figure("宣讲队开展宣讲300余场次。", "开展了多少场活动？")
    assert not lacks_asked_figure("从生产、流通、消费等方面出台支持政策。", "分为几个方面？")
    assert lacks_asked_figure("政策覆盖全省所有企业。", "分为几个方面？")
    # A sum named by what it is (资金规模, 营业收入, 总投资) is answered in 元 or 万/亿, not by a count of measures.
    fund = "污染防治奖惩资金账户的资金规模是多少？"
    assert asked_figures(fund) == {"sum"} and asked_figures("上半年营业收入是多少？") == {"sum"}
    assert lacks_asked_figure("设立污染防治攻坚奖惩资金账户，出台六项硬性措施。", fund)
    assert not lacks_asked_figure("赤字规模4.06万亿元。", "赤字规模是多少？")
    # A date, a time of day or a document's number counts nothing: it does not answer a how-many question.
    assert lacks_asked_figure("2月16日，市税务局发布渝税发〔2020〕15号通知。", "首批共推出多少？")
    assert not lacks_asked_figure("2月16日，首批推出197款云服务产品。", "首批共推出多少？")
    # 多长 after a period (预备期有多长, 处分期间是多长) asks a time; after a distance (总里程有多长) a length.
    assert asked_figures("预备党员的预备期有多长？") == {"time"} and asked_figures("处分期间是多长？") == {"time"}
    assert asked_figures("总里程现在有多长？") == {"length"} and asked_figures("多大年龄可以入党？") == {"age"}
    assert lacks_asked_figure("预备党员必须面向党旗进行入党宣誓。", "预备党员的预备期有多长？")
    assert not lacks_asked_figure("预备党员的预备期为一年。", "预备党员的预备期有多长？")
    # A rate is a share: a count of firms does not give it; 汇率 and 频率 are no shares.
    rate = "辽宁省规模以上工业企业复工率是多少？"
    assert asked_figures(rate) == {"share"} and asked_figures("逆回购利率下调了多少个基点？") == {"share"}
    assert asked_figures("人民币汇率是多少？") == frozenset() and asked_figures("巡查频率是多少？") == frozenset()
    assert lacks_asked_figure("全省已有4262户规模以上工业企业恢复开工。", rate)
    assert not lacks_asked_figure("规模以上工业企业复工率达57.7%。", rate)
    assert not lacks_asked_figure("7天逆回购利率下调10个基点。", "逆回购利率下调了多少个基点？")
    # Asked in 元 (多少钱), it is answered in 元 only: paid in full (足额发放) is no sum.
    allowance = "一线医务人员每月的卫生防疫津贴是多少钱？"
    assert asked_figures(allowance) == {"money"}
    assert lacks_asked_figure("按照国家卫生防疫津贴标准及时足额发放。", allowance)
    dollars = "人均国内生产总值要达到多少美元？"
    assert asked_figures(dollars) == {"foreign_money"} and asked_figures("外汇储备有多少亿美元？") == {"foreign_money"}
    assert lacks_asked_figure("人均国内生产总值从三万九千八百元增加到八万一千元。", dollars)
    assert not lacks_asked_figure("外汇储备超过3万亿美元。", "外汇储备有多少亿美元？")
    # A question asking when is answered by a date, written any of the ways notices write one; one asking which day
    # by a day.
    assert asked_figures("该工程是在什么时候正式启动的？") == {"date"}
    assert asked_figures("该工程是在哪一天正式启动的？") == {"day"}
    assert lacks_asked_figure("近日，工委实施“动力党建”工程。", "工委是在什么时候启动该工程的？")
    assert lacks_asked_figure("今年以来，工委实施“动力党建”工程。", "工委是在哪一天启动该工程的？")
    assert not lacks_asked_figure("今年以来，工委实施“动力党建”工程。", "工委是在什么时候启动该工程的？")
    assert not lacks_asked_figure("工委于3月5日启动“动力党建”工程。", "工委是在哪一天启动该工程的？")
    for stated in (
        "自2020年1月24日起闭馆。",
        "到2025年底前建立长效机制。",
        "从退休次月起补发。",
        "每天8：00-17：00预约。",
        "党龄从转为正式党员之日算起。",
    ):
        assert not lacks_asked_figure(stated, "什么时候开始？"), stated
    # Without a unit named, any quantity but the question's own answers (the plain check).
    assert lacks_asked_figure("要适当提高赤字率。", "2024年赤字率是多少？")
    assert not lacks_asked_figure("赤字率拟按3%安排。", "2024年赤字率是多少？")


def test_a_shorthand_the_passages_only_mention_is_not_explained_by_them():
    from kb.answer.features import asked_shorthand, lacks_shorthand_content

    assert asked_shorthand("十九大报告里提到的“三严三实”具体是指什么？") == "三严三实"
    assert asked_shorthand("三高四新是什么？") == "三高四新"
    assert asked_shorthand("“两个确立”的具体表述是什么？") == "两个确立"
    assert asked_shorthand("“三个高地”指挥部的“一办七组”分别是哪几个组？") == "一办七组"
    assert asked_shorthand("“四下基层”具体是哪四个方面？") == "四下基层"
    # A name with a numeral in it, asked something else; a quoted figure.
    assert asked_shorthand("“八闽健康码”的用途是什么？") is None
    assert asked_shorthand("“12345”热线包括哪些服务？") is None
    question = "“三严三实”具体是指什么？"
    assert lacks_shorthand_content("抓住“关键少数”，坚持“三严三实”，坚持民主集中制。", question)
    for explained in (
        "“三严三实”，即严以修身、严以用权、严以律己，谋事要实、创业要实、做人要实。",
        "“三严三实”：严以修身、严以用权、严以律己。",
        "践行“三严三实”要求，一是严以修身，二是严以用权。",
        "严以修身、严以用权、严以律己，谋事要实、创业要实、做人要实。",  # the parts, without the name
        "“三严三实”要求主要包括严以修身、严以用权、严以律己。",  # the word for what it is, then 主要包括
    ):
        assert not lacks_shorthand_content(explained, question), explained
    # A list further on in the sentence is about something else, unless its items repeat the term's words.
    assert lacks_shorthand_content(
        "聚焦“三高四新”战略定位和使命任务,在培育制造名城、建设幸福株洲、长株潭一体化等重点工作中,建立机制。",
        "“三高四新”具体是指什么？",
    )
    assert not lacks_shorthand_content(
        "按照“四个全面”战略布局，统筹推进各项建设，协调推进全面建成小康社会、全面深化改革、全面依法治国、全面从严治党。",
        "“四个全面”包括哪几个方面？",
    )
    # An ordinal names one thing, not a set of parts.
    assert asked_shorthand("党找到的“第二个答案”是什么？") is None
    # The parts before their name, and items counted off.
    assert not lacks_shorthand_content("电动汽车、锂电池、光伏产品“新三样”出口增长。", "“新三样”指的是什么？")
    # The term opening a longer quoted name, explained after it (“两案八制”，即… for “两案”).
    asked = "宁夏做好师生返校防疫制定的“两案八制”，其中“两案”指哪两个？"
    named = "宁夏还制定了“两案八制”，即开学准备工作方案和突发公共卫生事件应急预案，还有疫情报告等八项制度。"
    assert not lacks_shorthand_content(named, asked)
    assert lacks_shorthand_content("宁夏还制定了“两案八制”，做好师生返校准备。", asked)
    assert not lacks_shorthand_content("做好“两条线”作战的准备。“一条线”是抗击疫情前线。", "“两条线”具体指什么？")
    # Each numbered part explained in turn; one part alone is not the whole explained.
    asked = "秦皇岛的“一图两清单”分别指什么？"
    both = "这就是我们的“一图两清单”，“一图”是指河流水系和污染分布，“两清单”是指支流沟渠和污染源分布。"
    assert not lacks_shorthand_content(both, asked)
    assert lacks_shorthand_content("这就是我们的“一图两清单”，“一图”是指河流水系和污染分布。", asked)
    # The term qualifying a list of other things (…的使命担当、以…的初心使命) is not explained by it.
    assert lacks_shorthand_content(
        "始终以“两个维护”的高度自觉和“三个地”的使命担当、以对人民群众生命安全和身体健康负责的初心使命，坚决服从。",
        "“三个地”指的是哪三个地？",
    )
    # Not asked: nothing to check.
    assert not lacks_shorthand_content("坚持“三严三实”。", "十九大报告提出了哪些要求？")
    # A document's number (2020年第8号) is no shorthand; a parenthesis of the term's clause explains it.
    assert asked_shorthand("财政部税务总局2020年第8号公告所说的困难行业包括哪几大类？") is None
    hotline = "“1+17”心理援助热线整合里的“1”指的是哪条热线？"
    assert not lacks_shorthand_content(
        "推进“1+17”心理援助热线整合（即12320-5心理援助热线+16个区的心理热线）。", hotline
    )
    assert lacks_shorthand_content("推进“1+17”心理援助热线整合，加强规范管理。", hotline)
    # The term, the word for what it is, then the explanation.
    pattern = "“双培双推”模式具体是指什么？"
    assert not lacks_shorthand_content("突出强化党员人才的“双培双推”模式,即把一线骨干培养成党员。", pattern)
    assert lacks_shorthand_content("推行“双培双推”模式立即见效。", pattern)


def test_a_shorthand_question_is_refused_when_the_passage_only_mentions_it():
    text = "必须抓住“关键少数”，坚持“三严三实”，坚持民主集中制，严肃党内政治生活，严明党的纪律。"
    qa = answerer([text, *PASSAGES])
    refused = qa.answer("十九大报告里的“三严三实”具体是指什么？", [hit(text, 0.9, title="党的十九大报告全文")])
    assert refused.refused and refused.reason == "最相关的段落提到了“三严三实”，但没有说明它具体指什么。"
    off = ExtractiveAnswerer(AnswerSettings(shorthand_check=False), qa.doc_freq)
    assert not off.answer(
        "十九大报告里的“三严三实”具体是指什么？", [hit(text, 0.9, title="党的十九大报告全文")]
    ).refused


def test_a_question_without_a_two_character_word_is_refused():
    qa = answerer(PASSAGES)
    hits = [hit(p, 0.9, n=i) for i, p in enumerate(PASSAGES)]
    for q in ("1", "第", "[1]", "？？？"):
        assert qa.answer(q, hits).refused


ARTICLE = (
    "第二十五条　公务员有下列行为之一的，给予警告或者记过处分；情节较重的，给予记大过或者降级处分；"
    "情节严重的，给予撤职处分。"
)


def test_a_legal_condition_is_answered_with_its_consequences():
    qa = answerer([ARTICLE])
    a = qa.answer("公务员有下列行为之一的给予什么处分？", [hit(ARTICLE, 0.9, title="处分条例")])
    assert not a.refused
    assert "给予警告或者记过处分" in a.text and "情节较重的，给予记大过或者降级处分" in a.text


NOTICE_ITEM = (
    "二、拒绝接受检疫、强制隔离或者治疗，过失造成传染病传播危险，尚不够刑事处罚的，依法给予治安处罚；"
    "构成犯罪的，依法按照过失以危险方法危害公共安全罪追究刑事责任；"
    "故意隐瞒行程、病情，拒不配合流行病学调查，造成疫情扩散的，由公安机关依法处理，并将有关情况纳入个人信用记录，"
    "在全市范围内通报，相关单位和个人应当依法承担由此造成的全部损失和法律责任。三、其他事项另行通知。"
)


def test_a_numbered_condition_reads_on_into_its_heavier_consequence():
    # The condition is not the opening clause (a list number and the act come first): the next clause is still
    # its parallel consequence.
    qa = answerer([NOTICE_ITEM])
    a = qa.answer("拒绝接受强制隔离，过失造成传染病传播危险如何处罚？", [hit(NOTICE_ITEM, 0.9, title="通告")])
    assert not a.refused
    assert "依法给予治安处罚" in a.text and "构成犯罪的，依法按照过失以危险方法危害公共安全罪追究刑事责任" in a.text
    assert "其他事项" not in a.text


def _cut_answer(long: str, question: str, title: str) -> str:
    """The answer to `question` from the one long sentence `long`: a verbatim cut of it, no longer than the limit."""
    a = answerer([long]).answer(question, [hit(long, 0.9, title=title)])
    assert not a.refused
    body = a.text.rsplit("[", 1)[0]
    assert len(body) <= AnswerSettings().max_unit_chars and body in long
    return body


def test_a_long_sentence_is_cut_to_the_clauses_that_answer():
    long = (
        "今年政府工作的总体要求是：以新时代中国特色社会主义思想为指导，全面贯彻落实党的二十大精神，"
        "坚持稳中求进工作总基调，完整、准确、全面贯彻新发展理念，加快构建新发展格局，着力推动高质量发展，"
        "全面深化改革开放，推动高水平科技自立自强，加大宏观调控力度，统筹扩大内需和深化供给侧结构性改革，"
        "统筹新型城镇化和乡村全面振兴，统筹高质量发展和高水平安全，切实增强经济活力、防范化解风险。"
    )
    assert "稳中求进工作总基调" in _cut_answer(long, "今年政府工作要坚持什么工作总基调？", "政府工作报告")


def test_a_long_sentence_is_cut_around_the_question_words_not_ending_at_them():
    # The topic is named twice; the measure follows its second naming. A cut that ends at the words the
    # question shares quotes only the lead-in.
    long = (
        "市区政务服务中心为人员密集场所，人流量较大，为了有效减少人员聚集，阻断疫情传播，保障人民群众生命安全和身体健康，"
        "经请示市新型冠状病毒感染的肺炎疫情联防联控领导小组研究同意，市区政务服务中心于2月3日（星期一）起，"
        "暂停对外办公，具体恢复办理时间待疫情缓解後另行通知。"
    )
    body = _cut_answer(long, "平凉市政务服务中心如何应对疫情问题？", "平凉市政务服务中心通告")
    assert "暂停对外办公，具体恢复办理时间待疫情缓解後另行通知" in body


def test_a_sentence_that_restates_the_question_leads_in_to_the_next():
    passage = (
        "璧山区坚持从严压实各级属地责任、行业部门属事责任和企业主体责任。此外，该区还实施“红黄蓝”挂牌管理机制。"
        "对审核通过的复产企业亮“蓝牌”，对排查发现问题的企业亮“黄牌”，督促企业立即整改，"
        "对于屡教不改的企业亮“红牌”，严格按照规定要求其立即停产。"
    )
    question = "璧山区实施“红黄蓝”挂牌管理机制指什么？"
    hits = [hit(passage, 0.9, title="璧山区对企业实施“红黄蓝”挂牌管理")]
    doc_freq = answerer([passage]).doc_freq

    def ask(lead_in: float) -> str:
        # No close seconds: what joins the best sentence here joins because it follows a lead-in.
        cfg = AnswerSettings(lead_in_novelty=lead_in, second_sentence_ratio=1.0)
        return ExtractiveAnswerer(cfg, doc_freq).answer(question, hits).text

    assert ask(0.5).startswith("此外，该区还实施“红黄蓝”挂牌管理机制。[1]对审核通过的复产企业亮“蓝牌”")
    assert ask(0.0) == "此外，该区还实施“红黄蓝”挂牌管理机制。[1]"


def _two_passages(second_title: str) -> tuple[Hit, dict[str, Chunk]]:
    # Chunking put the lead-in at the end of one passage and what it introduces at the head of the next, which
    # retrieval did not return: it repeats none of the question's words.
    first = hit(
        "璧山区坚持从严压实各级属地责任、行业部门属事责任和企业主体责任。此外，该区还实施“红黄蓝”挂牌管理机制。",
        0.9,
        title="璧山区对企业实施“红黄蓝”挂牌管理",
    )
    nxt = hit("对审核通过的复产企业亮“蓝牌”，对排查发现问题的企业亮“黄牌”，督促企业立即整改。", 0.5, second_title, n=1)
    return first, {first.chunk.chunk_id: nxt.chunk}


def _read_across(first: Hit, following: dict[str, Chunk], read_across: bool) -> Answer:
    question = "璧山区实施“红黄蓝”挂牌管理机制指什么？"
    cfg = AnswerSettings(second_sentence_ratio=1.0, read_across_passages=read_across)
    doc_freq = answerer([first.chunk.text, *(c.text for c in following.values())]).doc_freq
    qa = ExtractiveAnswerer(cfg, doc_freq, next_chunk=lambda c: following.get(c.chunk_id))
    return qa.answer(question, [first])


def test_a_lead_in_that_ends_its_passage_reads_on_into_the_next_passage_and_cites_it():
    first, following = _two_passages("璧山区对企业实施“红黄蓝”挂牌管理")
    a = _read_across(first, following, True)
    assert a.text == (
        "此外，该区还实施“红黄蓝”挂牌管理机制。[1]对审核通过的复产企业亮“蓝牌”，对排查发现问题的企业亮“黄牌”，"
        "督促企业立即整改。[2]"
    )
    assert [c.chunk_id for c in a.citations] == ["d:0", "d:1"]
    assert a.citations[1].passage == following["d:0"].text
    assert _read_across(first, following, False).text == "此外，该区还实施“红黄蓝”挂牌管理机制。[1]"


def test_an_answer_never_reads_on_into_another_article_of_the_page():
    first, following = _two_passages("另一篇文章")
    assert _read_across(first, following, True).text == "此外，该区还实施“红黄蓝”挂牌管理机制。[1]"


def _read_on_alone(passage: str, question: str, title: str) -> str:
    """The answer's text, markers dropped, with no close seconds: what joins the best sentence is what it reads on
    into (the numbering, the item)."""
    qa = ExtractiveAnswerer(AnswerSettings(second_sentence_ratio=1.0), answerer([passage]).doc_freq)
    a = qa.answer(question, [hit(passage, 0.9, title=title)])
    assert not a.refused
    return re.sub(r"\[\d+\]", "", a.text)


def test_a_numbered_step_reads_on_into_the_steps_after_it():
    passage = (
        "2月份金税盘便捷清卡解锁的操作步骤：第一步，纳税人登陆开票系统。第二步，系统自动上报汇总发票数据。"
        "第三步，系统自动完成清卡。第四步，查询设备状态。如有问题请咨询主管税务机关。"
    )
    body = _read_on_alone(passage, "2月份金税盘便捷清卡解锁的操作步骤是什么？", "便捷清卡解锁")
    assert "第一步，纳税人登陆开票系统。第二步" in body and "第四步，查询设备状态。" in body
    assert "如有问题" not in body


def test_a_lead_in_reads_on_through_its_numbered_items_in_order():
    passage = (
        "第九十三条 公务员符合下列条件之一的，本人自愿提出申请，经任免机关批准，可以提前退休：\n（一）工作年限满三十年的；\n"
        "（二）距国家规定的退休年龄不足五年，且工作年限满二十年的；\n（三）符合国家规定的可以提前退休的其他情形的。"
    )
    body = _read_on_alone(passage, "公务员满足什么条件可以本人申请提前退休？", "公务员法")
    assert body == (
        "第九十三条 公务员符合下列条件之一的，本人自愿提出申请，经任免机关批准，可以提前退休：（一）工作年限满三十年的；"
        "（二）距国家规定的退休年龄不足五年，且工作年限满二十年的；（三）符合国家规定的可以提前退休的其他情形的。"
    )


def test_a_numbered_item_s_short_first_sentence_reads_on_into_what_the_item_says():
    passage = (
        "五、各地依法依规对新冠肺炎患者和疑似病人开展流行病学调查。六、相关单位和个人严格依法依规履行报告职责。"
        "对瞒报、谎报、迟报疫情，或者阻碍防控工作人员履行职责的，依法依规从严处理。七、本通告自发布之日起施行。"
    )
    body = _read_on_alone(passage, "四川省要求相关单位和个人履行报告职责吗？", "四川省疫情防控通告")
    assert body == (
        "六、相关单位和个人严格依法依规履行报告职责。"
        "对瞒报、谎报、迟报疫情，或者阻碍防控工作人员履行职责的，依法依规从严处理。"
    )


def test_a_sanction_decided_in_one_clause_reads_on_into_the_next_sanction():
    from kb.answer.extractive import Candidate, _read_on

    passage = (
        "经省纪委常委会会议研究并报省委批准，决定给予黄某开除党籍处分；由省监委给予其开除公职处分；收缴其违纪违法所得。"
    )
    cands = [Candidate(0, s, e, passage[s:e]) for s, e in units(passage)]
    best = next(c for c in cands if c.start == 0 and c.text.endswith("开除党籍处分；"))
    read = _read_on("黄某受到了什么处分？", best, passage, cands, 260, 0.3)
    assert [c.text for c in read] == [best.text, "由省监委给予其开除公职处分；"]
    # Asked something else, the clause stands alone.
    assert _read_on("黄某是在哪一年入党的？", best, passage, cands, 260, 0.3) == [best]


def test_a_sentence_naming_another_province_never_joins_as_a_close_second():
    from kb.answer.extractive import Candidate

    shaanxi = "陕西省委、省政府决定启动突发公共卫生事件一级应急响应。"
    sichuan = "四川省应急委员会宣布自2020年2月26日0时起，将全省应急响应级别由一级响应调整为二级响应。"
    national = "国务院联防联控机制要求各地分区分级调整应急响应级别。"
    hits = [
        hit(shaanxi, 1.0, title="陕西省人民政府关于加强肺炎防控工作的通告", doc="a"),
        hit(sichuan, 0.9, title="关于调整应急响应级别的通告", doc="b"),  # its title names no place
        hit(national, 0.8, title="关于分区分级调整应急响应的通知", doc="c"),
    ]
    qa = answerer([shaanxi, sichuan, national])
    elsewhere = qa._of_another_place("陕西省是哪天把应急响应从一级调整为二级的？", hits, Candidate(0, 0, 10, shaanxi))
    assert elsewhere(Candidate(1, 0, len(sichuan), sichuan))
    assert not elsewhere(Candidate(2, 0, len(national), national))  # a national sentence speaks for every place


def test_a_heading_is_never_an_answer_sentence_of_its_own():
    passage = "党建引领别样红 真心服务为尊崇\n组建退役军人医疗义诊队，服务退役军人及优抚对象2000余人次。"
    qa = answerer([passage])
    a = qa.answer("退役军人医疗义诊队服务了多少人次？", [hit(passage, 0.9, title="党建引领别样红 真心服务为尊崇")])
    assert not a.refused and "2000余人次" in a.text
    assert "党建引领别样红 真心服务为尊崇[" not in a.text


def test_a_headline_ending_in_a_quoted_name_is_no_answer_sentence_but_speech_and_an_authors_note_are():
    # The closing quote made the headline look like a sentence; it led the answer and said nothing of the functions.
    passage = (
        "农业农村部开通“春耕农机线上服务站”\n日前，农业农村部在中国农业机械化信息网等主要专业媒体开通服务站，"
        "积极推行“不见面”技术服务。据介绍，服务站开设了视频课堂、维修保养等栏目，具有四方面功能。"
    )
    qa = answerer([passage, *PASSAGES])
    a = qa.answer("农业农村部开通的“春耕农机线上服务站”有几方面功能？", [hit(passage, 0.9, title="春耕")])
    assert not a.refused and "四方面功能" in a.text
    assert "服务站”[" not in a.text
    assert is_title_line("福建省推出“八闽健康码”")
    assert not is_title_line("他说：“要把服务送到田间地头。”")
    assert not is_title_line("(作者系中共株洲市直属机关工作委员会常务副书记)")


def test_a_question_the_document_asks_is_never_an_answer_sentence():
    # A Q&A notice: its own question echoes ours word for word, but only the next sentence states anything.
    passage = "三、和患者在潜伏期共用洗衣机会感染吗？共用洗衣机传播病毒的可能性极小，大家可以放心。"
    qa = answerer([passage, *PASSAGES])
    a = qa.answer("和患者在潜伏期共用洗衣机会感染吗？", [hit(passage, 0.9, title="防控问答")])
    assert not a.refused and "可能性极小" in a.text
    assert "会感染吗？[" not in a.text


def test_units_offer_sentences_clauses_and_whole_sentences_verbatim():
    spans = units(ARTICLE)
    texts = [ARTICLE[s:e] for s, e in spans]
    assert any(t.startswith("第二十五条") and t.endswith("处分；") for t in texts)
    assert ARTICLE.strip() in texts  # the whole 。-sentence too


FEED_NOTICE = (
    "根据湖北省新型冠状病毒感染肺炎疫情防控指挥部关于保障“菜篮子”产品和农业生产资料正常流通秩序稳定市场供应的最新通知，"
    "湖北将有序放开部分饲料企业和生猪屠宰场复工时间，对已申请复工的饲料企业，由县级以上（含县级）农业农村部门负责审核，"
    "报经同级防控指挥部同意后，允许具备疫情防控和生产条件的饲料企业提前复工。"
)


def test_a_sentence_the_answerer_takes_whole_is_not_cut():
    # Policy prose names the topic, then states the measure. Cut to 120 characters around the question's words
    # (the province at its head, the enterprises in its middle), this sentence lost the measure at its end.
    assert 120 < len(FEED_NOTICE) <= AnswerSettings().max_unit_chars
    question = "湖北省对已申请复工的饲料企业如何答复的？"
    a = answerer([FEED_NOTICE]).answer(question, [hit(FEED_NOTICE, 0.9, title="通知")])
    assert not a.refused
    assert "允许具备疫情防控和生产条件的饲料企业提前复工" in a.text


def test_a_close_second_joins_a_long_first_sentence_while_both_fit():
    # The second passage may be the one holding the evidence: a long first sentence must not turn it away as long
    # as the answer stays within max_chars.
    long = FEED_NOTICE.replace("湖北将有序放开", "湖北省将按照要求有序放开")
    second = "湖北省农业农村厅明确，已申请复工的饲料企业经审核同意后可以提前复工，并做好员工健康监测。"
    cfg = AnswerSettings()
    assert 0.6 * cfg.max_chars <= len(long) <= cfg.max_unit_chars and len(long) + len(second) <= cfg.max_chars
    hits = [hit(long, 0.9, title="通知"), hit(second, 0.85, title="农业农村厅通知", n=1)]
    a = answerer([long, second, "其他事项另行通知。"]).answer("湖北省对已申请复工的饲料企业如何答复的？", hits)
    assert not a.refused
    assert a.text.startswith(long) and f"{second}[2]" in a.text
    assert [c.title for c in a.citations] == ["通知", "农业农村厅通知"]


def test_an_answer_starts_after_a_news_dateline_and_its_quote_stays_verbatim():
    text = "2023-07-31，正文：光明日报北京7月30日电（记者董蓓）国家统计局30日发布数据显示，上半年文化企业营业收入增长7.3%。"
    a = answerer([text, *PASSAGES]).answer("上半年文化企业营业收入增长了多少？", [hit(text, 0.9)])
    assert not a.refused
    assert a.text.startswith("国家统计局30日发布数据显示")
    assert all(c.quote in c.passage for c in a.citations) and "正文" not in a.citations[0].quote


def test_a_sentence_two_passages_state_is_said_once_and_cited_with_both():
    # A notice reprinted by another site: the answer does not repeat it, it cites both.
    same = "个人发生公益捐赠时不能及时取得捐赠票据的，应在捐赠之日起90日内向扣缴义务人补充提供捐赠票据。"
    texts = [f"为支持疫情防控，现就有关事项公告如下。{same}", f"{same}本公告自发布之日起施行。"]
    a = answerer([*texts, *PASSAGES]).answer(
        "拿不到捐赠票据的，多长时间内要补交？", [hit(t, 0.9 - i / 100, n=i) for i, t in enumerate(texts)]
    )
    assert not a.refused
    assert a.text.count("捐赠之日起90日内") == 1 and a.text.endswith("[1][2]")
    assert [c.marker for c in a.citations] == [1, 2] and all(same in c.quote for c in a.citations)


def test_a_reprint_that_also_gives_the_figures_is_quoted_instead_of_the_shorter_sentence():
    # A summary repeats its source's sentence without the price: the fuller one answers, cited with both.
    short = "7月31日，中国四维与屹唐新程签署协议，约定将所持四维图新147843309股股份转让给屹唐新程。"
    full = (
        "7月31日，中国四维与屹唐新程签署协议，约定将所持四维图新147843309股股份转让给屹唐新程，转让价格为14.08元/股。"
    )
    texts = [f"公司收到股东通知。{short}", f"四维图新公告称，{full}"]
    hits = [hit(texts[0], 1.0, n=0), hit(texts[1], 0.6, n=1)]
    a = answerer([*texts, *PASSAGES]).answer("中国四维和屹唐新程签署的协议约定了什么？", hits)
    assert not a.refused
    assert "14.08元/股" in a.text and a.text.count("147843309股") == 1 and a.text.endswith("[1][2]")
    assert all(c.quote in c.passage for c in a.citations)
    # Not when the fuller one drops a figure of the shorter (a reprint that lost 每月1000元's 月 keeps the original).
    from kb.answer.extractive import _fuller

    assert not _fuller("按照每人每1000元的标准发放（市人社局牵头）。", "按照每人每月1000元的标准发放。")
    assert not _fuller("按照每人每500元的标准发放，共2000元。", "按照每人每月1000元的标准发放。")


def test_a_door_number_is_no_date():
    from kb.answer.features import lacks_asked_figure

    q = "门头沟区信访办公室什么时候恢复现场接待？"
    assert lacks_asked_figure("来信地址:北京市门头沟区新桥大街12号;邮政编码:102300。", q)
    assert not lacks_asked_figure("信访办公室自3月12号起恢复现场接待。", q)
    assert not lacks_asked_figure("办公室12号恢复接待。", "哪一天恢复接待？")


def test_a_figure_asked_per_person_or_month_is_answered_only_per_unit():
    from kb.answer.features import per_unit_missing

    q = "湖南省2025年把城乡居民基础养老金最低标准提高到每人每月多少元？"
    assert per_unit_missing("城乡居民基础养老金最低标准再提高20元。", q)
    assert not per_unit_missing("城乡居民基础养老金最低标准提高到每人每月143元。", q)
    assert not per_unit_missing("首次购买的，给予320元/平方米补贴。", "首次购房每平方米能补贴多少钱？")
    assert not per_unit_missing("月人均增加34元。", "每人每月增加多少？")
    # A rate in one word: 日产量 is per day, 单户 per firm; a 单位 (a body) is no unit of a rate.
    assert not per_unit_missing("口罩日产量达到2000万个。", "口罩每天的产量要达到多少？")
    assert not per_unit_missing("单户最高担保金额为1000万元。", "每户最多能担保多少钱？")
    assert per_unit_missing("用人单位补贴1000万元。", "每户最多能补贴多少钱？")
    # A time of day asked every day is the time checks' to judge; a question asking no rate is not judged.
    assert not per_unit_missing("运营时间为7:00-19:00。", "608路公交每天几点到几点运营？")
    assert not per_unit_missing("全年共发放补贴20亿元。", "全年共发放补贴多少？")
    # A rate asked in words (每度电怎么收费) is one too.
    charge = "小区新建的共享充电桩每度电怎么收费？"
    assert per_unit_missing("小区特辟出一块区域，解决180多台新能源汽车的充电问题。", charge)
    assert not per_unit_missing("充电价格为每度电1.2元。", charge)
    # 日均, 年均 ask per day or year: a total does not answer them, 日均 or 每天 does.
    assert per_unit_missing("中老铁路国际旅客列车发送跨境旅客3万人次。", "全国铁路日均发送旅客多少人次？")
    assert not per_unit_missing("全国铁路日均发送旅客1310万人次。", "全国铁路日均发送旅客多少人次？")
    text = "江西省城乡居民基础养老金最低标准再提高20元，惠及全省800万名城乡老年居民。"
    qa = answerer([text, *PASSAGES])
    refused = qa.answer("江西省城乡居民基础养老金最低标准是每人每月多少元？", [hit(text, 0.9)])
    assert refused.refused and refused.reason == "最相关的段落给出的数字不是所问的每人、每户或每月等单位的数。"


def test_another_place_s_sentence_does_not_join_an_answer_about_the_asked_place():
    guangdong = "围绕安全保障，《措施》要求，向全省一线医务工作者捐赠新冠肺炎综合保险保障。"
    shenyang = "为一线医务人员每人办理1份保额为20万元的新冠肺炎综合保险。"
    q = "广东给一线医务人员捐赠的新冠肺炎综合保险，每人保额是多少？"
    hits = [
        hit(guangdong, 0.9, title="广东发文要求做好一线医务人员保障工作"),
        hit(shenyang, 0.85, title="沈阳市人民政府办公室关于印发保障一线医务人员若干措施的通知", n=1, doc="e"),
    ]
    qa = answerer([guangdong, shenyang, *PASSAGES])
    ranked = sorted(qa.decide(q, hits).candidates, key=lambda c: c.hit_rank)  # 广东's first, 沈阳's a close second
    assert "20万元" not in qa.compose(q, hits, ranked).text
    off = ExtractiveAnswerer(AnswerSettings(place_check=False), qa.doc_freq)
    assert "20万元" in off.compose(q, hits, ranked).text


def test_a_lede_lets_in_one_further_sentence_that_says_what_it_does_not():
    # A news lede restates the topic the question names and wins on those words; the asked thing (景区门票) is in a
    # sentence ranked below the usual close-second ratio.
    lede = "据中国政府网31日消息，国务院办公厅转发国家发展改革委关于恢复和扩大消费措施的通知。"
    tickets = "鼓励各地制定实施景区门票减免、淡季免费开放等政策。"
    topic = "打造沉浸式演艺新空间，建设新型文旅消费集聚区。"  # ranked above it, but says only what the lede says
    scenic = "健全旅游基础设施，强化智慧景区建设。"  # says one of the words the lede lacks
    text = lede + "其中提出，丰富文旅消费。" + topic + tickets + scenic  # nothing reads on from the lede
    q = "国务院办公厅转发的恢复和扩大消费措施中，对景区门票提出了哪些鼓励做法？"
    qa = answerer([text, *PASSAGES])

    def ranked(*logits: float, third: str = tickets) -> list[Candidate]:
        return [
            Candidate(0, text.index(s), text.index(s) + len(s), s, {}, logit)
            for s, logit in zip([lede, topic, third], logits)
        ]

    def said(cands: list[Candidate], hits: list[Hit] | None = None, widen: bool = True) -> str:
        return qa.compose(q, hits or [hit(text, 0.9, title="crud_d049")], cands, widen=widen).text

    near = ranked(0.44, -0.3, -0.35)  # p(third) / p(lede) = 0.68: under the usual 0.75, over 0.5
    assert tickets in said(near) and topic not in said(near)
    assert scenic in said(ranked(0.44, -0.3, -0.35, third=scenic))
    assert tickets not in said(near, widen=False)  # what the checks read
    # Ranked lower still, a sentence of the lede's document saying most of what it lacks; not one saying a little.
    assert tickets in said(ranked(0.44, -0.3, -2.5))
    assert scenic not in said(ranked(0.44, -0.3, -2.5, third=scenic))
    # Not the document's opening sentence: the usual ratio.
    later = Hit(chunk=replace(hit(text, 0.9).chunk, ordinal=3), dense=0.9, lexical=1.0, score=0.9)
    assert tickets not in said(near, [later])


def test_what_a_figure_is_of_is_read_from_the_question_not_from_where_it_is_said():
    from kb.answer.features import asked_figures, changed_subject, counted_noun, figure_off_subject

    # 二十大报告里说…: the document the question names is where the change is said, not what changed.
    assert changed_subject("二十大报告里说十年来国内生产总值从多少增长到多少？") == ["生产总值"]
    # 多少人才补贴 asks a sum paid to talent, not a count of people.
    assert "people" not in asked_figures("新聘用的博士研究生给多少人才补贴？")
    assert asked_figures("有多少人参加了培训？") == {"people"}
    # 预约挂号率 counts appointments: 挂号 ends in 号 but names no code.
    registered = "门诊患者预约挂号率达到多少？"
    assert counted_noun(registered) == "挂号"
    assert figure_off_subject("院内心跳骤停患者复苏成功率高于40%。", registered)


def test_a_time_asked_in_a_unit_is_a_count_of_it_and_a_time_asked_after_an_event_may_be_one():
    from kb.answer.features import lacks_asked_figure

    days = "返还资金审核通过后多少个工作日内拨付到企业账户？"
    assert lacks_asked_figure("符合条件的企业可于2020年6月30日前提出申请，返还资金一次性拨付到企业账户。", days)
    assert not lacks_asked_figure("审核通过后5个工作日内拨付到企业账户。", days)
    # On the scale asked: months do not count working days, nor days months.
    approval = "规划审批时间压缩到几个工作日？"
    assert lacks_asked_figure("允许应急处置工作结束六个月内申请补办建设用地审批手续。", approval)
    assert lacks_asked_figure("失业补助金领取3天。", "失业补助金最长能领几个月？")
    assert not lacks_asked_figure("失业补助金最长领取6个月。", "失业补助金最长能领几个月？")
    # 多久 is answered by the day a period ends too.
    assert not lacks_asked_figure("缓缴期限延长至2020年6月30日前。", "社保费最长可以缓缴多久？")
    # 待疫情结束后: a time named by the event it follows answers 什么时候.
    paper = "纸质资料什么时候补报？"
    assert not lacks_asked_figure("纳税人提交电子数据即可申报办理退（免）税事项，待疫情结束后再补报纸质资料。", paper)


def test_a_figure_of_the_opposite_thing_does_not_answer():
    from kb.answer.features import figure_of_opposite

    water = "到2025年城市公共供水普及率要达到多少？"
    assert figure_of_opposite("到2025年全省农村自来水普及率达到96%以上。", water) == ("城市", "农村")
    assert figure_of_opposite("城市公共供水普及率达到99%，农村自来水普及率达到96%。", water) is None
    assert figure_of_opposite("全省城乡供水保障能力持续提升。", water) is None  # no figure: the figure check's
    loan = "绍兴市把住房公积金贷款的最高额度调整到了多少？"
    assert figure_of_opposite("月缴额不得低于最低缴存额，目前最低缴存额为单方209元。", loan) == ("最高", "最低")
    assert figure_of_opposite("农村自来水普及率达到96%。", "农村自来水普及率达到多少？") is None
    # A person's loan is not a firm's, nor a suspected case's cost a confirmed one's.
    ceiling = "住房公积金个人住房贷款的最高额度是多少？"
    assert figure_of_opposite("单位住房公积金贷款最高额度为1000万元。", ceiling) == ("个人", "单位")
    cost = "疑似患者的医疗费用补助多少钱？"
    assert figure_of_opposite("对确诊患者的医疗费用，每人补助1000元。", cost) == ("疑似", "确诊")
    # The opposite scopes a figure standing before it or in its clause, not in a clause after it.
    share = "全省确诊病人的中医治疗覆盖率达到了多少？"
    assert figure_of_opposite("现在全省中医治疗的覆盖率达67%，疑似患者中医参与率更高。", share) is None
    assert figure_of_opposite("疑似患者中，中医治疗的覆盖率达67%。", share) == ("确诊", "疑似")
    # What the question names negated by 非 (非寄宿生 of 寄宿生), and not 非 of 除非.
    boarders = "广西义务教育阶段家庭经济困难寄宿生的生活补助是每生每年多少钱？"
    day_pupils = "将五类学生纳入非寄宿生生活补助范围，按照小学每生每年500元、初中每生每年625元的标准进行发放。"
    found = figure_of_opposite(day_pupils, boarders)
    assert found is not None and found[1] == "非" + found[0] and found[0] in "寄宿生", found
    assert figure_of_opposite(day_pupils, "非寄宿生的生活补助是每生每年多少钱？") is None
    assert figure_of_opposite("寄宿生每生每年补助1000元，非寄宿生每生每年500元。", boarders) is None
    assert figure_of_opposite("除非寄宿生另有规定，每生每年补助1000元。", boarders) is None


def test_a_running_total_as_of_another_day_does_not_answer():
    from kb.answer.features import as_of_another_day

    asked = "截至2月底，江西142家省级重点支持企业中有多少家获得了信贷支持？"
    text = "据统计，截至2月6日，全省银行机构累计提供信贷支持34.47亿元。名录中的142户企业中，有20户已获得信贷支持。"
    assert as_of_another_day(text, asked) == "截至2月6日"  # the second sentence goes on from the first's day
    assert as_of_another_day("截至2月29日，名录中有20户已获得信贷支持。", asked) is None  # the month's end
    assert as_of_another_day("名录中有20户已获得信贷支持。", asked) is None  # no day given: not judged
    # A day written without its month, or with the hour, is the same day.
    assert (
        as_of_another_day("截至17日，浙江共发放“健康码”1498.9万个。", "截至2月17日，浙江一共发放了多少个“健康码”？")
        is None
    )
    assert as_of_another_day("截至2月13日24时，复工率达到57.7%。", "截至2月13日，辽宁复工率达到多少了？") is None


def test_a_total_is_no_change_whatever_words_a_quoted_name_holds():
    from kb.answer.features import increment_missing

    asked = "连云港推行“综合查一次”后，涉企检查次数减少了多少？"
    assert increment_missing("出台“不予行政处罚和从轻减轻行政处罚清单”共包括1954项。", asked)
    assert not increment_missing("涉企检查次数减少了1954次。", asked)


def test_a_document_number_in_small_brackets_is_a_code():
    from kb.answer.features import lacks_asked_figure

    asked = "为基层减负做好疫情防控的通知，文号是多少？"
    assert not lacks_asked_figure("关于切实为基层减负的通知 肺炎机制发﹝2020﹞21号", asked)
    assert lacks_asked_figure("关于切实为基层减负的通知", asked)


def test_a_half_year_or_a_year_named_by_its_place_is_no_length_of_time():
    from kb.answer.features import lacks_asked_figure

    asked = "还不上扶贫小额信贷的贫困户可以延期多久？"
    assert lacks_asked_figure("为确保上半年剩余贫困人口全部达到脱贫标准，省里出台10项措施。", asked)
    assert lacks_asked_figure("比上一年有所增加。", asked)
    assert not lacks_asked_figure("对还款困难的贫困户，可延期半年。", asked)


def test_a_sum_written_in_financial_numerals_is_a_sum():
    from kb.answer.features import lacks_asked_figure

    fine = "物业公司罚了多少钱？"
    assert not lacks_asked_figure("决定对其作出罚款人民币贰仟元的行政处罚。", fine)
    assert not lacks_asked_figure("当事人作出罚款人民币壹万元整。", fine)
    assert lacks_asked_figure("决定对其作出行政处罚。", fine)


def test_a_deadline_written_with_a_variant_character_is_read():
    from tests.conftest import answer_from_passage

    passage = "深圳市人社局允许参保企业和个人延期办理业务，补办手续应在疫情解除後3个月内完成。"
    answer = answer_from_passage("深圳人社局允许延期办理业务，补办手续最晚要在什么时候完成？", passage, "深圳人社")
    assert not answer.refused and "解除後3个月内" in answer.text


def test_a_figure_words_noun_is_what_its_figure_is_of():
    from kb.answer.features import figure_off_subject, measured_noun

    # 金额, 标准: the figure word; 外资, 罚款 before it is what is measured. A verb before it (上调比例) is not.
    assert measured_noun("2024年我国实际使用外资金额是多少亿美元？") == "外资"
    assert measured_noun("夜间施工噪声扰民的罚款标准是多少？") == "罚款"
    assert measured_noun("2023年退休人员基本养老金全国总体上调比例是多少？") is None
    # After a bare 多少 naming the figure's kind the thing counted is the noun (资金 of a sum); a measure its unit
    # states is not (面积: 5.6万亩), and asking any number (多少执勤力量) a date's would do.
    assert measured_noun("湖南省对评为标准化示范养老机构的单位给予多少奖补资金？") == "资金"
    assert measured_noun("聊城首届新青年音乐节现场部署了多少执勤力量？") is None
    assert measured_noun("政策性农业保险接到了多少报损面积？") is None
    assert measured_noun("电梯困人后维保人员必须在多少分钟内到达现场？") is None
    # 超过多少的列车: a clause after 的 says which trains, it names no thing counted (售票).
    assert measured_noun("长三角铁路返岗复工期间，客座率超过多少的列车要控制售票？") is None
    question = "2024年我国实际使用外资金额是多少亿美元？"
    assert figure_off_subject("2024年货物贸易进出口总额43.8万亿元。", question)
    assert not figure_off_subject("全年实际使用外资8262.5亿元。", question)


def test_a_sum_asked_right_after_a_noun_is_that_noun_s():
    from kb.answer.features import figure_off_subject, figure_subject

    # 门票多少钱, 罚款多少元: no verb between, the noun is what the sum is of; not a unit it is counted by (每艘渔船,
    # 每月补贴), nor a verb jieba takes for a noun (能领).
    question = "2023世界机器人大会的门票多少钱？"
    assert figure_subject(question) == "门票"
    assert figure_subject("违规放飞无人机会被罚款多少元？") == "罚款"
    assert figure_subject("具体标准是每艘渔船多少钱？") is None and figure_subject("每车每月补贴多少钱？") is None
    assert figure_subject("育儿补贴一个孩子一年能领多少钱？") is None
    assert figure_off_subject("2022年，我国机器人全行业营业收入超过1700亿元。", question)
    assert not figure_off_subject("大会门票每张100元。", question)


def test_both_ends_of_a_change_asked_are_given_only_from_one_figure_to_another():
    from kb.answer.features import range_missing

    question = "7天逆回购利率从多少下调至多少？"
    assert range_missing("7天逆回购利率下调10个基点。", question)
    assert not range_missing("7天逆回购利率从1.9%下调至1.8%。", question)
    assert not range_missing("国内生产总值从五十四万亿元增长到一百一十四万亿元。", "国内生产总值从多少增长到多少？")
    assert not range_missing("下调10个基点。", "7天逆回购利率下调了多少？")
    # Asked with 了 (增长到了多少), the range is asked all the same: a level alone (人均国内生产总值迈上新的大台阶) is no answer.
    gdp = "二十大报告回顾过去十年，我国国内生产总值从多少增长到了多少？"
    assert range_missing("人均国内生产总值迈上新的大台阶，达到中等发达国家水平。", gdp)
    assert not range_missing("国内生产总值从五十四万亿元增长到一百一十四万亿元。", gdp)


def test_the_size_of_a_change_asked_is_not_answered_by_a_total_or_a_level():
    from kb.answer.features import increment_missing

    question = "北京2024年计划新增多少公里轨道交通运营里程？"
    total = "强化交通综合治理，地铁16号线全线贯通、17号线北段开通，轨道交通运营总里程超过1200公里。"
    assert increment_missing(total, question)
    assert not increment_missing("今年将新增轨道交通运营里程30公里。", question)
    assert not increment_missing("城乡居民基础养老金最低标准比上年多20元。", "基础养老金最低标准提高了多少？")
    # 提高到多少 asks the level reached; a text with no figure is the quantity check's to judge.
    assert not increment_missing("人均预期寿命达到78.6岁。", "人均预期寿命提高到多少岁？")
    assert not increment_missing("轨道交通建设稳步推进。", question)
    qa = answerer([total, *PASSAGES])
    asked = "北京计划新增多少公里轨道交通运营里程？"
    refused = qa.answer(asked, [hit(total, 0.9, title="北京市人民政府工作报告")])
    assert refused.refused and refused.reason == "最相关的段落给出的是总数或达到的水平，不是所问的增减了多少。"
