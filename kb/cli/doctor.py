"""`python -m kb doctor`: is the index whole, and does approximate search still find what exact search finds?

Reports the index database's integrity (SQLite quick_check; tables and GIN index on PostgreSQL), documents, chunk and
lexical rows, vectors per document, the lexical index against its own rows (FTS5's integrity check; on PostgreSQL the
term table and word counts against the tsvectors), and the top-k recall of Chroma's HNSW index against exact search
(the stored vectors of a sample of chunks as queries).
`--repair` re-embeds missing vectors from the stored chunk texts and rebuilds a lexical index that disagrees with its
rows; `--reset` moves a broken index aside
(the SQLite file and Chroma folder to a folder; on PostgreSQL the knowledge base's schema is renamed)
so the documents can be ingested again.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kb.store.integrity import IndexCorrupt, VectorsMissing, sqlite_problem

if TYPE_CHECKING:
    from kb.settings import Settings
    from kb.store.index import Index


@dataclass
class Recall:
    """Top-k recall of HNSW against exact search over sample queries."""

    k: int
    queries: int
    mean: float
    worst: float


@dataclass
class Health:
    """What the doctor found."""

    integrity: str = "ok"
    engine: str = "SQLite"
    documents: int = 0
    pending: list[str] = field(default_factory=list)
    chunks: int = 0
    lexical_rows: int = 0
    vectors: int = 0
    vector_summary: str = ""
    recall: Recall | None = None
    search: str = ""
    spans: str = ""
    lexical: str = ""
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report, one fact per line."""
        out = [
            f"{self.engine} 完整性（{'quick_check' if self.engine == 'SQLite' else '表与 GIN 索引'}）：{self.integrity}",
            f"文档 {self.documents} 个（未完成 {len(self.pending)} 个{('：' + '、'.join(self.pending)) if self.pending else ''}）",
            f"片段 {self.chunks} 个，词法索引行 {self.lexical_rows} 个，向量 {self.vectors} 个",
        ]
        if self.vector_summary:
            out.append(f"向量与片段：{self.vector_summary}")
        if self.recall:
            r = self.recall
            out.append(
                f"HNSW 近似检索 top-{r.k} 召回率（对照精确检索，{r.queries} 个查询）：平均 {r.mean:.3f}，最差 {r.worst:.3f}"
            )
        if self.search:
            out.append(f"问答使用的向量检索：{self.search}")
        if self.spans:
            out.append(f"答案句子的向量：{self.spans}")
        if self.lexical:
            out.append(f"词法索引：{self.lexical}")
        out += [f"问题：{p}" for p in self.problems] or ["结论：正常"]
        return out


def hnsw_recall(index: Index, k: int = 30, sample: int = 50, seed: int = 0) -> Recall | None:
    """Mean and worst top-k recall of HNSW against brute force, querying with stored vectors of sampled chunks."""
    import numpy as np

    from kb.store.vectors import ExactIndex

    store = index.vectors
    exact = ExactIndex.load(store._collection, 1000)
    if len(exact) < 2:
        return None
    rng = random.Random(seed)
    picks = rng.sample(range(len(exact)), min(sample, len(exact)))
    k = min(k, len(exact))
    recalls = []
    for i in picks:
        q = exact.vectors[i].tolist()
        truth = {cid for cid, _ in exact.search(q, k)}
        got = {cid for cid, _ in store.search_hnsw(q, k)}
        recalls.append(len(truth & got) / len(truth))
    return Recall(k=k, queries=len(picks), mean=float(np.mean(recalls)), worst=float(min(recalls)))


def examine(settings: Settings, repair: bool = False, sample: int = 50) -> Health:
    """Open the index (repairing vectors when asked) and report its health."""
    from kb.factory import open_index
    from kb.store.index import settings_is_sqlite

    health = Health(engine="SQLite" if settings_is_sqlite(settings) else "PostgreSQL")
    if settings_is_sqlite(settings) and settings.sqlite_path.exists():
        try:
            conn = sqlite3.connect(f"file:{settings.sqlite_path}?mode=ro", uri=True)
            try:
                health.integrity = sqlite_problem(conn) or "ok"
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            health.integrity = str(exc)
    if health.integrity != "ok":
        health.problems.append(
            f"索引数据库已损坏：python -m kb doctor --reset --kb {settings.data_dir}，再重新导入文档"
        )
        return health
    cfg = settings.model_copy(update={"store": settings.store.model_copy(update={"repair_on_open": repair})})
    try:
        index = open_index(cfg)
    except (IndexCorrupt, VectorsMissing) as exc:
        if isinstance(exc, IndexCorrupt):
            health.integrity = "损坏"  # PostgreSQL's check runs as the index opens
        health.problems.append(str(exc))
        return health
    try:
        docs = index.documents()
        health.documents = len(docs)
        health.pending = [d.source for d in docs if d.status != "ready"]
        health.chunks = index.manifest.count_chunks()
        with index.manifest.lock:
            health.lexical_rows = index.lexical.count()
        health.vectors = index.vectors.count()
        check = index.check_vectors(repair=repair)
        if check is not None:
            health.vector_summary = check.summary() + ("（已修复）" if repair and not check.ok else "")
        health.lexical = _lexical_check(index, repair, health.problems)
        if health.lexical_rows != health.chunks:
            health.problems.append(f"词法索引行数 {health.lexical_rows} 与片段数 {health.chunks} 不一致")
        health.recall = hnsw_recall(index, sample=sample)
        limit = settings.store.exact_search_max_vectors
        health.search = (
            f"精确检索（向量数 {health.vectors} ≤ {limit}），召回率 1.000"
            if health.vectors <= limit
            else f"HNSW（向量数超过 {limit}），召回率见上"
        )
        health.spans = _span_coverage(index, docs, repair)
        if health.pending:
            health.problems.append("有未完成的文档：再次导入即可继续")
    finally:
        index.close()
    return health


