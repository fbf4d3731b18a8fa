"""The product as a fleet on one machine: two app replicas and two ingest workers over shared servers.

Started for real on 127.0.0.1: a throwaway PostgreSQL cluster (the index's manifest,
chunks and lexical index, users, history, jobs: all state but vectors and uploaded files),
Redis (the queue), `chroma run` (vectors), two Celery workers (`celery -A ingest.tasks
worker`) and two `python app.py` replicas (A and B). They share data_dir only for the
uploaded files, as machines sharing a mount would. Uploads go through
replica A's REST API, answers and job states are read through replica B, a worker is
killed with SIGKILL in the middle of a document, and a user's chat history written
through A is read through B.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from kb.store.index import doc_id_for
from tests.apiserver import REPO, child_env, must, run, running_app
from tests.fleet import REDIS_SERVER, WorkerProcess, chroma_server, ingest_worker, kill_hard, redis_server
from tests.fleet_docs import REGULATIONS, long_regulation, regulation_text, write_regulations
from tests.pgserver import postgres_bin, start_postgres

pytestmark = pytest.mark.slow

ADMIN = ("admin", "admin-pass-123")
USER = ("xiaoli", "user-pass-456")
LONG_DOC = "青山区重点工作责任清单实施细则.txt"


@dataclass
class Fleet:
    a: str
    b: str
    workers: list[WorkerProcess]
    tokens: dict[str, str]
    chroma: tuple[str, int]
    collection: str
    env: dict[str, str]
    work: Path
    upload_job: dict = field(default_factory=dict)
    upload_seconds: float = 0.0

    def client(self, url: str, user: str = "admin") -> httpx.Client:
        return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {self.tokens[user]}"}, timeout=120)


def _wait_job(client: httpx.Client, job_id: str, timeout: float, until=None) -> dict:
    """Poll GET /api/v1/jobs/{id} until the job is finished (or `until(job)` holds)."""
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/api/v1/jobs/{job_id}").raise_for_status().json()
        if (until or (lambda j: j["status"] in ("done", "failed")))(job):
            return job
        if time.monotonic() > deadline:
            raise AssertionError(
                f"job {job_id} not there within {timeout:.0f} s: {json.dumps(job, ensure_ascii=False)}"
            )
        time.sleep(0.2)


def _upload(client: httpx.Client, paths: list[Path]) -> dict:
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in paths]
    r = client.post("/api/v1/kbs/default/documents", files=files)
    assert r.status_code == 202, r.text
    return r.json()


@pytest.fixture(scope="module")
def fleet(tmp_path_factory) -> Iterator[Fleet]:
    """Redis, a Chroma server, two workers, two app replicas; ten regulations uploaded through replica A."""
    if not Path(REDIS_SERVER).exists():
        pytest.skip("redis-server is not installed (make system-deps installs it)")
    if postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed (make system-deps installs Debian's postgresql)")
    work = tmp_path_factory.mktemp("fleet")
    data = work / "kb"
    with ExitStack() as stack:
        pg_url, pg_stop = start_postgres()
        stack.callback(pg_stop)
        redis_url = stack.enter_context(redis_server(work / "redis"))
        chroma = stack.enter_context(chroma_server(work / "chroma"))
        collection = "fleet"
        env = child_env(
            data,
            KB_DATABASE_URL=pg_url,
            KB_QUEUE__URL=redis_url,
            KB_STORE__CHROMA_HOST=chroma[0],
            KB_STORE__CHROMA_PORT=str(chroma[1]),
            KB_STORE__COLLECTION=collection,
            # No bundled sample: two replicas starting at once would both ingest it.
            KB_SAMPLE_DIR=str(work / "no-sample"),
            # Small batches (progress after every 8 chunks) and a quick hand-over, so the kill lands mid-document
            # and the test does not wait the production timeouts.
            KB_EMBEDDING__BATCH_SIZE="8",
            KB_QUEUE__HEARTBEAT_S="1",
            KB_QUEUE__STALE_AFTER_S="4",
            KB_QUEUE__VISIBILITY_TIMEOUT_S="8",
        )
        for (name, password), role in ((ADMIN, "admin"), (USER, "user")):
            must(run(["-m", "kb", "users", "add", name, "--role", role, "--password-stdin"], env, password + "\n"))
        tokens = {
            n: must(run(["-m", "kb", "users", "token", n, "--label", "fleet"], env)).strip()
            for n in ("admin", "xiaoli")
        }
        workers = [stack.enter_context(ingest_worker(work / "workers", env, name)) for name in ("w1", "w2")]
        urls = []
        for name in ("a", "b"):
            (work / name).mkdir()
            urls.append(stack.enter_context(running_app(work / name, env, data)))
        f = Fleet(urls[0], urls[1], workers, tokens, chroma, collection, env, work)
        docs = write_regulations(work / "docs")
        with f.client(f.a) as a:
            t0 = time.monotonic()
            job = _upload(a, docs)
            f.upload_job = _wait_job(a, job["id"], timeout=600)
            f.upload_seconds = time.monotonic() - t0
        print(
            f"\nfleet: 10 documents through the queue in {f.upload_seconds:.1f} s "
            f"({10 / f.upload_seconds * 60:.1f} documents/min, two workers, embedder loading included)"
        )
        yield f


def test_ten_documents_uploaded_through_replica_a_are_ingested_by_both_workers(fleet):
    job = fleet.upload_job
    assert job["status"] == "done", job
    assert sorted(f["name"] for f in job["files"]) == sorted(r[0] for r in REGULATIONS)
    assert all(f["status"] == "added" and f["chunks"] > 0 for f in job["files"]), job["files"]
    # Prefetch 1: each worker holds only the file it works on, so both took some.
    assert {f["worker"].split("@")[0] for f in job["files"]} == {"w1", "w2"}
    with fleet.client(fleet.b) as b:
        docs = {d["source"]: d for d in b.get("/api/v1/kbs/default/documents").raise_for_status().json()}
    assert all(docs[r[0]]["status"] == "ready" for r in REGULATIONS)


def test_no_process_kept_state_in_local_files_but_the_uploads(fleet):
    data = Path(fleet.env["KB_DATA_DIR"])
    # Everything but vectors (Chroma server) and the uploaded files (the shared mount) is in PostgreSQL.
    assert not (data / "kb.sqlite3").exists() and not (data / "app.sqlite3").exists()
    assert not (data / "chroma").exists()
    assert {r[0] for r in REGULATIONS} <= {p.name for p in (data / "uploads").iterdir()}


def test_replica_b_shows_the_job_replica_a_started_from_the_database(fleet):
    with fleet.client(fleet.b) as b:
        seen = b.get(f"/api/v1/jobs/{fleet.upload_job['id']}").raise_for_status().json()
    assert seen["status"] == "done" and seen["progress"] == 1.0
    assert seen["result"]["files"] and len(seen["files"]) == 10


def test_a_question_about_the_uploaded_documents_is_answered_through_replica_b(fleet):
    with fleet.client(fleet.b) as b:
        for name, _title, _fact, question, expected in (REGULATIONS[2], REGULATIONS[9]):
            r = b.post("/api/v1/ask", json={"question": question, "kb": "default"}).raise_for_status().json()
            assert not r["refused"], r
            assert expected in r["answer"], r["answer"]
            assert r["citations"][0]["source"] == name


def test_a_worker_killed_mid_document_leaves_the_job_to_the_other_which_builds_it_whole(fleet, tmp_path):
    long_doc = tmp_path / LONG_DOC
    long_doc.write_text(long_regulation(150), encoding="utf-8")
    # The same file built from scratch, in-process, into an empty knowledge base (the chunk count to match),
    # alongside the fleet's work.
    clean_env = child_env(tmp_path / "clean" / "kb")
    clean_build = subprocess.Popen(
        [sys.executable, "-m", "ingest", str(long_doc)], cwd=REPO, env=clean_env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    with fleet.client(fleet.a) as a, fleet.client(fleet.b) as b:
        job = _upload(a, [long_doc])
        # Wait until a worker has embedded part of it (a few batches of 8), then kill that worker.
        running = _wait_job(
            b,
            job["id"],
            timeout=300,
            until=lambda j: j["files"][0]["status"] == "running" and j["files"][0]["progress"] > 0.1,
        )
        assert running["files"][0]["progress"] < 1.0, "the document finished before the kill: make it longer"
        victim_name = running["files"][0]["worker"].split("@")[0]
        victim = next(w for w in fleet.workers if w.name == victim_name)
        survivor = next(w for w in fleet.workers if w.name != victim_name)
        kill_hard(victim)
        half = {d["source"]: d for d in b.get("/api/v1/kbs/default/documents").json()}.get(LONG_DOC)
        # Never half: while nobody finishes it, the document is pending (searches skip it), not ready with part.
        assert half is None or half["status"] == "pending", half
        done = _wait_job(b, job["id"], timeout=600)
        docs = {d["source"]: d for d in b.get("/api/v1/kbs/default/documents").raise_for_status().json()}
    f = done["files"][0]
    assert done["status"] == "done" and f["status"] in ("added", "updated"), done
    assert f["worker"].split("@")[0] == survivor.name and f["attempts"] == 2, f
    assert survivor.alive()

    assert clean_build.wait(timeout=600) == 0, clean_build.stderr.read()
    listed = must(run(["-m", "ingest", "--list"], clean_env))
    clean_chunks = int(
        next(line for line in listed.splitlines() if line.startswith(LONG_DOC)).split("\t")[2].split()[0]
    )
    assert docs[LONG_DOC]["status"] == "ready"
    assert docs[LONG_DOC]["n_chunks"] == f["chunks"] == clean_chunks

    # Whole in the vector store too: one vector per chunk, none left over from the killed attempt.
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.HttpClient(
        host=fleet.chroma[0], port=fleet.chroma[1], settings=ChromaSettings(anonymized_telemetry=False)
    )
    ids = client.get_collection(fleet.collection).get(where={"doc_id": doc_id_for(LONG_DOC)}, include=[])["ids"]
    assert len(ids) == len(set(ids)) == clean_chunks


def test_a_users_history_written_through_replica_a_is_read_through_replica_b(fleet):
    from gradio_client import Client

    question = REGULATIONS[5][3]
    Client(fleet.a + "/", auth=USER, verbose=False).predict(question, [], [], [], "default", True, api_name="/respond")
    with fleet.client(fleet.b, "xiaoli") as b:
        convs = b.get("/api/v1/me/conversations").raise_for_status().json()
        assert convs and question[:20] in convs[0]["title"], convs
        turns = b.get(f"/api/v1/me/conversations/{convs[0]['id']}").raise_for_status().json()
    assert [t["question"] for t in turns] == [question]
    assert not turns[0]["refused"] and "60" in turns[0]["answer"] and turns[0]["citations"] >= 1
    with fleet.client(fleet.b, "admin") as b:  # someone else's history is not theirs to read
        assert b.get(f"/api/v1/me/conversations/{convs[0]['id']}").status_code == 404


def test_an_upload_in_replica_as_admin_tab_is_queued_and_shown_done_in_replica_bs_job_table(fleet, tmp_path):
    import re

    from gradio_client import Client, handle_file

    doc = tmp_path / "青山区网格员工作规范.txt"
    doc.write_text(regulation_text("青山区网格员工作规范", "网格员每日入户走访不少于8户"), encoding="utf-8")
    admin_a = Client(fleet.a + "/", auth=ADMIN, verbose=False)
    summary = admin_a.predict([handle_file(str(doc))], api_name="/upload_documents")[0]
    job_id = re.search(r"job-[0-9a-f]+", summary).group(0)
    assert "已加入导入队列" in summary
    with fleet.client(fleet.b) as b:
        job = _wait_job(b, job_id, timeout=300)
    assert job["status"] == "done" and job["files"][0]["status"] == "added", job
    # The admin tab's tables on replica B (the refresh button's endpoint) list the job and the document.
    out = Client(fleet.b + "/", auth=ADMIN, verbose=False).predict(api_name="/list_documents")
    documents, jobs = out[0], out[-1]
    assert doc.name in [row[0] for row in documents["data"]]
    row = next(r for r in jobs["data"] if r[0] == job_id)
    assert row[3] == "完成" and doc.name in row[6]


def test_python_m_ingest_enqueue_queues_files_for_the_workers_and_waits_for_them(fleet, tmp_path):
    doc = tmp_path / "青山区物业服务评价办法.txt"
    doc.write_text(regulation_text("青山区物业服务评价办法", "物业服务评价每半年开展一次"), encoding="utf-8")
    out = must(run(["-m", "ingest", "--enqueue", "--wait", str(doc)], fleet.env))
    assert "已加入队列 1 个文件" in out and f"✓ {doc.name}\tadded" in out
    again = must(run(["-m", "ingest", "--enqueue", "--wait", str(doc)], fleet.env))
    assert f"✓ {doc.name}\tunchanged" in again  # the same bytes again: nothing embedded twice
