"""The glossary of policy shorthand (三高四新, 五懂五会, 四风 …): found in the text, explained by cited quotes.

Extraction reads the chunks of the index:

* terms are numbered slogans in quotation marks (“五懂五会”, “三个高地”, “四能”),
  quoted terms that are defined on the spot (“双培双推”模式，即…), and terms a law
  defines (本法所称公务员，是指…);
* each term is explained by quotes taken verbatim from the passages, the best kind first:
  a definition (即/是指/就是/包括 after the term), an enumeration of its parts (懂政治、懂业务…的“五懂五会”,
  or the short headings 添动能/树势能/提效能 of the article titled with “四能”), else the sentence
  that uses it (context). Every quote goes through `make_citation`, so none can be invented.

The table `glossary_entries` (kb/accounts/db.py) keeps the result and an admin's edits (an edited or
added entry survives a rebuild). Retrieval uses the glossary twice:

* jieba learns the terms (`kb.store.tokenize.add_terms`) so lexical search keeps them whole. The lexical
  index is tokenised at ingest, so `sync` also re-tokenises the existing documents' lexical rows
  (through the index's public `lexical.delete_doc/add`) when the term list changes, and writes the
  terms to `data_dir/glossary_terms.txt`, which `kb.factory.open_index` loads before any ingest.
* `expand_query` appends a term's definition to a question that uses it (the displayed question
  stays as typed; `KnowledgeBase.glossary` holds the definitions).
Terms and definitions are also saved in the index itself (`Index.save_glossary`): another replica or ingest
worker sharing the index (PostgreSQL) reads them when the index changes, teaches its jieba the terms and
expands questions with the definitions, without a restart.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from kb.accounts.db import Base
from kb.answer.citations import make_citation, norm
from kb.answer.glossary_expansion import expand_query  # noqa: F401  (the glossary's callers use it from here)
from kb.types import Chunk, Citation

if TYPE_CHECKING:
    from kb.service import KnowledgeBase
    from kb.settings import Settings
    from kb.store.index import Index

TERMS_FILE = "glossary_terms.txt"  # one term a line: jieba's user words for this index
DEFINITIONS_FILE = "glossary_definitions.json"  # term -> definition: query expansion without the app database
_META_KEY = "glossary_terms_sha1"

# Writers of the glossary (rebuild, save, remove, sync) run one at a time. Two rebuilds at once (an upload's
# on_change thread and the admin's 重建 button) both saw the term missing and both inserted it: IntegrityError
# on the UNIQUE term. The app is one process, so a process-wide lock is enough; several processes writing one
# database would need a database-side lock instead. Re-entrant: rebuild, save and remove call sync.
_WRITE_LOCK = threading.RLock()

DEFINITION, ENUMERATION, CONTEXT, ADMIN = "定义", "列举", "语境", "管理员"

_NUM = "一二三四五六七八九十两双百千"
# A numbered slogan in quotes: starts with a numeral (三高四新, 两个维护, 一岗双责), short, only CJK.
_QUOTED = re.compile(r"[“\"「]([^“”\"「」\n]{2,12})[”\"」]")
_SLOGAN = re.compile(rf"^[{_NUM}][\u4e00-\u9fff]{{1,11}}$")
_NOT_SLOGAN = re.compile(r"^(?:一是|二是|三是|一要|二要|三要|一些|一切|一起|一样|一致|一定|一般|一直)")
# 即/是指 right after a quoted term (“双培双推”模式，即…) or a law's 所称X，是指.
_DEFINED_QUOTED = re.compile(r"“([^“”\n]{2,10})”[\u4e00-\u9fff]{0,4}[，,]?\s*(?:即|是指|指的是|就是)")
_DEFINED_LAW = re.compile(r"所称([\u4e00-\u9fff]{2,12}?)[，,]\s*是指")
# 包括 only right after the term: 公务员工资包括… lists pay, it does not define 公务员.
_DEF_MARK = re.compile(r"^[”\"」]?(?:[\u4e00-\u9fff]{0,4}[，,:：]?\s*(?:即|是指|指的是|就是)|[，,:：]?包括)")
_CLAUSE = re.compile(r"[^，,；;：:。！？!?\n]+[，,；;：:。！？!?]*")
_SENT = re.compile(r"[^。！？!?\n]+[。！？!?]*[”’」』）)]*")
_MAX_QUOTES = 3


@dataclass
class Entry:
    """A glossary term and the cited quotes that explain it."""

    term: str
    kind: str  # 定义 | 列举 | 语境 | 管理员
    citations: list[Citation] = field(default_factory=list)
    occurrences: int = 0  # how often the corpus uses it
    sources: list[str] = field(default_factory=list)
    note: str = ""  # an admin's own words, shown apart from the quotes
    origin: str = "auto"  # auto | admin

    def definition(self, max_chars: int = 160) -> str:
        """The explanation as plain text (the quotes joined), for query expansion and tables."""
        return " ".join(c.quote for c in self.citations)[:max_chars]


# -- extraction (pure) --------------------------------------------------------


def _fold(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def candidate_terms(chunks: Iterable[Chunk]) -> Counter[str]:
    """Shorthand terms the text introduces, with how often each is quoted or defined."""
    found: Counter[str] = Counter()
    for c in chunks:
        for m in _QUOTED.finditer(c.text):
            t = m.group(1).strip()
            if _SLOGAN.match(t) and not _NOT_SLOGAN.match(t):
                found[t] += 1
        for m in _DEFINED_QUOTED.finditer(c.text):
            found[m.group(1).strip()] += 1
        for m in _DEFINED_LAW.finditer(c.text):
            found[m.group(1).strip()] += 1
    return found


def _spans(regex: re.Pattern[str], text: str, start: int = 0) -> list[tuple[int, int]]:
    return [(start + m.start(), start + m.end()) for m in regex.finditer(text) if m.group(0).strip()]


def _sentence_at(text: str, pos: int) -> tuple[int, int]:
    for s, e in _spans(_SENT, text):
        if s <= pos < e:
            return s, e
    return 0, len(text)


def _strip_span(text: str, s: int, e: int) -> str:
    return text[s:e].strip().rstrip("，,；;：:")


def _key_parts(term: str) -> list[tuple[int, str]]:
    """(count, key character) pairs of a numbered slogan: 五懂五会 -> [(5,'懂'),(5,'会')], 四能 -> [(4,'能')]."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九十", 0)} | {"两": 2, "双": 2}
    parts = re.findall(rf"([{_NUM}])(?:个|项|大|条)?([\u4e00-\u9fff])", term)
    return [(digits.get(n, 0), k) for n, k in parts if n in digits]


