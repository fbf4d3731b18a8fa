"""An answer citing only another place's documents is no answer to a question about this place
(kb/answer/place_check.py)."""

from __future__ import annotations

from kb.answer.place_check import (
    another_place,
    asks_place,
    gives_place,
    of_another_place,
    question_places,
    sentences_of_another_place,
)
from tests.conftest import answer_from_passage

FEES = "自治区药监局对疫情防控所需医疗器械产品注册费实行零收费，执行期限为2020年1月1日至2020年6月30日。"


def test_the_places_a_question_asks_about():
    assert question_places("云南省对医疗器械注册费是否实行零收费？") == ["云南省"]
    # Regions written without 自治区 or 特别行政区.
    assert question_places("内蒙古对中小企业的贷款利率有什么变化？") == ["内蒙古"]
    assert question_places("西藏对小微企业有哪些税收优惠？") == ["西藏"]
    # A place written right before another is the wider one: the district's documents need not name the city.
    assert question_places("北京密云区图书馆下辖有多少个镇街分馆？") == ["密云"]
    assert question_places("四川省血液中心向湖北支援了多少毫升血液？") == ["四川省", "湖北"]
    # jieba takes some county-level cities for names (巩义/nr): right after a province, one is still a place.
    assert question_places("河南巩义推出“一次挂号管三天”的是哪两家医院？") == ["巩义"]
    # A common noun is no place, whatever place names end in it (农业县).
    assert question_places("浙江农业转移人口市民化实施方案提出，到2027年常住人口城镇化率要达到多少？") == ["浙江"]
    # A body named whole (one word to jieba) asks about its place, as a document's issuer names its own.
    assert question_places("合肥市公安局在疫情防控期间的行政复议咨询电话是多少？") == ["合肥市"]
    # So does a port or an airport jieba tags as a place whole (青岛港): 大连港's throughput is not its.
    assert question_places("青岛港今年上半年完成集装箱吞吐量多少万标箱？") == ["青岛"]
    assert question_places("北京首都机场疫情期间有哪些航班调整？") == ["北京"]
    dalian = [("大连市推动国际航运中心建设", "", "上半年，大连港完成集装箱吞吐量230.5万标箱。", "大连港…")]
    assert another_place(question_places("青岛港上半年完成集装箱吞吐量多少万标箱？"), dalian) == ("青岛", "大连市")
    assert another_place(question_places("大连港上半年完成集装箱吞吐量多少万标箱？"), dalian) is None
    assert question_places("国务院办公厅的通知提出了哪些要求？") == []
    # A place inside a quoted title names the document, not the place asked about.
    assert question_places("《广东省保障企业复工复产工作指引》提出了哪些要求？") == []


def test_another_place_s_notice():
    guangxi = ("广西免收疫情防控所需药品医疗器械注册费", "", FEES, FEES)
    assert another_place(question_places("云南省对医疗器械注册费是否实行零收费？"), [guangxi]) == ("云南省", "广西")
    assert another_place(question_places("广西对医疗器械注册费是否实行零收费？"), [guangxi]) is None
    # The text naming the asked place is enough (a notice of one province on aid to another).
    told = ("广西免收注册费", "", FEES, FEES + "对支援云南省的企业同样适用。")
    assert another_place(question_places("云南省对医疗器械注册费是否实行零收费？"), [told]) is None
    assert another_place(question_places("医疗器械注册费是否实行零收费？"), [guangxi]) is None


def test_a_district_named_after_its_city_is_named_with_the_city_s_suffix_too():
    # jieba keeps 苏州高新区 one word; the province's news writes 苏州市高新区.
    jiangsu = (
        "江苏台商台企积极助力抗击疫情",
        "",
        "苏州市高新区台协会29日发出倡议书。",
        "苏州市高新区台协会29日发出倡议书。",
    )
    asked = question_places("苏州高新区台协会会长带头捐了多少医用口罩？")
    assert asked == ["苏州高新区"]
    assert another_place(asked, [jiangsu]) is None
    assert another_place(question_places("无锡市台协会会长带头捐了多少医用口罩？"), [jiangsu]) == ("无锡市", "江苏")


