"""The web app: a thin Gradio layer over `kb` (build, queue, launch)."""

from __future__ import annotations

import sys

import gradio as gr

from kb.factory import build, open_index
from kb.settings import Settings, load_settings
from ui.render import answer_markdown, sources_markdown

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def ensure_sample(settings: Settings) -> None:
    """On first run, index the bundled sample knowledge base."""
    from ingest.pipeline import ingest_paths

    index = open_index(settings)
    try:
        if not index.documents() and settings.sample_dir.is_dir():
            report = ingest_paths(index, [settings.sample_dir])
            print(f"示例知识库：{report.summary()}")
    finally:
        index.close()


def create_app(settings: Settings) -> gr.Blocks:
    kb = build(settings)

    def respond(question: str, history: list[dict]):
        answer = kb.ask(question)
        history = [
            *history,
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer_markdown(answer)},
        ]
        return history, sources_markdown(answer), ""

    with gr.Blocks(title="政策知识库助手") as demo:
        gr.Markdown("## 政策知识库助手\n每句回答都标注出处；知识库里没有的内容，会直接说明。")
        chat = gr.Chatbot(label="问答", height=420, sanitize_html=True)
        box = gr.Textbox(label="问题", placeholder="例如：党员的预备期是多长时间？", submit_btn="提问")
        sources = gr.Markdown(label="出处")
        box.submit(respond, [box, chat], [chat, sources, box])
    return demo


def main() -> int:
    settings = load_settings()
    if settings.app.host not in LOOPBACK:
        print(f"拒绝启动：绑定到 {settings.app.host} 需要先配置用户登录；本机使用请保持 127.0.0.1。", file=sys.stderr)
        return 2
    ensure_sample(settings)
    create_app(settings).queue().launch(server_name=settings.app.host, server_port=settings.app.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