def _enumeration_before(term: str, text: str, pos: int) -> tuple[int, int] | None:
    """The clauses before `pos` listing the parts of the term (懂政治、懂业务…的“五懂五会”), as a span ending at it."""
    keys = _key_parts(term)
    if not keys:
        return None
    sent_s, _ = _sentence_at(text, pos)
    clauses = [(s, e) for s, e in _spans(_CLAUSE, text[sent_s:pos], sent_s)]
    if not clauses:
        return None
    # Walk back over the clauses that hold 、-lists; stop at the first that does not.
    first = len(clauses) - 1
    while first > 0 and "、" in text[clauses[first - 1][0] : clauses[first - 1][1]]:
        first -= 1
    span_s = clauses[first][0]
    listed = text[span_s:pos]
    items = [x for x in re.split(r"[、，,]", listed) if x.strip()]
    hits = sum(1 for _, k in keys for x in items if k in x)
    if "、" in listed and hits >= max(2, min(n for n, _ in keys) - 1):
        end = pos + len(term) + 1
        # Take the noun the term qualifies (“五懂五会”干部队伍) up to the end of its clause.
        while end < len(text) and text[end] not in "，,；;。！？\n":
            end += 1
        return span_s, end
    return None


def _headings_listing(term: str, chunks: list[Chunk]) -> list[tuple[Chunk, str]]:
    """Short lead sentences of an article titled with the term that end in its key (添动能、树势能、提效能 for “四能”)."""
    keys = _key_parts(term)
    if len(keys) != 1:
        return []
    key = keys[0][1]
    titled = {c.title for c in chunks if term in c.title}
    out: list[tuple[Chunk, str]] = []
    for c in chunks:
        if c.title not in titled:
            continue
        for para in c.text.split("\n"):
            m = re.match(r"\s*([^。！？\n]{4,20}?)([^。！？，,\n]{1,3}" + re.escape(key) + r")。", para)
            if m and term not in m.group(0):
                out.append((c, m.group(0).strip()))
    return out


