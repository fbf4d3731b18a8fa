"""Authority metadata from a document's text: type, issuing body, document number, dates, version, status.

Where they come from, in order of trust: an admin's correction (kept in the index), a sidecar file
`NAME.meta.toml` next to the document, the meta tags of a saved web page, and the text itself — the
dated lines before `<!-- INFO END -->` in the law files, a title block, `本法自…起施行`, a 落款 (issuing
body and date at the end), `《…》同时废止`. What the text does not say stays empty (status: 未知).
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.errors import IngestError
from kb.store.authority import FIELDS, STATUSES, Authority, store_for
from kb.store.document_number import own_number

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from ingest.loaders import RawText
    from kb.store.index import Index
    from kb.store.manifest import DocRecord
    from kb.types import Chunk, SourceDoc

_DATE = r"\d{4}年\d{1,2}月\d{1,2}日"
_DATE_RE = re.compile(_DATE)
_DATED_LINE = re.compile(rf"^({_DATE})\s*(.*)$")
_CN_DATE = re.compile(r"[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日")
_TAKES_EFFECT = re.compile(
    r"本(?:法|条例|规定|办法|细则|规则|准则|章程|决定|通知|意见|规划|纲要|实施意见)(?:（[^）]*）)?自(.{2,24}?)起(?:施行|执行|生效)"
)
_REPEALS = re.compile(r"《([^》]{2,60})》(?:（[^）]*）)?(?:同时)?(?:废止|停止执行|不再执行)")
_CITED = re.compile(r"《([^》]{2,60}(?:法|条例|规定|办法|细则|规则|准则|章程|决定))》")
_STATUS_LINE = re.compile(
    r"(?:时效性|效力状态|有效性|状态)[：:]\s*(现行有效|已修订|已修改|已废止|失效|部分失效|尚未生效)"
)
_ARTICLE = re.compile(r"^第[一二三四五六七八九十百千零〇\d]+条")
_SIGNER = re.compile(
    r"^(?:中共)?[\u4e00-\u9fff（）]{2,30}(?:国务院|人民政府|办公厅|办公室|委员会|党委|党组|工委|部|厅|局|委|署|院|会)$"
)
_REPORTER = re.compile(r"我代表([^，,。]{2,24}?)[，,]?\s*向(?:大会|会议)(?:作报告|报告)")
_BODY = re.compile(
    r"(全国人民代表大会常务委员会|全国人民代表大会|国务院|中国共产党第[一二三四五六七八九十]+次全国代表大会"
    r"|中共中央|中央纪委|中央委员会|[\u4e00-\u9fff]{2,10}人民代表大会(?:常务委员会)?)"
)
_STATUS_WORDS = {"已修改": "已修订", "失效": "已废止", "部分失效": "现行有效", "尚未生效": "现行有效"}


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def _info_block(paragraphs: list[str]) -> list[tuple[str, str]]:
    """The dated lines of a law's header: ("2018年12月29日", "第十三届…第七次会议修订")."""
    dated = []
    for p in paragraphs[1:14]:
        if p.startswith("#") or _ARTICLE.match(p):
            break
        m = _DATED_LINE.match(p)
        if m:
            dated.append((m.group(1), m.group(2).rstrip("）)")))
    return dated


def _version_from_info(dated: list[tuple[str, str]]) -> str:
    for date, what in reversed(dated):
        for verb in ("修正", "修订"):
            if verb in what:
                return f"{date[:5]}{verb}"
    return ""


def _body_of(what: str) -> str:
    """The body named in a dated header line, without its session number (届、次)."""
    for body in ("全国人民代表大会常务委员会", "全国人民代表大会", "国务院", "中共中央", "中央纪委"):
        if body in what:
            return body
    m = _BODY.search(what)
    if not m:
        return ""
    body = m.group(1)
    if body.startswith("中国共产党第"):
        return "中国共产党全国代表大会"
    return re.sub(r"^第[一二三四五六七八九十]+届", "", body)


