"""Document routing: the everyday names of documents, and which documents a question names."""

from kb.answer.routing import Router, names_for
from kb.store.document_number import document_numbers

# (doc_id, title, author, affiliation, date, source, opening text) as the corpus documents are ingested.
DOCS = [
    (
        "d20",
        "高举中国特色社会主义伟大旗帜 为全面建设社会主义现代化国家而团结奋斗",
        "习近平",
        "",
        "2022年10月16日",
        "ershida_baogao_2022.txt",
        "高举中国特色社会主义伟大旗帜\n——在中国共产党第二十次全国代表大会上的报告\n习近平",
    ),
    ("d19", "党的十九大报告全文", "", "", "2017年", "shijiuda_baogao_2017.docx", "决胜全面建成小康社会"),
    ("g24", "政府工作报告", "李强", "", "2024年3月5日", "gwr_2024_guowuyuan.txt", ""),
    ("g25", "政府工作报告", "", "", "2025年", "gwr_2025_guowuyuan.txt", ""),
    ("bj24", "北京市人民政府工作报告", "", "", "2024年", "beijing_gwr_2024.pdf", ""),
    ("xf", "中华人民共和国宪法", "", "", "2018年修正", "xianfa_2018.md", ""),
    ("gwy", "中华人民共和国公务员法", "", "", "2018年修订", "gongwuyuanfa_2018.md", ""),
    ("dz", "中国共产党章程", "", "", "2017年10月24日通过", "dangzhang_2017.txt", ""),
    ("tz", "通知", "", "", "", "ncp_1.txt", ""),
]


def test_names_drop_the_state_prefix_and_shorten_congress_reports():
    assert "公务员法" in names_for("中华人民共和国公务员法")
    assert "二十大报告" in names_for("在中国共产党第二十次全国代表大会上的报告")
    assert "二十大报告" in names_for("高举旗帜", head="——在中国共产党第二十次全国代表大会上的报告")
    assert "十九大报告" in names_for("党的十九大报告全文")
    assert "二十大报告" in names_for("高举旗帜", head="——在中国共产党第二十次全国代表大会上的报告")
    assert "十九大报告" in names_for("党的十九大报告全文")
    assert "党章" in names_for("中国共产党章程")
    assert "2024年政府工作报告" in names_for("政府工作报告", date="2024年3月5日")
    assert "北京市政府工作报告" in names_for("北京市人民政府工作报告", date="2024年")


def test_a_law_is_also_named_without_the_nouns_that_open_it():
    # As officials write them: 政务处分法, 纪律处分条例.
    assert "政务处分法" in names_for("中华人民共和国公职人员政务处分法")
    assert "纪律处分条例" in names_for("中国共产党纪律处分条例")
    # Not to a name several laws share (处分法, 处分条例), nor past a word that is not a noun or past a place: the
    # 监察法 of 监察法实施条例, the city of 北京市物业管理条例 stay.
    assert not {"处分法", "处分条例"} & (
        names_for("中华人民共和国公职人员政务处分法") | names_for("行政机关公务员处分条例")
    )
    assert names_for("中华人民共和国监察法实施条例") == {"中华人民共和国监察法实施条例", "监察法实施条例"}
    assert names_for("北京市物业管理条例") == {"北京市物业管理条例"}
    # Only laws and regulations: a notice's title is not cut.
    assert names_for("关于进一步做好企业复工复产工作的通知") == {"关于进一步做好企业复工复产工作的通知"}
    r = Router([*DOCS, ("zw", "中华人民共和国公职人员政务处分法", "", "", "2020年", "zhengwu_chufenfa_2020.md", "")])
    assert r.route("政务处分法是从哪一天开始施行的？") == ["zw"]


def test_document_numbers_are_read_in_any_brackets_without_the_words_before_them():
    assert document_numbers("按财社〔2020〕2号文，直接接触待排查病例的医务人员") == [("财社", "2020", "2")]
    assert document_numbers("按照人社部发[2020]11号文件") == [("人社部发", "2020", "11")]
    assert document_numbers("关于…的通知（人社厅明电（2020）8号）") == [("人社厅明电", "2020", "8")]
    assert document_numbers("浙经信〔2020〕12号") == [("浙经信", "2020", "12")]
    assert document_numbers("税务总局还发布了[2020]6号") == []  # no code left: not a number read


