"""`python -m kb bench-load`: many people asking at once, through the web app as a browser would.

Starts `python app.py` on a free loopback port over a knowledge base (the bundled sample, or `--kb`),
then for each level of concurrency runs that many simulated users, each with its own Gradio session
(`ChatSession`: Gradio's REST API, one keep-alive connection and session hash per person, as a browser tab
keeps one session for all its questions), asking `--per-user` questions one after another through the
chat's `/respond` endpoint. Prints p50/p95 latency per answer, throughput and errors per level. Bounded: a fixed
number of requests, a timeout per request, loopback only. `--app-dir` runs another checkout's app
(e.g. the code before a change) against the same knowledge base, for a before/after in one run.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = [
    "动力党建·合力攻坚工程是什么？",
    "株洲市城管系统有多少名党员干部奋战一线？",
    "党员的预备期是多长时间？",
    "市直机关党员干部如何参与项目建设？",
    "2035年的远景目标是什么？",
]


@dataclass
class Level:
    """The outcome of one concurrency level."""

    users: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    app_cpu: float | None = None  # CPU seconds the app process spent during the level (None: not measurable)
    client_cpu: float = 0.0  # CPU seconds this process (the simulated users) spent

    def line(self) -> str:
        if not self.latencies:
            return f"{self.users:>4} 用户：全部失败（{len(self.errors)} 个错误：{self.errors[:1]}）"
        q = statistics.quantiles(self.latencies, n=20) if len(self.latencies) > 1 else [self.latencies[0]] * 19
        p50 = statistics.median(self.latencies)
        return (
            f"{self.users:>4} 用户：{len(self.latencies)} 个回答，p50 {p50:.2f} s，p95 {q[18]:.2f} s，"
            f"吞吐 {len(self.latencies) / self.seconds:.1f} 个/秒，错误 {len(self.errors)}{self._cpu()}"
        )

    def _cpu(self) -> str:
        """CPU per answer: what the server costs, and how little of the machine the load client took."""
        n = len(self.latencies) + len(self.errors)
        if self.app_cpu is None or not n:
            return ""
        return f"；每个回答的 CPU：应用 {self.app_cpu / n * 1000:.0f} ms，压测端 {self.client_cpu / n * 1000:.0f} ms"


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc); None where that is not readable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(data_dir: Path, port: int, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(
        KB_DATA_DIR=str(data_dir),
        KB_APP__PORT=str(port),
        KB_SETTINGS_FILE=str(data_dir / "no-settings.toml"),
        GRADIO_ANALYTICS_ENABLED="False",
        **extra,
    )
    return env


def start_app(
    app_dir: Path, data_dir: Path, extra_env: dict[str, str] | None = None, log_dir: Path | None = None
) -> tuple[subprocess.Popen, str]:
    """`python app.py` of `app_dir` on a free loopback port; (process, url) once it answers."""
    port = _free_port()
    log_path = (log_dir or data_dir) / f"app-{port}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - the child writes it until stopped
    proc = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=app_dir,
        env=_env(data_dir, port, extra_env or {}),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited with {proc.returncode}: {log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/config", timeout=2):
                return proc, url
        except urllib.error.HTTPError:
            return proc, url  # any HTTP answer (401 with login switched on) means it is up
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("app did not start within 300 s") from None
            time.sleep(0.5)


def stop_app(proc: subprocess.Popen) -> None:
    """Terminate the app (kill after 20 s)."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class ChatSession:
    """One person at the web chat: questions through Gradio's REST API for the chat's `respond` event.

    `POST /gradio_api/call/respond` queues a question with this person's session hash, `GET
    /gradio_api/call/respond/{event_id}` streams the answer (server-sent events); both go through the same
    queue, callback and session state as the browser's own requests, and like the browser it sends the chat
    shown so far with each question, so one person's questions continue one conversation. Written on the
    standard library rather than with `gradio_client`: on the same 2 cores that client spent more CPU per
    answer (about 190 ms, most of it its own SSE and thread machinery) than the app did (about 110 ms), so the
    benchmark measured its client. This one spends about 1 ms.
    """

    def __init__(self, url: str, timeout: float = 180.0) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.session_hash = secrets.token_hex(8)
        self._conn: http.client.HTTPConnection | None = None
        self._inputs = self._respond_inputs()
        self._messages: list = self._inputs[1] or []  # the chat as the page shows it

    def _request(self, method: str, path: str, body: dict | None = None) -> http.client.HTTPResponse:
        for attempt in (0, 1):  # a keep-alive connection the server closed is reopened once
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                data = None if body is None else json.dumps(body).encode()
                headers = {"Content-Type": "application/json"} if data else {}
                self._conn.request(method, path, data, headers)
                return self._conn.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _respond_inputs(self) -> list:
        """The values a freshly loaded page sends with a question: each input's initial value, None for state."""
        r = self._request("GET", "/config")
        raw = r.read()
        if r.status != 200:  # e.g. 401 when the app has logins: this client does not log in
            raise RuntimeError(f"/config: HTTP {r.status}")
        config = json.loads(raw)
        respond = next(d for d in config["dependencies"] if d.get("api_name") == "respond")
        components = {c["id"]: c for c in config["components"]}
        return [
            None if components[i]["type"] == "state" else components[i].get("props", {}).get("value")
            for i in respond["inputs"]
        ]

    def ask(self, question: str) -> str:
        """The final answer's Markdown; RuntimeError with the server's message when it refused or failed."""
        r = self._request(
            "POST",
            "/gradio_api/call/respond",
            {"data": [question, self._messages, *self._inputs[2:]], "session_hash": self.session_hash},
        )
        body = json.loads(r.read() or b"{}")
        if r.status != 200:
            raise RuntimeError(f"HTTP {r.status}: {body.get('detail', body)}")
        r = self._request("GET", f"/gradio_api/call/respond/{body['event_id']}")
        event, final = "", None
        for raw in r:  # server-sent events: "event: …" then "data: …" lines
            line = raw.decode("utf-8").rstrip("\n")
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                final = (event, json.loads(line[5:]))
                break
        r.read()
        if final is None or final[0] == "error":
            raise RuntimeError(f"error: {final[1] if final else 'no answer'}")
        messages = final[1][0]
        self._messages = messages
        last = messages[-1] if messages else {}
        content = last.get("content") if isinstance(last, dict) else last
        return str(content)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def read_questions(paths: list[Path], seed: int = 0) -> list[str]:
    """The distinct questions of JSONL files (a "question" field per line), in a fixed shuffled order.

    Each request of a level then asks a question no other request asked, so neither the question-vector cache nor
    any other cache answers for the work a new question costs."""
    import random

    seen: dict[str, None] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                seen.setdefault(json.loads(line)["question"], None)
    out = list(seen)
    random.Random(seed).shuffle(out)
    return out