def _kind(title: str, paragraphs: list[str], issuer: str, number: str, doc_type: str) -> str:
    articles = sum(1 for p in paragraphs if _ARTICLE.match(p)) >= 3
    t = title.replace(" ", "")
    if doc_type == "报刊文章":
        return "报刊文章"
    if t.endswith("宪法") or t.startswith("中华人民共和国宪法"):
        return "宪法"
    if (
        "章程" in t
        and "中国共产党" in t
        or "党内" in t
        or (t.startswith("中国共产党") and re.search(r"条例|准则|规则|规定", t))
    ):
        return "党内法规"
    if re.search(r"(?:^中华人民共和国.*法|法)$", t) and articles and "国务院" not in issuer:
        return "法律"
    if articles and re.search(r"条例|规定|办法|细则", t) and (issuer == "国务院" or number.startswith("国务院令")):
        return "行政法规"
    if "通知" in t:
        return "通知"
    if "报告" in t or doc_type == "工作报告":
        return "报告"
    if number or (articles and re.search(r"规定|办法|细则|意见|决定", t)):
        return "规范性文件"
    if doc_type == "法律法规":
        return "法律"
    return {"党内法规": "党内法规", "报刊文章": "报刊文章"}.get(doc_type, "其他")


def _signature(paragraphs: list[str]) -> tuple[str, str]:
    """(issuing body, date) from a 落款: an organisation line followed by a date line at the end."""
    tail = paragraphs[-5:]
    for i in range(len(tail) - 1):
        if _SIGNER.match(tail[i]) and (_DATE_RE.fullmatch(tail[i + 1]) or _CN_DATE.fullmatch(tail[i + 1])):
            return tail[i], tail[i + 1]
    return "", ""


def _effective(text: str, published: str) -> str:
    m = _TAKES_EFFECT.search(text)
    if not m:
        return ""
    when = m.group(1)
    d = _DATE_RE.search(when)
    if d:
        return d.group(0)
    if "公布" in when or "发布" in when or "印发" in when:
        return published or "公布之日"
    return ""


def extract_authority(text: str, title: str, doc_type: str = "", header: str = "") -> Authority:
    """Authority metadata stated by a document's clean text (`header`: the raw text before `<!-- INFO END -->`)."""
    paragraphs = _paragraphs(text)
    info = _info_block(_paragraphs(header) if header else paragraphs)
    a = Authority()
    head = paragraphs[:14]
    # Issuing body and dates from the dated header lines of a law or regulation.
    if info:
        latest_date, latest_what = info[-1]
        for date, what in info:
            if "公布" in what or "发布" in what or "印发" in what:
                a.published = date
                a.issuer = a.issuer or _body_of(what)
            if ("通过" in what or "修订" in what or "修正" in what) and not ("公布" in what and "通过" not in what):
                a.written = date
        for date, what in info:
            if what.strip() in ("施行", "起施行") or what.endswith("施行") and "公布" not in what:
                a.effective = date
        adopting = [what for _, what in info if "通过" in what or "修订" in what or "修正" in what]
        a.issuer = _body_of(adopting[-1]) if adopting and _body_of(adopting[-1]) else a.issuer or _body_of(latest_what)
        a.version = _version_from_info(info)
        if not a.written:
            a.written = latest_date
    # A title block's dated parenthesis: （中国共产党第十九次全国代表大会部分修改，2017年10月24日通过）
    for p in head[:6]:
        m = re.match(rf"^[（(]([^）)]*?)[，,]?\s*({_DATE})(通过|修订|修正|公布|发布|印发)?[）)]$", p)
        if m:
            what, date, verb = m.group(1), m.group(2), m.group(3) or ""
            a.written = a.written or date
            a.issuer = a.issuer or _body_of(what)
            if not a.version and ("修改" in what or "修订" in what or "修正" in what):
                a.version = f"{date[:5]}{'部分修改' if '部分修改' in what else '修订' if '修订' in what else '修正'}"
            if verb in ("公布", "发布", "印发"):
                a.published = a.published or date
            break
        m = re.match(rf"^——\s*({_DATE})在(.+?)上", p)
        if m:  # a speech: "——2024年3月5日在第十四届全国人民代表大会第二次会议上"
            a.written = a.written or m.group(1)
            break
    speech = next((m for p in paragraphs[:12] if (m := _REPORTER.search(p))), None)
    if speech and not a.issuer:
        who = speech.group(1)
        if re.match(r"^第[一二三四五六七八九十]+届中央委员会$", who):
            who = "中国共产党" + who
        a.issuer = who if who not in ("市人民政府", "省人民政府", "县人民政府", "区人民政府") else ""
    if not a.issuer:
        for p in head:
            m = re.match(r"^——(.{2,40}?)主办$", p)
            if m:
                a.issuer = m.group(1)
                break
    signer, signed = _signature(paragraphs)
    if signer:
        a.issuer = a.issuer or signer
        a.written = a.written or signed
    a.number = own_number("\n".join(head)) or own_number(header)
    if a.number.startswith("国务院令"):
        a.issuer = "国务院"
    a.effective = a.effective or _effective(text, a.published)
    m = _STATUS_LINE.search("\n".join(head) + "\n" + header)
    if m:
        a.status = _STATUS_WORDS.get(m.group(1), m.group(1))
    a.repeals = list(dict.fromkeys(_REPEALS.findall(text)))
    own = title.strip("《》")
    # A 修改决定 named in a law's header is its amendment, not a law it relies on.
    a.cites = [t for t in dict.fromkeys(_CITED.findall(text)) if t != own and not t.startswith("关于修改")]
    a.kind = _kind(title, paragraphs, a.issuer, a.number, doc_type)
    return a


