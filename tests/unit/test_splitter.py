import itertools
import re
from pathlib import Path

import pytest

from ingest.articles import split_articles
from ingest.splitter import split_document
from kb.answer.sentences import sentences
from kb.types import Section, SourceDoc

ROOT = Path(__file__).parents[2]
CORPUS = (ROOT / "../shared/corpus").resolve()
ZHUZHOU = "动力党建合力攻坚_株洲市直机关.txt"
# Text files are read as they are; PDF and DOCX through the text pypdf / python-docx extracted from them.
CORPUS_FILES = [
    "dangzhang_2017.txt",
    "ershida_baogao_2022.txt",
    "gwr_2024_guowuyuan.txt",
    "gwr_2025_guowuyuan.txt",
    "xianfa_2018.md",
    "gongwuyuanfa_2018.md",
    "jianchafa_2024.md",
    "zhengwu_chufenfa_2020.md",
    "xingzheng_gongwuyuan_chufen_tiaoli_2007.md",
    ZHUZHOU,
    "beijing_gwr_2024.pdf",
    "shijiuda_baogao_2017.docx",
]
LAWS = [f for f in CORPUS_FILES if f.endswith(".md")] + ["dangzhang_2017.txt"]
MAX, TARGET = 480, 300


def clean(text: str) -> str:
    """A deliberately simple cleaning, so these tests do not depend on the real one: one line, one paragraph."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def corpus_doc(name: str) -> SourceDoc:
    path = CORPUS / "docs" / name
    if path.suffix in (".pdf", ".docx"):
        path = CORPUS / "extracted" / f"{name}.txt"
    if not path.exists():
        pytest.skip(f"corpus file not found: {path}")
    text = clean(path.read_text(encoding="utf-8"))
    sections = split_articles(text) or [Section(title=path.stem, text=text, location="全文")]
    return make_doc(text, sections, doc_id=Path(name).stem, source=name)


def make_doc(text: str, sections: list[Section] | None = None, doc_id: str = "d", source: str = "d.txt") -> SourceDoc:
    return SourceDoc(
        doc_id=doc_id,
        source=source,
        path=f"/tmp/{source}",
        content_hash="0" * 64,
        title="测试文档",
        text=text,
        sections=sections or [Section(title="测试文档", text=text, location="全文")],
    )


def chunk_with(chunks, evidence: str):
    found = [c for c in chunks if evidence in c.text]
    assert found, f"no chunk holds {evidence!r}"
    return found[0]


def non_space(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def chunks_of():
    cache: dict[str, list] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = split_document(corpus_doc(name), max_chars=MAX, target_chars=TARGET)
        return cache[name]

    return get


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_chunks_of_every_corpus_document_keep_the_contract(name):
    doc = corpus_doc(name)
    chunks = split_document(doc, max_chars=MAX, target_chars=TARGET)
    assert chunks
    section_texts = {s.title: s.text for s in doc.sections}
    for n, c in enumerate(chunks):
        assert c.chunk_id == f"{doc.doc_id}:{n}" and c.ordinal == n
        assert c.text in section_texts[c.title]
        assert c.text == c.text.strip()
        assert len(c.text) <= MAX or len(sentences(c.text)) == 1
        assert c.source == name and c.doc_id == doc.doc_id and c.location
    # Without overlap the chunks tile the document: nothing lost, nothing repeated.
    assert non_space("".join(c.text for c in chunks)) == non_space("".join(s.text for s in doc.sections))
    again = split_document(corpus_doc(name), max_chars=MAX, target_chars=TARGET)
    assert [(c.chunk_id, c.text) for c in again] == [(c.chunk_id, c.text) for c in chunks]
    assert len({c.chunk_id for c in chunks}) == len(chunks)


@pytest.mark.parametrize("name", LAWS)
def test_a_law_chunk_never_mixes_two_articles_or_two_chapters(name, chunks_of):
    for c in chunks_of(name):
        paragraphs = c.text.split("\n\n")
        articles = [p for p in paragraphs if re.match(r"^第[一二三四五六七八九十百千零〇]+条", p)]
        assert len(articles) <= 1, c.text[:80]
        chapters = [i for i, p in enumerate(paragraphs) if re.match(r"^(#+\s*)?第[一二三四五六七八九十]+章", p)]
        # A chapter heading only ever opens a chunk (after a 编 heading at most), followed by the text it heads.
        for i in chapters:
            assert i < len(paragraphs) - 1
            assert all(re.match(r"^(#+\s*)?第[一二三四五六七八九十]+编", p) for p in paragraphs[:i]), c.text[:80]


def test_the_probation_period_sits_with_its_article_and_chapter_in_the_party_constitution(chunks_of):
    c = chunk_with(chunks_of("dangzhang_2017.txt"), "预备党员的预备期为一年")
    assert "第七条" in c.heading_path and "第一章" in c.heading_path
    assert c.heading_path == "第一章 党员 > 第七条"
    assert c.location == "第一章 > 第七条"
    assert c.text.startswith("第七条")


def test_the_first_article_of_the_constitution_has_its_chapter_in_the_path(chunks_of):
    c = chunk_with(chunks_of("xianfa_2018.md"), "第一条 中华人民共和国是工人阶级领导的")
    assert c.heading_path == "第一章 总纲 > 第一条"
    assert c.text.startswith("## 第一章 总纲\n\n第一条")  # the chapter heading opens the text it heads


def test_an_article_in_a_section_of_a_chapter_has_the_whole_path(chunks_of):
    c = chunk_with(chunks_of("xianfa_2018.md"), "第五十七条 中华人民共和国全国人民代表大会是最高国家权力机关")
    assert c.heading_path == "第三章 国家机构 > 第一节 全国人民代表大会 > 第五十七条"
    assert c.location == "第三章 > 第一节 > 第五十七条"


def test_the_preamble_is_a_unit_of_its_own(chunks_of):
    c = chunk_with(chunks_of("xianfa_2018.md"), "中国是世界上历史最悠久的国家之一")
    assert c.heading_path == "序言"
    assert c.location.startswith("序言 · 第")


def test_report_chunks_carry_their_numbered_headings(chunks_of):
    chunks = chunks_of("gwr_2025_guowuyuan.txt")
    c = chunk_with(chunks, "实施提振消费专项行动")
    assert c.heading_path == "三、2025年政府工作任务 > （一）大力提振消费、提高投资效益，全方位扩大国内需求"
    assert re.fullmatch(r"第\d+(–\d+)?段", c.location)
    first = chunk_with(chunks, "一、2024年工作回顾")
    assert first.heading_path == "一、2024年工作回顾"
    assert not first.text.endswith("一、2024年工作回顾")  # the heading leads text, it is not left alone


def test_a_long_numbered_paragraph_stays_body_text_and_names_its_chunk_by_its_lead_phrase(chunks_of):
    c = chunk_with(chunks_of(ZHUZHOU), "市城管局党组坚持党建引领")
    assert c.heading_path == "一、党建引领,凝聚队伍向心力"
    assert c.text.startswith("一、党建引领,凝聚队伍向心力。市城管局党组坚持党建引领")


def test_newspaper_chunks_carry_the_article_title_author_and_place(chunks_of):
    c = chunk_with(chunks_of(ZHUZHOU), "空气质量达标率达82.1%")
    assert c.title == "坚持以党建“红”引领生态“绿”"
    assert c.author == "周其伟" and c.affiliation == "市生态环境局党组书记、局长"
    assert re.fullmatch(r"第5篇 · 第\d+(–\d+)?段", c.location)
    assert c.doc_title == "测试文档"


def test_an_authors_role_sits_in_the_same_chunk_as_the_author_name(chunks_of):
    c = chunk_with(chunks_of(ZHUZHOU), "作者系中共株洲市直属机关工作委员会常务副书记")
    assert "罗显明" in c.text
    assert c.text.startswith("以高质量机关党建推动株洲经济社会高质量发展")


def test_an_unnumbered_newspaper_subheading_opens_its_chunk(chunks_of):
    c = chunk_with(chunks_of(ZHUZHOU), "强化政治机关建设")
    assert c.heading_path == "加强政治建设,夯实“合力攻坚”组织基础"
    assert c.text.startswith("加强政治建设,夯实“合力攻坚”组织基础\n\n")


def test_a_paragraph_longer_than_max_chars_is_cut_at_sentence_ends():
    paragraph = "".join(f"第{i}项工作取得了新进展，各项指标稳步提升。" for i in range(60))
    chunks = split_document(make_doc(paragraph))
    assert len(chunks) > 1
    assert all(len(c.text) <= MAX and c.text.endswith("。") for c in chunks)
    assert "".join(c.text for c in chunks) == paragraph


def test_a_sentence_longer_than_max_chars_is_kept_whole():
    sentence = "、".join(["推进高质量发展"] * 100) + "。"
    chunks = split_document(make_doc(f"一、总体要求\n\n{sentence}"))
    assert [c.text for c in chunks] == [f"一、总体要求\n\n{sentence}"]


def test_a_long_article_of_a_law_is_split_but_keeps_its_number_in_the_path():
    items = "\n\n".join(
        f"（{n}）" + "坚持依法履职，严格执行有关规定，接受人民监督，" * 4 + "不得滥用职权；" for n in "一二三四五六"
    )
    text = f"第一章 总则\n\n第三条 公职人员应当遵守下列规定：\n\n{items}\n\n第四条 本法自公布之日起施行。"
    chunks = split_document(make_doc(text))
    third = [c for c in chunks if "第三条" in c.heading_path]
    assert len(third) > 1 and all(c.heading_path == "第一章 总则 > 第三条" for c in third)
    assert chunks[-1].text == "第四条 本法自公布之日起施行。" and chunks[-1].heading_path == "第一章 总则 > 第四条"


def test_short_paragraphs_are_packed_up_to_the_target_length():
    paragraphs = [f"第{i}段讲的是一件具体的工作，说明了做法和成效，内容相对完整。" for i in range(40)]
    chunks = split_document(make_doc("\n\n".join(paragraphs)))
    assert 1 < len(chunks) < 40
    assert all(len(c.text) <= TARGET for c in chunks[:-1])
    assert chunks[0].location.startswith("第1–")


def test_overlap_repeats_the_last_sentence_of_the_previous_chunk():
    paragraph = "".join(f"第{i}项工作取得了新进展，各项指标稳步提升。" for i in range(60))
    doc = make_doc(paragraph)
    chunks = split_document(doc, overlap_sentences=1)
    for prev, cur in itertools.pairwise(chunks):
        assert cur.text.startswith(sentences(prev.text)[-1])
        assert cur.text in doc.text and len(cur.text) <= MAX


def test_chunk_ids_count_across_the_sections_of_a_page():
    sections = [
        Section(title=f"文章{i}", text=f"文章{i}\n\n这是第{i}篇文章的正文。", location=f"第{i}篇") for i in (1, 2)
    ]
    chunks = split_document(make_doc("", sections, doc_id="page"))
    assert [c.chunk_id for c in chunks] == ["page:0", "page:1"]
    assert [c.title for c in chunks] == ["文章1", "文章2"]
    assert chunks[1].location == "第2篇 · 第1–2段"


def test_a_first_second_item_names_only_its_own_paragraph():
    text = (
        "一、工作回顾\n\n一是稳增长。出台一揽子政策，经济运行总体平稳。\n\n二是促改革。重点领域改革取得新突破。"
        "\n\n这些成绩来之不易。我们要倍加珍惜。"
    )
    chunks = split_document(make_doc(text))
    assert chunk_with(chunks, "出台一揽子政策").heading_path == "一、工作回顾 > 一是稳增长"
    assert chunk_with(chunks, "重点领域改革").heading_path == "一、工作回顾 > 二是促改革"
    assert chunk_with(chunks, "这些成绩来之不易").heading_path == "一、工作回顾"


def test_work_report_items_carry_their_lead_phrase(chunks_of):
    c = chunk_with(chunks_of("gwr_2024_guowuyuan.txt"), "一是加大宏观调控力度")
    assert c.heading_path == "一、2023年工作回顾 > 一是加大宏观调控力度，推动经济运行持续好转"


def test_a_paragraph_citing_an_article_is_not_that_article():
    text = "第一章 总则\n\n第二条 本法适用于公职人员。\n\n第二条规定的公职人员，包括下列人员。"
    chunks = split_document(make_doc(text))
    assert [c.heading_path for c in chunks] == ["第一章 总则 > 第二条"]
