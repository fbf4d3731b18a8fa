"""`python -m kb bench-scale`: how query time, memory and disk grow with the knowledge base (1k, 10k, 100k chunks).

Each size is a real knowledge base on disk, built through `Index.upsert` like an ingest, from:
- the base: a copy of a knowledge base built by `python -m ingest` (default `var/eval-kb`, the dev corpus, made by
  `make eval-kbs`), real documents, real vectors, authority metadata and all, so the dev questions have their answers;
- synthetic documents filling it up to the size: each chunk is a run of real sentences taken from the donor
  knowledge bases' chunks (default the three tuning sources, `var/eval-kb var/crud-kb var/ncp-kb`), recombined:
  consecutive sentences from one real chunk, continued with sentences from another, up to the splitter's 300
  characters. Embedding 100k chunks with the real embedder would take about a day on 2 cores, so vectors are
  reused: a synthetic chunk's vector is the mean of the stored real vectors of the chunks its sentences come from,
  weighted by each sentence's length, normalised. Forty chunks make one synthetic document, titled after the
  document its first sentence comes from.
Then a fresh process opens the knowledge base as an app replica would and asks the dev questions (retrieval plus
the extractive answer, `KnowledgeBase.ask`); it reports p50/p95 of that, of retrieval alone, and its peak RSS.
Each size is built and measured in its own process, so peak RSS is that size's alone. It is a tool over the whole
system, so like `kb bench` it imports `ingest` (lazily).
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_SIZES = [1_000, 10_000, 100_000]
DEFAULT_DONORS = [Path("var/eval-kb"), Path("var/crud-kb"), Path("var/ncp-kb")]
DOC_CHUNKS = 40  # chunks per synthetic document (the dev corpus has 1,051 chunks in 12 documents)
TARGET_CHARS = 300  # as the splitter packs (ingest.pipeline's target_chars)
MAX_CHARS = 480


@dataclass
class SizeResult:
    """One size's figures."""

    chunks: int
    documents: int
    build_s: float
    build_rss_mb: float
    ask_p50_ms: float
    ask_p95_ms: float
    retrieve_p50_ms: float
    retrieve_p95_ms: float
    open_s: float
    rss_mb: float
    disk_mb: float
    answered: int
    questions: int


# -- donors: real sentences with the real vectors of their chunks -----------------------------------------------


