"""Fit the answer model (kb/answer/answer_model.py) on question sets, deterministically.

Two steps, so that the fit can be reproduced without the sets:
1. `extract`: ask every question of each set against that set's knowledge base and record, for every
   candidate sentence, its features and whether it holds the gold answer; and for every question, the
   answerability features with a label. Negatives are NOT_IN_KB questions, and answerable questions asked
   with their gold document hidden from retrieval (`doc_ids`), unless the remaining passages still hold
   the gold answer or evidence (another document states the same fact). The rows go to a gzipped JSONL
   table shipped beside the model (kb/answer/models/training_rows.jsonl.gz).
2. `fit`: logistic regressions on that table (each source weighs the same, each class within it too),
   and the refusal threshold: the highest at which no source's answerable questions are refused more
   often than `max_false_refusal`. A test refits from the shipped table and compares the weights.

`cross_validate` reports the honest figures: fitted on two sources, scored on the third.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.answer.answer_model import MODEL_FILE, AnswerModel, LinearModel
from kb.answer.features import QUESTION_FEATURES, SENTENCE_FEATURES, analyse, question_features
from kb.cli.evaluation import answer_recall, bigram_recall, norm

if TYPE_CHECKING:
    from kb.service import KnowledgeBase

ROWS_FILE = MODEL_FILE.with_name("training_rows.jsonl.gz")
# On the training sources. The target on unseen sets is 0.05 too: fitted on two sources, the false refusal on the
# third was the same at 0.03, 0.04 and 0.05 (0.000 / 0.021 / 0.051–0.054) while its refusal rose with it
# (docs/evaluation.md, session 12).
MAX_FALSE_REFUSAL = 0.05


@dataclass
class QuestionSet:
    """A source of tuning questions: its gold file and the knowledge base its documents are indexed in."""

    name: str
    gold: Path
    kb_dir: Path


def positive(unit: str, gold_answer: str, evidence: str) -> bool:
    """Whether a sentence holds the gold answer: most of the answer, or (for long answers) a part of it."""
    if answer_recall(gold_answer, unit) >= 0.7:
        return True
    u = norm(unit)
    if len(u) >= 10 and len(norm(gold_answer)) > len(u) and bigram_recall(u, gold_answer) >= 0.8:
        return True
    return bool(evidence) and norm(evidence) in u


def _holds_gold(hits: list, q: dict) -> bool:
    joined = "".join(h.chunk.text for h in hits)
    return answer_recall(q["answer"], joined) >= 0.7 or (norm(q["evidence"]) and norm(q["evidence"]) in norm(joined))


def extract_set(kb: KnowledgeBase, qs: QuestionSet, log: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """Candidate-sentence rows and question rows for one set (see the module docstring)."""
    extractive = kb.extractive
    by_source = {d.source: d.doc_id for d in kb.documents()}
    all_ids = list(by_source.values())
    rows: list[dict[str, Any]] = []
    gold = [json.loads(x) for x in qs.gold.read_text(encoding="utf-8").splitlines() if x.strip()]
    skipped = 0
    for q in gold:
        question = q["question"]
        answerable = q["answer"] != "NOT_IN_KB"
        asks = [("visible", None)]
        if answerable and q.get("doc") in by_source:
            asks.append(("hidden", [d for d in all_ids if d != by_source[q["doc"]]]))
        for kind, doc_ids in asks:
            hits = kb.retrieve(question, doc_ids=doc_ids)
            if not hits:
                continue
            if kind == "hidden" and _holds_gold(hits, q):
                skipped += 1
                continue
            qa = analyse(question, extractive.doc_freq)
            cands = extractive.candidates(qa, hits)
            label = 1 if answerable and kind == "visible" else 0
            row: dict[str, Any] = {"set": qs.name, "id": q["id"], "kind": kind, "label": label}
            # Whether the passages the answerer reads hold the gold answer: an answerable question whose
            # evidence retrieval missed teaches the gate nothing about answerability, only about retrieval.
            row["retrieved"] = int(label == 1 and _holds_gold(hits[: extractive.passages], q))
            row["candidates"] = [
                {
                    "rank": c.hit_rank,
                    "f": [round(c.features[n], 5) for n in SENTENCE_FEATURES],
                    "y": int(
                        label == 1
                        and hits[c.hit_rank].chunk.source == q.get("doc")
                        and positive(c.text, q["answer"], q["evidence"])
                    ),
                }
                for c in cands
            ]
            # Question features depend on which candidate the ranker puts first, and the hits are gone after
            # extraction: keep each candidate's would-be question features, and let `fit` pick with its ranker.
            cache: dict = {}
            docs = extractive.doc_texts(hits)
            row["question_f"] = [[round(v, 5) for v in _qf(extractive, qa, hits, c, cache, docs)] for c in cands]
            rows.append(row)
    log(
        f"{qs.name}: {len(gold)} questions, {len(rows)} examples, {skipped} hidden-gold negatives skipped "
        "(the gold answer is elsewhere too)"
    )
    return rows


def _qf(extractive: Any, qa: Any, hits: list, best: Any, cache: dict, docs: dict[str, str]) -> list[float]:
    """Question features with `best` as the ranker's first choice; `margin` and `best_logit` are filled in by `fit`."""
    f = question_features(
        qa, hits, (best.hit_rank, best.text, 0.0, best.features["sent_dense"]), 0.0, extractive.passages, cache, docs
    )
    return [f[n] for n in QUESTION_FEATURES]


