"""The chat tab: streaming cited answers, follow-ups, filters, feedback, per-user history and export.

Callbacks only call `kb` (KnowledgeBase, HistoryStore) and render what comes back.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from kb.accounts.departments import DEFAULT_KB
from kb.accounts.history import HistoryStore, Turn
from kb.answer.followup import Exchange
from kb.service import KnowledgeBase
from kb.types import Answer
from ui.auth import Access
from ui.downloads import downloads
from ui.kb_choice import KBChoice
from ui.render import answer_message, streaming_markdown, text

CSS = """
.kb-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 6px 10px; margin: 6px 0; }
.kb-source blockquote { margin: 4px 0; }
.kb-source mark { background: #fff0a0; color: inherit; padding: 0 1px; }
.kb-refusal { border-left: 4px solid #d97706; background: #fff7e6; color: #7c2d12; padding: 6px 10px; border-radius: 4px; }
.kb-related { margin-top: 6px; font-size: 0.92em; color: var(--body-text-color-subdued); }
.kb-around { color: var(--body-text-color-subdued); }
.kb-notice { border-left: 4px solid #b91c1c; background: #fef2f2; color: #7f1d1d; padding: 6px 10px; border-radius: 4px; margin-top: 6px; }
.kb-authority { color: #1e3a8a; }
"""

# Offered on the bundled sample (data/sample, the Zhuzhou page), so each must be answerable from it
# (tests/system/test_sample_examples.py asks them).
EXAMPLES = [
    "动力党建·合力攻坚工程是什么？",
    "株洲市城管系统有多少名党员干部奋战一线？",
    "清廉机关建设要着力整治哪些问题？",
]
# Clicks the hidden download button once on_export has given it the file (none when there was nothing to export).
_CLICK_EXPORT_FILE = """() => {
  const el = document.querySelector('#kb-export-file');
  const button = el && (el.tagName === 'BUTTON' ? el : el.querySelector('button'));
  if (button && !button.disabled) button.click();
}"""

# The question and follow-up the question box suggests.
PLACEHOLDER_EXAMPLE = ("动力党建·合力攻坚工程是什么？", "这个工程是谁提出的？")


@dataclass
class ChatParts:
    """The components other tabs refresh (the document filters)."""

    doc_filter: gr.Dropdown
    type_filter: gr.Dropdown


def doc_choices(kb: KnowledgeBase) -> tuple[list[tuple[str, str]], list[str]]:
    """(label, doc_id) of every ready document, and the document types present."""
    docs = kb.documents()
    return (
        [(f"{d.title or d.source}（{d.source}）", d.doc_id) for d in docs],
        sorted({d.doc_type or "其他" for d in docs}),
    )


def filter_updates(kb: KnowledgeBase) -> tuple[Any, Any]:
    """Fresh choices for the two filter dropdowns."""
    docs, types = doc_choices(kb)
    return gr.Dropdown(choices=docs), gr.Dropdown(choices=types)


def _messages(turns: list[Turn], kb: KnowledgeBase) -> list[dict]:
    out: list[dict] = []
    for t in turns:
        out.append({"role": "user", "content": text(t.question)})
        out.append({"role": "assistant", "content": answer_message(t.answer, kb.context)})
    return out


def _export_file(history: HistoryStore, user: str, conv_id: int) -> str:
    md = history.export_markdown(user, conv_id)
    path = downloads().folder("chat-") / f"对话-{conv_id}.md"
    path.write_text(md, encoding="utf-8")
    return str(path)


def build_chat_tab(
    demo: gr.Blocks, kb: KnowledgeBase, history: HistoryStore, access: Access, choice: KBChoice | None = None
) -> ChatParts:
    """The chat tab's layout and callbacks (call inside a gr.Tab).

    `choice` is the page's knowledge-base chooser (ui/kb_choice.py): each question goes to the chosen
    knowledge base after the person's role in it is checked on the server. Without one, `kb` answers.
    """
    if choice is None:
        choice = KBChoice(kb, access)
        choice.render(demo)
    kb_choice = choice.component
    conv_state = gr.State(None)  # the current conversation id (None until the first question)
    turns_state = gr.State([])  # turn ids, one per assistant message, for feedback
    # The conversation at the top of this page's list: the list is sent again only when an answer changes its top.
    top_state = gr.State(None)
    rated_state = gr.State(None)  # the turn the last like/dislike was on, for the comment
    # Filled at page load with the chosen knowledge base's documents (ui/kb_choice.py: page_choices).
    docs0, types0 = doc_choices(kb) if choice.services is None else ([], [])
    interval = kb.settings.app.stream_interval_s

    with gr.Row():
        with gr.Column(scale=1, min_width=220):
            new_btn = gr.Button("＋ 新对话", size="sm")
            convs = gr.Radio(label="我的历史对话", choices=[], elem_id="kb-history")
            # The export is written when asked for, not after every answer (a file and Gradio's copy of it each
            # time): the button makes the file, then clicks the hidden download button that carries it.
            export_btn = gr.Button("导出为 Markdown", size="sm", elem_id="kb-export")
            export_file = gr.DownloadButton("下载", value=None, visible="hidden", elem_id="kb-export-file")
        with gr.Column(scale=4):
            chat = gr.Chatbot(
                label="问答",
                height=520,
                sanitize_html=True,
                allow_tags=False,
                feedback_options=("Like", "Dislike"),
                latex_delimiters=[],
                elem_id="kb-chat",
                placeholder="向知识库提问：每句回答都标注出处；知识库里没有的内容，会直接说明。",
            )
            box = gr.Textbox(
                label="问题",
                placeholder=f"例如：{PLACEHOLDER_EXAMPLE[0]} 追问如：{PLACEHOLDER_EXAMPLE[1]}",
                submit_btn="提问",
                elem_id="kb-question",
            )
            gr.Examples(EXAMPLES, inputs=box, label="示例问题")
            with gr.Accordion("只在部分文档中查找（可选）", open=False):
                doc_filter = gr.Dropdown(label="文档", choices=docs0, multiselect=True, elem_id="kb-doc-filter")
                type_filter = gr.Dropdown(label="文档类型", choices=types0, multiselect=True)
            # Outside the accordion: whether outdated versions may answer is not an optional detail.
            in_force = gr.Checkbox(value=True, label="只用现行文件（不用已修订、已废止的版本）", elem_id="kb-in-force")
            with gr.Row():
                comment = gr.Textbox(
                    label="对回答的意见（可先点回答下方的赞或踩，再写意见）", scale=4, max_lines=3, elem_id="kb-comment"
                )
                comment_btn = gr.Button("提交意见", scale=1, size="sm")
            status = gr.Markdown(elem_id="kb-status")

    def conv_list(user: str, selected: int | None) -> Any:
        items = history.conversations(user)
        return gr.Radio(choices=[(f"{c.title}", c.id) for c in items], value=selected)

    def respond(
        question: str,
        messages: list[dict],
        conv_id: int | None,
        turn_ids: list[int],
        top: int | None,
        doc_ids: list[str] | None,
        doc_types: list[str] | None,
        kb_id: str | None,
        only_in_force: bool,
        request: gr.Request,
    ) -> Iterator[tuple]:
        user = access.user(request)
        base = choice.resolve(request, kb_id)
        question = (question or "").strip()
        if not question:
            yield messages, "", conv_id, turn_ids, top, gr.skip(), "", gr.skip()
            return
        if not messages:
            # An empty chat is a new conversation, whatever the session's state still holds: an API call to
            # /respond without history must not append to the conversation the last call made.
            conv_id, turn_ids = None, []
        if conv_id is None:
            conv_id = history.new_conversation(user)
        # Earlier questions as they were understood, so a chain of follow-ups keeps resolving.
        past = [Exchange(asked, said) for asked, said in history.exchanges(user, conv_id)]
        scope = base.scope(doc_ids, doc_types)
        if not only_in_force:
            scope = base.scope_where(scope, in_force=False)  # explicit, so the in-force default does not apply
        messages = [
            *messages,
            {"role": "user", "content": text(question)},
            {"role": "assistant", "content": streaming_markdown("")},
        ]
        yield messages, "", conv_id, turn_ids, top, gr.skip(), "", gr.skip()
        partial = ""
        answer: Answer | None = None
        shown = None  # the clock starts at the first piece: an answer whose pieces all come at once is sent once
        for piece in base.ask_stream(question, doc_ids=scope, history=past):
            if isinstance(piece, Answer):
                answer = piece
                break
            partial += piece
            if shown is None:
                shown = time.monotonic()
            elif time.monotonic() - shown >= interval:
                messages[-1] = {"role": "assistant", "content": streaming_markdown(partial)}
                yield messages, "", conv_id, turn_ids, top, gr.skip(), "", gr.skip()
                shown = time.monotonic()
        assert answer is not None  # ask_stream always ends with the Answer
        # A component sent back makes Gradio rebuild its config (a tenth of the app's GIL time under load), so the list
        # is replaced only when this page's list changes: the conversation's first answer gives it a title, and an
        # older conversation asked again moves to the top. (Another tab's new conversations show on the next reload
        # or conversation switch: with one shared list, as people without accounts have, each answer resent it.)
        refresh = not turn_ids or top != conv_id
        turn_id = history.add_turn(user, conv_id, question, answer)
        access.record(request, "ask", question, refused=answer.refused, kb=kb_id or DEFAULT_KB)
        messages[-1] = {"role": "assistant", "content": answer_message(answer, base.context)}
        note = "（已限定在所选文档中查找）" if scope is not None and only_in_force else ""
        note = note or ("（包括已修订、已废止的版本）" if not only_in_force else "")
        yield (
            messages,
            "",
            conv_id,
            [*turn_ids, turn_id],
            conv_id,
            conv_list(user, conv_id) if refresh else gr.skip(),
            note,
            None,  # a new answer: a comment now is about it, not about the one rated before
        )

    box.submit(
        respond,
        # in_force last: API callers that predate it (question, history, filters, knowledge base) keep working.
        [box, chat, conv_state, turns_state, top_state, doc_filter, type_filter, kb_choice, in_force],
        [chat, box, conv_state, turns_state, top_state, convs, status, rated_state],
        # Several people may ask at once (Gradio's default is one at a time per event); searches read through
        # per-thread SQLite connections, and the embedder serialises its own calls (settings.limits.chat_concurrency).
        concurrency_limit=kb.settings.limits.chat_concurrency,
        api_name="respond",
    )

    def load_conversation(conv_id: int | None, kb_id: str | None, request: gr.Request) -> tuple:
        user = access.user(request)
        base = choice.resolve(request, kb_id)
        if conv_id is None:
            return [], None, [], "", None
        try:
            turns = history.turns(user, int(conv_id))
        except KeyError:
            raise gr.Error("没有这个对话") from None
        return _messages(turns, base), int(conv_id), [t.id for t in turns], "", None

    convs.input(
        load_conversation,
        [convs, kb_choice],
        [chat, conv_state, turns_state, status, rated_state],
        api_visibility="private",
    )

    def new_conversation(request: gr.Request) -> tuple:
        user = access.user(request)
        return [], None, [], None, conv_list(user, None), "", None

    new_btn.click(
        new_conversation,
        None,
        [chat, conv_state, turns_state, top_state, convs, status, rated_state],
        api_visibility="private",
    )

    def on_like(turn_ids: list[int], conv_id: int | None, data: gr.LikeData, request: gr.Request) -> tuple:
        user = access.user(request)
        index = data.index if isinstance(data.index, int) else data.index[0]
        k = index // 2  # user and assistant messages alternate
        if conv_id is None or not (0 <= k < len(turn_ids)) or data.liked not in (True, False):
            return gr.skip(), gr.skip()
        history.feedback(user, turn_ids[k], rating=1 if data.liked else -1)
        return turn_ids[k], f"已记录{'赞' if data.liked else '踩'}，可以在下方补充意见。"

    chat.like(on_like, [turns_state, conv_state], [rated_state, status], api_visibility="private")

    def on_comment(
        note: str, rated: int | None, turn_ids: list[int], conv_id: int | None, request: gr.Request
    ) -> tuple:
        user = access.user(request)
        target = rated if rated is not None else (turn_ids[-1] if turn_ids else None)
        if conv_id is None or target is None or not (note or "").strip():
            return gr.skip(), "请先提问，并写下意见。"
        history.feedback(user, target, comment=note)
        return "", "谢谢，意见已保存。"

    comment_btn.click(
        on_comment,
        [comment, rated_state, turns_state, conv_state],
        [comment, status],
        api_visibility="private",
    )

    def on_export(conv_id: int | None, request: gr.Request) -> tuple:
        # The conversation as it is now: its answers, sources and feedback.
        if conv_id is None:
            return None, "还没有可导出的对话：请先提问。"
        try:
            return _export_file(history, access.user(request), int(conv_id)), ""
        except KeyError:
            raise gr.Error("没有这个对话") from None

    # The file is made on the server, then the hidden button that now carries it is clicked in the page.
    export_btn.click(on_export, [conv_state], [export_file, status], api_visibility="private").success(
        None, None, None, js=_CLICK_EXPORT_FILE
    )

    def on_kb(kb_id: str | None, request: gr.Request) -> tuple:
        # Another knowledge base: a new conversation, and the filters list its documents.
        docs, types = filter_updates(choice.resolve(request, kb_id))
        return [], None, [], None, docs, types, "", conv_list(access.user(request), None)

    # After the page load and after every accepted choice (ui/kb_choice.py): each user's own conversations and
    # the chosen knowledge base's documents, built per session, never shared between sessions.
    choice.on_change(on_kb, [], [chat, conv_state, turns_state, top_state, doc_filter, type_filter, status, convs])
    return ChatParts(doc_filter, type_filter)
