"""Whether a document is in force: its authority metadata, its versions, and what it cites that was repealed.

Ingest stores what it read from a document (`ingest/authority.py`) in the table `doc_authority` of the
index's database; an admin's corrections are kept beside it and win, and survive a re-index. The
status a person sees is resolved over the whole knowledge base, because it depends on the other
documents: two texts of one work (same title, different 修正/修订 dates, or one that `replaces` the
other) make the older one 已修订; a document whose title another one declares `同时废止` is 已废止; a
document citing a repealed law gets a warning. Each chunk carries a one-line label of its document
(`Chunk.authority`), refreshed whenever this changes, so every citation shows it without a lookup.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING

from sqlalchemy import text

from kb.store.database import PerChange

if TYPE_CHECKING:
    from kb.store.index import Index
    from kb.store.manifest import DocRecord, Manifest

STATUSES = ("现行有效", "已修订", "已废止", "未知")
OUTDATED = frozenset({"已修订", "已废止"})
# Kinds whose being in force means something; a report or an article has no status of its own.
NORMATIVE = frozenset({"宪法", "法律", "行政法规", "党内法规", "规范性文件", "通知", "地方性法规", "部门规章"})


@dataclass
class Authority:
    """What a document says (or an admin says) about its standing."""

    kind: str = ""  # 法律 | 行政法规 | 党内法规 | 规范性文件 | 报告 | 报刊文章 | 通知 | 宪法 | 其他
    issuer: str = ""  # 发文机关
    number: str = ""  # 文号, e.g. 国务院令第495号
    written: str = ""  # 成文日期 (adopted, signed or delivered)
    published: str = ""  # 发布日期
    effective: str = ""  # 施行日期
    version: str = ""  # e.g. 2018年修正
    status: str = ""  # stated status; empty = not stated (resolved over the knowledge base)
    replaces: list[str] = field(default_factory=list)  # earlier texts (file names or titles) this one replaces
    repeals: list[str] = field(default_factory=list)  # titles this text declares repealed (《…》同时废止)
    cites: list[str] = field(default_factory=list)  # 《titles》 of laws and regulations it cites
    ocr_engine: str = ""  # set when (part of) the text came from OCR
    ocr_pages: list[int] = field(default_factory=list)
    url: str = ""  # a saved web page's address

    def merged(self, overrides: dict[str, object]) -> Authority:
        """This metadata with an admin's or a sidecar's values on top (empty strings erase nothing)."""
        values = asdict(self)
        for k, v in overrides.items():
            if k in values and v not in (None, "", [], ()):
                values[k] = list(v) if isinstance(v, (list, tuple)) else str(v)
        return Authority(**values)


FIELDS = tuple(f.name for f in fields(Authority) if f.name not in ("ocr_engine", "ocr_pages", "url"))
EDITABLE = ("kind", "issuer", "number", "written", "published", "effective", "version", "status")
FIELD_NAMES = {
    "kind": "类型",
    "issuer": "发文机关",
    "number": "文号",
    "written": "成文日期",
    "published": "发布日期",
    "effective": "施行日期",
    "version": "版本",
    "status": "效力",
}


@dataclass
class Standing:
    """A document's authority as resolved over the knowledge base: what every citation of it shows."""

    doc_id: str
    source: str
    title: str
    meta: Authority
    status: str  # one of STATUSES, or "" for a document that has no status (a report, an article)
    basis: str = ""  # why, when the status was inferred
    work: str = ""
    versions: list[str] = field(default_factory=list)  # doc_ids of the same work, newest first
    warnings: list[str] = field(default_factory=list)

    @property
    def outdated(self) -> bool:
        return self.status in OUTDATED

    def version_label(self) -> str:
        m = self.meta
        return m.version or (f"{m.written}" if m.written else "")

    def label(self) -> str:
        """One line for a citation: 法律 · 全国人民代表大会常务委员会 · 2018年修订 · 2019年6月1日施行 · 现行有效."""
        m = self.meta
        parts = [
            m.kind,
            m.issuer,
            m.number,
            m.version,
            f"{m.effective}施行" if m.effective and m.effective != "公布之日" else "",
            self.status if self.status and self.status != "未知" else ("效力未知" if m.kind in NORMATIVE else ""),
            f"OCR识别（{m.ocr_engine}）" if m.ocr_engine else "",
        ]
        return " · ".join(p for p in parts if p)


def label_for(meta: Authority) -> str:
    """The label of a document considered alone (before the rest of the knowledge base is)."""
    status = meta.status or ("未知" if meta.kind in NORMATIVE else "")
    return Standing("", "", "", meta, status).label()


