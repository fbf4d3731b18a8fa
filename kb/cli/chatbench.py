"""`python -m kb bench-chat`: how long a person waits in the web chat, measured through `KnowledgeBase.ask_stream`.

The web app's chat callback iterates `ask_stream` and shows each piece as it
arrives, so the time to the first piece is when text starts to appear and the
time to the final Answer is when the sources appear. Each question runs
`runs` times after one warm-up; medians are reported. Without `--kb` the
bundled sample is ingested into a temp folder first (so, like `kb.cli.bench`, this
tool imports `ingest`, lazily).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from kb.answer.followup import Exchange
from kb.settings import Settings, load_settings
from kb.types import Answer

# (question, earlier turn or None): answerable, refused and a follow-up, over the bundled Zhuzhou sample.
QUESTIONS: list[tuple[str, Exchange | None]] = [
    ("动力党建·合力攻坚工程是谁提出的？", None),
    ("株洲市城管系统有多少名党员干部奋战一线？", None),
    ("党员的预备期是多长时间？", None),
    ("这个工程是谁提出的？", Exchange("株洲市直机关实施了什么工程？", "市直机关实施“动力党建·合力攻坚”工程。")),
]


def time_stream(kb, question: str, history: list[Exchange]) -> tuple[float, float, Answer]:
    """Milliseconds to the first streamed piece and to the final Answer, and the Answer."""
    t0 = time.perf_counter()
    first = None
    answer = None
    for piece in kb.ask_stream(question, history=history):
        if isinstance(piece, Answer):
            answer = piece
        elif first is None:
            first = time.perf_counter()
    end = time.perf_counter()
    assert answer is not None
    return ((first or end) - t0) * 1000, (end - t0) * 1000, answer


def run_chat_bench(settings: Settings | None = None, runs: int = 10) -> int:
    """Print per-question and overall medians of first-piece and full-answer latency."""
    from kb.factory import build

    with tempfile.TemporaryDirectory() as tmp:
        if settings is None:
            from ingest.pipeline import ingest_paths
            from kb.factory import open_index

            settings = load_settings(data_dir=Path(tmp) / "kb")
            index = open_index(settings)
            ingest_paths(index, [settings.sample_dir])
            kb = build(settings, index=index)
        else:
            kb = build(settings)
        try:
            answerer = "LLM " + settings.llm.model if kb.llm is not None else "extractive"
            print(f"answerer: {answerer}  runs per question: {runs}  (median ms)")
            print(f"{'first piece':>12s}{'full answer':>13s}  question")
            firsts: list[float] = []
            fulls: list[float] = []
            for question, prev in QUESTIONS:
                history = [prev] if prev else []
                time_stream(kb, question, history)  # warm-up: caches, jieba, the embedder's first call
                samples = [time_stream(kb, question, history) for _ in range(runs)]
                f = statistics.median(s[0] for s in samples)
                t = statistics.median(s[1] for s in samples)
                firsts += [s[0] for s in samples]
                fulls += [s[1] for s in samples]
                kind = "拒答" if samples[-1][2].refused else "回答"
                print(f"{f:12.1f}{t:13.1f}  {question}（{kind}）")
            print(f"{statistics.median(firsts):12.1f}{statistics.median(fulls):13.1f}  overall median")
        finally:
            kb.close()
    return 0
