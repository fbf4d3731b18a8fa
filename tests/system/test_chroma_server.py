"""The index against a real Chroma server (`chroma run`), as a deployment with store.chroma_host would use it."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kb.settings import Settings
from kb.store.index import Index
from tests.servers import free_port, stop

pytestmark = pytest.mark.slow

CHROMA = Path(sys.executable).parent / "chroma"


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """A `chroma run` server on a free local port, stopped at the end of the module."""
    if not CHROMA.exists():
        pytest.skip(f"no chroma CLI at {CHROMA}")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = (path / "server.log").open("w")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma server did not start: {(path / 'server.log').read_text()[-2000:]}")
            time.sleep(0.3)
        yield "127.0.0.1", port
    finally:
        stop(proc, timeout=20)
        log.close()


@pytest.fixture
def server_settings(tmp_settings, chroma_server, request) -> Settings:
    host, port = chroma_server
    # A collection per test: the server outlives each test's data_dir.
    collection = "kb_" + request.node.name[-40:].strip("_").replace("[", "_").replace("]", "_")
    return Settings(
        data_dir=tmp_settings.data_dir, store={"chroma_host": host, "chroma_port": port, "collection": collection}
    )


def _server_count(host: str, port: int, collection: str) -> int:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.HttpClient(host=host, port=port, settings=ChromaSettings(anonymized_telemetry=False))
    try:
        return client.get_collection(collection, embedding_function=None).count()
    finally:
        client.close()


def test_upsert_search_and_remove_go_through_the_chroma_server(server_settings, embedder, dangzhang, report):
    doc, chunks = dangzhang
    host, port, name = (
        server_settings.store.chroma_host,
        server_settings.store.chroma_port,
        server_settings.store.collection,
    )
    with Index(server_settings, embedder) as index:
        index.upsert(doc, chunks)
        assert _server_count(host, port, name) == len(chunks)
        assert not server_settings.chroma_path.exists()  # nothing went to a local Chroma folder

        target = next(c for c in chunks if c.heading_path.endswith("第七条"))
        assert target.chunk_id in [c.chunk_id for c, _ in index.dense_search("预备党员的预备期是多长时间？", 3)]
        assert index.lexical_search("预备期", 1)[0][0] == target

        report_doc, report_chunks = report
        index.upsert(report_doc, report_chunks)
        hits = index.dense_search("党员的义务", 10, doc_ids=[report_doc.doc_id])
        assert hits and {c.doc_id for c, _ in hits} == {report_doc.doc_id}

        assert index.remove(doc.source) is True
        assert _server_count(host, port, name) == len(report_chunks)
        assert all(c.doc_id != doc.doc_id for c, _ in index.dense_search("预备期", 10))

    # Reopening finds the server's vectors again.
    with Index(server_settings, embedder) as index:
        assert index.vectors.count() == len(report_chunks)
        assert index.dense_search(report_chunks[0].text, 1)[0][0] == report_chunks[0]
