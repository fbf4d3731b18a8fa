"""The trainer and onboarding tabs: 党课素材 (packs), 文库与术语 (library and glossary), 自测 (self-tests).

Callbacks call `kb` (pack, export, library, glossary, quiz, progress) and render what
comes back; every piece of document text goes through `ui.render.text` (or
`citation_card`, which uses it), so a document can never inject markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import gradio as gr

from kb.accounts.db import open_db
from kb.accounts.departments import DEFAULT_KB
from kb.learn import library, progress
from kb.learn.export import note_text, to_docx, to_markdown
from kb.learn.glossary import Entry, attach, open_glossary
from kb.learn.pack import FIGURE, OUTLINE, PART_TITLES, PARTS, QUOTE, Pack, build_pack, move, remove
from kb.learn.quiz import CHOICE, Question, grade, option_label, quiz_for
from kb.store.authority import standing_of, standing_rows
from kb.types import Citation
from ui.downloads import downloads
from ui.kb_choice import KBChoice
from ui.render import citation_card, text

if TYPE_CHECKING:
    from kb.service import KnowledgeBase
    from kb.settings import Settings

_NUMERALS = "一二三四五六七八九十"
LIBRARY_TAB = "workflow-library"


# -- rendering (pure) -----------------------------------------------------------------


def doc_choices(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """(label, doc_id) of every ready document."""
    return [(f"{d.title or d.source}（{d.source}）", d.doc_id) for d in library.documents(kb.index)]


def fresh_choices(choices: list[tuple[str, str]] | list[str], current: Any, multiselect: bool = False) -> Any:
    """A dropdown update with today's `choices`, keeping the current value(s) that still exist.

    The choices are filled when the app is built; documents uploaded, deleted or re-indexed (and
    glossary terms rebuilt) since then appear only through this update. A value whose document is
    gone is dropped, since Gradio refuses a value that is not among the choices.
    """
    keys = {c[1] if isinstance(c, tuple) else c for c in choices}
    if multiselect:
        kept: Any = [v for v in (current or []) if v in keys]
        still = kept == list(current or [])
    else:
        kept = current if current in keys else None
        still = kept == current
    # Untouched values are not sent back: an event that set the value meanwhile (a jump to a citation) wins.
    return gr.update(choices=choices) if still else gr.update(choices=choices, value=kept)


def _cite_line(c: Citation, quote: bool = True) -> str:
    return f"<small>{text(note_text(c, quote))}</small>"


def pack_markdown(pack: Pack | None) -> str:
    """A pack as safe Markdown: parts, numbered items, each with its note; the notes at the end."""
    if pack is None:
        return ""
    notes: dict[tuple[str, str], int] = {}
    lines = [f"## 党课素材包：{text(pack.topic)}", ""]
    if missing := pack.missing_parts():
        lines += [f"⚠️ 缺少：{'、'.join(missing)}（知识库中没有找到合适的内容）", ""]
    for i, kind in enumerate(k for k in PARTS if pack.part(k)):
        lines += [f"### {_NUMERALS[i]}、{PART_TITLES[kind]}", ""]
        for n, item in enumerate(pack.part(kind), 1):
            key = (item.citation.chunk_id, item.citation.quote)
            mark = notes.setdefault(key, len(notes) + 1)
            body = text(item.text)
            if item.kind == QUOTE:
                body = f"“{body}”"
            elif item.kind == FIGURE:
                body = f"**{text(item.label)}**：{body}"
            lines.append(f"{n}. {body} <sup>[{mark}]</sup> <small>`{item.item_id}`</small>")
            if item.kind == OUTLINE and item.citation.quote != item.text:
                lines.append(f"   要点：“{text(item.citation.quote)}”")
        lines.append("")
    lines += ["### 注释", ""]
    by_mark = {m: k for k, m in notes.items()}
    cites = {(i.citation.chunk_id, i.citation.quote): i.citation for i in pack.items}
    lines += [f"{m}\\. {_cite_line(cites[by_mark[m]])}  " for m in sorted(by_mark)]
    return "\n".join(lines)


def item_choices(pack: Pack | None) -> list[tuple[str, str]]:
    """(label, item_id) of every item, for the edit dropdown."""
    if pack is None:
        return []
    return [(f"[{PART_TITLES[i.kind]}] {i.text[:40]}", i.item_id) for i in pack.items]


def _export_files(pack: Pack) -> tuple[str, str]:
    # One folder per export: two trainers with the same topic never overwrite each other's file.
    folder = downloads().folder("pack-")
    stem = re.sub(r"[^\w\u4e00-\u9fff]+", "_", pack.topic).strip("_")[:40] or "pack"
    docx = to_docx(pack, folder / f"党课素材包_{stem}.docx")
    md = folder / f"党课素材包_{stem}.md"
    md.write_text(to_markdown(pack), encoding="utf-8")
    return str(docx), str(md)


def entry_markdown(e: Entry | None) -> str:
    """A glossary entry: the term, how it was found, its cited explanation and an admin's note."""
    if e is None:
        return ""
    lines = [f"#### {text(e.term)}　<small>{text(e.kind)} · 出现 {e.occurrences} 次</small>", ""]
    for n, c in enumerate(e.citations, 1):
        lines.append(f"{n}\\. “{text(c.quote)}”  \n{_cite_line(c, quote=False)}")
    if e.note:
        lines.append(f"\n说明（管理员）：{text(e.note)}")
    return "\n".join(lines)


