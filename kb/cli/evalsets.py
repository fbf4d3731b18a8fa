"""`python -m kb eval-sets` and `python -m kb train`: the three tuning sources and the check sets, side by side.

A source is a gold question file and the knowledge base its documents were ingested into. Besides the
scorer's metrics, each source reports `refusal_hidden`: answerable questions asked with their gold
document hidden from retrieval (a `doc_ids` filter), which must then be refused, except where the
remaining passages still hold the gold answer (another document states the same fact); that is how the
NCP set, which has no NOT_IN_KB questions, tests refusal. `refusal_withheld` asks them again with every passage
stating the gold answer withheld and the rest of its document kept: a missing fact on a topic the knowledge base
covers, the unanswerable question that the document filter cannot make (`withheld_refusal`). The `miss_*` rows
count where the missed answerable questions failed (kb/cli/evaluation.py `failure`). The check sets
(data/questions/) are questions on the same documents that nothing is trained or tuned on; `kb train` reads only
the sources.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from kb.cli.evaluation import FAILURES, evaluate, failure, format_metrics, load_texts
from kb.cli.training import QuestionSet, _holds_gold

SHARED = Path("../shared")
# name -> (gold questions, folder of document texts the scorer checks quotes against, documents)
SOURCES: dict[str, tuple[Path, Path, Path]] = {
    "dev": (SHARED / "corpus/dev.jsonl", SHARED / "corpus/extracted", SHARED / "corpus/docs"),
    "crud_rag": (
        SHARED / "external/crud_rag/questions.jsonl",
        SHARED / "external/crud_rag/docs",
        SHARED / "external/crud_rag/docs",
    ),
    "ncp": (
        SHARED / "external/ncp_policies/questions.jsonl",
        SHARED / "external/ncp_policies/docs",
        SHARED / "external/ncp_policies/docs",
    ),
}
KB_DIRS = {"dev": Path("var/eval-kb"), "crud_rag": Path("var/crud-kb"), "ncp": Path("var/ncp-kb")}
_DATA = Path(__file__).resolve().parents[2] / "data/questions"
# Check sets: questions written on the sources' documents by someone who saw neither the system nor the sources'
# questions (data/questions/README.md), never trained or tuned on: how the answerer does on questions nobody tuned
# for. name -> (questions, the source whose documents and knowledge base they use)
CHECKS: dict[str, tuple[Path, str]] = {
    "dev_check": (_DATA / "check_dev.jsonl", "dev"),
    "seed_check": (_DATA / "check_seed.jsonl", "dev"),
    "ncp_check": (_DATA / "check_ncp.jsonl", "ncp"),
    "quantity_check": (_DATA / "check_quantity.jsonl", "dev"),
    "measure_dev_check": (_DATA / "check_measure_dev.jsonl", "dev"),
    "measure_ncp_check": (_DATA / "check_measure_ncp.jsonl", "ncp"),
    "shorthand_dev_check": (_DATA / "check_shorthand_dev.jsonl", "dev"),
    "shorthand_ncp_check": (_DATA / "check_shorthand_ncp.jsonl", "ncp"),
    "figure_dev_check": (_DATA / "check_figure_dev.jsonl", "dev"),
    "figure_ncp_check": (_DATA / "check_figure_ncp.jsonl", "ncp"),
    "year_dev_check": (_DATA / "check_year_dev.jsonl", "dev"),
    "year2_dev_check": (_DATA / "check_year2_dev.jsonl", "dev"),
    "place_ncp_check": (_DATA / "check_place_ncp.jsonl", "ncp"),
    "place_crud_check": (_DATA / "check_place_crud.jsonl", "crud_rag"),
    "place2_ncp_check": (_DATA / "check_place2_ncp.jsonl", "ncp"),
    "place2_crud_check": (_DATA / "check_place2_crud.jsonl", "crud_rag"),
    "place2_dev_check": (_DATA / "check_place2_dev.jsonl", "dev"),
    "list_dev_check": (_DATA / "check_list_dev.jsonl", "dev"),
    "list_ncp_check": (_DATA / "check_list_ncp.jsonl", "ncp"),
    "list2_ncp_check": (_DATA / "check_list2_ncp.jsonl", "ncp"),
    "list2_crud_check": (_DATA / "check_list2_crud.jsonl", "crud_rag"),
    "list2_dev_check": (_DATA / "check_list2_dev.jsonl", "dev"),
    "contact_ncp_check": (_DATA / "check_contact_ncp.jsonl", "ncp"),
    "contact_crud_check": (_DATA / "check_contact_crud.jsonl", "crud_rag"),
    "contact_dev_check": (_DATA / "check_contact_dev.jsonl", "dev"),
    "time_ncp_check": (_DATA / "check_time_ncp.jsonl", "ncp"),
    "time_crud_check": (_DATA / "check_time_crud.jsonl", "crud_rag"),
    "time_dev_check": (_DATA / "check_time_dev.jsonl", "dev"),
    "general_ncp_check": (_DATA / "check_general_ncp.jsonl", "ncp"),
    "general_crud_check": (_DATA / "check_general_crud.jsonl", "crud_rag"),
    "general_dev_check": (_DATA / "check_general_dev.jsonl", "dev"),
    "figs_ncp_check": (_DATA / "check_figs_ncp.jsonl", "ncp"),
    "figs_crud_check": (_DATA / "check_figs_crud.jsonl", "crud_rag"),
    "figs_dev_check": (_DATA / "check_figs_dev.jsonl", "dev"),
    "general2_ncp_check": (_DATA / "check_general2_ncp.jsonl", "ncp"),
    "general2_crud_check": (_DATA / "check_general2_crud.jsonl", "crud_rag"),
    "general2_dev_check": (_DATA / "check_general2_dev.jsonl", "dev"),
    "general3_ncp_check": (_DATA / "check_general3_ncp.jsonl", "ncp"),
    "general3_crud_check": (_DATA / "check_general3_crud.jsonl", "crud_rag"),
    "general3_dev_check": (_DATA / "check_general3_dev.jsonl", "dev"),
    "general4_ncp_check": (_DATA / "check_general4_ncp.jsonl", "ncp"),
    "general4_crud_check": (_DATA / "check_general4_crud.jsonl", "crud_rag"),
    "general4_dev_check": (_DATA / "check_general4_dev.jsonl", "dev"),
    "general5_ncp_check": (_DATA / "check_general5_ncp.jsonl", "ncp"),
    "general5_crud_check": (_DATA / "check_general5_crud.jsonl", "crud_rag"),
    "general5_dev_check": (_DATA / "check_general5_dev.jsonl", "dev"),
    "general6_ncp_check": (_DATA / "check_general6_ncp.jsonl", "ncp"),
    "general6_crud_check": (_DATA / "check_general6_crud.jsonl", "crud_rag"),
    "general6_dev_check": (_DATA / "check_general6_dev.jsonl", "dev"),
    "general7_ncp_check": (_DATA / "check_general7_ncp.jsonl", "ncp"),
    "general7_crud_check": (_DATA / "check_general7_crud.jsonl", "crud_rag"),
    "general7_dev_check": (_DATA / "check_general7_dev.jsonl", "dev"),
    "general8_ncp_check": (_DATA / "check_general8_ncp.jsonl", "ncp"),
    "general8_crud_check": (_DATA / "check_general8_crud.jsonl", "crud_rag"),
    "general8_dev_check": (_DATA / "check_general8_dev.jsonl", "dev"),
    "general9_ncp_check": (_DATA / "check_general9_ncp.jsonl", "ncp"),
    "general9_crud_check": (_DATA / "check_general9_crud.jsonl", "crud_rag"),
    "general9_dev_check": (_DATA / "check_general9_dev.jsonl", "dev"),
    "general10_ncp_check": (_DATA / "check_general10_ncp.jsonl", "ncp"),
    "general10_crud_check": (_DATA / "check_general10_crud.jsonl", "crud_rag"),
    "general10_dev_check": (_DATA / "check_general10_dev.jsonl", "dev"),
    "general11_ncp_check": (_DATA / "check_general11_ncp.jsonl", "ncp"),
    "general11_crud_check": (_DATA / "check_general11_crud.jsonl", "crud_rag"),
    "general11_dev_check": (_DATA / "check_general11_dev.jsonl", "dev"),
    "general12_ncp_check": (_DATA / "check_general12_ncp.jsonl", "ncp"),
    "general12_crud_check": (_DATA / "check_general12_crud.jsonl", "crud_rag"),
    "general12_dev_check": (_DATA / "check_general12_dev.jsonl", "dev"),
    "general13_ncp_check": (_DATA / "check_general13_ncp.jsonl", "ncp"),
    "general13_crud_check": (_DATA / "check_general13_crud.jsonl", "crud_rag"),
    "general13_dev_check": (_DATA / "check_general13_dev.jsonl", "dev"),
    "general14_ncp_check": (_DATA / "check_general14_ncp.jsonl", "ncp"),
    "general14_crud_check": (_DATA / "check_general14_crud.jsonl", "crud_rag"),
    "general14_dev_check": (_DATA / "check_general14_dev.jsonl", "dev"),
    "general15_ncp_check": (_DATA / "check_general15_ncp.jsonl", "ncp"),
    "general15_crud_check": (_DATA / "check_general15_crud.jsonl", "crud_rag"),
    "general15_dev_check": (_DATA / "check_general15_dev.jsonl", "dev"),
    "general16_ncp_check": (_DATA / "check_general16_ncp.jsonl", "ncp"),
    "general16_crud_check": (_DATA / "check_general16_crud.jsonl", "crud_rag"),
    "general16_dev_check": (_DATA / "check_general16_dev.jsonl", "dev"),
    "general17_ncp_check": (_DATA / "check_general17_ncp.jsonl", "ncp"),
    "general17_crud_check": (_DATA / "check_general17_crud.jsonl", "crud_rag"),
    "general17_dev_check": (_DATA / "check_general17_dev.jsonl", "dev"),
    "general18_ncp_check": (_DATA / "check_general18_ncp.jsonl", "ncp"),
    "general18_crud_check": (_DATA / "check_general18_crud.jsonl", "crud_rag"),
    "general18_dev_check": (_DATA / "check_general18_dev.jsonl", "dev"),
    "general19_ncp_check": (_DATA / "check_general19_ncp.jsonl", "ncp"),
    "general19_crud_check": (_DATA / "check_general19_crud.jsonl", "crud_rag"),
    "general19_dev_check": (_DATA / "check_general19_dev.jsonl", "dev"),
    "general20_ncp_check": (_DATA / "check_general20_ncp.jsonl", "ncp"),
    "general20_crud_check": (_DATA / "check_general20_crud.jsonl", "crud_rag"),
    "general20_dev_check": (_DATA / "check_general20_dev.jsonl", "dev"),
    "general21_ncp_check": (_DATA / "check_general21_ncp.jsonl", "ncp"),
    "general21_crud_check": (_DATA / "check_general21_crud.jsonl", "crud_rag"),
    "general21_dev_check": (_DATA / "check_general21_dev.jsonl", "dev"),
    "general22_ncp_check": (_DATA / "check_general22_ncp.jsonl", "ncp"),
    "general22_crud_check": (_DATA / "check_general22_crud.jsonl", "crud_rag"),
    "general22_dev_check": (_DATA / "check_general22_dev.jsonl", "dev"),
    "general23_ncp_check": (_DATA / "check_general23_ncp.jsonl", "ncp"),
    "general23_crud_check": (_DATA / "check_general23_crud.jsonl", "crud_rag"),
    "general23_dev_check": (_DATA / "check_general23_dev.jsonl", "dev"),
    "general24_ncp_check": (_DATA / "check_general24_ncp.jsonl", "ncp"),
    "general24_crud_check": (_DATA / "check_general24_crud.jsonl", "crud_rag"),
    "general24_dev_check": (_DATA / "check_general24_dev.jsonl", "dev"),
    "general25_ncp_check": (_DATA / "check_general25_ncp.jsonl", "ncp"),
    "general25_crud_check": (_DATA / "check_general25_crud.jsonl", "crud_rag"),
    "general25_dev_check": (_DATA / "check_general25_dev.jsonl", "dev"),
    "general26_ncp_check": (_DATA / "check_general26_ncp.jsonl", "ncp"),
    "general26_crud_check": (_DATA / "check_general26_crud.jsonl", "crud_rag"),
    "general26_dev_check": (_DATA / "check_general26_dev.jsonl", "dev"),
    "general27_ncp_check": (_DATA / "check_general27_ncp.jsonl", "ncp"),
    "general27_crud_check": (_DATA / "check_general27_crud.jsonl", "crud_rag"),
    "general27_dev_check": (_DATA / "check_general27_dev.jsonl", "dev"),
    "general28_ncp_check": (_DATA / "check_general28_ncp.jsonl", "ncp"),
    "general28_crud_check": (_DATA / "check_general28_crud.jsonl", "crud_rag"),
    "general28_dev_check": (_DATA / "check_general28_dev.jsonl", "dev"),
    "general29_ncp_check": (_DATA / "check_general29_ncp.jsonl", "ncp"),
    "general29_crud_check": (_DATA / "check_general29_crud.jsonl", "crud_rag"),
    "general29_dev_check": (_DATA / "check_general29_dev.jsonl", "dev"),
    "general30_ncp_check": (_DATA / "check_general30_ncp.jsonl", "ncp"),
    "general30_crud_check": (_DATA / "check_general30_crud.jsonl", "crud_rag"),
    "general30_dev_check": (_DATA / "check_general30_dev.jsonl", "dev"),
    "general31_ncp_check": (_DATA / "check_general31_ncp.jsonl", "ncp"),
    "general31_crud_check": (_DATA / "check_general31_crud.jsonl", "crud_rag"),
    "general31_dev_check": (_DATA / "check_general31_dev.jsonl", "dev"),
    "general32_ncp_check": (_DATA / "check_general32_ncp.jsonl", "ncp"),
    "general32_crud_check": (_DATA / "check_general32_crud.jsonl", "crud_rag"),
    "general32_dev_check": (_DATA / "check_general32_dev.jsonl", "dev"),
    "general33_ncp_check": (_DATA / "check_general33_ncp.jsonl", "ncp"),
    "general33_crud_check": (_DATA / "check_general33_crud.jsonl", "crud_rag"),
    "general33_dev_check": (_DATA / "check_general33_dev.jsonl", "dev"),
    "general34_ncp_check": (_DATA / "check_general34_ncp.jsonl", "ncp"),
    "general34_crud_check": (_DATA / "check_general34_crud.jsonl", "crud_rag"),
    "general34_dev_check": (_DATA / "check_general34_dev.jsonl", "dev"),
    "general35_ncp_check": (_DATA / "check_general35_ncp.jsonl", "ncp"),
    "general35_crud_check": (_DATA / "check_general35_crud.jsonl", "crud_rag"),
    "general35_dev_check": (_DATA / "check_general35_dev.jsonl", "dev"),
    "general36_ncp_check": (_DATA / "check_general36_ncp.jsonl", "ncp"),
    "general36_crud_check": (_DATA / "check_general36_crud.jsonl", "crud_rag"),
    "general36_dev_check": (_DATA / "check_general36_dev.jsonl", "dev"),
    "general37_ncp_check": (_DATA / "check_general37_ncp.jsonl", "ncp"),
    "general37_crud_check": (_DATA / "check_general37_crud.jsonl", "crud_rag"),
    "general37_dev_check": (_DATA / "check_general37_dev.jsonl", "dev"),
    "general38_ncp_check": (_DATA / "check_general38_ncp.jsonl", "ncp"),
    "general38_crud_check": (_DATA / "check_general38_crud.jsonl", "crud_rag"),
    "general38_dev_check": (_DATA / "check_general38_dev.jsonl", "dev"),
    "general39_ncp_check": (_DATA / "check_general39_ncp.jsonl", "ncp"),
    "general39_crud_check": (_DATA / "check_general39_crud.jsonl", "crud_rag"),
    "general39_dev_check": (_DATA / "check_general39_dev.jsonl", "dev"),
    "general40_ncp_check": (_DATA / "check_general40_ncp.jsonl", "ncp"),
    "general40_crud_check": (_DATA / "check_general40_crud.jsonl", "crud_rag"),
    "general40_dev_check": (_DATA / "check_general40_dev.jsonl", "dev"),
    "general41_ncp_check": (_DATA / "check_general41_ncp.jsonl", "ncp"),
    "general41_crud_check": (_DATA / "check_general41_crud.jsonl", "crud_rag"),
    "general41_dev_check": (_DATA / "check_general41_dev.jsonl", "dev"),
    "general42_ncp_check": (_DATA / "check_general42_ncp.jsonl", "ncp"),
    "general42_crud_check": (_DATA / "check_general42_crud.jsonl", "crud_rag"),
    "general42_dev_check": (_DATA / "check_general42_dev.jsonl", "dev"),
    "general43_ncp_check": (_DATA / "check_general43_ncp.jsonl", "ncp"),
    "general43_crud_check": (_DATA / "check_general43_crud.jsonl", "crud_rag"),
    "general43_dev_check": (_DATA / "check_general43_dev.jsonl", "dev"),
    "general44_ncp_check": (_DATA / "check_general44_ncp.jsonl", "ncp"),
    "general44_crud_check": (_DATA / "check_general44_crud.jsonl", "crud_rag"),
    "general44_dev_check": (_DATA / "check_general44_dev.jsonl", "dev"),
    "general45_ncp_check": (_DATA / "check_general45_ncp.jsonl", "ncp"),
    "general45_crud_check": (_DATA / "check_general45_crud.jsonl", "crud_rag"),
    "general45_dev_check": (_DATA / "check_general45_dev.jsonl", "dev"),
    "general46_ncp_check": (_DATA / "check_general46_ncp.jsonl", "ncp"),
    "general46_crud_check": (_DATA / "check_general46_crud.jsonl", "crud_rag"),
    "general46_dev_check": (_DATA / "check_general46_dev.jsonl", "dev"),
    "general47_ncp_check": (_DATA / "check_general47_ncp.jsonl", "ncp"),
    "general47_crud_check": (_DATA / "check_general47_crud.jsonl", "crud_rag"),
    "general47_dev_check": (_DATA / "check_general47_dev.jsonl", "dev"),
    "general48_ncp_check": (_DATA / "check_general48_ncp.jsonl", "ncp"),
    "general48_crud_check": (_DATA / "check_general48_crud.jsonl", "crud_rag"),
    "general48_dev_check": (_DATA / "check_general48_dev.jsonl", "dev"),
    "general49_ncp_check": (_DATA / "check_general49_ncp.jsonl", "ncp"),
    "general49_crud_check": (_DATA / "check_general49_crud.jsonl", "crud_rag"),
    "general49_dev_check": (_DATA / "check_general49_dev.jsonl", "dev"),
    "general50_ncp_check": (_DATA / "check_general50_ncp.jsonl", "ncp"),
    "general50_crud_check": (_DATA / "check_general50_crud.jsonl", "crud_rag"),
    "general50_dev_check": (_DATA / "check_general50_dev.jsonl", "dev"),
    "general51_ncp_check": (_DATA / "check_general51_ncp.jsonl", "ncp"),
    "general51_crud_check": (_DATA / "check_general51_crud.jsonl", "crud_rag"),
    "general51_dev_check": (_DATA / "check_general51_dev.jsonl", "dev"),
    "dev_unanswerable": (_DATA / "unanswerable_dev.jsonl", "dev"),
    "ncp_unanswerable": (_DATA / "unanswerable_ncp.jsonl", "ncp"),
}


def source_of(name: str) -> str:
    """The source whose documents (and knowledge base) a source or check set is asked on."""
    return CHECKS[name][1] if name in CHECKS else name


COLUMNS = [
    "evidence",
    "answer_hit",
    "verbatim",
    "refusal",
    "refusal_hidden",
    "refusal_withheld",
    "false_refusal",
    "answer_chars_p50",
    "attribution",
    "p50_ms",
    "p95_ms",
]


def default_sets(names: list[str] | None = None) -> list[QuestionSet]:
    return [QuestionSet(n, SOURCES[n][0], KB_DIRS[n]) for n in (names or list(SOURCES))]


def _open(kb_dir: Path):
    from kb.cli.common import open_ready_kb
    from kb.settings import load_settings_for

    kb = open_ready_kb(load_settings_for(kb_dir))
    if kb is None:
        raise SystemExit(2)
    return kb


def eval_source(name: str, kb_dir: Path, answers_out: Path | None = None) -> dict[str, Any]:
    """Every metric of one source (or check set), with the hidden-gold refusal rate."""
    gold_path = CHECKS[name][0] if name in CHECKS else SOURCES[name][0]
    texts_dir = SOURCES[source_of(name)][1]
    gold = [json.loads(x) for x in gold_path.read_text(encoding="utf-8").splitlines() if x.strip()]
    texts = load_texts(texts_dir)
    kb = _open(kb_dir)
    try:
        # As the server does at start: otherwise each set's first question (cold jieba, embedder, document
        # openings; 0.15–1.3 s) is its p95 on the sets of 20–40 questions, a wait no served question has.
        kb.warm_up()
        answers = {q["id"]: kb.ask(q["question"]).to_record(q["id"]) for q in gold}
        by_source = {d.source: d.doc_id for d in kb.documents()}
        m, _, rows = evaluate(gold, answers, texts)
        failures = dict.fromkeys(FAILURES, 0)
        for q, row in zip(gold, rows):
            doc_id = by_source.get(q.get("doc"))

            def passages(doc_id: str | None = doc_id) -> list[str]:
                return [c.text for c in kb.index.chunks_of(doc_id)] if doc_id else []

            kind = failure(q, answers[q["id"]], row, passages)
            if kind:
                failures[kind] += 1
        hidden_ok = hidden_n = 0
        for q in gold:
            if q["answer"] == "NOT_IN_KB" or q.get("doc") not in by_source:
                continue
            others = [d for s, d in by_source.items() if s != q["doc"]]
            if _holds_gold(kb.retrieve(q["question"], doc_ids=others), q):
                continue  # another document holds the same fact: answering is right
            hidden_n += 1
            hidden_ok += kb.ask(q["question"], doc_ids=others).refused
        withheld_ok, withheld_n = withheld_refusal(kb, gold)
    finally:
        kb.close()
    if answers_out:
        answers_out.parent.mkdir(parents=True, exist_ok=True)
        answers_out.write_text("".join(json.dumps(answers[q["id"]], ensure_ascii=False) + "\n" for q in gold))
    m.update({f"miss_{k}": v for k, v in failures.items()})
    m["refusal_hidden"] = hidden_ok / hidden_n if hidden_n else float("nan")
    m["hidden_n"] = hidden_n
    m["refusal_withheld"] = withheld_ok / withheld_n if withheld_n else float("nan")
    m["withheld_n"] = withheld_n
    return m


def withheld_refusal(kb: Any, gold: list[dict[str, Any]]) -> tuple[int, int]:
    """How many answerable questions are refused, of how many asked, when every retrieved passage that states the
    gold answer is withheld and the rest kept (other passages of its document among them).

    The question then asks for a fact the knowledge base, as the answerer sees it, does not state, on a topic it
    covers: the kind of unanswerable question on-topic retrieval answers with confidence, which written NOT_IN_KB
    questions are few of and hiding the document (`refusal_hidden`) never makes. The passages go to the extractive
    answerer directly: the place check's search of the asked place's own documents would find the withheld passage.
    Skipped: questions whose remaining passages still hold the answer together.
    """
    k = kb.settings.retrieval.top_k
    refused = asked = 0
    for q in gold:
        if q["answer"] == "NOT_IN_KB":
            continue
        # Twice as many, so that k remain after the withheld ones.
        hits = [h for h in kb.retrieve(q["question"], k=2 * k) if not _holds_gold([h], q)][:k]
        if not hits or _holds_gold(hits, q):
            continue
        asked += 1
        refused += kb.extractive.answer(q["question"], hits).refused
    return refused, asked


def table(results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for col in COLUMNS + ["questions", "hidden_n", "withheld_n"] + [f"miss_{k}" for k in FAILURES]:
        cells = []
        for n in names:
            v = results[n].get(col)
            cells.append("–" if v is None or v != v else (f"{v:.3f}" if isinstance(v, float) and v <= 1 else f"{v:g}"))
        lines.append(f"| {col} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def kb_dir_for(name: str, args: Any) -> Path:
    """The knowledge base a source or check set is asked against: its source's (`--kb-<source>` or the default)."""
    source = source_of(name)
    return Path(getattr(args, f"kb_{source}", None) or KB_DIRS[source])