_PAREN = re.compile(r"[（(][^）)]*[）)]")


def _plain_title(title: str) -> str:
    """A title compared across versions: no 《》, no parenthesised version note, no spaces, no country prefix."""
    t = title.strip().strip("《》")
    t = _PAREN.sub(lambda m: "" if re.search(r"\d|修正|修订|草案|试行|部分修改", m.group(0)) else m.group(0), t)
    t = re.sub(r"\s+", "", t)
    return t.removeprefix("中华人民共和国")


def work_key(title: str) -> str:
    """Texts with the same key are versions of one work."""
    return _plain_title(title)


def _date_key(text: str) -> tuple[int, int, int]:
    m = re.search(r"(\d{4})年(?:(\d{1,2})月)?(?:(\d{1,2})日)?", text or "")
    return (int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)) if m else (0, 0, 0)


def version_key(meta: Authority) -> tuple[int, int, int]:
    """When a version was made: its 修正/修订 date, else its adoption, publication or effective date."""
    return max(_date_key(meta.written), _date_key(meta.version), _date_key(meta.published), _date_key(meta.effective))


# -- storage ---------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS {t} (
    doc_id TEXT PRIMARY KEY,
    extracted TEXT NOT NULL DEFAULT '{{}}',
    overrides TEXT NOT NULL DEFAULT '{{}}'
)
"""


class AuthorityStore:
    """The `doc_authority` rows in the index's database (created on first use, so older indexes just gain it)."""

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        # Resolving standings reads and merges every document's row: 0.4 s per question at 2,486 documents (100k
        # chunks). They change only when the index does, so the last result is kept with the index's change stamp.
        self._cached: tuple[object, dict[str, Standing]] | None = None
        self.in_force: PerChange[list[str] | None] | None = None  # in_force_scope's, made on first use
        self._cache_lock = threading.Lock()
        db = manifest.db
        t = db.table("doc_authority")
        with db.schema_change() as conn:
            conn.exec_driver_sql(_SCHEMA.format(t=t))
        self._put_extracted = text(
            f"INSERT INTO {t} (doc_id, extracted) VALUES (:d, :v)"
            " ON CONFLICT (doc_id) DO UPDATE SET extracted = excluded.extracted"
        )
        self._put_overrides = text(
            f"INSERT INTO {t} (doc_id, overrides) VALUES (:d, :v)"
            " ON CONFLICT (doc_id) DO UPDATE SET overrides = excluded.overrides"
        )
        self._raw = text(f"SELECT doc_id, extracted, overrides FROM {t}")
        self._has = text(f"SELECT 1 FROM {t} WHERE doc_id = :d AND extracted != '{{}}'")
        self._label = text(
            f"UPDATE {db.table('chunks')} SET authority = :label WHERE doc_id = :d AND authority != :label"
        )

    def put_extracted(self, doc_id: str, meta: Authority) -> None:
        """What ingest read from the document; an admin's corrections are kept."""
        with self.manifest.transaction() as conn:
            conn.execute(self._put_extracted, {"d": doc_id, "v": json.dumps(asdict(meta), ensure_ascii=False)})

    def set_overrides(self, doc_id: str, values: dict[str, object]) -> None:
        """An admin's corrections (replacing earlier ones); an empty value removes a correction."""
        unknown = set(values) - set(FIELDS)
        if unknown:
            raise ValueError(f"未知字段：{'、'.join(sorted(unknown))}")
        if values.get("status") not in (None, "", *STATUSES):
            raise ValueError(f"效力只能是 {'、'.join(STATUSES)}")
        kept = {k: v for k, v in values.items() if v not in (None, "", [])}
        with self.manifest.transaction() as conn:
            conn.execute(self._put_overrides, {"d": doc_id, "v": json.dumps(kept, ensure_ascii=False)})

    def raw(self) -> dict[str, tuple[Authority, dict[str, object]]]:
        """Every row: (extracted, overrides) by doc_id."""
        with self.manifest.reader() as conn:
            rows = conn.execute(self._raw).all()
        return {d: (Authority(**json.loads(e)), json.loads(o)) for d, e, o in rows}

    def has(self, doc_id: str) -> bool:
        with self.manifest.reader() as conn:
            return conn.execute(self._has, {"d": doc_id}).first() is not None

    def standings(self, docs: list[DocRecord]) -> dict[str, Standing]:
        """The resolved standing of each of `docs` (shared between callers: read, do not change)."""
        stamp = self.manifest.db.change_stamp()
        key = None if stamp is None else (stamp, tuple((d.doc_id, d.updated_at, d.doc_type, d.title) for d in docs))
        with self._cache_lock:
            if key is not None and self._cached is not None and self._cached[0] == key:
                return self._cached[1]
        out = resolve(docs, self.raw())
        if key is not None:
            with self._cache_lock:
                self._cached = (key, out)
        return out

    def refresh_labels(self, docs: list[DocRecord]) -> dict[str, Standing]:
        """Write each document's label onto its chunk rows where it changed; returns the standings."""
        out = self.standings(docs)
        rows = [{"label": s.label(), "d": s.doc_id} for s in out.values()]
        if rows:
            with self.manifest.transaction() as conn:
                conn.execute(self._label, rows)
        return out


