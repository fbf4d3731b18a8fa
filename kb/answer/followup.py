"""Follow-up questions made standalone: "那预备党员呢？" after "党员有哪些权利？" → "预备党员有哪些权利？".

Retrieval sees one question at a time, so a follow-up that leans on the
conversation ("这个工程是谁提出的？") is rewritten first. Without an LLM a few
rules cover the common shapes of Chinese follow-ups:

* a demonstrative with a head noun ("这个工程", "该条例") takes the nearest phrase
  ending in that noun from the conversation, preferring a quoted name
  ("“动力党建·合力攻坚”工程");
* a bare pronoun ("它", "其") takes the topic of the previous question;
* an elliptic "那X呢？" puts X in the place of the previous question's topic: the word X
  narrows ("党员" → "预备党员"); else, in "A的B", A when X names a who or a where (上海 for 北京)
  and B when X names a thing and A a who or a when ("党员的权利有哪些？" → "那义务呢？" → "党员的义务有哪些？");
  with no clear slot both are kept. Finer cases need meaning, not rules: the LLM path.

With an LLM configured, `prompts/rewrite.toml` asks the model instead, and the
rules answer whenever the model is unreachable or returns nothing usable.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from kb.answer.citations import without_markers
from kb.store.tokenize import tokenize, word_starts

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from kb.answer.prompts import Prompt

log = logging.getLogger(__name__)


@dataclass
class Exchange:
    """One earlier turn as the rewriter sees it: the standalone question and the answer text."""

    question: str
    answer: str = ""


class Rewriter(Protocol):
    """Turns a follow-up into a standalone question, given the earlier turns (oldest first)."""

    def rewrite(self, question: str, history: list[Exchange]) -> str: ...


_DEMONSTRATIVE = r"(?:这个|这项|这一|这些|这种|这条|这份|这部|这次|该|此|上述|前述|那个|那项|那条)"
_DEMO_NOUN = re.compile(_DEMONSTRATIVE + r"([\u4e00-\u9fff]{1,6})")
_PRONOUN = re.compile(r"(它们|它|其|这|那)(?=[^\u4e00-\u9fff]|是|有|的|在|由|为|要|应|能|可|什么|怎么|哪)")
_ELLIPSIS = re.compile(
    r"^(?:那么|那|还有|另外|再问一下)?[，,\s]*(.{1,24}?)(?:呢|又如何|又怎样|怎么样|如何)?[？?。!！\s]*$"
)
_FOLLOWUP_START = re.compile(r"^(?:那么|那|还有|另外)")
_QUESTION_END = re.compile(r"[？?。!！\s]+$")
# Characters after which a phrase before a head noun stops: "开展“X”工程" keeps only the quoted name.
_STOP = set("的在了是和与对把将及为从由向以于并而或、，,。；;：:！!？? ")
_VERBISH = ("开展", "实施", "推进", "提出", "建设", "推动", "打造", "关于", "通过")
_PREDICATE = re.compile(r"是|有|由|在|要|应当|如何|怎么|怎样|为什么|能否|可以")
_ASKING = re.compile(r"什么|哪|多少|几|怎样|如何")
_QUOTED = re.compile(r"[“\"「『《]([^”\"」』》]{1,30})[”\"」』》]$")


def _first_word_match(regex: re.Pattern[str], q: str) -> re.Match[str] | None:
    """The first match that starts a word: 因此, 尤其 and 应该 hold 此, 其 and 该 without pointing back."""
    starts = word_starts(q) | {len(q)}
    # The demonstrative or pronoun itself must be a whole word: 此外 starts with 此 but points nowhere.
    return next(
        (
            m
            for m in regex.finditer(q)
            if m.start() in starts and (m.start(1) if m.re is _DEMO_NOUN else m.end(1)) in starts
        ),
        None,
    )


def _content_tokens(s: str) -> list[str]:
    return [t for t in tokenize(s) if len(t) >= 2 and re.search(r"[\u4e00-\u9fffA-Za-z0-9]", t)]


def _topic(question: str) -> str:
    """The topic of a question: the part before its first 的, or its first content word."""
    q = _QUESTION_END.sub("", question)
    if "的" in q[1:-1]:
        head = q[: q.index("的", 1)]
        if 1 < len(head) <= 20:
            return head
    # "X是谁提出的", "X有哪些内容": the subject before the first predicate.
    if m := _PREDICATE.search(q, 2):
        return q[: m.start()]
    toks = _content_tokens(q)
    return toks[0] if toks else q


def _phrase_before(text: str, end: int) -> str:
    """The name that ends at `end` in `text`: a quoted span if one closes there, else the words back to a stop."""
    if m := _QUOTED.search(text[:end]):
        return m.group(0)
    start = end
    while start > 0 and text[start - 1] not in _STOP and end - start < 12:
        start -= 1
    phrase = text[start:end]
    for v in _VERBISH:
        if v in phrase:
            phrase = phrase[phrase.rindex(v) + len(v) :]
    return phrase


def _antecedent(head: str, history: list[Exchange]) -> str | None:
    """The nearest phrase in the conversation ending in `head`, e.g. "“动力党建·合力攻坚”工程" for 工程."""
    for ex in reversed(history):
        # The answer names the thing ("实施“动力党建·合力攻坚”工程") where the question only asked ("什么工程").
        for text in (ex.answer, ex.question):
            # Markers and spaces are not part of a name.
            text = without_markers(text)
            best = None
            for m in re.finditer(re.escape(head), text):
                before = _phrase_before(text, m.start())
                if before and not _ASKING.search(before) and (best is None or len(before) > len(best)):
                    best = before
            if best:
                return best + head
    return None


def needs_context(question: str) -> bool:
    """True when a question looks like it leans on the conversation (pronoun, demonstrative, or "那…呢")."""
    q = question.strip()
    if _first_word_match(_DEMO_NOUN, q) or _first_word_match(_PRONOUN, q):
        return True
    return bool(_FOLLOWUP_START.match(q)) or (len(q) <= 12 and bool(re.search(r"呢[？?]?$", q)))


class RuleRewriter:
    """Rewrites follow-ups by the rules in the module docstring; a standalone question passes unchanged."""

    def rewrite(self, question: str, history: list[Exchange]) -> str:
        """The standalone form of `question` given `history` (oldest first)."""
        q = " ".join((question or "").split())
        if not history or not q or not needs_context(q):
            return q
        prev = history[-1].question

        # 1. "这个工程" → the nearest "…工程" of the conversation; try the longest head noun first.
        if m := _first_word_match(_DEMO_NOUN, q):
            noun = m.group(1)
            # The nearest turn first; within it the longest head noun ("工程" before "程").
            for ex in reversed(history):
                for n in range(len(noun), 0, -1):
                    if ante := _antecedent(noun[:n], [ex]):
                        return q[: m.start()] + ante + q[m.start() + len(m.group(0)) - len(noun) + n :]

        # 2. "那预备党员呢？" → the previous question with its topic replaced.
        if (_FOLLOWUP_START.match(q) or q.endswith(("呢", "呢？", "呢?"))) and (m := _ELLIPSIS.match(q)):
            new = m.group(1).strip("，, ")
            if new and not _first_word_match(_PRONOUN, new):
                return _replace_topic(prev, new)

        # 3. "它是哪一年通过的？" → the previous topic in place of the pronoun.
        if m := _first_word_match(_PRONOUN, q):
            return q[: m.start()] + _topic(prev) + q[m.end() :]
        return q


# Words that name a who or a where: people, bodies, places (the usual owner in "A的B").
_AGENT_END = (
    "员", "人", "者", "部", "局", "委", "会", "厅", "办", "处", "院", "机关", "组织", "单位", "政府", "企业",
    "公司", "市", "省", "县", "区", "村", "镇", "乡", "党", "国", "干部", "群众", "支部",
)  # fmt: skip
_AGENT_TAGS = {"nr", "ns", "nt", "nrt", "nrfg"}
_WHEN = re.compile(r"(?:\d{4}|[〇一二三四五六七八九]{4})年(?:度)?|今年|去年|明年|上半年|下半年")


def _is_agent(phrase: str) -> bool:
    """Whether a phrase names a person, a body or a place rather than a thing about one."""
    from kb.store.tokenize import pos_tags

    phrase = phrase.strip('“”"《》 ')
    if phrase.endswith(_AGENT_END):
        return True
    tags = [t for w, t in pos_tags(phrase) if w.strip()]
    return bool(tags) and tags[-1] in _AGENT_TAGS


def _replace_topic(prev: str, new: str) -> str:
    """`prev` with `new` standing where its topic stood."""
    # A word of the previous question that the new one narrows ("党员" → "预备党员") is the one to replace.
    for tok in sorted(_content_tokens(prev), key=len, reverse=True):
        if new.endswith(tok) and tok != new:
            return prev.replace(tok, new, 1)
    q = _QUESTION_END.sub("", prev)
    # A 的 at the very end ("…是谁提出的") closes the sentence; it is not the 的 of "A的B".
    if "的" in q[1:-1] and 1 < q.index("的", 1) <= 20:
        de = q.index("的", 1)
        owner = q[:de]
        # "A的B…": a new who or where takes A's place ("北京的…" → "那上海呢？"); a new what takes B's
        # ("党员的权利有哪些？" → "那义务呢？" → "党员的义务有哪些？").
        if not (_is_agent(new) or _WHEN.fullmatch(new)) and (_is_agent(owner) or _WHEN.fullmatch(owner)):
            rest = q[de + 1 :]
            m = _PREDICATE.search(rest) or _ASKING.search(rest)
            if m and m.start() > 0:
                return prev[: de + 1] + new + prev[de + 1 + m.start() :]
        return new + prev[de:]
    # No clear slot: keep both, so retrieval sees the new subject and the question it continues.
    return f"{new}：{prev}"


def _history_text(history: list[Exchange], max_chars: int = 1500) -> str:
    """The recent turns as 问/答 lines for the prompt, newest kept when it is too long."""
    lines: list[str] = []
    for ex in history:
        lines.append(f"问：{ex.question}")
        if ex.answer:
            lines.append("答：" + without_markers(ex.answer)[:300])
    text = "\n".join(lines)
    return text[-max_chars:]


class LLMRewriter:
    """Rewrites follow-ups with a chat model and prompts/rewrite.toml, falling back to the rules."""

    def __init__(self, chat_model: BaseChatModel, prompt: Prompt, fallback: Rewriter | None = None) -> None:
        self.chat = chat_model
        self.prompt = prompt
        self.fallback = fallback or RuleRewriter()

    def rewrite(self, question: str, history: list[Exchange]) -> str:
        """The model's standalone question, or the rule-based one when the model fails or says nothing usable."""
        from langchain_core.messages import HumanMessage, SystemMessage

        from kb.answer.llm_answerer import _endpoint, _unavailable

        q = " ".join((question or "").split())
        if not history or not q:
            return q
        system, user = self.prompt.render(history=_history_text(history), question=q)
        try:
            reply = self.chat.invoke([SystemMessage(system), HumanMessage(user)])
        except Exception as exc:
            if (err := _unavailable(exc, _endpoint(self.chat))) is None:
                raise
            log.warning("LLM rewrite unavailable, using rules: %s", err)
            return self.fallback.rewrite(q, history)
        text = re.sub(r"<think>.*?(?:</think>|$)", "", str(reply.text), flags=re.DOTALL).strip()
        line = next((x.strip() for x in text.splitlines() if x.strip()), "")
        line = re.sub(r"^(?:改写后的问题|问题|问)[:：]\s*", "", line).strip("“”\"'「」 ")
        # A reply that is empty or rambles is not a question: the rules are safer than passing it to retrieval.
        if not line or len(line) > max(3 * len(q), 80):
            return self.fallback.rewrite(q, history)
        return line
