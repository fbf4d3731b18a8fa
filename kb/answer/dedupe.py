"""Near-identical passages collapsed at answer time, so one sentence is never cited as both [1] and [2].

Identical files are refused at ingest (`ingest.pipeline.same_content_as`), but a PDF that repeats the
pages of another document, or two versions of a notice, still put the same passage in the index twice.
"""

from __future__ import annotations

import re

from kb.types import Hit

# Above this share of shared character 4-grams two passages say the same thing (a reprint with other
# punctuation, line breaks or a changed date); genuinely different articles of one law share far fewer.
NEAR_DUPLICATE = 0.85
_NOISE = re.compile(r"[\s\W_]+")


def shingles(text: str, n: int = 4) -> frozenset[str]:
    t = _NOISE.sub("", text)
    if len(t) <= n:
        return frozenset({t}) if t else frozenset()
    return frozenset(t[i : i + n] for i in range(len(t) - n + 1))


def near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when two passages' shingles overlap by NEAR_DUPLICATE of the smaller (containment, not Jaccard:
    a page repeated inside a longer chunk is still the same words)."""
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= NEAR_DUPLICATE


def collapse_near_duplicates(hits: list[Hit]) -> list[Hit]:
    """The hits in order, without any passage that nearly repeats a better-ranked one."""
    kept: list[Hit] = []
    seen: list[frozenset[str]] = []
    for hit in hits:
        sh = shingles(hit.chunk.text)
        if any(near_duplicate(sh, other) for other in seen):
            continue
        kept.append(hit)
        seen.append(sh)
    return kept
