"""The knowledge-base admin tab: upload (files or a zipped folder) with per-file progress, the document
list, delete and re-index. Every callback checks the admin role on the server before it does anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from ingest.admin import STATUS_NAMES, KBAdmin
from kb.service import KnowledgeBase
from ui.auth import Access
from ui.chat import ChatParts, filter_updates
from ui.render import text

COLUMNS = ["文件", "标题", "作者", "单位", "日期/版本", "类型", "片段数", "字数", "状态", "错误", "更新时间"]
UPLOAD_TYPES = [".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm", ".zip"]


def document_rows(admin: KBAdmin) -> list[list[Any]]:
    """The document table: metadata, chunk count, status and error of every document."""
    return [
        [
            d.source,
            d.title,
            d.author,
            d.affiliation,
            d.date,
            d.doc_type,
            d.n_chunks,
            d.n_chars,
            STATUS_NAMES.get(d.status, d.status),
            d.error,
            d.updated_at.replace("T", " ")[:19],
        ]
        for d in admin.documents()
    ]


def build_admin_tab(demo: gr.Blocks, kb: KnowledgeBase, admin: KBAdmin, access: Access, chat: ChatParts) -> None:
    """The admin tab's layout and callbacks (call inside the admin gr.Tab)."""
    max_mb = admin.settings.app.max_upload_mb
    with gr.Row():
        files = gr.File(
            label=f"上传文件（可多选；整个文件夹请压缩为 .zip 上传；单个文件不超过 {max_mb} MB）",
            file_count="multiple",
            file_types=UPLOAD_TYPES,
            elem_id="kb-upload",
        )
    upload_btn = gr.Button("上传并索引", variant="primary", elem_id="kb-upload-btn")
    log = gr.Markdown(elem_id="kb-upload-log")
    table = gr.Dataframe(
        headers=COLUMNS, value=None, interactive=False, wrap=True, label="知识库文档", elem_id="kb-docs"
    )
    with gr.Row():
        chosen = gr.Dropdown(label="选择文档", choices=[], scale=3, elem_id="kb-doc-choice")
        delete_btn = gr.Button("删除", variant="stop", scale=1, elem_id="kb-delete")
        reindex_btn = gr.Button("重新索引", scale=1, elem_id="kb-reindex")
        refresh_btn = gr.Button("刷新", scale=1)

    def refreshed() -> tuple:
        rows = document_rows(admin)
        docs, types = filter_updates(kb)
        return rows, gr.Dropdown(choices=[r[0] for r in rows], value=None), docs, types

    outs = [table, chosen, chat.doc_filter, chat.type_filter]

    def do_upload(paths: list[str] | None, request: gr.Request, progress: gr.Progress = gr.Progress()) -> tuple:
        access.require_admin(request)
        if not paths:
            raise gr.Error("请先选择要上传的文件")
        progress(0, desc="保存上传的文件")
        # Gradio keeps the browser's file name as the last part of its temp path.
        outcome = admin.upload([(Path(p).name, Path(p)) for p in paths], progress=lambda f, d: progress(f, desc=d))
        access.record(
            request,
            "upload",
            ", ".join(Path(p).name for p in paths),
            files=[(r.path.name, r.status) for r in outcome.results],
            rejected=[x.name for x in outcome.rejected],
        )
        lines = "\n".join(f"- {text(x)}" for x in outcome.lines()) or "- 没有可导入的文件"
        summary = f"**导入完成**（{outcome.seconds:.1f} 秒）\n\n{lines}"
        return (summary, None, *refreshed())

    upload_btn.click(
        do_upload,
        [files],
        [log, files, *outs],
        concurrency_limit=1,
        concurrency_id="kb-admin",
        api_name="upload_documents",
    )

    def do_delete(source: str | None, request: gr.Request) -> tuple:
        access.require_admin(request)
        if not source:
            raise gr.Error("请先选择文档")
        ok = admin.remove(source)
        if ok:
            access.record(request, "delete", source)
        msg = f"已删除 {text(source)}" if ok else f"知识库中没有 {text(source)}"
        return (msg, *refreshed())

    delete_btn.click(
        do_delete, [chosen], [log, *outs], concurrency_limit=1, concurrency_id="kb-admin", api_name="delete_document"
    )

    def do_reindex(source: str | None, request: gr.Request, progress: gr.Progress = gr.Progress()) -> tuple:
        access.require_admin(request)
        if not source:
            raise gr.Error("请先选择文档")
        r = admin.reindex(source, progress=lambda f, d: progress(f, desc=d))
        access.record(request, "reindex", source, status=r.status)
        if r.status == "failed":
            msg = f"✗ {text(source)}：{text(r.reason)}"
        else:
            msg = f"✓ 已重新索引 {text(source)}：{r.chunks} 个片段"
        return (msg, *refreshed())

    reindex_btn.click(
        do_reindex, [chosen], [log, *outs], concurrency_limit=1, concurrency_id="kb-admin", api_name="reindex_document"
    )

    def do_refresh(request: gr.Request) -> tuple:
        access.require_admin(request)
        return refreshed()

    refresh_btn.click(do_refresh, None, outs, api_name="list_documents")

    def on_load(request: gr.Request) -> tuple:
        # Users never receive the document table, not just a hidden one.
        if not access.is_admin(request):
            return gr.skip(), gr.skip()
        rows = document_rows(admin)
        return rows, gr.Dropdown(choices=[r[0] for r in rows])

    demo.load(on_load, None, [table, chosen], api_visibility="private")