def glossary_rows(entries: list[Entry]) -> list[list[str]]:
    """Rows of the glossary table: term, kind, explanation excerpt, source."""
    rows = []
    for e in entries:
        first = e.citations[0] if e.citations else None
        where = f"《{first.title}》{first.location}" if first else ""
        rows.append([e.term, e.kind, e.definition(80) or e.note[:80], where])
    return rows


def section_markdown(chunks: list, highlight: tuple[str, str] | None = None) -> str:  # type: ignore[type-arg]
    """Chunks of a document section, in order, each under its place; `highlight` = (chunk_id, quote)."""
    out: list[str] = []
    last_title = None
    for c in chunks:
        if c.title != last_title and c.author:
            out.append(f"#### 《{text(c.title)}》 <small>{text(c.author)}</small>")
            last_title = c.title
        place = c.heading_path or c.location
        out.append(f"<small>{text(place)}</small>")
        body = c.text
        if highlight and c.chunk_id == highlight[0] and highlight[1] in body:
            i = body.find(highlight[1])
            rendered = f"{text(body[:i])}<mark>{text(highlight[1])}</mark>{text(body[i + len(highlight[1]) :])}"
        else:
            rendered = text(body)
        out.append(rendered.replace("\n\n", "\n").replace("\n", "  \n") + "\n")
    return "\n\n".join(out) or "（该部分没有正文）"


def doc_meta_markdown(kb: KnowledgeBase, doc_id: str) -> str:
    """A document's metadata, and for a newspaper page its articles with authors."""
    d = library.document(kb.index, doc_id)
    if d is None:
        return ""
    rows = [
        ("标题", d.title),
        ("作者", d.author),
        ("单位", d.affiliation),
        ("日期/版本", d.date),
        ("类型", d.doc_type),
        ("文件", d.source),
        ("篇幅", f"{d.n_chars} 字，{d.n_chunks} 段"),
    ]
    lines = [f"- **{k}**：{text(v)}" for k, v in rows if v]
    standing = standing_of(kb.index, doc_id)
    if standing is not None:
        lines += [f"- **{k}**：{text(v)}" for k, v in standing_rows(standing)]
        lines += [f"- ⚠️ {text(w)}" for w in standing.warnings]
    arts = library.articles(kb.index.chunks_of(doc_id))
    if arts:
        lines.append("- **文章**：")
        lines += [f"    - 《{text(t)}》 {text(a)}{('（' + text(f) + '）') if f else ''}" for t, a, f in arts]
    return "\n".join(lines)


