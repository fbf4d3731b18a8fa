from collections import Counter
from pathlib import Path

import pytest

from ingest.articles import split_articles

ROOT = Path(__file__).parents[2]
ZHUZHOU = ROOT / "data" / "sample" / "动力党建合力攻坚_株洲市直机关.txt"
CORPUS = (ROOT / "../shared/corpus").resolve()

TITLES = [
    "动力党建·合力攻坚",
    "以高质量机关党建推动株洲经济社会高质量发展",
    "党建引领深融合 合力攻坚争一流",
    "动力党建引领 攻坚提升“四能”",
    "以“动力党建·合力攻坚”工程 助推市场主体培育提质增效",
    "坚持以党建“红”引领生态“绿”",
    "党建引领别样红 真心服务为尊崇",
]
AUTHORS = ["", "罗显明", "刘伟", "刘剑飞", "李白", "周其伟", "刘新宇"]


def clean(text: str) -> str:
    """Paragraphs one per block, as the cleaning step hands them over."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def non_space_chars(text: str) -> Counter[str]:
    return Counter(c for c in text if not c.isspace())


def section_with(sections, evidence: str):
    found = [s for s in sections if evidence in s.text]
    assert len(found) == 1, f"{evidence!r} is in {len(found)} sections"
    return found[0]


@pytest.fixture(scope="module")
def page_text() -> str:
    return clean(ZHUZHOU.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def zhuzhou(page_text):
    sections = split_articles(page_text)
    assert sections is not None
    return sections


def test_the_zhuzhou_page_splits_into_its_header_and_six_articles(zhuzhou):
    assert [s.title for s in zhuzhou] == TITLES
    assert [s.author for s in zhuzhou] == AUTHORS
    assert [s.location for s in zhuzhou] == ["编者按"] + [f"第{n}篇" for n in range(1, 7)]


def test_every_paragraph_of_the_page_lands_in_exactly_one_section(page_text, zhuzhou):
    assert non_space_chars("".join(s.text for s in zhuzhou)) == non_space_chars(page_text)


@pytest.mark.parametrize(
    ("evidence", "title"),
    [
        ("构建“项目化、团队化、扁平化”作战指挥体系", "动力党建引领 攻坚提升“四能”"),
        ("2022年为株洲的“市场主体培育年”", "以“动力党建·合力攻坚”工程 助推市场主体培育提质增效"),
        ("评选表彰先进党组织、党员示范经营户", "以“动力党建·合力攻坚”工程 助推市场主体培育提质增效"),
        ("发扬斗争精神,攻坚克难提效能", "动力党建引领 攻坚提升“四能”"),
        ("空气质量达标率达82.1%", "坚持以党建“红”引领生态“绿”"),
        ("以“两个年”活动为载体", "以高质量机关党建推动株洲经济社会高质量发展"),
        ("服务退役军人及优抚对象2000余人次", "党建引领别样红 真心服务为尊崇"),
        ("打造“党旗飘在街巷 支部联点驿站”党建品牌", "党建引领深融合 合力攻坚争一流"),
        ("凝聚政治优势,坚持红色领航,明确市场主体培育责任", "以“动力党建·合力攻坚”工程 助推市场主体培育提质增效"),
        ("作者系株洲市人大常委会副主任", "动力党建引领 攻坚提升“四能”"),
        ("作者系中共株洲市委党校讲师", "以“动力党建·合力攻坚”工程 助推市场主体培育提质增效"),
        ("以下六篇文章", "动力党建·合力攻坚"),
    ],
)
def test_evidence_lands_in_the_article_it_belongs_to(zhuzhou, evidence, title):
    assert section_with(zhuzhou, evidence).title == title


def test_a_sentence_cut_by_a_column_break_is_joined_again(zhuzhou):
    libai = section_with(zhuzhou, "李白")
    assert "能够真正实现凝心聚力、提质增效" in libai.text
    assert "组织各市场主体党组织和党员典型选树,评选表彰先进党组织" in libai.text


def test_the_affiliation_is_the_text_inside_the_author_line(zhuzhou):
    by_author = {s.author: s.affiliation for s in zhuzhou}
    assert by_author["罗显明"] == "中共株洲市直属机关工作委员会常务副书记"
    assert by_author["刘剑飞"] == "株洲市人大常委会副主任、市打造“三个高地”办公室副主任"
    assert by_author["李白"] == "中共株洲市委党校讲师"
    assert by_author["刘伟"] == ""  # the page cuts that article off before its author line


def test_an_article_keeps_its_title_subtitle_byline_and_author_line_in_its_text(zhuzhou):
    liu = section_with(zhuzhou, "刘剑飞")
    paragraphs = liu.text.split("\n\n")
    assert paragraphs[:3] == ["动力党建引领 攻坚提升“四能”", "——将党旗牢牢插在“三个高地”建设最前沿", "刘剑飞"]
    assert "(作者系株洲市人大常委会副主任、市打造“三个高地”办公室副主任)" in paragraphs
    luo = section_with(zhuzhou, "罗显明")
    assert "罗显明\n\n(作者系中共株洲市直属机关工作委员会常务副书记)" in luo.text


def test_the_header_section_holds_the_page_title_and_the_editors_note(zhuzhou):
    header = zhuzhou[0]
    assert header.text.startswith("动力党建·合力攻坚\n\n——中共株洲市直属机关工作委员会主办\n\n编者按")
    assert header.author == ""


# A synthetic page on other topics: article C's opening paragraph was extracted before article B's title.
GARBAGE = [
    "垃圾分类进社区 绿色生活成风尚",
    "张明",
    "今年以来，全市以垃圾分类为抓手推进绿色社区建设，居民垃圾分类知晓率和参与率稳步提升。",
    (
        "完善垃圾分类设施。在小区设置四分类投放点，配备厨余垃圾破袋器和洗手池，推行定时定点投放，"
        "垃圾分类督导员每天在投放点值守，引导居民正确分类投放厨余垃圾和可回收物。"
    ),
    (
        "健全回收利用体系。建设可回收物回收站点，培育再生资源回收企业，厨余垃圾就地资源化处理，"
        "全市生活垃圾回收利用率达到百分之四十以上。"
    ),
    "（作者系市城市管理局副局长）",
]
HEALTH_FRAGMENT = (
    "智慧医院建设让群众看病少跑腿，全市三甲医院全部开通线上预约挂号，电子病历在医院之间共享，"
    "患者的检查检验结果在医院之间互认，医院就诊等候时间明显缩短。"
)
TOURISM = [
    "乡村旅游助振兴 美丽乡村迎客来",
    "——记文旅融合发展的新路子",
    "王芳",
    "近年来，各地依托山水田园资源发展乡村旅游，民宿、农家乐和采摘园吸引了大批城市游客，带动农民增收致富。",
    "打造精品民宿集群。引导村集体盘活闲置农房，发展特色民宿，旅游旺季民宿入住率超过八成，游客人数同比增长三成。",
    "（作者单位：市文化旅游广电局）",
]
HEALTH = [
    "智慧医疗惠民生",
    "陈刚",
    (
        "推进分级诊疗。医院与社区卫生服务中心组建医疗联合体，专家定期下沉坐诊，患者在社区就能看上专家门诊，"
        "医院远程会诊覆盖所有乡镇卫生院。"
    ),
    "提升医疗服务质量。医院推行检查预约和诊间结算，患者就诊更加便捷，医疗服务满意度持续提高。",
    "（作者系市卫生健康委员会主任）",
]


def test_a_fragment_printed_before_another_title_goes_back_to_its_own_article():
    page = "\n\n".join(GARBAGE + [HEALTH_FRAGMENT] + TOURISM + HEALTH)
    sections = split_articles(page)
    assert sections is not None
    assert [s.title for s in sections] == [
        "垃圾分类进社区 绿色生活成风尚",
        "乡村旅游助振兴 美丽乡村迎客来",
        "智慧医疗惠民生",
    ]
    assert [s.author for s in sections] == ["张明", "王芳", "陈刚"]
    assert section_with(sections, HEALTH_FRAGMENT).title == "智慧医疗惠民生"
    assert sections[1].affiliation == "市文化旅游广电局"
    assert sections[1].text.split("\n\n")[1] == "——记文旅融合发展的新路子"
    assert non_space_chars("".join(s.text for s in sections)) == non_space_chars(page)


def test_an_author_line_inside_another_article_takes_the_paragraphs_before_it_back_to_the_column_break():
    health_cut = "推进分级诊疗。医院与社区卫生服务中心组建医疗联合体，专家定期下沉坐诊，医院远程会诊覆盖所有乡镇卫生院，专家团队每月下乡"
    tourism_tail = "发展乡村旅游要守住生态底线，民宿建设和游客接待都要与山水田园风貌相协调，让乡村旅游行稳致远。"
    health_rest = "开展巡回义诊，患者在家门口就能看上专家门诊。"
    # Tourism's last paragraph and author line were extracted into the middle of the health article.
    page = TOURISM[:4] + HEALTH[:2] + [health_cut, tourism_tail, TOURISM[-1], health_rest] + HEALTH[3:] + GARBAGE
    sections = split_articles("\n\n".join(page))
    assert sections is not None
    tourism, health = sections[0], sections[1]
    assert tourism.title == "乡村旅游助振兴 美丽乡村迎客来"
    assert tourism.affiliation == "市文化旅游广电局"
    assert tourism_tail in tourism.text
    assert health.affiliation == "市卫生健康委员会主任"
    assert "专家团队每月下乡开展巡回义诊" in health.text  # the cut sentence is whole again


def test_a_law_text_is_a_single_document():
    path = CORPUS / "docs" / "dangzhang_2017.txt"
    if not path.exists():
        pytest.skip(f"corpus not found at {CORPUS}")
    assert split_articles(clean(path.read_text(encoding="utf-8"))) is None


def test_a_page_with_one_article_is_a_single_document():
    assert split_articles("\n\n".join(HEALTH)) is None


def test_titles_with_bylines_but_no_author_line_are_not_a_newspaper_page():
    page = "\n\n".join(GARBAGE[:-1] + HEALTH[:-1])
    assert split_articles(page) is None


def test_a_reporters_byline_names_the_authors():
    tourism = [TOURISM[0], "本报记者 王芳 李强"] + TOURISM[3:]
    sections = split_articles("\n\n".join(GARBAGE + tourism))
    assert sections is not None
    assert [s.author for s in sections] == ["张明", "王芳、李强"]
