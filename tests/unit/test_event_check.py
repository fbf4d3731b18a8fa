"""A when-question is answered only by a date in a sentence naming the event it asks about
(kb/answer/features.py `asked_event`, `dates_event`, `date_off_event`)."""

from __future__ import annotations

from kb.answer.features import asked_event, date_off_event, dates_event


def test_the_event_is_the_verb_after_the_when_or_else_before_it():
    assert asked_event("杭州第19届亚运会是哪一天开幕的？") == ["开幕"]
    assert asked_event("泰州海陵区餐饮单位的堂食什么时候可以恢复？") == ["恢复"]
    # Not the verbs naming what the event is of, nor those saying how the date is asked (开始, 截止).
    assert asked_event("发改委修订的电力需求侧管理办法从什么时候开始施行？") == ["施行"]
    assert asked_event("绍兴市中小学正式返校的具体日期是哪天？") == ["返校"]
    # Nor a verb in a body's name (防控 of 疫情防控指挥部); a verb naming the event asked stays (坍塌 of 坍塌事故).
    assert asked_event("广西疫情防控指挥部第1号令规定的野生动物交易禁令从哪天开始，持续到什么时候？") == []
    assert asked_event("齐齐哈尔第三十四中学体育馆坍塌事故发生在哪一天？") == ["坍塌", "发生"]
    # A verb saying only that something took place (举行, 召开) names no event: the thing held does, the noun the
    # clause ends in before the ask (开幕式, not the 誓师大会 held in the city the same day).
    ceremony = "杭州第19届亚运会的开幕式是在哪一天举行的？"
    assert asked_event(ceremony) == ["开幕式"]
    rally = "8日，浙江省市场监督管理局联合举行杭州第19届亚运会特种设备安全运行保障誓师大会。"
    assert date_off_event(rally, ceremony) == "开幕式"
    assert date_off_event("杭州第19届亚运会开幕式于9月23日晚举行。", ceremony) is None
    assert asked_event("2020年全国普通高考推迟到哪一天举行？") == ["举行"]  # no noun ends the clause before it
    # No date asked, or no event named: nothing to judge.
    assert asked_event("亚运会在哪个城市开幕？") == []
    assert asked_event("这是从哪天开始的？") == []
    # Before the ask, a rule's taking effect in the head the last 的 leaves (执行期), not the verbs of what the rule is
    # for (支持, 发展), nor a word of a title (《…实施细则》).
    assert asked_event("南通支持外贸企业稳定发展的十二条政策意见执行期到什么时候？") == ["执行"]
    assert "实施" not in asked_event("长江委《水资源调度管理实施细则》是哪一天印发的？")
    # An event jieba tags a noun, ending the clause: 入党, 公告.
    assert asked_event("甘肃省公安厅新任副厅长唐生是哪一年入党的？") == ["入党"]
    assert asked_event("专项审计的结果，计划什么时候向社会公告？") == ["公告"]
    # Before the ask, the head after the last 的 names the event, not what it belongs to: the 笔试 of a 招录, whose
    # 报名时间 answers nothing about the test.
    test = "2023年国家综合性消防救援队伍消防员招录的笔试和体能测试安排在什么时间？"
    assert "招录" not in asked_event(test) and "测试" in asked_event(test)
    assert date_off_event("招录报名时间为7月20日至8月10日，招录对象包括社会青年。", test)
    joined = "唐生是哪一年入党的？"
    assert date_off_event("公开履历显示，唐生，1969年6月出生，1992年7月参加工作。", joined) == "入党"
    assert date_off_event("唐生，1969年6月出生，1995年6月入党。", joined) is None
    # A rule's taking effect is the event asked, not the verbs naming what it rules (申请, 认定).
    effect = "四川省申请法律援助经济困难公民认定办法正式施行的日期是哪天？"
    draft = "司法厅就《四川省申请法律援助经济困难公民认定办法（征求意见稿）》征求意见，时间截至9月13日。"
    assert date_off_event(draft, effect) == "施行"
    assert date_off_event("《认定办法》自2023年10月1日起施行。", effect) is None
    # A plan's name (实施方案) says nothing of a rule taking effect.
    water = "《黑龙江省水污染防治条例》从哪天开始施行？"
    adopted = "7月31日，省政府常务会议原则通过《水污染防治条例（草案）》《关于推进基本养老服务体系建设的实施方案》。"
    assert date_off_event(adopted, water) == "施行"
    # Taking up a post is written 任 after its date in a career line.
    post = "汲斌昌是什么时候出任山东省副省长的？"
    assert date_off_event("汲斌昌，1963年3月生，2020年6月任山东省副省长。", post) is None
    assert date_off_event("汲斌昌，1963年3月生，曾任青岛市副市长。", post) == "出任"


