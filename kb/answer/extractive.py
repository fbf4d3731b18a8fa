"""The default answerer: no LLM, the answer is composed of retrieved sentences.

It ranks the sentences of the top passages with a learned model, quotes the best with citations, and
refuses when a second learned model says the evidence does not answer the question (kb/answer/answer_model.py,
features in kb/answer/features.py, trained by `python -m kb train`). Everything it says is verbatim from a
stored passage, so it cannot invent a number; its weakness is that it cannot paraphrase.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from kb.answer.age_group_check import label as age_label
from kb.answer.age_group_check import misses_age_group
from kb.answer.answer_model import AnswerModel
from kb.answer.batch_check import batch_missing, issue_missing, level_missing
from kb.answer.bearer_check import asked_act, says_who
from kb.answer.citations import make_citation, marked_sentences, without_markers
from kb.answer.dedupe import near_duplicate, shingles
from kb.answer.deferral_check import deferred_asked
from kb.answer.features import (
    FIGURE_NAMES,
    DocFreq,
    Question,
    analyse,
    as_of_another_day,
    asked_figures,
    asked_shorthand,
    asks_taking_effect,
    bigram_share,
    change_off_subject,
    contact_answer_shape,
    contact_qualifiers,
    context,
    counted_figure_test,
    counted_noun,
    counts_asked,
    coverage,
    date_off_event,
    dated_thing,
    figure_of_opposite,
    figure_off_subject,
    figure_subject,
    holds,
    holds_key,
    increment_missing,
    is_heading,
    is_title_line,
    lacks_asked_figure,
    lacks_shorthand_content,
    lists_contact_of,
    names_another_of,
    novelty,
    per_unit_missing,
    period_of_another,
    question_features,
    question_terms,
    range_missing,
    says_how_figure_is_asked,
    sentence_features,
    states_change_of,
    states_each_count,
    states_own_effect,
    timed_noun,
)
from kb.answer.limit_check import asks_limit, states_limit
from kb.answer.list_check import asked_count, lists_too_few
from kb.answer.name_check import asked_name, gives_name
from kb.answer.named_document import missing_law
from kb.answer.numbers import small_number
from kb.answer.ordinal_check import asked_ordinal, states_ordinal
from kb.answer.period_check import another_month, another_period, question_month, question_period
from kb.answer.period_check import label as period_label
from kb.answer.person_check import asked_post, asked_post_of, names_holder, states_post_of
from kb.answer.place_check import (
    asks_place,
    gives_place,
    of_another_place,
    question_places,
    sentences_of_another_place,
)
from kb.answer.sanction_check import answers_sanction, asked_breach, asks_sanction
from kb.answer.sentence_similarity import SentenceSimilarity
from kb.answer.sentences import dateline_length, read_form, sentences, split_sentences, without_datelines
from kb.answer.terms import KeyTerm
from kb.answer.verdict import asked_yes_no, verdict
from kb.answer.year_check import another_year, question_year
from kb.answer.yes_no import asked_predicate, speaks_of
from kb.settings import AnswerSettings
from kb.types import Answer, Chunk, Citation, Hit

__all__ = ["REFUSAL_TEXT", "ExtractiveAnswerer", "Candidate", "Decision", "question_terms"]

REFUSAL_TEXT = "知识库中没有找到能回答这个问题的内容。"
_CLAUSE_END = re.compile(r"[。！？!?]")
_SENTENCE_BREAK = re.compile(r"[。！？!?\n]")
# Before a document's first sentence (`_opens_document`): a headline or dateline ends with none of these.
_SENTENCE_END_BEFORE = re.compile(r"[。！？!?；;]")
# Where a long sentence may be cut: after a clause, or at a space, which in flattened notices stands for a line break
# (…热线：12366 （二）系统服务电话 …: items run on with no punctuation at all).
_CLAUSE = re.compile(r"[，,；;：:]|\s+(?=\S)")
_HOW = re.compile(r"怎么|如何|怎样|什么|哪些")
# A legal article states a condition and its consequence in parallel clauses (…的，给予警告；情节较重的，…),
# and a lead-in ending in ： is followed by its list: the next clause belongs to the answer.
_CONDITION = re.compile(r"^[^，。]{2,40}的[，,]")


@dataclass
class Candidate:
    """A sentence (or clause run) of a top passage, with the ranker's features and logit."""

    hit_rank: int
    start: int
    end: int
    text: str
    features: dict[str, float] = field(default_factory=dict)
    logit: float = 0.0


@dataclass
class Decision:
    """What the answerer concluded: ranked candidates, the answerability features and probability."""

    question: Question
    candidates: list[Candidate]
    features: dict[str, float]
    p_answerable: float
    answer: bool