def write_rows(rows: Iterable[dict[str, Any]], path: Path = ROWS_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same rows give the same bytes, so a retrain that changes nothing changes no file.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        for r in rows:
            f.write((json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))


def read_rows(path: Path = ROWS_FILE) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _weights(rows: list[dict[str, Any]], labels: list[int]) -> list[float]:
    """Each source weighs the same, within it each class, and within the negatives each kind.

    NOT_IN_KB questions (off the corpus's topics) and hidden-gold ones (on topic, document withheld) fail in
    different ways; weighed by count, the few written NOT_IN_KB questions would drown in the hidden ones.
    """
    count: dict[tuple[str, int, str], int] = defaultdict(int)
    kinds: dict[tuple[str, int], set[str]] = defaultdict(set)
    for r, y in zip(rows, labels):
        count[(r["set"], y, r["kind"])] += 1
        kinds[(r["set"], y)].add(r["kind"])
    return [1.0 / (count[(r["set"], y, r["kind"])] * len(kinds[(r["set"], y)])) for r, y in zip(rows, labels)]


def _fit(x: list[list[float]], y: list[int], w: list[float], names: list[str], c: float) -> LinearModel:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    X = np.asarray(x, dtype=float)
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    W = np.asarray(w, dtype=float)
    lr = LogisticRegression(C=c, max_iter=5000, solver="lbfgs")
    lr.fit((X - mean) / scale, np.asarray(y), sample_weight=W / W.mean())
    return LinearModel(names, mean.tolist(), scale.tolist(), lr.coef_[0].tolist(), float(lr.intercept_[0]))


def fit_sentence(rows: list[dict[str, Any]], c: float = 1.0) -> LinearModel:
    """The sentence ranker, on the candidates of answerable questions asked with their documents visible."""
    xs, ys, src = [], [], []
    for r in rows:
        if r["label"] != 1 or not any(cd["y"] for cd in r["candidates"]):
            continue
        for cd in r["candidates"]:
            xs.append(cd["f"])
            ys.append(cd["y"])
            src.append(r)
    return _fit(xs, ys, _weights(src, ys), SENTENCE_FEATURES, c)


def question_rows(rows: list[dict[str, Any]], ranker: LinearModel) -> list[list[float]]:
    """Each example's question features, with the candidate the ranker puts first as the cited one."""
    out = []
    m = QUESTION_FEATURES.index("margin")
    b = QUESTION_FEATURES.index("best_logit")
    for r in rows:
        logits = [ranker.logit(dict(zip(SENTENCE_FEATURES, cd["f"]))) for cd in r["candidates"]]
        i = max(range(len(logits)), key=lambda k: (logits[k], -k))
        rank = r["candidates"][i]["rank"]
        others = [lg for lg, cd in zip(logits, r["candidates"]) if cd["rank"] != rank]
        f = list(r["question_f"][i])
        f[b] = max(-10.0, min(10.0, logits[i]))
        f[m] = max(-10.0, min(10.0, logits[i] - (max(others) if others else logits[i] - 5.0)))
        out.append(f)
    return out


def fit_answerable(rows: list[dict[str, Any]], ranker: LinearModel, c: float = 0.02) -> LinearModel:
    """Answer or refuse, fitted on answerable questions whose evidence was retrieved against unanswerable ones."""
    rows = [r for r in rows if r["label"] == 0 or r.get("retrieved", 1)]
    x = question_rows(rows, ranker)
    y = [r["label"] for r in rows]
    return _fit(x, y, _weights(rows, y), QUESTION_FEATURES, c)


def calibrate(rows: list[dict[str, Any]], probs: list[float], max_false_refusal: float = MAX_FALSE_REFUSAL) -> float:
    """The highest threshold at which no source refuses more than `max_false_refusal` of its answerable questions."""
    by_set: dict[str, list[float]] = defaultdict(list)
    for r, p in zip(rows, probs):
        if r["label"] == 1:
            by_set[r["set"]].append(p)
    t = 1.0
    for ps in by_set.values():
        ps = sorted(ps)
        k = math.floor(max_false_refusal * len(ps))  # this many may fall below the threshold
        t = min(t, ps[k] - 1e-6 if k < len(ps) else 0.0)
    return max(t, 0.0)


def fit(rows: list[dict[str, Any]], max_false_refusal: float = MAX_FALSE_REFUSAL) -> AnswerModel:
    """Both models and the threshold from the training rows."""
    ranker = fit_sentence(rows)
    answerable = fit_answerable(rows, ranker)
    probs = [answerable.prob(dict(zip(QUESTION_FEATURES, f))) for f in question_rows(rows, ranker)]
    sets = sorted({r["set"] for r in rows})
    meta = {
        "sets": sets,
        "examples": len(rows),
        "max_false_refusal": max_false_refusal,
    }
    return AnswerModel(ranker, answerable, calibrate(rows, probs, max_false_refusal), meta)


def evaluate_model(model: AnswerModel, rows: list[dict[str, Any]]) -> dict[str, float]:
    """Top-1 sentence accuracy, refusal and false refusal of the model on rows (no retrieval rerun)."""
    qf = question_rows(rows, model.sentence)
    pos = [r for r in rows if r["label"] == 1]
    neg = [r for r in rows if r["label"] == 0]
    top1 = 0
    for r in pos:
        logits = [model.sentence.logit(dict(zip(SENTENCE_FEATURES, cd["f"]))) for cd in r["candidates"]]
        i = max(range(len(logits)), key=lambda k: (logits[k], -k))
        top1 += r["candidates"][i]["y"]
    refused = [model.answerable.prob(dict(zip(QUESTION_FEATURES, f))) < model.threshold for f in qf]
    written = [x for r, x in zip(rows, refused) if r["label"] == 0 and r["kind"] == "visible"]
    hidden = [x for r, x in zip(rows, refused) if r["label"] == 0 and r["kind"] == "hidden"]
    return {
        "answerable": len(pos),
        "unanswerable": len(neg),
        "top1_sentence": top1 / max(len(pos), 1),
        "refusal": sum(x for r, x in zip(rows, refused) if r["label"] == 0) / max(len(neg), 1),
        "refusal_not_in_kb": sum(written) / len(written) if written else float("nan"),
        "refusal_hidden": sum(hidden) / len(hidden) if hidden else float("nan"),
        "false_refusal": sum(x for r, x in zip(rows, refused) if r["label"] == 1) / max(len(pos), 1),
    }


def cross_validate(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """For each source: fitted (with threshold) on the others, scored on it."""
    out: dict[str, dict[str, float]] = {}
    sets = sorted({r["set"] for r in rows})
    if len(sets) < 2:
        return out  # nothing to fit on when the only source is held out
    for held in sets:
        train = [r for r in rows if r["set"] != held]
        test = [r for r in rows if r["set"] == held]
        out[held] = evaluate_model(fit(train), test)
    return out


def weights_table(model: AnswerModel) -> str:
    """Both models' standardised weights as Markdown, largest first (docs/evaluation.md shows it)."""
    lines = []
    for title, m in (("sentence ranker", model.sentence), ("answerability", model.answerable)):
        lines += [f"| {title} feature | weight |", "|---|---|", f"| (intercept) | {m.intercept:+.3f} |"]
        for name, c in sorted(zip(m.names, m.coef), key=lambda x: -abs(x[1])):
            lines.append(f"| `{name}` | {c:+.3f} |")
        lines.append("")
    lines.append(f"Refusal threshold on the answerability probability: {model.threshold:.3f}.")
    return "\n".join(lines)