def store_for(index: Index) -> AuthorityStore:
    """The index's authority store, made once per open index."""
    store = getattr(index, "_authority_store", None)
    if store is None:
        store = AuthorityStore(index.manifest)
        index._authority_store = store  # type: ignore[attr-defined]
    return store


# -- resolution over the knowledge base ---------------------------------------


def _find(docs: dict[str, DocRecord], name: str) -> str | None:
    """The doc_id named by a file name or a title."""
    for d in docs.values():
        if name in (d.source, d.title) or _plain_title(name) == _plain_title(d.title):
            return d.doc_id
    return None


def resolve(docs: list[DocRecord], raw: dict[str, tuple[Authority, dict[str, object]]]) -> dict[str, Standing]:
    """Standings of `docs`: explicit statuses first, then versions, repeals and citations of repealed law."""
    by_id = {d.doc_id: d for d in docs}
    metas: dict[str, Authority] = {}
    explicit: dict[str, str] = {}
    for d in docs:
        extracted, overrides = raw.get(d.doc_id, (Authority(), {}))
        metas[d.doc_id] = extracted.merged(overrides)
        if metas[d.doc_id].status:
            explicit[d.doc_id] = metas[d.doc_id].status
        if not metas[d.doc_id].kind:
            metas[d.doc_id].kind = d.doc_type or "其他"
    # Works: same plain title, joined by explicit `replaces` (union-find over doc ids).
    parent = {i: i for i in by_id}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_of: dict[str, str] = {}
    for i, d in by_id.items():
        if metas[i].kind not in NORMATIVE:
            continue  # two 政府工作报告 of different years are two reports, not two versions of one
        k = work_key(d.title)
        if k in first_of:
            parent[root(i)] = root(first_of[k])
        else:
            first_of[k] = i
    replaced_by: dict[str, str] = {}
    for i, m in metas.items():
        for name in m.replaces:
            j = _find(by_id, name)
            if j and j != i:
                parent[root(j)] = root(i)
                replaced_by[j] = i
    groups: dict[str, list[str]] = {}
    for i in by_id:
        groups.setdefault(root(i), []).append(i)
    out: dict[str, Standing] = {}
    for members in groups.values():
        # A text that replaces another is newer than it whatever the dates say.
        replaces_n = {i: sum(1 for j in members if replaced_by.get(j) == i) for i in members}
        members.sort(key=lambda i: (version_key(metas[i]), replaces_n[i]), reverse=True)
        newest = next((i for i in members if explicit.get(i) not in OUTDATED), members[0])
        for i in members:
            d, m = by_id[i], metas[i]
            status, basis = explicit.get(i, ""), ""
            if not status and i != newest and len(members) > 1:
                cur = by_id[newest]
                status = "已修订"
                basis = f"已有更新版本：《{cur.title}》{metas[newest].version or metas[newest].written}（{cur.source}）"
            out[i] = Standing(i, d.source, d.title, m, status, basis, work_key(d.title), list(members))
    # Repeals declared by documents that are themselves not outdated.
    repealed: dict[str, str] = {}
    for s in out.values():
        if s.outdated:
            continue
        for t in s.meta.repeals:
            repealed.setdefault(_plain_title(t), f"《{s.title}》规定《{t}》同时废止")
    for s in out.values():
        if not s.status and _plain_title(s.title) in repealed:
            s.status, s.basis = "已废止", repealed[_plain_title(s.title)]
    for s in out.values():
        if s.status == "已废止":
            repealed.setdefault(_plain_title(s.title), s.basis or f"《{s.title}》已废止")
    for s in out.values():
        if not s.status:
            s.status = "未知" if s.meta.kind in NORMATIVE else ""
        if s.status == "已修订":
            s.warnings.append(f"《{s.title}》（{s.version_label() or s.source}）不是现行版本：{s.basis or '已修订'}。")
        elif s.status == "已废止":
            s.warnings.append(f"《{s.title}》已废止：{s.basis or '管理员标注'}。")
        own = {_plain_title(t) for t in s.meta.repeals} | {_plain_title(s.title)}
        # A text naming the law it repeals ("《行政监察法》同时废止") does not rely on it.
        gone = [t for t in s.meta.cites if _plain_title(t) in repealed and _plain_title(t) not in own]
        for t in gone:
            s.warnings.append(
                f"《{s.title}》引用的《{t}》已废止（{repealed[_plain_title(t)]}），其中依据该法的规定可能已过时。"
            )
    return out


