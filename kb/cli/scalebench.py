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
  document its first sentence comes from. Its answer spans (kb/store/span_vectors.py) get the donors' stored span
  vectors where a span is one of theirs; the others (6%: spans across two donor chunks) get their chunk's vector.
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
from collections import ChainMap
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from kb.store.index import Index

DEFAULT_SIZES = [1_000, 10_000, 100_000]
DEFAULT_DONORS = [Path("var/eval-kb"), Path("var/crud-kb"), Path("var/ncp-kb")]
DOC_CHUNKS = 40  # chunks per synthetic document (the dev corpus has 1,051 chunks in 12 documents)
TARGET_CHARS = 300  # as the splitter packs (ingest.pipeline's target_chars)
MAX_CHARS = 480


@dataclass(frozen=True)
class Backend:
    """Where the knowledge bases live: SQLite + embedded Chroma in the folder, or PostgreSQL + a Chroma server."""

    name: str
    database_url: str = ""
    chroma_host: str = ""
    chroma_port: int = 8000


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


def _read_kb(
    kb_dir: Path, collection: str
) -> tuple[list[tuple], list[dict[str, Any]], dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(document rows, chunk rows, vectors by chunk id, span vectors by span key) of the ready documents of a SQLite
    knowledge base, read-only."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    if not (kb_dir / "kb.sqlite3").is_file():
        raise SystemExit(
            f"{kb_dir}: no knowledge base there (make eval-kbs builds var/eval-kb, var/crud-kb, var/ncp-kb)"
        )
    # Copied first: opening a Chroma folder may write to it, and a donor is read, never changed.
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "kb"
        shutil.copytree(kb_dir, copy, ignore=shutil.ignore_patterns("*.lock"))
        conn = sqlite3.connect(copy / "kb.sqlite3")
        conn.row_factory = sqlite3.Row
        docs = [tuple(r) for r in conn.execute("SELECT * FROM documents WHERE status = 'ready' ORDER BY source")]
        chunks = [
            dict(r)
            for r in conn.execute(
                "SELECT c.* FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE d.status = 'ready'"
                " ORDER BY c.doc_id, c.ordinal"
            )
        ]
        has_spans = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'span_vectors'").fetchone()
        spans = (
            {r[0]: np.frombuffer(r[1], dtype=np.float32) for r in conn.execute("SELECT key, vec FROM span_vectors")}
            if has_spans
            else {}
        )
        conn.close()
        client = chromadb.PersistentClient(
            path=str(copy / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
        )
        col = client.get_collection(collection)
        vectors: dict[str, np.ndarray] = {}
        for i in range(0, len(chunks), 1000):
            got = col.get(ids=[c["chunk_id"] for c in chunks[i : i + 1000]], include=["embeddings"])
            vectors.update(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32)))
        client.close()
    return docs, [c for c in chunks if c["chunk_id"] in vectors], vectors, spans


def _donor_rows(kb_dir: Path, collection: str) -> tuple[list[tuple[str, str, str]], np.ndarray, dict[str, np.ndarray]]:
    """(text, title, heading path) of each chunk with a vector, those vectors, and the span vectors."""
    _, chunks, vectors, spans = _read_kb(kb_dir, collection)
    if not chunks:
        raise SystemExit(f"{kb_dir}: no chunk with a vector")
    rows = [(c["text"], c["title"], c["heading_path"]) for c in chunks]
    return rows, np.vstack([vectors[c["chunk_id"]] for c in chunks]), spans


class SentencePool:
    """Real sentences, each with the row of its chunk's vector."""

    def __init__(self, donors: list[Path], collection: str) -> None:
        from kb.answer.sentences import split_sentences

        self.chunks: list[list[str]] = []  # sentences of each donor chunk
        self.meta: list[tuple[str, str]] = []  # (title, heading path) of each donor chunk
        # The donors' span vectors (kb/store/span_vectors.py): a synthetic chunk's spans are mostly real sentences
        # that have one; the rest are embedded as the chunk is added, as ingest would.
        self.spans: dict[str, np.ndarray] = {}
        parts = []
        for kb_dir in donors:
            rows, vecs, spans = _donor_rows(kb_dir, collection)
            parts.append(vecs)
            self.spans.update(spans)
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