def from_html_meta(meta: dict[str, str]) -> Authority:
    """What a government web page says about itself in its meta tags (ArticleTitle, PubDate, ContentSource …)."""
    low = {k.lower(): v.strip() for k, v in meta.items() if v and v.strip()}

    def first(*keys: str) -> str:
        return next((low[k] for k in keys if k in low), "")

    a = Authority()
    a.issuer = first("contentsource", "source", "publisher", "author", "og:site_name", "sitename")
    date = first("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "date", "dc.date")
    a.published = _format_date(date)
    a.number = first("wenhao", "documentnumber", "fileno", "文号")
    a.kind = first("columntype", "doctype", "文种")
    return a


def _format_date(value: str) -> str:
    m = re.match(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})", value or "")
    return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日" if m else ""


def sidecar_path(path: Path) -> Path:
    """The admin's metadata file next to a document: `NAME.meta.toml` for `NAME.pdf` (or `NAME.pdf.meta.toml`)."""
    candidates = [path.with_suffix(".meta.toml"), path.with_name(path.name + ".meta.toml")]
    return next((p for p in candidates if p.is_file()), candidates[0])


def read_sidecar(path: Path) -> dict[str, object]:
    """Corrections from `NAME.meta.toml` (or `NAME.ext.meta.toml`); {} when there is none.

    Keys: title, type (or kind), issuer, number, written, published, effective, version, status, replaces,
    repeals; `force_ocr = true` reads every page of a PDF by OCR (its text layer is garbage).
    A bad file is an error for the person ingesting, not something quietly ignored.
    """
    side = sidecar_path(path)
    if not side.is_file():
        return {}
    try:
        data = tomllib.loads(side.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise IngestError(f"元数据文件 {side.name} 格式错误：{exc}") from None
    if "type" in data:
        data["kind"] = data.pop("type")
    unknown = set(data) - set(FIELDS) - {"title", "force_ocr"}
    if unknown:
        raise IngestError(f"元数据文件 {side.name} 有未知字段：{'、'.join(sorted(unknown))}")
    if "status" in data and data["status"] not in STATUSES:
        raise IngestError(f"元数据文件 {side.name}：status 只能是 {'、'.join(STATUSES)}")
    for k in ("replaces", "repeals", "cites"):
        if k in data and isinstance(data[k], str):
            data[k] = [data[k]]
    return data


def build_authority(doc: SourceDoc, raw: RawText, path: Path) -> None:
    """Set `doc.authority` (and a corrected title) from the text, the web page's metadata and the sidecar."""
    header = raw.text.split("<!-- INFO END -->")[0] if "<!-- INFO END -->" in raw.text else ""
    meta = extract_authority(doc.text, doc.title, doc.doc_type, header)
    if raw.meta:
        page = from_html_meta(raw.meta)
        # The text says more precisely who issued it; the page fills what the text leaves out.
        meta = page.merged({k: v for k, v in asdict(meta).items() if v})
        meta.url = raw.meta.get("page:url", "")
        page_title = raw.meta.get("ArticleTitle") or raw.meta.get("page:title") or ""
        if page_title and doc.title == path.stem:
            doc.title = page_title
    if raw.ocr_pages:
        meta.ocr_engine, meta.ocr_pages = raw.ocr_engine, list(raw.ocr_pages)
        doc.page_texts = list(raw.page_texts)
    side = read_sidecar(path)
    side.pop("force_ocr", None)  # read by read_document before loading
    if "title" in side:
        doc.title = str(side.pop("title"))
        for s in doc.sections:
            if s.location == "全文":
                s.title = doc.title
    doc.authority = meta.merged(side)


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def locate_ocr_pages(chunks: list[Chunk], page_texts: list[str], ocr_pages: list[int]) -> None:
    """Say on each chunk that came from OCR which page it is on: "第3页（OCR识别）"."""
    starts, joined = [], ""
    for t in page_texts:
        starts.append(len(joined))
        joined += _squash(t)
    for c in chunks:
        body = _squash(c.text)
        pos = -1
        for n in (16, 8, 4):
            if len(body) >= n:
                pos = joined.find(body[:n])
                if pos >= 0:
                    break
        if pos < 0:
            continue  # cleaning changed the start beyond recognition; the document label still says OCR
        page = max(i for i, s in enumerate(starts) if s <= pos) + 1
        if page in ocr_pages:
            where = f"第{page}页（OCR识别）"
            c.location = f"{c.location} · {where}" if c.location and c.location != "全文" else where


def refresh_authority(index: Index, doc: SourceDoc | None = None, backfill: bool = False) -> None:
    """Store `doc`'s metadata, then relabel every document (a new version changes the status of the old one).

    With `backfill`, documents indexed before this existed get metadata read from their stored text.
    """
    store = store_for(index)
    if doc is not None and doc.authority is not None:
        store.put_extracted(doc.doc_id, doc.authority)
    docs = [d for d in index.documents() if d.status == "ready"]
    if backfill:
        for d in docs:
            if not store.has(d.doc_id):
                text = "\n\n".join(c.text for c in index.chunks_of(d.doc_id))
                store.put_extracted(d.doc_id, extract_authority(text, d.title, d.doc_type))
        _reread_numbers(index, docs)
    store.refresh_labels(docs)


# Bumped when own_number reads differently, so indexes built before read their documents' numbers again.
_NUMBER_READER = "2"


def _reread_numbers(index: Index, docs: list[DocRecord]) -> None:
    """Numbers stored by an older reader (one a notice cites, …的通知人社部发〔2020〕11号) read again from the text.

    Only a number found in the stored text is read again: one from a law's header is not in it, and stays. An admin's
    correction is an override and is not touched.
    """
    manifest = index.manifest
    if manifest.get_meta("number_reader") == _NUMBER_READER:
        return
    store = store_for(index)
    raw = store.raw()
    for d in docs:
        meta = raw.get(d.doc_id, (None, {}))[0]
        if meta is None or not meta.number or meta.url or sidecar_path(Path(d.source)).is_file():
            continue  # a web page's metadata or a sidecar may have given the number: not the text's to change
        text = "\n\n".join(c.text for c in index.chunks_of(d.doc_id))
        if re.sub(r"\s", "", meta.number) not in re.sub(r"\s", "", text):
            continue
        number = extract_authority(text, d.title, d.doc_type).number
        if number != meta.number:
            log.info("%s: 文号 %s read again as %s", d.source, meta.number, number or "（无）")
            meta.number = number
            store.put_extracted(d.doc_id, meta)
    manifest.set_meta("number_reader", _NUMBER_READER)