def test_a_national_document_speaks_for_every_place():
    national = ("国家药监局关于疫情防控所需医疗器械注册费的公告", "公告 · 国家药品监督管理局", FEES, FEES)
    assert another_place(question_places("云南省对医疗器械注册费是否实行零收费？"), [national]) is None
    guangxi = ("广西免收疫情防控所需药品医疗器械注册费", "", FEES, FEES)
    assert another_place(question_places("云南省对医疗器械注册费是否实行零收费？"), [guangxi, national]) is None


def test_a_document_without_a_title_is_judged_by_its_passage_not_its_dateline():
    hangzhou = "杭州：8月18日起，市区出租车将收取1元燃油附加费。"
    asked = "南京市区出租车从哪天开始收取燃油附加费？"
    assert another_place(question_places(asked), [("crud_d218", "", hangzhou, hangzhou)]) == ("南京市", "杭州")
    wire = "新华社北京2月15日电 财政部预拨第二批疫情防控补助资金80亿元。"
    assert another_place(question_places("财政部为武汉预拨了多少补助资金？"), [("crud_d001", "", wire, wire)]) is None


def test_a_title_naming_no_place_is_its_issuer_s():
    # A city paper's article, and a report whose place is inside its issuer's name (北京市人民政府 is one word).
    article = ("坚持以党建引领生态", "报刊文章 · 中共株洲市直属机关工作委员会", "市区优良天数达到124天。", "")
    assert another_place(question_places("湘潭市区优良天数是多少天？"), [article]) == ("湘潭市", "株洲市")
    report = ("北京市人民政府工作报告", "报告 · 北京市人民政府", "新建养老护理床位6232张。", "")
    assert another_place(question_places("上海市新建了多少张养老护理床位？"), [report]) == ("上海市", "北京市")
    national = ("政府工作报告", "报告 · 国务院", "城乡居民基础养老金最低标准再提高20元。", "")
    assert another_place(question_places("湖南省城乡居民基础养老金最低标准是多少？"), [national]) is None


def test_one_document_of_another_place():
    asked = question_places("湖北为一线医务人员办理的人身意外保险每人保额是多少？")
    shenyang = ("沈阳市人民政府办公室关于印发保障一线医务人员若干措施的通知", "通知", "援助湖北医疗队……")
    assert of_another_place(asked, *shenyang, "为一线医务人员每人办理1份保额为20万元的人身意外保险。")
    # A sentence naming the asked place, a national document, or a question naming none: not another place's.
    assert not of_another_place(asked, *shenyang, "对援助湖北医疗队队员每人办理1份保险。")
    assert not of_another_place(asked, "关于保障一线医务人员的若干措施", "规范性文件", "", "为一线医务人员办理保险。")
    assert not of_another_place([], *shenyang, "为一线医务人员每人办理1份保险。")
    # The document's own place is the asked one, though only its issuer names it.
    article = ("坚持以党建引领生态", "报刊文章 · 中共株洲市直属机关工作委员会", "")
    assert not of_another_place(question_places("株洲市区优良天数是多少天？"), *article, "市区优良天数达到124天。")


def test_sentences_that_each_name_another_place_of_the_asked_kind():
    asked = question_places("广州地铁乘客扫码实名登记乘车是从哪天开始实施的？")
    zhengzhou = "2月19日起，郑州地铁实行“一站一码”乘客实名登记乘车。"
    assert sentences_of_another_place(asked, [zhengzhou]) == "郑州"
    assert sentences_of_another_place(asked, [zhengzhou, "广州地铁2月20日起实行实名登记乘车。"]) is None
    # A sentence naming no place of that kind (乘客可扫码进站) is not judged, nor is a question naming none.
    assert sentences_of_another_place(asked, [zhengzhou, "乘客可通过手机扫码进站乘车。"]) is None
    assert sentences_of_another_place([], [zhengzhou]) is None