class ExtractiveAnswerer:
    """Answers by quoting the best sentences of the retrieved passages."""

    def __init__(
        self,
        cfg: AnswerSettings,
        doc_freq: DocFreq,
        model: AnswerModel | None = None,
        similarity: SentenceSimilarity | None = None,
        doc_text: Callable[[str], str] | None = None,
        passages: int = 4,
        next_chunk: Callable[[Chunk], Chunk | None] | None = None,
    ) -> None:
        self.cfg = cfg
        self.doc_freq = doc_freq
        self.model = model or AnswerModel.load()
        # Without an embedder (hand-made passages in unit tests), a sentence inherits its passage's dense score.
        self.similarity = similarity
        # The whole text of a document by doc_id, for key terms stated once at its head (None: the passage only).
        self.doc_text = doc_text
        self.passages = passages
        # The passage after a chunk in its document, for an answer that reads on past its passage's end (None:
        # never, as for hand-made passages in unit tests).
        self.next_chunk = next_chunk

    # -- candidates and decision -------------------------------------------------------

    def candidates(self, q: Question, hits: list[Hit]) -> list[Candidate]:
        """Every answer-sized span of the top passages with its features, unranked."""
        top_score = max((h.score for h in hits[: self.passages]), default=0.0)
        out: list[Candidate] = []
        for rank, h in enumerate(hits[: self.passages]):
            text = h.chunk.text
            for s, e in units(text):
                u = text[s:e]
                out.append(Candidate(rank, s, e, u, sentence_features(q, h, rank, u, s, top_score)))
        self._embed_sentences(q.text, out, hits)
        return out

    def _embed_sentences(self, question: str, cands: list[Candidate], hits: list[Hit]) -> None:
        """`sent_dense` for the likeliest candidates (a word-overlap pre-score picks them), to bound the cost."""
        if not cands:
            return
        if self.similarity is None:
            for c in cands:
                c.features["sent_dense"] = hits[c.hit_rank].dense
                c.features["sent_dense_gap"] = 0.0
            return
        pre = sorted(cands, key=lambda c: -(c.features["cov"] + 0.5 * c.features["bigram"]))
        head = pre[: self.cfg.embed_sentences]
        sims = self.similarity.scores(question, [c.text for c in head])
        top, low = max(sims), min(sims)
        for c, v in zip(head, sims):
            c.features["sent_dense"] = v
            c.features["sent_dense_gap"] = v - top
        for c in pre[len(head) :]:
            c.features["sent_dense"] = low
            c.features["sent_dense_gap"] = low - top

    def doc_texts(self, hits: list[Hit]) -> dict[str, str]:
        """The whole text of each top passage's document (empty without a `doc_text` source)."""
        if self.doc_text is None:
            return {}
        return {d: self.doc_text(d) for d in dict.fromkeys(h.chunk.doc_id for h in hits[: self.passages])}

    def _documents(self, hits: list[Hit]) -> Iterator[tuple[str, str]]:
        """(title and headings, whole text) of each top passage's document; its passages' text without a `doc_text`.
        Lazy: most questions name no law, and `missing_law` reads none then."""
        texts = self.doc_texts(hits)
        out: dict[str, tuple[str, str]] = {}
        for h in hits[: self.passages]:
            title, text = out.get(h.chunk.doc_id, (context(h.chunk), ""))
            out[h.chunk.doc_id] = (title, texts.get(h.chunk.doc_id) or f"{text} {h.chunk.text}")
        yield from out.values()

    def _cited_documents(self, hits: list[Hit], citations: list[Citation]) -> Iterator[tuple[str, str]]:
        """(title and headings, whole text) of each document an answer cites; its cited passage without a
        `doc_text` source. Lazy: most questions name no numbered issue."""
        cited = {c.chunk_id for c in citations}
        seen: set[str] = set()
        for h in hits:
            if h.chunk.chunk_id in cited and h.chunk.doc_id not in seen:
                seen.add(h.chunk.doc_id)
                text = self.doc_text(h.chunk.doc_id) if self.doc_text is not None else ""
                yield context(h.chunk), text or h.chunk.text

    def rank(self, cands: list[Candidate]) -> list[Candidate]:
        for c in cands:
            c.logit = self.model.sentence.logit(c.features)
        return sorted(cands, key=lambda c: c.logit, reverse=True)

    def decide(self, question: str, hits: list[Hit], documents: int | None = None) -> Decision:
        """Rank the candidate sentences and decide whether they answer the question.

        `documents`: how many documents the search could draw from (None: not known, taken as many).
        """
        q = analyse(question, self.doc_freq)
        ranked = self.rank(self.candidates(q, hits))
        if not ranked:
            return Decision(q, [], {}, 0.0, False)
        by_model = ranked
        ranked = self._contact_first(question, hits, ranked)
        docs = self.doc_texts(hits)
        feats, p = self._answerability(q, hits, ranked, docs, documents)
        if ranked[0] is not by_model[0]:
            # The contact sentence put first may be a fragment the model scores low (邮箱：huoyunchu@163.com）, cut at
            # the ； after 联系人：…): whether the passages answer is judged on the model's own best too, and the
            # likelier judgement holds; the contact check still needs the detail in what is quoted.
            own_feats, own_p = self._answerability(q, hits, by_model, docs, documents)
            if own_p > p:
                feats, p = own_feats, own_p
        # Structural, not learned: the question names a specific thing, or asks for a contact detail, that no
        # retrieved document holds in any form (see AnswerSettings.key_term_veto).
        vetoed = self.cfg.key_term_veto and (feats.get("kt_strong_top", 0.0) > 0 or feats["contact_missing"] > 0)
        return Decision(q, ranked, feats, p, p >= self.model.threshold and not vetoed)

    def _answerability(
        self, q: Question, hits: list[Hit], ranked: list[Candidate], docs: dict[str, str], documents: int | None
    ) -> tuple[dict[str, float], float]:
        """The question's features with `ranked[0]` as the best sentence, and the model's probability of an answer."""
        best = ranked[0]
        second = next((c.logit for c in ranked if c.hit_rank != best.hit_rank), best.logit - 5.0)
        feats = question_features(
            q,
            hits,
            (best.hit_rank, best.text, best.logit, best.features["sent_dense"]),
            second,
            self.passages,
            None,
            docs,
        )
        if documents is not None and documents < self.cfg.doc_share_min_documents:
            # The hits gather in the cited document because the scope (a person's choice of one document, a
            # knowledge base of one or two) leaves nowhere else: that says nothing about whether it holds the answer.
            feats["doc_share"] = self.model.answerable.neutral("doc_share")
        return feats, self.model.answerable.prob(feats)

    def _contact_first(self, question: str, hits: list[Hit], ranked: list[Candidate]) -> list[Candidate]:
        """For a question asking a contact detail (举报电话是多少), the likeliest sentences giving one in its form
        first. A notice names its hotline in the sentence that matches the question best (开通热线电话，受理…) and
        gives the numbers in a list after it; ranked second, the list was never read, and the model, deciding on the
        sentence without a number, refused. Only the best sentence's document counts, another's number being another
        body's, and only a sentence naming the kind asked (预约 of 预约电话, 举报 of 举报电话): the same notice's
        办税服务厅热线 is not its 预约电话."""
        contact = contact_answer_shape(question) if self.cfg.contact_check else None
        if contact is None or not ranked:
            return ranked
        which = contact_qualifiers(question)

        def gives(c: Candidate) -> bool:
            # Its sentence so far counts: a list of numbers runs on after the name (咨询电话：古老师：…；杜老师：…).
            said = _SENTENCE_BREAK.split(hits[c.hit_rank].chunk.text[: c.start])[-1] + c.text
            return bool(contact[1].search(c.text)) and all(holds(w, said) for w in which)

        giving = _in_best_document(hits, ranked, self.cfg.contact_candidates, gives)
        return giving + [c for c in ranked if c not in giving] if giving else ranked

    def _listed_contact(self, question: str, hits: list[Hit], ranked: list[Candidate]) -> list[Candidate]:
        """The first `contact_candidates` sentences of the best one's document that list an asked place's own contact
        detail in the asked form (kb/answer/features.py `lists_contact_of`); none unless a contact and a place are
        asked."""
        contact = contact_answer_shape(question)
        places = question_places(question) if contact is not None and ranked else []
        if not places:
            return []
        return _in_best_document(
            hits, ranked, self.cfg.contact_candidates, lambda c: lists_contact_of(c.text, places, contact[1])
        )

    # -- answering ---------------------------------------------------------------------

    def answer(
        self, question: str, hits: list[Hit], documents: int | None = None, searched: str | None = None
    ) -> Answer:
        """A short cited answer, or a refusal when the passages do not hold one (`documents`: as `decide`'s).

        `searched`: the question as it was searched, without the name of the document it is confined to
        (kb/answer/routing.py `Router.unnamed`). The sentences are ranked and the answer decided on it: in the
        named document every sentence lacks the name, so counting it would hold the answer against each; the
        checks read the question as asked.
        """
        if not hits:
            return Answer(question=question, text=REFUSAL_TEXT, refused=True)
        # "1", "第", "[1]": one character matches everything and means nothing.
        if not any(len(t) >= 2 for t in question_terms(question)):
            return _refused(question, hits)
        d = self.decide(searched or question, hits, documents)
        if not d.answer and searched is not None and searched != question and self.cfg.effect_date_check:
            # A question naming a rule and asking when it takes effect (政务处分法是从哪一天开始施行的): with the name
            # taken out, little is left but how the date is asked, which the model reads as no topic at all. The
            # rule's own clause of effect (本法自2020年7月1日起施行) answers it; a rule the knowledge base lacks was
            # refused by its name before (kb/answer/routing.py).
            own = [c for c in d.candidates if states_own_effect(c.text)] if asks_taking_effect(question) else []
            if own:
                d = replace(d, candidates=own + [c for c in d.candidates if c not in own], answer=True)
        if not d.answer and self.cfg.contact_check:
            # A contact asked for a place (湖南…问题线索受理电话里，株洲的号码是多少) that a list in the best sentence's
            # document gives it (株洲：0731-28682120): the model, reading a run of numbers of many places, refuses.
            listed = self._listed_contact(question, hits, d.candidates)
            if listed:
                d = replace(d, candidates=listed + [c for c in d.candidates if c not in listed], answer=True)
        if not d.answer:
            return _refused(question, hits)
        # A law or rule the question names (民法典, 监察法实施条例) that none of the passages' documents is or holds: the
        # nearest one's rule is not the named one's (kb/answer/named_document.py).
        law = missing_law(question, self._documents(hits)) if self.cfg.law_check else None
        if law is not None:
            return _refused(question, hits, f"最相关的段落出自其他文件，知识库中没有所问的{law}。")
        # The checks read the answer without the sentence a lede lets in (`_after_lede`): a sentence let in only
        # because the best one restates the topic does not make the answer hold what a check looks for. The answer
        # given is composed again with it only when the best sentence opens its document.
        ranked = d.candidates
        answer = self.compose(question, hits, ranked, d.question, widen=False)
        # A question asking who holds a post, whether something holds, or what sanction follows a breach, answered by
        # sentences that do not say it: the likeliest of the first few that does answers it, or none does.
        best = hits[ranked[0].hit_rank].chunk
        for said, tells, limit, reason in self._looked_for(question, best.doc_title or best.title):
            if tells(said(answer)):
                continue
            # Else the deeper search of the best one's document (`own_document_candidates`).
            chosen = [c for c in d.candidates[:limit] if tells(c.text)] or _in_best_document(
                hits, d.candidates, self.cfg.own_document_candidates, lambda c: tells(c.text)
            )
            if not chosen:
                return _refused(question, hits, reason)
            ranked = chosen
            # What the chosen sentence reads on into need not pass the test itself (决定给予…开除党籍处分； then
            # 由…监委给予其开除公职处分；): it is read from every candidate.
            answer = self.compose(question, hits, ranked, d.question, widen=False, context=d.candidates)
        quoted = _quoted(answer)
        # A question asking for a detail the best sentence puts off (恢复时间另行通知, 名单见附件): the
        # sentence itself says the knowledge base does not hold it, the plainest reason to give (so it goes first).
        best = d.candidates[0].text
        deferred = deferred_asked(best, question) if self.cfg.deferral_check else None
        # Unless it gives the deadline asked beside what it defers (原定于2月15日前进行的开庭…延期，延期后的开庭时间
        # 另行通知, asked 原定哪天之前的开庭要延期): a notice defers the new date of what it puts off, not the old one.
        if deferred is not None and "deadline" in asked_figures(question):
            deferred = deferred if lacks_asked_figure(best.replace(deferred, ""), question) else None
        if deferred is not None:
            reason = f"最相关的段落只说“{deferred}”，没有给出所问的内容。"
            return _refused(question, hits, reason)
        # A contact detail asked (举报电话是多少) and none in the sentences: the passage names the hotline, not its number
        # (before the figure checks, whose 多少 it also is).
        contact = contact_answer_shape(question) if self.cfg.contact_check else None
        if contact is not None and not contact[1].search(quoted):
            reason = f"最相关的段落没有给出所问的{contact[0]}。"
            return _refused(question, hits, reason)
        # Structural, like the veto: a how-many question whose best sentences state no quantity (or none in the unit it
        # names), or a when question they give no date, is about a figure the knowledge base does not give
        # (男性公务员到多少岁退休 → 达到国家规定的退休年龄的，应当退休). The model cannot learn it: the sources'
        # unanswerable questions seldom ask for one (AnswerSettings.quantity_check).
        if self.cfg.quantity_check and lacks_asked_figure(quoted, question):
            # Unless a sentence just below, of the same document, states it (naming what is counted, for a count).
            below = self._figure_below(question, hits, d.candidates)
            if below:
                ranked = below
                answer = self.compose(question, hits, ranked, d.question, widen=False)
                quoted = _quoted(answer)
            if not below or lacks_asked_figure(quoted, question):
                kinds = "、".join(FIGURE_NAMES[k] for k in sorted(asked_figures(question))) or "数字"
                reason = f"最相关的段落没有给出所问的{kinds}。"
                return _refused(question, hits, reason)
        # A time asked of a thing named (收费期限是多长): when no quoted sentence states it naming that thing (the
        # approval's dated title line ranks above), a lower one of the same document doing both answers (三、收费期限为30年).
        timed = timed_noun(question) if self.cfg.quantity_check else None
        if timed is not None and not any(
            holds(timed, s) and not lacks_asked_figure(s, question) for s in sentences(quoted)
        ):
            named = _in_best_document(
                hits,
                d.candidates,
                self.cfg.own_document_candidates,
                lambda c: holds(timed, c.text) and not lacks_asked_figure(read_form(c.text), question),
            )
            if named:
                # Read on among all the candidates: the law's next sentence may answer the question's next part.
                ranked = named
                answer = self.compose(question, hits, ranked, d.question, widen=False, context=d.candidates)
                quoted = _quoted(answer)
        if self.cfg.quantity_check and per_unit_missing(quoted, question):
            reason = "最相关的段落给出的数字不是所问的每人、每户或每月等单位的数。"
            return _refused(question, hits, reason)
        if self.cfg.quantity_check and range_missing(quoted, question):
            return _refused(question, hits, "最相关的段落没有给出所问的变化前后的数。")
        if self.cfg.quantity_check and increment_missing(quoted, question):
            return _refused(question, hits, "最相关的段落给出的是总数或达到的水平，不是所问的增减了多少。")
        if self.cfg.quantity_check and figure_off_subject(quoted, question):
            reason = f"最相关的段落给出的数字说的不是所问的“{figure_subject(question)}”。"
            return _refused(question, hits, reason)
        # Or a named period asked (试用期是多久) answered by another's length (公示期不少于五个工作日).
        period_named = period_of_another(quoted, question) if self.cfg.quantity_check else None
        if period_named is not None:
            reason = f"最相关的段落给出的是“{period_named}”的时长，不是所问的“{timed}”的。"
            return _refused(question, hits, reason)
        as_of = as_of_another_day(quoted, question) if self.cfg.quantity_check else None
        if as_of is not None:
            return _refused(question, hits, f"最相关的段落给出的是“{as_of}”的数字，不是所问那天的。")
        opposite = figure_of_opposite(quoted, question) if self.cfg.quantity_check else None
        if opposite is not None:
            return _refused(question, hits, f"最相关的段落给出的是“{opposite[1]}”的数字，不是所问的“{opposite[0]}”的。")
        changed = change_off_subject(quoted, question, self.doc_freq) if self.cfg.quantity_check else None
        if changed is not None:
            # Unless a lower sentence of the same document states the change of the thing asked: the article's lede
            # gives the overall rise (总体调整水平为…3.8%), its fourth sentence the fixed part asked
            # (定额调整…统一按每人每月34元增加), as for a figure missing above.
            ranked, answer, quoted = self._change_of_subject(question, hits, d, (ranked, answer), changed)
            changed = change_off_subject(quoted, question, self.doc_freq)
        if changed is not None:
            return _refused(question, hits, f"最相关的段落给出的数字说的不是所问的“{changed}”的变化。")
        # A when-question answered by the date of another event (8日举行誓师大会 for 哪一天开幕, 自1月31日起暂停 for
        # 哪天恢复). A runner-up dating the asked event is looked for in the best one's document only, naming the thing
        # asked and no other of its kind (不动产登记窗口 for 社保窗口; another official's 入党 in a list of appointments):
        # another document's, or another thing's in the same one, is as often the date found (session 29).
        event = date_off_event(quoted, question) if self.cfg.event_check else None
        if event is not None:
            thing = dated_thing(question)
            dating = _in_best_document(
                hits,
                d.candidates,
                self.cfg.own_document_candidates,
                lambda c: (
                    not lacks_asked_figure(c.text, question)
                    and date_off_event(c.text, question) is None
                    and (thing is None or (thing[1] in c.text and not names_another_of(c.text, thing)))
                ),
            )
            if dating:
                ranked = dating
                answer = self.compose(question, hits, ranked, d.question, widen=False)
                quoted = _quoted(answer)
                event = date_off_event(quoted, question)
        if event is not None:
            return _refused(question, hits, f"最相关的段落给出的日期说的不是所问的“{event}”。")
        # A question about one year answered from sentences about another (kb/answer/year_check.py).
        spoken = another_year(answer.text, answer.citations, question) if self.cfg.year_check else None
        if spoken is not None:
            reason = f"最相关的段落说的是{spoken}年的情况，不是所问的{question_year(question)}年。"
            return _refused(question, hits, reason)
        # Likewise a question about one part of a year (前三季度) answered from sentences about another (上半年).
        period = another_period(answer.text, question) if self.cfg.period_check else None
        if period is not None:
            reason = (
                f"最相关的段落说的是{period_label(period)}的情况，不是所问的{period_label(question_period(question))}。"
            )
            return _refused(question, hits, reason)
        # Or one month asked (2020年3月份的申报纳税期限) answered from sentences on another's (2月份纳税申报期限).
        month = another_month(_spoken(answer), question) if self.cfg.period_check else None
        if month is not None:
            return _refused(
                question, hits, f"最相关的段落说的是{month}月的情况，不是所问的{question_month(question)}月。"
            )
        # Or a figure of one age group (16-24岁青年的失业率) answered from sentences on everyone's (kb/answer/age_group_check.py).
        group = misses_age_group(_spoken(answer), question) if self.cfg.age_group_check else None
        if group is not None:
            return _refused(question, hits, f"最相关的段落没有提到所问的{age_label(group)}人群。")
        # And a question about one numbered batch answered from passages on another (kb/answer/batch_check.py).
        batch = batch_missing(answer.citations, question) if self.cfg.batch_check else None
        if batch is not None:
            reason = f"最相关的段落没有提到所问的{batch}。"
            return _refused(question, hits, reason)
        # A place asked answered by sentences that each name another of its kind (郑州地铁 for 广州地铁).
        asked_places = question_places(question) if self.cfg.place_check else []
        other = sentences_of_another_place(asked_places, (s for s, _ in marked_sentences(answer.text)))
        if other is not None:
            return _refused(question, hits, f"最相关的段落说的是{other}的情况，不是所问的{'、'.join(asked_places)}。")
        # Or about an emergency response's level (一级响应调整为二级) answered from a passage on another level's.
        level = level_missing(answer.citations, question) if self.cfg.level_check else None
        if level is not None:
            return _refused(question, hits, f"最相关的段落没有提到所问的{'一二三四'[level - 1]}级响应。")
        # Or about one numbered issue or session (第7号公告, 第十一场发布会) answered from its neighbour's document.
        issue = issue_missing(self._cited_documents(hits, answer.citations), question) if self.cfg.issue_check else None
        if issue is not None:
            return _refused(question, hits, f"最相关的段落所在的文件没有提到所问的{issue}。")
        # Likewise a question asking what a numbered shorthand stands for, answered by a sentence that only uses it.
        if self.cfg.shorthand_check and lacks_shorthand_content(quoted, question):
            reason = f"最相关的段落提到了“{asked_shorthand(question)}”，但没有说明它具体指什么。"
            return _refused(question, hits, reason)
        # And a question asking which members a counted set holds, answered by a sentence that only announces it.
        if self.cfg.list_check and lists_too_few(quoted, question):
            reason = f"最相关的段落没有逐一列出所问的{asked_count(question)}项。"
            return _refused(question, hits, reason)
        first = _statements(ranked)[0]
        if _opens_document(hits[first.hit_rank].chunk, first):
            answer = self.compose(question, hits, ranked, d.question)
        return self._with_verdict(question, answer)

    def _with_verdict(self, question: str, answer: Answer) -> Answer:
        """A yes-or-no question's answer opening with its verdict (不能。), when the quoted sentences give one plainly
        (kb/answer/verdict.py); the sentences after it are the citation for it."""
        asked = asked_yes_no(question) if self.cfg.yes_no_verdict else None
        said = verdict(asked, without_markers(answer.text)) if asked is not None else None
        return replace(answer, text=f"{said}。{answer.text}") if said else answer

    def _figure_below(self, question: str, hits: list[Hit], ranked: list[Candidate]) -> list[Candidate]:
        """Of the first few candidates from the best one's document, those stating the figure a how-many question
        asks and naming what it counts in the same sentence (惠及中小企业约8000户 for 惠及多少户中小企业): a news
        lede restating the topic often ranks above the sentence giving the count. Not any runner-up with a figure,
        which is mostly another thing's (session 29); none for a question naming nothing counted. For a question
        asking when something ends (执行到哪天为止), those stating an end date (暂执行至2020年6月30日止): a date after
        至 or before 前 is of that kind only, and a notice gives its term in a line of its own. Counts asked in two
        measure words (几章几条) take a sentence stating each; when something takes effect, also its own clause of
        effect; any other figure, a sentence naming what the best one lacks (`_says_more`)."""
        if not ranked:
            return []
        kinds = asked_figures(question)
        if counted_noun(question) is not None:
            stated = counted_figure_test(question)  # read the counted thing once, not per candidate
            limit, states = self.cfg.counted_candidates, lambda text, q: stated(text)
        elif counts := counts_asked(question):
            # Counts asked in two measure words (共几章几条): a lower sentence stating each (共6章20条) answers; one
            # count alone (细化20条) is as often another thing's.
            limit, states = self.cfg.figure_candidates, lambda text, q: states_each_count(text, counts)
        elif "deadline" in kinds:
            limit, states = self.cfg.deadline_candidates, lambda text, q: not lacks_asked_figure(text, q)
        elif kinds and asks_taking_effect(question):
            # Or its own clause of effect (五、本通告自2023年11月1日起实施): a notice states it in a line of its own at
            # the end, below every sentence that matches the question's topic better.
            says = self._says_more(question, ranked[0].text)

            def own_effect(text: str, q: str) -> bool:
                return (states_own_effect(text) and not lacks_asked_figure(text, q)) or says(text, q)

            limit, states = self.cfg.figure_candidates, own_effect
        elif kinds:
            limit, states = self.cfg.figure_candidates, self._says_more(question, ranked[0].text)
        else:
            return []
        return _in_best_document(hits, ranked, limit, lambda c: states(read_form(c.text), question))

    def _change_of_subject(
        self, question: str, hits: list[Hit], d: Decision, given: tuple[list[Candidate], Answer], changed: str
    ) -> tuple[list[Candidate], Answer, str]:
        """The sentences among the first `figure_candidates` of the best one's document that state the change asked
        naming `changed` (what `change_off_subject` found unnamed, read once for all of them: `states_change_of`), the
        answer composed from them and what it quotes; the `given` sentences and answer, as they were, when none does.
        Not the same search for any figure of another thing: a lower sentence naming a thing of the question's (罚款,
        限额) with a figure beside it was as often another figure (50元 charged, not the fine), answering three
        `NOT_IN_KB` questions for two gained (session 55)."""
        found = _in_best_document(
            hits,
            d.candidates,
            self.cfg.figure_candidates,
            lambda c: (
                not lacks_asked_figure(read_form(c.text), question) and states_change_of(c.text, question, changed)
            ),
        )
        if not found:
            return given[0], given[1], _quoted(given[1])
        answer = self.compose(question, hits, found, d.question, widen=False)
        return found, answer, _quoted(answer)

    def _says_more(self, question: str, best: str) -> Callable[[str, str], bool]:
        """The test of a lower sentence (given it and the question): whether it states the figure asked in the unit
        named and holds one of the question's weightier words that `best` lacks (中级（四级）of 取得中级（四级）证书
        能补多少钱, in 具体补贴标准为初级（五级）1000元、中级（四级）1500元): the line giving a table of figures
        matches the question's topic less than the lede restating it, but only it names the case asked. What the
        figure is of (`figure_subject`: 资金 of 募集多少资金) counts as such a word however common: a lower sentence
        naming it (原拟募集资金63,169.53万元) states the figure asked, as one naming a counted thing does."""
        q = analyse(question, self.doc_freq)
        # Not the words of how the figure is asked or what kind it is (一年, 时间, 期限, 长时间 of 多长时间): any figure's
        # sentence holds those.
        weighty = [
            t
            for t in q.terms
            if len(t) >= 2
            and q.idf.get(t, 0.0) * len(q.terms) >= q.total
            and not says_how_figure_is_asked(t)
            and not re.search(rf"[多几]{re.escape(t)}", question)
            and not small_number(t[0])
        ]
        unsaid = [t for t in weighty if not holds(t, best)]
        subject = figure_subject(question)
        if subject is not None and not holds(subject, best) and subject not in unsaid:
            unsaid.append(subject)
        # Likewise what a time asked is of, in the question's words (收费期限 of 收费期限是多长): the lede or title line
        # above names everything else the question does (嫩江大桥收费站开通收费), and only the line stating the term
        # names it (三、收费期限为30年).
        timed = timed_noun(question)
        if timed is not None and not holds(timed, best) and timed not in unsaid:
            unsaid.append(timed)

        def states(text: str, asked: str) -> bool:
            return not lacks_asked_figure(text, asked) and any(holds(t, text) for t in unsaid)

        return states

    def _looked_for(
        self, question: str, title: str = ""
    ) -> Iterator[tuple[Callable[[Answer], str], Callable[[str], bool], int, str]]:
        """The checks that look for a likelier sentence before they refuse, in order, for those the question asks:
        (what an answer says, whether a text holds what is asked, how many candidates to search, the refusal reason).
        `title`: the title of the best sentence's document."""
        # Who holds a post (kb/answer/person_check.py): only sentences naming someone in the asked office (会长罗时雨,
        # not 局长顾占雷 for a 会长); an article's byline counts for its author.
        post = asked_post(question) if self.cfg.person_check else None
        if post is not None:
            yield (
                lambda a: _named_text(a, question),
                lambda t: names_holder(t, post, question),
                self.cfg.person_candidates,
                "最相关的段落没有给出所问的人名。",
            )
        # A named person's post (张云担任什么职务): sentences giving that person one, not only naming him.
        person = asked_post_of(question) if self.cfg.name_check and post is None else None
        if person is not None:
            yield (
                lambda a: _authored_text(a, person),
                lambda t: states_post_of(t, person),
                self.cfg.name_candidates,
                f"最相关的段落没有给出{person}的职务。",
            )
        # What something is called (那家药房叫什么名字, kb/answer/name_check.py): sentences giving a name.
        kind = asked_name(question) if self.cfg.name_check and post is None and person is None else None
        if kind is not None:
            yield (
                _spoken,
                lambda t: gives_name(t, kind),
                self.cfg.name_candidates,
                "最相关的段落没有给出所问的名称。",
            )
        # Whether something holds (税款是否退还, kb/answer/yes_no.py): sentences saying something of what it asks.
        clause, asked = asked_predicate(question) if self.cfg.yes_no_check else ("", [])
        # Asked with 吗 (还要交滞纳金吗), what it asks follows the word it asks whether with (kb/answer/verdict.py).
        # Not 会: whether something will happen (共用洗衣机会感染吗) a sentence answers in its own words (可能性极小).
        plain = asked_yes_no(question) if self.cfg.yes_no_check and not asked else None
        if plain is not None and plain.yes != "会":
            clause, asked = plain.clause, list(plain.words)
        if asked:
            yield (
                _spoken,
                lambda t: speaks_of(t, asked),
                self.cfg.yes_no_candidates,
                f"最相关的段落没有说到所问的“{clause}”。",
            )
        # What sanction follows a breach (会受到什么处罚, kb/answer/sanction_check.py): sentences naming one and the breach.
        breach = asked_breach(question, title) if self.cfg.sanction_check else None
        if breach is not None:
            yield (
                _spoken,
                lambda t: answers_sanction(t, breach),
                self.cfg.sanction_candidates,
                "最相关的段落没有给出所问的处罚或处理。",
            )
        # Who does it (费用由谁承担, kb/answer/bearer_check.py): sentences saying who does.
        act = asked_act(question) if self.cfg.bearer_check else None
        if act is not None:
            yield (
                _spoken,
                lambda t: says_who(t, act),
                self.cfg.bearer_candidates,
                f"最相关的段落没有说明由谁{act}。",
            )
        # A place asked (在哪里登陆, 在哪个城市举办, kb/answer/place_check.py): sentences naming one the question does not.
        where = asks_place(question) if self.cfg.place_check else None
        if where is not None:
            yield (
                _spoken,
                lambda t: gives_place(t, question, where),
                self.cfg.place_candidates,
                "最相关的段落没有给出所问的地点。",
            )
        # A ceiling asked (缴费上限是多少, 最多能延长多久, kb/answer/limit_check.py): sentences stating one.
        if self.cfg.limit_check and asks_limit(question):
            yield (
                _spoken,
                states_limit,
                self.cfg.limit_candidates,
                "最相关的段落没有给出所问的上限。",
            )
        # Which one of a series (第几号主席令, 第几届, 排第几; kb/answer/ordinal_check.py): sentences stating an ordinal.
        unit = asked_ordinal(question) if self.cfg.ordinal_check else None
        if unit is not None:
            yield (
                _spoken,
                lambda t: states_ordinal(t, unit),
                self.cfg.ordinal_candidates,
                f"最相关的段落没有给出所问的第几{unit}。",
            )

    def compose(
        self,
        question: str,
        hits: list[Hit],
        ranked: list[Candidate],
        q: Question | None = None,
        widen: bool = True,
        context: list[Candidate] | None = None,
    ) -> Answer:
        """The answer text from the ranked candidates: the best, what it needs to be whole, then close seconds.

        `widen`: a best sentence opening its document lets in one more sentence (`_after_lede`). `context`: the
        candidates the best may read on into, when `ranked` holds only those a check chose (default: `ranked`)."""
        q = q or analyse(question, self.doc_freq)
        ranked = _statements(ranked)
        ranked = [self._trim(q, c) for c in ranked[:1]] + ranked[1:]
        best = ranked[0]
        hits, follow = self._continuation(hits, best)
        chosen = _read_on(
            question,
            best,
            hits[best.hit_rank].chunk.text,
            ranked if context is None else [best, *context],
            self.cfg.max_chars,
            self.cfg.lead_in_novelty,
            follow,
        )
        length = sum(len(u.text) for u in chosen)
        read_on = list(chosen)  # the best and what it reads on into, in its passage's order
        also: dict[tuple[int, int], list[Candidate]] = {}  # a chosen unit's twins in other passages, by its place
        p_best = _sigmoid(best.logit)
        extra = self._after_lede(q, hits, ranked) if widen else None
        # A close second joins whenever it fits in max_chars: stopping once the answer reached 0.6 of it turned away
        # the seconds that held the evidence after a long first sentence, and kept no wrong one out (docs/evaluation.md).
        elsewhere = self._of_another_place(question, hits, best)
        for u in ranked[1:]:
            if len(chosen) >= self.cfg.max_sentences:
                break
            if _sigmoid(u.logit) < self.cfg.second_sentence_ratio * p_best and u is not extra:
                continue
            # Another place's sentence does not join an answer about the asked place: 沈阳's 每人保额20万元 is not
            # 广东's, and joined to 广东's sentence naming the insurance, it answered the figure 广东's leaves out. (The
            # best sentence itself is the place check's to judge, kb/service.py: dropped here, a national
            # document's next sentence answered what the asked place's documents leave out.)
            if elsewhere(u):
                continue
            overlaps = any(u.hit_rank == c.hit_rank and u.start < c.end and c.start < u.end for c in chosen)
            if overlaps or length + len(u.text) > self.cfg.max_chars:
                continue
            # The same sentence in another passage (a notice reprinted, a summary repeating its source) says nothing
            # new: it is stated once, and cited with both passages.
            own = shingles(u.text)
            twin = next((c for c in chosen if near_duplicate(own, shingles(c.text))), None)
            if twin is not None and u.hit_rank != twin.hit_rank and _fuller(u.text, twin.text):
                fits = length - len(twin.text) + len(u.text) <= self.cfg.max_chars
                # What the answer reads on through stays in its passage's order (the best, a condition's consequence).
                if fits and (twin not in read_on or len(read_on) == 1):
                    chosen[chosen.index(twin)] = u
                    length += len(u.text) - len(twin.text)
                    also[(u.hit_rank, u.start)] = [twin, *also.pop((twin.hit_rank, twin.start), [])][:2]
                    if twin is best:
                        best = u
                    continue
            if twin is not None:
                twins = also.setdefault((twin.hit_rank, twin.start), [])
                if u.hit_rank != twin.hit_rank and len(twins) < 2:
                    twins.append(u)
                continue
            chosen.append(u)
            length += len(u.text)
        # Reading order: passages by rank, a passage's sentences in order, and the passage an answer read on into
        # right after the one it continues (it may be ranked above it).
        continued = follow[1][0].hit_rank if follow and follow[1] else None
        chosen.sort(key=lambda u: (best.hit_rank + 0.5 if u.hit_rank == continued else u.hit_rank, u.start))
        # A news item's dateline (2023-07-31，正文：光明日报北京7月30日电（记者董蓓）) says where it was filed, not
        # what it states: the reader gets the sentence from its first word; the citation still shows the passage.
        stated = [
            (_after_dateline(u), [_after_dateline(t) for t in also.get((u.hit_rank, u.start), [])]) for u in chosen
        ]
        citations: list[Citation] = []
        marker_of: dict[int, int] = {}
        parts: list[str] = []

        def cite(u: Candidate) -> int:
            chunk = hits[u.hit_rank].chunk
            if u.hit_rank not in marker_of:
                marker_of[u.hit_rank] = len(citations) + 1
                citations.append(make_citation(marker_of[u.hit_rank], chunk, u.text))
            else:
                c = citations[marker_of[u.hit_rank] - 1]
                c.quote = _join_quotes(chunk.text, c.quote, u.text)
            return marker_of[u.hit_rank]

        for u, twins in stated:
            markers = dict.fromkeys([cite(u), *(cite(t) for t in twins)])
            parts.append(u.text + "".join(f"[{m}]" for m in markers))
        return Answer(question=question, text="".join(parts), refused=False, citations=citations)

    def _after_lede(self, q: Question, hits: list[Hit], ranked: list[Candidate]) -> Candidate | None:
        """The sentence an answer whose best sentence opens its document (a news lede, a notice's preamble) takes
        besides the close seconds, or None. The lede restates the topic the question names and wins on those words;
        what is asked is in a sentence saying the question's other words. Of the first `lede_candidates`, those saying
        some of them and either close enough (`lede_second_ratio`) or, in the lede's document, saying at least
        `lede_focus_share` of them by weight: the one saying most."""
        best = ranked[0]
        own = hits[best.hit_rank].chunk
        if not _opens_document(own, best):
            return None
        unsaid = {t: q.idf.get(t, 0.0) for t in q.terms if len(t) >= 2 and not holds(t, best.text)}
        total = sum(unsaid.values())
        p_best = _sigmoid(best.logit)

        def says(u: Candidate) -> float:
            return sum(w for t, w in unsaid.items() if holds(t, u.text))

        def near(u: Candidate) -> bool:
            return _sigmoid(u.logit) >= self.cfg.lede_second_ratio * p_best

        def focused(u: Candidate) -> bool:
            return hits[u.hit_rank].chunk.doc_id == own.doc_id and says(u) >= self.cfg.lede_focus_share * total

        fit = [u for u in ranked[1 : self.cfg.lede_candidates] if says(u) > 0 and (near(u) or focused(u))]
        return max(fit, key=says, default=None)

    def _of_another_place(self, question: str, hits: list[Hit], best: Candidate) -> Callable[[Candidate], bool]:
        """Whether a candidate comes from a document other than the best one's, of another place than the question
        asks about, that names none of the asked places in its title or the sentence (kb/answer/place_check.py:
        沈阳's notice mentions 援助湖北医疗队 and is not about 湖北); a national document speaks for every place. Or
        the sentence itself names another place of the asked kind and no asked place (四川省应急委员会宣布… for
        陕西省), whatever its document's title says."""
        asked = question_places(question) if self.cfg.place_check else []
        if not asked:
            return lambda u: False
        own = hits[best.hit_rank].chunk.doc_id

        def elsewhere(u: Candidate) -> bool:
            c = hits[u.hit_rank].chunk
            if c.doc_id == own:
                return False
            return (
                of_another_place(asked, c.doc_title or c.title, c.authority, c.text, u.text)
                or sentences_of_another_place(asked, [u.text]) is not None
            )

        return elsewhere

    def _continuation(self, hits: list[Hit], best: Candidate) -> tuple[list[Hit], tuple[str, list[Candidate]] | None]:
        """When `best` ends its passage, the next passage of its article (appended to the hits, so that it can be
        cited), its text and its sentences; else the hits unchanged and None.

        Chunking cuts where length says, not where meaning does: a lead-in (分两个阶段来安排。), a "…如下：" or
        a numbered item often ends one chunk and what it introduces opens the next, which retrieval ranks low
        because it does not repeat the question's words. `_read_on` decides whether the answer goes on there.
        """
        own = hits[best.hit_rank].chunk
        if not self.cfg.read_across_passages or self.next_chunk is None or own.text[best.end :].strip():
            return hits, None
        nxt = self.next_chunk(own)
        # Only within one article: the next chunk of a newspaper page may be another article's.
        if nxt is None or nxt.title != own.title:
            return hits, None
        at = next((i for i, h in enumerate(hits) if h.chunk.chunk_id == nxt.chunk_id), None)
        if at is None:
            parent = hits[best.hit_rank]
            hits = [*hits, Hit(chunk=nxt, dense=parent.dense, lexical=parent.lexical, score=parent.score)]
            at = len(hits) - 1
        text = nxt.text
        return hits, (text, [Candidate(at, s, e, text[s:e], best.features, best.logit) for s, e in units(text)])

    def _trim(self, q: Question, c: Candidate) -> Candidate:
        """A long sentence cut to the run of its clauses that holds the question's words and asked-for thing.

        Policy sentences run to hundreds of characters; the reader wants the clause that answers, and the
        citation still shows the whole passage.
        """
        limit = self.cfg.max_unit_chars
        if len(c.text) <= limit:
            return c
        bounds = [0] + [m.end() for m in _CLAUSE.finditer(c.text)]
        if bounds[-1] != len(c.text):
            bounds.append(len(c.text))
        # Where the question's words stand in the sentence: the answer may follow them (做到"三个逐一"，即…) or
        # precede them (…的"一网通办"新格局), so of the runs that hold as much, the one centred on them wins.
        at = [m.start() for t in q.idf for m in re.finditer(re.escape(t), c.text)]
        if q.required_shape is not None:
            # A contact detail asked: centred on the detail, so that what it is the number of comes with it.
            at = [m.start() for m in q.required_shape.finditer(c.text)] or at
        # A figure of a kind asked (a sum: 生活补助标准是多少): the run stating it, not the one naming the topic with
        # another number (从2023年秋季学期起…纳入非寄宿生生活补助范围 before 按照小学每生每年500元…的标准进行发放).
        figure_asked = bool(asked_figures(q.text))
        best: tuple[float, float, int, int] | None = None
        for i in range(len(bounds) - 1):
            j = i + 1
            while j + 1 < len(bounds) and bounds[j + 1] - bounds[i] <= limit:
                j += 1
            a, b = bounds[i], bounds[j]
            piece = c.text[a:b]
            fit = 0.3 if q.atype is not None and q.atype[1].search(piece) else 0.0
            fit += 0.3 if figure_asked and not lacks_asked_figure(piece, q.text) else 0.0
            # A contact detail asked: the run that gives it (热线：12366), not the one that only names the hotline.
            fit += 0.5 if q.required_shape is not None and q.required_shape.search(piece) else 0.0
            # Shared word pairs (地区生产总值增长) break ties between runs holding the same words (0.1–0.4 alike).
            score = round(coverage(q, piece) + fit + 0.2 * bigram_share(q, piece), 9)
            inside = [p for p in at if a <= p < b]
            off = abs((min(inside) + max(inside)) / 2 - (a + b) / 2) if inside else float(b - a)
            if best is None or (score, -off) > (best[0], -best[1]):
                best = (score, off, a, b)
        if best is None:
            return c
        _, _, a, b = best
        piece = c.text[a:b].strip().rstrip("，,")
        off = c.text.index(piece, a)
        return Candidate(c.hit_rank, c.start + off, c.start + off + len(piece), piece, c.features, c.logit)

    # -- topic checks for the 党课 pack (kb/learn/pack.py) ----------------------------------------

    def topic_coverage(self, topic: str, hits: list[Hit]) -> float:
        """The share of the topic's idf-weighted words one of the two best passages holds (with titles)."""
        q = analyse(topic, self.doc_freq)
        return max((coverage(q, f"{context(h.chunk)} {h.chunk.text}") for h in hits[:2]), default=0.0)

    def missing_key_term(self, topic: str, hits: list[Hit]) -> KeyTerm | None:
        """A term pinning the topic to something (a title, place, year, unknown noun) that no top passage holds."""
        q = analyse(topic, self.doc_freq)
        top = hits[: self.passages]
        for kt in q.keys:
            if kt.kind == "noun":
                if kt.text in q.unknown_nouns and not any(
                    holds(kt.text, f"{context(h.chunk)} {h.chunk.text}") for h in top
                ):
                    return kt
            elif kt.kind != "number" and not any(holds_key(kt, h.chunk) for h in top):
                return kt
        return None