def _settings_for(data_dir: Path, backend: Backend):
    from kb.settings import load_settings

    settings = load_settings(data_dir=data_dir)
    if backend.database_url:
        # One schema and one collection per size, so the sizes share the servers without mixing.
        name = data_dir.name.replace("-", "_")
        store = settings.store.model_copy(
            update={
                "database_url": backend.database_url,
                "kb_id": name,
                "chroma_host": backend.chroma_host,
                "chroma_port": backend.chroma_port,
                "collection": f"{settings.store.collection}_{name}",
            }
        )
        settings = settings.model_copy(update={"store": store})
    return settings


def _copy_base(index, base: Path) -> int:
    """Every ready document of `base` with its chunks and its stored vectors, upserted into `index`; chunks added."""
    from dataclasses import fields

    from kb.types import Chunk, SourceDoc

    docs, chunks, vectors, spans = _read_kb(base, _base_collection())
    names = {f.name for f in fields(Chunk)}
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for c in chunks:
        by_doc.setdefault(c["doc_id"], []).append(c)
    n = 0
    for row in docs:
        (doc_id, source, path, content_hash, title, author, affiliation, date, doc_type) = row[:9]
        rows = by_doc.get(doc_id, [])
        if not rows:
            continue
        doc = SourceDoc(
            doc_id=doc_id,
            source=source,
            path=path,
            content_hash=content_hash,
            title=title,
            text="\n\n".join(r["text"] for r in rows),
            author=author,
            affiliation=affiliation,
            date=date,
            doc_type=doc_type,
        )
        part = [Chunk(**{k: v for k, v in r.items() if k in names}) for r in rows]
        index.upsert(doc, part, precomputed=[vectors[r["chunk_id"]].tolist() for r in rows], precomputed_spans=spans)
        n += len(part)
    return n


def _base_collection() -> str:
    from kb.settings import load_settings

    return load_settings().store.collection


def _made(out: Path, backend: Backend, fill: Callable[[Index], None]) -> dict:
    """A fresh knowledge base at `out` (and on the backend's servers) that `fill` adds to; build time and peak RSS."""
    from ingest.authority import refresh_authority
    from kb.factory import open_index

    t0 = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    index = open_index(_settings_for(out, backend))
    try:
        if index.manifest.count_chunks():
            raise SystemExit(f"{backend.name}: the knowledge base for {out.name} is not empty (a former run's?)")
        fill(index)
        # Standing of every document, read from the stored text as for an index made before it existed, once.
        refresh_authority(index, backfill=True)
        index.maintain()  # as an ingest run ends (ingest/pipeline.py)
    finally:
        index.close()
    return {"build_s": time.perf_counter() - t0, "build_rss_mb": _peak_rss_mb()}


def build_size(base: Path, donors: list[Path], size: int, out: Path, backend: Backend, seed: int = 0) -> dict:
    """A knowledge base of `size` chunks at `out` (and on the backend's servers): `base`, then synthetic documents."""
    return _made(out, backend, lambda index: _fill(index, base, donors, size, seed))


