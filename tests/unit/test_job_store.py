"""Jobs live in the application database: any replica reads them, workers take files and hand them over."""

from __future__ import annotations

import time

from kb.accounts.db import close_db, open_db
from kb.accounts.jobs import FileSpec, JobStore
from kb.api.jobs import JobRunner


def _store(tmp_settings) -> JobStore:
    return JobStore(open_db(tmp_settings))


def test_a_queued_upload_is_queued_then_running_then_done_with_each_files_outcome(tmp_settings):
    store = _store(tmp_settings)
    job = store.create(
        "upload",
        "default",
        "wang",
        files=[FileSpec("a.txt", "a.txt"), FileSpec("b.txt", "b.txt")],
        result={"rejected": [{"name": "x.exe", "reason": "不支持的文件类型"}]},
    )
    assert job.status == "queued" and job.progress == 0 and [f.name for f in job.files] == ["a.txt", "b.txt"]

    assert store.claim_file(job.id, 0, "w1", stale_after_s=30).action == "run"
    store.file_progress(job.id, 0, "w1", 0.5, "a.txt：已索引 5/10 个片段")
    running = store.get(job.id)
    assert running.status == "running" and running.progress == 0.25 and "5/10" in running.message

    assert store.finish_file(job.id, 0, "added", chunks=10) is False
    assert store.claim_file(job.id, 1, "w2", stale_after_s=30).action == "run"
    assert store.finish_file(job.id, 1, "failed", reason="文件为空") is True

    done = store.get(job.id)
    assert done.status == "done" and done.progress == 1.0 and done.finished is not None
    assert done.result["files"] == [
        {"name": "a.txt", "status": "added", "chunks": 10, "reason": ""},
        {"name": "b.txt", "status": "failed", "chunks": 0, "reason": "文件为空"},
    ]
    assert done.result["rejected"] == [{"name": "x.exe", "reason": "不支持的文件类型"}]


def test_a_file_delivered_twice_is_done_once_and_a_live_workers_file_is_left_to_it(tmp_settings):
    store = _store(tmp_settings)
    job = store.create("upload", "default", "wang", files=[FileSpec("a.txt", "a.txt")])
    assert store.claim_file(job.id, 0, "w1", stale_after_s=30).action == "run"
    # The queue hands the message to w2 too (visibility timeout): w1 still beats, so w2 must wait.
    assert store.claim_file(job.id, 0, "w2", stale_after_s=30).action == "busy"
    store.finish_file(job.id, 0, "added", chunks=3)
    assert store.claim_file(job.id, 0, "w2", stale_after_s=30).action == "done"
    assert store.get(job.id).files[0].attempts == 1


def test_a_killed_workers_file_is_taken_over_once_its_heartbeat_is_stale(tmp_settings):
    store = _store(tmp_settings)
    job = store.create("reindex", "default", "wang", files=[FileSpec("a.txt", "a.txt", force=True)])
    assert store.claim_file(job.id, 0, "w1", stale_after_s=0.2).action == "run"
    time.sleep(0.3)  # w1 was killed: no more heartbeats
    claim = store.claim_file(job.id, 0, "w2", stale_after_s=0.2)
    assert claim.action == "run" and claim.file.attempts == 2 and claim.file.force
    store.finish_file(job.id, 0, "updated", chunks=4)
    job = store.get(job.id)
    assert job.files[0].worker == "w2" and job.status == "done"
    assert job.result == {"name": "a.txt", "status": "updated", "chunks": 4}


def test_a_reindex_whose_file_failed_is_a_failed_job_with_the_reason(tmp_settings):
    store = _store(tmp_settings)
    job = store.create("reindex", "default", "wang", files=[FileSpec("a.txt", "/gone/a.txt", force=True)])
    store.claim_file(job.id, 0, "w1", stale_after_s=30)
    store.finish_file(job.id, 0, "failed", reason="读取失败：No such file")
    job = store.get(job.id)
    assert job.status == "failed" and "No such file" in job.error


def test_cancel_is_asked_of_the_unfinished_jobs_of_one_knowledge_base_only(tmp_settings):
    store = _store(tmp_settings)
    mine = store.create("upload", "default", "wang", files=[FileSpec("a.txt", "a.txt")])
    other = store.create("upload", "zzb", "li", files=[FileSpec("b.txt", "b.txt")])
    assert store.request_cancel("default") == 1
    assert store.cancel_requested(mine.id) and not store.cancel_requested(other.id)


def test_an_in_process_jobs_state_is_read_from_the_database_by_another_replica(tmp_settings):
    runner = JobRunner(_store(tmp_settings))
    job = runner.submit("upload", "default", "wang", lambda progress: {"files": [], "rejected": [], "seconds": 0})
    runner.wait_idle()
    close_db(tmp_settings)  # another process: a fresh engine on the same database
    seen = _store(tmp_settings).get(job.id)
    assert seen.status == "done" and seen.result == {"files": [], "rejected": [], "seconds": 0}
    runner.shutdown()


def test_an_in_process_job_that_raises_is_failed_with_its_error(tmp_settings):
    runner = JobRunner(_store(tmp_settings))

    def work(progress):
        progress(0.5, "一半")
        raise RuntimeError("原文件已不在")

    job = runner.submit("reindex", "default", "wang", work)
    runner.wait_idle()
    seen = runner.get(job.id)
    assert seen.status == "failed" and "原文件已不在" in seen.error and seen.finished is not None
    runner.shutdown()


def test_recent_jobs_are_newest_first_and_per_knowledge_base(tmp_settings):
    store = _store(tmp_settings)
    a = store.create("upload", "default", "wang", files=[])
    store.create("upload", "zzb", "li", files=[])
    b = store.create("reindex", "default", "wang", files=[FileSpec("a.txt", "a.txt")])
    assert [j.id for j in store.recent(kb="default")] == [b.id, a.id]
    assert store.get(a.id).status == "done"  # nothing to import is nothing left to do
