import re
from pathlib import Path

import pytest

from ingest.cleaning import clean_text, join_broken_paragraphs, rejoin_wrapped_lines, remove_layout_spaces
from ingest.loaders import RawText, load_file

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
DOCS = CORPUS / "docs"
EXTRACTED = CORPUS / "extracted"
CORPUS_FILES = sorted(p.name for p in DOCS.glob("*") if p.is_file()) if DOCS.is_dir() else []
ZHUZHOU = "动力党建合力攻坚_株洲市直机关.txt"

_cache: dict[str, str] = {}


def cleaned(name: str) -> str:
    """The cleaned text of a corpus document (loaded once per test run; the PDF takes a couple of seconds)."""
    path = DOCS / name
    if not path.is_file():
        pytest.skip(f"shared corpus file {path} is not available")
    if name not in _cache:
        _cache[name] = clean_text(load_file(path))
    return _cache[name]


def no_space(text: str) -> str:
    return re.sub(r"\s", "", text)


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


@pytest.mark.skipif(not CORPUS_FILES, reason="shared corpus (../shared/corpus/docs) is not available")
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_cleaning_changes_nothing_but_whitespace_against_the_reference_extraction(name):
    text = cleaned(name)
    reference = (EXTRACTED / f"{name}.txt").read_text(encoding="utf-8")
    reference = reference.replace("<!-- INFO END -->", "").replace("\ufeff", "")
    assert no_space(text) == no_space(reference)


@pytest.mark.skipif(not CORPUS_FILES, reason="shared corpus (../shared/corpus/docs) is not available")
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_clean_text_is_paragraphs_separated_by_exactly_one_blank_line(name):
    text = cleaned(name)
    assert text == text.strip()
    assert "\n\n\n" not in text
    for para in paragraphs(text):
        assert para and "\n" not in para and para == para.strip()


def test_pdf_lines_wrapped_at_forty_characters_are_one_paragraph_again():
    text = cleaned("beijing_gwr_2024.pdf")
    # A line break may only follow the end of a sentence or a short heading line.
    assert [p for p in paragraphs(text) if p[-1] not in "。！？：；" and len(p) > 40] == []
    assert "2023年是全面贯彻落实党的二十大精神的开局之年，是三年新冠疫情防控转段后经济恢复发展的一年。" in text
    assert "全市地区生产总值增长5.2%、约4.4万亿元，一般公共预算收入增长8.2%、突破6000亿元" in text
    assert "增长5.2%" in text and "约4.4万亿元" in text


def test_pdf_headings_stay_their_own_paragraphs():
    paras = paragraphs(cleaned("beijing_gwr_2024.pdf"))
    for heading in (
        "各位代表：",
        "一、2023年工作回顾",
        "二、2024年重点任务",
        "着力做好以下十一个方面工作：",
        "（一）持续提升首都功能，推动京津冀协同发展取得新的更大进展",
    ):
        assert heading in paras


def test_a_pdf_paragraph_running_across_a_page_break_is_rejoined():
    paras = paragraphs(cleaned("beijing_gwr_2024.pdf"))
    # Page 4 ends with "…向各民主党派、各人民团体" and page 5 continues "和各界人士…".
    assert any("向各民主党派、各人民团体和各界人士，向中央和国家机关" in p for p in paras)


def test_pdf_paragraphs_ending_exactly_at_the_line_end_are_split_by_their_indentation():
    paras = paragraphs(cleaned("beijing_gwr_2024.pdf"))
    assert any(p.startswith("加强国际交往中心功能建设。") and p.endswith("吸引国际组织和机构在京落地。") for p in paras)
    assert any(p.startswith("打好疏解整治促提升“组合拳”。") for p in paras)


def test_the_plain_pypdf_extraction_without_indentation_is_rejoined_by_line_widths():
    path = EXTRACTED / "beijing_gwr_2024.pdf.txt"
    if not path.is_file():
        pytest.skip("reference extraction is not available")
    text = clean_text(RawText(text=path.read_text(encoding="utf-8"), kind="pdf"))
    paras = paragraphs(text)
    assert "一、2023年工作回顾" in paras
    assert "现在，我代表北京市人民政府，向大会报告政府工作，请予审议，并请市政协委员提出意见。" in paras
    assert any("全市地区生产总值增长5.2%、约4.4万亿元" in p for p in paras)
    assert 70 <= len(paras) <= 100