def _donor_rows(kb_dir: Path, collection: str) -> tuple[list[tuple[str, str, str]], np.ndarray]:
    """(text, title, heading path) of each chunk of a ready document, and their stored vectors, read-only."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    db = kb_dir / "kb.sqlite3"
    if not db.is_file():
        raise SystemExit(
            f"{kb_dir}: no knowledge base there (make eval-kbs builds var/eval-kb, var/crud-kb, var/ncp-kb)"
        )
    # Copied first: opening a Chroma folder may write to it, and a donor is read, never changed.
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "kb"
        shutil.copytree(kb_dir, copy)
        conn = sqlite3.connect(copy / "kb.sqlite3")
        rows = conn.execute(
            "SELECT c.chunk_id, c.text, c.title, c.heading_path FROM chunks c JOIN documents d ON d.doc_id = c.doc_id"
            " WHERE d.status = 'ready' ORDER BY c.doc_id, c.ordinal"
        ).fetchall()
        conn.close()
        client = chromadb.PersistentClient(
            path=str(copy / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
        )
        col = client.get_collection(collection)
        vectors: dict[str, np.ndarray] = {}
        for i in range(0, len(rows), 1000):
            got = col.get(ids=[r[0] for r in rows[i : i + 1000]], include=["embeddings"])
            vectors.update(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32)))
        client.close()
    kept = [r for r in rows if r[0] in vectors]
    if not kept:
        raise SystemExit(f"{kb_dir}: no chunk with a vector")
    return [(r[1], r[2], r[3]) for r in kept], np.vstack([vectors[r[0]] for r in kept])


class SentencePool:
    """Real sentences, each with the row of its chunk's vector."""

    def __init__(self, donors: list[Path], collection: str) -> None:
        from kb.answer.sentences import split_sentences

        self.chunks: list[list[str]] = []  # sentences of each donor chunk
        self.meta: list[tuple[str, str]] = []  # (title, heading path) of each donor chunk
        parts = []
        for kb_dir in donors:
            rows, vecs = _donor_rows(kb_dir, collection)
            parts.append(vecs)
            for text, title, path in rows:
                sents = [text[s:e] for s, e in split_sentences(text)]
                self.chunks.append([s for s in sents if s.strip()] or [text])
                self.meta.append((title, path))
        self.vectors = np.vstack(parts)

    def synthetic_chunk(self, rng: random.Random) -> tuple[str, int, np.ndarray]:
        """(text, donor chunk it starts from, vector): real sentences run on from one chunk into another."""
        first = rng.randrange(len(self.chunks))
        src = first
        sents = self.chunks[src]
        i = rng.randrange(len(sents))
        pieces: list[str] = []
        acc = np.zeros(self.vectors.shape[1], dtype=np.float64)
        size = 0
        while size < TARGET_CHARS:
            if i >= len(sents):  # this chunk is used up: carry on in another
                src = rng.randrange(len(self.chunks))
                sents, i = self.chunks[src], 0
            s = sents[i][: MAX_CHARS - size]
            if not s:
                break
            pieces.append(s)
            acc += len(s) * self.vectors[src]
            size += len(s)
            i += 1
        norm = np.linalg.norm(acc)
        return "".join(pieces), first, (acc / norm if norm else acc).astype(np.float32)


# -- building one size (in its own process) ---------------------------------------------------------------------


def _settings_for(data_dir: Path):
    from kb.settings import load_settings

    return load_settings(data_dir=data_dir)


def _count_chunks(kb_dir: Path) -> int:
    with sqlite3.connect(kb_dir / "kb.sqlite3") as conn:
        return conn.execute("SELECT count(*) FROM chunks").fetchone()[0]


def build_size(base: Path, donors: list[Path], size: int, out: Path, seed: int = 0) -> dict[str, float]:
    """Copy `base` to `out` and add synthetic documents until it holds `size` chunks; seconds and peak RSS."""
    from ingest.authority import refresh_authority
    from kb.factory import open_index
    from kb.store.index import doc_id_for
    from kb.types import Chunk, SourceDoc

    t0 = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(base, out, ignore=shutil.ignore_patterns("*.lock"))
    settings = _settings_for(out)
    have = _count_chunks(out)
    if size < have:
        raise SystemExit(f"size {size:,} is smaller than the base knowledge base ({have:,} chunks in {base})")
    pool = SentencePool(donors, settings.store.collection)
    rng = random.Random(seed)
    index = open_index(settings)
    try:
        n_doc = 0
        while have < size:
            n = min(DOC_CHUNKS, size - have)
            made = [pool.synthetic_chunk(rng) for _ in range(n)]
            title = f"{pool.meta[made[0][1]][0]}（汇编{n_doc + 1}）"
            source = f"synthetic-{n_doc:06d}.txt"
            doc_id = doc_id_for(source)
            text = "\n\n".join(t for t, _, _ in made)
            doc = SourceDoc(
                doc_id=doc_id,
                source=source,
                path=source,
                content_hash=f"synthetic-{seed}-{n_doc}",
                title=title,
                text=text,
                doc_type="其他",
            )
            chunks = [
                Chunk(
                    chunk_id=f"{doc_id}:{j}",
                    doc_id=doc_id,
                    text=t,
                    source=source,
                    title=title,
                    heading_path=pool.meta[first][1],
                    location=f"第{j + 1}段",
                    doc_title=title,
                    ordinal=j,
                )
                for j, (t, first, _) in enumerate(made)
            ]
            index.upsert(doc, chunks, precomputed=[v.tolist() for _, _, v in made])
            have += n
            n_doc += 1
        refresh_authority(index)  # labels for the new documents, once, as the last ingest of a batch would
    finally:
        index.close()
    return {"build_s": time.perf_counter() - t0, "build_rss_mb": _peak_rss_mb()}


