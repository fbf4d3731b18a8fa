"""`python -m kb bench-scale` builds knowledge bases of the sizes asked for and prints its table (small sizes here).

The base is the bundled sample ingested with the real embedder; the sizes add one and two synthetic documents
of recombined sentences. Both backends: SQLite + embedded Chroma, and PostgreSQL (throwaway cluster) + `chroma run`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kb.cli.scalebench import DOC_CHUNKS
from tests.fleet import chroma_server

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = ["动力党建·合力攻坚工程是什么？", "株洲市城管系统有多少名党员干部奋战一线？", "党员的预备期是多长时间？"]


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env["KB_SETTINGS_FILE"] = str(tmp / "no-settings.toml")
    return env


@pytest.fixture(scope="module")
def sample_base(tmp_path_factory) -> tuple[Path, int, Path]:
    """(the bundled sample ingested into a knowledge base, its chunk count, a questions file)."""
    from ingest.pipeline import ingest_paths
    from kb.factory import open_index
    from kb.settings import Settings

    tmp = tmp_path_factory.mktemp("scale-base")
    base = tmp / "base"
    index = open_index(Settings(data_dir=base))
    ingest_paths(index, [REPO / "data/sample"])
    n0 = index.manifest.count_chunks()
    index.close()
    questions = tmp / "q.jsonl"
    questions.write_text("".join(json.dumps({"question": q}, ensure_ascii=False) + "\n" for q in QUESTIONS))
    return base, n0, questions


def _run(args: list[str], tmp: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kb", "bench-scale", *args],
        cwd=REPO,
        env=_env(tmp),
        capture_output=True,
        text=True,
        timeout=1200,
    )


def _rows(out: str) -> list[list[str]]:
    return [line.split() for line in out.splitlines() if line.strip() and line.split()[0].replace(",", "").isdigit()]


@pytest.mark.slow
def test_bench_scale_builds_each_size_from_real_sentences_and_prints_its_table(sample_base, tmp_path):
    base, n0, questions = sample_base
    sizes = [n0 + 5, n0 + DOC_CHUNKS + 5]  # one partial synthetic document, then a full one and a partial one
    png = tmp_path / "curve.png"
    done = _run(
        ["--sizes", *map(str, sizes), "--base", str(base), "--donors", str(base), "--questions", str(questions)]
        + ["--work", str(tmp_path), "--png", str(png)],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "backend: SQLite (FTS5) + embedded Chroma" in done.stdout
    assert "ask p95" in done.stdout and "RSS MiB" in done.stdout
    rows = _rows(done.stdout)
    assert [int(r[0].replace(",", "")) for r in rows] == sizes
    assert [int(r[1]) for r in rows] == [2, 3]  # the sample plus one and two synthetic documents
    assert all(r[-1].endswith(f"/{len(QUESTIONS)}") for r in rows)
    assert all(0 < float(r[7]) for r in rows)  # disk MiB
    assert png.stat().st_size > 10_000
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("kb-scale-")] == []  # nothing left behind


@pytest.mark.slow
def test_bench_scale_runs_on_postgresql_and_a_chroma_server(sample_base, pg_cluster, tmp_path):
    from tests.pgserver import fresh_database

    base, n0, questions = sample_base
    with chroma_server(tmp_path / "chroma") as (host, port):
        done = _run(
            ["--backend", "postgres", "--database-url", fresh_database(pg_cluster), "--chroma", f"{host}:{port}"]
            + ["--sizes", str(n0 + 5), "--base", str(base), "--donors", str(base), "--questions", str(questions)]
            + ["--work", str(tmp_path)],
            tmp_path,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "backend: PostgreSQL (tsvector) + Chroma server" in done.stdout
    rows = _rows(done.stdout)
    assert [int(r[0].replace(",", "")) for r in rows] == [n0 + 5]
    assert float(rows[0][7]) > 0  # the schema's tables and indexes in PostgreSQL
    assert rows[0][-1].endswith(f"/{len(QUESTIONS)}")


@pytest.mark.slow
def test_bench_scale_copies_a_kept_sqlite_size_onto_postgresql_unchanged(sample_base, pg_cluster, tmp_path):
    # --copy-from: the PostgreSQL + Chroma server row measures the very knowledge base of the SQLite row (nothing
    # embedded again), so the two backends answer the same questions from the same passages.
    from tests.pgserver import fresh_database

    base, n0, questions = sample_base
    size = n0 + DOC_CHUNKS + 5
    common = ["--sizes", str(size), "--base", str(base), "--donors", str(base), "--questions", str(questions)]
    figures, png = tmp_path / "sqlite.json", tmp_path / "both.png"
    kept = _run([*common, "--work", str(tmp_path / "sqlite"), "--keep", "--json", str(figures)], tmp_path)
    assert kept.returncode == 0, kept.stderr[-3000:]
    (root,) = (tmp_path / "sqlite").iterdir()
    with chroma_server(tmp_path / "chroma") as (host, port):
        copied = _run(
            ["--backend", "postgres", "--database-url", fresh_database(pg_cluster), "--chroma", f"{host}:{port}"]
            + [*common, "--work", str(tmp_path / "pg"), "--copy-from", str(root)]
            + ["--png", str(png), "--with", str(figures)],
            tmp_path,
        )
    assert copied.returncode == 0, copied.stderr[-3000:]
    saved = json.loads(figures.read_text(encoding="utf-8"))  # the SQLite run's figures, drawn beside PostgreSQL's
    assert saved["backend"].startswith("SQLite") and [r["chunks"] for r in saved["sizes"]] == [size]
    assert png.stat().st_size > 10_000
    sqlite_row, pg_row = _rows(kept.stdout)[0], _rows(copied.stdout)[0]
    assert pg_row[:2] == sqlite_row[:2] == [f"{size:,}", "3"]  # same chunks, same documents
    assert pg_row[-1] == sqlite_row[-1]  # the same questions answered
    assert float(pg_row[-2]) > 0  # a build time: copied, not measured in place


def test_bench_scale_says_what_the_postgres_backend_needs(tmp_path):
    done = _run(["--backend", "postgres", "--sizes", "1000"], tmp_path)
    assert done.returncode != 0
    assert "--database-url postgresql://" in done.stderr and "--chroma HOST:PORT" in done.stderr
