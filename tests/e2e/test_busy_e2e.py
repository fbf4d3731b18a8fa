"""A full queue, seen in Debian's chromium: the visitor is told in Chinese that the server is busy.

The app runs with a queue of one waiting request and one answer at a time (`KB_LIMITS__QUEUE_MAX_SIZE=1`,
`KB_LIMITS__CHAT_CONCURRENCY=1`) while eight `gradio_client` sessions keep asking, so a question from the
browser finds the queue full.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from kb.cli.loadbench import start_app, stop_app
from tests.e2e.appserver import CHROMIUM, SAMPLE, app_env, run
from ui.busy import BUSY_MESSAGE

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def busy_url(tmp_path_factory) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (make system-deps) to run the browser tests")
    data = tmp_path_factory.mktemp("busy") / "kb"
    r = run(["-m", "ingest", str(SAMPLE)], app_env(data))
    assert r.returncode == 0, r.stderr
    proc, url = start_app(
        SAMPLE.parents[1], data, {"KB_LIMITS__QUEUE_MAX_SIZE": "1", "KB_LIMITS__CHAT_CONCURRENCY": "1"}
    )
    try:
        yield url
    finally:
        stop_app(proc)


class Crowd:
    """Sessions asking questions in a loop until stopped; the errors the API clients saw."""

    def __init__(self, url: str, size: int) -> None:
        from gradio_client import Client

        self.stop = threading.Event()
        self.errors: list[str] = []
        self.clients = [Client(url, verbose=False) for _ in range(size)]
        self.threads = [threading.Thread(target=self._ask, args=(c,), daemon=True) for c in self.clients]

    def _ask(self, client) -> None:  # type: ignore[no-untyped-def]
        while not self.stop.is_set():
            try:
                client.predict("株洲市城管系统有多少名党员干部奋战一线？", [], None, None, api_name="/respond")
            except Exception as exc:  # noqa: BLE001 - a full queue is what the crowd is for
                self.errors.append(str(exc))

    def __enter__(self) -> Crowd:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)
        for c in self.clients:
            c.close()


def test_a_visitor_who_finds_the_queue_full_is_told_in_chinese_that_the_server_is_busy(page: Page, busy_url: str):
    page.goto(busy_url)
    box = page.locator("#kb-question textarea")
    box.wait_for(timeout=60_000)
    busy = page.get_by_text(BUSY_MESSAGE).first
    with Crowd(busy_url, 8) as crowd:
        for _ in range(20):
            box.fill("动力党建·合力攻坚工程是什么？")
            box.press("Enter")
            try:
                busy.wait_for(timeout=5_000)
                break
            except Exception:  # noqa: BLE001 - this one got through the queue; ask again
                continue
        expect(busy).to_be_visible()
        expect(page.get_by_text("currently busy")).to_have_count(0)
    # The server's own answer is unchanged for programs: gradio_client still reports a full queue.
    assert any("full" in e.lower() for e in crowd.errors), crowd.errors[:3]
