"""`python -m ingest --enqueue` when the queue is missing or down: a clear refusal, and no job left 'queued' for ever."""

from __future__ import annotations

from kb.accounts.db import open_db
from kb.accounts.jobs import JobStore
from tests.apiserver import SAMPLE, child_env, run
from tests.servers import free_port


def test_enqueue_without_a_queue_configured_says_how_to_configure_one(tmp_path):
    r = run(["-m", "ingest", "--enqueue", str(SAMPLE)], child_env(tmp_path / "kb"))
    assert r.returncode == 2 and "KB_QUEUE__URL" in r.stderr


def test_enqueue_with_the_broker_down_fails_loudly_and_marks_its_job_failed(tmp_settings):
    data = tmp_settings.data_dir
    env = child_env(data, KB_QUEUE__URL=f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    r = run(["-m", "ingest", "--enqueue", str(SAMPLE)], env)
    assert r.returncode == 2 and "任务队列不可用" in r.stderr, r.stderr
    jobs = JobStore(open_db(tmp_settings)).recent()
    assert len(jobs) == 1 and jobs[0].status == "done"  # finished: nothing will ever take it
    assert jobs[0].files[0].status == "failed" and "任务队列不可用" in jobs[0].files[0].reason
