"""Scoring answers against gold questions, the same way ../shared/corpus/score.py does.

Kept in step with score.py (the judge's scorer) so that `python -m kb eval`
agrees with it; a test checks the two on the same answers file.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

_WS = re.compile(r"\s+")
_PUNCT_TITLE = re.compile(r"[\s“”\"'‘’·•、，,。:：]")


def norm(s: str) -> str:
    return _WS.sub("", s or "")


def bigram_recall(gold: str, text: str) -> float:
    g = norm(gold)
    grams = [g[i : i + 2] for i in range(len(g) - 1)] or ([g] if g else [])
    if not grams:
        return 0.0
    t = norm(text)
    return sum(1 for b in grams if b in t) / len(grams)


_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_RUN = re.compile("[零〇一二两三四五六七八九十百千]+")
_CN_PERCENT = re.compile("百分之([零〇一二两三四五六七八九十百千]+)(?:点([零〇一二三四五六七八九]+))?")


def _cn_int(run: str) -> str:
    """A run of Chinese numerals as Arabic digits: 一百一十四 -> 114, 二〇三五 -> 2035, 十八 -> 18."""
    if not any(c in _CN_UNIT for c in run):
        return "".join(str(_CN_DIGIT[c]) for c in run)
    total, digit = 0, None
    for c in run:
        if c in _CN_DIGIT:
            digit = _CN_DIGIT[c]
        else:
            total += (1 if digit is None else digit) * _CN_UNIT[c]
            digit = None
    return str(total + (digit or 0))


def num_form(s: str) -> str:
    """Numbers in one written form (八百三十二 = 832, 百分之十八点五 = 18.5%), as score.py compares answers."""
    s = unicodedata.normalize("NFKC", s or "")
    s = _CN_PERCENT.sub(lambda m: _cn_int(m.group(1)) + ("." + _cn_int(m.group(2)) if m.group(2) else "") + "%", s)
    return _CN_RUN.sub(lambda m: _cn_int(m.group(0)), s)


def answer_recall(gold: str, answer: str) -> float:
    """The gold answer's char-bigram recall in the answer, numbers in one form on both sides."""
    return bigram_recall(num_form(gold), num_form(answer))


def _pieces(quote: str, doc: str) -> list[int]:
    q, out, i = norm(quote), [], 0
    while i < len(q):
        lo, hi = 0, len(q) - i
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if q[i : i + mid] in doc:
                lo = mid
            else:
                hi = mid - 1
        if lo == 0:
            return [*out, 0]
        out.append(lo)
        i += lo
    return out


def is_verbatim(quote: str, doc: str) -> bool:
    """Quote found in the normalised doc text in at most 3 pieces of >= 6 chars (re-joined paragraphs)."""
    if not norm(quote):
        return False
    p = _pieces(quote, doc)
    return len(p) <= 3 and all(n >= 6 for n in p[:-1]) and p[-1] > 0 and (len(p) == 1 or p[-1] >= 6)


def load_texts(folder: Path) -> dict[str, str]:
    """Document texts by file name: `X.pdf.txt` holds the text of X.pdf."""
    out: dict[str, str] = {}
    for p in folder.glob("*.txt"):
        text = p.read_text(encoding="utf-8")
        out[p.name] = text
        if p.name.count(".") > 1:
            out[p.name[: -len(".txt")]] = text
    return out


def _doc_text(source: str, texts: dict[str, str]) -> str | None:
    name = Path(str(source)).name
    if name in texts:
        return texts[name]
    return next((v for k, v in texts.items() if k in str(source)), None)


def score_row(q: dict[str, Any], a: dict[str, Any] | None, texts: dict[str, str], alltext: str) -> dict[str, Any]:
    """One question's outcome."""
    r: dict[str, Any] = {"id": q["id"], "doc": q.get("doc") or "NOT_IN_KB"}
    r["kind"] = "refuse" if q["answer"] == "NOT_IN_KB" else "answer"
    r["titled"] = bool(q.get("title")) and r["kind"] == "answer"
    if a is None:
        r["missing"] = True
        return r
    r["latency_ms"] = a.get("latency_ms")
    refused = bool(a.get("refused"))
    r["refused"] = refused
    cits = a.get("citations") or []
    if r["kind"] == "refuse":
        r["ok"] = refused
        return r
    ev = norm(q["evidence"])
    passages = [norm(c.get("passage") or c.get("quote") or "") for c in cits]
    joined = "".join(passages)
    holders = [c for c, p in zip(cits, passages) if ev and ev in p]
    r["evidence"] = (not refused) and holds_evidence(q["evidence"], joined)
    r["answer_hit"] = (not refused) and answer_recall(q["answer"], a.get("answer", "")) >= 0.7
    verb = []
    for c in cits:
        doc = _doc_text(c.get("source", ""), texts)
        verb.append(is_verbatim(c.get("quote", ""), norm(doc) if doc else norm(alltext)))
    r["verbatim"] = verb
    r["n_citations"] = len(cits)
    r["answer_chars"] = len(norm(a.get("answer", "")))
    if q.get("title"):
        key = _PUNCT_TITLE.sub("", q["title"])
        r["attribution"] = any(_PUNCT_TITLE.sub("", c.get("title") or "") == key for c in holders)
    return r