# -- measuring one size (in a fresh process, as a replica opens it) ---------------------------------------------


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_size(kb_dir: Path, questions: list[str], warmup: int = 3) -> dict[str, float]:
    """Open the knowledge base and ask every question: p50/p95 of ask and of retrieval, peak RSS."""
    from kb.factory import build

    t0 = time.perf_counter()
    kb = build(_settings_for(kb_dir))
    try:
        for q in questions[:warmup]:  # jieba, the model, the exact matrix or HNSW index, the router
            kb.ask(q)
        open_s = time.perf_counter() - t0
        ask_ms, ret_ms, answered = [], [], 0
        for q in questions:
            t = time.perf_counter()
            kb.retrieve(q)
            ret_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            a = kb.ask(q)
            ask_ms.append((time.perf_counter() - t) * 1000)
            answered += not a.refused
        documents = len(kb.documents())
        chunks = kb.index.manifest.count_chunks()
    finally:
        kb.close()
    return {
        "ask_p50_ms": statistics.median(ask_ms),
        "ask_p95_ms": _pct(ask_ms, 0.95),
        "retrieve_p50_ms": statistics.median(ret_ms),
        "retrieve_p95_ms": _pct(ret_ms, 0.95),
        "open_s": open_s,
        "rss_mb": _peak_rss_mb(),
        "answered": answered,
        "questions": len(questions),
        "documents": documents,
        "chunks": chunks,
    }


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def _disk_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def _in_child(fn, *args: Any) -> Any:
    # A fresh interpreter per build and per measurement: peak RSS is then that step's alone.
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


# -- the table and the curve ------------------------------------------------------------------------------------


def format_table(results: list[SizeResult], backend: str) -> str:
    """The figures per size, one row each."""
    head = (
        f"{'chunks':>9s}{'docs':>7s}{'ask p50':>9s}{'ask p95':>9s}{'retr p50':>10s}{'retr p95':>10s}"
        f"{'RSS MiB':>9s}{'disk MiB':>10s}{'open s':>8s}{'build s':>9s}{'answered':>10s}"
    )
    lines = [f"backend: {backend}   (ms; ask = retrieval + extractive answer, RSS = peak of the asking process)", head]
    for r in results:
        lines.append(
            f"{r.chunks:9,d}{r.documents:7,d}{r.ask_p50_ms:9.1f}{r.ask_p95_ms:9.1f}{r.retrieve_p50_ms:10.1f}"
            f"{r.retrieve_p95_ms:10.1f}{r.rss_mb:9.0f}{r.disk_mb:10.1f}{r.open_s:8.1f}{r.build_s:9.1f}"
            f"{r.answered:>6d}/{r.questions}"
        )
    return "\n".join(lines)


