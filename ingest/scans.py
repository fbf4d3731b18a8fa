"""Made-up scans: text typeset as A4 page images (Noto CJK), optionally degraded, wrapped in an image-only PDF.

The OCR benchmark (`python -m ingest.ocr_bench`) and the tests use them: the text on the page is known,
so what OCR reads can be scored character by character.
"""

from __future__ import annotations

import io
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

FONT_FILES = (
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)
_SC_INDEX = 2  # the Simplified Chinese face inside the Noto CJK collections


def cjk_font_path() -> Path | None:
    """Debian's Noto CJK font (apt-get install fonts-noto-cjk), or None when it is not installed."""
    return next((p for p in FONT_FILES if p.exists()), None)


@dataclass
class ScanPage:
    """One rendered page and the text printed on it."""

    image: Image
    text: str


def render_pages(paragraphs: list[str], dpi: int = 200, font_pt: float = 14, max_pages: int = 0) -> list[ScanPage]:
    """Typeset paragraphs on A4 pages (2-character first-line indent, justified by character count)."""
    from PIL import Image, ImageDraw, ImageFont

    font_file = cjk_font_path()
    if font_file is None:
        raise RuntimeError("needs a CJK font: apt-get install fonts-noto-cjk")
    size = round(font_pt * dpi / 72)
    font = ImageFont.truetype(str(font_file), size, index=_SC_INDEX)
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    margin = round(0.9 * dpi)
    per_line = (width - 2 * margin) // size
    line_h = round(size * 1.6)
    per_page = (height - 2 * margin) // line_h
    lines: list[str] = []
    for p in paragraphs:
        p = "　　" + p.strip()
        lines += [p[i : i + per_line] for i in range(0, len(p), per_line)]
    pages: list[ScanPage] = []
    for start in range(0, len(lines), per_page):
        chunk = lines[start : start + per_page]
        image = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(chunk):
            # One glyph per cell, as Chinese print sets them.
            for j, ch in enumerate(line):
                draw.text((margin + j * size, margin + i * line_h), ch, font=font, fill=0)
        pages.append(ScanPage(image, "".join(chunk).replace("　", "")))
        if max_pages and len(pages) >= max_pages:
            break
    return pages


def degrade(image: Image, seed: int = 0, angle: float = 1.2, noise: float = 0.04, scale: float = 0.5) -> Image:
    """A poor scan of the page: slightly rotated, salt-and-pepper noise, at a lower resolution."""
    import numpy as np
    from PIL import Image as PILImage

    rotated = image.rotate(angle, resample=PILImage.Resampling.BICUBIC, expand=True, fillcolor=255)
    small = rotated.resize(
        (round(rotated.width * scale), round(rotated.height * scale)), resample=PILImage.Resampling.BILINEAR
    )
    arr = np.asarray(small, dtype=np.int16).copy()
    rng = np.random.default_rng(seed)
    mask = rng.random(arr.shape)
    arr[mask < noise / 2] = 0
    arr[mask > 1 - noise / 2] = 255
    arr = np.clip(arr + rng.normal(0, 12, arr.shape), 0, 255).astype(np.uint8)
    return PILImage.fromarray(arr, mode="L")


def images_to_pdf(images: list[Image], dpi: int = 200) -> bytes:
    """An image-only PDF (no text layer), one image per page, as a scanner writes it."""
    buf = io.BytesIO()
    first, *rest = [im.convert("RGB") for im in images]
    first.save(buf, format="PDF", save_all=True, append_images=rest, resolution=dpi)
    return buf.getvalue()


def _norm(s: str) -> str:
    # Full- and half-width forms of the same punctuation count as the same character.
    return "".join(ch for ch in unicodedata.normalize("NFKC", s) if not ch.isspace())


def char_accuracy(truth: str, read: str) -> float:
    """1 - (edit distance / characters of the truth), spaces ignored, NFKC-normalised; 0 at worst."""
    a, b = _norm(truth), _norm(read)
    if not a:
        return 1.0 if not b else 0.0
    # Plain Levenshtein over two rows; the pages are a few hundred characters, so no library is needed.
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return max(0.0, 1 - prev[-1] / len(a))


def sample_paragraphs(text: str, seed: int, n_chars: int) -> list[str]:
    """About `n_chars` of consecutive body paragraphs from a document, starting at a seeded place."""
    paras = [p.strip() for p in text.split("\n") if p.strip() and not p.startswith(("#", "<!--"))]
    rng = random.Random(seed)
    start = rng.randrange(max(1, len(paras) - 10))
    out: list[str] = []
    for p in paras[start:]:
        out.append(p)
        if sum(len(x) for x in out) >= n_chars:
            break
    return out
