"""Text from page images: scanned PDF pages and PNG/JPG files, with an engine that ships its models.

Two engines, both offline: RapidOCR (PP-OCRv4 Chinese detection and recognition models inside the
`rapidocr-onnxruntime` wheel, run by onnxruntime) and Debian's tesseract with `chi_sim`. `python -m
ingest.ocr_bench` measures both on rendered corpus pages; RapidOCR is the default: it read clean pages
at 0.999 where tesseract read 0.988, and it was about 20 times faster (figures in README). The engine is chosen by
`KB_OCR__ENGINE`; a missing engine is an error for the person ingesting, never a silent empty page.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from ingest.errors import IngestError

if TYPE_CHECKING:
    from PIL.Image import Image

    from kb.settings import OcrSettings


class OcrEngine(Protocol):
    name: str

    def read(self, image: Image) -> str:
        """The text of one page image, one line of print per line."""
        ...


@dataclass
class OcrPage:
    """One page read by OCR."""

    number: int  # 1-based page number in the file
    text: str


@dataclass
class OcrResult:
    """The OCR'd pages of one file (pages that had a text layer are not here)."""

    engine: str
    pages: list[OcrPage] = field(default_factory=list)


def _lines_from_boxes(boxes: list[tuple[list[list[float]], str]]) -> list[str]:
    """Detected text boxes as lines in reading order: boxes whose vertical centres are close form one line.

    RapidOCR returns one box per text run; a line of print may be split in several runs.
    """
    items = []
    for box, txt in boxes:
        ys = [p[1] for p in box]
        xs = [p[0] for p in box]
        items.append(((min(ys) + max(ys)) / 2, max(ys) - min(ys), min(xs), txt))
    items.sort(key=lambda t: (t[0], t[2]))
    lines: list[list[tuple[float, float, float, str]]] = []
    for it in items:
        if lines and abs(it[0] - lines[-1][0][0]) < 0.5 * max(it[1], lines[-1][0][1]):
            lines[-1].append(it)
        else:
            lines.append([it])
    return ["".join(t for *_, t in sorted(line, key=lambda t: t[2])) for line in lines]


class RapidOcrEngine:
    """PP-OCRv4 (Chinese + Latin) through RapidOCR and onnxruntime; models come with the wheel."""

    name = "rapidocr"

    def __init__(self, threads: int, det_side_len: int = 736) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:  # pragma: no cover - requirements.txt installs it
            raise IngestError("OCR 引擎 rapidocr-onnxruntime 未安装（pip install -r requirements.txt）") from exc
        self._engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, det_limit_side_len=det_side_len)
        # The onnxruntime sessions are not documented as safe for concurrent calls from several threads.
        self._lock = threading.Lock()

    def read(self, image: Image) -> str:
        import numpy as np

        with self._lock:
            result, _ = self._engine(np.asarray(image.convert("RGB")))
        if not result:
            return ""
        return "\n".join(_lines_from_boxes([(box, txt) for box, txt, _score in result]))


class TesseractEngine:
    """Debian's tesseract with the chi_sim model (apt-get install tesseract-ocr tesseract-ocr-chi-sim)."""

    name = "tesseract"

    def __init__(self, threads: int) -> None:
        self._binary = shutil.which("tesseract")
        if not self._binary:
            raise IngestError("OCR 引擎 tesseract 未安装（apt-get install tesseract-ocr tesseract-ocr-chi-sim）")
        self._threads = threads

    def read(self, image: Image) -> str:
        buf = io.BytesIO()
        image.convert("L").save(buf, format="PNG")
        proc = subprocess.run(
            [self._binary, "stdin", "stdout", "-l", "chi_sim", "--psm", "6"],
            input=buf.getvalue(),
            capture_output=True,
            env={"OMP_THREAD_LIMIT": str(self._threads), "PATH": "/usr/bin:/bin"},
            check=False,
        )
        if proc.returncode != 0:
            raise IngestError(f"tesseract 识别失败：{proc.stderr.decode('utf-8', 'replace').strip()[:200]}")
        # tesseract puts a space between CJK characters; Chinese text has none.
        lines = [_join_cjk(line) for line in proc.stdout.decode("utf-8", "replace").splitlines()]
        return "\n".join(x for x in lines if x.strip())


def _join_cjk(line: str) -> str:
    import re

    return re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", line.strip())


_ENGINES: dict[tuple[str, int, int], OcrEngine] = {}
_ENGINES_LOCK = threading.Lock()


def get_engine(name: str, threads: int, det_side_len: int = 736) -> OcrEngine:
    """The named engine, built once per process (loading the models takes about a second)."""
    with _ENGINES_LOCK:
        key = (name, threads, det_side_len)
        if key not in _ENGINES:
            if name == "rapidocr":
                _ENGINES[key] = RapidOcrEngine(threads, det_side_len)
            elif name == "tesseract":
                _ENGINES[key] = TesseractEngine(threads)
            else:
                raise IngestError(f"未知的 OCR 引擎：{name}")
        return _ENGINES[key]


def render_pdf_pages(data: bytes, numbers: list[int], dpi: int) -> Iterator[tuple[int, Image]]:
    """Pages of a PDF (1-based numbers) as images at `dpi`, for pages whose text must come from OCR."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        for n in numbers:
            page = pdf[n - 1]
            try:
                yield n, page.render(scale=dpi / 72).to_pil()
            finally:
                page.close()
    finally:
        pdf.close()


def ocr_pdf_pages(data: bytes, numbers: list[int], settings: OcrSettings) -> OcrResult:
    """OCR the given pages of a PDF."""
    engine = get_engine(settings.engine, settings.threads, settings.det_side_len)
    result = OcrResult(engine=engine.name)
    for n, image in render_pdf_pages(data, numbers, settings.dpi):
        result.pages.append(OcrPage(n, engine.read(image)))
    return result


def ocr_image(data: bytes, settings: OcrSettings) -> OcrResult:
    """OCR a PNG or JPG file (one page)."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError):
        raise IngestError("图片文件已损坏或格式不支持") from None
    engine = get_engine(settings.engine, settings.threads, settings.det_side_len)
    return OcrResult(engine=engine.name, pages=[OcrPage(1, engine.read(image))])


def paragraphs_from_lines(text: str) -> str:
    """OCR lines as paragraphs: a line that ends a sentence, or is short, ends its paragraph.

    Print wraps a paragraph over several lines with no mark; the cleaning step joins what is left
    broken, but a heading or an article number needs a line of its own to be recognised.
    """
    out: list[str] = []
    cur = ""
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    width = max((len(x) for x in lines), default=0)
    for line in lines:
        cur += line
        if line.endswith(("。", "！", "？", "：", "；")) or len(line) < 0.8 * width:
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return "\n\n".join(out)