def _fill(index: Index, base: Path, donors: list[Path], size: int, seed: int) -> None:
    """`base` copied into `index`, then synthetic documents of recombined sentences up to `size` chunks."""
    from kb.store.index import doc_id_for
    from kb.types import Chunk, SourceDoc

    pool = SentencePool(donors, _base_collection())
    rng = random.Random(seed)
    have = _copy_base(index, base)  # a size below the base's own is the base (the table shows the real count)
    n_doc = 0
    while have < size:
        n = min(DOC_CHUNKS, size - have)
        made = [pool.synthetic_chunk(rng) for _ in range(n)]
        title = f"{pool.meta[made[0][1]][0]}（汇编{n_doc + 1}）"
        source = f"synthetic-{n_doc:06d}.txt"
        doc_id = doc_id_for(source)
        doc = SourceDoc(
            doc_id=doc_id,
            source=source,
            path=source,
            content_hash=f"synthetic-{seed}-{n_doc}",
            title=title,
            text="\n\n".join(t for t, _, _ in made),
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
        index.upsert(
            doc,
            chunks,
            precomputed=[v.tolist() for _, _, v in made],
            precomputed_spans=_span_vectors(index, pool, made),
        )
        have += n
        n_doc += 1


def _span_vectors(index: Index, pool: SentencePool, made: list[tuple[str, int, np.ndarray]]) -> Mapping[str, Any]:
    """The donors' span vectors, and for a span of these chunks that no donor has its chunk's vector.

    Such spans run across two donor chunks' sentences or are cut at the chunk's end: 6% of them (117 of 1,868 in
    300 chunks), yet embedding them was 60% of a build's time (101 → 41 s for 2,000 chunks), and a benchmark of
    query time does not need their exact vectors (the chunk's own is a mean of real ones)."""
    from kb.store.span_vectors import span_key

    if index.spans is None:
        return pool.spans
    extra: dict[str, np.ndarray] = {}
    for text, _, vec in made:
        for span in index.spans(text):
            key = span_key(span)
            if key not in pool.spans:
                extra.setdefault(key, vec)
    return ChainMap(extra, pool.spans)


def copy_size(source: Path, out: Path, backend: Backend) -> dict:
    """The SQLite knowledge base `source` (an earlier --keep run's kb-<size>) copied into `out` on the backend:
    the same documents, chunks, vectors and span vectors, added through `Index.upsert` as a build adds them, so
    both backends are measured on one knowledge base and nothing is embedded again."""
    return _made(out, backend, lambda index: _copy_base(index, source))


# -- measuring one size (in a fresh process, as a replica opens it) ---------------------------------------------


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_size(kb_dir: Path, questions: list[str], backend: Backend, warmup: int = 3) -> dict[str, float]:
    """Open the knowledge base and ask every question: p50/p95 of ask and of retrieval, peak RSS, database size."""
    from kb.factory import build

    t0 = time.perf_counter()
    kb = build(_settings_for(kb_dir, backend))
    try:
        for q in questions[:warmup]:  # jieba, the model, the exact matrix or HNSW index, the router
            kb.ask(q)
        open_s = time.perf_counter() - t0
        ask_ms, ret_ms, answered = [], [], 0
        retrieve = kb.retrieve

        def timed_retrieve(*args: Any, **kwargs: Any) -> Any:
            # Retrieval's share of each answer, timed inside `ask` rather than by asking twice.
            t = time.perf_counter()
            try:
                return retrieve(*args, **kwargs)
            finally:
                ret_ms.append((time.perf_counter() - t) * 1000)

        kb.retrieve = timed_retrieve  # type: ignore[method-assign]
        for q in questions:
            t = time.perf_counter()
            a = kb.ask(q)
            ask_ms.append((time.perf_counter() - t) * 1000)
            answered += not a.refused
        documents = len(kb.documents())
        chunks = kb.index.manifest.count_chunks()
        db_mb = _database_mb(kb.index) if backend.database_url else 0.0
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
        "db_mb": db_mb,
    }


def _database_mb(index) -> float:
    """Size of the knowledge base's schema in PostgreSQL (tables, indexes, TOAST)."""
    from sqlalchemy import text

    db = index.manifest.db
    with db.read() as conn:
        got = conn.execute(
            text(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s AND c.relkind IN ('r', 'm')"
            ),
            {"s": db.schema},
        ).scalar()
    return float(got or 0) / 2**20


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
            f"{r.retrieve_p95_ms:10.1f}{r.rss_mb:9.0f}{r.disk_mb:10.1f}{r.open_s:8.1f}"
            f"{(f'{r.build_s:9.1f}' if r.build_s else f'{chr(8211):>9s}')}"
            f"{r.answered:>6d}/{r.questions}"
        )
    return "\n".join(lines)


