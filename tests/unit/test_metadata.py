from pathlib import Path

import pytest

from ingest.cleaning import clean_text
from ingest.loaders import load_file
from ingest.metadata import DocMeta, detect_metadata
from ingest.pipeline import read_document

DOCS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "docs"


def meta_of(name: str) -> DocMeta:
    path = DOCS / name
    if not path.is_file():
        pytest.skip(f"shared corpus file {path} is not available")
    return detect_metadata(clean_text(load_file(path)), name)


@pytest.mark.parametrize(
    ("name", "title", "date", "doc_type"),
    [
        ("dangzhang_2017.txt", "中国共产党章程", "2017年10月24日通过", "党内法规"),
        ("gongwuyuanfa_2018.md", "中华人民共和国公务员法", "2018年修订", "法律法规"),
        ("xianfa_2018.md", "中华人民共和国宪法", "2018年修正", "法律法规"),
        ("jianchafa_2024.md", "中华人民共和国监察法", "2024年修正", "法律法规"),
        ("zhengwu_chufenfa_2020.md", "中华人民共和国公职人员政务处分法", "2020年6月20日通过", "法律法规"),
        ("xingzheng_gongwuyuan_chufen_tiaoli_2007.md", "行政机关公务员处分条例", "2007年4月4日通过", "法律法规"),
        ("gwr_2024_guowuyuan.txt", "政府工作报告", "2024年3月5日", "工作报告"),
        ("gwr_2025_guowuyuan.txt", "政府工作报告", "2025年", "工作报告"),
        ("beijing_gwr_2024.pdf", "北京市人民政府工作报告", "2024年", "工作报告"),
        ("shijiuda_baogao_2017.docx", "党的十九大报告全文", "2017年", "工作报告"),
        (
            "ershida_baogao_2022.txt",
            "高举中国特色社会主义伟大旗帜 为全面建设社会主义现代化国家而团结奋斗",
            "2022年10月16日",
            "工作报告",
        ),
        ("动力党建合力攻坚_株洲市直机关.txt", "动力党建·合力攻坚", "", "报刊文章"),
    ],
)
def test_corpus_documents_get_their_title_date_and_type(name, title, date, doc_type):
    meta = meta_of(name)
    assert (meta.title, meta.date, meta.doc_type) == (title, date, doc_type)


def test_a_spaced_out_byline_gives_the_author_and_role():
    meta = meta_of("gwr_2024_guowuyuan.txt")
    assert (meta.author, meta.affiliation) == ("李强", "国务院总理")
    assert meta_of("ershida_baogao_2022.txt").author == "习近平"


def test_documents_without_a_byline_have_no_author():
    assert meta_of("dangzhang_2017.txt").author == ""
    assert meta_of("gwr_2025_guowuyuan.txt").author == ""


def test_a_markdown_heading_is_the_title():
    text = "# 中华人民共和国测试法\n\n2020年1月1日 第十三届全国人民代表大会常务委员会通过\n\n## 第一章 总则\n\n第一条 为了测试，制定本法。"
    meta = detect_metadata(text, "ceshifa.md")
    assert meta.title == "中华人民共和国测试法"
    assert meta.date == "2020年1月1日通过"


def test_a_speech_opening_with_a_salutation_takes_its_title_from_the_file_name():
    text = "各位代表：\n\n现在，我代表市人民政府，向大会报告政府工作，请予审议。\n\n一、2023年工作回顾"
    meta = detect_metadata(text, "shanghai_gwr_2024.txt")
    assert meta.title == "shanghai_gwr_2024"
    assert meta.date == "2024年"
    assert meta.doc_type == "工作报告"


def test_the_latest_amendment_wins_over_the_adoption_date():
    text = (
        "# 某某法\n\n2005年4月27日 第十届全国人民代表大会常务委员会第十五次会议通过\n\n"
        "2017年9月1日 第十二届全国人民代表大会常务委员会第二十九次会议修正\n\n"
        "第一条 为了规范，制定本法。\n\n第二条 本法适用于全国。\n\n第三条 本法自公布之日起施行。"
    )
    assert detect_metadata(text, "x.md").date == "2017年修正"


def test_a_dated_subtitle_line_gives_the_date():
    text = "政府工作报告\n\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n\n各位代表：\n\n现在，我代表国务院。"
    assert detect_metadata(text, "report.txt").date == "2024年3月5日"


def test_a_document_without_any_date_or_year_has_an_empty_date():
    assert detect_metadata("随笔\n\n今天天气很好，我们去公园散步。", "suibi.txt").date == ""


def test_a_plain_note_is_of_type_other():
    meta = detect_metadata("读书笔记\n\n今天读了一本书，很有收获。", "note.txt")
    assert meta.title == "读书笔记"
    assert meta.doc_type == "其他"


def test_a_long_first_line_is_not_taken_as_the_title():
    text = "这是一段很长的正文，没有标题，直接从内容开始讲起，一直讲到这里才结束。\n\n第二段。"
    assert detect_metadata(text, "untitled_note.txt").title == "untitled_note"


def test_a_work_report_without_title_page_is_named_from_its_first_sentence(corpus_dir):
    beijing = (corpus_dir / "extracted" / "beijing_gwr_2024.pdf.txt").read_text(encoding="utf-8")
    assert detect_metadata(beijing, "beijing_gwr_2024.pdf").title == "北京市人民政府工作报告"
    gwr = (corpus_dir / "docs" / "gwr_2025_guowuyuan.txt").read_text(encoding="utf-8")
    meta = detect_metadata(gwr, "gwr_2025_guowuyuan.txt")
    assert meta.title == "政府工作报告" and meta.date == "2025年"


def test_a_news_headline_with_commas_or_a_colon_is_the_title():
    body = "以大数据赋能精密智控。连日来，“健康码”正在我省各地推广，我省大部分设区市已上线“健康码”申领系统。"
    assert (
        detect_metadata(f"浙江：全省各地“健康码”陆续上线\n\n{body}", "ncp_1.txt").title
        == "浙江：全省各地“健康码”陆续上线"
    )
    headline = "应对疫情，这些措施助中小企业渡过难关！"
    assert detect_metadata(f"{headline}\n\n{body}", "ncp_2.txt").title == headline


def test_a_long_notice_title_is_the_title():
    title = "江西省人民政府办公厅关于印发积极应对当前疫情充分依托“赣服通”平台为企业和群众提供优质高效服务十项举措的通知"
    body = "各设区市人民政府，省政府各部门：" + "现将有关事项通知如下，请认真贯彻执行。" * 4
    assert detect_metadata(f"{title}\n\n{body}", "notice.txt").title == title


def test_a_first_sentence_cut_at_a_comma_is_not_a_title():
    text = "今天天气很好，我们去公园散步，\n\n然后回家吃饭，看了一会儿书，又出去走了走才休息。"
    assert detect_metadata(text, "diary.txt").title == "diary"


def test_a_long_notice_title_survives_cleaning_and_titles_the_document(tmp_path):
    # detect_metadata sees the cleaned text: a 40-character title glued to the body left the file name as the title.
    title = "教育部应对新型冠状病毒肺炎疫情工作领导小组办公室关于在疫情防控期间有针对性地做好教师工作若干事项的通知"
    body = "各省、自治区、直辖市教育厅（教委）：" + "现就疫情防控期间做好教师工作有关事项通知如下，请认真贯彻执行。" * 3
    path = tmp_path / "ncp_f3f76a371c.txt"
    path.write_text(f"{title}\n{body}\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.title == title
    assert doc.text.startswith(f"{title}\n\n各省")
