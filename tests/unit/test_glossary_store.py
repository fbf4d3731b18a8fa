"""The glossary table under concurrent writers, and one database engine however often it is refreshed."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from types import SimpleNamespace

import pytest

import kb.accounts.db
import kb.learn.glossary
from kb.learn.glossary import GlossaryEntry, open_glossary, refresh
from kb.types import Chunk

WUDONG = (
    "围绕“干部能力提升年”活动,培养懂政治、懂业务、懂产业、懂园区、懂管理,"
    "会招商引资、会项目建设、会政务服务、会应急处突、会群众工作的“五懂五会”干部队伍。"
)
SANGAO = "习近平总书记赋予湖南“三高四新”战略定位和使命任务,打造“三个高地”指挥部。"


class FakeIndex:
    """The parts of `kb.store.index.Index` the glossary uses, over two passages."""

    def __init__(self, settings) -> None:  # type: ignore[no-untyped-def]
        self.settings = settings
        self.chunks = [
            Chunk(chunk_id=f"d:{n}", doc_id="d", text=t, source="page.txt", title="动力党建", location=f"第{n}段")
            for n, t in enumerate([WUDONG, SANGAO], 1)
        ]
        self.meta: dict[str, str] = {}
        self.manifest = SimpleNamespace(
            get_meta=self.meta.get, set_meta=self.meta.__setitem__, transaction=contextmanager(lambda: iter([None]))
        )
        self.lexical = SimpleNamespace(delete_doc=lambda doc_id: None, add=lambda chunks: None)

    def documents(self) -> list[SimpleNamespace]:
        return [SimpleNamespace(doc_id="d", status="ready")]

    def save_glossary(self, terms: list[str], definitions: dict[str, str]) -> None:
        self.meta["glossary"] = repr((terms, definitions))

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return list(self.chunks)

    def chunk(self, chunk_id: str) -> Chunk | None:
        return next((c for c in self.chunks if c.chunk_id == chunk_id), None)


@pytest.fixture
def fake_kb(tmp_settings, monkeypatch):
    # Keep jieba's dictionary as other tests see it.
    monkeypatch.setattr("kb.store.tokenize.add_terms", lambda terms: None)
    tmp_settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SimpleNamespace(index=FakeIndex(tmp_settings), settings=tmp_settings, glossary={})


def test_concurrent_rebuilds_on_a_fresh_database_do_not_collide(fake_kb, monkeypatch):
    real_extract = kb.learn.glossary.extract

    def slow_extract(chunks):  # type: ignore[no-untyped-def]
        # Both rebuilds are inside the read-then-insert window at once, as an upload and the 重建 button were.
        time.sleep(0.3)
        return real_extract(chunks)

    monkeypatch.setattr(kb.learn.glossary, "extract", slow_extract)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            open_glossary(fake_kb).rebuild()
        except BaseException as exc:  # noqa: BLE001 - the test reports whatever a thread raised
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    g = open_glossary(fake_kb)
    with g.db() as s:
        terms = [r.term for r in s.query(GlossaryEntry).all()]
    assert "五懂五会" in terms and "三高四新" in terms
    assert len(terms) == len(set(terms))


def test_an_admin_save_while_a_rebuild_runs_is_kept(fake_kb, monkeypatch):
    real_extract = kb.learn.glossary.extract

    def slow_extract(chunks):  # type: ignore[no-untyped-def]
        time.sleep(0.3)
        return real_extract(chunks)

    monkeypatch.setattr(kb.learn.glossary, "extract", slow_extract)
    rebuild = threading.Thread(target=lambda: open_glossary(fake_kb).rebuild())
    rebuild.start()
    time.sleep(0.05)
    open_glossary(fake_kb).save("五懂五会", note="干部队伍建设目标", user="admin")
    rebuild.join(timeout=30)
    e = open_glossary(fake_kb).get("五懂五会")
    assert e is not None and e.origin == "admin" and e.note == "干部队伍建设目标"


def test_repeated_refreshes_reuse_the_one_engine_of_the_database_url(fake_kb):
    factories = {id(refresh(fake_kb).db) for _ in range(5)}
    assert len(factories) == 1
    assert open_glossary(fake_kb).db is kb.accounts.db.open_db(fake_kb.settings)  # the users' and history's engine too
    assert fake_kb.glossary  # refresh still wires the definitions into retrieval
