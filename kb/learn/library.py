"""The document library: documents with their metadata, their structure tree, and where a chunk sits in it.

The structure comes from what ingest already stored on each chunk (the article
title on a newspaper page, the heading path `第一章 党员 > 第七条` of a law or the
party constitution), so reading by structure needs no second parse of the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kb.store.manifest import READY, DocRecord
from kb.types import Chunk

if TYPE_CHECKING:
    from kb.store.index import Index

SEP = " > "


@dataclass
class Node:
    """One place in a document's structure (chapter, article, newspaper article, section) and its chunks."""

    key: str  # the path of labels joined by " > ", unique within the document
    label: str
    depth: int
    chunk_ids: list[str] = field(default_factory=list)  # chunks directly under this node, reading order
    children: list[Node] = field(default_factory=list)

    def all_chunk_ids(self) -> list[str]:
        """This node's chunks and those of its descendants, in reading order."""
        out = list(self.chunk_ids)
        for child in self.children:
            out.extend(child.all_chunk_ids())
        return out


@dataclass
class Located:
    """Where a chunk sits: its document, the structure node holding it, and the chunk itself."""

    doc: DocRecord
    node_key: str
    chunk: Chunk


def documents(index: Index) -> list[DocRecord]:
    """The ready documents of the library, by source name."""
    return [d for d in index.documents() if d.status == READY]


def document(index: Index, doc_id: str) -> DocRecord | None:
    """One ready document by id."""
    return next((d for d in documents(index) if d.doc_id == doc_id), None)


def node_path(chunk: Chunk) -> list[str]:
    """The structure labels of a chunk, outermost first."""
    path: list[str] = []
    # On a newspaper page the article title is the first level; elsewhere the title is the document's own.
    if chunk.title and chunk.doc_title and chunk.title != chunk.doc_title:
        path.append(chunk.title)
    path.extend(p.strip() for p in chunk.heading_path.split(SEP) if p.strip() and p.strip() not in path)
    if not path:
        # Text before the first heading (编者按, 总纲) is named by its location prefix, e.g. "编者按 · 第1–4段".
        head = chunk.location.split(" · ")[0].strip() if " · " in chunk.location else ""
        path.append(head or "正文")
    return path


def structure(chunks: list[Chunk]) -> list[Node]:
    """The structure tree of one document's chunks (given in reading order)."""
    roots: list[Node] = []
    by_key: dict[str, Node] = {}
    for c in chunks:
        siblings, key = roots, ""
        node: Node | None = None
        for depth, label in enumerate(node_path(c)):
            key = f"{key}{SEP}{label}" if key else label
            node = by_key.get(key)
            if node is None:
                node = Node(key=key, label=label, depth=depth)
                by_key[key] = node
                siblings.append(node)
            siblings = node.children
        assert node is not None  # node_path never returns an empty path
        node.chunk_ids.append(c.chunk_id)
    return roots


def flatten(nodes: list[Node]) -> list[Node]:
    """Every node of a tree in reading order (a table of contents)."""
    out: list[Node] = []
    for n in nodes:
        out.append(n)
        out.extend(flatten(n.children))
    return out


def find_node(nodes: list[Node], key: str) -> Node | None:
    """The node with this key, or None."""
    return next((n for n in flatten(nodes) if n.key == key), None)


def section_chunks(index: Index, doc_id: str, key: str | None = None) -> list[Chunk]:
    """The chunks of a document, or of one node of its structure, in reading order."""
    chunks = index.chunks_of(doc_id)
    if not key:
        return chunks
    node = find_node(structure(chunks), key)
    if node is None:
        return []
    wanted = set(node.all_chunk_ids())
    return [c for c in chunks if c.chunk_id in wanted]


def locate(index: Index, chunk_id: str) -> Located | None:
    """Where a cited chunk sits, so a reader can jump from a citation to its place."""
    chunk = index.chunk(chunk_id)
    if chunk is None:
        return None
    doc = document(index, chunk.doc_id)
    if doc is None:
        return None
    return Located(doc=doc, node_key=SEP.join(node_path(chunk)), chunk=chunk)


def articles(chunks: list[Chunk]) -> list[tuple[str, str, str]]:
    """The (title, author, affiliation) of each titled article of a document, in order (newspaper pages)."""
    seen: dict[str, tuple[str, str, str]] = {}
    for c in chunks:
        if c.author and c.title not in seen:
            seen[c.title] = (c.title, c.author, c.affiliation)
    return list(seen.values())