def test_rejoin_wrapped_lines_joins_full_lines_and_ends_paragraphs_at_short_ones():
    full = "这是一行排满了的中文文字，用来模拟每行大约四十个字的版面，到这"
    text = f"一、总体要求\n{full}\n里才结束。\n{full}\n{full}\n最后一行。\n{full}\n另起一段。"
    assert rejoin_wrapped_lines(text).split("\n\n") == [
        "一、总体要求",
        full + "里才结束。",
        full + full + "最后一行。",
        full + "另起一段。",
    ]


def test_rejoin_wrapped_lines_puts_the_space_back_between_wrapped_latin_words():
    full = "这是一行排满了的中文文字，用来模拟每行大约四十个字的版面 Large"
    assert rejoin_wrapped_lines(f"{full}\nLanguage Model 的应用。\n{full}\n结束。") == (
        f"{full} Language Model 的应用。\n\n{full}结束。"
    )


def test_layout_spaces_around_numbers_and_latin_words_are_removed():
    assert remove_layout_spaces("全市地区生产总值增长 5.2%、约 4.4 万亿元") == "全市地区生产总值增长5.2%、约4.4万亿元"
    assert remove_layout_spaces("2023 年是开局之年") == "2023年是开局之年"
    assert remove_layout_spaces("增至        115家") == "增至115家"
    assert remove_layout_spaces("国产大飞机 C919 投入商业运营") == "国产大飞机C919投入商业运营"
    assert remove_layout_spaces("城市家具\u30001 万余处") == "城市家具1万余处"


def test_spaces_that_carry_meaning_are_kept():
    assert remove_layout_spaces("Large Language Model") == "Large Language Model"
    assert remove_layout_spaces("## 第一章 总 则") == "## 第一章 总 则"
    assert remove_layout_spaces("第一条 为了规范公务员的管理") == "第一条 为了规范公务员的管理"
    assert remove_layout_spaces("第二十三条 《中华人民共和国监察法》") == "第二十三条 《中华人民共和国监察法》"
    assert remove_layout_spaces("国务院总理\u3000李\u3000强") == "国务院总理\u3000李\u3000强"
    assert remove_layout_spaces("党建引领深融合 合力攻坚争一流") == "党建引领深融合 合力攻坚争一流"


LONG = "聚合力，加快业务融合。始终坚持党建与业务工作深度融合、相互促进，全年空气优良天数达到"


def test_a_paragraph_cut_mid_number_by_a_column_break_is_joined():
    assert join_broken_paragraphs([LONG + "324天，空气质量达标率达", "82.1%;湘江株洲段稳定保持Ⅱ类水质。"]) == [
        LONG + "324天，空气质量达标率达82.1%;湘江株洲段稳定保持Ⅱ类水质。"
    ]


def test_a_paragraph_cut_mid_sentence_is_joined_by_plain_concatenation():
    first = "市委、市政府坚决扛起退役军人工作主体责任，全市共有退役军人服务站点工作人员近1700名，实现有"
    second = "退役军人的地方就有“退役军人服务站”。"
    assert join_broken_paragraphs([first, second]) == [first + second]


@pytest.mark.parametrize(
    "second",
    [
        "一、坚持党的领导，不断完善退役军人工作体系",
        "（二）持续深化改革",
        "第十二条 党员有下列权利。",
        "(作者系市生态环境局党组书记、局长)",
        "（作者系中共株洲市委党校讲师）",
        "——以高质量机关党建引领城市管理高质量发展",
        "动力党建引领 攻坚提升“四能”",
        "刘新宇",
        "## 第二章 公民的基本权利和义务",
    ],
)
def test_a_heading_title_or_author_line_never_continues_a_cut_paragraph(second):
    first = LONG + "发挥党组织战斗堡垒作用和先"
    assert join_broken_paragraphs([first, second]) == [first, second]


@pytest.mark.parametrize("ending", ["。", "！", "？", "；", "：", "”", "）", ";", ":"])
def test_a_paragraph_that_finished_its_sentence_is_not_joined(ending):
    first = LONG + "三百二十四天" + ending
    assert join_broken_paragraphs([first, "下一段继续讲别的事情。"]) == [first, "下一段继续讲别的事情。"]


