"""A saved web page (a government site's article) as its main text and its own metadata.

trafilatura finds the main text and leaves navigation, footers, share buttons and related-link lists
behind; it also reads the page's title, date and site. Government sites add their own meta tags
(ArticleTitle, PubDate, ContentSource, ColumnName …), read here with the standard HTML parser.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from html.parser import HTMLParser

# A page shorter than this is a fragment, not an article with boilerplate around it: it is read whole.
_MIN_MAIN_CHARS = 40


class _MetaTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "meta":
            return
        a = {k.lower(): v or "" for k, v in attrs}
        key = a.get("name") or a.get("property") or a.get("itemprop")
        if key and a.get("content") and key not in self.meta:
            self.meta[key] = a["content"].strip()


def meta_tags(html: str) -> dict[str, str]:
    """`<meta name=… content=…>` pairs of a page, first one wins."""
    parser = _MetaTags()
    parser.feed(html)
    parser.close()
    return parser.meta


_HIDDEN = (
    '//*[@hidden or translate(@aria-hidden, "TRUE", "true") = "true"'
    ' or contains(translate(@style, "ABCDEFGHIJKLMNOPQRSTUVWXYZ ", "abcdefghijklmnopqrstuvwxyz"), "display:none")'
    ' or contains(translate(@style, "ABCDEFGHIJKLMNOPQRSTUVWXYZ ", "abcdefghijklmnopqrstuvwxyz"), "visibility:hidden")]'
)


def strip_hidden(html: str) -> str:
    """The page without the elements a browser does not show (hidden, aria-hidden, display:none).

    A page can hide text from readers (a phone number, keywords for search engines); trafilatura keeps it,
    and a hidden sentence must never become an answer.
    """
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fromstring(html)
    except (etree.ParserError, ValueError):
        return html
    hidden = root.xpath(_HIDDEN)
    if not hidden:
        return html
    for el in hidden:
        el.drop_tree()  # keeps the element's tail: that text belongs to the parent and is shown
    return lxml_html.tostring(root, encoding="unicode")


def main_text(html: str, fallback: Callable[[str], str]) -> tuple[str, dict[str, str]]:
    """(main text with paragraphs separated by blank lines, page metadata).

    A page so short that trafilatura finds no main text (a fragment, a test page) is read whole by
    `fallback`; an article page never is, so boilerplate cannot leak into answers.
    """
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    meta = meta_tags(html)
    html = strip_hidden(html)
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, favor_precision=True
    )
    text = (doc.text if doc is not None else "") or ""
    if doc is not None:
        for key in ("title", "author", "date", "sitename", "url", "description"):
            value = getattr(doc, key, None)
            if value:
                meta.setdefault(f"page:{key}", str(value))
    if len(text.strip()) < _MIN_MAIN_CHARS:
        return fallback(html), meta
    # trafilatura separates paragraphs by one newline; the cleaning step reads a blank line as a paragraph break.
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    title = meta.get("ArticleTitle") or meta.get("page:title") or ""
    if title and (not paragraphs or paragraphs[0] != title):
        paragraphs.insert(0, title)
    return "\n\n".join(paragraphs), meta
