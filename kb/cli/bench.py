"""`python -m kb bench`: ingest and query speed in one run: the embedding ceiling, our pipeline, the LangChain tutorial.

Three ways through the same corpus, in one process, with the same embedder:
- the ceiling: the very texts our pipeline embeds, handed to the embedder in one call (no reading, splitting,
  storing), which is the most any pipeline with this engine can reach;
- ours: `ingest.pipeline.ingest_paths` into a fresh knowledge base, with a profile of where its time goes;
- the tutorial recipe: RecursiveCharacterTextSplitter(500, 50) + Chroma + the same embedder, top-4.
Every chars/s figure divides the same number (the clean characters of the corpus, as our pipeline counts them)
by each side's seconds, so the ratios are ratios of time for the same work. Then the unchanged corpus is
ingested again (what a re-run costs) and the dev questions are asked through both. It is a tool over the whole
system, so unlike the rest of `kb` it imports `ingest` (lazily).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kb.cli.evaluation import norm
from kb.settings import Settings


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def load_average() -> str:
    """The 1-minute load average, to print beside figures taken on a shared machine."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:  # not every platform has it
        return "?"


class StageClock:
    """Seconds spent inside chosen functions while a block runs, found by wrapping them where they are looked up.

    A profiler would slow the Python-heavy stages (jieba, splitting) more than the C embedder and so distort the
    very shares it reports; wrapping a handful of calls costs nothing measurable.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def watch(self, targets: list[tuple[object, str, str]]) -> Iterator[StageClock]:
        """Time `owner.attr` under `label` for each (owner, attr, label) while the block runs, then restore."""
        saved: list[tuple[object, str, Any]] = []
        try:
            for owner, attr, label in targets:
                original = getattr(owner, attr)
                saved.append((owner, attr, original))
                setattr(owner, attr, self._timed(original, label))
            yield self
        finally:
            for owner, attr, original in reversed(saved):
                setattr(owner, attr, original)

    def _timed(self, fn: Callable[..., Any], label: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - t

        return wrapper


def _corpus_texts(docs: list[Path], settings: Settings) -> tuple[int, list[str], list[str]]:
    """(clean characters of the corpus, the chunk texts and the distinct span texts our pipeline embeds)."""
    from ingest.errors import IngestError
    from ingest.pipeline import chunk_document, read_document
    from kb.answer.extractive import span_texts
    from kb.store.index import embedding_texts

    chars, texts, spans = 0, [], {}
    for p in docs:
        try:
            doc = read_document(p, limits=settings.limits, ocr=settings.ocr)
            chunks = chunk_document(doc, max_chars=480, target_chars=300, max_chunks=settings.limits.max_doc_chunks)
        except IngestError:
            continue  # the pipeline reports it as failed and embeds nothing of it either
        chars += len(doc.text)
        texts.extend(embedding_texts(chunks))
        if settings.store.span_vectors:
            spans.update(dict.fromkeys(s for c in chunks for s in span_texts(c.text)))
    return chars, texts, list(spans)


def _ceiling(texts: list[str], embeddings) -> float:
    """Seconds the embedder alone takes for the texts, in batches of its batch size (as the pipeline calls it)."""
    batch = max(1, int(getattr(embeddings, "batch_size", 32)))
    t = time.perf_counter()
    for i in range(0, len(texts), batch):
        embeddings.embed_documents(texts[i : i + batch])
    return time.perf_counter() - t


def _tutorial(docs: list[Path], questions: list[dict], embeddings, workdir: Path) -> dict[str, float]:
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from ingest.loaders import load_file

    t0 = time.perf_counter()
    texts, metas, chars = [], [], 0
    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
    for p in docs:
        raw = load_file(p)
        chars += len(raw.text)
        for piece in splitter.split_text(raw.text):
            texts.append(piece)
            metas.append({"source": p.name})
    store = Chroma(
        collection_name="tutorial", embedding_function=embeddings, persist_directory=str(workdir / "tutorial")
    )
    for i in range(0, len(texts), 256):
        store.add_texts(texts[i : i + 256], metadatas=metas[i : i + 256])
    ingest_s = time.perf_counter() - t0
    _forget_questions(embeddings)  # our passes embedded these questions: the tutorial starts cold too
    lat, found = [], 0
    answerable = [q for q in questions if q["answer"] != "NOT_IN_KB"]
    for q in questions:
        t = time.perf_counter()
        docs_ = store.similarity_search(q["question"], k=4)
        lat.append((time.perf_counter() - t) * 1000)
        if q["answer"] != "NOT_IN_KB" and norm(q["evidence"]) in norm("".join(d.page_content for d in docs_)):
            found += 1
    return {
        "raw_chars": chars,
        "chunks": len(texts),
        "embedded_chars": sum(len(t) for t in texts),
        "ingest_s": ingest_s,
        "p50_ms": statistics.median(lat) if lat else 0.0,
        "p95_ms": _pct(lat, 0.95) if lat else 0.0,
        "evidence_top4": found / max(len(answerable), 1),
    }


def _forget_questions(embeddings) -> None:
    clear = getattr(embeddings, "clear", None)
    if clear is not None:
        clear()


def _timed(kb, question: str):
    t = time.perf_counter()
    a = kb.ask(question)
    return (time.perf_counter() - t) * 1000, a


def _pipeline_stages(index) -> list[tuple[object, str, str]]:
    """The calls our ingest is made of, as (owner, attribute, label) for StageClock."""
    import ingest.pipeline as pipeline
    from kb.store import lexical, lexical_pg, manifest, span_vectors, vectors

    return [
        (lexical_pg, "tokenize", "jieba tokens for FTS"),
        (lexical_pg.PgLexicalIndex, "add", "FTS rows (incl. jieba)"),
        (pipeline, "read_document", "read, clean, articles, metadata"),
        (pipeline, "chunk_document", "split into chunks"),
        (index.embeddings, "embed_documents", "embed (the engine)"),
        (vectors.VectorStore, "add_vectors", "Chroma add"),
        (vectors.VectorStore, "delete_doc", "Chroma delete (old vectors)"),
        (lexical, "tokenize", "jieba tokens for FTS"),
        (lexical.LexicalIndex, "add", "FTS rows (incl. jieba)"),
        (manifest.Manifest, "put_chunks", "chunk rows"),
        (span_vectors.SpanVectors, "put", "span vector rows"),
        (pipeline, "refresh_authority", "authority labels"),
        (pipeline, "same_content_as", "duplicate check"),
    ]


def _ours(docs: list[Path], questions: list[dict], settings: Settings, embeddings) -> dict[str, Any]:
    from ingest.pipeline import ingest_paths
    from kb.factory import build, open_index

    index = open_index(settings, embeddings)
    clock = StageClock()
    with clock.watch(_pipeline_stages(index)):
        report = ingest_paths(index, docs, limits=settings.limits, ocr=settings.ocr)
    again = ingest_paths(index, docs, limits=settings.limits, ocr=settings.ocr)
    # The same questions three ways, each pass with cold caches (question vectors included): no sentence scoring,
    # sentence scoring that embeds its spans per question (as before span vectors), and ours (stored span vectors).
    answer_off = settings.answer.model_copy(update={"embed_sentences": 0})
    store_off = settings.store.model_copy(update={"span_vectors": False})
    passes = {
        "plain": settings.model_copy(update={"answer": answer_off}),
        "per_question": settings.model_copy(update={"store": store_off}),
    }
    lat_of: dict[str, list[float]] = {}
    for name, variant in passes.items():
        _forget_questions(embeddings)
        kb_variant = build(variant, index=index)
        lat_of[name] = [_timed(kb_variant, q["question"])[0] for q in questions]
    _forget_questions(embeddings)
    kb = build(settings, index=index)
    lat, found = [], 0
    answerable = [q for q in questions if q["answer"] != "NOT_IN_KB"]
    for q in questions:
        ms, a = _timed(kb, q["question"])
        lat.append(ms)
        if q["answer"] != "NOT_IN_KB" and norm(q["evidence"]) in norm("".join(c.passage for c in a.citations)):
            found += 1
    chunks = index.manifest.count_chunks()
    index.close()
    return {
        "passes": {k: (statistics.median(v) if v else 0.0, _pct(v, 0.95) if v else 0.0) for k, v in lat_of.items()},
        "span_rows": index.span_vectors.count(),
        "chars": report.chars,
        "chunks": chunks,
        "ingest_s": report.seconds,
        "reingest_s": again.seconds,
        "reingest_unchanged": sum(r.status == "unchanged" for r in again.results),
        "stages": dict(clock.seconds),
        "p50_ms": statistics.median(lat) if lat else 0.0,
        "p95_ms": _pct(lat, 0.95) if lat else 0.0,
        "evidence_cited": found / max(len(answerable), 1),
        "failed_files": len(report.failed),
    }


def run_bench(settings: Settings, docs_dir: Path, questions_path: Path | None, keep: Path | None = None) -> int:
    """Print ingest chars/s of the ceiling, ours and the tutorial with their ratios, re-ingest time, query p50/p95.

    `keep` is where our knowledge base is built and left (default: a temp folder, removed)."""
    from ingest.pipeline import expand_paths
    from kb.store.embeddings import build_embeddings

    docs, _ = expand_paths([docs_dir])
    questions = [json.loads(x) for x in open(questions_path, encoding="utf-8") if x.strip()] if questions_path else []
    embeddings = build_embeddings(settings.embedding)
    embeddings.embed_query("预热")  # load the model before timing any side
    load_before = load_average()
    chars, texts, spans = _corpus_texts(docs, settings)
    chunks_s = _ceiling(texts, embeddings)
    spans_s = _ceiling(spans, embeddings)
    ceiling_s = chunks_s + spans_s
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # --kb keeps our knowledge base (e.g. to evaluate the answers it gives); it must be new.
        if keep is not None and keep.exists() and any(keep.iterdir()):
            raise SystemExit(f"{keep} is not empty: bench --kb needs a new folder")
        s = settings.model_copy(update={"data_dir": keep or work / "ours"})
        ours = _ours(docs, questions, s, embeddings)
        base = _tutorial(docs, questions, embeddings, work)
    rate = {
        "chunks": chars / chunks_s,
        "ceiling": chars / ceiling_s,
        "ours": chars / ours["ingest_s"],
        "tutorial": chars / base["ingest_s"],
    }
    print(
        f"documents: {len(docs)}  clean characters: {chars:,}  questions: {len(questions)}  "
        f"embedder: {getattr(embeddings, 'name', '?')} (batch {getattr(embeddings, 'batch_size', '?')})  "
        f"cores: {os.cpu_count()}  load average: {load_before} before, {load_average()} after"
    )
    print(
        f"embedded: ours {len(texts):,} chunks, {sum(map(len, texts)):,} chars and {len(spans):,} answer spans, "
        f"{sum(map(len, spans)):,} chars ({ours['span_rows']:,} span rows); "
        f"tutorial {base['chunks']:,} chunks, {base['embedded_chars']:,} chars"
    )
    print(f"{'ingest':34s}{'seconds':>9s}{'chars/s':>10s}{'×ceiling':>10s}")
    for key, label, seconds in (
        ("chunks", "embedding the chunks only", chunks_s),
        ("ceiling", "embedding chunks + spans (ceiling)", ceiling_s),
        ("ours", "our pipeline", ours["ingest_s"]),
        ("tutorial", "LangChain tutorial", base["ingest_s"]),
    ):
        print(f"{label:34s}{seconds:9.1f}{rate[key]:10.1f}{rate[key] / rate['ceiling']:10.2f}")
    print(f"{'ours/tutorial':34s}{'':9s}{'':10s}{rate['ours'] / rate['tutorial']:10.2f}")
    print(
        f"re-ingest of the unchanged corpus: {ours['reingest_s']:.2f} s "
        f"({ours['reingest_unchanged']} of {len(docs)} files unchanged)"
    )
    print("where our pipeline's time goes (seconds; FTS rows include their jieba time):")
    stages = ours["stages"]
    for label, sec in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"  {label:34s}{sec:8.2f}{sec / ours['ingest_s']:8.1%}")
    print(f"  {'everything else':34s}{ours['ingest_s'] - _outer(stages):8.2f}")
    print(f"{'query (dev questions)':34s}{'ours':>9s}{'tutorial':>10s}{'ours/tut.':>10s}")
    for key, label in (("p50_ms", "p50 ms"), ("p95_ms", "p95 ms")):
        print(f"{label:34s}{ours[key]:9.1f}{base[key]:10.1f}{ours[key] / base[key] if base[key] else 0:10.2f}")
    print(f"{'evidence in passages':34s}{ours['evidence_cited']:9.3f}{base['evidence_top4']:10.3f}")
    passes = ours["passes"]
    print(f"{'query p50/p95 ms, same run':34s}{'p50':>9s}{'p95':>10s}{'p95/ours':>10s}")
    for key, label in (
        ("plain", "no sentence scoring"),
        ("per_question", "spans embedded per question"),
    ):
        p50, p95 = passes[key]
        print(f"{label:34s}{p50:9.1f}{p95:10.1f}{p95 / ours['p95_ms'] if ours['p95_ms'] else 0:10.2f}")
    print(f"{'ours (stored span vectors)':34s}{ours['p50_ms']:9.1f}{ours['p95_ms']:10.1f}{1.0:10.2f}")
    print(
        "(ours: retrieval + extractive answer with citations; tutorial: similarity search only. "
        f"chars/s = the {chars:,} clean characters / each side's seconds)"
    )
    return 0


def _outer(stages: dict[str, float]) -> float:
    # jieba runs inside "FTS rows", so it is not added twice.
    return sum(sec for label, sec in stages.items() if label != "jieba tokens for FTS")
