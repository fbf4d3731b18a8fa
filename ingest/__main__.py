"""`python -m ingest PATH... [--kb DIR]` and `python -m ingest --remove NAME...`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from ingest.authority import refresh_authority
from ingest.pipeline import FileResult, ingest_paths
from kb.factory import open_index
from kb.settings import load_settings_for


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest", description="把文件导入知识库（.txt .md .docx .pdf .html）")
    ap.add_argument("paths", nargs="*", type=Path, help="files or folders")
    ap.add_argument("--kb", type=Path, help="knowledge-base folder (default: settings data_dir)")
    ap.add_argument("--remove", action="store_true", help="remove the named documents instead of ingesting")
    ap.add_argument("--force", action="store_true", help="re-index files even when unchanged")
    ap.add_argument("--list", action="store_true", help="list the indexed documents")
    ap.add_argument(
        "--enqueue",
        action="store_true",
        help="with KB_QUEUE__URL: copy the files into data_dir/uploads, queue them for the ingest workers, return",
    )
    ap.add_argument("--wait", action="store_true", help="with --enqueue: wait for the workers and print the outcome")
    args = ap.parse_args(argv)
    settings = load_settings_for(args.kb)
    if args.enqueue:
        if not args.paths:
            ap.error("give at least one file or folder")
        return _enqueue(settings, args.paths, force=args.force, wait=args.wait)
    from kb.store.integrity import IndexCorrupt, VectorsMissing

    try:
        index = open_index(settings)
    except (IndexCorrupt, VectorsMissing) as exc:  # writing into a broken index would bury the damage
        print(exc, file=sys.stderr)
        return 2
    try:
        if args.list:
            for d in index.documents():
                print(f"{d.source}\t{d.status}\t{d.n_chunks} 片段\t{d.title}")
            return 0
        if not args.paths:
            ap.error("give at least one file or folder")
        if args.remove:
            failed = 0
            for p in args.paths:
                if index.remove(p.name):
                    print(f"已删除 {p.name}")
                else:
                    print(f"{p.name}: 知识库中没有这个文档", file=sys.stderr)
                    failed += 1
            refresh_authority(index)  # an older version may be the current one again
            return 1 if failed else 0
        return _ingest(index, args.paths, settings, force=args.force)
    finally:
        index.close()


def _ingest(index, paths: list[Path], settings, force: bool) -> int:
    files_bar = tqdm(total=0, unit="文件", desc="文件", position=0, dynamic_ncols=True)
    chunk_bar = tqdm(total=0, unit="片段", desc="片段", position=1, dynamic_ncols=True, leave=False)
    chars = {"n": 0}

    def on_file_start(path: Path, i: int, n: int) -> None:
        files_bar.total = n
        files_bar.set_postfix_str(path.name[:40])
        chunk_bar.reset(total=0)

    def on_chunks(name: str, done: int, total: int) -> None:
        if chunk_bar.total != total:
            chunk_bar.reset(total=total)
        chunk_bar.n = done
        chunk_bar.refresh()

    def on_result(r: FileResult) -> None:
        files_bar.update(1)
        chars["n"] += r.chars
        elapsed = files_bar.format_dict.get("elapsed") or 0
        if elapsed:
            files_bar.set_postfix_str(f"{chars['n'] / elapsed:.0f} 字/秒")
        if r.status == "failed":
            tqdm.write(f"✗ {r.path}: {r.reason}", file=sys.stderr)
        elif r.reason:  # a duplicate, or lines that could not be decoded
            tqdm.write(f"! {r.path}: {r.reason}", file=sys.stderr)

    report = ingest_paths(
        index,
        paths,
        force=force,
        max_bytes=settings.max_file_mb * 2**20,
        limits=settings.limits,
        ocr=settings.ocr,
        on_file_start=on_file_start,
        on_chunks=on_chunks,
        on_result=on_result,
    )
    chunk_bar.close()
    files_bar.close()
    print(report.summary())
    return 1 if report.failed else 0


def _enqueue(settings, paths: list[Path], force: bool, wait: bool) -> int:
    """Queue files for the workers (no embedder is loaded here); with `wait`, follow the job to its end."""
    import getpass
    import time

    from ingest.admin import enqueue_files
    from ingest.pipeline import expand_paths
    from ingest.queue import QueueUnavailable
    from kb.accounts.db import open_db
    from kb.accounts.jobs import DONE, FAILED, JobStore

    if not settings.queue.url:
        print(
            "没有配置任务队列：请设置 KB_QUEUE__URL（例如 redis://127.0.0.1:6379/0），或不加 --enqueue 直接导入",
            file=sys.stderr,
        )
        return 2
    files, missing = expand_paths(paths)
    for r in missing:
        print(f"✗ {r.path}: {r.reason}", file=sys.stderr)
    jobs = JobStore(open_db(settings))
    try:
        job = enqueue_files(settings, jobs, [(p.name, p) for p in files], getpass.getuser(), channel="cli", force=force)
    except QueueUnavailable as exc:
        print(exc, file=sys.stderr)
        return 2
    for x in job.result.get("rejected", []) if isinstance(job.result, dict) else []:
        print(f"✗ {x['name']}: {x['reason']}", file=sys.stderr)
    print(f"{job.id}\t已加入队列 {len(job.files)} 个文件")
    if not wait:
        return 1 if missing else 0
    while (job := jobs.get(job.id)) is not None and job.status not in (DONE, FAILED):
        time.sleep(1)
    assert job is not None
    for f in job.files:
        mark = "✗" if f.status in ("failed", "duplicate") else "✓"
        print(f"{mark} {f.name}\t{f.status}\t{f.chunks} 片段\t{f.reason}".rstrip())
    failed = missing or any(f.status == "failed" for f in job.files) or job.status == FAILED
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
