"""Typeset a report part by part, keeping the laid-out pages of the parts that did not change.

`brief serve` and `brief watch` keep one typesetting process per language running. The report's
print page marks where its parts begin (`<!--brief:part-->` inside `<main>`: each chapter, then
the appendices; the front matter is what comes before `<main>`). Each part is laid out as its own
WeasyPrint document that continues the parts before it (see continuation.py): its pages are
numbered on from theirs, its footnotes too, its running headers start from theirs. The PDF is
assembled from the parts' pages with `Document.copy` and written once, so it is one tagged
PDF/A-3a and PDF/UA-1 document with working links between parts.

A part is laid out again only when its HTML, the page or footnote count of the parts before it,
the named strings they leave, or the page of an anchor it looks up with `target-counter()` (the
contents page does) changed. A change in the whole page count only redraws the margin boxes.

Parts are laid out in one process, one after the other: laid-out pages hold Pango objects that
cannot move between processes. The languages' reports are typeset in parallel, each in its own
process, and each process keeps its laid-out parts between saves.
"""

from __future__ import annotations

import atexit
import re
from dataclasses import dataclass, field
from typing import Any

from briefs.keys import key
from briefs.publish import continuation
from briefs.publish.continuation import Continuation, continuing

MARK = "<!--brief:part-->"
_ROUNDS = 4  # layouts of the whole set of parts before giving up on a stable page numbering
_MAIN_OPEN = re.compile(r"<main\b[^>]*>", re.IGNORECASE)
_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_LINK = re.compile(r"""href=["']#([^"']+)["']""")
_ID = re.compile(r"""\bid=["']([^"']+)["']""")
_STUB_ID = "brief-part-stub"


def split(html: str) -> list[str] | None:
    """The print page as the documents of its parts, or None if it does not mark any (a project's
    own report template, say) or marks them where a part could not stand alone."""
    opening = _MAIN_OPEN.search(html)
    closing = html.lower().rfind("</main>")
    body = _BODY_OPEN.search(html)
    if opening is None or body is None or closing < opening.end() or html.count(MARK) == 0:
        return None
    head, front = html[: body.end()], html[body.end() : opening.start()]
    segments = html[opening.end() : closing].split(MARK)
    after = html[closing + len("</main>") :]
    if MARK in head + front + after or segments[0].strip() or _content(after):
        return None
    main = opening.group(0)
    parts = [head + front + after] if front.strip() else []
    parts += [head + main + segment + "</main>" + after for segment in segments[1:]]
    return parts


def _content(after: str) -> bool:
    """Whether what follows `</main>` holds more than the closing tags (and whitespace)."""
    rest = re.sub(r"</(body|html)\s*>", "", after, flags=re.IGNORECASE)
    return bool(rest.strip())


@dataclass
class Laid:
    """One part as laid out: its WeasyPrint document (without stub pages), what it continued
    from, and what it hands on."""

    key: str
    document: Any
    part: Continuation
    footnote_offset: int
    needs: dict[str, int]  # anchors in other parts it looked up, and the pages it was given
    footnotes: int = 0
    strings: dict[str, str] = field(default_factory=dict)  # the named strings after it
    anchors: dict[str, int] = field(default_factory=dict)  # its anchors, by page in the whole

    @property
    def pages(self) -> list[Any]:
        return list(self.document.pages)


@dataclass
class Parts:
    """What a typesetting process keeps of one PDF between builds."""

    base: str = ""
    laid: list[Laid] = field(default_factory=list)
    anchors: dict[str, int] = field(default_factory=dict)
    layouts: int = 0  # parts laid out by the last typesetting (for messages and tests)


_KEPT: dict[str, Parts] = {}
atexit.register(_KEPT.clear)  # before the interpreter tears WeasyPrint's modules down


class Unsettled(Exception):
    """The parts cannot be typeset apart: their page numbers kept moving (a contents page that
    changes length with its own numbers, say), or a part does not begin a page. The page is
    typeset in one pass instead."""


def kept(name: str) -> Parts:
    """The parts this process keeps for the PDF `name` ("zh/report.pdf")."""
    return _KEPT.setdefault(name, Parts())


class Layout:
    """Lays out the documents of one PDF's parts with the fonts, fetcher and base URL it shares."""

    def __init__(self, base_url: str, fetcher: Any, stylesheets: list[Any], font_config: Any):
        self.base_url = base_url
        self.fetcher = fetcher
        self.stylesheets = stylesheets
        self.font_config = font_config

    def part(
        self, html: str, part: Continuation, footnote_offset: int, stubs: dict[str, int]
    ) -> tuple[Any, set[str]]:
        """Lay out one part; return its document (its own pages only) and the anchors in other
        parts that it looked up."""
        from weasyprint import CSS, HTML

        pages_needed = sorted(set(stubs.values()))
        css = f"html {{ counter-reset: footnote {footnote_offset}; }}\n" + "".join(
            f"@page brief-stub-{n} {{ counter-reset: page {n}; }}\n" for n in pages_needed
        )
        if stubs:
            html = _with_stubs(html, stubs)
        extra = CSS(string=css, url_fetcher=self.fetcher, font_config=self.font_config)
        page = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
        with continuing(part):
            document = page.render(
                stylesheets=[*self.stylesheets, extra], font_config=self.font_config, pdf_tags=True
            )
        if not _begins_a_page(page.etree_element, part.context):
            raise Unsettled("a part does not begin a page (its stylesheet lets it run on)")
        collector = part.context.target_collector
        looked_up = {
            name
            for item in collector.counter_lookup_items.values()
            for name in item.missing_target_counters
        }
        pending = collector.target_lookup_items.items()
        looked_up |= {name for name, item in pending if item.parse_again_functions}
        looked_up &= set(stubs)
        own = len(document.pages)
        for index, page in enumerate(document.pages):
            if _STUB_ID in "".join(page.anchors):
                own = index
                break
        if own < len(document.pages):
            document = document.copy(document.pages[:own])
        return document, looked_up


