"""The check sets `kb eval-sets` scores (data/questions/) are well formed, and their gold evidence is verbatim in the
documents they name (checked when ../shared, which holds the documents, is present)."""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path

import pytest

from kb.cli.evalsets import CHECKS, KB_DIRS, SOURCES, kb_dir_for
from kb.cli.evaluation import load_texts, norm

ROOT = CHECKS["dev_check"][0].parents[2]


def _rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("name", list(CHECKS))
def test_a_check_set_is_well_formed(name):
    path, source = CHECKS[name]
    rows = _rows(path)
    assert rows, name
    assert source in SOURCES
    for r in rows:
        assert {"id", "question", "answer", "doc", "evidence"} <= set(r), r
        assert r["question"].strip(), r
        if r["answer"] == "NOT_IN_KB":
            assert r["doc"] == "" and r["evidence"] == "", r
        else:
            assert r["doc"] and r["evidence"] and r["answer"], r


def test_ids_are_unique_across_the_check_sets():
    ids = [r["id"] for path, _ in CHECKS.values() for r in _rows(path)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("name", list(CHECKS))
def test_gold_evidence_is_verbatim_in_the_named_document(name):
    path, source = CHECKS[name]
    texts = ROOT / SOURCES[source][1]
    if not texts.is_dir():
        pytest.skip("../shared is not present")
    docs = load_texts(texts)  # by document name, as the scorer reads them
    for r in _rows(path):
        if r["answer"] != "NOT_IN_KB":
            assert norm(r["evidence"]) in norm(docs[r["doc"]]), r["id"]


def test_a_check_set_is_asked_against_its_sources_knowledge_base():
    none = Namespace(kb_dev=None, kb_crud_rag=None, kb_ncp=None)
    assert kb_dir_for("seed_check", none) == KB_DIRS["dev"]
    assert kb_dir_for("ncp_unanswerable", none) == KB_DIRS["ncp"]
    mine = Namespace(kb_dev="/tmp/my-dev-kb", kb_crud_rag=None, kb_ncp=None)
    assert kb_dir_for("dev_check", mine) == kb_dir_for("dev", mine) == Path("/tmp/my-dev-kb")