def _in_best_document(
    hits: list[Hit], ranked: list[Candidate], limit: int, test: Callable[[Candidate], bool]
) -> list[Candidate]:
    """Of the first `limit` ranked candidates, those of the best one's document that pass `test`: the search below
    the best sentence that the contact, figure and refusing checks make, where another document's sentence is mostly
    another case's."""
    if not ranked:
        return []
    doc = hits[ranked[0].hit_rank].chunk.doc_id
    return [c for c in ranked[:limit] if hits[c.hit_rank].chunk.doc_id == doc and test(c)]


def _statements(ranked: list[Candidate]) -> list[Candidate]:
    """The candidates an answer may say. A title or heading is not a sentence of an answer, however well its words
    match the question; nor is a question the document asks (a Q&A notice's own question, a rhetorical lead-in): it
    states nothing. All of them when nothing else is left."""
    return [c for c in ranked if not (is_title_line(c.text) or _asks(c.text))] or ranked


def _opens_document(chunk: Chunk, u: Candidate) -> bool:
    """Whether `u` is its document's first sentence (after a headline or dateline, which end no sentence)."""
    return chunk.ordinal == 0 and not _SENTENCE_END_BEFORE.search(chunk.text[: u.start])


def _after_dateline(u: Candidate) -> Candidate:
    """`u` from the first word after a leading dateline (itself when it has none)."""
    cut = dateline_length(u.text)
    if not cut:
        return u
    return Candidate(u.hit_rank, u.start + cut, u.end, u.text[cut:], u.features, u.logit)


