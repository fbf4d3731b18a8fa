"""Is the index whole? Database integrity and vectors against chunks, checked when an index opens.

A broken component must be an error someone sees, never a quiet change in answers: a corrupt
SQLite file would turn lexical search into logged warnings (vector-only answers), and a lost
Chroma folder would leave chunks without vectors (dense search finds nothing). Both are found
here; the first is refused with the command that recovers, the second is repaired from the
chunk texts SQLite still holds (or refused, when repair is switched off).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


def recovery_command(data_dir: Path) -> str:
    """What a person runs to rebuild a broken index from its documents."""
    return f"python -m kb doctor --reset --kb {data_dir}，然后重新导入文档（python -m ingest 文件或文件夹 --kb {data_dir}）"


class IndexCorrupt(RuntimeError):
    """The index's SQLite file is damaged; the message names it and the recovery command."""


class VectorsMissing(RuntimeError):
    """Chunks without vectors (or the reverse) and repair is off; the message names the store and the command."""


def sqlite_problem(conn: sqlite3.Connection) -> str | None:
    """None when `PRAGMA quick_check` passes, else its first complaint (quick_check is O(size), no index checks)."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if rows == [("ok",)]:
        return None
    return "; ".join(str(r[0]) for r in rows[:3])


def corrupt_message(path: Path | str, data_dir: Path, detail: str) -> str:
    """One message for a damaged SQLite index."""
    return f"索引数据库已损坏（{path}：{detail}），拒绝使用，以免给出不完整的回答。恢复：{recovery_command(data_dir)}"


@dataclass
class VectorCheck:
    """Chunk rows against vectors, per document."""

    chunks: int = 0
    vectors: int = 0
    missing: dict[str, list[str]] = field(default_factory=dict)  # doc_id -> chunk ids without a vector
    orphans: list[str] = field(default_factory=list)  # vector ids with no chunk row

    @property
    def ok(self) -> bool:
        return not self.missing and not self.orphans

    def summary(self) -> str:
        """One line for a log or the doctor."""
        lost = sum(len(v) for v in self.missing.values())
        return (
            f"{self.chunks} 个片段，{self.vectors} 个向量；缺向量 {lost} 个（{len(self.missing)} 个文档），"
            f"多余向量 {len(self.orphans)} 个"
        )


def compare_ids(chunk_ids: list[str], vector_ids: list[str]) -> VectorCheck:
    """Which chunks lack a vector (grouped by document) and which vectors lack a chunk."""
    have = set(vector_ids)
    rows = set(chunk_ids)
    missing: dict[str, list[str]] = {}
    for cid in chunk_ids:
        if cid not in have:
            missing.setdefault(cid.rsplit(":", 1)[0], []).append(cid)
    orphans = sorted(v for v in have if v not in rows)
    return VectorCheck(chunks=len(rows), vectors=len(have), missing=missing, orphans=orphans)


def missing_message(store: str, data_dir: Path, check: VectorCheck, sources: Counter[str]) -> str:
    """One message for vectors that are gone while repair is switched off."""
    docs = "、".join(f"{s}（缺 {n}）" for s, n in sources.most_common(5))
    return (
        f"向量库（{store}）与索引不一致：{check.summary()}；涉及 {docs}。回答会缺少这些片段，拒绝使用。"
        f"修复：python -m kb doctor --repair --kb {data_dir}"
    )