def holds_evidence(evidence: str, text: str) -> bool:
    """Whether `text` holds the gold evidence, as score.py decides it for the cited passages."""
    ev, t = norm(evidence), norm(text)
    return ev in t or (bigram_recall(ev, t) >= 0.9 and bool(t))


# Where an answerable question fails, in the order the answerer could have gone wrong.
FAILURES = ["refused", "other_document", "other_passage", "split_passage", "wrong_sentence"]


def failure(
    q: dict[str, Any], a: dict[str, Any], row: dict[str, Any], gold_passages: Callable[[], list[str]]
) -> str | None:
    """Why an answerable question missed (one of FAILURES), or None when its evidence was cited and its answer hit.

    `gold_passages` gives (read only when needed) the texts of the gold document's passages in the knowledge base, to
    tell a cited passage
    that is the wrong one of the right document (`other_passage`) from evidence that chunking cut across two
    passages, so that no single passage can hold it (`split_passage`). `wrong_sentence`: the evidence was cited,
    but the answer quotes other sentences of it. Tuning reads these counts to see which part to work on.
    """
    if row["kind"] != "answer" or row.get("missing"):
        return None
    if row["refused"]:
        return "refused"
    if row["evidence"]:
        return None if row["answer_hit"] else "wrong_sentence"
    gold = Path(str(q.get("doc") or "")).name
    if not any(Path(str(c.get("source", ""))).name == gold for c in a.get("citations") or []):
        return "other_document"
    if any(holds_evidence(q["evidence"], p) for p in gold_passages()):
        return "other_passage"
    return "split_passage"


def summarize(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Metrics over rows, named as score.py names them."""
    ans = [r for r in rows if r["kind"] == "answer" and not r.get("missing")]
    ref = [r for r in rows if r["kind"] == "refuse" and not r.get("missing")]
    n_ans = sum(1 for r in rows if r["kind"] == "answer")
    n_ref = sum(1 for r in rows if r["kind"] == "refuse")
    quotes = [v for r in ans for v in r["verbatim"]]
    m: dict[str, float] = {"questions": len(rows), "missing": sum(1 for r in rows if r.get("missing"))}
    if n_ans:
        m["evidence"] = sum(r["evidence"] for r in ans) / n_ans
        m["answer_hit"] = sum(r["answer_hit"] for r in ans) / n_ans
        m["verbatim"] = sum(quotes) / len(quotes) if quotes else 0.0
        m["false_refusal"] = sum(r["refused"] for r in ans) / n_ans
    if n_ref:
        m["refusal"] = sum(r["ok"] for r in ref) / n_ref
    if ans:
        m["answer_chars_p50"] = statistics.median(r["answer_chars"] for r in ans)
    attr = [r for r in ans if "attribution" in r]
    n_attr = sum(1 for r in rows if r.get("titled"))  # score.py counts a missing answer as not attributed
    if n_attr:
        m["attribution"] = sum(r["attribution"] for r in attr) / n_attr
    lat = sorted(r["latency_ms"] for r in rows if isinstance(r.get("latency_ms"), (int, float)))
    if lat:
        m["p50_ms"] = statistics.median(lat)
        m["p95_ms"] = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
    return m


def evaluate(gold: list[dict[str, Any]], answers: dict[str, dict[str, Any]], texts: dict[str, str]):
    """Overall metrics, metrics per document, and the rows."""
    alltext = "\n".join(texts.values())
    rows = [score_row(q, answers.get(q["id"]), texts, alltext) for q in gold]
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_doc[r["doc"]].append(r)
    return summarize(rows), {d: summarize(rs) for d, rs in sorted(by_doc.items())}, rows


def format_metrics(m: dict[str, float]) -> str:
    return " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in m.items())