_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


def _fuller(text: str, twin: str) -> bool:
    """Whether `text`, which restates `twin`, also gives figures it lacks (a reprint that adds the price), and drops
    none of its figures. Other additions (a lead-in, who is in charge) say less, and a reprint may lose a word."""
    own, other = set(_FIGURE.findall(text)), set(_FIGURE.findall(twin))
    return bool(own - other) and other <= own


def _refused(question: str, hits: list[Hit], reason: str = "") -> Answer:
    """A refusal that shows the nearest passages, and why when a check knows (最相关的段落没有给出…)."""
    return Answer(question=question, text=REFUSAL_TEXT, refused=True, related=hits[:3], reason=reason)


def _spoken(answer: Answer) -> str:
    """An answer's text without its citation markers, as the checks read it."""
    return read_form(without_markers(answer.text))


def _quoted(answer: Answer) -> str:
    """An answer's sentences as the figure, date and form checks read them: no markers, no datelines, variant
    characters folded."""
    return read_form(without_datelines(without_markers(answer.text)))


def _named_text(answer: Answer, question: str) -> str:
    """What an answer says of people: its sentences, and for a question asking a text's author, its citations' authors
    (an article's byline is its author's name, 作者系… only the post)."""
    text = without_markers(answer.text)
    if "作者" in question:
        text += "".join(f"。作者{c.author}。" for c in answer.citations if c.author)
    return text