def test_a_question_quoting_a_documents_own_number_is_routed_to_it():
    numbers = {"cs": "财社〔2020〕2号", "cb": "川办发〔2020〕10号", "cz": "财办〔2020〕7号"}
    r = Router(DOCS, numbers)
    assert r.route("按财社[2020]2号文，医务人员每人每天补助多少？") == ["cs"]
    # A place or body written before the code is who issued it.
    assert r.route("四川川办发〔2020〕10号文件规定企业最长可以延期缴纳多久？") == ["cb"]
    assert r.route("财政部财办〔2020〕7号文对转移支付资金有什么要求？") == ["cz"]
    # Another serial, another year or another issuer's code is another document: not routed.
    assert r.route("财社〔2020〕3号规定了什么？") is None
    assert r.route("浙办发〔2020〕10号规定了什么？") is None
    assert r.route("办发〔2020〕10号规定了什么？") is None
    # Only among the documents searched.
    assert r.route("按财社〔2020〕2号文，补助多少？", among=["cb", "xf"]) is None


def test_a_question_naming_a_document_is_routed_to_it():
    r = Router(DOCS)
    assert r.route("二十大报告提出的中心任务是什么？") == ["d20"]
    assert r.route("党的十九大报告对新时代的判断是什么？") == ["d19"]
    assert r.route("公务员法规定的公务员义务有哪些？") == ["gwy"]
    assert r.route("宪法第一条是怎么规定的？") == ["xf"]
    assert r.route("北京市政府工作报告提出的地区生产总值目标是多少？") == ["bj24"]


def test_a_year_picks_among_sibling_reports():
    r = Router(DOCS)
    assert r.route("2025年政府工作报告提出的经济增长目标是多少？") == ["g25"]
    assert set(r.route("政府工作报告提出的经济增长目标是多少？")) == {"g24", "g25", "bj24"}


def test_a_question_naming_no_document_or_only_a_kind_is_not_routed():
    r = Router(DOCS)
    assert r.route("党员的预备期是多长时间？") is None
    assert r.route("这份通知是什么时候发布的？") is None  # a two-character title names a kind, not a document


def test_a_dated_report_of_a_year_the_knowledge_base_lacks_routes_to_no_document():
    r = Router(DOCS)
    assert r.route("2026年政府工作报告提出的国内生产总值增长目标是多少？") == []
    assert r.route("2023年政府工作报告提出的目标是什么？") == []  # the 2024 report reviews 2023 but is not its report


def test_a_place_before_a_name_must_be_the_documents_issuer():
    r = Router(DOCS)
    # Another city's report is not in the knowledge base: no document answers, not the State Council's of 2024.
    assert r.route("深圳市2024年政府工作报告提出的地区生产总值增长目标是多少？") == []
    assert r.route("请问上海市政府工作报告提出了哪些目标？") == []
    # The issuer's own report, with or without its place, is still found.
    assert r.route("北京市2024年政府工作报告提出的地区生产总值目标是多少？") == ["bj24"]
    assert "g24" in r.route("2024年政府工作报告提出的经济增长目标是多少？")
    # 全国 is no named place.
    assert "g24" in r.route("全国2024年政府工作报告提出的经济增长目标是多少？")


def test_a_place_before_a_documents_own_title_only_says_who_issued_it():
    docs = [*DOCS, ("tx", "关于加强疫情防控期间食堂管理的工作提醒", "", "", "", "ncp_2.txt", "")]
    assert Router(docs).route("重庆市大渡口区《关于加强疫情防控期间食堂管理的工作提醒》的目的是什么？") == ["tx"]


