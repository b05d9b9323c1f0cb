"""Let WeasyPrint lay out a document as the continuation of others: a report's chapter typeset on
its own, whose pages, running headers and footer read as they do in the whole report.

WeasyPrint numbers every document's pages from 1, takes `counter(pages)` from its own page count,
matches `@page :first` on its own first page and starts named strings empty. While a
`Continuation` is current (`continuing()`), the patches below make the document being laid out
start at page `page_offset + 1` (with the recto/verso side and the `:first`/`:nth()` matching
that go with it), print `total_pages` for `counter(pages)`, and take `strings` as the values of the
named strings set before it. Footnote numbers continue through the stylesheet
(`counter-reset: footnote N` on the root element), which WeasyPrint supports as it is.

The write-up is docs/upstream/weasyprint-document-continuation.md; every patch checks the shape
of its target first (see patches.py).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

_MARK = "brief_patched"


@dataclass
class Continuation:
    """Where the document being laid out continues: the pages before it, the whole document's
    page count (None while unknown: its own), the named strings in force when it begins.

    `context` is set to WeasyPrint's layout context once layout starts, so that the margin boxes
    can be redrawn when the whole document's page count turns out different (`set_total`).
    """

    page_offset: int = 0
    total_pages: int | None = None
    strings: dict[str, str] = field(default_factory=dict)
    context: Any = None


_CURRENT: ContextVar[Continuation | None] = ContextVar("brief_continuation", default=None)


@contextmanager
def continuing(part: Continuation) -> Iterator[Continuation]:
    """Lay out documents in this block as the continuation `part` describes."""
    token = _CURRENT.set(part)
    try:
        yield part
    finally:
        _CURRENT.reset(token)


def check() -> str | None:
    """None when WeasyPrint's layout has the shape the patches were written for, else why not."""
    from weasyprint import layout
    from weasyprint.layout import page

    parameters = {
        "initialize_page_maker": (layout, ["context", "root_box"]),
        "make_margin_boxes": (layout, ["context", "page", "state"]),
    }
    for name, (module, expected) in parameters.items():
        function = getattr(module, name, None)
        if function is None:
            return f"weasyprint.layout.{name} no longer exists"
        if list(inspect.signature(_unwrapped(function)).parameters) != expected:
            return f"weasyprint.layout.{name} no longer takes ({', '.join(expected)})"
    page_type = getattr(page, "PageType", None)
    fields = ("side", "blank", "name", "index", "groups")
    if getattr(_unwrapped(page_type), "_fields", None) != fields:
        return f"weasyprint.layout.page.PageType no longer has the fields {', '.join(fields)}"
    if "PageType" not in page.remake_page.__code__.co_names:
        return "remake_page no longer makes the PageType"
    lookup = getattr(layout.LayoutContext, "get_string_or_element_for", None)
    if lookup is None or list(inspect.signature(_unwrapped(lookup)).parameters) != [
        "self",
        "store",
        "page",
        "name",
        "keyword",
    ]:
        return "LayoutContext.get_string_or_element_for no longer takes (store, page, name, …)"
    if "self.string_set =" not in inspect.getsource(layout.LayoutContext.__init__):
        return "LayoutContext no longer keeps the named strings in string_set"
    if "context.page_maker = []" not in inspect.getsource(_unwrapped(layout.initialize_page_maker)):
        return "initialize_page_maker no longer starts context.page_maker"
    if "layout_backgrounds" not in dir(layout):
        return "weasyprint.layout no longer draws backgrounds with layout_backgrounds"
    return None


def _unwrapped(function: Any) -> Any:
    return getattr(function, "__wrapped__", function)