def run_level(
    url: str,
    users: int,
    per_user: int,
    timeout: float = 180.0,
    questions: list[str] | None = None,
    offset: int = 0,
    think: float = 0.0,
    app_pid: int | None = None,
) -> Level:
    """`users` sessions at once, each asking `per_user` questions in a row, from `questions[offset:]` (cycled).

    With `think` (seconds), each person arrives at a random moment within the first `think` seconds and reads
    each answer for 0.5-1.5 × `think` before the next question, as people at a chat do; 0 fires every question
    the moment the previous one is answered (a burst, the harshest case)."""
    import random

    questions = questions or QUESTIONS
    level = Level(users)
    clients = [ChatSession(url, timeout) for _ in range(users)]
    lock = threading.Lock()
    start = threading.Barrier(users + 1)

    def user(i: int) -> None:
        rng = random.Random(i)
        start.wait()
        if think:
            time.sleep(rng.uniform(0, think))
        for j in range(per_user):
            if think and j:
                time.sleep(rng.uniform(0.5, 1.5) * think)
            q = questions[(offset + i * per_user + j) % len(questions)]
            t0 = time.perf_counter()
            try:
                answer = clients[i].ask(q)
                ok = bool(answer.strip())
                err = "" if ok else "empty answer"
            except Exception as exc:  # noqa: BLE001 - every failure is counted and shown, not raised
                err = f"{type(exc).__name__}: {str(exc)[:120]}"
            with lock:
                if err:
                    level.errors.append(err)
                else:
                    level.latencies.append(time.perf_counter() - t0)

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    app0 = process_cpu_seconds(app_pid) if app_pid else None
    own0 = time.process_time()
    for t in threads:
        t.join(timeout=timeout * per_user + 60)
    level.seconds = time.perf_counter() - t0
    level.client_cpu = time.process_time() - own0
    app1 = process_cpu_seconds(app_pid) if app_pid else None
    if app0 is not None and app1 is not None:
        level.app_cpu = app1 - app0
    for c in clients:
        c.close()
    return level