def test_the_answerer_refuses_sentences_of_another_place():
    text = "2月19日起，郑州地铁实行“一站一码”乘客实名登记乘车，乘客扫码进站乘车。"
    title = "广州、郑州等地地铁实名登记乘车"
    question = "广州地铁乘客扫码实名登记乘车是从哪天开始实施的？"
    a = answer_from_passage(question, text, title)
    assert a.refused and a.reason == "最相关的段落说的是郑州的情况，不是所问的广州。"
    assert not answer_from_passage(question.replace("广州", "郑州"), text, title).refused


def test_a_place_asked_is_answered_by_a_place_the_question_does_not_name():
    assert asks_place("台风“杜苏芮”是在哪里登陆的？") == ""
    assert asks_place("特斯拉在中国建立的数据中心设在哪个城市？") == "城市"
    assert asks_place("聊城首届新青年音乐节在哪个场馆举办？") == "场馆"
    # 到哪里办理 asks an office, 哪个部门 a body: neither is a place.
    assert asks_place("出入证丢失了要到哪里补办？") is None
    assert asks_place("退费应向哪个部门办理？") is None
    q = "“粤康码”服务最先在广东哪个市试点？"
    assert gives_place("“粤省事”推出了“粤康码”服务，并在汕尾市率先试点。", q, "市")
    assert not gives_place("广东“粤省事”推出了“粤康码”服务，方便群众出行。", q, "市")
    venue = "聊城首届新青年音乐节在哪个场馆举办？"
    assert gives_place("音乐节将在聊城市体育中心举办。", venue, "场馆")
    assert not gives_place("聊城市政府新闻办公室召开新闻发布会，介绍音乐节筹备情况。", venue, "场馆")
    # The event held somewhere in its own words; a rank asked is answered only beside it.
    held = "澳门特区政府计划在哪里举行公众咨询会？"
    assert gives_place("其间，澳门特区政府将在中国与葡语国家商贸合作服务平台综合体举行3场公众咨询会。", held, "")
    # Where an event took place only in a sentence naming it: the provinces a briefing on the typhoon spoke to are not
    # where it landed.
    landed = "台风“杜苏芮”是在哪里登陆的？"
    briefing = (
        "会商研判台风“杜苏芮”发展态势，视频连线福建、广东等省份防指。台风“杜苏芮”具有登陆强度大等不利因素，"
        "西南地区降雨持续。"
    )
    assert not gives_place(briefing, landed, "")
    assert gives_place("7月28日，台风“杜苏芮”登陆福建晋江沿海。", landed, "")
    county = "台风“杜苏芮”是在福建哪个县市登陆的？"  # the event after the kind asked
    assert not gives_place(briefing, county, "县市") and gives_place("台风在福建晋江市沿海登陆。", county, "县市")
    assert gives_place("2023世界机器人大会8月16日在北京举行。", "2023世界机器人大会在哪里举办？", "")
    ranked = "株洲新增企业居全省第二，那全省第一是哪个市州？"
    assert not gives_place("株洲新增“四上”企业209家，居全省第二，增速快于长沙市。", ranked, "市州")
    assert gives_place("长沙市新增“四上”企业312家，居全省第一。", ranked, "市州")


def test_the_answerer_refuses_a_place_asked_that_no_sentence_names():
    passage = (
        "特斯拉还称，公司已在中国建立数据中心，以实现数据存储的本地化。所有在中国大陆销售车辆所产生的数据都存储在境内。"
    )
    q = "特斯拉在中国建立的数据中心设在哪个城市？"
    refused = answer_from_passage(q, passage, "特斯拉回应数据安全")
    assert refused.refused and refused.reason == "最相关的段落没有给出所问的地点。", refused.text
    named = "特斯拉还称，公司已在中国建立数据中心，设在上海超级工厂所在的临港新片区。"
    assert not answer_from_passage(q, named, "特斯拉回应数据安全").refused
