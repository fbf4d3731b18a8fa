"""A zoo of bad (and tricky but good) files, built in a temporary folder for the hardening tests.

Each entry is (file name, bytes, what ingest must do): "refuse" with a one-line reason containing a
phrase, or "accept" (tricky files that must still land, e.g. UTF-16 without a BOM).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

GOOD_TEXT = "中国共产党党员是中国工人阶级的有先锋模范意识的先锋战士。党员必须履行下列义务：认真学习马克思列宁主义。"
HIDDEN_PHONE = "13912345678"


@dataclass
class Specimen:
    name: str
    data: bytes
    expect: str  # "refuse" | "accept"
    phrase: str = ""  # in the reason of a refused file


def _docx(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal DOCX package (what python-docx needs to open it)."""
    content_types = (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
        b'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
        b'main+xml"/></Types>'
    )
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def _document_xml(text: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>'
    ).encode()


def docx_bomb(inflated_mb: int) -> bytes:
    """A small DOCX with one member of `inflated_mb` MiB of zeros (deflate shrinks it ~1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        with zf.open("word/media/bomb.bin", "w", force_zip64=True) as member:
            block = b"\0" * 2**20
            for _ in range(inflated_mb):
                member.write(block)
        zf.writestr("word/document.xml", _document_xml(GOOD_TEXT))
    return buf.getvalue()


def _pdf(pages: int = 1, encrypt: bool = False) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if encrypt:
        writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def specimens(bomb_mb: int) -> list[Specimen]:
    """The zoo: at least 25 files that must be refused with a reason, and tricky files that must land."""
    good = GOOD_TEXT.encode()
    pdf = _pdf()
    bad_zip = io.BytesIO()
    with zipfile.ZipFile(bad_zip, "w") as zf:
        zf.writestr("notes.txt", "不是 Word 文档")
    hidden_html = (
        "<html><body><h1>红星街道办事指南</h1><p>居民可以在工作日到街道政务大厅办理居住证。</p>"
        f'<p style="display: none">联系电话 {HIDDEN_PHONE}</p>'
        f"<div hidden><p>热线 {HIDDEN_PHONE}</p></div>"
        f'<span aria-hidden="true">{HIDDEN_PHONE}</span>'
        "<p>办理时需携带身份证和租房合同，当场可以取证。</p></body></html>"
    ).encode()
    mixed = ("第一行是标准的中文文本，用 UTF-8 保存。\n" * 3).encode() + "第二段是 GBK 编码的中文内容。\n".encode("gbk")
    return [
        Specimen("empty.txt", b"", "refuse", "空文件"),
        Specimen("spaces.txt", b" \n\t\n   \n", "refuse", "没有文字"),
        Specimen("png.txt", b"\x89PNG\r\n\x1a\n" + bytes(200), "refuse", "PNG"),
        Specimen("jpeg.md", b"\xff\xd8\xff\xe0" + bytes(300), "refuse", "JPEG"),
        Specimen("gzip.md", b"\x1f\x8b\x08\x00" + bytes(100), "refuse", "GZIP"),
        Specimen("rar.txt", b"Rar!\x1a\x07\x00" + bytes(100), "refuse", "RAR"),
        Specimen("pdf-named.txt", pdf, "refuse", "PDF"),
        Specimen("pdf-named.docx", pdf, "refuse", "内容实际是 PDF"),
        Specimen("png-named.docx", b"\x89PNG\r\n\x1a\n" + bytes(200), "refuse", "内容实际是 PNG"),
        Specimen("docx-named.pdf", _docx(_document_xml(GOOD_TEXT)), "refuse", "内容实际是 ZIP"),
        Specimen("old-word.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "refuse", ".doc"),
        Specimen("random.docx", bytes(range(256)) * 8, "refuse", "DOCX 文件已损坏"),
        Specimen("plain-zip.docx", bad_zip.getvalue(), "refuse", "DOCX 文件已损坏"),
        Specimen("cut.docx", _docx(_document_xml(GOOD_TEXT))[:300], "refuse", "DOCX 文件已损坏"),
        Specimen("bomb.docx", docx_bomb(bomb_mb), "refuse", "疑似压缩炸弹"),
        Specimen("truncated.pdf", pdf[: len(pdf) // 3], "refuse", "PDF 文件已损坏"),
        Specimen("not-a.pdf", "这不是PDF".encode(), "refuse", "PDF 文件已损坏"),
        Specimen("scanned.pdf", _pdf(pages=2), "refuse", "扫描版"),
        Specimen("locked.pdf", _pdf(encrypt=True), "refuse", "加密"),
        Specimen("nul-bytes.md", b"abc\x00\x01\x02\x03" * 300, "refuse", "不是文本文件"),
        Specimen("control-chars.txt", bytes(range(1, 9)) * 500, "refuse", "不是文本文件"),
        Specimen("punctuation.txt", ("，。！？、；：“”《》……——" * 400).encode(), "refuse", "几乎没有文字"),
        Specimen("digits.txt", ("1234567890 3.14159 2024-01-01\n" * 300).encode(), "refuse", "几乎没有文字"),
        Specimen("symbols.md", ("★☆◆◇■□▲△●○※→←↑↓\n" * 300).encode(), "refuse", "几乎没有文字"),
        Specimen("script-only.html", b"<html><script>var a = 1;</script><style>p{}</style></html>", "refuse", "文字"),
        Specimen(
            "hidden-only.html",
            b'<html><body><div style="display:none">secret text here</div></body></html>',
            "refuse",
            "文字",
        ),
        Specimen("program.exe", b"MZ\x90\x00" + bytes(100), "refuse", "不支持的文件类型"),
        Specimen("no-extension", good, "refuse", "不支持的文件类型"),
        Specimen("bad-utf8-bom.txt", b"\xef\xbb\xbf\xff\xfe\xfd" * 50, "refuse", "不是文本文件"),
        # Tricky but good: these must land.
        Specimen("utf16-no-bom.txt", GOOD_TEXT.encode("utf-16-le"), "accept"),
        Specimen("utf16be-no-bom.txt", ("第一条 " + GOOD_TEXT + "\n").encode("utf-16-be"), "accept"),
        Specimen("mixed-encoding.txt", mixed, "accept"),
        Specimen("gb18030.txt", ("第二条 " + GOOD_TEXT).encode("gb18030"), "accept"),
        Specimen("hidden.html", hidden_html, "accept"),
    ]


def write_zoo(folder: Path, bomb_mb: int) -> list[tuple[Path, Specimen]]:
    """Write every specimen into `folder`; (path, specimen) pairs."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for s in specimens(bomb_mb):
        p = folder / s.name
        p.write_bytes(s.data)
        out.append((p, s))
    return out
