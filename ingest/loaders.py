"""Read a supported file into plain text: detect encodings, parse HTML, DOCX and PDF, OCR scans and images.

Every expected failure (wrong type, empty, binary, corrupt, encrypted, scanned)
becomes an `IngestError` whose message a person can act on.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.errors import IngestError

if TYPE_CHECKING:
    from kb.settings import OcrSettings

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm", ".png", ".jpg", ".jpeg"}
)

_KINDS = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".docx": "docx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
}

# Files that are not text whatever their extension says.
_MAGIC = (
    (b"%PDF-", "PDF 文件（请把扩展名改为 .pdf）"),
    (b"PK\x03\x04", "ZIP 压缩包（DOCX 文件请用 .docx 扩展名）"),
    (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Office 文件（.doc/.xls）"),
    (b"\x1f\x8b", "GZIP 压缩包"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
)

# Unpacked bytes a DOCX may hold (python-docx inflates all of it into memory); settings.limits overrides it.
MAX_UNPACKED = 200 * 2**20

# A page of real text holds far more than this; scanned pages yield next to nothing.
_MIN_CHARS_PER_PAGE = 20

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass
class RawText:
    """A file's text as read, before cleaning."""

    text: str  # decoded text, newlines normalised to \n, BOM removed
    kind: str  # "txt" | "md" | "docx" | "pdf" | "html"
    encoding: str = ""  # detected encoding for text files ("utf-8", "utf-8-sig", "gb18030", "utf-16", ...)
    pages: int = 0  # for PDFs
    # Pages whose text came from OCR (1-based), the engine that read them, and every page's text
    # (PDFs and images), so a chunk can be traced back to its page.
    ocr_pages: list[int] = field(default_factory=list)
    ocr_engine: str = ""
    page_texts: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # a web page's own metadata (meta tags, trafilatura)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _sniff_binary(data: bytes, expected: str = "") -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            if expected:
                raise IngestError(f"不是 {expected} 文件：内容实际是 {what.split('（')[0]}（请改用正确的扩展名）")
            raise IngestError(f"不是文本文件：内容实际是 {what}")