def plot(results: list[SizeResult], path: Path, title: str) -> None:
    """Query p50/p95 and peak RSS against the number of chunks, log scale, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    import matplotlib.pyplot as plt

    xs = [r.chunks for r in results]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(xs, [r.ask_p50_ms for r in results], "o-", label="ask p50")
    ax1.plot(xs, [r.ask_p95_ms for r in results], "o-", label="ask p95")
    ax1.plot(xs, [r.retrieve_p95_ms for r in results], "o--", label="retrieval p95")
    ax1.axhline(150, color="grey", linestyle=":", label="goal p95 150 ms")
    ax1.set_xscale("log")
    ax1.set_xlabel("chunks")
    ax1.set_ylabel("ms per question")
    ax1.legend()
    ax2.plot(xs, [r.rss_mb / 1024 for r in results], "o-", label="peak RSS (asking process)")
    ax2.plot(xs, [r.disk_mb / 1024 for r in results], "o-", label="size on disk")
    ax2.axhline(4, color="grey", linestyle=":", label="goal RSS 4 GiB")
    ax2.set_xscale("log")
    ax2.set_xlabel("chunks")
    ax2.set_ylabel("GiB")
    ax2.legend()
    fig.suptitle(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run_scale_bench(
    sizes: list[int],
    base: Path,
    donors: list[Path],
    questions_path: Path,
    work: Path | None,
    backend: str,
    png: Path | None,
    keep: bool = False,
) -> int:
    """Build and measure each size; print the table (and write the PNG)."""
    if backend != "sqlite":
        print(
            f"bench-scale --backend {backend}: not available on this branch yet: it needs the index on SQLAlchemy "
            "(KB_DATABASE_URL=postgresql://…) and a Chroma server; only --backend sqlite runs.",
            file=sys.stderr,
        )
        return 2
    questions = [json.loads(x)["question"] for x in open(questions_path, encoding="utf-8") if x.strip()]
    root = Path(tempfile.mkdtemp(prefix="kb-scale-", dir=work)) if work else Path(tempfile.mkdtemp(prefix="kb-scale-"))
    results: list[SizeResult] = []
    load = os.getloadavg()[0]
    try:
        for size in sorted(sizes):
            out = root / f"kb-{size}"
            built = _in_child(build_size, base, donors, size, out)
            got = _in_child(measure_size, out, questions)
            results.append(
                SizeResult(
                    chunks=got["chunks"],
                    documents=got["documents"],
                    build_s=built["build_s"],
                    build_rss_mb=built["build_rss_mb"],
                    ask_p50_ms=got["ask_p50_ms"],
                    ask_p95_ms=got["ask_p95_ms"],
                    retrieve_p50_ms=got["retrieve_p50_ms"],
                    retrieve_p95_ms=got["retrieve_p95_ms"],
                    open_s=got["open_s"],
                    rss_mb=got["rss_mb"],
                    disk_mb=_disk_mb(out),
                    answered=got["answered"],
                    questions=got["questions"],
                )
            )
            print(f"  {size:,} chunks measured (load average {os.getloadavg()[0]:.2f})", file=sys.stderr, flush=True)
            if not keep:
                shutil.rmtree(out)
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
    load_after = os.getloadavg()[0]
    print(
        f"machine: {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB; "
        f"load average {load:.2f} at start, {load_after:.2f} at end; questions: {len(questions)} ({questions_path})"
    )
    print(format_table(results, "SQLite (FTS5) + embedded Chroma"))
    if png:
        plot(results, png, f"bench-scale, SQLite + embedded Chroma, {os.cpu_count()} cores")
        print(f"curve: {png}")
    return 0


def add_cli(sub) -> None:
    """Register `python -m kb bench-scale`."""
    p = sub.add_parser("bench-scale", help="query p50/p95, peak RSS and disk at 1k, 10k and 100k chunks")
    p.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES, help="total chunks of each knowledge base")
    p.add_argument("--base", type=Path, default=DEFAULT_DONORS[0], help="knowledge base every size starts from")
    p.add_argument("--donors", type=Path, nargs="+", default=DEFAULT_DONORS, help="knowledge bases lending sentences")
    p.add_argument("--questions", type=Path, default=Path("../shared/corpus/dev.jsonl"))
    p.add_argument("--work", type=Path, help="folder for the knowledge bases (default: a temp folder)")
    p.add_argument("--keep", action="store_true", help="keep the built knowledge bases (under --work)")
    p.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--png", type=Path, help="write the curve here (e.g. docs/scale.png)")

    def cmd(args) -> int:
        return run_scale_bench(
            args.sizes, args.base, args.donors, args.questions, args.work, args.backend, args.png, args.keep
        )

    p.set_defaults(fn=cmd)
