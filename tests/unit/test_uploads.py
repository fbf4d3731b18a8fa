"""Uploads land under sanitized names in the upload folder; traversal, bombs and oversize files are refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from kb.store.uploads import MAX_RATIO, sanitize_name, save_uploads

ALLOWED = {".txt", ".md", ".docx", ".pdf"}


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\evil.txt", "evil.txt"),
        ("/abs/path/党章.txt", "党章.txt"),
        (".hidden.txt", "hidden.txt"),
        ("a<b>|c:d?.TXT", "a_b_c_d.txt"),
        ("新\x00闻\n稿.md", "新闻稿.md"),
        ("..", "upload"),
        ("", "upload"),
    ],
)
def test_untrusted_names_become_plain_file_names(name, safe):
    assert sanitize_name(name) == safe


def _file(tmp_path: Path, name: str, data: bytes) -> tuple[str, Path]:
    p = tmp_path / "incoming" / name.replace("/", "_")
    p.parent.mkdir(exist_ok=True)
    p.write_bytes(data)
    return name, p


def test_files_are_saved_inside_the_destination_only(tmp_path):
    dest = tmp_path / "uploads"
    out = save_uploads(
        [_file(tmp_path, "../../逃逸.txt", "正文".encode()), _file(tmp_path, "程序.exe", b"MZ")],
        dest,
        allowed_suffixes=ALLOWED,
        max_bytes=1000,
    )
    assert out.saved == [dest / "逃逸.txt"] and (dest / "逃逸.txt").read_text() == "正文"
    assert [r.name for r in out.rejected] == ["程序.exe"] and "不支持" in out.rejected[0].reason
    assert list(tmp_path.rglob("逃逸.txt")) == [dest / "逃逸.txt"]


def test_an_oversize_file_is_rejected_and_leaves_nothing_behind(tmp_path):
    dest = tmp_path / "uploads"
    out = save_uploads([_file(tmp_path, "big.txt", b"x" * 2000)], dest, allowed_suffixes=ALLOWED, max_bytes=1000)
    assert out.saved == [] and "过大" in out.rejected[0].reason
    assert not dest.exists() or list(dest.iterdir()) == []


def test_a_zip_is_unpacked_flat_and_escaping_members_are_refused(tmp_path):
    z = tmp_path / "folder.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("政策/一.txt", "第一份")
        zf.writestr("政策/子目录/二.md", "第二份")
        zf.writestr("政策/../../../逃逸.txt", "逃逸")
        zf.writestr("/etc/绝对.txt", "绝对")
        zf.writestr("__MACOSX/._一.txt", "resource fork")
        zf.writestr("政策/.DS_Store", "x")
        zf.writestr("政策/图.png", b"\x89PNG")
    dest = tmp_path / "uploads"
    out = save_uploads([("folder.zip", z)], dest, allowed_suffixes=ALLOWED, max_bytes=1000)
    assert sorted(p.name for p in out.saved) == ["一.txt", "二.md"]
    assert all(p.parent == dest for p in out.saved)
    reasons = {r.name.split("/")[-1]: r.reason for r in out.rejected}
    assert "路径不安全" in reasons["逃逸.txt"] and "路径不安全" in reasons["绝对.txt"] and "不支持" in reasons["图.png"]
    assert sorted(p.name for p in tmp_path.rglob("*.txt")) == ["一.txt"]


def test_a_zip_bomb_is_refused_by_ratio_and_by_the_real_inflated_size(tmp_path):
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.txt", b"0" * 5_000_000)  # compresses > 1000:1
    out = save_uploads([("bomb.zip", z)], tmp_path / "u", allowed_suffixes=ALLOWED, max_bytes=10_000_000)
    assert out.saved == [] and "压缩比" in out.rejected[0].reason
    assert 5_000_000 / zipfile.ZipFile(z).infolist()[0].compress_size > MAX_RATIO

    # A header that lies about the size is caught while inflating: the copy counts real bytes.
    liar = tmp_path / "liar.zip"
    with zipfile.ZipFile(liar, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.txt", b"a" * 5000)
    data = bytearray(liar.read_bytes())
    # Patch the central directory's uncompressed size (offset 24 in the entry) down to 10 bytes.
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = (10).to_bytes(4, "little")
    liar.write_bytes(bytes(data))
    out = save_uploads([("liar.zip", liar)], tmp_path / "v", allowed_suffixes=ALLOWED, max_bytes=1000)
    assert out.saved == [] and out.rejected


def test_too_many_members_reject_the_whole_zip(tmp_path):
    z = tmp_path / "many.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for i in range(12):
            zf.writestr(f"{i}.txt", "x")
    out = save_uploads([("many.zip", z)], tmp_path / "u", allowed_suffixes=ALLOWED, max_bytes=1000, max_members=10)
    assert out.saved == [] and "过多" in out.rejected[0].reason


def test_a_broken_zip_is_reported_not_raised(tmp_path):
    out = save_uploads(
        [_file(tmp_path, "broken.zip", b"PK not really")], tmp_path / "u", allowed_suffixes=ALLOWED, max_bytes=1000
    )
    assert out.saved == [] and "无法读取" in out.rejected[0].reason


def test_two_files_of_one_upload_with_the_same_name_both_land(tmp_path):
    out = save_uploads(
        [_file(tmp_path, "a/通知.txt", b"1"), ("b/通知.txt", _file(tmp_path, "other.txt", b"2")[1])],
        tmp_path / "u",
        allowed_suffixes=ALLOWED,
        max_bytes=1000,
    )
    assert [p.name for p in out.saved] == ["通知.txt", "通知_2.txt"]


@pytest.mark.parametrize(
    ("name", "safe"), [("？.txt", "upload.txt"), ("《》.docx", "upload.docx"), ("😀.pdf", "upload.pdf")]
)
def test_a_name_of_only_punctuation_keeps_its_extension(name, safe):
    assert sanitize_name(name) == safe


def test_removing_an_upload_deletes_only_that_documents_own_file(tmp_path):
    from kb.store.uploads import remove_upload, upload_dir

    folder = upload_dir(tmp_path)
    folder.mkdir(parents=True)
    other = folder / "a_b.txt"
    other.write_text("另一个文档", encoding="utf-8")
    outside = tmp_path / "a b.txt"
    outside.write_text("命令行导入的文档", encoding="utf-8")
    assert not remove_upload(tmp_path, outside)  # not in the upload folder: left alone
    assert other.exists() and outside.exists()
    assert remove_upload(tmp_path, other) and not other.exists()