def run_load_bench(
    kb_dir: Path | None,
    levels: list[int],
    per_user: int,
    app_dir: Path = REPO,
    extra_env: dict[str, str] | None = None,
    questions: list[str] | None = None,
    think: float = 0.0,
) -> int:
    """Start the app, run each level, print a line per level; 1 when any request failed."""
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = kb_dir or Path(tmp) / "kb"
        data_dir.mkdir(parents=True, exist_ok=True)
        if not (data_dir / "kb.sqlite3").exists():
            r = subprocess.run(
                [sys.executable, "-m", "ingest", str(REPO / "data" / "sample")],
                cwd=app_dir,
                env=_env(data_dir, 0, {}),
                capture_output=True,
                text=True,
            )
            if r.returncode != 0:
                print(r.stderr, file=sys.stderr)
                return 2
        # The app's own database (history, users) and its log are this run's: each run starts from the same
        # state, and the conversations of earlier runs do not pile up in the knowledge base's folder.
        own = {"KB_DATABASE_URL": f"sqlite:///{Path(tmp).resolve() / 'app.sqlite3'}", **(extra_env or {})}
        proc, url = start_app(app_dir, data_dir, own, log_dir=Path(tmp))
        failed = False
        try:
            asked = questions or QUESTIONS
            print(
                f"bench-load：{app_dir} 的 app.py，知识库 {data_dir}，每个用户连续提问 {per_user} 次（本机回环），"
                f"{len(asked)} 个不同的问题{'（轮流使用，会有重复）' if questions is None else ''}，"
                + (f"每人读完回答再问（平均 {think:g} 秒）" if think else "答完立即再问（突发，最严的情形）")
            )
            run_level(url, 2, 1, questions=["热身：党员的权利有哪些？", "热身：什么是三高四新？"])  # loads models
            offset = 0
            for n in levels:
                level = run_level(url, n, per_user, questions=asked, offset=offset, think=think, app_pid=proc.pid)
                offset += n * per_user  # the next level asks other questions, not the ones now cached
                failed = failed or bool(level.errors)
                print(level.line(), flush=True)
        finally:
            stop_app(proc)
        return 1 if failed else 0


def add_cli(sub) -> None:
    """Register `python -m kb bench-load`."""
    p = sub.add_parser("bench-load", help="p50/p95 and throughput of the web chat at 10 and 50 simultaneous users")
    p.add_argument("--kb", type=Path, help="knowledge-base folder (default: a temp one with the bundled sample)")
    p.add_argument("--users", type=int, nargs="+", default=[10, 50], help="concurrency levels")
    p.add_argument("--per-user", type=int, default=4, help="questions each user asks in a row")
    p.add_argument("--app-dir", type=Path, default=REPO, help="checkout whose app.py to run (before/after)")
    p.add_argument(
        "--questions",
        type=Path,
        nargs="+",
        help="JSONL files of questions (a 'question' field each): every request asks a different one "
        "(default: five questions on the bundled sample, repeated)",
    )

    p.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds a person reads an answer before asking again (0.5-1.5 × this, arrivals spread over it); "
        "0 (default): every question the moment the last is answered",
    )

    def cmd(args) -> int:
        questions = read_questions(args.questions) if args.questions else None
        return run_load_bench(args.kb, args.users, args.per_user, args.app_dir, questions=questions, think=args.think)

    p.set_defaults(fn=cmd)