def _authored_text(answer: Answer, person: str) -> str:
    """An answer's text as the checks read it, with an article's byline (作者系…常务副书记) read as naming `person` when
    a cited article is his: the page gives its author's post there and his name only as the article's author."""
    text = _spoken(answer)
    if any(c.author and person in c.author for c in answer.citations):
        text = re.sub(r"作者(?=系|为|是|：|:)", person, text)
    return text


def _asks(unit: str) -> bool:
    """A sentence that is a question (ends with ？), not a statement."""
    return unit.rstrip().endswith(("？", "?"))


def _sigmoid(z: float) -> float:
    import math

    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def _read_on(
    question: str,
    best: Candidate,
    passage: str,
    ranked: list[Candidate],
    budget: int,
    lead_in: float,
    follow: tuple[str, list[Candidate]] | None = None,
) -> list[Candidate]:
    """`best`, and what follows it when the answer continues there.

    - Policy prose names a measure at the end of a sentence ("…，建立“兵支书”培养机制。") and says what it
      is in the next; for a how/what question, the clause naming it and the next sentence answer.
    - A lead-in ending in ： is followed by its list; a legal condition (…的，给予警告；) by the parallel
      condition with the heavier consequence (情节较重的，…).
    - A numbered item (第一步…, 一是…, （一）…) is followed by the items after it, as far as the budget allows.
    - Asked what sanction followed, a decision ending in ； (…开除党籍处分；) by the next sanction (由…给予其开除公职处分；).
    - For a how/what question, a sentence that says little the question does not (less than `lead_in` of its
      characters new) introduces the topic; what it is follows.
    `follow`: the next passage of the article and its sentences, when `best` ends its own (what follows is there).
    """
    after = sorted(
        (u for u in ranked if u.hit_rank == best.hit_rank and u.start >= best.end and u.text != best.text),
        key=lambda u: (u.start, -u.end),
    )
    nxt = next((u for u in after if not passage[best.end : u.start].strip()), None)
    if nxt is None and follow is not None:
        # `best` ends its passage: what follows it opens the next one, and gaps are measured there.
        passage, units_after = follow
        after = sorted(units_after, key=lambda u: (u.start, -u.end))
        nxt = next((u for u in after if not passage[: u.start].strip()), None)
    if nxt is None or is_heading(nxt.text):
        return [best]
    fits = len(best.text) + len(nxt.text) <= budget
    if fits and best.text.endswith(("：", ":")) and _numbered(nxt.text):
        # A lead-in to numbered items (符合下列条件之一的，…可以提前退休：（一）…（二）…): the list is the answer, and
        # its items are read in order, not the first and whichever others the ranker liked.
        return _siblings(best, nxt, after, passage, budget)
    if fits and (best.text.endswith(("：", ":")) or (_condition(best.text) and _CONDITION.match(nxt.text))):
        return [best, nxt]
    if fits and _enumeration(best.text, nxt.text):
        return _siblings(best, nxt, after, passage, budget)
    if fits and asks_sanction(question) and _more_sanctions(best.text, nxt.text):
        # A disciplinary notice gives the sanctions one clause each (决定给予…开除党籍处分；由…监委给予其开除公职处分；):
        # the party's and the state's are both the answer.
        return [best, nxt]
    if fits and _item_head(best.text) and not _numbered(nxt.text):
        # A short numbered item's first sentence names its measure (六、相关单位和个人严格依法依规履行报告职责。);
        # the sentence after it, still in the item, says what it is.
        return [best, nxt]
    if fits and _asked_next(question, best.text, nxt.text):
        return [best, nxt]
    if not _HOW.search(question):
        return [best]
    if novelty(best.text, question) < lead_in:
        # It mostly restates the question (此外，该区还实施"红黄蓝"挂牌管理机制。): a lead-in to the next.
        return [best, nxt] if fits else [best]
    terms = [t for t in question_terms(question) if len(t) >= 2]
    pos = [best.text.find(t) for t in terms if t in best.text]
    if not pos or min(pos) < 0.7 * len(best.text):
        return [best]
    # Keep only the clause naming the topic, so the explanation fits in a short answer.
    cut = max(best.text.rfind(p, 0, min(pos)) for p in "，,；;：:") + 1
    head = Candidate(best.hit_rank, best.start + cut, best.end, best.text[cut:], best.features, best.logit)
    return [head, Candidate(nxt.hit_rank, nxt.start, nxt.end, nxt.text, nxt.features, best.logit)]


