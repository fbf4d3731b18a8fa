"""The example questions and the placeholder the chat offers on the bundled sample are answered from it."""

from __future__ import annotations

import pytest

from ingest.pipeline import ingest_paths
from kb.answer.followup import Exchange
from kb.factory import build, open_index
from kb.types import Answer
from tests.apiserver import SAMPLE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample_kb(tmp_path_factory, embedder):
    from kb.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("sample") / "kb")
    index = open_index(settings, embedder)
    ingest_paths(index, [SAMPLE])
    kb = build(settings, index=index)
    yield kb
    kb.close()


def test_every_example_question_is_answered_with_a_citation_from_the_sample(sample_kb):
    from ui.chat import EXAMPLES

    for q in EXAMPLES:
        a = sample_kb.ask(q)
        assert not a.refused and a.citations, q
        assert all(c.source == "动力党建合力攻坚_株洲市直机关.txt" for c in a.citations)


def test_the_placeholders_question_and_follow_up_are_answered_from_the_sample(sample_kb):
    from ui.chat import PLACEHOLDER_EXAMPLE

    first, follow_up = PLACEHOLDER_EXAMPLE
    a = sample_kb.ask(first)
    assert not a.refused
    final = [p for p in sample_kb.ask_stream(follow_up, history=[Exchange(first, a.text)]) if isinstance(p, Answer)][0]
    assert not final.refused and final.rewritten_question and "提出" in final.text
