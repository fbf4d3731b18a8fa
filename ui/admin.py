"""The knowledge-base admin tab: upload (files or a zipped folder) with per-file progress, the document
list, delete and re-index. Every callback checks the admin role on the server before it does anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from ingest.admin import STATUS_NAMES, KBAdmin
from kb.accounts.departments import DEFAULT_KB
from kb.service import KnowledgeBase
from kb.store.authority import EDITABLE, FIELD_NAMES, STATUSES, Authority, Standing, store_for
from ui.auth import Access
from ui.chat import ChatParts, filter_updates
from ui.kb_choice import KBChoice
from ui.render import text

COLUMNS = [
    "文件",
    "标题",
    "作者",
    "单位",
    "日期/版本",
    "类型",
    "发文机关",
    "文号",
    "效力",
    "片段数",
    "字数",
    "状态",
    "错误",
    "更新时间",
]
JOB_COLUMNS = ["任务", "类型", "提交人", "状态", "进度", "说明", "文件", "提交时间", "结束时间", "错误"]
JOB_STATUS = {"queued": "排队中", "running": "处理中", "done": "完成", "failed": "失败"}
JOB_KINDS = {"upload": "上传", "reindex": "重新索引"}
# How often an admin's page reloads the job table while uploads run on the ingest workers.
JOB_POLL_S = 3.0
UPLOAD_TYPES = [".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm", ".png", ".jpg", ".jpeg", ".zip"]


def document_rows(admin: KBAdmin) -> list[list[Any]]:
    """The document table: metadata, chunk count, status and error of every document."""
    docs = admin.documents()
    standings = store_for(admin.index).standings([d for d in docs if d.status == "ready"])
    empty = Standing("", "", "", Authority(), "")
    return [
        [
            d.source,
            d.title,
            d.author,
            d.affiliation,
            d.date,
            standings.get(d.doc_id, empty).meta.kind or d.doc_type,
            standings.get(d.doc_id, empty).meta.issuer,
            standings.get(d.doc_id, empty).meta.number,
            standings.get(d.doc_id, empty).status,
            d.n_chunks,
            d.n_chars,
            STATUS_NAMES.get(d.status, d.status),
            d.error,
            d.updated_at.replace("T", " ")[:19],
        ]
        for d in docs
    ]


def _when(t: float | None) -> str:
    import time

    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) if t else ""


def job_rows(admin: KBAdmin) -> list[list[Any]]:
    """The job table: every recent job of this knowledge base with its state, progress and per-file outcome."""
    rows = []
    for j in admin.recent_jobs():
        files = "；".join(
            f"{f.name}：{STATUS_NAMES.get(f.status, JOB_STATUS.get(f.status, f.status))}"
            + (f"（{f.chunks} 个片段）" if f.chunks else "")
            for f in j.files
        )
        rows.append(
            [
                j.id,
                JOB_KINDS.get(j.kind, j.kind),
                j.owner,
                JOB_STATUS.get(j.status, j.status),
                f"{j.progress:.0%}",
                j.message,
                files,
                _when(j.created),
                _when(j.finished),
                j.error,
            ]
        )
    return rows


def build_admin_tab(
    demo: gr.Blocks, kb: KnowledgeBase, admin: KBAdmin, access: Access, chat: ChatParts, choice: KBChoice | None = None
) -> None:
    """The admin tab's layout and callbacks (call inside the admin gr.Tab).

    It manages the default knowledge base (departments' documents go through the HTTP API); the chat's
    document filters it refreshes only while the page's chooser (`choice`) is on that knowledge base too.
    """
    max_mb = admin.settings.app.max_upload_mb
    # The page's last accepted choice (server-side, so no API parameter); a page without departments: default.
    chosen_kb = choice.accepted if choice is not None else gr.State(DEFAULT_KB)
    gr.Markdown(
        f"<small>此处管理“{text(kb.settings.access.default_kb_name)}”知识库的文档；"
        "各部门知识库的文档通过 HTTP API 管理。</small>"
    )
    with gr.Row():
        files = gr.File(
            label=f"上传文件（可多选；整个文件夹请压缩为 .zip 上传；单个文件不超过 {max_mb} MB）",
            file_count="multiple",
            file_types=UPLOAD_TYPES,
            elem_id="kb-upload",
        )
    with gr.Row():
        upload_btn = gr.Button("上传并索引", variant="primary", elem_id="kb-upload-btn")
        cancel_btn = gr.Button("取消导入", scale=0, elem_id="kb-cancel")
    log = gr.Markdown(elem_id="kb-upload-log")
    table = gr.Dataframe(
        headers=COLUMNS, value=None, interactive=False, wrap=True, label="知识库文档", elem_id="kb-docs"
    )
    jobs_table = gr.Dataframe(
        headers=JOB_COLUMNS,
        value=None,
        interactive=False,
        wrap=True,
        label="导入任务（上传与重新索引；使用任务队列时由导入进程处理）",
        elem_id="kb-jobs",
    )
    # Ticks only for admins of an installation with a queue (turned on by the page load below).
    job_timer = gr.Timer(JOB_POLL_S, active=False)
    with gr.Row():
        chosen = gr.Dropdown(label="选择文档", choices=[], scale=3, elem_id="kb-doc-choice")
        delete_btn = gr.Button("删除", variant="stop", scale=1, elem_id="kb-delete")
        reindex_btn = gr.Button("重新索引", scale=1, elem_id="kb-reindex")
        ocr_btn = gr.Button("全部页面重新 OCR", scale=1, elem_id="kb-reindex-ocr")
        refresh_btn = gr.Button("刷新", scale=1)

    with gr.Accordion("更正文件元数据（类型、发文机关、文号、日期、版本、效力）", open=False):
        gr.Markdown(
            "<small>选择上方的文档后修改；留空表示沿用从文本识别的值。更正保存在索引中，重新索引后仍然有效；"
            "也可以在原文件旁放一个 `文件名.meta.toml`，导入时读取。</small>"
        )
        with gr.Row():
            meta_boxes = {
                k: gr.Textbox(label=FIELD_NAMES[k], elem_id=f"kb-meta-{k}", scale=1) for k in EDITABLE if k != "status"
            }
            meta_status = gr.Dropdown(label="效力", choices=["", *STATUSES], value="", elem_id="kb-meta-status")
        meta_save = gr.Button("保存元数据更正", elem_id="kb-meta-save")

    def refreshed(kb_id: str | None = DEFAULT_KB) -> tuple:
        rows = document_rows(admin)
        # The chat lists another knowledge base's documents when the page is on a department: leave them.
        docs, types = filter_updates(kb) if (kb_id or DEFAULT_KB) == DEFAULT_KB else (gr.skip(), gr.skip())
        return rows, gr.Dropdown(choices=[r[0] for r in rows], value=None), docs, types

    outs = [table, chosen, chat.doc_filter, chat.type_filter]

    def do_upload(
        paths: list[str] | None, kb_id: str | None, request: gr.Request, progress: gr.Progress = gr.Progress()
    ) -> tuple:
        access.require_admin(request)
        if not paths:
            raise gr.Error("请先选择要上传的文件")
        progress(0, desc="保存上传的文件")
        # Gradio keeps the browser's file name as the last part of its temp path.
        named = [(Path(p).name, Path(p)) for p in paths]
        if admin.queued:
            return (_queued_upload(named, request), None, *refreshed(kb_id))
        outcome = admin.upload(named, progress=lambda f, d: progress(f, desc=d))
        access.record(
            request,
            "upload",
            ", ".join(Path(p).name for p in paths),
            files=[(r.path.name, r.status) for r in outcome.results],
            rejected=[x.name for x in outcome.rejected],
        )
        lines = "\n".join(f"- {text(x)}" for x in outcome.lines()) or "- 没有可导入的文件"
        summary = f"**导入完成**（{outcome.seconds:.1f} 秒）\n\n{lines}"
        return (summary, None, *refreshed(kb_id))

    def _queued_upload(named: list[tuple[str, Path]], request: gr.Request) -> str:
        # The files are saved under data_dir/uploads and queued; the ingest workers do the rest.
        try:
            job = admin.enqueue_upload(named, owner=access.user(request), origin=_client(request), channel="web")
        except RuntimeError as exc:
            raise gr.Error(str(exc)) from None
        rejected = [f"- ✗ {text(x['name'])}：{text(x['reason'])}" for x in (job.result or {}).get("rejected", [])]
        head = f"**已加入导入队列**：任务 `{job.id}`，{len(job.files)} 个文件；进度见下方任务表。"
        return "\n\n".join([head, "\n".join(rejected)]) if rejected else head

    upload_btn.click(
        do_upload,
        [files, chosen_kb],
        [log, files, *outs],
        concurrency_limit=1,
        concurrency_id="kb-admin",
        api_name="upload_documents",
    )

    def do_cancel(request: gr.Request) -> str:
        access.require_admin(request)
        admin.cancel()  # the running import stops after its current batch; importing again resumes it
        return "正在取消导入：当前批次完成后停止，未完成的文档再次导入即可继续。"

    # Not in the kb-admin concurrency group: it must run while an upload holds that slot.
    cancel_btn.click(do_cancel, None, [log])

    def do_delete(source: str | None, kb_id: str | None, request: gr.Request) -> tuple:
        access.require_admin(request)
        if not source:
            raise gr.Error("请先选择文档")
        ok = admin.remove(source)
        if ok:
            access.record(request, "delete", source)
        msg = f"已删除 {text(source)}" if ok else f"知识库中没有 {text(source)}"
        return (msg, *refreshed(kb_id))

    delete_btn.click(
        do_delete,
        [chosen, chosen_kb],
        [log, *outs],
        concurrency_limit=1,
        concurrency_id="kb-admin",
        api_name="delete_document",
    )

    def do_reindex(
        source: str | None, kb_id: str | None, request: gr.Request, progress: gr.Progress = gr.Progress()
    ) -> tuple:
        access.require_admin(request)
        if not source:
            raise gr.Error("请先选择文档")
        if admin.queued:
            return (_queued_reindex(source, request, force_ocr=False), *refreshed(kb_id))
        r = admin.reindex(source, progress=lambda f, d: progress(f, desc=d))
        access.record(request, "reindex", source, status=r.status)
        if r.status == "failed":
            msg = f"✗ {text(source)}：{text(r.reason)}"
        else:
            msg = f"✓ 已重新索引 {text(source)}：{r.chunks} 个片段"
        return (msg, *refreshed(kb_id))

    def _queued_reindex(source: str, request: gr.Request, force_ocr: bool) -> str:
        try:
            job = admin.enqueue_reindex(
                source, owner=access.user(request), origin=_client(request), channel="web", force_ocr=force_ocr
            )
        except KeyError:
            raise gr.Error("知识库中没有这个文档") from None
        except RuntimeError as exc:
            raise gr.Error(str(exc)) from None
        return f"**已加入导入队列**：重新索引 {text(source)}，任务 `{job.id}`；进度见下方任务表。"

    reindex_btn.click(
        do_reindex,
        [chosen, chosen_kb],
        [log, *outs],
        concurrency_limit=1,
        concurrency_id="kb-admin",
        api_name="reindex_document",
    )

    def do_reindex_ocr(
        source: str | None, kb_id: str | None, request: gr.Request, progress: gr.Progress = gr.Progress()
    ) -> tuple:
        # For a PDF whose text layer is garbage: every page is read by OCR this time.
        access.require_admin(request)
        if not source:
            raise gr.Error("请先选择文档")
        if not source.lower().endswith(".pdf"):
            raise gr.Error("只有 PDF 文件可以全部页面重新 OCR")
        if admin.queued:
            return (_queued_reindex(source, request, force_ocr=True), *refreshed(kb_id))
        r = admin.reindex(source, progress=lambda f, d: progress(f, desc=d), force_ocr=True)
        if r.status == "failed":
            msg = f"✗ {text(source)}：{text(r.reason)}"
        else:
            msg = f"✓ 已用 OCR 重新识别 {text(source)}：{r.chunks} 个片段"
        return (msg, *refreshed(kb_id))

    ocr_btn.click(do_reindex_ocr, [chosen, chosen_kb], [log, *outs], concurrency_limit=1, concurrency_id="kb-admin")

    meta_fields = [*meta_boxes.values(), meta_status]
    meta_keys = [*meta_boxes.keys(), "status"]

    def load_meta(source: str | None, request: gr.Request) -> list[Any]:
        access.require_admin(request)
        if not source:
            return [""] * len(meta_keys)
        try:
            current = admin.authority_of(source)
        except KeyError:
            raise gr.Error("知识库中没有这个文档") from None
        return [current.get(k, "") for k in meta_keys]

    chosen.change(load_meta, [chosen], meta_fields)

    def save_meta(
        source: str | None,
        kind: str,
        issuer: str,
        number: str,
        written: str,
        published: str,
        effective: str,
        version: str,
        status: str,
        kb_id: str | None,
        request: gr.Request,
    ) -> tuple:
        access.require_admin(request)
        if not source:
            raise gr.Error("请先选择文档")
        values = dict(zip(meta_keys, (kind, issuer, number, written, published, effective, version, status)))
        try:
            admin.correct_authority(source, values)
        except KeyError:
            raise gr.Error("知识库中没有这个文档") from None
        except ValueError as exc:
            raise gr.Error(str(exc)) from None
        return (f"已保存 {text(source)} 的元数据更正", *refreshed(kb_id))

    meta_save.click(
        save_meta, [chosen, *meta_fields, chosen_kb], [log, *outs], concurrency_limit=1, concurrency_id="kb-admin"
    )

    def do_refresh(kb_id: str | None, request: gr.Request) -> tuple:
        access.require_admin(request)
        return (*refreshed(kb_id), job_rows(admin))

    refresh_btn.click(do_refresh, [chosen_kb], [*outs, jobs_table], api_name="list_documents")

    def on_tick(request: gr.Request) -> tuple:
        # Workers change documents and jobs behind this page's back: show both as they are now.
        if not access.is_admin(request):
            return gr.skip(), gr.skip()
        return job_rows(admin), document_rows(admin)

    job_timer.tick(on_tick, None, [jobs_table, table], api_visibility="private", show_progress="hidden")

    def on_load(request: gr.Request) -> tuple:
        # Users never receive the document table, not just a hidden one.
        if not access.is_admin(request):
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        rows = document_rows(admin)
        return rows, gr.Dropdown(choices=[r[0] for r in rows]), job_rows(admin), gr.Timer(active=admin.queued)

    demo.load(on_load, None, [table, chosen, jobs_table, job_timer], api_visibility="private")


def _client(request: gr.Request | None) -> str:
    client = getattr(request, "client", None)
    return getattr(client, "host", "") or ""
