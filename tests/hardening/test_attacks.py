"""Attacks on the real app (`python app.py` on 127.0.0.1, real users): password guessing per account and
per address, idle sessions, a normal user calling admin endpoints."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.cli.loadbench import start_app, stop_app

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
ADMIN = ("boss", "admin-pass-123")
USER = ("xiaoli", "user-pass-456")
IDLE_S = 8


def _run(args: list[str], data_dir: Path, stdin: str = "") -> subprocess.CompletedProcess:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(KB_SETTINGS_FILE=str(data_dir / "none.toml"))
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, input=stdin, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    work = tmp_path_factory.mktemp("attacks")
    data = work / "kb"
    doc = work / "规定.txt"
    doc.write_text("第一条 为了加强社区管理，制定本规定。居民办理居住证须携带身份证。", encoding="utf-8")
    r = _run(["-m", "ingest", str(doc), "--kb", str(data)], data)
    assert r.returncode == 0, r.stderr
    for (name, password), role in ((ADMIN, "admin"), (USER, "user")):
        # --kb after the action, as every other command takes it
        r = _run(
            ["-m", "kb", "users", "add", name, "--role", role, "--password-stdin", "--kb", str(data)],
            data,
            password + "\n",
        )
        assert r.returncode == 0, r.stderr
    proc, url = start_app(
        REPO,
        data,
        {
            "KB_SECURITY__LOGIN_BASE_LOCKOUT_S": "2",
            "KB_SECURITY__LOGIN_MAX_LOCKOUT_S": "4",
            "KB_SECURITY__SESSION_IDLE_MINUTES": str(IDLE_S / 60),
        },
    )
    try:
        yield url, data
    finally:
        stop_app(proc)


def _login(url: str, name: str, password: str) -> tuple[int, str, str]:
    """(status, detail, session cookie) of one POST /login."""
    body = urllib.parse.urlencode({"username": name, "password": password}).encode()
    req = urllib.request.Request(url + "/login", data=body, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            cookies = [v for k, v in r.headers.items() if k.lower() == "set-cookie"]
            token = next((c.split(";")[0] for c in cookies if c.startswith("access-token-unsecure")), "")
            return r.status, "", token
    except urllib.error.HTTPError as e:
        detail = json.loads(e.read().decode() or "{}").get("detail", "")
        return e.code, str(detail), ""


def _whoami(url: str, cookie: str) -> str | None:
    req = urllib.request.Request(url + "/gradio_api/user", headers={"Cookie": cookie})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read().decode() or "null")


def _log(data: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in data.glob("app-*.log"))


def test_wrong_passwords_for_one_account_are_throttled_even_for_the_right_password(app):
    url, data = app
    codes = [_login(url, USER[0], f"guess-{i}")[0] for i in range(20)]
    assert codes[:5] == [400] * 5  # the free failures
    assert codes.count(429) >= 10  # then throttled, not checked
    status, detail, _ = _login(url, *USER)
    assert status == 429 and "秒后再试" in detail
    time.sleep(4.5)  # the longest wait in this app
    status, _, token = _login(url, *USER)
    assert status == 200 and token
    assert "login throttled" in _log(data)


def test_many_guesses_over_many_connections_from_one_address_are_throttled(app):
    url, data = app
    time.sleep(4.5)
    codes: list[int] = []
    lock = threading.Lock()

    def guesser(k: int) -> None:
        for i in range(5):
            code = _login(url, f"name{k}-{i}", "password-guess")[0]
            with lock:
                codes.append(code)

    threads = [threading.Thread(target=guesser, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(codes) == 40
    assert codes.count(429) >= 10 and set(codes) <= {400, 429}
    time.sleep(4.5)


def test_an_idle_session_expires_and_an_active_one_does_not(app):
    url, _ = app
    time.sleep(4.5)
    status, _, token = _login(url, *USER)
    assert status == 200
    for _ in range(3):
        time.sleep(IDLE_S / 3)
        assert _whoami(url, token) == USER[0]  # in use: stays
    time.sleep(IDLE_S + 1)
    assert _whoami(url, token) is None  # idle too long: logged out


def test_a_normal_user_calling_an_admin_endpoint_is_refused_with_one_log_line(app):
    from gradio_client import Client

    url, data = app
    time.sleep(4.5)
    client = Client(url, auth=USER, verbose=False)
    with pytest.raises(Exception, match="只有管理员"):
        client.predict(api_name="/list_documents")
    client.close()
    log = _log(data)
    assert "refused: 只有管理员可以修改知识库" in log
    assert "Traceback" not in log
