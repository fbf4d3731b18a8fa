"""The real app in a subprocess on a free port, over a real temporary knowledge base, and Debian's chromium.

Playwright's own browser download cannot work offline, so the tests drive
/usr/bin/chromium (installed by `make system-deps`); without it they skip and say why.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from tests.e2e.appserver import ADMIN, CHROMIUM, HOSTILE_TEXT, REPO, SAMPLE, USER, Server, app_env, run
from tests.servers import free_port, stop


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright launches Debian's chromium instead of a downloaded browser."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (make system-deps) to run the browser tests")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM)}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """A Chinese-speaking person's browser: Gradio's own labels follow the browser's language."""
    return {**browser_context_args, "locale": "zh-CN"}


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    """`python app.py` on a free port, with an admin and a user, the sample and a hostile document ingested."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (make system-deps) to run the browser tests")
    work = tmp_path_factory.mktemp("e2e")
    data = work / "kb"
    port = free_port()
    env = app_env(data, KB_APP__PORT=str(port))
    hostile = work / "docs" / "安全演练规定.txt"
    hostile.parent.mkdir()
    hostile.write_text(HOSTILE_TEXT, encoding="utf-8")
    r = run(["-m", "ingest", str(SAMPLE), str(hostile)], env)
    assert r.returncode == 0, r.stderr
    for (name, password), role in ((ADMIN, "admin"), (USER, "user")):
        r = run(["-m", "kb", "users", "add", name, "--role", role, "--password-stdin"], env, stdin=password + "\n")
        assert r.returncode == 0, r.stderr
    log = (work / "app.log").open("wb")
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"app exited with {proc.returncode}:\n{(work / 'app.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url + "/", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("app did not come up within 180 s")
                time.sleep(0.5)
        yield Server(url, data, work)
    finally:
        stop(proc, timeout=20)
        log.close()