def _context_span(text: str, pos: int, term: str) -> tuple[int, int]:
    """The clause using the term, with the next clause when it is too short to say anything."""
    sent_s, sent_e = _sentence_at(text, pos)
    clauses = _spans(_CLAUSE, text[sent_s:sent_e], sent_s)
    for i, (s, e) in enumerate(clauses):
        if s <= pos < e:
            if len(norm(text[s:e])) < len(term) + 14 and i + 1 < len(clauses):
                e = clauses[i + 1][1]
            return s, e
    return sent_s, sent_e


def _is_heading(chunk: Chunk, text: str, pos: int) -> bool:
    # Titles and author lines use a term without saying what it means.
    line_s = text.rfind("\n", 0, pos) + 1
    line_e = text.find("\n", pos)
    line = text[line_s : line_e if line_e >= 0 else len(text)]
    return line.strip() in (chunk.title, chunk.heading_path) or line.lstrip().startswith(("——", "(作者", "（作者"))


def explain(term: str, chunks: list[Chunk]) -> Entry:
    """The best cited explanation of a term the chunks hold (definition > enumeration > context)."""
    definitions: list[Citation] = []
    enumerations: list[Citation] = []
    contexts: list[Citation] = []
    occurrences, sources = 0, []
    for c in chunks:
        text = c.text
        start = 0
        while (pos := text.find(term, start)) >= 0:
            start = pos + len(term)
            occurrences += 1
            if c.source not in sources:
                sources.append(c.source)
            after = text[pos + len(term) : pos + len(term) + 12]
            if _DEF_MARK.match(after) or text[max(0, pos - 2) : pos] == "所称":
                s, e = _sentence_at(text, pos)
                # A definition often runs over a ；-separated list: keep the whole sentence.
                _add(definitions, c, _strip_span(text, s, e))
            elif span := _enumeration_before(term, text, pos):
                _add(enumerations, c, _strip_span(text, *span))
            elif not _is_heading(c, text, pos):
                _add(contexts, c, _strip_span(text, *_context_span(text, pos, term)))
    for c, quote in _headings_listing(term, chunks):
        _add(enumerations, c, quote)
    for kind, cites in ((DEFINITION, definitions), (ENUMERATION, enumerations), (CONTEXT, contexts)):
        if cites:
            return Entry(term, kind, cites[:_MAX_QUOTES], occurrences, sources)
    return Entry(term, CONTEXT, [], occurrences, sources)


def _add(out: list[Citation], chunk: Chunk, quote: str) -> None:
    if not quote or any(norm(quote) == norm(c.quote) for c in out):
        return
    try:
        out.append(make_citation(len(out) + 1, chunk, quote))
    except ValueError:  # a quote that is not verbatim never enters the glossary
        pass


def extract(chunks: list[Chunk], min_count: int = 1) -> list[Entry]:
    """The glossary of a corpus: every shorthand term with its cited explanation, most used first."""
    found = candidate_terms(chunks)
    entries = [explain(t, chunks) for t, n in found.items() if n >= min_count]
    entries = [e for e in entries if e.citations]
    entries.sort(key=lambda e: (-e.occurrences, e.term))
    return entries


# -- storage ------------------------------------------------------------------


class GlossaryEntry(Base):
    """A glossary term as stored: quotes by chunk id (re-checked when loaded), an admin's note and edits."""

    __tablename__ = "glossary_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    term: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    kind: Mapped[str] = mapped_column(String(16), default=CONTEXT)
    quotes: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{"chunk_id", "quote"}]
    note: Mapped[str] = mapped_column(Text, default="")
    occurrences: Mapped[int] = mapped_column(Integer, default=0)
    sources: Mapped[str] = mapped_column(Text, default="[]")
    origin: Mapped[str] = mapped_column(String(16), default="auto")  # auto | admin
    # An admin removed it: a rebuild must not bring it back.
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    edited_by: Mapped[str] = mapped_column(String(128), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=lambda: datetime.now(UTC))


