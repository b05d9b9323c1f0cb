"""Turn a document's lines, page by page, into paragraphs: running heads, page numbers and
end-of-line hyphens removed, a paragraph's hard line breaks joined."""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Sequence

# A line that is only a page number: 12, - 12 -, -12-, — 12 —, Page 12, p. 12, 第12页, 12/40.
_PAGE_NUMBER = re.compile(
    r"^[\s\-–—]*(?:(?:page|p\.)\s*)?(?:\d{1,4}|[ivxlc]{1,6})(?:\s*(?:/|of)\s*\d{1,4})?[\s\-–—]*$"
    r"|^第\s*\d{1,4}\s*页(?:\s*[/共]\s*\d{1,4}\s*页?)?$",
    re.I,
)
_ENDS_SENTENCE = tuple("。！？；：.!?;:”’\"')）」』》")
_HYPHENS = ("-", "\u00ad", "\u2010", "\x02")
MARGIN = 2  # lines at the top and at the bottom of a page where running heads stand


def is_wide(char: str) -> bool:
    """Whether a character is written in a CJK script, where lines join without a space."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _width(line: str) -> int:
    return sum(2 if is_wide(c) else 1 for c in line)


def _shape(line: str) -> str:
    """A line with its digits blurred, so that a running head matches on every page."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", line.strip()))


def running_heads(pages: Sequence[Sequence[str]]) -> set[str]:
    """The shapes of lines that recur at the top or bottom of a third of the pages or more
    (left and right pages often carry different heads)."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for lines in pages:
        kept = [line for line in lines if line.strip()]
        seen.update({_shape(line) for line in kept[:MARGIN] + kept[-MARGIN:]})
    return {shape for shape, n in seen.items() if shape and n >= max(2, len(pages) // 3)}


def strip_margins(lines: Sequence[str], heads: set[str]) -> tuple[list[str], str | None]:
    """A page's lines without its running heads and page numbers (in its margins only), and
    the page number printed there, if any."""
    kept = list(lines)
    number = None
    for edge in (0, -1):
        for _ in range(MARGIN + 1):
            filled = [i for i, line in enumerate(kept) if line.strip()]
            if not filled:
                break
            at = filled[edge]
            line = kept[at].strip()
            printed = _PAGE_NUMBER.match(line)
            if printed:
                number = number or re.sub(r"\D", "", line.split("/")[0].split("of")[0]) or None
            if printed or _shape(line) in heads:
                del kept[at]
            else:
                break
    return kept, number


def _join(left: str, right: str) -> str:
    """Two lines of one paragraph as one: a hyphen at a line's end goes, CJK joins without space."""
    left, right = left.rstrip(), right.lstrip()
    if not left or not right:
        return left + right
    if left.endswith(_HYPHENS) and len(left) > 1 and left[-2].isalpha() and right[0].islower():
        return left[:-1] + right
    if left[-1] == "\x02":
        return left[:-1] + right
    if is_wide(left[-1]) or is_wide(right[0]):
        return left + right
    return f"{left} {right}"


def paragraphs(lines: Sequence[str]) -> list[str]:
    """Paragraphs from lines: a blank line, or a short line ending a sentence, ends one."""
    widths = [_width(line.strip()) for line in lines if line.strip()]
    full = statistics.median(widths) if widths else 0
    result: list[str] = []
    current = ""
    for line in lines:
        text = line.strip()
        if not text:
            if current:
                result.append(current)
            current = ""
            continue
        current = _join(current, text) if current else text
        if text.endswith(_ENDS_SENTENCE) and _width(text) < 0.85 * full:
            result.append(current)
            current = ""
    if current:
        result.append(current)
    return result


def page_text(pages: Sequence[tuple[str | None, Sequence[str]]]) -> str:
    """The text of a paged document: each page's paragraphs after its mark, "[page 12]".

    A page is labelled as the document labels it, else by the number printed in its margin,
    else by counting on from the page before.
    """
    heads = running_heads([lines for _, lines in pages])
    parts = []
    previous = 0
    for label, lines in pages:
        kept, printed = strip_margins(lines, heads)
        name = label or printed or str(previous + 1)
        previous = int(name) if name.isdigit() else previous + 1
        body = "\n\n".join(paragraphs(kept))
        parts.append(f"[page {name}]\n\n{body}".rstrip())
    return "\n\n".join(parts) + "\n"
