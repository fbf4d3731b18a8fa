"""Authority metadata: extraction from the corpus texts, web pages and sidecars; versions, repeals, filters."""

from __future__ import annotations

import pytest

from ingest.authority import extract_authority
from ingest.errors import IngestError
from ingest.pipeline import read_document
from kb.store.authority import Authority, parse_filter, resolve, work_key
from kb.store.manifest import DocRecord
from tests.authority_fixtures import copy_corpus, corpus_file, second_version

GOV_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>国务院关于印发某某方案的通知_政策文件</title>
<meta name="ArticleTitle" content="国务院关于印发某某方案的通知">
<meta name="PubDate" content="2022-03-05 10:00">
<meta name="ContentSource" content="中国政府网">
</head><body>
<div class="nav"><a href="/">首页</a> | <a href="/zhengce">政策</a> | <a href="/hudong">互动交流</a> | 登录 | 注册</div>
<div class="article"><h1>国务院关于印发某某方案的通知</h1>
<p>国发〔2022〕5号</p>
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>现将《某某方案》印发给你们，请认真贯彻执行。各地区各部门要把思想和行动统一到党中央决策部署上来，切实加强组织领导，压实工作责任。</p>
<p>各地区要结合实际制定具体实施办法，确保各项任务落到实处，取得实效。实施中遇到的重大问题要及时向国务院报告。</p>
<p>国务院</p>
<p>2022年3月1日</p></div>
<div class="share">分享到：微信 微博 QQ空间</div>
<div class="related"><h3>相关链接</h3><ul><li><a href="/a">国务院办公厅关于某事的通知</a></li></ul></div>
<div class="footer">版权所有：中国政府网 | 京ICP备05070218号</div>
</body></html>"""

# What ingest reads from each corpus document: (type, issuer, number, 成文, 发布, 施行, version).
EXPECTED = {
    "gongwuyuanfa_2018.md": (
        "法律",
        "全国人民代表大会常务委员会",
        "",
        "2018年12月29日",
        "",
        "2019年6月1日",
        "2018年修订",
    ),
    "jianchafa_2024.md": ("法律", "全国人民代表大会常务委员会", "", "2024年12月25日", "", "公布之日", "2024年修正"),
    "xianfa_2018.md": ("宪法", "全国人民代表大会", "", "2018年3月11日", "1982年12月4日", "", "2018年修正"),
    "zhengwu_chufenfa_2020.md": ("法律", "全国人民代表大会常务委员会", "", "2020年6月20日", "", "2020年7月1日", ""),
    "xingzheng_gongwuyuan_chufen_tiaoli_2007.md": (
        "行政法规",
        "国务院",
        "国务院令第495号",
        "2007年4月4日",
        "2007年4月22日",
        "2007年6月1日",
        "",
    ),
    "dangzhang_2017.txt": ("党内法规", "中国共产党全国代表大会", "", "2017年10月24日", "", "", "2017年部分修改"),
    "ershida_baogao_2022.txt": ("报告", "中国共产党第十九届中央委员会", "", "2022年10月16日", "", "", ""),
    "gwr_2024_guowuyuan.txt": ("报告", "国务院", "", "2024年3月5日", "", "", ""),
    "gwr_2025_guowuyuan.txt": ("报告", "国务院", "", "", "", "", ""),
    "动力党建合力攻坚_株洲市直机关.txt": ("报刊文章", "中共株洲市直属机关工作委员会", "", "", "", "", ""),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_authority_metadata_is_read_from_each_corpus_law_and_report(name):
    doc = read_document(corpus_file(name))
    a = doc.authority
    assert (a.kind, a.issuer, a.number, a.written, a.published, a.effective, a.version) == EXPECTED[name]


def test_the_2007_regulation_is_known_to_cite_the_xingzheng_jiancha_law_and_the_jiancha_law_to_repeal_it():
    tiaoli = read_document(corpus_file("xingzheng_gongwuyuan_chufen_tiaoli_2007.md")).authority
    jiancha = read_document(corpus_file("jianchafa_2024.md")).authority
    assert "中华人民共和国行政监察法" in tiaoli.cites
    assert jiancha.repeals == ["中华人民共和国行政监察法"]


def _rec(doc_id: str, title: str, source: str = "", doc_type: str = "法律法规") -> DocRecord:
    return DocRecord(doc_id, source or f"{doc_id}.md", "", "", title, "", "", "", doc_type, "ready", 1, 1, "", "")


def test_two_texts_of_one_law_are_one_work_and_the_older_is_marked_revised():
    docs = [_rec("old", "中华人民共和国公务员法"), _rec("new", "中华人民共和国公务员法（2023年修正）")]
    raw = {
        "old": (Authority(kind="法律", version="2018年修订", written="2018年12月29日"), {}),
        "new": (Authority(kind="法律", version="2023年修正", written="2023年6月30日"), {}),
    }
    s = resolve(docs, raw)
    assert work_key(docs[0].title) == work_key(docs[1].title)
    assert s["new"].status == "未知" and not s["new"].outdated
    assert s["old"].status == "已修订" and "2023年修正" in s["old"].basis
    assert s["old"].versions == ["new", "old"]
    assert any("不是现行版本" in w for w in s["old"].warnings)


def test_a_text_that_replaces_another_makes_it_an_older_version_of_the_same_work():
    docs = [_rec("a", "某市物业管理办法"), _rec("b", "某市住宅物业管理条例")]
    raw = {
        "a": (Authority(kind="规范性文件", written="2020年1月1日"), {}),
        "b": (Authority(kind="规范性文件", written="2024年1月1日", replaces=["a.md"]), {}),
    }
    s = resolve(docs, raw)
    assert s["a"].status == "已修订" and s["b"].versions == ["b", "a"]


def test_two_government_work_reports_of_different_years_are_not_versions_of_each_other():
    docs = [_rec("y24", "政府工作报告", doc_type="工作报告"), _rec("y25", "政府工作报告", doc_type="工作报告")]
    raw = {"y24": (Authority(kind="报告", written="2024年3月5日"), {}), "y25": (Authority(kind="报告"), {})}
    s = resolve(docs, raw)
    assert s["y24"].status == "" and s["y25"].status == "" and len(s["y24"].versions) == 1


def test_a_document_citing_a_law_that_another_document_repeals_carries_a_warning():
    docs = [_rec("tl", "行政机关公务员处分条例"), _rec("jc", "中华人民共和国监察法")]
    raw = {
        "tl": (Authority(kind="行政法规", cites=["中华人民共和国行政监察法"]), {}),
        "jc": (Authority(kind="法律", repeals=["中华人民共和国行政监察法"]), {}),
    }
    s = resolve(docs, raw)
    assert any("《中华人民共和国行政监察法》已废止" in w for w in s["tl"].warnings)
    assert not s["jc"].warnings


def test_the_law_that_repeals_another_is_not_warned_about_citing_it():
    docs = [_rec("jc", "中华人民共和国监察法")]
    raw = {"jc": (Authority(kind="法律", repeals=["中华人民共和国行政监察法"], cites=["中华人民共和国行政监察法"]), {})}
    assert resolve(docs, raw)["jc"].warnings == []


def test_a_document_another_one_repeals_is_marked_repealed():
    docs = [_rec("old", "中华人民共和国行政监察法"), _rec("jc", "中华人民共和国监察法")]
    raw = {
        "old": (Authority(kind="法律"), {}),
        "jc": (Authority(kind="法律", repeals=["中华人民共和国行政监察法"]), {}),
    }
    assert resolve(docs, raw)["old"].status == "已废止"


def test_an_admin_status_wins_over_what_the_versions_suggest():
    docs = [_rec("old", "某法"), _rec("new", "某法")]
    raw = {
        "old": (Authority(kind="法律", written="2018年1月1日"), {"status": "现行有效"}),
        "new": (Authority(kind="法律", written="2023年1月1日"), {"status": "已废止"}),
    }
    s = resolve(docs, raw)
    assert s["old"].status == "现行有效" and s["new"].status == "已废止"


def test_a_sidecar_meta_toml_corrects_what_the_text_says(tmp_path):
    (path,) = copy_corpus(tmp_path, "gwr_2025_guowuyuan.txt")
    (tmp_path / "gwr_2025_guowuyuan.meta.toml").write_text(
        'title = "2025年政府工作报告"\nissuer = "国务院"\nwritten = "2025年3月5日"\nstatus = "现行有效"\n',
        encoding="utf-8",
    )
    doc = read_document(path)
    assert doc.title == "2025年政府工作报告"
    assert (doc.authority.written, doc.authority.status) == ("2025年3月5日", "现行有效")


def test_a_sidecar_with_an_unknown_key_or_status_is_an_error_for_the_person_ingesting(tmp_path):
    (path,) = copy_corpus(tmp_path, "gwr_2025_guowuyuan.txt")
    side = tmp_path / "gwr_2025_guowuyuan.meta.toml"
    side.write_text('colour = "red"\n', encoding="utf-8")
    with pytest.raises(IngestError, match="未知字段"):
        read_document(path)
    side.write_text('status = "大概有效"\n', encoding="utf-8")
    with pytest.raises(IngestError, match="status"):
        read_document(path)


def test_a_second_version_made_from_the_corpus_reads_as_the_2023_amendment(tmp_path):
    doc = read_document(second_version(tmp_path))
    assert doc.authority.version == "2023年修正" and doc.authority.written == "2023年6月30日"
    assert work_key(doc.title) == work_key(read_document(corpus_file("gongwuyuanfa_2018.md")).title)


def test_a_saved_government_web_page_keeps_its_main_text_and_metadata_without_navigation(tmp_path):
    path = tmp_path / "tongzhi.html"
    path.write_text(GOV_PAGE, encoding="utf-8")
    doc = read_document(path)
    assert doc.title == "国务院关于印发某某方案的通知"
    assert "请认真贯彻执行" in doc.text
    for boilerplate in ("首页", "登录", "分享到", "相关链接", "京ICP备"):
        assert boilerplate not in doc.text
    a = doc.authority
    assert (a.kind, a.issuer, a.number, a.written, a.published) == (
        "通知",
        "国务院",
        "国发〔2022〕5号",
        "2022年3月1日",
        "2022年3月5日",
    )


def test_filters_read_keys_and_alternatives_and_refuse_unknown_keys():
    assert parse_filter("type=法律|行政法规,status=现行有效") == {"kind": {"法律", "行政法规"}, "status": {"现行有效"}}
    assert parse_filter("") == {}
    with pytest.raises(ValueError, match="无效"):
        parse_filter("colour=red")


def test_the_text_of_a_law_states_when_it_takes_effect():
    a = extract_authority("# 某法\n\n第一条 为了……\n\n第二条 本法自2021年1月1日起施行。", "某法")
    assert a.effective == "2021年1月1日"


def test_a_report_is_not_given_a_status_and_a_law_without_one_is_unknown():
    docs = [_rec("r", "政府工作报告", doc_type="工作报告"), _rec("l", "某法")]
    raw = {"r": (Authority(kind="报告"), {}), "l": (Authority(kind="法律"), {})}
    s = resolve(docs, raw)
    assert s["r"].status == "" and s["l"].status == "未知"
    assert "效力未知" in s["l"].label() and "效力" not in s["r"].label()


def test_a_sidecar_asking_for_ocr_makes_every_page_of_the_pdf_go_through_ocr(tmp_path, monkeypatch):
    import ingest.pipeline as pipeline

    (path,) = copy_corpus(tmp_path, "beijing_gwr_2024.pdf")
    (tmp_path / "beijing_gwr_2024.meta.toml").write_text("force_ocr = true\n", encoding="utf-8")
    seen = []
    real = pipeline.load_file

    def spy(p, max_bytes, ocr, **_):  # records the settings, then stops before 13 pages of real OCR
        seen.append(ocr)
        raise IngestError("stop")

    monkeypatch.setattr(pipeline, "load_file", spy)
    with pytest.raises(IngestError):
        read_document(path)
    assert seen[0].force is True
    monkeypatch.setattr(pipeline, "load_file", real)
