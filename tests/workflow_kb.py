"""A real knowledge base of the Zhuzhou page and the party constitution, built once for the workflow tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb.settings import Settings

REPO = Path(__file__).resolve().parents[1]
CORPUS_DOCS = (REPO / "../shared/corpus/docs").resolve()
ZHUZHOU = REPO / "data" / "sample" / "动力党建合力攻坚_株洲市直机关.txt"
DANGZHANG = CORPUS_DOCS / "dangzhang_2017.txt"


def workflow_settings(data_dir: Path) -> Settings:
    """Default settings over `data_dir`, deaf to the caller's KB_* variables and settings.toml."""
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("KB_"):
                mp.delenv(name)
        mp.setenv("KB_SETTINGS_FILE", str(data_dir.parent / "no-settings.toml"))
        return Settings(data_dir=data_dir)


def build_workflow_kb(data_dir: Path, embedder, extra: list[Path] = ()):  # type: ignore[no-untyped-def]
    """Ingest the Zhuzhou page and the party constitution (and `extra` files) with the real embedder; the KB."""
    from ingest.pipeline import ingest_paths
    from kb.factory import build, open_index

    if not DANGZHANG.is_file():
        pytest.skip(f"shared corpus not found at {CORPUS_DOCS}")
    settings = workflow_settings(data_dir)
    index = open_index(settings, embedder)
    report = ingest_paths(index, [ZHUZHOU, DANGZHANG, *extra])
    assert not report.failed, report.summary()
    return build(settings, index=index)
