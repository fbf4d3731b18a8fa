"""Helpers of the browser tests: the app's environment, users, a hostile document, a free port.

Playwright's own browser download cannot work offline, so the tests drive
/usr/bin/chromium (installed by `make system-deps`); without it they skip and say why.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SAMPLE = REPO / "data" / "sample"
# Screenshots go to a temporary folder, so `make test` leaves the tracked docs alone; `make screenshots`
# sets SCREENSHOTS_DIR to docs/screenshots to update them on purpose.
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or tempfile.mkdtemp(prefix="kb-screenshots-"))
ADMIN = ("admin", "admin-pass-123")
USER = ("xiaoli", "user-pass-456")
# A document whose text is markup: it must show as characters and never run.
HOSTILE_TEXT = (
    "安全测试文档\n\n"
    "红星街道安全演练规定：每季度组织一次消防演练。"
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    "演练结束后须提交书面总结。\n"
)


def app_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a child process: the caller's KB_* variables removed, the test's set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(KB_DATA_DIR=str(data_dir), KB_SETTINGS_FILE=str(data_dir.parent / "no-settings.toml"), **extra)
    return env


def run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, input=stdin, capture_output=True, text=True, timeout=300
    )


@dataclass
class Server:
    url: str
    data_dir: Path
    workdir: Path
