"""A glossary built by one process reaches another process already serving the same index, without a restart:
its jieba learns the terms (so lexical search keeps them whole, as the re-tokenised index does) and questions are
expanded with the definitions. On one machine the files beside the index did that only for processes started
after the build; replicas and ingest workers sharing a PostgreSQL index do not share that folder at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from kb.learn.glossary import attach
from tests.workflow_kb import REPO, build_workflow_kb

pytestmark = pytest.mark.slow

REPLICA = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from kb.factory import build
    from kb.store.tokenize import tokenize
    from tests.workflow_kb import workflow_settings

    kb = build(workflow_settings(Path(sys.argv[1])))
    print(json.dumps({"glossary": sorted(kb.glossary)}), flush=True)
    term = sys.stdin.readline().strip()
    kb.retrieve(f"{term}是什么？")  # a question: the replica looks at the index's glossary
    out = {"glossary": sorted(kb.glossary), "tokens": tokenize(term), "expanded": kb.glossary.get(term, "")}
    print(json.dumps(out, ensure_ascii=False), flush=True)
    kb.close()
    """
)


def test_a_glossary_built_by_one_process_is_used_by_another_that_was_already_running(tmp_path, embedder):
    kb = build_workflow_kb(tmp_path / "kb", embedder)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env["PYTHONPATH"] = str(REPO)
    replica = subprocess.Popen(
        [sys.executable, "-c", REPLICA, str(kb.settings.data_dir)],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        before = json.loads(replica.stdout.readline() or "{}")
        assert before == {"glossary": []}, replica.stderr.read()[-2000:]  # started before any glossary

        glossary = attach(kb)  # this process builds it (as the admin tab or `python -m kb glossary` would)
        defined = {e.term: e.definition() for e in glossary.entries() if e.definition()}
        term = next(t for t in sorted(defined, key=len, reverse=True) if len(t) >= 4)
        out, err = replica.communicate(term + "\n", timeout=120)
        assert replica.returncode == 0, err[-2000:]
        seen = json.loads(out)
        assert seen["glossary"] == sorted(defined)
        assert seen["expanded"] == defined[term]
        assert term in seen["tokens"]  # one token, as the index was re-tokenised with it
    finally:
        if replica.poll() is None:
            replica.kill()
        kb.close()