def test_a_place_written_without_its_suffix_is_still_the_issuer():
    r = Router(DOCS)
    # People write 上海, 北京 without 市: Shanghai's report is not here, Beijing's is.
    assert r.route("上海2024年政府工作报告里，全年计划建设筹集保障性租赁住房多少套？") == []
    assert r.route("北京2024年政府工作报告里，国际组织机构增加到了多少家？") == ["bj24"]
    # 国务院, 中国, 我国 name the national report, not a city's.
    assert r.route("中国2024年政府工作报告提出的经济增长目标是多少？") == ["g24"]
    assert r.route("我国2024年政府工作报告提出的经济增长目标是多少？") == ["g24"]
    assert r.route("2024年国务院政府工作报告把赤字率定在多少？") == ["g24"]


def test_among_the_chosen_documents_the_others_are_as_if_absent():
    r = Router(DOCS)
    q = "2024年政府工作报告提出的经济增长目标是多少？"
    assert r.route(q, among=["g24", "xf"]) == ["g24"]
    # Only the 2025 report is chosen: the 2024 report is not there to answer, and the 2025 one does not.
    assert r.route(q, among=["g25", "xf"]) == []
    # A name no chosen document goes by routes nowhere: the chosen documents are searched.
    assert r.route("宪法第一条是怎么规定的？", among=["g24", "g25"]) is None


def test_a_title_that_is_only_its_issuers_name_names_no_document():
    # A notice saved under its issuer's name: questions name the body for anything it decided.
    assert names_for("人力资源社会保障部") == set()
    assert names_for("国家税务总局辽宁省税务局") == set()
    assert Router([("hr", "人力资源社会保障部", "", "", "", "ncp_2.txt", "")]).route("人力资源社会保障部的通知") is None
    # A headline ending in a body's name says what happened: it stays a name.
    assert "广西应对疫情加紧建设自治区级定点收治医院" in names_for("广西应对疫情加紧建设自治区级定点收治医院")


def test_a_question_confined_to_the_document_it_names_is_searched_without_the_name():
    r = Router(DOCS)
    assert r.unnamed("二十大报告里说我们党有多少名党员？", ["d20"]) == "里说我们党有多少名党员？"
    assert r.unnamed("《中华人民共和国宪法》第一条是怎么规定的？", ["xf"]) == "第一条是怎么规定的？"
    assert r.unnamed("2025年政府工作报告提出的经济增长目标是多少？", ["g25"]) == "提出的经济增长目标是多少？"


def test_the_name_stays_when_the_search_is_wider_or_too_little_is_left():
    r = Router(DOCS)
    q = "二十大报告里说我们党有多少名党员？"
    assert r.unnamed(q, None) == q  # not confined to a document
    assert r.unnamed(q, ["d20", "d19"]) == q  # the other document does not go by that name
    assert r.unnamed("二十大报告讲了什么？", ["d20"]) == "二十大报告讲了什么？"


def test_a_quoted_full_title_stays_for_the_answerer():
    # A news notice's title says what the question is about; only short names are cut for the answerer.
    r = Router([("n", "山西省人社厅推行服务事项不见面网上办", "", "", "", "ncp_3.txt", "")])
    q = "山西省人社厅推行服务事项不见面网上办，涵盖了哪些方面？"
    assert r.unnamed(q, ["n"]) == "，涵盖了哪些方面？"
    assert r.unnamed(q, ["n"], titles=False) == q
    assert (
        Router(DOCS).unnamed("党章规定党员的预备期是多长时间？", ["dz"], titles=False) == "规定党员的预备期是多长时间？"
    )


def test_a_name_the_documents_own_text_uses_is_what_is_asked_about_and_stays():
    # The Zhuzhou page is saved as 动力党建合力攻坚 and writes of the 动力党建·合力攻坚 project throughout.
    docs = [("zz", "动力党建合力攻坚", "", "", "", "zhuzhou.txt", ""), *DOCS]
    q = "动力党建·合力攻坚工程是谁提出的？"
    page = "标题块" * 70 + "今年,市直机关工委提出在市直机关开展“动力党建·合力攻坚”工程。"
    assert Router(docs).unnamed(q, ["zz"], text_of=lambda _: page) == q
    other = "动力党建合力攻坚\n" + "别的内容" * 60  # the name only in the title block
    assert Router(docs).unnamed(q, ["zz"], text_of=lambda _: other) == "工程是谁提出的？"