class Glossary:
    """The glossary of one knowledge base: stored in the application database, checked against the index."""

    def __init__(self, index: Index, db: sessionmaker) -> None:
        self.index = index
        self.db = db

    # -- reading

    def entries(self, query: str = "") -> list[Entry]:
        """The visible entries (optionally those whose term or explanation contains `query`), most used first."""
        with self.db() as s:
            rows = s.scalars(select(GlossaryEntry).where(GlossaryEntry.hidden.is_(False))).all()
        out = [self._entry(r) for r in rows]
        out = [e for e in out if e.citations or e.note]
        if query:
            q = _fold(query.strip())
            out = [e for e in out if q in _fold(e.term) or q in _fold(e.definition(1000)) or q in _fold(e.note)]
        out.sort(key=lambda e: (-e.occurrences, e.term))
        return out

    def get(self, term: str) -> Entry | None:
        """One visible entry by its term."""
        with self.db() as s:
            row = s.scalar(select(GlossaryEntry).where(GlossaryEntry.term == term, GlossaryEntry.hidden.is_(False)))
        return self._entry(row) if row else None

    def definitions(self) -> dict[str, str]:
        """term -> explanation text, what `expand_query` needs."""
        return {e.term: e.definition() for e in self.entries() if e.definition()}

    def _entry(self, row: GlossaryEntry) -> Entry:
        cites: list[Citation] = []
        for q in json.loads(row.quotes or "[]"):
            chunk = self.index.chunk(q["chunk_id"])
            if chunk is not None:  # the document may have been removed or changed since
                _add(cites, chunk, q["quote"])
        return Entry(
            term=row.term,
            kind=row.kind,
            citations=cites,
            occurrences=row.occurrences,
            sources=json.loads(row.sources or "[]"),
            note=row.note,
            origin=row.origin,
        )

    # -- writing

    def rebuild(self) -> list[Entry]:
        """Extract the glossary from every ready document; entries an admin added, edited or removed stay as they are."""
        with _WRITE_LOCK:
            return self._rebuild()

    def _rebuild(self) -> list[Entry]:
        # Extraction is inside the lock too: the later of two rebuilds must see the documents as they are now.
        chunks = [c for d in self.index.documents() if d.status == "ready" for c in self.index.chunks_of(d.doc_id)]
        found = extract(chunks)
        with self.db.begin() as s:
            rows = {r.term: r for r in s.scalars(select(GlossaryEntry)).all()}
            for e in found:
                row = rows.pop(e.term, None)
                if row is not None and (row.origin == "admin" or row.hidden):
                    continue
                if row is None:
                    row = GlossaryEntry(term=e.term)
                    s.add(row)
                self._fill(row, e)
            for row in rows.values():
                if row.origin == "auto":  # no longer in the corpus
                    s.delete(row)
        self.sync()
        return self.entries()

    @staticmethod
    def _fill(row: GlossaryEntry, e: Entry) -> None:
        row.kind = e.kind
        row.quotes = json.dumps([{"chunk_id": c.chunk_id, "quote": c.quote} for c in e.citations], ensure_ascii=False)
        row.occurrences = e.occurrences
        row.sources = json.dumps(e.sources, ensure_ascii=False)
        row.updated_at = datetime.now(UTC)

    def save(self, term: str, quote: str = "", note: str = "", user: str | None = None) -> Entry:
        """Add or edit a term (admin). `quote` must be verbatim in a document; empty means: find it in the text."""
        term = term.strip()
        if not term:
            raise ValueError("术语不能为空")
        with _WRITE_LOCK:
            return self._save(term, quote, note, user)

    def _save(self, term: str, quote: str, note: str, user: str | None) -> Entry:
        chunks = [c for d in self.index.documents() if d.status == "ready" for c in self.index.chunks_of(d.doc_id)]
        if quote.strip():
            chunk = next((c for c in chunks if norm(quote) in norm(c.text)), None)
            if chunk is None:
                raise ValueError("释义必须是文档中的原文（逐字一致），未在知识库中找到这段文字")
            e = Entry(term, ADMIN, [make_citation(1, chunk, quote.strip())])
            e.occurrences = sum(c.text.count(term) for c in chunks)
            e.sources = sorted({c.source for c in chunks if term in c.text})
        else:
            e = explain(term, chunks)
            if not e.citations and not note.strip():
                raise ValueError(f"知识库中没有出现“{term}”：请给出原文释义或说明")
        with self.db.begin() as s:
            row = s.scalar(select(GlossaryEntry).where(GlossaryEntry.term == term))
            if row is None:
                row = GlossaryEntry(term=term)
                s.add(row)
            self._fill(row, e)
            row.note = note.strip()
            row.origin = "admin"
            row.hidden = False
            row.edited_by = user or ""
        self.sync()
        entry = self.get(term)
        assert entry is not None
        return entry

    def remove(self, term: str, user: str | None = None) -> bool:
        """Hide a term (admin); a rebuild does not bring it back."""
        with _WRITE_LOCK:
            return self._remove(term, user)

    def _remove(self, term: str, user: str | None) -> bool:
        with self.db.begin() as s:
            row = s.scalar(select(GlossaryEntry).where(GlossaryEntry.term == term))
            if row is None:
                return False
            row.hidden = True
            row.edited_by = user or ""
            row.updated_at = datetime.now(UTC)
        self.sync()
        return True

    # -- retrieval wiring

    def sync(self, kb: KnowledgeBase | None = None) -> int:
        """Teach jieba the terms, re-tokenise the lexical index if they changed, refresh `kb.learn.glossary`; terms."""
        # Two syncs at once would write the terms files and re-tokenise the lexical index over each other.
        with _WRITE_LOCK:
            return self._sync(kb)

    def _sync(self, kb: KnowledgeBase | None) -> int:
        from kb.store.tokenize import add_terms

        entries = self.entries()
        terms = sorted({e.term for e in entries if len(e.term) >= 2})
        add_terms(terms)
        data_dir = self.index.settings.data_dir
        definitions = {e.term: e.definition() for e in entries if e.definition()}
        (data_dir / TERMS_FILE).write_text("".join(t + "\n" for t in terms), encoding="utf-8")
        (data_dir / DEFINITIONS_FILE).write_text(
            json.dumps(definitions, ensure_ascii=False, indent=0), encoding="utf-8"
        )
        # And in the index, for the replicas and workers that share it but not this folder (Index.glossary).
        self.index.save_glossary(terms, definitions)
        digest = hashlib.sha1("\n".join(terms).encode()).hexdigest()
        if self.index.manifest.get_meta(_META_KEY) != digest:
            retokenize(self.index)
            self.index.manifest.set_meta(_META_KEY, digest)
        if kb is not None:
            kb.glossary = definitions
        return len(terms)