def question_markdown(q: Question, i: int, n: int) -> str:
    """The question text (the stem is document text, escaped)."""
    kind = "选择题" if q.kind == CHOICE else "填空题"
    return f"**第 {i + 1}/{n} 题（{kind}）** <small>{text(q.topic)}</small>\n\n{text(q.stem)}"


def progress_markdown(p: progress.Progress) -> str:
    """A user's progress: documents read, score, weak topics."""
    lines = [f"**学习进度：{text(p.user)}**", ""]
    lines.append(
        f"- 已读文档：{len(p.documents_read)} 篇"
        + (f"（{text('、'.join(p.documents_read[:6]))}）" if p.documents_read else "")
    )
    lines.append(f"- 自测：答题 {p.answered} 道，答对 {p.correct} 道，正确率 {p.score:.0%}")
    if p.weak_topics:
        weak = "；".join(f"{text(t)}（{r}/{n}）" for t, r, n in p.weak_topics[:5])
        lines.append(f"- 薄弱环节：{weak}")
    return "\n".join(lines)


# -- the tabs ---------------------------------------------------------------------------


def add_workflow_tabs(
    kb: KnowledgeBase, settings: Settings, access: Any = None, choice: KBChoice | None = None
) -> None:
    """Add the 党课素材, 文库与术语 and 自测 tabs; call inside an open `gr.Tabs()` of a `gr.Blocks`.

    They work on the knowledge base chosen in `choice`, the page's chooser (ui/kb_choice.py), checked
    on the server in every callback; without one, on `kb`. `access` is the app's `ui.auth.Access` when it has
    one (the audit log, the user's name); without it, the local user of an app without login may edit the glossary.
    """
    db = open_db(settings)  # learning progress: the installation's application database, whatever knowledge base
    attach(kb)  # builds the default's glossary on first use and wires it into retrieval (departments: kb/factory.py)
    if choice is None:  # a page without the chooser: rendered in the first tab (a gr.Tabs holds only tabs)
        choice = KBChoice(kb, access)
    # The enclosing gr.Tabs, so "jump to the source" can switch to the library tab.
    parent = gr.context.Context.block
    tabs = parent if isinstance(parent, gr.Tabs) else None

    def username(request: gr.Request | None) -> str | None:
        if access is not None:
            return access.user(request)
        return getattr(request, "username", None) if request is not None else None

    def record(request: gr.Request | None, action: str, target: str, kb_id: str | None, **detail: Any) -> None:
        if access is not None:
            access.record(request, action, target, kb=kb_id or DEFAULT_KB, **detail)  # the audit log

    lib = _LibraryParts()
    pack = _pack_tab(choice, tabs, record)
    _library_tab(choice, db, lib, username, record)
    # The pack's "在文库中查看出处" needs the library's components, which exist only now.
    pack.source.click(pack.on_source, [choice.component, *pack.inputs], lib.outputs(tabs), api_visibility="private")
    _quiz_tab(choice, db, lib, username, tabs)


@dataclass
class _PackParts:
    """What the library wiring needs from the pack tab."""

    source: gr.Button
    on_source: Any
    inputs: list[Any]


class _LibraryParts:
    """The library components the other tabs update when a reader jumps from a citation to its place."""

    doc: gr.Dropdown
    node: gr.Dropdown
    meta: gr.Markdown
    body: gr.Markdown

    def outputs(self, tabs: gr.Tabs | None) -> list[Any]:
        return [self.doc, self.node, self.meta, self.body] + ([tabs] if tabs is not None else [])


