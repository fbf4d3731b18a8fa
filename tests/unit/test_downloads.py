"""Export folders: one root per process, each export its own folder, old ones pruned (ui/downloads.py)."""

import os
import time

from ui.downloads import ROOT_PREFIX, Downloads


def _age(path, seconds):
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_each_export_gets_its_own_empty_folder_under_the_process_root(tmp_path):
    d = Downloads(tmp_dir=tmp_path)
    a, b = d.folder("pack-"), d.folder("pack-")
    assert a != b and a.parent == b.parent == d.root
    assert a.name.startswith("pack-") and not any(a.iterdir())
    assert d.root.parent == tmp_path and d.root.name.startswith(ROOT_PREFIX)


def test_folders_older_than_the_limit_go_when_a_new_one_is_made(tmp_path):
    d = Downloads(max_age_s=3600, tmp_dir=tmp_path)
    old, fresh = d.folder("chat-"), d.folder("chat-")
    (old / "对话-1.md").write_text("旧", encoding="utf-8")
    _age(old, 7200)
    d.folder("audit-")
    assert not old.exists() and fresh.exists()


def test_roots_left_by_killed_servers_go_and_live_ones_stay(tmp_path):
    stale = tmp_path / f"{ROOT_PREFIX}dead"
    (stale / "pack-x").mkdir(parents=True)
    _age(stale, 3 * 86400)
    live = Downloads(tmp_dir=tmp_path)
    unrelated = tmp_path / "someone-else"
    unrelated.mkdir()
    _age(unrelated, 3 * 86400)
    Downloads(tmp_dir=tmp_path)
    assert not stale.exists()
    assert live.root.exists() and unrelated.exists()


def test_a_pruned_root_is_made_again(tmp_path):
    d = Downloads(tmp_dir=tmp_path)
    d.root.rmdir()
    assert d.folder("pack-").parent == d.root