# Where a question asks one thing and then another (最长多久，可以延长吗; 期限是多长、从哪天起算; 最长多久？能不能延长？),
# each part with its own asking word; a leading clause that only sets the scene (云南出台的十条措施中，…) asks nothing.
_QUESTION_PARTS = re.compile(r"[，,、；;？?！!。]")
_ASKING = re.compile(
    r"吗|呢|多少|多久|多长|多大|几|哪|什么|谁|如何|怎么|怎样|是否|能否|可否|有没有|是不是|能不能|可不可以|会不会"
)


def _asked_next(question: str, best: str, nxt: str) -> bool:
    """Whether a question's later part (留置时间最长多久，可以延长吗) asks what the next sentence says and `best` does
    not (第四十八条 留置时间不得超过三个月。 then 在特殊情况下，可以延长一次…): a law answers each part in turn."""
    asking = [p for p in _QUESTION_PARTS.split(question) if _ASKING.search(p)]
    return len(asking) >= 2 and any(
        len(t) >= 2 and t not in best and t in nxt for part in asking[1:] for t in question_terms(part)
    )


# Item numbers, and whether a sentence may hold one anywhere (操作步骤：第一步，…) or only open with it.
_MARKS = [
    (re.compile(r"第([一二三四五六七八九十]+)步"), True),
    (re.compile(r"^([一二三四五六七八九十]+)是"), False),
    (re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]"), False),
    (re.compile(r"^(\d+)[.、．]"), False),
    (re.compile(r"^([一二三四五六七八九十]+)、"), False),
]


