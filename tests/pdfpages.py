"""What a reader sees in a PDF: the contents page's numbers and the printed footnotes."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader


def _text(reader: PdfReader) -> list[str]:
    return [p.extract_text() or "" for p in reader.pages]


def _contents(reader: PdfReader, headings: list[str]) -> dict[str, int]:
    """The page number the contents page gives each heading (its line: heading, leader, number)."""
    for page_ in reader.pages[:3]:
        text = page_.extract_text(extraction_mode="layout")
        found = {}
        for heading in headings:
            match = re.search(re.escape(heading) + r"[ .·]*(\d+) *$", text, re.M)
            if match:
                found[heading] = int(match.group(1))
        if found:
            assert found.keys() == set(headings), (headings, text)
            return found
    raise AssertionError("no contents page among the first three pages")


def check_contents(pdf: Path) -> dict[str, int]:
    html = pdf.with_suffix(".html").read_text(encoding="utf-8")
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S)
    assert toc
    headings = [
        re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<a [^>]*>(.*?)</a>", toc[0])
    ]
    reader = PdfReader(pdf)
    pages = _text(reader)
    numbers = _contents(reader, headings)
    for heading, number in numbers.items():
        assert heading in pages[number - 1], f"{heading} is not on page {number}"
    return numbers


def notes_in_order(pdf: Path) -> int:
    """Every footnote is printed, number and text, in the order of its call."""
    html = pdf.with_suffix(".html").read_text(encoding="utf-8")
    bodies = [
        " ".join(re.sub(r"<[^>]+>", "", body).split())
        for body in re.findall(r'<span class="footnote"[^>]*>(.*?)</span>', html, re.S)
    ]
    printed = " ".join(" ".join(_text(PdfReader(pdf))).split())
    position = 0
    for number, body in enumerate(bodies, start=1):
        found = printed.find(f"{number}. {body[:12]}", position)
        assert found >= 0, f"note {number} ({body}) is missing or out of order"
        position = found
    return len(bodies)
