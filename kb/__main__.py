"""`python -m kb ask|eval|bench`: the knowledge base from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kb.cli.common import open_ready_kb
from kb.settings import Settings, load_settings_for
from kb.types import Answer

if TYPE_CHECKING:
    from kb.service import KnowledgeBase


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings_for(getattr(args, "kb", None))


def format_answer(a: Answer) -> str:
    """An answer and its sources, for a person at a terminal."""
    lines = [a.text, ""]
    if a.refused and a.related:
        lines.append("相关内容：")
        for h in a.related:
            lines.append(f"  · 《{h.chunk.title}》 {h.chunk.location}：{h.chunk.text[:80]}…")
    for c in a.citations:
        who = "，".join(x for x in (c.author, c.affiliation) if x)
        lines.append(f"[{c.marker}] 《{c.title}》{('（' + who + '）') if who else ''} {c.source} · {c.location}")
        if c.authority:
            lines.append(f"    {c.authority}")
        lines.append(f"    “{c.quote}”")
    lines += [f"⚠ {n}" for n in a.notices]
    return "\n".join(lines).rstrip()


def _scope(kb: KnowledgeBase, args: argparse.Namespace) -> list[str] | None:
    """The documents `--filter` and `--all-versions` allow; None = the default (documents in force)."""
    from kb.store.authority import parse_filter

    where = parse_filter(args.filter or "")
    if not where and not args.all_versions:
        return None
    # A filter on status decides by itself which statuses are wanted.
    return kb.scope_where(where=where, in_force=not args.all_versions and "status" not in where)


def cmd_ask(args: argparse.Namespace) -> int:
    kb = open_ready_kb(_settings(args))
    if kb is None:
        return 2
    try:
        try:
            scope = _scope(kb, args)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        if scope == []:
            print(f"没有符合过滤条件的文档：{args.filter}", file=sys.stderr)
            return 2
        if args.batch:
            out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
            try:
                for line in open(args.batch, encoding="utf-8"):
                    if not line.strip():
                        continue
                    q = json.loads(line)
                    a = kb.ask(q["question"], doc_ids=scope)
                    out.write(json.dumps(a.to_record(q.get("id")), ensure_ascii=False) + "\n")
            finally:
                if out is not sys.stdout:
                    out.close()
            return 0
        if not args.question:
            print("请给出问题，或用 --batch Q.jsonl", file=sys.stderr)
            return 2
        print(format_answer(kb.ask(args.question, doc_ids=scope)))
        return 0
    finally:
        kb.close()


def cmd_eval(args: argparse.Namespace) -> int:
    from kb.cli.evaluation import evaluate, format_metrics, load_texts

    gold = [json.loads(x) for x in open(args.gold, encoding="utf-8") if x.strip()]
    texts_dir = Path(args.corpus_text) if args.corpus_text else Path(args.gold).parent / "extracted"
    texts = load_texts(texts_dir) if texts_dir.is_dir() else {}
    kb = open_ready_kb(_settings(args))
    if kb is None:
        return 2
    try:
        answers = {q["id"]: kb.ask(q["question"]).to_record(q["id"]) for q in gold}
    finally:
        kb.close()
    if not texts:
        # Without the corpus text, check quotes against what we stored (weaker, says so).
        print(f"(no corpus text at {texts_dir}: quotes checked against the cited passages)", file=sys.stderr)
        texts = {c["source"]: c["passage"] for a in answers.values() for c in a["citations"]}
    overall, per_doc, rows = evaluate(gold, answers, texts)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(answers[q["id"]], ensure_ascii=False) + "\n" for q in gold)
    for doc, m in per_doc.items():
        print(f"{doc:48s} {format_metrics(m)}")
    print(f"{'OVERALL':48s} {format_metrics(overall)}")
    if args.show:
        for r in rows:
            bad = (r["kind"] == "refuse" and not r.get("ok")) or (
                r["kind"] == "answer" and not (r.get("evidence") and r.get("answer_hit") and all(r.get("verbatim", [])))
            )
            if bad:
                a = answers[r["id"]]
                print(f"  ✗ {r['id']} {json.dumps({k: v for k, v in r.items() if k != 'id'}, ensure_ascii=False)}")
                print(f"     Q: {a['question']}\n     A: {a['answer'][:160]}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from kb.cli.bench import run_bench

    return run_bench(
        load_settings_for(None), Path(args.docs), Path(args.questions) if args.questions else None, keep=args.kb
    )


def cmd_bench_chat(args: argparse.Namespace) -> int:
    from kb.cli.chatbench import run_chat_bench

    return run_chat_bench(_settings(args) if args.kb else None, runs=args.runs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kb", description="政策知识库助手")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ask", help="ask a question, or a batch of questions")
    p.add_argument("question", nargs="?")
    p.add_argument("--batch", help="JSONL with id and question per line")
    p.add_argument("--out", help="write answers as JSONL here (default stdout)")
    p.add_argument("--kb", type=Path, help="knowledge-base folder")
    p.add_argument(
        "--filter",
        help="only documents matching, e.g. type=法律,status=现行有效 (keys: type issuer status version number year "
        "source; a|b for either)",
    )
    p.add_argument("--all-versions", action="store_true", help="also answer from outdated documents (已修订, 已废止)")
    p.set_defaults(fn=cmd_ask)
    p = sub.add_parser("eval", help="answer gold questions and score them")
    p.add_argument("gold")
    p.add_argument("--kb", type=Path)
    p.add_argument("--corpus-text", help="folder of document texts for the verbatim check (default: GOLD's extracted/)")
    p.add_argument("--out", help="also write the answers JSONL here")
    p.add_argument("--show", action="store_true", help="list failing questions")
    p.set_defaults(fn=cmd_eval)
    p = sub.add_parser("bench", help="ingest and query speed: ours against the LangChain tutorial pipeline")
    p.add_argument("--docs", default="../shared/corpus/docs")
    p.add_argument("--questions", default="../shared/corpus/dev.jsonl")
    p.add_argument("--kb", type=Path, help="build our knowledge base here and keep it (a new folder; default: temp)")
    p.set_defaults(fn=cmd_bench)
    p = sub.add_parser("bench-chat", help="time to first streamed piece and to full answer, as the web chat sees it")
    p.add_argument("--kb", type=Path, help="knowledge-base folder (default: a temp dir with the bundled sample)")
    p.add_argument("--runs", type=int, default=10, help="repetitions of each question (median reported)")
    p.set_defaults(fn=cmd_bench_chat)
    from kb.cli.users import add_cli as add_users_cli  # sqlalchemy and argon2 load only for the CLI

    add_users_cli(sub)
    from kb.cli.workflows import add_cli as add_workflows

    add_workflows(sub)  # pack, glossary, quiz (kb/cli/workflows.py)
    from kb.cli.evalsets import add_cli as add_evalsets

    add_evalsets(sub)  # eval-sets, train (kb/cli/evalsets.py)
    from kb.cli.doctor import add_cli as add_doctor
    from kb.cli.loadbench import add_cli as add_load_bench

    add_doctor(sub)
    add_load_bench(sub)
    from kb.cli.scalebench import add_cli as add_scale_bench

    add_scale_bench(sub)  # bench-scale (kb/cli/scalebench.py)
    args = ap.parse_args(argv)
    from kb.store.integrity import IndexCorrupt, VectorsMissing

    try:
        return args.fn(args)
    except (IndexCorrupt, VectorsMissing) as exc:  # a broken index is one clear line, never an answer
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