# How long a numbered item's first sentence may be and still be its head (the measure named, not stated).
_ITEM_HEAD_CHARS = 30


def _enumeration(a: str, b: str) -> bool:
    """Whether `b` is the item after one `a` holds or opens (第一步… then 第二步…; （一）… then （二）…)."""
    for mark, anywhere in _MARKS:
        ma = list(mark.finditer(a)) if anywhere else [x for x in [mark.search(a.lstrip())] if x]
        mb = mark.search(b.lstrip())
        if ma and mb and small_number(mb.group(1)) == small_number(ma[-1].group(1)) + 1 > 1:
            return True
    return False


def _numbered(unit: str) -> bool:
    """Whether a unit opens with an item number (（二）, 三、, 4.)."""
    return any(not anywhere and mark.search(unit.lstrip()) for mark, anywhere in _MARKS)


def _item_head(unit: str) -> bool:
    """A numbered item's short first sentence, as a notice's item opens (六、…报告职责。)."""
    return _numbered(unit) and len(unit) <= _ITEM_HEAD_CHARS and unit.rstrip().endswith("。")


def _siblings(best: Candidate, nxt: Candidate, after: list[Candidate], passage: str, budget: int) -> list[Candidate]:
    """`best`, `nxt` and the numbered items that follow them without a gap, within `budget` characters."""
    out, length = [best, nxt], len(best.text) + len(nxt.text)
    while True:
        last = out[-1]
        more = next((u for u in after if u.start >= last.end and not passage[last.end : u.start].strip()), None)
        if more is None or length + len(more.text) > budget or not _enumeration(last.text, more.text):
            return out
        out.append(more)
        length += len(more.text)


