"""Test documents for authority metadata and versions, made from the corpus in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS_DIR


def corpus_file(name: str) -> Path:
    path = CORPUS_DIR / "docs" / name
    if not path.is_file():
        pytest.skip(f"shared corpus not found at {CORPUS_DIR}")
    return path


OLD_LINE = "任免机关应当自接到申请之日起三十日内予以审批"
NEW_LINE = "任免机关应当自接到申请之日起二十日内予以审批"
AMENDMENT = "2023年6月30日 第十四届全国人民代表大会常务委员会第三次会议修正"


def second_version(folder: Path, name: str = "gongwuyuanfa_2023.md") -> Path:
    """A later text of the 公务员法: a 2023 修正 line in its title block and 第八十五条 changed (三十日 → 二十日)."""
    text = corpus_file("gongwuyuanfa_2018.md").read_text(encoding="utf-8")
    assert OLD_LINE in text
    text = text.replace("\n\n<!-- INFO END -->", f"\n\n{AMENDMENT}\n\n<!-- INFO END -->", 1)
    text = text.replace(OLD_LINE, NEW_LINE, 1)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def copy_corpus(folder: Path, *names: str) -> list[Path]:
    """Copies of corpus files (so sidecars can be put next to them)."""
    out = []
    for n in names:
        p = folder / n
        p.write_bytes(corpus_file(n).read_bytes())
        out.append(p)
    return out