def apply() -> None:
    """Install the four patches (each once)."""
    from weasyprint import layout
    from weasyprint.layout import page

    if getattr(layout.initialize_page_maker, _MARK, False):
        return
    layout.initialize_page_maker = _marked(_initialize(layout.initialize_page_maker))
    layout.make_margin_boxes = _marked(_margins(layout.make_margin_boxes))
    page.PageType = _marked(_page_type(page.PageType))
    context = layout.LayoutContext
    context.get_string_or_element_for = _marked(_strings(context.get_string_or_element_for))


def _marked(function: Any) -> Any:
    setattr(function, _MARK, True)
    return function


def _initialize(original: Any) -> Any:
    def initialize_page_maker(context: Any, root_box: Any) -> None:
        """The first page's state: the page counter at `page_offset` (the first page increments
        it), and the side of the page that follows `page_offset` pages."""
        original(context, root_box)
        part = _CURRENT.get()
        if part is None:
            return
        part.context = context
        resume_at, next_page, right_page, page_state, remake_state = context.page_maker[0]
        page_state[1]["page"] = [part.page_offset]
        page_state[2][0].add("page")
        right_page = right_page if part.page_offset % 2 == 0 else not right_page
        context.page_maker[0] = (resume_at, next_page, right_page, page_state, remake_state)

    initialize_page_maker.__wrapped__ = original  # type: ignore[attr-defined]
    return initialize_page_maker


def _margins(original: Any) -> Any:
    def make_margin_boxes(context: Any, page: Any, state: Any) -> Any:
        """Margin boxes that print the whole document's page count for `counter(pages)`."""
        part = _CURRENT.get()
        if part is not None and part.total_pages is not None:
            state[1]["pages"] = [part.total_pages]
        return original(context, page, state)

    make_margin_boxes.__wrapped__ = original  # type: ignore[attr-defined]
    return make_margin_boxes


def _page_type(original: Any) -> Any:
    def page_type(side: str, blank: bool, name: str, index: int, groups: Any) -> Any:
        """The page's type as the whole document has it: `:first` and `:nth()` count the pages
        of the parts before."""
        part = _CURRENT.get()
        offset = part.page_offset if part is not None else 0
        return original(side, blank, name, index + offset, groups)

    page_type.__wrapped__ = original  # type: ignore[attr-defined]
    page_type._fields = original._fields  # type: ignore[attr-defined]
    return page_type


def _strings(original: Any) -> Any:
    def get_string_or_element_for(self: Any, store: Any, page: Any, name: str, keyword: str) -> Any:
        """A named string no page so far has set takes the value the parts before left it."""
        found = original(self, store, page, name, keyword)
        part = _CURRENT.get()
        if (
            part is None
            or store is not self.string_set
            or name not in part.strings
            or keyword == "all-once"
            or any(number <= self.current_page for number in store[name])
        ):
            return found
        return (part.strings[name],)

    get_string_or_element_for.__wrapped__ = original  # type: ignore[attr-defined]
    return get_string_or_element_for


def strings_at_end(context: Any, carried: dict[str, str]) -> dict[str, str]:
    """The named strings in force after a document's last page: its last assignment of each,
    else the value it carried in."""
    values = dict(carried)
    for name, pages in context.string_set.items():
        assigned = [number for number, texts in pages.items() if texts]
        if assigned:
            values[name] = pages[max(assigned)][-1]
    return values


def set_total(part: Continuation, pages: list[Any], total: int) -> None:
    """Redraw the margin boxes of a laid-out document for a whole document of `total` pages."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import make_margin_boxes
    from weasyprint.layout.background import layout_backgrounds

    context = part.context
    part.total_pages = total
    token = _CURRENT.set(part)
    try:
        for number, page in enumerate(pages, start=1):
            box = page._page_box
            kept = [child for child in box.children if not isinstance(child, boxes.MarginBox)]
            context.current_page = number
            state = context.page_maker[number][3]
            box.children = tuple(kept + list(make_margin_boxes(context, box, state)))
            layout_backgrounds(box, context.get_image_from_uri)
    finally:
        _CURRENT.reset(token)