def _begins_a_page(root: Any, context: Any) -> bool:
    """Whether a part begins on a page of its own in the whole document too: the front matter
    does; a part in `<main>` does if its first element breaks the page before it (a project's
    stylesheet may let chapters run on, and then only a one-pass typesetting is right)."""
    main = root.find(".//main")
    if main is None:
        return True
    first = next((child for child in main if isinstance(child.tag, str)), None)
    return first is not None and context.style_for(first)["break_before"] in _BREAKS


_BREAKS = ("page", "left", "right", "recto", "verso")


def _with_stubs(html: str, stubs: dict[str, int]) -> str:
    """The part with, after its content, an empty anchor for each anchor it links to in other
    parts, on a page numbered as that anchor's page in the whole (such pages are dropped)."""
    by_page: dict[int, list[str]] = {}
    for name, page in sorted(stubs.items()):
        by_page.setdefault(page, []).append(name)
    blocks = "".join(
        f'<div id="{_STUB_ID}-{page}" style="page: brief-stub-{page}" aria-hidden="true">'
        + "".join(f'<span id="{name}"></span>' for name in names)
        + "</div>"
        for page, names in sorted(by_page.items())
    )
    at = html.lower().rfind("</body>")
    return html + blocks if at < 0 else html[:at] + blocks + html[at:]


def _links_elsewhere(html: str) -> set[str]:
    """The anchors a part links to that are not its own."""
    return set(_LINK.findall(html)) - set(_ID.findall(html))


def _anchor_pages(document: Any, offset: int) -> dict[str, int]:
    """The page of the whole on which each anchor of a part begins."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=offset + 1):
        for name in page.anchors:
            pages.setdefault(name, number)
    return pages


def _footnotes(document: Any) -> int:
    """How many footnotes a laid-out document prints."""
    from weasyprint.formatting_structure import boxes

    return sum(
        len(child.children)
        for page in document.pages
        for child in page._page_box.children
        if isinstance(child, boxes.FootnoteAreaBox)
    )


def lay_out(
    documents: list[str], kept_parts: Parts, base: str, layout: Layout
) -> tuple[list[Laid], int]:
    """Lay out the parts that changed (and those after a part whose page count changed), keep
    the others; return the parts and the whole page count."""
    if kept_parts.base != base:
        kept_parts.laid, kept_parts.anchors = [], {}
    kept_parts.layouts = 0
    previous = kept_parts.laid
    anchors = dict(kept_parts.anchors)
    for _ in range(_ROUNDS):
        laid = _round(documents, previous, anchors, layout, base, kept_parts)
        found = {name: page for part in laid for name, page in part.anchors.items()}
        stale = any(
            found.get(name, 0) != page for part in laid for name, page in part.needs.items()
        )
        previous, anchors = laid, found
        if not stale:
            break
    else:
        kept_parts.laid, kept_parts.anchors = [], {}
        raise Unsettled(f"page numbers still moved after {_ROUNDS} layouts of the parts")
    total = sum(len(part.document.pages) for part in laid)
    for part in laid:
        if part.part.total_pages != total:
            continuation.set_total(part.part, part.pages, total)
    kept_parts.base, kept_parts.laid, kept_parts.anchors = base, laid, anchors
    return laid, total


def _round(
    documents: list[str],
    previous: list[Laid],
    anchors: dict[str, int],
    layout: Layout,
    base: str,
    kept_parts: Parts,
) -> list[Laid]:
    """Lay out each part in order, reusing the previous layout of a part whose inputs match."""
    laid: list[Laid] = []
    offset, notes = 0, 0
    strings: dict[str, str] = {}
    total = sum(len(p.document.pages) for p in previous) or None
    for index, html in enumerate(documents):
        setup = repr((html, offset, notes, sorted(strings.items())))
        part = previous[index] if index < len(previous) else None
        if part is None or part.key != _key(base, setup, part.needs, anchors):
            stubs = {name: anchors.get(name, 0) for name in _links_elsewhere(html)}
            continued = Continuation(offset, total, dict(strings))
            document, looked_up = layout.part(html, continued, notes, stubs)
            kept_parts.layouts += 1
            needs = {name: stubs[name] for name in sorted(looked_up)}
            part = Laid(
                _key(base, setup, needs, anchors),
                document,
                continued,
                notes,
                needs,
                footnotes=_footnotes(document),
                strings=continuation.strings_at_end(continued.context, strings),
                anchors=_anchor_pages(document, offset),
            )
        laid.append(part)
        offset, notes, strings = offset + len(part.pages), notes + part.footnotes, part.strings
    return laid


def _key(base: str, setup: str, needs: dict[str, int], anchors: dict[str, int]) -> str:
    """What a part's layout depends on: the shared inputs, its HTML and what the parts before it
    hand on (`setup`), and the pages of the anchors it looks up."""
    return key(base, setup, repr(sorted((name, anchors.get(name, 0)) for name in needs)))


def merged(laid: list[Laid]) -> Any:
    """One document of every part's pages, with the first part's metadata."""
    return laid[0].document.copy([page for part in laid for page in part.pages])