def _jump(kb: KnowledgeBase, chunk_id: str, quote: str, tabs: gr.Tabs | None) -> list[Any]:
    """Library updates that open the cited chunk's section with the quote marked (and switch to the tab)."""
    where = library.locate(kb.index, chunk_id)
    if where is None:
        raise gr.Error("出处所在的文档已不在知识库中")
    nodes = library.flatten(library.structure(kb.index.chunks_of(where.doc.doc_id)))
    chunks = library.section_chunks(kb.index, where.doc.doc_id, where.node_key)
    out = [
        gr.Dropdown(value=where.doc.doc_id),
        gr.Dropdown(choices=_node_choices(nodes), value=where.node_key),
        doc_meta_markdown(kb, where.doc.doc_id),
        section_markdown(chunks, (chunk_id, quote)),
    ]
    return out + ([gr.Tabs(selected=LIBRARY_TAB)] if tabs is not None else [])


def _node_choices(nodes: list[library.Node]) -> list[tuple[str, str]]:
    return [("　" * n.depth + n.label, n.key) for n in nodes]


def _pack_tab(choice: KBChoice, tabs: gr.Tabs | None, record: Any) -> _PackParts:
    with gr.Tab("党课素材", id="workflow-pack") as tab:
        kb_choice = choice.component if choice.component is not None else choice.render()
        gr.Markdown("输入主题，从知识库中整理党课素材：提纲、重要论述、数据、案例和讨论题。每条素材都注明出处。")
        with gr.Row():
            topic = gr.Textbox(
                label="主题", placeholder="例如：机关党建与业务融合、生态环境保护", scale=3, elem_id="pack-topic"
            )
            docs = gr.Dropdown(
                label="只用这些文档（可不选）",
                choices=choice.page_choices(doc_choices),
                multiselect=True,
                scale=3,
                elem_id="pack-docs",
            )
            make = gr.Button("生成素材包", variant="primary", scale=1, elem_id="pack-generate")
        state = gr.State(None)
        view = gr.Markdown(elem_id="pack-view")
        with gr.Row():
            item = gr.Dropdown(label="选择条目（调整顺序或删除）", choices=[], scale=3, elem_id="pack-item")
            up = gr.Button("上移", scale=0, elem_id="pack-up")
            down = gr.Button("下移", scale=0, elem_id="pack-down")
            drop = gr.Button("删除", scale=0, variant="stop", elem_id="pack-remove")
            source = gr.Button("在文库中查看出处", scale=0, elem_id="pack-source")
        with gr.Row():
            get_docx = gr.DownloadButton("下载 DOCX", value=None, interactive=False, elem_id="pack-docx")
            get_md = gr.DownloadButton("下载 Markdown", value=None, interactive=False, elem_id="pack-md")

        def refreshed(pack: Pack, selected: str | None = None) -> tuple:
            try:
                docx, md = _export_files(pack)
            except (ValueError, OSError) as exc:
                # A character DOCX cannot hold, a full disk: say what failed instead of Gradio's bare "Error".
                raise gr.Error(f"素材包导出失败：{exc}") from exc
            ids = [i.item_id for i in pack.items]
            return (
                pack,
                pack_markdown(pack),
                gr.Dropdown(choices=item_choices(pack), value=selected if selected in ids else None),
                gr.DownloadButton(value=docx, interactive=True),
                gr.DownloadButton(value=md, interactive=True),
            )

        def on_make(t: str, doc_ids: list[str] | None, kb_id: str | None, request: gr.Request) -> tuple:
            base = choice.resolve(request, kb_id)
            try:
                pack = build_pack(base, t, doc_ids or None)
            except ValueError as exc:
                raise gr.Error(str(exc)) from exc
            record(request, "pack", t, kb_id, items=len(pack.items))
            return refreshed(pack)

        def on_move(pack: Pack | None, item_id: str | None, offset: int) -> tuple:
            if pack is None or not item_id:
                raise gr.Error("请先生成素材包并选择一个条目")
            return refreshed(move(pack, item_id, offset), item_id)

        def on_remove(pack: Pack | None, item_id: str | None) -> tuple:
            if pack is None or not item_id:
                raise gr.Error("请先生成素材包并选择一个条目")
            return refreshed(remove(pack, item_id))

        def on_source(kb_id: str | None, pack: Pack | None, item_id: str | None, request: gr.Request) -> list[Any]:
            base = choice.resolve(request, kb_id)
            found = next((i for i in (pack.items if pack else []) if i.item_id == item_id), None)
            if found is None:
                raise gr.Error("请先选择一个条目")
            return _jump(base, found.citation.chunk_id, found.citation.quote, tabs)

        outs = [state, view, item, get_docx, get_md]
        make.click(on_make, [topic, docs, kb_choice], outs, api_name="make_pack")
        topic.submit(on_make, [topic, docs, kb_choice], outs, api_visibility="private")
        up.click(lambda p, i: on_move(p, i, -1), [state, item], outs, api_visibility="private")
        down.click(lambda p, i: on_move(p, i, 1), [state, item], outs, api_visibility="private")
        drop.click(on_remove, [state, item], outs, api_visibility="private")

        def on_kb(kb_id: str | None, request: gr.Request) -> tuple:
            # Another knowledge base: its documents, and no pack made from the one before.
            base = choice.resolve(request, kb_id)
            empty = gr.DownloadButton(value=None, interactive=False)
            return (
                None,
                "",
                gr.Dropdown(choices=[], value=None),
                empty,
                empty,
                gr.Dropdown(choices=doc_choices(base), value=[]),
            )

        choice.on_change(on_kb, [], [*outs, docs])

        # Documents uploaded or deleted since the page was opened: refresh the choices whenever the tab is opened.
        def on_select(kb_id: str | None, picked: list[str] | None, request: gr.Request) -> Any:
            return fresh_choices(doc_choices(choice.resolve(request, kb_id)), picked, multiselect=True)

        tab.select(on_select, [kb_choice, docs], [docs], api_visibility="private")
        return _PackParts(source, on_source, [state, item])


