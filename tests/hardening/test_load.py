"""50 people asking at once through the real app (`python app.py` on 127.0.0.1, `gradio_client` sessions):
every one gets a cited answer; with the queue bounded, the overflow is told the server is busy and the
rest are still answered. Latency figures are printed, not asserted (`python -m kb bench-load` measures)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kb.cli.loadbench import REPO, ask, run_level, start_app, stop_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample_kb(tmp_path_factory) -> Path:
    import os

    data = tmp_path_factory.mktemp("load") / "kb"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(KB_DATA_DIR=str(data), KB_SETTINGS_FILE=str(data.parent / "none.toml"))
    r = subprocess.run(
        [sys.executable, "-m", "ingest", str(REPO / "data" / "sample")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stderr
    return data


def test_fifty_simultaneous_users_all_get_cited_answers(sample_kb):
    proc, url = start_app(REPO, sample_kb)
    try:
        from gradio_client import Client

        probe = Client(url, verbose=False)
        answer = ask(probe, "株洲市城管系统有多少名党员干部奋战一线？")
        probe.close()
        assert "[1]" in answer and "未找到" not in answer  # a real, cited answer comes back through /respond
        level = run_level(url, 50, 2)
        print("\n" + level.line())
        assert level.errors == [] and len(level.latencies) == 100
    finally:
        stop_app(proc)


def test_a_bounded_queue_tells_the_overflow_it_is_busy_and_answers_the_rest(sample_kb):
    proc, url = start_app(REPO, sample_kb, {"KB_LIMITS__QUEUE_MAX_SIZE": "3", "KB_LIMITS__CHAT_CONCURRENCY": "1"})
    try:
        level = run_level(url, 30, 1)
        print("\n" + level.line())
        assert level.latencies, "some must be answered"
        assert level.errors and all("full" in e or "busy" in e.lower() for e in level.errors), level.errors[:3]
    finally:
        stop_app(proc)
