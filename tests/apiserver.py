"""The real app (`python app.py`) in a subprocess for API tests: two departments, their users and API tokens.

Installation: the bundled sample in `default` (全市共享), `zzb` (组织部) and `xcb` (宣传部) each with one
document of its own uploaded through the API by the test; `admin` is the installation admin, `alice`
edits 组织部, `bob` edits 宣传部; each has a local password and an API token made by
`python -m kb users token`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from tests.servers import free_port, stop

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
PASSWORDS = {"admin": "admin-pass-123", "alice": "alice-pass-456", "bob": "bob-pass-789"}
ZZB_DOC = (
    "组织部干部教育培训办法.txt",
    "组织部干部教育培训办法\n\n"
    "第一条 为加强干部教育培训，制定本办法。\n\n"
    "第二条 干部每年参加集中脱产培训的时间累计不少于110学时。\n\n"
    "第三条 新任职的科级干部应当在任职一年内参加任职培训，培训时间不少于30天。\n",
)
XCB_DOC = (
    "宣传部新闻发布工作规定.txt",
    "宣传部新闻发布工作规定\n\n"
    "第一条 为规范新闻发布工作，制定本规定。\n\n"
    "第二条 市政府新闻发布会每季度至少举行一次，由新闻发言人主持。\n\n"
    "第三条 突发公共事件发生后，应当在5小时内发布权威信息。\n",
)


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without its KB_* variables, with the test's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(KB_DATA_DIR=str(data_dir), KB_SETTINGS_FILE=str(data_dir.parent / "no-settings.toml"), **extra)
    return env


def run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, input=stdin, capture_output=True, text=True, timeout=300
    )


def must(r: subprocess.CompletedProcess) -> str:
    assert r.returncode == 0, r.stderr
    return r.stdout


@dataclass
class App:
    url: str
    data_dir: Path
    workdir: Path
    env: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}


@contextmanager
def running_app(workdir: Path, env: dict[str, str], data_dir: Path) -> Iterator[str]:
    """`python app.py` on a free port until the block ends; its log is in workdir/app.log."""
    port = free_port()
    env = {**env, "KB_APP__PORT": str(port)}
    log = (workdir / "app.log").open("wb")
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"app exited with {proc.returncode}:\n{(workdir / 'app.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url + "/api/v1/kbs", timeout=2):
                    break
            except urllib.error.HTTPError:
                break  # 401: up, and asking for a token
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("app did not come up within 180 s") from None
                time.sleep(0.5)
        yield url
    finally:
        stop(proc, timeout=20)
        log.close()


def departments_installation(workdir: Path, **extra_env: str) -> tuple[Path, dict[str, str], dict[str, str]]:
    """Sample ingested, two departments, three users with their grants and tokens: (data_dir, env, tokens)."""
    data = workdir / "kb"
    env = child_env(data, **extra_env)
    must(run(["-m", "ingest", str(SAMPLE)], env))
    must(run(["-m", "kb", "users", "add-kb", "zzb", "组织部"], env))
    must(run(["-m", "kb", "users", "add-kb", "xcb", "宣传部"], env))
    roles = {"admin": "admin", "alice": "user", "bob": "user"}
    for name, role in roles.items():
        must(run(["-m", "kb", "users", "add", name, "--role", role, "--password-stdin"], env, PASSWORDS[name] + "\n"))
    must(run(["-m", "kb", "users", "grant", "alice", "zzb", "editor"], env))
    must(run(["-m", "kb", "users", "grant", "bob", "xcb", "editor"], env))
    tokens = {n: must(run(["-m", "kb", "users", "token", n, "--label", "test"], env)).strip() for n in roles}
    return data, env, tokens
