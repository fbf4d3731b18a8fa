"""The chat path the web app uses, over a real index of the bundled sample: streaming, follow-ups,
filters, context, and the admin actions (upload with progress, delete, re-index)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ingest.admin import KBAdmin
from ingest.pipeline import ingest_paths
from kb.answer.extractive import REFUSAL_TEXT
from kb.answer.followup import Exchange
from kb.factory import build, open_index
from kb.types import Answer

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def kb(tmp_path_factory, embedder):
    from kb.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("chat") / "kb")
    index = open_index(settings, embedder)
    ingest_paths(index, [SAMPLE])
    knowledge = build(settings, index=index)
    yield knowledge
    knowledge.close()


def stream(kb, question: str, **kw) -> tuple[list[str], Answer]:
    out = list(kb.ask_stream(question, **kw))
    *pieces, answer = out
    assert isinstance(answer, Answer) and all(isinstance(p, str) for p in pieces)
    return pieces, answer


@pytest.mark.slow
def test_an_extractive_answer_streams_sentence_by_sentence_and_ends_with_the_checked_answer(kb):
    pieces, a = stream(kb, "动力党建·合力攻坚工程是谁提出的？")
    assert not a.refused and a.citations
    assert "".join(pieces) == a.text and len(pieces) >= 2
    assert all(p.rstrip().endswith("]") for p in pieces)
    assert "市直机关工委提出" in a.text and a.citations[0].quote in a.citations[0].passage
    assert a.timings["total_ms"] > 0 and a.rewritten_question == ""


@pytest.mark.slow
def test_a_refusal_streams_the_refusal_text_with_related_passages(kb):
    pieces, a = stream(kb, "个人所得税的起征点是多少？")
    assert a.refused and pieces == [REFUSAL_TEXT] and a.citations == []


@pytest.mark.slow
def test_absurd_input_gets_a_clear_reply_and_a_long_question_is_not_reported_as_rewritten(kb):
    _, a = stream(kb, "   ")
    assert a.refused and a.text == "请输入问题。"
    for q in ("1", "[1]", "第"):
        assert stream(kb, q)[1].refused
    _, a = stream(kb, "动力党建·合力攻坚工程是谁提出的？" + "党" * 100_000)
    assert a.rewritten_question == ""


@pytest.mark.slow
def test_a_follow_up_is_rewritten_with_the_conversation_before_retrieval(kb):
    _, first = stream(kb, "株洲市直机关实施了什么工程？")
    _, a = stream(kb, "这个工程是谁提出的？", history=[Exchange("株洲市直机关实施了什么工程？", first.text)])
    assert a.rewritten_question == "“动力党建·合力攻坚”工程是谁提出的？"
    assert a.question == "这个工程是谁提出的？" and not a.refused and "提出" in a.text


@pytest.mark.slow
def test_filters_restrict_the_documents_searched(kb):
    (doc,) = kb.documents()
    assert kb.scope() is None
    assert kb.scope(doc_ids=[doc.doc_id]) == [doc.doc_id]
    assert kb.scope(doc_types=[doc.doc_type or "其他"]) == [doc.doc_id]
    assert kb.scope(doc_types=["法律法规"]) == []
    _, a = stream(kb, "动力党建·合力攻坚工程是谁提出的？", doc_ids=kb.scope(doc_types=["法律法规"]))
    assert a.refused


@pytest.mark.slow
def test_the_context_of_a_cited_chunk_is_its_neighbours_in_reading_order(kb):
    _, a = stream(kb, "株洲市城管系统有多少名党员干部奋战一线？")
    before, after = kb.context(a.citations[0].chunk_id)
    n = int(a.citations[0].chunk_id.rsplit(":", 1)[1])
    assert [c.ordinal for c in before + after] == [o for o in (n - 1, n + 1) if o >= 0]
    assert kb.context("nope:1") == ([], [])


def _docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("白沙村村民议事会议事规则", level=1)
    d.add_paragraph("第二条　白沙村村民议事会每月召开一次全体会议，由村党支部书记主持。")
    d.save(str(path))
    return path


@pytest.mark.slow
def test_admin_upload_reports_progress_per_file_and_a_bad_file_does_not_stop_the_rest(tmp_path, embedder):
    from kb.settings import AppSettings, Settings

    settings = Settings(data_dir=tmp_path / "kb", app=AppSettings(max_upload_mb=1))
    index = open_index(settings, embedder)
    kb = build(settings, index=index)
    admin = KBAdmin(settings, index)
    good = _docx(tmp_path / "白沙村议事规则.docx")
    bad = tmp_path / "坏文件.pdf"
    bad.write_bytes(b"not a pdf at all")
    bundle = tmp_path / "folder.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("a/护林规定.txt", "黄土岭乡规定：护林员每周巡山两次。\n")
    big = tmp_path / "大文件.txt"
    big.write_bytes(b"a" * (2 * 2**20))
    seen: list[tuple[float, str]] = []
    outcome = admin.upload(
        [("白沙村议事规则.docx", good), ("坏文件.pdf", bad), ("folder.zip", bundle), ("大文件.txt", big)],
        progress=lambda f, d: seen.append((f, d)),
    )
    status = {r.path.name: r.status for r in outcome.results}
    assert status == {"白沙村议事规则.docx": "added", "坏文件.pdf": "failed", "护林规定.txt": "added"}
    assert [r.name for r in outcome.rejected] == ["大文件.txt"]
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("已索引" in d and "白沙村议事规则.docx" in d for _, d in seen)
    assert any(line.startswith("✗ 坏文件.pdf") for line in outcome.lines())

    _, a = stream(kb, "白沙村村民议事会多久召开一次？")
    assert not a.refused and a.citations[0].source == "白沙村议事规则.docx"
    r = admin.reindex("白沙村议事规则.docx")
    assert r.status == "updated" and r.chunks >= 1
    assert admin.remove("白沙村议事规则.docx") and not (settings.data_dir / "uploads" / "白沙村议事规则.docx").exists()
    assert "白沙村议事规则.docx" not in [d.source for d in admin.documents()]
    _, a = stream(kb, "白沙村村民议事会多久召开一次？")
    assert all(c.source != "白沙村议事规则.docx" for c in a.citations)
    assert admin.reindex("白沙村议事规则.docx").status == "failed"
    kb.close()


@pytest.mark.slow
def test_uploading_and_deleting_a_document_refreshes_the_glossary_and_its_retrieval(tmp_path, embedder):
    from kb.learn.glossary import attach
    from kb.learn.glossary import refresh as refresh_glossary
    from kb.settings import Settings

    settings = Settings(data_dir=tmp_path / "kb")
    index = open_index(settings, embedder)
    kb = build(settings, index=index)
    attach(kb)
    admin = KBAdmin(settings, index, on_change=lambda: refresh_glossary(kb))
    rules = tmp_path / "红旗村村务规则.txt"
    rules.write_text(
        "红旗村村务规则\n\n红旗村推行“三亮三比”活动，即亮身份、亮承诺、亮实绩，比服务、比奉献、比作风。\n",
        encoding="utf-8",
    )
    assert "三亮三比" not in kb.glossary
    outcome = admin.upload([("红旗村村务规则.txt", rules)])
    assert [r.status for r in outcome.results] == ["added"]
    assert "三亮三比" in kb.glossary and "亮身份" in kb.glossary["三亮三比"]
    assert admin.remove("红旗村村务规则.txt")
    assert "三亮三比" not in kb.glossary
    kb.close()


class _Counting:
    """The real embedder, counting the questions it embeds."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner, self.queries = inner, []
        self.name, self.batch_size = inner.name, inner.batch_size

    def embed_documents(self, texts):  # type: ignore[no-untyped-def]
        return self.inner.embed_documents(texts)

    def embed_query(self, text):  # type: ignore[no-untyped-def]
        self.queries.append(text)
        return self.inner.embed_query(text)


@pytest.mark.slow
def test_an_answer_embeds_its_question_once_for_retrieval_and_the_sentence_scorer(kb):
    from kb.store.embeddings import QueryCache

    counting = _Counting(kb.index.embeddings)
    cached = QueryCache(counting)
    knowledge = build(kb.settings, index=open_index(kb.settings, cached))
    try:
        question = "党员有哪些义务？"
        answer = knowledge.ask(question)
        assert not answer.refused and knowledge.settings.answer.embed_sentences > 0
        assert counting.queries == [question]  # dense retrieval embedded it; the sentence scorer reused it
        knowledge.ask(question)
        assert counting.queries == [question]  # asked again: not embedded again
    finally:
        knowledge.close()