def test_a_date_answers_only_beside_its_event():
    resume = "海陵区政府采购平台的现场开评标什么时候恢复？"
    suspended = "决定自2020年1月31日起暂停我区政府采购平台现场开评标活动。"
    assert date_off_event(suspended, resume) == "恢复" and not dates_event(suspended, resume)
    assert date_off_event("现场开评标活动自2月17日起恢复。", resume) is None
    # A rule taking effect is written with any of its verbs.
    effect = "这项办法从什么时候开始执行？"
    assert dates_event("本办法自2020年3月1日起施行。", effect)
    # A measure's end is written as its span, not with the verb of its taking effect.
    until = "国家农业信贷担保联盟对再担保费用的减免执行到什么时候？"
    span = "自即日起至2020年12月底，国家农业信贷担保联盟对全国省级农担公司再担保业务减半收取再担保费用。"
    assert date_off_event(span, until) is None
    # Its start is not: a date of another thing answers no when-it-takes-effect question.
    assert date_off_event("自2023年1月1日起生育二孩的家庭可申领补助。", "这项办法从哪天开始施行？") == "施行"
    # No date at all is the figure check's to refuse, not this one's.
    assert date_off_event("现场开评标活动恢复时间另行通知。", resume) is None


def test_an_act_asked_with_a_complement_is_dated_by_another_verb_of_it():
    # 交到 asked, 提交 said; 计算 asked, 算起 said: the act is the same, written with or without its complement.
    hand_in = "书面材料最晚什么时候交到市科委？"
    assert dates_event("书面材料请于2023年8月10日前提交市科委。", hand_in)
    assert date_off_event("书面材料请于2023年8月10日前提交市科委。", hand_in) is None
    assert dates_event("党龄自2020年3月1日转正之日算起。", "党龄从什么时候开始计算？")
    # 交流 is not 交到: its 交 is no act handed over.
    assert date_off_event("双方于2月10日前交流工作经验。", hand_in) == "交到"
    # Nor 举办 办到什么时候: 到 before the ask is until when.
    assert date_off_event("8月8日举办了开幕式。", "这个大集要办到什么时候？") == "办到"
    # Nor is 搭建 建成: a complement of completion says the act is done, which the bare verb does not.
    assert date_off_event("项目将于今年下半年搭建临时天桥。", "项目计划什么时候建成？") == "建成"


def test_the_thing_dated_and_another_of_its_kind():
    from kb.answer.features import dated_thing, names_another_of

    window = dated_thing("政务服务中心暂停的社保窗口哪一天恢复现场办理？")
    assert window == ("社保窗口", "窗口")
    assert names_another_of("不动产登记窗口自2月17日起恢复现场办理。", window)
    assert not names_another_of("社保窗口自2月17日起恢复现场办理。", window)
    assert not names_another_of("该窗口自2月17日起恢复现场办理。", window)  # the asked one, referred to
    hospital = dated_thing("黄冈版“小汤山医院”大别山区域医疗中心是哪一天正式启用的？")
    assert not names_another_of("1月28日，大别山区域医疗中心正式启用。", hospital)
    # A person asked of is the head: another official's 入党 in the same list of appointments does not name him.
    assert dated_thing("甘肃省公安厅新任副厅长唐生是哪一年入党的？") == ("副厅长唐生", "唐生")
    # A title, or no name right before the ask: nothing to tell another by.
    assert dated_thing("《杭州市育儿补助实施办法(试行)》从哪天开始实施？") is None
    assert dated_thing("补贴标准是多少？") is None