def _looks_binary(text: str) -> bool:
    """Many control characters in decoded text mean the bytes were not text after all."""
    sample = text[:20000]
    return bool(sample) and len(_CONTROL.findall(sample)) > max(2, len(sample) // 200)


def _plausible_share(text: str) -> float:
    """Share of characters that Chinese or English text is made of (CJK, ASCII, full-width forms, whitespace).

    Bytes that are not UTF-16 still decode to characters; they scatter over every script (Latin Extended,
    combining marks, private use), while a real document stays within a few blocks.
    """
    if not text:
        return 0.0
    ok = sum(
        1
        for ch in text
        if ch.isspace()
        or " " <= ch <= "~"
        or "\u3000" <= ch <= "\u303f"  # CJK punctuation
        or "\u4e00" <= ch <= "\u9fff"  # CJK unified ideographs
        or "\uff00" <= ch <= "\uffef"  # full-width forms
        or "\u2000" <= ch <= "\u206f"  # general punctuation (—, “ ”, …)
    )
    return ok / len(text)


def _decode_bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: the byte order whose text is plausible (NULs are ASCII's high bytes, but also
    the low byte of characters such as 一 U+4E00, so NUL parity alone misjudges Chinese text)."""
    if len(data) % 2:
        return None
    best: tuple[float, str, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        share = _plausible_share(text[:20000])
        if not _looks_binary(text) and (best is None or share > best[0]):
            best = (share, text, encoding)
    if best is None or best[0] < 0.95:
        return None
    return best[1], best[2]


def _decode_mixed_lines(data: bytes) -> tuple[str, str] | None:
    """A file that is mostly UTF-8 with some GB18030 lines (pasted together), decoded line by line; else None.

    Rejecting the whole file for a few lines loses the rest; each line is decoded on its own, and lines
    neither encoding reads are dropped and counted in the encoding name, which ingest reports.
    """
    try:
        data.decode("utf-8")
        return None  # plain UTF-8
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    utf8 = other = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            other += 1
    if utf8 < other or not utf8:
        return None  # mostly not UTF-8: a whole-file encoding (GB18030, ...) is the better guess
    out: list[str] = []
    dropped = 0
    for line in lines:
        for encoding in ("utf-8", "gb18030"):
            try:
                out.append(line.decode(encoding))
                break
            except UnicodeDecodeError:
                continue
        else:
            dropped += 1
    text = "\n".join(out)
    if _looks_binary(text):
        return None
    label = "utf-8+gb18030" + (f"（丢弃 {dropped} 行无法解码）" if dropped else "")
    return _normalise_newlines(text), label


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes as (text, encoding); raises IngestError on binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return _normalise_newlines(data[3:].decode("utf-8")), "utf-8-sig"
        except UnicodeDecodeError:
            raise IngestError("不是文本文件：有 UTF-8 标记但内容无法解码") from None
    # UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one.
    for bom, encoding in (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _normalise_newlines(data.decode(encoding).lstrip("\ufeff")), encoding
            except UnicodeDecodeError:
                raise IngestError(f"不是文本文件：有 {encoding.upper()} 标记但内容无法解码") from None
    _sniff_binary(data)
    if b"\x00" in data:
        found = _decode_bomless_utf16(data)
        if found:
            return _normalise_newlines(found[0]), found[1]
        raise IngestError("不是文本文件：内容含有二进制数据")
    mixed = _decode_mixed_lines(data)
    if mixed is not None:
        return mixed
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise IngestError("不是文本文件：内容含有二进制数据")
        return _normalise_newlines(text), encoding
    from charset_normalizer import from_bytes  # rarely needed, so imported lazily

    best = from_bytes(data).best()
    if best is None or _looks_binary(str(best)):
        raise IngestError("不是文本文件：无法识别文字编码")
    return _normalise_newlines(str(best)).lstrip("\ufeff"), best.encoding


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def _decode_html(data: bytes) -> tuple[str, str]:
    """Decode an HTML page, trusting its declared charset when the bytes agree with it."""
    m = _META_CHARSET.search(data[:4096])
    if m and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        declared = m.group(1).decode("ascii").lower()
        # GB2312/GBK pages routinely use characters beyond their declared set; GB18030 covers them all.
        encoding = "gb18030" if declared in ("gb2312", "gbk", "gb18030", "x-gbk") else declared
        try:
            return _normalise_newlines(data.decode(encoding)), encoding
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(data)


_HIDDEN_STYLE = re.compile(r"(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.IGNORECASE)


def _is_hidden(attrs: list[tuple[str, str | None]]) -> bool:
    """An element a browser does not show: the hidden attribute, aria-hidden, or an inline display:none style."""
    for name, value in attrs:
        if name == "hidden":
            return True
        if name == "aria-hidden" and (value or "").strip().lower() == "true":
            return True
        if name == "style" and value and _HIDDEN_STYLE.search(value):
            return True
    return False


class _HTMLText(HTMLParser):
    """Collects the visible text of an HTML page; block elements become paragraph breaks."""

    _SKIP = frozenset({"script", "style", "noscript", "template", "head", "title", "svg", "iframe", "object"})
    _BLOCK = frozenset(
        {
            "address",
            "article",
            "aside",
            "blockquote",
            "br",
            "dd",
            "div",
            "dl",
            "dt",
            "figcaption",
            "figure",
            "footer",
            "form",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "hr",
            "li",
            "main",
            "nav",
            "ol",
            "p",
            "pre",
            "section",
            "table",
            "td",
            "th",
            "tr",
            "ul",
            "caption",
            "body",
            "html",
        }
    )

    _VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip_depth = 0
        self._in_title = False
        self._pre_depth = 0
        self._hidden_tag = ""  # the element that hides its content, while inside it
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden_tag:
            if tag == self._hidden_tag:
                self._hidden_depth += 1
            return
        if tag not in self._VOID and _is_hidden(attrs):
            # Hidden text (display:none, the hidden attribute) is not what a reader sees: a page can hide a phone
            # number or a keyword list there, and it must not be served as an answer.
            self._hidden_tag, self._hidden_depth = tag, 1
            return
        if tag == "title":
            self._in_title = True
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n")
        if tag == "pre":
            self._pre_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden_tag:
            return
        if tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if self._hidden_tag:
            if tag == self._hidden_tag:
                self._hidden_depth -= 1
                if not self._hidden_depth:
                    self._hidden_tag = ""
            return
        if tag == "title":
            self._in_title = False
        if tag in self._SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n\n")
        if tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self._hidden_tag:
            return
        if self._in_title:
            self.title.append(data)
        if self._skip_depth:
            return
        # Source line breaks inside a paragraph are just spacing, except in <pre>.
        self.parts.append(data if self._pre_depth else re.sub(r"\s*\n\s*", " ", data))


def html_to_text(html: str) -> str:
    """Visible text of an HTML document: no markup, scripts or styles; blocks separated by blank lines."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    body = "".join(parser.parts)
    # A page whose only text is its <title> still has that text.
    if not body.strip() and parser.title:
        body = "".join(parser.title)
    body = unescape(body)  # entities the parser leaves behind (e.g. in malformed markup)
    lines = [line.strip() for line in body.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def size_text(n: int) -> str:
    """A byte count for a person, precise enough that a size and its limit never read the same."""
    mb = n / 2**20
    return f"{mb:.0f} MB" if mb == int(mb) else f"{mb:.2f} MB" if mb < 1000 else f"{mb / 1024:.2f} GB"


def _check_ooxml(data: bytes, max_unpacked: int) -> None:
    """A DOCX is a zip: refuse one whose members (declared, then actually inflated) exceed `max_unpacked` bytes.

    python-docx inflates every part into memory and lxml parses it, so a 1 MB file holding a 1 GiB
    member would take gigabytes before failing. The declared sizes are checked first (cheap), then the
    bytes really inflated are counted in blocks, since a crafted header can lie about them.
    """
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError("DOCX 文件已损坏或无法读取：这是旧版 Word（.doc）文件，请另存为 .docx")
    if not data.startswith(b"PK\x03\x04"):
        _sniff_binary(data, expected="DOCX")  # a PDF or an image named .docx says what it really is
        raise IngestError("DOCX 文件已损坏或无法读取")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > max_unpacked:
                raise IngestError(
                    f"DOCX 解压后过大（{size_text(declared)}，上限 {size_text(max_unpacked)}），疑似压缩炸弹，未读取"
                )
            total = 0
            for info in infos:
                with zf.open(info) as member:
                    while block := member.read(1 << 16):
                        total += len(block)
                        if total > max_unpacked:
                            raise IngestError(
                                f"DOCX 解压后超过上限 {size_text(max_unpacked)}（压缩包头部所报大小不实），疑似压缩炸弹，未读取"
                            )
    except IngestError:
        raise
    except Exception:  # noqa: BLE001 - zipfile raises many error types for a broken archive
        raise IngestError("DOCX 文件已损坏或无法读取") from None


def _docx_text(data: bytes) -> str:
    """Paragraph and table-cell texts of a DOCX in document order."""
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []

        def walk(container) -> None:
            for block in container.iter_inner_content():
                if isinstance(block, Paragraph):
                    lines.append(block.text)
                elif isinstance(block, Table):
                    # A merged cell appears once per grid column it spans; holding the elements keeps them distinct.
                    seen: set[object] = set()
                    for row in block.rows:
                        for cell in row.cells:
                            if cell._tc in seen:
                                continue
                            seen.add(cell._tc)
                            walk(cell)

        walk(document)
    except IngestError:
        raise
    except Exception:  # noqa: BLE001 - python-docx raises zip, XML, key and value errors for a broken package
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise IngestError("DOCX 文件已损坏或无法读取：这是旧版 Word（.doc）文件，请另存为 .docx") from None
        raise IngestError("DOCX 文件已损坏或无法读取") from None
    return "\n".join(lines)


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's warnings and log lines about sloppy PDFs; they are noise for a person ingesting files."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _nonspace(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _page_text(page) -> str:
    """A page's text; layout mode when it holds the same characters, since its indentation marks paragraphs."""
    plain = page.extract_text() or ""
    if not plain.strip():
        return plain
    try:
        layout = page.extract_text(extraction_mode="layout") or ""
    except Exception:  # noqa: BLE001 - layout mode is the less robust path; the plain text is good enough
        return plain
    # Layout mode may reorder multi-column pages; keep it only when it changes nothing but whitespace.
    return layout if _nonspace(layout) == _nonspace(plain) else plain


def _pdf_text(data: bytes, ocr: OcrSettings) -> RawText:
    """Text of a PDF with pages joined by newlines; pages without a text layer (all, with ocr.force) by OCR."""
    with _quiet_pypdf():
        try:
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    # Owner-password-only PDFs open with an empty user password.
                    opened = reader.decrypt("")
                except Exception:  # noqa: BLE001 - e.g. AES without the optional crypto package
                    opened = 0
                if not opened:
                    raise IngestError("PDF 已加密，请先解除密码保护")
            pages = list(reader.pages)
        except IngestError:
            raise
        except Exception:  # noqa: BLE001 - pypdf raises many error types for a broken file
            raise IngestError("PDF 文件已损坏") from None
        if not pages:
            raise IngestError("PDF 文件已损坏：没有页面")
        texts: list[str] = []
        failed = 0
        for page in pages:
            try:
                texts.append(_page_text(page))
            except Exception:  # noqa: BLE001 - one bad page should not lose the rest of the document
                failed += 1
                texts.append("")
    empty = [i + 1 for i, t in enumerate(texts) if ocr.force or len(_nonspace(t)) < ocr.min_chars_per_page]
    if failed == len(pages) and not empty:
        raise IngestError("PDF 文件已损坏：无法提取文字")
    engine = ""
    if empty:
        from ingest.ocr import ocr_pdf_pages, paragraphs_from_lines

        result = ocr_pdf_pages(data, empty, ocr)
        engine = result.engine
        for page in result.pages:
            texts[page.number - 1] = paragraphs_from_lines(page.text)
    text = _normalise_newlines("\n".join(t.strip("\n") for t in texts))
    if len(_nonspace(text)) < _MIN_CHARS_PER_PAGE * len(pages):
        raise IngestError("扫描版 PDF：没有文字层，OCR 也没有识别出文字")
    return RawText(text=text, kind="pdf", pages=len(pages), ocr_pages=empty, ocr_engine=engine, page_texts=texts)


def _image_text(data: bytes, ocr: OcrSettings) -> RawText:
    from ingest.ocr import ocr_image, paragraphs_from_lines

    result = ocr_image(data, ocr)
    text = paragraphs_from_lines(result.pages[0].text)
    if not text.strip():
        raise IngestError("图片中没有识别出文字")
    return RawText(text=text, kind="image", pages=1, ocr_pages=[1], ocr_engine=result.engine, page_texts=[text])


def load_file(
    path: Path, max_bytes: int = 100 * 2**20, max_unpacked: int = MAX_UNPACKED, ocr: OcrSettings | None = None
) -> RawText:
    """Read a supported file into `RawText`; raises IngestError with a reason for a person.

    `ocr` says how scanned PDF pages and images are read (default: `OcrSettings()`).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "（无扩展名）"
        raise IngestError(f"不支持的文件类型 {shown}（支持 .txt .md .docx .pdf .html .png .jpg）")
    size = path.stat().st_size
    if size == 0:
        raise IngestError("空文件")
    if size > max_bytes:
        raise IngestError(f"文件过大（{size_text(size)}，超过上限 {size_text(max_bytes)}）")
    data = path.read_bytes()
    kind = _KINDS[suffix]
    encoding = ""
    meta: dict[str, str] = {}
    if kind in ("pdf", "image"):
        from kb.settings import OcrSettings

        settings = ocr or OcrSettings()
    if kind == "docx":
        _check_ooxml(data, max_unpacked)
        text = _normalise_newlines(_docx_text(data))
    elif kind == "pdf":
        if not data.lstrip(b"\x00\t\r\n ").startswith(b"%PDF") and b"%PDF-" not in data[:1024]:
            _sniff_binary(data, expected="PDF")
            raise IngestError("PDF 文件已损坏：不是 PDF 格式")
        return _pdf_text(data, settings)
    elif kind == "image":
        return _image_text(data, settings)
    else:
        text, encoding = _decode_html(data) if kind == "html" else decode_bytes(data)
        text = text.lstrip("\ufeff")
        if kind == "html":
            from ingest.webpage import main_text

            text, meta = main_text(text, fallback=html_to_text)
    if not text.strip():
        raise IngestError("文件没有文字内容")
    return RawText(text=text, kind=kind, encoding=encoding, meta=meta)
