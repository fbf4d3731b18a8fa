"""The load bench asks a different question per request, so no cache answers for a new question's work."""

from __future__ import annotations

import json

from kb.cli.loadbench import read_questions


def test_questions_are_read_once_each_in_a_fixed_order(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("\n".join(json.dumps({"question": f"问题{i}"}) for i in range(30)) + "\n", encoding="utf-8")
    b.write_text(json.dumps({"question": "问题3"}) + "\n\n" + json.dumps({"question": "别的"}) + "\n", encoding="utf-8")
    qs = read_questions([a, b])
    assert sorted(qs) == sorted({f"问题{i}" for i in range(30)} | {"别的"})
    assert qs == read_questions([a, b])  # the same order on every run, so before/after runs ask alike
    assert qs[:5] != [f"问题{i}" for i in range(5)]  # shuffled: one source does not fill a level
