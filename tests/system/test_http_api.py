"""The HTTP API, the OpenAI-compatible endpoint and the MCP server, driven as real clients against `python app.py`.

Two departments (组织部 zzb, 宣传部 xcb) and three users (the installation admin, alice of 组织部, bob of
宣传部), each calling with an API token made by `python -m kb users token`. The audit log, read back
through the API at the end of the module, must hold each of these tests' actions.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.apiserver import PASSWORDS, XCB_DOC, ZZB_DOC, App, departments_installation, run, running_app

pytestmark = pytest.mark.slow

CITATION_FIELDS = {"source", "title", "author", "location", "quote", "passage"}


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[App]:
    work = tmp_path_factory.mktemp("api")
    data, env, tokens = departments_installation(work)
    with running_app(work, env, data) as url:
        yield App(url, data, work, env, tokens)


def client(app: App, user: str | None) -> httpx.Client:
    headers = app.headers(user) if user else {}
    return httpx.Client(base_url=app.url, headers=headers, timeout=120)


def wait_job(c: httpx.Client, job: dict[str, Any]) -> dict[str, Any]:
    deadline = time.monotonic() + 180
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.3)
        job = c.get(f"/api/v1/jobs/{job['id']}").json()
    return job


@pytest.fixture(scope="module")
def uploaded(app: App) -> dict[str, dict[str, Any]]:
    """alice uploads the 组织部 document into zzb, bob the 宣传部 one into xcb, through the API."""
    jobs = {}
    for user, kb, (name, text) in (("alice", "zzb", ZZB_DOC), ("bob", "xcb", XCB_DOC)):
        with client(app, user) as c:
            r = c.post(f"/api/v1/kbs/{kb}/documents", files=[("files", (name, text.encode("utf-8"), "text/plain"))])
            assert r.status_code == 202, r.text
            jobs[kb] = wait_job(c, r.json())
    return jobs


def test_an_upload_through_the_api_is_a_job_whose_status_reports_each_file(uploaded):
    job = uploaded["zzb"]
    assert job["status"] == "done" and job["progress"] == 1.0
    assert job["result"]["files"][0]["name"] == ZZB_DOC[0]
    assert job["result"]["files"][0]["status"] == "added" and job["result"]["files"][0]["chunks"] >= 1


def test_a_department_member_asks_their_own_knowledge_base_and_gets_structured_citations(app, uploaded):
    with client(app, "alice") as c:
        r = c.post("/api/v1/ask", json={"question": "干部每年参加集中脱产培训的时间累计不少于多少学时？", "kb": "zzb"})
    assert r.status_code == 200, r.text
    a = r.json()
    assert not a["refused"] and "110学时" in a["answer"] and "[1]" in a["answer"]
    cite = a["citations"][0]
    assert CITATION_FIELDS <= set(cite) and cite["source"] == ZZB_DOC[0]
    assert cite["quote"] in cite["passage"] and a["kb"] == "zzb"


def test_the_api_answer_carries_the_same_citation_objects_as_kb_ask_batch(app, tmp_path):
    q = "动力党建·合力攻坚工程是什么？"
    (tmp_path / "q.jsonl").write_text(json.dumps({"id": "1", "question": q}, ensure_ascii=False) + "\n")
    r = run(["-m", "kb", "ask", "--batch", str(tmp_path / "q.jsonl"), "--out", str(tmp_path / "a.jsonl")], app.env)
    assert r.returncode == 0, r.stderr
    batch = json.loads((tmp_path / "a.jsonl").read_text(encoding="utf-8"))
    with client(app, "alice") as c:
        api = c.post("/api/v1/ask", json={"question": q}).json()
    assert api["answer"] == batch["answer"]
    assert len(api["citations"]) == len(batch["citations"])
    for ours, theirs in zip(api["citations"], batch["citations"]):
        differ = sorted(k for k in set(ours) | set(theirs) if ours.get(k) != theirs.get(k))
        assert {k: ours.get(k) for k in differ} == {k: theirs.get(k) for k in differ}


def test_a_member_of_another_department_is_refused_its_knowledge_base_everywhere(app, uploaded):
    question = {"question": "干部每年参加集中脱产培训的时间累计不少于多少学时？", "kb": "zzb"}
    with client(app, "bob") as c:
        assert c.post("/api/v1/ask", json=question).status_code == 403
        assert c.post("/api/v1/ask/stream", json=question).status_code == 403
        assert c.post("/api/v1/search", json={"query": "集中脱产培训", "kb": "zzb"}).status_code == 403
        assert c.get("/api/v1/kbs/zzb/documents").status_code == 403
        assert c.get("/api/v1/kbs/zzb/glossary").status_code == 403
        r = c.post("/api/v1/kbs/zzb/documents", files=[("files", ("x.txt", "第一条 测试。".encode(), "text/plain"))])
        assert r.status_code == 403
        assert c.delete(f"/api/v1/kbs/zzb/documents/{ZZB_DOC[0]}").status_code == 403
        assert c.post("/api/v1/packs", json={"topic": "干部教育培训", "kb": "zzb"}).status_code == 403
        assert {k["id"] for k in c.get("/api/v1/kbs").json()} == {"default", "xcb"}
        # The job of alice's upload is not bob's to read either.
        assert c.get(f"/api/v1/jobs/{uploaded['zzb']['id']}").status_code == 404
    with client(app, "alice") as c:
        r = c.post("/api/v1/ask", json={"question": "新闻发布会多久举行一次？", "kb": "xcb"})
        assert r.status_code == 403


def test_a_search_in_one_department_never_returns_another_departments_passages(app, uploaded):
    with client(app, "admin") as c:
        hits = c.post("/api/v1/search", json={"query": "新闻发布会每季度举行", "kb": "zzb", "k": 10}).json()
    assert hits and all(h["source"] == ZZB_DOC[0] for h in hits)


def test_a_reader_may_not_change_documents_and_an_editor_of_one_department_may_not_grant_roles(app, uploaded):
    with client(app, "alice") as c:
        # default (全市共享) is readable by everyone, editable by no department member.
        assert c.delete("/api/v1/kbs/default/documents/x.txt").status_code == 403
        assert c.put("/api/v1/kbs/zzb/members/bob", json={"role": "reader"}).status_code == 403
        assert c.post("/api/v1/kbs", json={"id": "tjj", "name": "统计局"}).status_code == 403
    with client(app, "admin") as c:
        assert c.put("/api/v1/kbs/xcb/members/alice", json={"role": "reader"}).status_code == 200
    with client(app, "alice") as c:
        r = c.post("/api/v1/ask", json={"question": "市政府新闻发布会多久至少举行一次？", "kb": "xcb"})
        assert r.status_code == 200 and "每季度" in r.json()["answer"]
        assert c.delete(f"/api/v1/kbs/xcb/documents/{XCB_DOC[0]}").status_code == 403
    with client(app, "admin") as c:
        assert c.delete("/api/v1/kbs/xcb/members/alice").status_code == 200
    with client(app, "alice") as c:
        assert c.post("/api/v1/ask", json={"question": "新闻发布会多久举行？", "kb": "xcb"}).status_code == 403


def test_the_stream_sends_text_pieces_then_the_whole_answer(app):
    pieces, final = [], None
    with (
        client(app, "alice") as c,
        c.stream("POST", "/api/v1/ask/stream", json={"question": "动力党建·合力攻坚工程是什么？"}) as r,
    ):
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        event = ""
        for line in r.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
                if event == "delta":
                    pieces.append(data["text"])
                else:
                    final = data
    assert len(pieces) >= 1 and final is not None
    assert "".join(pieces) == final["answer"] and final["citations"]


def test_a_follow_up_with_history_is_understood_in_context(app):
    body = {
        "question": "那新任职的科级干部呢？",
        "kb": "zzb",
        "history": [{"question": "干部每年参加集中脱产培训多少学时？", "answer": "不少于110学时。"}],
    }
    with client(app, "alice") as c:
        a = c.post("/api/v1/ask", json=body).json()
    assert a["rewritten_question"] and "科级干部" in a["rewritten_question"]


def test_requests_without_a_valid_token_are_refused(app):
    with client(app, None) as c:
        assert c.post("/api/v1/ask", json={"question": "党员的预备期是多长时间？"}).status_code == 401
        r = c.post("/api/v1/ask", json={"question": "x"}, headers={"Authorization": "Bearer kb_not-a-token"})
        assert r.status_code == 401


def test_a_revoked_token_stops_working_at_once(app):
    with client(app, "alice") as c:
        made = c.post("/api/v1/tokens", json={"label": "short-lived"}).json()
        assert made["token"].startswith("kb_")
    h = {"Authorization": f"Bearer {made['token']}"}
    with httpx.Client(base_url=app.url, headers=h) as c:
        assert c.get("/api/v1/me").json()["name"] == "alice"
        assert c.delete(f"/api/v1/tokens/{made['id']}").status_code == 200
        assert c.get("/api/v1/me").status_code == 401
    # Only the hash is at rest: the secret is nowhere in the database file.
    db = b"".join(p.read_bytes() for p in app.data_dir.glob("app.sqlite3*"))  # with the write-ahead log
    assert made["token"].encode() not in db


def test_glossary_edits_are_for_editors_of_that_knowledge_base(app, uploaded):
    with client(app, "alice") as c:
        r = c.put("/api/v1/kbs/zzb/glossary/任职培训", json={"quote": "新任职的科级干部应当在任职一年内参加任职培训"})
        assert r.status_code == 200, r.text
        assert r.json()["citations"][0]["source"] == ZZB_DOC[0]
        terms = [e["term"] for e in c.get("/api/v1/kbs/zzb/glossary", params={"q": "任职"}).json()]
        assert "任职培训" in terms
        bad = c.put("/api/v1/kbs/zzb/glossary/乱写", json={"quote": "这句话不在任何文档里"})
        assert bad.status_code == 400
    with client(app, "bob") as c:
        assert c.put("/api/v1/kbs/zzb/glossary/任职培训", json={"note": "x"}).status_code == 403
    with client(app, "alice") as c:
        assert c.delete("/api/v1/kbs/zzb/glossary/任职培训").status_code == 200


def test_a_pack_is_exported_as_markdown_with_its_sources(app):
    with client(app, "alice") as c:
        r = c.post("/api/v1/packs", json={"topic": "机关党建", "format": "md"})
        assert r.status_code == 200, r.text
        assert "机关党建" in r.text and "动力党建合力攻坚" in r.text
        docx = c.post("/api/v1/packs", json={"topic": "机关党建", "format": "docx"})
        assert docx.status_code == 200 and docx.content[:2] == b"PK"
        assert c.post("/api/v1/packs", json={"topic": "量子计算机的原理"}).status_code == 422


def test_reindex_and_delete_through_the_api(app, uploaded):
    with client(app, "bob") as c:
        job = wait_job(c, c.post(f"/api/v1/kbs/xcb/documents/{XCB_DOC[0]}/reindex").json())
        assert job["status"] == "done" and job["result"]["chunks"] >= 1
        assert c.delete(f"/api/v1/kbs/xcb/documents/{XCB_DOC[0]}").status_code == 200
        assert c.get("/api/v1/kbs/xcb/documents").json() == []
        r = c.post("/api/v1/ask", json={"question": "新闻发布会多久举行一次？", "kb": "xcb"})
        assert r.json()["refused"]


# -- the OpenAI-compatible endpoint, with the real openai client ---------------------------------------------


def openai_client(app: App, user: str):  # type: ignore[no-untyped-def]
    from openai import OpenAI

    return OpenAI(base_url=app.url + "/v1", api_key=app.tokens[user], max_retries=0)


def test_the_openai_client_gets_an_answer_with_markers_and_citations(app, uploaded):
    oa = openai_client(app, "alice")
    models = {m.id for m in oa.models.list()}
    assert models == {"kb", "kb:zzb"}
    r = oa.chat.completions.create(
        model="kb:zzb", messages=[{"role": "user", "content": "新任职的科级干部任职培训时间不少于多少天？"}]
    )
    text = r.choices[0].message.content
    assert "30天" in text and "[1]" in text
    cites = r.model_extra["citations"]
    assert cites[0]["source"] == ZZB_DOC[0] and CITATION_FIELDS <= set(cites[0])


def test_the_openai_client_streams_and_the_last_chunk_carries_the_citations(app):
    oa = openai_client(app, "alice")
    stream = oa.chat.completions.create(
        model="kb",
        messages=[
            {"role": "system", "content": "你是助手"},
            {"role": "user", "content": "动力党建·合力攻坚工程是什么？"},
        ],
        stream=True,
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "[1]" in text and chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["citations"] and chunks[-1].model_extra["answer"] == text


def test_the_openai_client_is_denied_another_departments_model(app, uploaded):
    from openai import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        openai_client(app, "bob").chat.completions.create(
            model="kb:zzb", messages=[{"role": "user", "content": "干部每年培训多少学时？"}]
        )


# -- the MCP server, with a real MCP client session ---------------------------------------------------------


async def _mcp_call(url: str, token: str | None, tool: str, args: dict[str, Any]) -> tuple[list[str], Any]:
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx2.AsyncClient(headers=headers, timeout=120) as http:
        async with Client(streamable_http_client(url + "/mcp/", http_client=http)) as mcp:
            tools = [t.name for t in (await mcp.list_tools()).tools]
            result = await mcp.call_tool(tool, args)
            return tools, result


def mcp_call(url: str, token: str | None, tool: str, args: dict[str, Any]) -> tuple[list[str], Any]:
    """One MCP client session, on its own thread: after the browser tests, Playwright's sync API has left an
    event loop running on the main thread, where asyncio.run refuses to start."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(_mcp_call(url, token, tool, args))).result()