def save_results(results: list[SizeResult], backend: str, path: Path) -> None:
    """This run's figures as JSON, for a later run's curve to draw beside its own (`--with`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"backend": backend, "sizes": [r.__dict__ for r in results]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def load_results(path: Path) -> tuple[str, list[SizeResult]]:
    """(backend, figures) of a run saved by `save_results`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["backend"], [SizeResult(**r) for r in data["sizes"]]


def plot(runs: list[tuple[str, list[SizeResult]]], path: Path, title: str) -> None:
    """Query p50/p95 and peak RSS against the number of chunks, log scale, as a PNG: one set of curves per
    (backend, figures) run, so both backends can be compared on one picture."""
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))
    ticks: set[int] = set()
    for n, (backend, results) in enumerate(runs):
        xs = [r.chunks for r in results]
        ticks.update(xs)
        name = backend.split(" ")[0] if len(runs) > 1 else ""
        tag = f"{name} " if name else ""
        color = f"C{2 * n}", f"C{2 * n + 1}"
        ax1.plot(xs, [r.ask_p50_ms for r in results], "o-", color=color[0], alpha=0.55, label=f"{tag}ask p50")
        ax1.plot(xs, [r.ask_p95_ms for r in results], "o-", color=color[0], label=f"{tag}ask p95")
        ax1.plot(xs, [r.retrieve_p95_ms for r in results], "o--", color=color[1], label=f"{tag}retrieval p95")
        ax2.plot(xs, [r.rss_mb / 1024 for r in results], "o-", color=color[0], label=f"{tag}peak RSS (asking)")
        ax2.plot(xs, [r.disk_mb / 1024 for r in results], "o--", color=color[1], label=f"{tag}size on disk")
    ax1.axhline(150, color="grey", linestyle=":", label="goal p95 150 ms")
    ax1.set_xscale("log")
    ax1.set_xlabel("chunks")
    ax1.set_ylabel("ms per question")
    ax1.legend(fontsize="small")
    ax2.axhline(4, color="grey", linestyle=":", label="goal RSS 4 GiB")
    ax2.set_xscale("log")
    xs = sorted(ticks)
    for ax in (ax1, ax2):
        ax.set_xticks(xs, [f"{x:,}" for x in xs])
        ax.minorticks_off()
    ax2.set_xlabel("chunks")
    ax2.set_ylabel("GiB")
    ax2.legend(fontsize="small")
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
    backend: Backend,
    png: Path | None,
    keep: bool = False,
    reuse: Path | None = None,
    copy_from: Path | None = None,
    json_out: Path | None = None,
    beside: list[Path] | None = None,
) -> int:
    """Build and measure each size (or only measure those under `reuse`, or copy those under `copy_from` onto the
    backend first); print the table, and write the figures as JSON and the PNG (with the curves of the runs saved
    in `beside` drawn too) when asked."""
    questions = [json.loads(x)["question"] for x in open(questions_path, encoding="utf-8") if x.strip()]
    if reuse is not None:
        root, keep = reuse, True  # knowledge bases an earlier --keep run left: measured again, never removed
    elif work:
        work.mkdir(parents=True, exist_ok=True)  # a new folder named on the command line is made, not an error
        root = Path(tempfile.mkdtemp(prefix="kb-scale-", dir=work))
    else:
        root = Path(tempfile.mkdtemp(prefix="kb-scale-"))
    results: list[SizeResult] = []
    load = os.getloadavg()[0]
    try:
        for size in sorted(sizes):
            out = root / f"kb-{size}"
            if reuse is not None:
                if not out.is_dir():
                    raise SystemExit(f"--reuse {reuse}: no {out.name} there (sizes built with --keep: kb-<size>)")
                built = {"build_s": 0.0, "build_rss_mb": 0.0}
            elif copy_from is not None:
                if not (copy_from / out.name).is_dir():
                    raise SystemExit(f"--copy-from {copy_from}: no {out.name} there (sizes built with --keep)")
                built = _in_child(copy_size, copy_from / out.name, out, backend)
            else:
                built = _in_child(build_size, base, donors, size, out, backend)
            got = _in_child(measure_size, out, questions, backend)
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
                    disk_mb=_disk_mb(out) + got["db_mb"],
                    answered=got["answered"],
                    questions=got["questions"],
                )
            )
            # Each row as soon as it is measured: a long run that is stopped still leaves its figures.
            row = format_table(results[-1:], backend.name).splitlines()[-1]
            print(f"{row}   (load average {os.getloadavg()[0]:.2f})", file=sys.stderr, flush=True)
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
    print(format_table(results, backend.name))
    if json_out:
        save_results(results, backend.name, json_out)
        print(f"figures: {json_out}")
    if png:
        runs = [*(load_results(p) for p in beside or []), (backend.name, results)]
        names = " and ".join(b for b, _ in runs)
        plot(runs, png, f"bench-scale, {names}, {os.cpu_count()} cores")
        print(f"curve: {png}")
    return 0