def load_terms(data_dir: Path) -> int:
    """Teach jieba the glossary terms saved beside an index (before ingest tokenises anything); how many."""
    from kb.store.tokenize import add_terms

    path = data_dir / TERMS_FILE
    if not path.is_file():
        return 0
    terms = [t.strip() for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]
    add_terms(terms)
    return len(terms)


def load_definitions(data_dir: Path) -> dict[str, str]:
    """The term -> definition map saved beside an index (empty when no glossary was built)."""
    path = data_dir / DEFINITIONS_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def retokenize(index: Index) -> int:
    """Rebuild the lexical rows of every ready document with the current jieba dictionary; documents done."""
    done = 0
    for d in index.documents():
        if d.status != "ready":
            continue
        with index.manifest.transaction():
            # Read inside the transaction, so an upsert of the same document cannot interleave.
            chunks = index.chunks_of(d.doc_id)
            index.lexical.delete_doc(d.doc_id)
            index.lexical.add(chunks)
        done += 1
    return done


def open_glossary(kb: KnowledgeBase) -> Glossary:
    """The glossary of a knowledge base, over the application database of its settings."""
    return Glossary(kb.index, _session_factory(kb.settings))


def _session_factory(settings: Settings) -> sessionmaker:
    """The session factory of the application database at the settings' URL (one per URL: kb/accounts/db.py)."""
    from kb.accounts.db import open_db

    return open_db(settings)


def attach(kb: KnowledgeBase) -> Glossary:
    """Open the glossary, build it on first use, and wire it into the knowledge base's retrieval."""
    g = open_glossary(kb)
    with g.db() as s:
        empty = s.scalar(select(GlossaryEntry.id).limit(1)) is None
    if empty and any(d.status == "ready" for d in kb.index.documents()):
        g.rebuild()
    g.sync(kb)
    return g


def refresh(kb: KnowledgeBase) -> Glossary:
    """Rebuild the glossary after documents were added or removed, and re-wire it into retrieval."""
    g = open_glossary(kb)
    g.rebuild()
    g.sync(kb)
    return g
