"""Uploaded files saved safely into the knowledge base's upload folder.

An upload's name comes from the browser and a zip's member names from whoever
made the zip, so neither is trusted: names are reduced to a plain file name
(no folders, no `..`, no control characters), every file is size-limited, and
a zip is read member by member with limits on count, total size and
compression ratio, counting the bytes actually inflated rather than the sizes
the archive claims. Files land in `data_dir/uploads`, where ingest reads them
and where a later re-index finds them again.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

UPLOAD_DIR = "uploads"
MAX_ZIP_MEMBERS = 500
MAX_RATIO = 100  # deflate rarely beats 10:1 on text; 100:1 leaves room and stops bombs
_UNSAFE = re.compile(r"[^\w.\-()（）·\u4e00-\u9fff]+")
_MAX_NAME = 120
_BLOCK = 1 << 16


@dataclass
class Rejected:
    """A file (or zip member) that was not saved, and why, in one Chinese line."""

    name: str
    reason: str


@dataclass
class SavedUploads:
    """What `save_uploads` did: the saved paths to ingest, and what it refused."""

    saved: list[Path] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


class UploadTooLarge(Exception):
    """More bytes than allowed; the message is one Chinese line."""


def upload_dir(data_dir: Path) -> Path:
    """Where uploaded files are kept (created on demand)."""
    return Path(data_dir) / UPLOAD_DIR


def sanitize_name(name: str) -> str:
    """A plain, safe file name from an untrusted one: no folders, no leading dots, no odd characters."""
    name = unicodedata.normalize("NFC", name or "")
    # Both separators: a zip made on Windows uses backslashes, and the browser may send a full path.
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    # The extension first: a name of only punctuation ("？.txt") must keep .txt and get a stem of its own.
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem.strip("._ "):
        stem, suffix = (name, "") if not dot else (stem, suffix)
    suffix = _UNSAFE.sub("", suffix)[:10].lower()
    stem = _UNSAFE.sub("_", stem).strip("._ ")[: _MAX_NAME - len(suffix) - 1] or "upload"
    return f"{stem}.{suffix}" if suffix else stem


def _copy_limited(src, dst_path: Path, max_bytes: int) -> int:
    """Copy a stream into `dst_path` atomically, raising UploadTooLarge past `max_bytes`; bytes written."""
    dst_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dst_path.parent, prefix=".part-")
    n = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while block := src.read(_BLOCK):
                n += len(block)
                if n > max_bytes:
                    raise UploadTooLarge(f"文件过大（上限 {max_bytes / 2**20:.0f} MB）")
                out.write(block)
        os.replace(tmp, dst_path)
        return n
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _unique(dest: Path, name: str, taken: set[str]) -> Path:
    # Two files of one upload with the same name would overwrite each other; a later upload may replace one.
    stem, suffix = os.path.splitext(name)
    candidate, k = name, 1
    while candidate in taken:
        k += 1
        candidate = f"{stem}_{k}{suffix}"
    taken.add(candidate)
    return dest / candidate


def save_uploads(
    files: Iterable[tuple[str, Path]],
    dest: Path,
    *,
    allowed_suffixes: Iterable[str],
    max_bytes: int,
    max_total_bytes: int | None = None,
    max_members: int = MAX_ZIP_MEMBERS,
) -> SavedUploads:
    """Save (original name, temp path) uploads into `dest`, unpacking zips; bad files are rejected, not raised."""
    allowed = {s.lower() for s in allowed_suffixes}
    max_total = max_total_bytes if max_total_bytes is not None else 10 * max_bytes
    out = SavedUploads()
    taken: set[str] = set()
    for original, tmp in files:
        name = sanitize_name(original)
        try:
            if name.lower().endswith(".zip"):
                _save_zip(Path(tmp), original, dest, allowed, max_bytes, max_total, max_members, out, taken)
                continue
            if Path(tmp).stat().st_size > max_bytes:
                raise UploadTooLarge(f"文件过大（上限 {max_bytes / 2**20:.0f} MB）")
            if os.path.splitext(name)[1].lower() not in allowed:
                out.rejected.append(Rejected(original, f"不支持的文件类型（支持 {' '.join(sorted(allowed))} .zip）"))
                continue
            with open(tmp, "rb") as src:
                target = _unique(dest, name, taken)
                _copy_limited(src, target, max_bytes)
            out.saved.append(target)
        except UploadTooLarge as exc:
            out.rejected.append(Rejected(original, str(exc)))
        except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
            out.rejected.append(Rejected(original, f"无法读取：{type(exc).__name__}"))
    return out


def _save_zip(
    path: Path,
    original: str,
    dest: Path,
    allowed: set[str],
    max_bytes: int,
    max_total: int,
    max_members: int,
    out: SavedUploads,
    taken: set[str],
) -> None:
    """Unpack the supported members of a zip, flat, under the limits; the rest become rejections."""
    with zipfile.ZipFile(path) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > max_members:
            out.rejected.append(Rejected(original, f"压缩包内文件过多（{len(infos)} 个，上限 {max_members}）"))
            return
        total = 0
        for info in infos:
            label = f"{original}/{info.filename}"
            parts = re.split(r"[/\\]", info.filename)
            # A member that climbs out of its folder or starts at the root was made to escape: refuse it, loudly.
            if ".." in parts or info.filename.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", info.filename):
                out.rejected.append(Rejected(label, "路径不安全（试图写到压缩包以外），已拒绝"))
                continue
            # Hidden files and macOS resource forks are not documents.
            if any(p.startswith(".") or p == "__MACOSX" for p in parts if p):
                continue
            name = sanitize_name(info.filename)
            if os.path.splitext(name)[1].lower() not in allowed:
                out.rejected.append(Rejected(label, "不支持的文件类型"))
                continue
            if info.flag_bits & 0x1:
                out.rejected.append(Rejected(label, "加密文件无法读取"))
                continue
            if info.file_size > max_bytes:
                out.rejected.append(Rejected(label, f"文件过大（上限 {max_bytes / 2**20:.0f} MB）"))
                continue
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                out.rejected.append(Rejected(label, "压缩比异常（疑似压缩炸弹），已跳过"))
                continue
            # The header's sizes may lie: the copy counts real bytes against what is left of the budget.
            budget = min(max_bytes, max_total - total)
            if budget <= 0:
                out.rejected.append(Rejected(label, "压缩包解压后总大小超过上限"))
                continue
            target = _unique(dest, name, taken)
            try:
                with zf.open(info) as src:
                    total += _copy_limited(src, target, budget)
            except UploadTooLarge as exc:
                out.rejected.append(Rejected(label, str(exc)))
                continue
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
                target.unlink(missing_ok=True)
                out.rejected.append(Rejected(label, f"无法解压：{type(exc).__name__}"))
                continue
            out.saved.append(target)


def remove_upload(data_dir: Path, path: Path) -> bool:
    """Delete a removed document's own file when it lives in the upload folder; True when one was removed.

    Takes the path the document was ingested from, never a name rebuilt from its source: two sources can
    sanitise to the same name ("a b.txt" ingested by the CLI, "a_b.txt" uploaded), and only one was removed.
    """
    if path.is_file() and path.resolve().parent == upload_dir(data_dir).resolve():
        path.unlink()
        return True
    return False


def clear_partials(data_dir: Path, older_than_s: float = 3600) -> None:
    """Remove half-written files a killed upload left behind.

    Only old ones: with several app replicas and workers sharing data_dir, a young `.part-` file is another
    process's upload being written right now.
    """
    import time

    d = upload_dir(data_dir)
    if d.is_dir():
        cutoff = time.time() - older_than_s
        for p in d.glob(".part-*"):
            try:
                if p.stat().st_mtime < cutoff:
                    p.unlink(missing_ok=True)
            except FileNotFoundError:
                pass