def _library_tab(choice: KBChoice, db, lib: _LibraryParts, username, record) -> None:  # type: ignore[no-untyped-def]
    kb_choice = choice.component
    first_entries = choice.page_choices(lambda kb: open_glossary(kb).entries())
    with gr.Tab("文库与术语", id=LIBRARY_TAB) as tab:
        with gr.Row():
            with gr.Column(scale=1):
                lib.doc = gr.Dropdown(label="文档", choices=choice.page_choices(doc_choices), elem_id="library-doc")
                lib.node = gr.Dropdown(label="目录（章、条、文章、小节）", choices=[], elem_id="library-node")
                lib.meta = gr.Markdown(elem_id="library-meta")
            with gr.Column(scale=2):
                lib.body = gr.Markdown(elem_id="library-text")
        gr.Markdown("### 术语表\n政策文件中的缩略语，释义均摘自原文并注明出处。")
        with gr.Row():
            search = gr.Textbox(label="查找术语", scale=2, elem_id="glossary-search")
            term = gr.Dropdown(
                label="查看术语", choices=[e.term for e in first_entries], scale=2, elem_id="glossary-term"
            )
        table = gr.Dataframe(
            headers=["术语", "类型", "释义（原文摘录）", "出处"],
            value=glossary_rows(first_entries),
            interactive=False,
            wrap=True,
            elem_id="glossary-table",
        )
        entry_view = gr.Markdown(elem_id="glossary-entry")
        entry_source = gr.Button("在文库中查看术语出处", size="sm", elem_id="glossary-source")
        # Shown to those who may change the chosen knowledge base (editors and admins of it); checked again on save.
        with gr.Accordion(
            "编辑术语表（本知识库的编辑、管理员）", open=False, visible=choice.services is None, elem_id="glossary-edit"
        ) as edit_box:
            with gr.Row():
                e_term = gr.Textbox(label="术语", elem_id="glossary-edit-term")
                e_quote = gr.Textbox(
                    label="释义原文（须与文档逐字一致；留空则自动从文本中查找）", elem_id="glossary-edit-quote"
                )
                e_note = gr.Textbox(label="说明（可选，单独显示）", elem_id="glossary-edit-note")
            with gr.Row():
                save = gr.Button("保存术语", variant="primary", elem_id="glossary-save")
                delete = gr.Button("删除术语", variant="stop", elem_id="glossary-delete")
                rebuild = gr.Button("从文本重建术语表", elem_id="glossary-rebuild")
            e_status = gr.Markdown(elem_id="glossary-status")

        def on_doc(doc_id: str | None, kb_id: str | None, request: gr.Request) -> tuple:
            base = choice.resolve(request, kb_id)
            if not doc_id:
                return gr.Dropdown(choices=[], value=None), "", ""
            nodes = library.flatten(library.structure(base.index.chunks_of(doc_id)))
            first = nodes[0].key if nodes else None
            d = library.document(base.index, doc_id)
            if d is not None:
                progress.record_read(db, username(request), d.source, d.title)
            chunks = library.section_chunks(base.index, doc_id, first)
            return (
                gr.Dropdown(choices=_node_choices(nodes), value=first),
                doc_meta_markdown(base, doc_id),
                section_markdown(chunks),
            )

        def on_node(doc_id: str | None, key: str | None, kb_id: str | None, request: gr.Request) -> str:
            base = choice.resolve(request, kb_id)
            if not doc_id or not key:
                return gr.skip()
            return section_markdown(library.section_chunks(base.index, doc_id, key))

        lib.doc.input(on_doc, [lib.doc, kb_choice], [lib.node, lib.meta, lib.body], api_name="read_document")
        lib.node.input(on_node, [lib.doc, lib.node, kb_choice], [lib.body], api_name="read_section")

        def listing(base: KnowledgeBase, q: str = "") -> tuple:
            entries = open_glossary(base).entries(q or "")
            return glossary_rows(entries), gr.Dropdown(choices=[e.term for e in entries])

        def on_search(q: str, kb_id: str | None, request: gr.Request) -> tuple:
            return listing(choice.resolve(request, kb_id), q)

        def on_term(t: str | None, kb_id: str | None, request: gr.Request) -> str:
            base = choice.resolve(request, kb_id)
            return entry_markdown(open_glossary(base).get(t)) if t else ""

        search.change(on_search, [search, kb_choice], [table, term], api_name="search_glossary")
        term.input(on_term, [term, kb_choice], [entry_view], api_name="glossary_entry")

        def on_save(t: str, quote: str, note: str, q: str, kb_id: str | None, request: gr.Request) -> tuple:
            base = choice.resolve(request, kb_id, "editor")
            glossary = open_glossary(base)
            try:
                e = glossary.save(t, quote, note, user=username(request))
            except ValueError as exc:
                raise gr.Error(str(exc)) from exc
            glossary.sync(base)
            record(request, "glossary.save", e.term, kb_id)
            rows, choices = listing(base, q)
            return rows, choices, entry_markdown(e), f"已保存：{text(e.term)}"

        def on_delete(t: str, q: str, kb_id: str | None, request: gr.Request) -> tuple:
            base = choice.resolve(request, kb_id, "editor")
            glossary = open_glossary(base)
            if not glossary.remove((t or "").strip(), user=username(request)):
                raise gr.Error(f"术语表中没有“{t}”")
            glossary.sync(base)
            record(request, "glossary.remove", (t or "").strip(), kb_id)
            rows, choices = listing(base, q)
            return rows, choices, "", f"已删除：{text(t)}"

        def on_rebuild(q: str, kb_id: str | None, request: gr.Request) -> tuple:
            base = choice.resolve(request, kb_id, "editor")
            glossary = open_glossary(base)
            entries = glossary.rebuild()
            glossary.sync(base)
            record(request, "glossary.rebuild", "", kb_id)
            rows, choices = listing(base, q)
            return rows, choices, "", f"已从文本重建：共 {len(entries)} 条术语（管理员修改的条目保留）"

        def on_entry_source(t: str | None, kb_id: str | None, request: gr.Request) -> list[Any]:
            base = choice.resolve(request, kb_id)
            e = open_glossary(base).get(t) if t else None
            if e is None or not e.citations:
                raise gr.Error("请先选择一个有出处的术语")
            return _jump(base, e.citations[0].chunk_id, e.citations[0].quote, None)

        # Same tab: the library above scrolls into view with the quote marked.
        entry_source.click(on_entry_source, [term, kb_choice], lib.outputs(None), api_visibility="private")
        edited = [table, term, entry_view, e_status]
        save.click(on_save, [e_term, e_quote, e_note, search, kb_choice], edited, api_name="save_term")
        delete.click(on_delete, [e_term, search, kb_choice], edited, api_name="remove_term")
        rebuild.click(on_rebuild, [search, kb_choice], edited, api_name="rebuild_glossary")

        def on_select(kb_id: str | None, doc_id: str | None, t: str | None, q: str, request: gr.Request) -> tuple:
            base = choice.resolve(request, kb_id)
            # Uploads and deletions since the page was opened change the documents and (via on_change) the glossary.
            choices = doc_choices(base)
            doc = fresh_choices(choices, doc_id)
            gone = bool(doc_id) and doc_id not in {c[1] for c in choices}
            # The open document was deleted: its table of contents and text go with it.
            cleared = (gr.Dropdown(choices=[], value=None), "", "") if gone else (gr.skip(), gr.skip(), gr.skip())
            entries = open_glossary(base).entries(q or "")
            return doc, *cleared, glossary_rows(entries), fresh_choices([e.term for e in entries], t)

        tab.select(
            on_select,
            [kb_choice, lib.doc, term, search],
            [lib.doc, lib.node, lib.meta, lib.body, table, term],
            api_visibility="private",
        )

        def on_kb(kb_id: str | None, request: gr.Request) -> tuple:
            # Another knowledge base: its documents and glossary; nothing of the one before stays open.
            base = choice.resolve(request, kb_id)
            entries = open_glossary(base).entries()
            return (
                gr.Dropdown(choices=doc_choices(base), value=None),
                gr.Dropdown(choices=[], value=None),
                "",
                "",
                "",
                glossary_rows(entries),
                gr.Dropdown(choices=[e.term for e in entries], value=None),
                "",
                "",
                gr.Accordion(visible=choice.may(request, kb_id, "editor")),
            )

        choice.on_change(
            on_kb,
            [],
            [lib.doc, lib.node, lib.meta, lib.body, search, table, term, entry_view, e_status, edit_box],
        )


