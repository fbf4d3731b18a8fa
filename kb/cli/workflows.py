"""`python -m kb pack|library|glossary|quiz`: the trainer and onboarding workflows from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kb.cli.common import open_ready_kb
from kb.settings import load_settings_for


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    return open_ready_kb(load_settings_for(args.kb))


def doc_ids_for(kb, sources: list[str] | None) -> list[str] | None:  # type: ignore[no-untyped-def]
    """Document ids of the named sources (file names as ingested); ValueError naming any unknown one."""
    if not sources:
        return None
    by_source = {d.source: d.doc_id for d in kb.index.documents() if d.status == "ready"}
    unknown = [s for s in sources if s not in by_source]
    if unknown:
        raise ValueError(f"知识库中没有这些文档：{'、'.join(unknown)}（可用：{'、'.join(sorted(by_source))}）")
    return [by_source[s] for s in sources]


def cmd_pack(args: argparse.Namespace) -> int:
    from kb.learn.export import export
    from kb.learn.glossary import attach
    from kb.learn.pack import PART_TITLES, PARTS, build_pack

    kb = _open(args)
    if kb is None:
        return 2
    try:
        attach(kb)
        pack = build_pack(kb, args.topic, doc_ids_for(kb, args.doc))
        path = export(pack, args.out)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    finally:
        kb.close()
    for kind in PARTS:
        print(f"{PART_TITLES[kind]}：{len(pack.part(kind))} 条")
        if kind == "outline":
            for i, item in enumerate(pack.part(kind), 1):
                print(f"  {i}. {item.text}（《{item.citation.title}》{item.citation.location}）")
    print(f"已导出：{path}")
    return 0


def cmd_glossary(args: argparse.Namespace) -> int:
    from kb.learn.glossary import attach

    kb = _open(args)
    if kb is None:
        return 2
    try:
        g = attach(kb)
        entries = g.rebuild() if args.rebuild else g.entries(args.search or "")
        if args.rebuild and args.search:
            entries = g.entries(args.search)
    finally:
        kb.close()
    if args.json:
        for e in entries:
            rec = {"term": e.term, "kind": e.kind, "note": e.note, "citations": [c.to_dict() for c in e.citations]}
            print(json.dumps(rec, ensure_ascii=False))
        return 0
    for e in entries:
        print(f"{e.term}〔{e.kind}〕 出现 {e.occurrences} 次")
        for c in e.citations:
            print(f"    “{c.quote}” ——《{c.title}》{c.author and c.author + '，'}{c.location}")
        if e.note:
            print(f"    说明：{e.note}")
    print(f"共 {len(entries)} 条术语", file=sys.stderr)
    return 0


def cmd_quiz(args: argparse.Namespace) -> int:
    from kb.learn.quiz import BLANK_MARK, CHOICE, grade, option_label, quiz_for

    kb = _open(args)
    if kb is None:
        return 2
    try:
        questions = quiz_for(kb.index, doc_ids_for(kb, args.doc), n=args.n, seed=args.seed)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    finally:
        kb.close()
    if args.json:
        for q in questions:
            rec = {
                "id": q.qid,
                "kind": q.kind,
                "stem": q.stem,
                "options": q.options,
                "answer": q.answer,
                "topic": q.topic,
                "citation": q.citation.to_dict(),
            }
            print(json.dumps(rec, ensure_ascii=False))
        return 0
    right = 0
    for i, q in enumerate(questions, 1):
        print(f"{i}. {'【选择】' if q.kind == CHOICE else '【填空】'}{q.stem}")
        for j in range(len(q.options)):
            print(f"     {option_label(q, j)}")
        if args.interactive:
            g = grade(q, input("   你的答案：" if q.kind == CHOICE else f"   填写{BLANK_MARK}："))
            right += g.correct
            print(f"   {'✓ 正确' if g.correct else '✗ 错误，正确答案：' + q.answer}")
            print(f"   原文：“{q.citation.quote}”——《{q.citation.title}》{q.citation.location}\n")
    if args.interactive:
        print(f"得分：{right}/{len(questions)}")
    else:
        print("\n答案与出处：")
        for i, q in enumerate(questions, 1):
            print(f"{i}. {q.answer} ——“{q.citation.quote}”（《{q.citation.title}》{q.citation.location}）")
    return 0


def cmd_library(args: argparse.Namespace) -> int:
    from kb.learn import library

    kb = _open(args)
    if kb is None:
        return 2
    try:
        docs = library.documents(kb.index)
        if not args.doc:
            for d in docs:
                who = "，".join(x for x in (d.author, d.affiliation) if x)
                meta = " · ".join(x for x in (d.doc_type, d.date, who, f"{d.n_chunks} 个片段") if x)
                print(f"{d.source}\t《{d.title}》 {meta}")
            return 0
        try:
            (doc_id,) = doc_ids_for(kb, [args.doc]) or [""]
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        chunks = kb.index.chunks_of(doc_id)
        if args.section is None:
            for node in library.flatten(library.structure(chunks)):
                print(f"{'  ' * node.depth}{node.label}")
            return 0
        part = library.section_chunks(kb.index, doc_id, args.section)
        if not part:
            print(
                f"没有这一部分：{args.section}（先不带 --section 列出目录，复制其中一行的完整路径，用 > 连接）",
                file=sys.stderr,
            )
            return 2
        for c in part:
            print(f"[{c.location}]\n{c.text}\n")
        return 0
    finally:
        kb.close()


def add_cli(sub: argparse._SubParsersAction) -> None:
    """Register `pack`, `library`, `glossary` and `quiz` on the `python -m kb` parser."""
    p = sub.add_parser("pack", help="党课素材包：提纲、引文、数据、案例、讨论题，导出 DOCX 或 Markdown")
    p.add_argument("topic", help="主题，例如 机关党建")
    p.add_argument("--out", required=True, type=Path, help="pack.docx 或 pack.md")
    p.add_argument("--doc", action="append", help="只用这个文档（文件名，可重复）")
    p.add_argument("--kb", type=Path, help="knowledge-base folder")
    p.set_defaults(fn=cmd_pack)
    p = sub.add_parser("library", help="文库：文档列表、一篇文档的目录，或按目录读原文")
    p.add_argument("--doc", help="文档（文件名）：列出它的目录")
    p.add_argument("--section", help="目录中的一项（路径，如 第一章 党员 > 第七条）：读这一部分的原文")
    p.add_argument("--kb", type=Path)
    p.set_defaults(fn=cmd_library)
    p = sub.add_parser("glossary", help="术语表：从文本抽取的缩略语及其出处")
    p.add_argument("--rebuild", action="store_true", help="从全部文档重新抽取（管理员的修改保留）")
    p.add_argument("--search", help="只列出包含这些字的术语")
    p.add_argument("--json", action="store_true", help="JSON lines")
    p.add_argument("--kb", type=Path)
    p.set_defaults(fn=cmd_glossary)
    p = sub.add_parser("quiz", help="自测题：选择题和填空题，答案可追溯到原文")
    p.add_argument("--doc", action="append", help="只从这个文档出题（文件名，可重复）")
    p.add_argument("-n", type=int, default=20, help="题数")
    p.add_argument("--seed", type=int, default=0, help="同一种子出同一套题")
    p.add_argument("--interactive", action="store_true", help="逐题作答并判分")
    p.add_argument("--json", action="store_true", help="JSON lines")
    p.add_argument("--kb", type=Path)
    p.set_defaults(fn=cmd_quiz)