def _lexical_check(index: Index, repair: bool, problems: list[str]) -> str:
    """The lexical index against its own rows (`Index.check_lexical`); with `repair`, rebuilt from them."""
    found, rebuilt = index.check_lexical(repair)
    if found is None:
        return "与各行一致"
    if rebuilt:
        return f"{found}（已从各行重建）"
    problems.append(f"词法索引不一致：{found}；修复：python -m kb doctor --repair --kb {index.settings.data_dir}")
    return "不一致"


def _span_coverage(index: Index, docs: list, repair: bool) -> str:
    # Missing span vectors change no answer (the answerer embeds those spans itself), only its speed: a note, and
    # --repair makes them.
    if not index.settings.store.span_vectors:
        return "未启用（store.span_vectors = false：每次回答时计算）"
    ready = [d for d in docs if d.status == "ready" and d.n_chunks]
    filled = 0
    if repair:
        filled = index.fill_span_vectors()
    have = index.span_vectors.doc_ids()
    missing = [d.source for d in ready if d.doc_id not in have]
    line = f"{index.span_vectors.count()} 个，{len(ready) - len(missing)}/{len(ready)} 个文档已有"
    if filled:
        line += f"（刚补齐 {filled} 个文档）"
    if missing:
        line += f"；缺的回答时现算（较慢），补齐：python -m kb doctor --repair --kb {index.settings.data_dir}"
    return line


def reset(data_dir: Path, settings: Settings | None = None) -> Path:
    """Move the SQLite index and the Chroma folder aside (never deleted); where they went.

    With the index on PostgreSQL, its schema is renamed kb_<id>_broken_<time> (kept) and a note saying so is
    left in the folder.
    """
    stamp = f"{datetime.now(UTC):%Y%m%d-%H%M%S}"
    aside = data_dir / f"broken-{stamp}"
    aside.mkdir(parents=True)
    from kb.store.index import settings_is_sqlite

    if settings is not None and not settings_is_sqlite(settings):
        (aside / "postgresql-schema.txt").write_text(_rename_schema(settings, stamp) + "\n", encoding="utf-8")
    for name in ("kb.sqlite3", "kb.sqlite3-wal", "kb.sqlite3-shm", "chroma"):
        p = data_dir / name
        if p.exists():
            shutil.move(str(p), str(aside / name))
    return aside


def run_doctor(settings: Settings, repair: bool = False, do_reset: bool = False, sample: int = 50) -> int:
    """Print the health report; 0 when healthy, 1 when something needs attention."""
    if do_reset:
        aside = reset(settings.data_dir, settings)
        print(
            f"已把索引移到 {aside}（原文件保留）。请重新导入文档：python -m ingest 文件或文件夹 --kb {settings.data_dir}"
        )
        uploads = settings.data_dir / "uploads"
        if uploads.is_dir():
            print(f"网页上传过的文件仍在 {uploads}：python -m ingest {uploads} --kb {settings.data_dir}")
        return 0
    health = examine(settings, repair=repair, sample=sample)
    for line in health.lines():
        print(line)
    return 1 if health.problems else 0


def add_cli(sub) -> None:
    """Register `python -m kb doctor`."""
    p = sub.add_parser("doctor", help="check the index: integrity, counts, vectors, HNSW recall; repair or reset")
    p.add_argument("--kb", type=Path, help="knowledge-base folder")
    p.add_argument(
        "--repair",
        action="store_true",
        help="re-embed missing vectors (from stored chunk texts); rebuild a lexical index that disagrees with its rows",
    )
    p.add_argument("--reset", action="store_true", help="move a broken index aside, to ingest the documents again")
    p.add_argument("--sample", type=int, default=50, help="queries for the recall measurement")

    def cmd(args) -> int:
        from kb.settings import load_settings_for

        return run_doctor(load_settings_for(args.kb), repair=args.repair, do_reset=args.reset, sample=args.sample)

    p.set_defaults(fn=cmd)


def _rename_schema(settings: Settings, stamp: str) -> str:
    """Rename the knowledge base's PostgreSQL schema aside; the new name."""
    from sqlalchemy import create_engine, text

    from kb.store.database import index_url, schema_for

    schema = schema_for(settings.store.kb_id)
    aside = f"{schema}_broken_{stamp.replace('-', '_')}"
    engine = create_engine(index_url(settings))
    try:
        with engine.begin() as conn:
            prep = engine.dialect.identifier_preparer
            conn.execute(text(f"ALTER SCHEMA {prep.quote_schema(schema)} RENAME TO {prep.quote_schema(aside)}"))
    finally:
        engine.dispose()
    return aside