def test_a_short_heading_without_punctuation_is_not_joined_to_the_next_paragraph():
    assert join_broken_paragraphs(["加强政治建设,夯实“合力攻坚”组织基础", "强化政治机关建设。"]) == [
        "加强政治建设,夯实“合力攻坚”组织基础",
        "强化政治机关建设。",
    ]


def test_the_zhuzhou_page_rejoins_its_column_breaks():
    text = cleaned(ZHUZHOU)
    assert "空气质量达标率达82.1%;湘江株洲段" in text
    assert "实现有退役军人的地方就有“退役军人服务站”" in text
    assert "关心慰问、帮扶困难优抚对象" in text
    assert "冲锋陷阵、建功立业。" in text
    # The article title after a paragraph cut at a column break stays its own paragraph.
    paras = paragraphs(text)
    assert "动力党建引领 攻坚提升“四能”" in paras
    assert any(p.endswith("发挥党组织战斗堡垒作用和先") for p in paras)


def test_markdown_headings_and_the_info_block_stay_while_the_info_end_comment_goes():
    text = cleaned("gongwuyuanfa_2018.md")
    paras = paragraphs(text)
    assert "<!--" not in text and "INFO END" not in text
    assert paras[0] == "# 中华人民共和国公务员法"
    assert paras[1] == "2005年4月27日 第十届全国人民代表大会常务委员会第十五次会议通过"
    assert paras[3] == "2018年12月29日 第十三届全国人民代表大会常务委员会第七次会议修订"
    assert paras[4] == "## 第一章 总则"
    assert paras[5].startswith("第一条 为了规范公务员的管理")


def test_txt_files_keep_one_paragraph_per_line():
    text = cleaned("dangzhang_2017.txt")
    paras = paragraphs(text)
    assert paras[:3] == ["中国共产党章程", "（中国共产党第十九次全国代表大会部分修改，2017年10月24日通过）", "总纲"]
    assert "第一条\u3000年满十八岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子" in text


def test_cleaning_drops_control_and_zero_width_characters_but_keeps_full_width_punctuation():
    raw = RawText(text="\ufeff第一段，ＡＢＣ１２３。\x00\x07\u200b\r\n\r\n\x0c第二段：“引号”！  \t\n", kind="txt")
    assert clean_text(raw) == "第一段，ＡＢＣ１２３。\n\n第二段：“引号”！"


def test_blank_lines_and_trailing_spaces_collapse_to_one_paragraph_break():
    raw = RawText(text="第一段。   \n\n\n\n第二段。\n第三段。\n", kind="md")
    assert clean_text(raw) == "第一段。\n\n第二段。\n\n第三段。"


def test_html_text_is_cleaned_into_paragraphs():
    raw = RawText(text="政府工作报告\n\n增长 5.2%，约 4.4 万亿元。\n\n下一段。", kind="html")
    assert clean_text(raw) == "政府工作报告\n\n增长5.2%，约4.4万亿元。\n\n下一段。"


def test_an_empty_text_cleans_to_nothing():
    assert clean_text(RawText(text=" \n\u200b\n", kind="txt")) == ""
    assert rejoin_wrapped_lines("\n\n") == ""


NOTICE_TITLE = "国家税务总局深圳市税务局关于进一步延长2020年2月份纳税申报期限有关事项的通告"
NOTICE_BODY = (
    "2020年第2号 根据《国家税务总局关于进一步延长2020年2月份纳税申报期限有关事项的通知》（税总函〔2020〕27号），"
    "现将2020年2月份纳税申报期限有关事项通告如下：一、对按月申报的纳税人，2020年2月份纳税申报期限进一步延长至2月28日。"
)


def test_a_long_notice_title_on_the_first_line_stays_its_own_paragraph():
    # 40 characters and no full stop: taken for a sentence cut by a break, it used to be glued to the body.
    assert len(NOTICE_TITLE) >= 40
    text = clean_text(RawText(f"{NOTICE_TITLE}\n{NOTICE_BODY}", "txt"))
    assert paragraphs(text) == [NOTICE_TITLE, NOTICE_BODY]


def test_a_first_line_of_prose_cut_by_a_break_is_still_joined():
    first = "市委、市政府坚决扛起退役军人工作主体责任，全市共有退役军人服务站点工作人员近1700名，实现有"
    second = "退役军人的地方就有“退役军人服务站”，服务保障体系不断健全，退役军人的获得感持续增强。"
    assert paragraphs(clean_text(RawText(f"{first}\n{second}", "txt"))) == [first + second]
