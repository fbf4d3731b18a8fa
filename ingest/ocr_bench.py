"""`python -m ingest.ocr_bench`: character accuracy and pages per minute of the OCR engines on rendered pages.

Pages of the corpus documents are typeset with Noto CJK (ingest/scans.py), once clean and once degraded
(rotated 1.2°, noise, half resolution), and each engine reads every page in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from ingest.cleaning import clean_text
from ingest.loaders import load_file
from ingest.ocr import get_engine
from ingest.scans import char_accuracy, degrade, render_pages, sample_paragraphs


def run(
    docs: Path, engines: list[str], threads: int, pages_per_doc: int, dpi: int, limit: int = 0, det: int = 736
) -> int:
    files = sorted(p for p in docs.iterdir() if p.suffix in (".md", ".txt"))[: limit or None]
    pages = []
    for i, f in enumerate(files):
        text = clean_text(load_file(f))
        paras = sample_paragraphs(text, seed=i, n_chars=1100 * pages_per_doc)
        pages += render_pages(paras, dpi=dpi, max_pages=pages_per_doc)
    print(f"{len(pages)} pages from {len(files)} documents, {dpi} dpi, {threads} threads", flush=True)
    for name in engines:
        engine = get_engine(name, threads, det)
        for label, images in (
            ("clean", [p.image for p in pages]),
            ("degraded", [degrade(p.image, seed=k) for k, p in enumerate(pages)]),
        ):
            accs, t0 = [], time.perf_counter()
            for page, image in zip(pages, images):
                accs.append(char_accuracy(page.text, engine.read(image)))
            secs = time.perf_counter() - t0
            print(
                f"{name:10s} {label:9s} accuracy mean {statistics.mean(accs):.4f} min {min(accs):.4f}"
                f"  {len(images) / secs * 60:.1f} pages/min ({secs / len(images):.2f} s/page)",
                flush=True,
            )
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest.ocr_bench", description=__doc__)
    ap.add_argument("--docs", type=Path, default=Path("../shared/corpus/docs"))
    ap.add_argument("--engines", default="rapidocr,tesseract")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--pages-per-doc", type=int, default=1)
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents (0 = all)")
    ap.add_argument("--det-side-len", type=int, default=736, help="RapidOCR detector's longest side (px)")
    a = ap.parse_args(argv)
    return run(a.docs, a.engines.split(","), a.threads, a.pages_per_doc, a.dpi, a.limit, a.det_side_len)


if __name__ == "__main__":
    sys.exit(main())
