"""`python -m kb bench`: ingest and query speed, ours against the LangChain tutorial pipeline, in one run.

The baseline is the tutorial recipe: RecursiveCharacterTextSplitter(500, 50) +
Chroma + the same embedder, top-4. Both sides embed with the same model on the
same machine in the same process, so the ratios are fair. It is a tool over the
whole system, so unlike the rest of `kb` it imports `ingest` (lazily).
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from kb.cli.evaluation import norm
from kb.settings import Settings


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


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
    lat, found = [], 0
    answerable = [q for q in questions if q["answer"] != "NOT_IN_KB"]
    for q in questions:
        t = time.perf_counter()
        docs_ = store.similarity_search(q["question"], k=4)
        lat.append((time.perf_counter() - t) * 1000)
        if q["answer"] != "NOT_IN_KB" and norm(q["evidence"]) in norm("".join(d.page_content for d in docs_)):
            found += 1
    return {
        "chars": chars,
        "ingest_s": ingest_s,
        "chars_per_s": chars / ingest_s,
        "p50_ms": statistics.median(lat),
        "p95_ms": _pct(lat, 0.95),
        "evidence_top4": found / max(len(answerable), 1),
    }


def _timed(kb, question: str):
    t = time.perf_counter()
    a = kb.ask(question)
    return (time.perf_counter() - t) * 1000, a


def _ours(docs: list[Path], questions: list[dict], settings: Settings, embeddings) -> dict[str, float]:
    from ingest.pipeline import ingest_paths
    from kb.factory import build, open_index

    index = open_index(settings, embeddings)
    report = ingest_paths(index, docs)
    # The same questions without the sentence embeddings first (their cost is what this run measures), then
    # with them; each pass starts with cold caches of its own.
    plain = settings.model_copy(update={"answer": settings.answer.model_copy(update={"embed_sentences": 0})})
    kb_plain = build(plain, index=index)
    lat_plain = [_timed(kb_plain, q["question"])[0] for q in questions]
    kb = build(settings, index=index)
    lat, found = [], 0
    answerable = [q for q in questions if q["answer"] != "NOT_IN_KB"]
    for q in questions:
        ms, a = _timed(kb, q["question"])
        lat.append(ms)
        if q["answer"] != "NOT_IN_KB" and norm(q["evidence"]) in norm("".join(c.passage for c in a.citations)):
            found += 1
    index.close()
    return {
        "p50_no_sentence_embedding_ms": statistics.median(lat_plain) if lat_plain else 0.0,
        "p95_no_sentence_embedding_ms": _pct(lat_plain, 0.95) if lat_plain else 0.0,
        "chars": report.chars,
        "ingest_s": report.seconds,
        "chars_per_s": report.chars / report.seconds,
        "p50_ms": statistics.median(lat),
        "p95_ms": _pct(lat, 0.95),
        "evidence_cited": found / max(len(answerable), 1),
        "failed_files": len(report.failed),
    }


def run_bench(settings: Settings, docs_dir: Path, questions_path: Path | None) -> int:
    """Print ingest chars/s and query p50/p95 for both pipelines, and our/their ratios."""
    from ingest.pipeline import expand_paths
    from kb.store.embeddings import build_embeddings

    docs, _ = expand_paths([docs_dir])
    questions = [json.loads(x) for x in open(questions_path, encoding="utf-8") if x.strip()] if questions_path else []
    embeddings = build_embeddings(settings.embedding)
    embeddings.embed_query("预热")  # load the model before timing either side
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        s = settings.model_copy(update={"data_dir": work / "ours"})
        ours = _ours(docs, questions, s, embeddings)
        base = _tutorial(docs, questions, embeddings, work)
    print(f"documents: {len(docs)}  questions: {len(questions)}  embedder: {getattr(embeddings, 'name', '?')}")
    print(f"{'':22s}{'ours':>12s}{'tutorial':>12s}{'ours/tutorial':>15s}")
    for key, label in (("chars_per_s", "ingest chars/s"), ("p50_ms", "query p50 ms"), ("p95_ms", "query p95 ms")):
        print(f"{label:22s}{ours[key]:12.1f}{base[key]:12.1f}{ours[key] / base[key]:15.2f}")
    print(f"{'evidence in passages':22s}{ours['evidence_cited']:12.3f}{base['evidence_top4']:12.3f}")
    p50, p95 = ours["p50_no_sentence_embedding_ms"], ours["p95_no_sentence_embedding_ms"]
    print(
        f"query p50/p95 ms without sentence embeddings: {p50:.1f}/{p95:.1f}; with them (ours above): "
        f"{ours['p50_ms']:.1f}/{ours['p95_ms']:.1f} ({ours['p95_ms'] / p95 if p95 else 0:.2f}x at p95)"
    )
    print(
        "(ours: full pipeline incl. cleaning, article split, lexical index, answer composition; "
        "tutorial: split + embed, similarity search only)"
    )
    return 0
