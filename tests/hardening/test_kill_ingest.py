"""`python -m ingest` killed with SIGKILL at random moments, several times, then run to the end: the index
is the one a clean build makes (same documents, chunks, vectors and search results), and the runs after
a kill resume rather than start over."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths
from kb.store.index import Index

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
KILLS = 4
QUESTIONS = ["预备党员的预备期是多长时间？", "政府工作报告的主要目标", "党员的义务有哪些？"]


def _sources(corpus: Path, folder: Path) -> list[Path]:
    """Three small real documents (a few thousand characters each, ~30 chunks in all)."""
    folder.mkdir()
    out = []
    for name, start in (("dangzhang_2017.txt", 1500), ("gwr_2024_guowuyuan.txt", 0), ("jianchafa_2024.md", 0)):
        text = (corpus / "docs" / name).read_text(encoding="utf-8")[start : start + 3000]
        p = folder / name
        p.write_text(text, encoding="utf-8")
        out.append(p)
    return out


def _ingest(folder: Path, data_dir: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(
        KB_DATA_DIR=str(data_dir),
        KB_SETTINGS_FILE=str(data_dir.parent / "none.toml"),
        KB_EMBEDDING__BATCH_SIZE="4",  # small batches: kills land between and inside many of them
    )
    return subprocess.Popen(
        [sys.executable, "-m", "ingest", str(folder)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_pending(db: Path, proc: subprocess.Popen, timeout: float = 300) -> bool:
    """Block until the ingest has a document marked pending (it is embedding one); False if it ended first."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
            try:
                if conn.execute("SELECT count(*) FROM documents WHERE status = 'pending' AND error = ''").fetchone()[0]:
                    return True
            finally:
                conn.close()
        except sqlite3.Error:
            pass  # not created yet, or busy
        time.sleep(0.2)
    return False


def _state(index: Index) -> tuple:
    docs = sorted((d.source, d.content_hash, d.status, d.n_chunks, d.title) for d in index.documents())
    chunks = sorted((c.chunk_id, c.text, c.heading_path) for d in index.documents() for c in index.chunks_of(d.doc_id))
    vectors = sorted(index.vectors.all_ids())
    answers = [[c.chunk_id for c, _ in index.dense_search(q, 8)] for q in QUESTIONS]
    lexical = [[c.chunk_id for c, _ in index.lexical_search(q, 8)] for q in QUESTIONS]
    return docs, chunks, vectors, answers, lexical


def test_ingest_killed_at_random_moments_ends_identical_to_a_clean_build(corpus_dir, tmp_path, tmp_settings, embedder):
    files = _sources(corpus_dir, tmp_path / "docs")
    clean = tmp_settings.model_copy(update={"data_dir": tmp_path / "clean"})
    with Index(clean, embedder) as idx:
        assert all(r.status == "added" for r in ingest_paths(idx, files).results)
        expected = _state(idx)

    data = tmp_path / "killed"
    rng = random.Random(11)
    kills = 0
    mid_upsert = 0
    for i in range(KILLS):
        proc = _ingest(tmp_path / "docs", data)
        if i == 0:
            time.sleep(rng.uniform(0.5, 3.0))  # during start-up or while opening the index
        else:
            # While a document is half-written (pending), a random moment into it.
            mid_upsert += _wait_for_pending(data / "kb.sqlite3", proc)
            time.sleep(rng.uniform(0.0, 2.0))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=60)
    final = _ingest(tmp_path / "docs", data)
    out, err = final.communicate(timeout=600)
    assert final.returncode == 0, err
    assert "Traceback" not in err
    print(f"\n{kills} kills; final run: {out.strip().splitlines()[-1] if out.strip() else ''}")

    killed = tmp_settings.model_copy(update={"data_dir": data})
    with Index(killed, embedder) as idx:
        assert _state(idx) == expected
        assert idx.check_vectors().ok
        assert all(d.status == "ready" and not d.error for d in idx.documents())
    assert kills >= 2 and mid_upsert >= 2  # runs were really cut short, inside an upsert
