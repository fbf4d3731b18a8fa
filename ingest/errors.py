"""The one exception ingestion raises for a file it cannot take."""

from __future__ import annotations


class IngestError(Exception):
    """A file that cannot be ingested; str(exc) is a one-line reason in Chinese for a person, no traceback."""