# -- filters -----------------------------------------------------------------

FILTER_KEYS = {
    "type": "kind",
    "kind": "kind",
    "issuer": "issuer",
    "status": "status",
    "version": "version",
    "number": "number",
    "year": "year",
    "source": "source",
}


def parse_filter(spec: str) -> dict[str, set[str]]:
    """`type=法律,status=现行有效` → {"kind": {"法律"}, "status": {"现行有效"}}; `type=法律|行政法规` is either."""
    out: dict[str, set[str]] = {}
    for part in (spec or "").replace("，", ",").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep or key not in FILTER_KEYS or not value.strip():
            raise ValueError(
                f"过滤条件 {part.strip()!r} 无效：应为 键=值，键为 {'、'.join(sorted(set(FILTER_KEYS) - {'kind'}))}"
            )
        out.setdefault(FILTER_KEYS[key], set()).update(v.strip() for v in value.split("|") if v.strip())
    return out


def matches(s: Standing, doc_type: str, where: dict[str, set[str]]) -> bool:
    for key, values in where.items():
        if key == "kind":
            ok = s.meta.kind in values or doc_type in values
        elif key == "status":
            ok = (s.status or "未知") in values or ("在用" in values and not s.outdated)
        elif key == "year":
            ok = str(version_key(s.meta)[0]) in values
        elif key == "source":
            ok = s.source in values
        else:
            ok = any(v in getattr(s.meta, key) for v in values)
        if not ok:
            return False
    return True


def scope(
    index: Index, doc_ids: list[str] | None = None, where: dict[str, set[str]] | None = None, in_force: bool = False
) -> list[str] | None:
    """The documents a question searches: `doc_ids` (None = all) narrowed by `where` and, with `in_force`,
    to documents not known to be outdated. None when nothing narrows (every document)."""
    if doc_ids is None and not where and not in_force:
        return None
    docs = [d for d in index.documents() if d.status == "ready"]
    standings = store_for(index).standings(docs)
    wanted = None if doc_ids is None else set(doc_ids)
    chosen = [
        d.doc_id
        for d in docs
        if (wanted is None or d.doc_id in wanted)
        and matches(standings[d.doc_id], d.doc_type, where or {})
        and not (in_force and standings[d.doc_id].outdated)
    ]
    if doc_ids is None and not where and len(chosen) == len(docs):
        return None  # nothing outdated: searching everything is the same, and cheaper
    return chosen


def in_force_scope(index: Index) -> list[str] | None:
    """The default scope of a question: documents not known to be outdated; None when none is outdated."""
    # Every question without a named document asks for it (3.6 ms at 2,486 documents): kept until the index changes.
    store = store_for(index)
    if store.in_force is None:
        store.in_force = PerChange(index.manifest.db, lambda: scope(index, in_force=True))
    kept = store.in_force.get()
    return None if kept is None else list(kept)


def standing_of(index: Index, doc_id: str) -> Standing | None:
    """One document's standing, resolved against all ready documents."""
    docs = [d for d in index.documents() if d.status == "ready"]
    return store_for(index).standings(docs).get(doc_id)


def standing_rows(s: Standing) -> list[tuple[str, str]]:
    """(name, value) pairs a person reads in the library: every field that has a value."""
    m = s.meta
    rows = [(FIELD_NAMES[k], getattr(m, k)) for k in EDITABLE if k != "status"]
    rows.append(("效力", s.status + (f"（{s.basis}）" if s.basis else "")))
    if m.ocr_engine:
        rows.append(("来源", f"OCR识别（{m.ocr_engine}），第 {', '.join(map(str, m.ocr_pages))} 页"))
    if m.url:
        rows.append(("网页", m.url))
    if m.repeals:
        rows.append(("废止", "、".join(f"《{t}》" for t in m.repeals)))
    return [(k, v) for k, v in rows if v]
