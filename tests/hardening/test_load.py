"""50 people asking at once through the real app (`python app.py` on 127.0.0.1, one Gradio session each):
every one gets a cited answer; with the queue bounded, the overflow is told the server is busy and the
rest are still answered. Latency figures are printed, not asserted (`python -m kb bench-load` measures)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kb.cli.loadbench import REPO, ChatSession, run_level, start_app, stop_app

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
        probe = ChatSession(url)
        answer = probe.ask("株洲市城管系统有多少名党员干部奋战一线？")
        assert "[1]" in answer and "未找到" not in answer  # a real, cited answer comes back through /respond
        # The same session asks on: its conversation goes on, as in a browser tab.
        follow_up = probe.ask("动力党建·合力攻坚工程是什么？")
        assert "[1]" in follow_up and "未找到" not in follow_up
        probe.close()
        level = run_level(url, 50, 2, app_pid=proc.pid)
        print("\n" + level.line())
        assert level.errors == [] and len(level.latencies) == 100
        assert level.app_cpu is not None and level.app_cpu > 0  # the level line reports the app's CPU per answer
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
