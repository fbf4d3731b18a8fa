"""A law, rule or congress report a question names without 《》 is answered only from documents that are it or
mention it (kb/answer/named_document.py)."""

from __future__ import annotations

from kb.answer.named_document import missing_law, named_laws

SUPERVISION = ("中华人民共和国监察法", "第四十八条 留置时间不得超过三个月。")
SANCTIONS = ("中华人民共和国公职人员政务处分法", "第七条 政务处分的种类为：警告、记过、记大过、降级、撤职、开除。")
REPORT_19 = (
    "决胜全面建成小康社会 夺取新时代中国特色社会主义伟大胜利",
    "——在中国共产党第十九次全国代表大会上的报告\n\n同志们：现在，我代表第十八届中央委员会向大会作报告。",
)


def test_the_names_a_question_gives_a_law():
    assert named_laws("中国共产党纪律处分条例规定了哪几种处分？") == (("中国共产党纪律处分条例", "纪律处分条例"),)
    assert named_laws("十九届六中全会决议对党的百年奋斗有什么总结？")[0][0] == "十九届六中全会决议"
    assert named_laws("请问民法典对居住权怎么规定？") == (("民法典",),)
    assert ("宪法" in named_laws("按现行宪法，公民年满多少岁可以当选国家主席？")[0]) is True
    assert named_laws("党的十八大报告提出了哪些要求？")[0] == ("十八大报告",)
    # Ways and lawfulness are no laws; a 《title》 is the key-term veto's.
    for plain in (
        "有什么好办法吗？",
        "依法办事有哪些要求？",
        "违法行为怎么处理？",
        "车辆因为疫情暂时没法审验的，年审能延后多久？",
        "《中华人民共和国监察法》规定了什么？",
    ):
        assert named_laws(plain) == ()


def test_a_law_is_there_by_its_title_its_fuller_title_or_a_mention():
    assert missing_law("监察法规定的留置时间是多久？", [SUPERVISION]) is None
    assert missing_law("政务处分法规定的处分种类有哪些？", [SANCTIONS]) is None  # 公职人员政务处分法, fuller
    assert missing_law("监察法实施条例规定的留置时间是多久？", [SUPERVISION, SANCTIONS]) == "监察法实施条例"
    assert missing_law("中国共产党纪律处分条例规定了哪几种处分？", [SANCTIONS]) == "中国共产党纪律处分条例"
    # A document quoting the law by name speaks of it.
    quoting = ("关于做好疫情防控工作的通知", "依照民法典的规定，居住权不得转让、继承。")
    assert missing_law("民法典对居住权是如何规定的？", [SUPERVISION, quoting]) is None
    assert missing_law("民法典对居住权是如何规定的？", [SUPERVISION]) == "民法典"
    assert missing_law("留置时间是多久？", [SANCTIONS]) is None  # no law named


def test_a_congress_report_is_there_by_the_number_under_its_theme():
    assert missing_law("十九大报告对社会主要矛盾作出了怎样的新判断？", [REPORT_19]) is None
    assert missing_law("党的十八大报告对全面建成小康社会提出了哪些要求？", [REPORT_19]) == "十八大报告"
    assert missing_law("二十大报告提出了什么？", [REPORT_19, SUPERVISION]) == "二十大报告"
    assert missing_law("十九大报告提出了什么？", [("党的十九大报告全文", "同志们：")]) is None  # titled by its name
    # A report titled by its theme alone may be the one asked; only another congress's report says it is missing.
    themed = ("决胜全面建成小康社会 夺取新时代中国特色社会主义伟大胜利", "综合分析国际国内形势和我国发展条件。")
    assert missing_law("十九大报告提出了什么？", [themed, SUPERVISION]) is None
    assert missing_law("十九大报告提出了什么？", [("中华人民共和国监察法", "第一条")]) is None  # no report: the gate's
