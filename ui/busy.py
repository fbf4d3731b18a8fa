"""The Chinese "server busy" message a visitor sees when the app's bounded queue is full.

Gradio's browser client answers a full queue (HTTP 503 from `queue/join`) with a fixed English sentence
("This application is currently busy. Please try again.") that the server cannot change: the client ignores
the response body on 503, and `gr.I18n` translates labels, not toasts (both checked in Gradio 6.31). For any
other refused join it shows the response's `detail`. So a small script in the page's <head> hands the client
a 429 carrying our message whenever the join comes back 503. The server's answer is unchanged: API clients
(gradio_client raises QueueError on 503) see what they always saw.
"""

from __future__ import annotations

import json

BUSY_MESSAGE = "服务器正忙，请稍后再试。"

_SCRIPT = """<script>
(() => {
  // Queue full (503 from queue/join): show the page's own message instead of Gradio's English one.
  const busy = %s;
  const original = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const response = await original(input, init);
    const url = typeof input === "string" ? input : (input && (input.url || input.href)) || "";
    if (response.status === 503 && /\\/queue\\/join(\\?|$)/.test(String(url))) {
      return new Response(JSON.stringify({ detail: busy }), {
        status: 429,
        headers: { "Content-Type": "application/json" },
      });
    }
    return response;
  };
})();
</script>"""


def busy_head(message: str = BUSY_MESSAGE) -> str:
    """The <head> snippet (for `gr.mount_gradio_app(head=...)`) that shows `message` when the queue is full."""
    return _SCRIPT % json.dumps(message, ensure_ascii=False)