def cmd_eval_sets(args: Any) -> int:
    results = {}
    for name in args.sets or [*SOURCES, *CHECKS]:
        out = Path(args.out_dir) / f"{name}-answers.jsonl" if args.out_dir else None
        results[name] = eval_source(name, kb_dir_for(name, args), out)
        print(f"{name:10s} {format_metrics(results[name])}", file=sys.stderr)
    print(table(results))
    return 0


def cmd_train(args: Any) -> int:
    from kb.answer.answer_model import MODEL_FILE
    from kb.cli.training import (
        ROWS_FILE,
        cross_validate,
        evaluate_model,
        extract_set,
        fit,
        read_rows,
        weights_table,
        write_rows,
    )

    rows_file = Path(args.rows) if args.rows else ROWS_FILE
    if args.extract:
        rows = []
        for qs in default_sets(args.sets):
            kb = _open(qs.kb_dir)
            try:
                rows.extend(extract_set(kb, qs))
            finally:
                kb.close()
        write_rows(rows, rows_file)
    rows = read_rows(rows_file)
    model = fit(rows)
    out = Path(args.out) if args.out else MODEL_FILE
    model.save(out)
    print(f"wrote {out} (threshold {model.threshold:.3f}, {len(rows)} examples)")
    for held, m in cross_validate(rows).items():
        print(f"held out {held:10s} (fitted on the others): {format_metrics(m)}")
    for name in sorted({r["set"] for r in rows}):
        m = evaluate_model(model, [r for r in rows if r["set"] == name])
        print(f"fitted on all, {name:10s}: {format_metrics(m)}")
    if args.weights:
        print(weights_table(model))
    return 0


def add_cli(sub: Any) -> None:
    p = sub.add_parser(
        "eval-sets", help="score the tuning sources (dev, crud_rag, ncp) and the check sets side by side"
    )
    p.add_argument("--sets", nargs="*", choices=[*SOURCES, *CHECKS])
    for n in SOURCES:
        p.add_argument(f"--kb-{n}", help=f"knowledge base of {n} (default {KB_DIRS[n]})")
    p.add_argument("--out-dir", help="write each source's answers JSONL here")
    p.set_defaults(fn=cmd_eval_sets)
    p = sub.add_parser("train", help="refit the answer model (sentence ranker, answerability, threshold)")
    p.add_argument("--extract", action="store_true", help="first re-extract the training rows from the sources")
    p.add_argument("--sets", nargs="*", choices=list(SOURCES))
    p.add_argument("--rows", help="training rows file (default kb/answer/models/training_rows.jsonl.gz)")
    p.add_argument("--out", help="model file (default kb/answer/models/answer_model.json)")
    p.add_argument("--weights", action="store_true", help="print the learned weights as Markdown")
    p.set_defaults(fn=cmd_train)
