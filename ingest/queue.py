"""The ingest queue: Celery over Redis, configured from `settings.queue`.

The app, the API and `python -m ingest --enqueue` put one message per file on it
(`enqueue`); `celery -A ingest.tasks worker` processes take them (`ingest/tasks.py`).
Delivery is at least once, on purpose:

* `acks_late`: a message is acknowledged when its file is finished, not when a worker
  takes it, so a worker killed mid-document leaves it on the queue to be done again;
* `reject_on_worker_lost`: when a worker's pool process dies, its message goes back to
  the queue at once instead of being acknowledged as failed;
* prefetch multiplier 1: a worker holds only the file it works on, so the others take
  the rest instead of waiting behind a busy worker;
* Redis's visibility timeout hands a vanished worker's message to another worker.

Doing a file twice is safe: the index's upsert is idempotent and crash-safe (a killed
upsert leaves the document pending, never half visible; `Index.repair` and the next
upsert finish the job), and `JobStore.claim_file` keeps a second worker off a file whose
worker is still alive.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from celery import Celery

    from kb.accounts.jobs import Job
    from kb.settings import Settings

# The task's registered name: the app sends by name, so it never imports the worker's code.
INGEST_FILE = "kb.ingest_file"

_APPS: dict[tuple, Celery] = {}
_APPS_LOCK = threading.Lock()


class QueueUnavailable(RuntimeError):
    """The broker cannot be reached; the message is one Chinese line."""


def celery_app(settings: Settings) -> Celery:
    """The Celery app for the settings' broker (one per broker URL and queue per process)."""
    from celery import Celery

    q = settings.queue
    key = (q.url, q.queue_name, q.visibility_timeout_s)
    with _APPS_LOCK:
        if key not in _APPS:
            app = Celery("kb-ingest", broker=q.url, set_as_current=False)
            app.conf.update(
                task_acks_late=True,
                task_reject_on_worker_lost=True,
                worker_prefetch_multiplier=1,
                task_default_queue=q.queue_name,
                task_serializer="json",
                accept_content=["json"],
                # Outcomes live in the application database (kb.accounts.jobs), not in a result backend.
                task_ignore_result=True,
                broker_connection_retry_on_startup=True,
                broker_transport_options={
                    "visibility_timeout": q.visibility_timeout_s,
                    # Look for vanished workers' messages about ten times per timeout (kombu's default sweep is
                    # every 100 s, far longer than a short timeout).
                    "unacked_restore_interval": max(1, q.visibility_timeout_s // 10),
                    "unacked_restore_throttle": 1,
                },
                # The app must not hang on a broker that is down: three tries, then a clear error.
                task_publish_retry_policy={"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5},
                worker_hijack_root_logger=False,
            )
            _APPS[key] = app
        return _APPS[key]


def enqueue(settings: Settings, job: Job) -> None:
    """Put one message per file of a queued job on the queue; QueueUnavailable when the broker is down."""
    app = celery_app(settings)
    try:
        with app.producer_or_acquire() as producer:
            for f in job.files:
                app.send_task(INGEST_FILE, args=[job.id, f.seq], queue=settings.queue.queue_name, producer=producer)
    except Exception as exc:  # kombu raises OperationalError and friends; the person needs one line
        raise QueueUnavailable(f"任务队列不可用（{settings.queue.url}）：{type(exc).__name__}: {exc}") from exc
