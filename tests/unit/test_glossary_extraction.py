"""Glossary extraction and query expansion on passages of the real documents (no index needed)."""

from kb.answer.citations import is_verbatim
from kb.learn.glossary import CONTEXT, DEFINITION, ENUMERATION, candidate_terms, expand_query, explain, extract
from kb.types import Chunk

PAGE = "动力党建合力攻坚_株洲市直机关.txt"
WUDONG = (
    "凝聚思想共识,激发团结奋进力量。围绕“干部能力提升年”活动,培养懂政治、懂业务、懂产业、懂园区、懂管理,"
    "会招商引资、会项目建设、会政务服务、会应急处突、会群众工作的“五懂五会”干部队伍,汇聚机关党员先锋模范的精神力量。"
)
SINENG_TITLE = "动力党建引领 攻坚提升“四能”"


def chunk(
    n: int, text: str, title: str = "以高质量机关党建推动株洲经济社会高质量发展", author: str = "罗显明"
) -> Chunk:
    return Chunk(
        chunk_id=f"d:{n}",
        doc_id="d",
        text=text,
        source=PAGE,
        title=title,
        author=author,
        location=f"第{n}段",
        doc_title="动力党建·合力攻坚",
        ordinal=n,
    )


SINENG = [
    chunk(
        9,
        f"{SINENG_TITLE}\n\n——将党旗牢牢插在“三个高地”建设最前沿\n\n刘剑飞\n\n株洲市打造“三个高地”指挥部,以党建为引领,聚焦重点项目。",
        SINENG_TITLE,
        "刘剑飞",
    ),
    chunk(
        10,
        "强化思想引领,凝心聚力添动能。习近平总书记赋予湖南“三高四新”战略定位和使命任务,省委寄望株洲“发愤图强、重振雄风”。",
        SINENG_TITLE,
        "刘剑飞",
    ),
    chunk(11, "突出关键少数,以上率下树势能。打造“三个高地”指挥部,由市委书记任第一指挥长。", SINENG_TITLE, "刘剑飞"),
    chunk(12, "发扬斗争精神,攻坚克难提效能。目前,我们面临三重重大考验。", SINENG_TITLE, "刘剑飞"),
]


def test_numbered_slogans_in_quotation_marks_are_terms_and_ordinary_words_are_not():
    found = candidate_terms([chunk(1, WUDONG + "一是明确“谁来培育”。着力整治“四风”“管卡压”等问题。"), *SINENG])
    assert {"五懂五会", "四风", "三高四新", "三个高地", "四能"} <= set(found)
    assert not {"干部能力提升年", "谁来培育", "管卡压", "发愤图强、重振雄风"} & set(found)


def test_an_enumeration_before_the_term_explains_it():
    e = explain("五懂五会", [chunk(1, WUDONG)])
    assert e.kind == ENUMERATION
    assert e.citations[0].quote == (
        "培养懂政治、懂业务、懂产业、懂园区、懂管理,会招商引资、会项目建设、会政务服务、会应急处突、会群众工作的“五懂五会”干部队伍"
    )
    assert e.citations[0].author == "罗显明"


def test_the_short_headings_of_an_article_titled_with_the_term_explain_it():
    e = explain("四能", SINENG)
    assert e.kind == ENUMERATION
    assert [c.quote for c in e.citations] == [
        "强化思想引领,凝心聚力添动能。",
        "突出关键少数,以上率下树势能。",
        "发扬斗争精神,攻坚克难提效能。",
    ]


def test_a_definition_with_ji_or_shizhi_wins_over_context():
    text = "二是建立党建业务人才交流机制。突出强化党员人才的“双培双推”模式,即把一线骨干培养成党员,把党员培养成一线骨干;把优秀党员培养成党建骨干。"
    e = explain("双培双推", [chunk(1, text)])
    assert e.kind == DEFINITION and e.citations[0].quote.startswith("突出强化党员人才的“双培双推”模式,即")
    law = Chunk(
        "l:0",
        "l",
        "第二条　本法所称公务员，是指依法履行公职、纳入国家行政编制、由国家财政负担工资福利的工作人员。",
        "gwy.md",
        "公务员法",
    )
    assert "公务员" in candidate_terms([law])
    assert explain("公务员", [law]).kind == DEFINITION


def test_without_a_definition_the_sentence_using_the_term_is_quoted_but_not_a_title():
    e = explain("三个高地", SINENG)
    assert e.kind == CONTEXT
    assert e.citations[0].quote == "株洲市打造“三个高地”指挥部,以党建为引领"
    assert all("——将党旗" not in c.quote for c in e.citations)
    assert any("战略定位和使命任务" in c.quote for c in explain("三高四新", SINENG).citations)


def test_every_explanation_is_verbatim_in_its_passage():
    for e in extract([chunk(1, WUDONG), *SINENG]):
        assert e.citations
        assert all(is_verbatim(c.quote, c.passage) for c in e.citations)


def test_a_question_with_a_term_is_expanded_with_its_definition_and_others_are_not():
    defs = {"三高四新": "战略定位和使命任务", "四新": "不应出现", "五懂五会": "懂政治、懂业务"}
    assert expand_query("什么是三高四新？", defs) == "什么是三高四新？ 三高四新：战略定位和使命任务"
    assert expand_query("党员的预备期多长？", defs) == "党员的预备期多长？"
    assert expand_query("什么是五懂五会", {}) == "什么是五懂五会"
    assert "懂政治" in expand_query("五懂五会干部", defs)
