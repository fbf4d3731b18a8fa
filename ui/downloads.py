"""Where the page writes the files it offers for download (chat, audit and lesson-pack exports).

Gradio copies a returned file into its own cache (pruned by `delete_cache` in app.py), so ours are needed only for a
moment. They live in one folder per server process, removed at exit; folders older than `max_age_s` go whenever a
new one is made, so a server that runs for months, or one that was killed before its exit hook ran, does not fill
the disk with old exports.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
import time
from pathlib import Path

ROOT_PREFIX = "kb-downloads-"


class Downloads:
    """Fresh folders for exports under one per-process root, pruned by age."""

    def __init__(self, max_age_s: float = 86400, tmp_dir: Path | None = None) -> None:
        self.max_age_s = max_age_s
        self.tmp_dir = Path(tmp_dir or tempfile.gettempdir())
        self._prune(self.tmp_dir, ROOT_PREFIX)  # the roots of servers killed before their exit hook ran
        self.root = Path(tempfile.mkdtemp(prefix=ROOT_PREFIX, dir=self.tmp_dir))
        atexit.register(shutil.rmtree, self.root, ignore_errors=True)

    def folder(self, prefix: str) -> Path:
        """A new, empty folder of its own (two exports never overwrite each other's files)."""
        self._prune(self.root, "")
        self.root.mkdir(parents=True, exist_ok=True)  # another process may have pruned an idle root
        return Path(tempfile.mkdtemp(prefix=prefix, dir=self.root))

    def _prune(self, parent: Path, prefix: str) -> None:
        cutoff = time.time() - self.max_age_s
        try:
            entries = list(parent.iterdir())
        except OSError:
            return
        for p in entries:
            try:
                old = p.name.startswith(prefix) and p.is_dir() and p.stat().st_mtime < cutoff
            except OSError:  # gone meanwhile
                continue
            if old:
                shutil.rmtree(p, ignore_errors=True)


@functools.cache
def downloads() -> Downloads:
    """The process's one Downloads (every tab of every app built in this process shares it)."""
    return Downloads()