# A clause deciding a further sanction as its first act (由…监委给予其开除公职处分, 收缴其违纪违法所得), not any clause
# naming one (sanction_check's _SANCTION, which 情节较重的 conditions and background sentences also match).
_SANCTION_CLAUSE = re.compile(r"^(?:由|并|同时|另)?[^，,。；;]{0,24}?(?:给予|开除|收缴|移送|撤销|取消|降为|罚款)")


def _more_sanctions(best: str, nxt: str) -> bool:
    """Whether `best` decides a sanction in a clause ending in ； and `nxt` decides another (由省监委给予其开除公职处分)."""
    return best.rstrip().endswith(("；", ";")) and "给予" in best and bool(_SANCTION_CLAUSE.match(nxt))


def _condition(unit: str) -> bool:
    """A clause run stating a condition and its consequence: it opens with one, or it is one of a list of
    them (ends in ；, with a "…的，" condition in it, after its list number or a shared subject)."""
    return bool(_CONDITION.match(unit)) or (unit.rstrip().endswith(("；", ";")) and bool(re.search(r"的[，,]", unit)))


def units(text: str) -> list[tuple[int, int]]:
    """Answer-sized spans: sentences and clauses split at ；, and whole 。-sentences of several clauses."""
    spans: list[tuple[int, int]] = list(split_sentences(text))
    start = 0
    for m in _CLAUSE_END.finditer(text):
        end = m.end()
        # A sentence starts after a line break at the latest: a title or heading line is not part of it.
        start = max(start, text.rfind("\n", start, end) + 1)
        seg = text[start:end].strip()
        if seg and len(seg) <= 160:
            off = text.index(seg, start)
            if (off, off + len(seg)) not in spans:
                spans.append((off, off + len(seg)))
        start = end
    return spans


def span_texts(text: str) -> list[str]:
    """The texts of a passage's candidate spans (`units`): what ingest embeds for the answerer."""
    return [text[s:e] for s, e in units(text)]


def _join_quotes(passage: str, a: str, b: str) -> str:
    """Two quotes from one passage as one verbatim span when they are adjacent, else the longer one."""
    ia, ib = passage.find(a), passage.find(b)
    if ia < 0 or ib < 0:
        return a
    lo, hi = min(ia, ib), max(ia + len(a), ib + len(b))
    span = passage[lo:hi]
    return span if len(span) <= len(a) + len(b) + 20 else a
