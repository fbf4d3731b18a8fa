"""Citation checks shared by every answerer: quotes are verbatim, markers point at real passages.

An LLM answer arrives as free text with `[n]` markers over numbered passages.
`finalize` keeps only markers that point at a passage, renumbers them, and
picks each citation's quote from the passage itself, so a quote can never be
invented. Rules for a model's answer text:

* A marker is `[n]`, `【n】` or `［n］` with ASCII digits; a group may list several
  numbers (`[1,2]`, `[1、3]`, `[1-3]`) and groups may follow each other (`[1][2]`).
  Numbers outside 1..n (a bracketed year like `[2024]` too), `[0]` and full-width digits (`[１]`) point nowhere and are
  dropped. Surviving markers are renumbered 1..m in order of first appearance
  and written as `[1][2]`.
* A span the answer presents as a direct quote (inside 「」, 『』 or “”) must be
  verbatim (whitespace ignored) in one of the cited passages; otherwise its
  quotation marks are dropped and its words stay, as an ordinary paraphrase.
* Each citation quotes the passage sentence sharing most character bigrams with
  the words before its marker; when one passage backs several claims whose best
  sentences are neighbours, the quote spans them (up to 200 characters).
* Sentences without a marker stay: they are connective text, unless they carry a link, an e-mail address or
  a phone-like number (what an instruction injected into a document asks for); those are dropped.
* If no marker survives the citation list is empty; the caller treats the answer as uncited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.answer.sentences import split_sentences
from kb.types import Chunk, Citation, Hit

# Any bracketed run of digits and separators, so that malformed markers are found (and dropped) too.
_GROUP = re.compile(r"[ \t\u3000]*(?:[\[［【][ \t]*\d+(?:[ \t]*(?:[,，、;；\-–~～][ \t]*)?\d+)*[ \t]*[\]］】])+")
_ONE = re.compile(r"[\[［【]([^\]］】]*)[\]］】]")
_RANGE = re.compile(r"^([0-9]+)[\-–~～]([0-9]+)$")
_QUOTED = re.compile(r"「([^「」]*)」|『([^『』]*)』|“([^“”]*)”")
_NOT_CONTENT = re.compile(r"[\s\W_]+")  # whitespace and punctuation carry no support for a claim
_MIN_CLAIM = 4  # shorter clause-before-a-marker falls back to the whole sentence
_MAX_JOINED = 200  # a quote joined from neighbouring sentences stays a quote, not the whole passage


def norm(s: str) -> str:
    """`s` without any whitespace (PDF line breaks and layout spaces are not content)."""
    return "".join((s or "").split())


def is_verbatim(quote: str, text: str) -> bool:
    """True when the non-empty `quote` occurs in `text`, whitespace ignored."""
    q = norm(quote)
    return bool(q) and q in norm(text)


def _locate(quote: str, text: str) -> tuple[int, int] | None:
    """The span of `text` that equals `quote` up to whitespace, or None."""
    q = norm(quote)
    if not q:
        return None
    pos = [i for i, ch in enumerate(text) if not ch.isspace()]
    k = "".join(text[i] for i in pos).find(q)
    if k < 0:
        return None
    return pos[k], pos[k + len(q) - 1] + 1


def make_citation(marker: int, chunk: Chunk, quote: str) -> Citation:
    """A citation of `chunk` under `marker`; raises ValueError unless `quote` is verbatim in the chunk."""
    span = _locate(quote, chunk.text)
    if span is None:
        raise ValueError(f"quote is not verbatim in {chunk.chunk_id}: {quote[:40]!r}")
    return Citation(
        marker=marker,
        source=chunk.source,
        title=chunk.title,
        author=chunk.author,
        location=chunk.location,
        # The passage's own characters, so the UI can highlight it even when the quote came with other spacing.
        quote=chunk.text[span[0] : span[1]],
        passage=chunk.text,
        chunk_id=chunk.chunk_id,
        heading_path=chunk.heading_path,
        affiliation=chunk.affiliation,
        date=chunk.date,
        authority=chunk.authority,
    )


def _bigrams(s: str) -> set[str]:
    s = _NOT_CONTENT.sub("", s)
    return {s[i : i + 2] for i in range(len(s) - 1)}


def _best_index(claim: str, sents: list[str]) -> tuple[int, int]:
    """Index of the sentence sharing most bigrams with `claim` (ties: the denser, then the earlier), and the count."""
    cb = _bigrams(claim)
    best, best_key = 0, (-1, 0.0)
    for i, s in enumerate(sents):
        sb = _bigrams(s)
        shared = len(cb & sb)
        key = (shared, shared / (len(sb) or 1))
        if key > best_key:
            best, best_key = i, key
    return best, best_key[0]


def best_sentence(claim: str, passage: str) -> str:
    """The verbatim sentence of `passage` that shares most character bigrams with `claim`."""
    sents = [passage[s:e] for s, e in split_sentences(passage)]
    if not sents:
        return passage.strip()
    return sents[_best_index(claim, sents)[0]]


@dataclass
class _Group:
    start: int  # span of the marker group in the model's text
    end: int
    numbers: list[int]  # valid passage numbers, 1-based, in written order


def _parse_group(raw: str, n: int) -> list[int]:
    """Valid passage numbers of one marker group such as `[1,2]【3】`."""
    out: list[int] = []
    for m in _ONE.finditer(raw):
        body = m.group(1).strip()
        if any(ch.isdigit() and not ch.isascii() for ch in body):  # full-width digits: malformed, points nowhere
            continue
        body = re.sub(r"\s*([\-–~～])\s*", r"\1", body)  # "1 - 3" -> "1-3"
        for part in re.split(r"[,，、;；\s]+", body):
            if r := _RANGE.match(part):
                lo, hi = int(r.group(1)), int(r.group(2))
                nums = list(range(lo, hi + 1)) if 0 <= hi - lo < 10 else []
            else:
                nums = [int(part)] if part.isdigit() else []
            out.extend(k for k in nums if 1 <= k <= n and k not in out)
    return out


def _claims(clean: str, positions: list[int]) -> list[str]:
    """For each marker position in `clean` text, the words it vouches for: the clause before it, or its sentence."""
    spans = split_sentences(clean)
    out: list[str] = []
    prev = -1
    for q in positions:
        if q == prev:  # "[1] [2]": the second group vouches for the same words as the first
            out.append(out[-1])
            continue
        # The sentence holding the character just before the marker ("…一年[1]。" and "…一年。[1]" alike).
        sent = next(((s, e) for s, e in spans if s < q <= e), None)
        if sent is None:
            sent = next(((s, e) for s, e in spans if s >= q), (0, len(clean)))
        start = max(sent[0], prev)
        clause = clean[start:q]
        if len(_NOT_CONTENT.sub("", clause)) < _MIN_CLAIM:
            clause = clean[sent[0] : max(q, sent[1])]
        out.append(clause)
        prev = q
    return out


def _quote_for(claims: list[str], passage: str) -> str:
    """The passage sentence(s) best supporting `claims`: consecutive best sentences join, else the strongest one."""
    spans = split_sentences(passage)
    sents = [passage[s:e] for s, e in spans]
    if not sents:
        return passage.strip()
    picks = {}
    for c in claims:
        i, shared = _best_index(c, sents)
        picks[i] = max(shared, picks.get(i, -1))
    idx = sorted(picks)
    joined = passage[spans[idx[0]][0] : spans[idx[-1]][1]]
    if idx == list(range(idx[0], idx[-1] + 1)) and len(joined) <= _MAX_JOINED:
        return joined
    return sents[max(idx, key=lambda i: picks[i])]


def _unquote_fabrications(text: str, passages: list[str]) -> str:
    """Drop the quotation marks around a quoted span that no cited passage holds verbatim."""
    held = [norm(p) for p in passages]

    def fix(m: re.Match[str]) -> str:
        inner = next(g for g in m.groups() if g is not None)
        bare = norm(_GROUP.sub("", inner))
        if bare and any(bare in p for p in held):
            return m.group(0)
        return inner

    return _QUOTED.sub(fix, text)


def finalize(text: str, hits: list[Hit]) -> tuple[str, list[Citation]]:
    """Check an LLM answer over passages [1]..[n] (= `hits`): fix its markers and build verbatim citations."""
    n = len(hits)
    groups = [_Group(m.start(), m.end(), _parse_group(m.group(0), n)) for m in _GROUP.finditer(text)]
    # The text without any marker, and where each marker group stood in it.
    pieces, positions, last, size = [], [], 0, 0
    for g in groups:
        pieces.append(text[last : g.start])
        size += g.start - last
        positions.append(size)
        last = g.end
    pieces.append(text[last:])
    clean = "".join(pieces)
    claims = _claims(clean, positions)

    new_of: dict[int, int] = {}
    claims_of: dict[int, list[str]] = {}
    for g, claim in zip(groups, claims):
        for k in g.numbers:
            new_of.setdefault(k, len(new_of) + 1)
            claims_of.setdefault(k, []).append(claim)

    out, last = [], 0
    for g in groups:
        out.append(text[last : g.start])
        out.append("".join(f"[{m}]" for m in sorted({new_of[k] for k in g.numbers})))
        last = g.end
    out.append(text[last:])
    answer = "".join(out).strip()
    if not new_of:
        return answer, []

    citations = []
    for k, m in sorted(new_of.items(), key=lambda kv: kv[1]):
        chunk = hits[k - 1].chunk
        citations.append(make_citation(m, chunk, _quote_for(claims_of[k], chunk.text)))
    answer = _unquote_fabrications(answer, [c.passage for c in citations])
    return _drop_uncited_contacts(answer), citations


# A link, an e-mail address or a phone-like run of digits: what an instruction injected into a document asks a
# model to repeat ("请访问…", "拨打…"). Connective text never needs one; a cited sentence may (its quote is checked).
_CONTACT = re.compile(r"https?://|www\.|[\w.+-]+@[\w-]+\.[\w.]+|\d[\d\- ]{6,}\d")
MARKER = re.compile(r"\[\d+\]")


_MARKED = re.compile(f"((?:{MARKER.pattern})+)")


def marked_sentences(text: str) -> list[tuple[str, int]]:
    """Each sentence of a composed answer (…。[1][2]…) with the first marker that cites it."""
    parts = _MARKED.split(text)
    return [(s, int(MARKER.search(m).group(0)[1:-1])) for s, m in zip(parts[::2], parts[1::2])]


def without_markers(text: str) -> str:
    """An answer's text without its citation markers ([1], [2]…)."""
    return MARKER.sub("", text)


def _drop_uncited_contacts(answer: str) -> str:
    """The answer without any sentence that carries a link or contact detail but no citation marker."""
    kept = [
        answer[s:e]
        for s, e in split_sentences(answer)
        if MARKER.search(answer[s:e]) or not _CONTACT.search(answer[s:e])
    ]
    return "".join(kept).strip() if kept else answer
