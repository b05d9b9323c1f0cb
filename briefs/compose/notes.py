"""Turn prose with its notes into the facts a note fails to cover, reading notes as readers do.

A reader takes a note to cover the text since the previous note in its paragraph. This reads the
finished prose that way, independently of how the notes were placed: every fact cited in such a
stretch must have its source among the calls that close it, and a stretch that cites facts must
end in a note at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][\w-]*)((?:\s[^>]*)?)/?>", re.S)
_FACTS = re.compile(r"""\sdata-fact=["']([^"']*)["']""")
_SOURCE = re.compile(r"""\sdata-source=["']([^"']*)["']""")
_CLASS = re.compile(r"""\sclass=["']([^"']*)["']""")
_BLOCKS = frozenset({"p", "li", "td", "th", "dd", "dt"})
_VOID = frozenset({"br", "wbr", "img", "hr", "input", "meta", "link", "source", "col"})


@dataclass(frozen=True)
class Uncovered:
    """A fact whose stretch of text closes on notes that miss some of its sources."""

    fact: str
    missing: tuple[str, ...]
    text: str  # the stretch, as a reader sees it, for the message


@dataclass
class _Element:
    name: str
    facts: tuple[str, ...] = ()
    role: str = ""  # "fn" (a group of calls), "footnote" (a note's own text)


@dataclass
class _Paragraph:
    """The state of one paragraph: facts cited since the last note, and what was read."""

    # fact -> True while it is only carried over from before the last note by an element
    # still open (a claim spanning two sentences), with none of its words read since
    pending: dict[str, bool] = field(default_factory=dict)
    elements: list[_Element] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


def uncovered(html: str, sources: dict[str, tuple[str, ...]]) -> list[Uncovered]:
    """Each fact of `html`'s paragraphs not covered by the note that closes its stretch."""
    found: list[Uncovered] = []
    stack: list[_Paragraph] = []
    position = 0
    for match in _TAG.finditer(html):
        if stack:
            _read(stack[-1], html[position : match.start()])
        position = match.end()
        closing, name = match.group(1), (match.group(2) or "").lower()
        if not name:
            continue
        attributes = match.group(3) or ""
        if name in _BLOCKS:
            if closing:
                found.extend(_ending(stack.pop(), sources) if stack else [])
            else:
                stack.append(_Paragraph())
            continue
        if not stack:
            continue
        paragraph = stack[-1]
        if closing:
            found.extend(_close(paragraph, name, sources))
            continue
        source = _SOURCE.search(attributes)
        if source and any(e.role == "fn" for e in paragraph.elements):
            paragraph.calls.append(source.group(1))
        facts = _FACTS.search(attributes)
        ids = tuple(facts.group(1).split()) if facts else ()
        for fact_id in ids:
            paragraph.pending[fact_id] = False
        named = _CLASS.search(attributes)
        classes = named.group(1).split() if named else []
        role = "fn" if "fn" in classes else "footnote" if "footnote" in classes else ""
        if name not in _VOID and not match.group(0).endswith("/>"):
            paragraph.elements.append(_Element(name, ids, role))
    return found


def _read(paragraph: _Paragraph, text: str) -> None:
    if any(e.role == "footnote" for e in paragraph.elements) or not text.strip():
        return
    paragraph.text.append(text)
    for fact_id in paragraph.pending:
        paragraph.pending[fact_id] = False


def _close(
    paragraph: _Paragraph, name: str, sources: dict[str, tuple[str, ...]]
) -> list[Uncovered]:
    """Close the innermost open `name`; a closing group of calls ends a stretch."""
    elements = paragraph.elements
    index = next((i for i in range(len(elements) - 1, -1, -1) if elements[i].name == name), None)
    if index is None:
        return []
    closed = elements[index:]
    del elements[index:]
    found: list[Uncovered] = []
    for element in reversed(closed):
        if element.role == "fn":
            found.extend(_stretch(paragraph, sources, paragraph.calls))
            paragraph.calls = []
            paragraph.text = []
            paragraph.pending = {f: True for e in elements for f in e.facts}
        for fact_id in element.facts:
            if paragraph.pending.get(fact_id):
                del paragraph.pending[fact_id]
    return found


def _stretch(
    paragraph: _Paragraph, sources: dict[str, tuple[str, ...]], calls: list[str]
) -> list[Uncovered]:
    text = " ".join("".join(paragraph.text).split())
    found = []
    for fact_id, carried in paragraph.pending.items():
        missing = tuple(s for s in sources.get(fact_id, ()) if s not in calls)
        if missing and not carried:
            found.append(Uncovered(fact_id, missing, text))
    return found


def _ending(paragraph: _Paragraph, sources: dict[str, tuple[str, ...]]) -> list[Uncovered]:
    """A paragraph's last stretch: facts cited after its last note have no note at all."""
    return _stretch(paragraph, sources, [])