def _quiz_tab(choice: KBChoice, db, lib: _LibraryParts, username, tabs) -> None:  # type: ignore[no-untyped-def]
    kb_choice = choice.component
    with gr.Tab("自测", id="workflow-quiz") as tab:
        with gr.Row():
            docs = gr.Dropdown(
                label="出题范围（可不选，默认全部文档）",
                choices=choice.page_choices(doc_choices),
                multiselect=True,
                scale=3,
                elem_id="quiz-docs",
            )
            count = gr.Slider(5, 30, value=10, step=1, label="题数", scale=1)
            start = gr.Button("生成试题", variant="primary", scale=1, elem_id="quiz-start")
        state = gr.State(None)  # {"questions": [...], "i": int, "right": int, "done": set}
        head = gr.Markdown(elem_id="quiz-question")
        choice_box = gr.Radio(label="选择答案", choices=[], visible=False, elem_id="quiz-choice")
        blank = gr.Textbox(label="填写空缺处", visible=False, elem_id="quiz-blank")
        with gr.Row():
            submit = gr.Button("提交答案", variant="primary", elem_id="quiz-submit")
            nxt = gr.Button("下一题", elem_id="quiz-next")
            source = gr.Button("在文库中查看原文", elem_id="quiz-source")
        feedback = gr.Markdown(elem_id="quiz-feedback")
        mine = gr.Markdown(elem_id="quiz-progress")

        def show(st: dict) -> tuple:
            qs: list[Question] = st["questions"]
            if st["i"] >= len(qs):
                done = f"**本次自测完成：答对 {st['right']}/{len(qs)} 题。**"
                return st, done, gr.Radio(visible=False, value=None), gr.Textbox(visible=False, value=""), ""
            q = qs[st["i"]]
            is_choice = q.kind == CHOICE
            return (
                st,
                question_markdown(q, st["i"], len(qs)),
                gr.Radio(choices=[option_label(q, j) for j in range(len(q.options))], value=None, visible=is_choice),
                gr.Textbox(value="", visible=not is_choice),
                "",
            )

        def on_start(
            doc_ids: list[str] | None, n: float, st: dict | None, kb_id: str | None, request: gr.Request
        ) -> tuple:
            base = choice.resolve(request, kb_id)
            # A new seed per round in this session, so "生成试题" again gives another set; the same seed gives the same.
            seed = (st or {}).get("seed", -1) + 1
            qs = quiz_for(base.index, doc_ids or None, n=int(n), seed=seed)
            if not qs:
                raise gr.Error("所选文档中没有可出题的句子")
            return (*show({"questions": qs, "i": 0, "right": 0, "answered": False, "seed": seed}), _mine(request))

        def on_submit(st: dict | None, picked: str | None, typed: str, request: gr.Request) -> tuple:
            if not st or st["i"] >= len(st["questions"]):
                raise gr.Error("请先生成试题")
            if st.get("answered"):
                raise gr.Error("本题已作答，请点“下一题”")
            q: Question = st["questions"][st["i"]]
            given = (picked or "").split(". ", 1)[-1] if q.kind == CHOICE else typed
            if not (given or "").strip():
                raise gr.Error("请先作答")
            g = grade(q, given)
            progress.record_answer(db, username(request), g)
            st = {**st, "right": st["right"] + g.correct, "answered": True}
            verdict = "✓ **回答正确**" if g.correct else f"✗ **回答错误**，正确答案：{text(q.answer)}"
            card = citation_card(q.citation)
            return st, f"{verdict}\n\n原文出处：\n\n{card}", _mine(request)

        def on_next(st: dict | None) -> tuple:
            if not st:
                raise gr.Error("请先生成试题")
            st = {**st, "i": st["i"] + 1, "answered": False}
            return show(st)

        def on_source(st: dict | None, kb_id: str | None, request: gr.Request) -> list[Any]:
            base = choice.resolve(request, kb_id)
            if not st or st["i"] >= len(st["questions"]) or not st.get("answered"):
                raise gr.Error("作答后可以查看原文")
            q: Question = st["questions"][st["i"]]
            return _jump(base, q.citation.chunk_id, q.citation.quote, tabs)

        def _mine(request: gr.Request | None) -> str:
            return progress_markdown(progress.progress(db, username(request)))

        shown = [state, head, choice_box, blank, feedback]
        start.click(on_start, [docs, count, state, kb_choice], shown + [mine], api_name="start_quiz")
        submit.click(on_submit, [state, choice_box, blank], [state, feedback, mine], api_name="submit_answer")
        blank.submit(on_submit, [state, choice_box, blank], [state, feedback, mine], api_visibility="private")
        nxt.click(on_next, [state], shown, api_name="next_question")
        source.click(on_source, [state, kb_choice], lib.outputs(tabs), api_visibility="private")

        def on_select(kb_id: str | None, picked: list[str] | None, request: gr.Request) -> tuple:
            # Progress changes in other tabs; documents are uploaded or deleted in the admin tab.
            base = choice.resolve(request, kb_id)
            return _mine(request), fresh_choices(doc_choices(base), picked, multiselect=True)

        tab.select(on_select, [kb_choice, docs], [mine, docs], api_visibility="private")

        def on_kb(kb_id: str | None, request: gr.Request) -> tuple:
            # Another knowledge base: its documents, and no round of questions from the one before.
            base = choice.resolve(request, kb_id)
            hidden = (gr.Radio(visible=False, value=None), gr.Textbox(visible=False, value=""))
            return None, "", *hidden, "", gr.Dropdown(choices=doc_choices(base), value=[])

        choice.on_change(on_kb, [], [*shown, docs])