def test_an_mcp_client_session_lists_the_tools_and_asks_with_citations(app, uploaded):
    tools, result = mcp_call(
        app.url, app.tokens["alice"], "ask", {"question": "干部每年参加集中脱产培训多少学时？", "kb": "zzb"}
    )
    assert {"search", "ask", "list_knowledge_bases"} <= set(tools)
    assert not result.is_error
    answer = json.loads(result.content[0].text)
    assert "110学时" in answer["answer"] and answer["citations"][0]["source"] == ZZB_DOC[0]


def test_an_mcp_search_returns_passages_of_the_knowledge_base_asked(app, uploaded):
    _, result = mcp_call(app.url, app.tokens["bob"], "search", {"query": "城管系统党员干部奋战一线", "kb": "default"})
    assert not result.is_error
    passages = json.loads(result.content[0].text)
    assert passages and {p["source"] for p in passages} == {"动力党建合力攻坚_株洲市直机关.txt"}


def test_an_mcp_call_into_another_department_is_an_error_and_no_token_is_no_session(app, uploaded):
    _, result = mcp_call(app.url, app.tokens["bob"], "ask", {"question": "干部培训多少学时？", "kb": "zzb"})
    assert result.is_error and "无权" in result.content[0].text
    with httpx.Client(base_url=app.url) as c:
        r = c.post("/mcp/", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
        assert r.status_code == 401


# -- the web chat over departments (through the Gradio client, as the page calls it) ------------------------


def test_the_web_chat_answers_from_the_chosen_department_and_refuses_another(app, uploaded):
    from gradio_client import Client

    alice = Client(app.url + "/", auth=("alice", PASSWORDS["alice"]), verbose=False)
    out = alice.predict("干部每年参加集中脱产培训的时间累计不少于多少学时？", [], [], [], "zzb", api_name="/respond")
    messages = out[0]
    assert "110学时" in str(messages[-1]["content"])
    bob = Client(app.url + "/", auth=("bob", PASSWORDS["bob"]), verbose=False)
    with pytest.raises(Exception, match="无权"):
        bob.predict("干部每年参加集中脱产培训多少学时？", [], [], [], "zzb", api_name="/respond")


# -- logins and the audit log ----------------------------------------------------------------------------------


def test_web_logins_and_failed_logins_are_audited_with_the_source_address(app):
    with httpx.Client(base_url=app.url) as c:
        assert c.post("/login", data={"username": "alice", "password": PASSWORDS["alice"]}).status_code == 200
        assert c.post("/login", data={"username": "alice", "password": "wrong-password"}).status_code == 400
    with client(app, "admin") as c:
        events = c.get("/api/v1/audit", params={"actor": "alice"}).json()
    kinds = [(e["action"], e["source"]) for e in events]
    assert ("login", "127.0.0.1") in kinds and ("login.failed", "127.0.0.1") in kinds


def test_the_audit_log_holds_each_action_of_these_tests_and_exports_csv(app):
    with client(app, "admin") as c:
        events = c.get("/api/v1/audit").json()
        csv_text = c.get("/api/v1/audit", params={"format": "csv", "action": "upload"}).text
    with client(app, "alice") as c:
        assert c.get("/api/v1/audit").status_code == 403
    seen = {(e["actor"], e["action"], e["kb"], e["channel"]) for e in events}
    for expected in [
        ("alice", "upload", "zzb", "api"),
        ("bob", "upload", "xcb", "api"),
        ("alice", "ask", "zzb", "api"),
        ("alice", "ask", "zzb", "openai"),
        ("alice", "ask", "zzb", "mcp"),
        ("bob", "denied", "zzb", "api"),
        ("bob", "denied", "zzb", "openai"),
        ("bob", "denied", "zzb", "mcp"),
        ("alice", "glossary.save", "zzb", "api"),
        ("alice", "glossary.remove", "zzb", "api"),
        ("bob", "reindex", "xcb", "api"),
        ("bob", "delete", "xcb", "api"),
        ("admin", "grant", "xcb", "api"),
        ("alice", "ask", "zzb", "web"),
        ("bob", "denied", "zzb", "web"),
    ]:
        assert expected in seen, expected
    asked = next(e for e in events if e["action"] == "ask" and e["actor"] == "alice" and e["kb"] == "zzb")
    assert "学时" in asked["target"] or "天" in asked["target"]  # question text kept in full by default
    assert csv_text.splitlines()[0] == "id,time,actor,action,kb,target,detail,source,channel"
    assert ZZB_DOC[0] in csv_text and XCB_DOC[0] in csv_text


def test_the_database_refuses_to_change_or_delete_audit_events(app):
    import sqlite3

    con = sqlite3.connect(app.data_dir / "app.sqlite3")
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute("DELETE FROM audit_events")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute("UPDATE audit_events SET actor = 'someone else'")
    finally:
        con.close()
