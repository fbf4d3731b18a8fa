"""`python app.py` as a person starts it: it refuses a public interface while no user can log in."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.e2e.appserver import REPO, app_env, run

pytestmark = pytest.mark.e2e


def test_python_app_py_exits_with_a_clear_message_on_a_public_interface_without_users(tmp_path):
    env = app_env(tmp_path / "kb", KB_APP__HOST="0.0.0.0")
    r = subprocess.run([sys.executable, "app.py"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "拒绝启动" in r.stderr and "users add" in r.stderr


def test_with_a_user_the_public_interface_check_passes(tmp_path):
    env = app_env(tmp_path / "kb", KB_APP__HOST="0.0.0.0")
    r = run(["-m", "kb", "users", "add", "admin", "--role", "admin", "--password-stdin"], env, stdin="long-password\n")
    assert r.returncode == 0, r.stderr
    code = (
        "import sys, app; from kb.settings import load_settings; from kb.accounts.users import UserStore; "
        "s = load_settings(); print(app.startup_refusal(s.app.host, UserStore.open(s).count() > 0))"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "None", r.stderr