def backend_from_args(kind: str, database_url: str, chroma: str) -> Backend:
    """The backend the options name; SystemExit with what is missing."""
    if kind == "sqlite":
        return Backend("SQLite (FTS5) + embedded Chroma")
    from kb.store.database import is_postgres

    if not is_postgres(database_url) or not chroma:
        raise SystemExit(
            "bench-scale --backend postgres needs --database-url postgresql://… (a database this user may create "
            "schemas in) and --chroma HOST:PORT (a running `chroma run`); both are left as they were, apart from one "
            "schema and one collection per size, named after it (kb_kb_1000, policy_kb_kb_1000)"
        )
    host, _, port = chroma.rpartition(":")
    return Backend("PostgreSQL (tsvector) + Chroma server", database_url, host or "127.0.0.1", int(port))


def add_cli(sub) -> None:
    """Register `python -m kb bench-scale`."""
    p = sub.add_parser("bench-scale", help="query p50/p95, peak RSS and disk at 1k, 10k and 100k chunks")
    p.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES, help="total chunks of each knowledge base")
    p.add_argument("--base", type=Path, default=DEFAULT_DONORS[0], help="knowledge base every size starts from")
    p.add_argument("--donors", type=Path, nargs="+", default=DEFAULT_DONORS, help="knowledge bases lending sentences")
    p.add_argument("--questions", type=Path, default=Path("../shared/corpus/dev.jsonl"))
    p.add_argument("--work", type=Path, help="folder for the knowledge bases (default: a temp folder)")
    p.add_argument("--keep", action="store_true", help="keep the built knowledge bases (under --work)")
    p.add_argument("--reuse", type=Path, help="measure the kb-<size> folders an earlier --keep run left, no build")
    p.add_argument(
        "--copy-from",
        type=Path,
        help="build each size by copying the kb-<size> folder an earlier --keep run left (vectors and all: nothing "
        "is embedded), e.g. onto --backend postgres",
    )
    p.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--database-url", default="", help="with --backend postgres: postgresql://user@host:port/db")
    p.add_argument("--chroma", default="", help="with --backend postgres: the Chroma server, HOST:PORT")
    p.add_argument("--png", type=Path, help="write the curve here (e.g. docs/scale.png)")
    p.add_argument("--json", type=Path, help="write the figures here as JSON (for another run's --with)")
    p.add_argument(
        "--with",
        dest="beside",
        type=Path,
        nargs="+",
        help="figures an earlier run wrote with --json (another backend's), drawn on the same curve",
    )

    def cmd(args) -> int:
        backend = backend_from_args(args.backend, args.database_url, args.chroma)
        return run_scale_bench(
            args.sizes,
            args.base,
            args.donors,
            args.questions,
            args.work,
            backend,
            args.png,
            args.keep,
            args.reuse,
            args.copy_from,
            args.json,
            args.beside,
        )

    p.set_defaults(fn=cmd)
