import functools
import io
import random
import warnings
import zipfile
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.loaders import SUPPORTED_SUFFIXES, RawText, decode_bytes, html_to_text, load_file

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
DOCS = CORPUS / "docs"
CORPUS_FILES = [
    "beijing_gwr_2024.pdf",
    "dangzhang_2017.txt",
    "ershida_baogao_2022.txt",
    "gongwuyuanfa_2018.md",
    "gwr_2024_guowuyuan.txt",
    "gwr_2025_guowuyuan.txt",
    "jianchafa_2024.md",
    "shijiuda_baogao_2017.docx",
    "xianfa_2018.md",
    "xingzheng_gongwuyuan_chufen_tiaoli_2007.md",
    "zhengwu_chufenfa_2020.md",
    "动力党建合力攻坚_株洲市直机关.txt",
]


def corpus_file(name: str) -> Path:
    path = DOCS / name
    if not path.is_file():
        pytest.skip(f"shared corpus file {path} is not available")
    return path


@functools.cache
def load_corpus(name: str) -> RawText:
    """A corpus document loaded once per test run (the PDF takes a couple of seconds)."""
    return load_file(corpus_file(name))


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def pdf_bytes(*, pages: int = 1, user_password: str | None = None, owner_password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if user_password is not None:
        writer.encrypt(user_password, owner_password=owner_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def reason(path: Path, **kwargs) -> str:
    with pytest.raises(IngestError) as info:
        load_file(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_every_corpus_document_loads_with_its_text(name):
    raw = load_corpus(name)
    assert isinstance(raw, RawText)
    assert raw.kind == {"pdf": "pdf", "txt": "txt", "md": "md", "docx": "docx"}[name.rsplit(".", 1)[1]]
    assert len(raw.text.strip()) > 5000
    assert "\r" not in raw.text and "\ufeff" not in raw.text


def test_the_pdf_reports_its_pages_and_keeps_characters_of_the_reference_extraction():
    raw = load_corpus("beijing_gwr_2024.pdf")
    assert raw.pages == 13
    reference = (CORPUS / "extracted" / "beijing_gwr_2024.pdf.txt").read_text(encoding="utf-8")
    assert "".join(raw.text.split()) == "".join(reference.split())


def test_a_plain_utf8_file_reports_utf8():
    raw = load_corpus("dangzhang_2017.txt")
    assert raw.encoding == "utf-8"
    assert raw.text.lstrip().startswith("中国共产党章程")


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_a_corpus_file_saved_in_another_encoding_decodes_to_the_same_text(tmp_path, encoding, expected):
    original = corpus_file("dangzhang_2017.txt").read_text(encoding="utf-8")
    data = original.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        data = ("\ufeff" + original).encode(encoding)  # with a BOM, as Windows Notepad writes it
        expected = "utf-16"
    raw = load_file(write(tmp_path, f"dangzhang_{encoding}.txt", data))
    assert raw.text == original
    assert raw.encoding == expected


def test_windows_line_endings_become_newlines(tmp_path):
    raw = load_file(write(tmp_path, "crlf.txt", "第一段。\r\n第二段。\r第三段。\r\n".encode("gb18030")))
    assert raw.text == "第一段。\n第二段。\n第三段。\n"


def test_decode_bytes_names_the_encoding_it_used():
    assert decode_bytes("增长5.2%".encode()) == ("增长5.2%", "utf-8")
    assert decode_bytes("增长5.2%".encode("gb18030")) == ("增长5.2%", "gb18030")
    assert decode_bytes(b"\xef\xbb\xbf" + "章程".encode()) == ("章程", "utf-8-sig")
    assert decode_bytes("章程 ok".encode("utf-16")) == ("章程 ok", "utf-16")


def test_utf16_without_a_bom_is_still_recognised():
    text, encoding = decode_bytes("Party constitution 党章\n".encode("utf-16-le"))
    assert (text, encoding) == ("Party constitution 党章\n", "utf-16-le")


def test_an_empty_file_is_rejected(tmp_path):
    assert reason(write(tmp_path, "empty.txt", b"")) == "空文件"


def test_a_file_with_only_whitespace_has_no_text(tmp_path):
    assert reason(write(tmp_path, "blank.md", " \n\t\r\n\u3000\n".encode())) == "文件没有文字内容"


def test_a_file_over_the_size_limit_is_rejected(tmp_path):
    path = write(tmp_path, "big.txt", "字".encode() * 1000)
    assert reason(path, max_bytes=1000).startswith("文件过大")


def test_an_unsupported_extension_is_named_in_the_reason(tmp_path):
    assert reason(write(tmp_path, "table.xlsx", b"PK\x03\x04whatever")).startswith("不支持的文件类型 .xlsx")
    assert ".xlsx" not in SUPPORTED_SUFFIXES


def test_binary_garbage_with_a_txt_extension_is_not_text(tmp_path):
    garbage = random.Random(0).randbytes(4096)
    assert reason(write(tmp_path, "garbage.txt", garbage)).startswith("不是文本文件")
    without_nuls = bytes(b for b in random.Random(1).randbytes(4096) if b)
    assert reason(write(tmp_path, "garbage2.txt", without_nuls)).startswith("不是文本文件")


def test_a_png_renamed_to_txt_is_named_as_an_image(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(2).randbytes(200)
    message = reason(write(tmp_path, "photo.txt", png))
    assert message.startswith("不是文本文件") and "PNG" in message


def test_a_pdf_renamed_to_txt_says_it_is_a_pdf(tmp_path):
    message = reason(write(tmp_path, "report.txt", pdf_bytes()))
    assert message.startswith("不是文本文件") and "PDF" in message


def test_a_truncated_pdf_is_reported_as_damaged(tmp_path):
    head = corpus_file("beijing_gwr_2024.pdf").read_bytes()[:2000]
    assert reason(write(tmp_path, "truncated.pdf", head)).startswith("PDF 文件已损坏")


def test_a_file_named_pdf_that_is_not_a_pdf_is_reported_as_damaged(tmp_path):
    assert reason(write(tmp_path, "fake.pdf", "这不是PDF".encode())).startswith("PDF 文件已损坏")


def test_an_encrypted_pdf_asks_for_the_password_to_be_removed(tmp_path):
    path = write(tmp_path, "secret.pdf", pdf_bytes(user_password="secret"))
    assert reason(path).startswith("PDF 已加密")


def test_a_pdf_locked_only_by_an_owner_password_is_opened(tmp_path):
    # Opens with an empty user password, so the blank page then fails as a page without text, not as encrypted.
    path = write(tmp_path, "owner_only.pdf", pdf_bytes(user_password="", owner_password="owner"))
    assert reason(path) == "扫描版 PDF：没有文字层，OCR 也没有识别出文字"


def test_a_pdf_of_blank_pages_is_reported_as_a_scan_in_which_ocr_found_no_text(tmp_path):
    assert reason(write(tmp_path, "scan.pdf", pdf_bytes(pages=3))) == "扫描版 PDF：没有文字层，OCR 也没有识别出文字"


def test_reading_a_broken_pdf_prints_no_pypdf_warnings(tmp_path, caplog, capsys):
    head = corpus_file("beijing_gwr_2024.pdf").read_bytes()[:60000]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(IngestError):
            load_file(write(tmp_path, "cut.pdf", head))
    assert [w for w in caught if "pypdf" in (w.filename or "")] == []
    assert [r for r in caplog.records if r.name.startswith("pypdf")] == []
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_a_corrupt_docx_is_reported_as_unreadable(tmp_path):
    assert reason(write(tmp_path, "bad.docx", b"not a zip file at all")) == "DOCX 文件已损坏或无法读取"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("hello.txt", "no word/document.xml in here")
    assert reason(write(tmp_path, "zip.docx", archive.getvalue())) == "DOCX 文件已损坏或无法读取"


def test_a_truncated_docx_is_reported_as_unreadable(tmp_path):
    head = corpus_file("shijiuda_baogao_2017.docx").read_bytes()[:3000]
    assert reason(write(tmp_path, "cut.docx", head)) == "DOCX 文件已损坏或无法读取"


def test_an_old_word_file_renamed_docx_says_so(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    message = reason(write(tmp_path, "old.docx", ole))
    assert message.startswith("DOCX 文件已损坏或无法读取") and ".doc" in message


def test_docx_paragraphs_and_table_cells_come_out_in_document_order(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("表格之前的段落。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "指标"
    table.cell(0, 1).text = "数值"
    table.cell(1, 0).merge(table.cell(1, 1)).text = "合并单元格"
    document.add_paragraph("表格之后的段落。")
    path = tmp_path / "table.docx"
    document.save(str(path))
    raw = load_file(path)
    assert raw.kind == "docx"
    lines = [line for line in raw.text.split("\n") if line]
    assert lines == ["表格之前的段落。", "指标", "数值", "合并单元格", "表格之后的段落。"]


def test_the_corpus_docx_matches_python_docx_paragraph_text():
    raw = load_corpus("shijiuda_baogao_2017.docx")
    reference = (CORPUS / "extracted" / "shijiuda_baogao_2017.docx.txt").read_text(encoding="utf-8")
    assert raw.text == reference


def test_html_keeps_visible_text_and_drops_scripts_styles_and_markup(tmp_path):
    page = (
        "<!DOCTYPE html><html><head><title>页面标题</title><style>p {color: red}</style>"
        "<script>var secret = '脚本内容';</script></head><body>"
        "<h1>政府工作报告</h1><p>增长&nbsp;5.2%&amp;更多，<b>加粗</b>文字。</p>"
        "<div>第二段<br>换行后</div><script type='text/javascript'>alert('x')</script>"
        "<ul><li>一项</li><li>二项</li></ul></body></html>"
    )
    raw = load_file(write(tmp_path, "page.html", page.encode()))
    assert raw.kind == "html"
    assert "脚本内容" not in raw.text and "alert" not in raw.text and "color" not in raw.text
    assert "<" not in raw.text and "&amp;" not in raw.text
    assert "增长\u00a05.2%&更多，加粗文字。" in raw.text
    paragraphs = raw.text.split("\n\n")
    assert paragraphs == ["政府工作报告", "增长\u00a05.2%&更多，加粗文字。", "第二段", "换行后", "一项", "二项"]


def test_an_html_page_in_gbk_is_decoded_by_its_meta_charset(tmp_path):
    page = '<html><head><meta charset="gb2312"></head><body><p>党的十九大报告全文</p></body></html>'
    raw = load_file(write(tmp_path, "page.htm", page.encode("gbk")))
    assert raw.text == "党的十九大报告全文"
    assert raw.encoding == "gb18030"


def test_source_line_breaks_inside_an_html_paragraph_are_not_paragraph_breaks():
    assert html_to_text("<p>第一行\n   第二行</p><p>下一段</p>") == "第一行 第二行\n\n下一段"
