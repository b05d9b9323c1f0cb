"""Turn a source file into text that quotes are found in: normalised, with lines and excerpt."""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass, replace
from functools import cache, cached_property
from pathlib import Path

from briefs.numbers.reading import normalise as nfkc

_SPACE = re.compile(r"\s+")
# Where a page of the original document begins: a line of its own, "[page 12]" (the page's
# printed label; "[page 149–153]" or "[page 155 ff.]" where a text shows only that much).
# `brief import` writes them; quotes never include them, and a quote may run across one.
PAGE_MARK = re.compile(r"^\[page ([^\]\n]{1,20})\][ \t]*$", re.M)
CONTEXT = 12  # characters of the source shown either side of the closest passage


def flatten(text: str) -> str:
    """The form quotes are compared in: Unicode NFKC (full- and half-width alike), no spaces."""
    return _SPACE.sub("", nfkc(text))


@dataclass(frozen=True)
class SourceText:
    """A source's text, flattened for searching, with the way back to its lines."""

    raw: str
    flat: str
    origin: tuple[int, ...]  # for each character of `flat`, its offset in `raw`
    begin: int = 0  # the excerpt, as offsets in `flat`
    end: int = -1
    pages: tuple[tuple[int, str], ...] = ()  # where each marked page begins in `flat`, its label

    @property
    def excerpt(self) -> str:
        return self.flat[self.begin : self.end if self.end >= 0 else len(self.flat)]

    @cached_property
    def _line_starts(self) -> list[int]:
        return [0, *(m.end() for m in re.finditer("\n", self.raw))]

    def line(self, index: int) -> int:
        """The line of the source file where a character of `flat` stands."""
        offset = self.origin[min(index, len(self.origin) - 1)] if self.origin else 0
        return bisect.bisect_right(self._line_starts, offset)

    def page(self, index: int) -> str | None:
        """The label of the page a character of `flat` stands on; None for an unmarked text."""
        at = bisect.bisect_right([start for start, _ in self.pages], index) - 1
        return self.pages[at][1] if at >= 0 else None

    def find(self, quote: str) -> int:
        """Where the quote stands in the excerpt (an offset in `flat`), or -1."""
        at = self.excerpt.find(flatten(quote))
        return at + self.begin if at >= 0 else -1

    def closest(self, quote: str) -> tuple[int, str]:
        """The passage of the whole file nearest to a quote: its offset in `flat` and its text."""
        wanted = flatten(quote)
        matcher = difflib.SequenceMatcher(None, self.flat, wanted, autojunk=False)
        block = matcher.find_longest_match(0, len(self.flat), 0, len(wanted))
        start = max(0, block.a - block.b)
        best, best_ratio = start, -1.0
        # Try the starts around the longest common run; keep the most similar window.
        for shift in range(-CONTEXT, CONTEXT + 1):
            at = max(0, start + shift)
            ratio = difflib.SequenceMatcher(
                None, self.flat[at : at + len(wanted)], wanted, autojunk=False
            ).ratio()
            if ratio > best_ratio:
                best, best_ratio = at, ratio
        return best, self.words(best, best + len(wanted))

    def words(self, start: int, stop: int) -> str:
        """The source's own words between two offsets of `flat`: spaces kept, lines joined."""
        if not self.origin or start >= len(self.origin):
            return ""
        first = self.origin[start]
        last = self.origin[min(stop, len(self.origin)) - 1] + 1
        # Whole words at both ends ('438,000 tonnes', not '438,000 tonn').
        while first > 0 and _latin(self.raw[first - 1]) and _latin(self.raw[first]):
            first -= 1
        while last < len(self.raw) and _latin(self.raw[last]) and _latin(self.raw[last - 1]):
            last += 1
        return _SPACE.sub(" ", self.raw[first:last]).strip()


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def read_source(path: Path, start: str | None = None, end: str | None = None) -> SourceText:
    """Read a source file and mark its excerpt (KeyError names a marker that is not in it)."""
    text = _read(path, path.stat().st_mtime)
    if start is None:
        return text
    begin = text.flat.find(flatten(start))
    if begin < 0:
        raise KeyError(start)
    stop = text.flat.find(flatten(end), begin) if end else len(text.flat)
    if stop < 0:
        raise KeyError(end)
    return replace(text, begin=begin, end=stop)


@cache
def _read(path: Path, mtime: float) -> SourceText:
    raw = path.read_text(encoding="utf-8")
    flat: list[str] = []
    origin: list[int] = []
    pages: list[tuple[int, str]] = []
    marks = {m.start(): m for m in PAGE_MARK.finditer(raw)}
    skip = 0
    for offset, char in enumerate(raw):
        if offset in marks:
            pages.append((len(flat), marks[offset][1]))
            skip = marks[offset].end()
        if offset < skip:
            continue
        for piece in flatten(char):
            flat.append(piece)
            origin.append(offset)
    return SourceText(raw, "".join(flat), tuple(origin), pages=tuple(pages))
