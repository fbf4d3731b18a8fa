"""`python -m kb bench-scale` builds knowledge bases of the sizes asked for and prints its table (small sizes here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kb.cli.scalebench import DOC_CHUNKS

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = ["动力党建·合力攻坚工程是什么？", "株洲市城管系统有多少名党员干部奋战一线？", "党员的预备期是多长时间？"]


@pytest.mark.slow
def test_bench_scale_builds_each_size_from_real_sentences_and_prints_its_table(tmp_path):
    from ingest.pipeline import ingest_paths
    from kb.factory import open_index
    from kb.settings import Settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env["KB_SETTINGS_FILE"] = str(tmp_path / "no-settings.toml")
    base = tmp_path / "base"
    index = open_index(Settings(data_dir=base))
    ingest_paths(index, [REPO / "data/sample"])
    n0 = index.manifest.count_chunks()
    index.close()
    questions = tmp_path / "q.jsonl"
    questions.write_text("".join(json.dumps({"question": q}, ensure_ascii=False) + "\n" for q in QUESTIONS))
    sizes = [n0 + 5, n0 + DOC_CHUNKS + 5]  # one partial synthetic document, then a full one and a partial one
    png = tmp_path / "curve.png"
    done = subprocess.run(
        [sys.executable, "-m", "kb", "bench-scale", "--sizes", *map(str, sizes), "--base", str(base)]
        + ["--donors", str(base), "--questions", str(questions), "--work", str(tmp_path), "--png", str(png)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "backend: SQLite (FTS5) + embedded Chroma" in out
    assert "ask p95" in out and "RSS MiB" in out
    rows = [line.split() for line in out.splitlines() if line.strip() and line.split()[0].replace(",", "").isdigit()]
    assert [int(r[0].replace(",", "")) for r in rows] == sizes
    assert [int(r[1]) for r in rows] == [2, 3]  # the sample plus one and two synthetic documents
    assert all(r[-1].endswith(f"/{len(QUESTIONS)}") for r in rows)
    assert png.stat().st_size > 10_000
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("kb-scale-")] == []  # nothing left behind


def test_bench_scale_says_what_the_postgres_backend_needs():
    done = subprocess.run(
        [sys.executable, "-m", "kb", "bench-scale", "--backend", "postgres", "--sizes", "1000"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "--database-url postgresql://" in done.stderr and "--chroma HOST:PORT" in done.stderr
