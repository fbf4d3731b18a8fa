"""What the `python -m kb` commands share: opening a knowledge base that has documents to answer from."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kb.service import KnowledgeBase
    from kb.settings import Settings


def open_ready_kb(settings: Settings) -> KnowledgeBase | None:
    """The knowledge base at settings.data_dir, or None (after one line on stderr) when it has no ready document."""
    from kb.factory import build

    kb = build(settings)
    if not kb.documents():
        kb.close()
        d = settings.data_dir
        print(f"知识库为空（{d}）：先运行 python -m ingest 文件或文件夹 --kb {d}", file=sys.stderr)
        return None
    return kb
