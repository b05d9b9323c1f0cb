"""Turn rendered prose into prose with its citations: one call per source a paragraph cites.

Authors never type a footnote. A paragraph (or list item, or table cell) cites facts — figures
through `F["id"]` (`<data data-fact="…">`), statements through a call block,
`{% call claim("id") %}…{% endcall %}` (`<span class="claim" data-fact="…">`) — and this module
adds, for each source those facts come from, one call after the sentence where the source is
first cited. A footnote therefore always has a cited fact behind it, and a cited fact always has
its source footnoted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2.ext import Extension
from markupsafe import Markup, escape

from briefs.compose.pages import split_key
from briefs.errors import InputError, Problem, RenderError

# Prose templates whose paragraphs cite their sources with a bracketed [n] instead of a footnote:
# summaries (key findings, the one-page memo) with no room for notes at the foot of the page.
INLINE = "{# brief: inline-citations #}"
PROSE = "prose/"
CONTEXT_KEY = "citations"

# Where citations attach: the innermost of these elements around a cited fact.
_BLOCKS = frozenset({"p", "li", "td", "th", "dd", "dt"})
_TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][\w-]*)((?:\s[^>]*)?)/?>", re.S)
_FACTS = re.compile(r"""\sdata-fact=["']([^"']*)["']""")
_TYPED = re.compile(r"""class=["'][^"']*\bfootnote\b|\sdata-source=""")
# Closing quotes and brackets that belong to the sentence before a call: 。” → 。”¹
_CLOSER = re.compile(r"""(?:[”’"'）)」』》】\]]|&#34;|&#39;|&quot;|&rdquo;|&rsquo;)*""")
_FULL_STOP = frozenset("。！？")
_STOP = frozenset(".!?")
# Words before a full stop that do not end a sentence (a single letter covers U.S., e.g., J.).
_ABBREVIATIONS = frozenset({"vs", "Mr", "Mrs", "Ms", "Dr", "No", "St", "Co", "Inc", "Ltd", "cf"})
_WORD = re.compile(r"([A-Za-z]+)$")
_ENTITY_END = re.compile(r"&#?\w+;$")


@dataclass(frozen=True)
class Citations:
    """What the citation pass needs to know: each fact's sources and each source's calls."""

    sources: dict[str, tuple[str, ...]]
    footnote: dict[str, Markup]
    inline: dict[str, Markup]
    # One footnote for a source cited on several pages at one place (source id, their keys).
    combined: Callable[[str, list[str]], Markup] | None = None


def claim(*fact_ids: str, caller: Callable[[], str]) -> Markup:
    """Mark a statement as reporting what the source of a fact says (a Jinja call block)."""
    ids = " ".join(fact_ids)
    return Markup(f'<span class="claim" data-fact="{escape(ids)}">{caller()}</span>')


class ProseCitations(Extension):
    """Run every prose template's output through the citation pass.

    The template's source is wrapped in a filter block on its first line, so that the line
    numbers of errors stay those of the author's file.
    """

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        environment.filters["cite_sources"] = _cite_filter

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if name is None or not name.startswith(PROSE):
            return source
        where = json.dumps(filename or name)
        inline = "true" if INLINE in source else "false"
        return f"{{% filter cite_sources({where}, {inline}) %}}{source}{{% endfilter %}}"


@jinja2.pass_context
def _cite_filter(context: Any, html: str, template: str, inline: bool) -> Markup:
    citations = context.get(CONTEXT_KEY)
    if not isinstance(citations, Citations):
        raise RenderError(f"{template}: the view data lacks '{CONTEXT_KEY}'")
    return Markup(cite(str(html), citations, Path(template), inline))


@dataclass
class _Block:
    """One paragraph-like element: where its own text runs and where it ends."""

    text: list[tuple[int, int]] = field(default_factory=list)  # spans outside <data> and tags
    end: int = 0
    last_data: tuple[int, int] | None = None


@dataclass(frozen=True)
class _Cite:
    block: _Block
    at: int
    facts: tuple[str, ...]


def cite(html: str, citations: Citations, template: Path, inline: bool = False) -> str:
    """Add each paragraph's source calls to a rendered prose template."""
    typed = _TYPED.search(html)
    if typed:
        line = html.count("\n", 0, typed.start()) + 1
        raise InputError(
            [
                Problem(
                    "a footnote is typed into the prose (near output line "
                    f"{line}); footnotes are generated from the facts a paragraph cites: remove "
                    "it and cite the fact with F[…] or {% call claim(…) %}…{% endcall %}",
                    template,
                )
            ]
        )
    cites = _scan(html, template)
    calls = citations.inline if inline else citations.footnote
    groups: dict[int, tuple[int, list[str]]] = {}
    done: set[tuple[int, str]] = set()
    for item in cites:
        for fact_id in item.facts:
            if fact_id not in citations.sources:
                raise InputError(
                    [Problem(f"the prose cites '{fact_id}', which is not a fact", template)]
                )
            for source in citations.sources[fact_id]:
                # A bracketed [n] names the source, not the page: once per paragraph.
                seen = (id(item.block), split_key(source)[0] if inline else source)
                if seen in done:
                    continue
                done.add(seen)
                start, end = _sentence_end(html, item.block, item.at)
                glue, names = groups.setdefault(end, (start, []))
                groups[end] = (min(glue, start), names)
                names.append(source)
    pieces: list[str] = []
    last = 0
    for end in sorted(groups):
        start, names = groups[end]
        pieces.append(html[last:start])
        marks = _marks(names, calls, None if inline else citations.combined)
        pieces.append(f'<span class="fn">{html[start:end]}{marks}</span>')
        last = end
    pieces.append(html[last:])
    return "".join(pieces)


def _marks(
    keys: list[str],
    calls: dict[str, Markup],
    combined: Callable[[str, list[str]], Markup] | None,
) -> str:
    """The calls at one place: one per source, naming every page cited there."""
    by_source: dict[str, list[str]] = {}
    for key in keys:
        by_source.setdefault(split_key(key)[0], []).append(key)
    return "".join(
        str(calls[same[0]] if len(same) == 1 or combined is None else combined(source, same))
        for source, same in by_source.items()
    )


def _scan(html: str, template: Path) -> list[_Cite]:
    """Find each cited fact and the paragraph it stands in."""
    stack: list[tuple[str, _Block]] = []
    cites: list[_Cite] = []
    in_data = 0
    data_start = 0
    position = 0
    for match in _TAG.finditer(html):
        if stack and not in_data and match.start() > position:
            stack[-1][1].text.append((position, match.start()))
        position = match.end()
        closing, name = match.group(1), (match.group(2) or "").lower()
        if not name:
            continue
        if closing:
            if name == "data" and in_data:
                in_data -= 1
                if stack:
                    stack[-1][1].last_data = (data_start, match.end())
            elif name in _BLOCKS:
                while stack:
                    tag, block = stack.pop()
                    block.end = match.start()
                    if tag == name:
                        break
            continue
        if name in _BLOCKS:
            stack.append((name, _Block()))
        facts = _FACTS.search(match.group(3) or "")
        if facts:
            ids = tuple(facts.group(1).split())
            if not stack:
                raise InputError(
                    [
                        Problem(
                            f"'{' '.join(ids)}' is cited outside a paragraph or list item, where "
                            "its source cannot be footnoted: move it into a <p> or <li>",
                            template,
                        )
                    ]
                )
            cites.append(_Cite(stack[-1][1], match.end(), ids))
        if name == "data" and not match.group(0).endswith("/>"):
            if not in_data:
                data_start = match.start()
            in_data += 1
    for _, block in stack:
        block.end = len(html)
    return cites


def _sentence_end(html: str, block: _Block, after: int) -> tuple[int, int]:
    """Where the calls go for a fact cited at `after`: (start of the glued text, insertion point).

    The calls follow the end of the sentence, glued to its full stop (and closing quotes) so
    that they never begin a line; without a full stop, they end the paragraph.
    """
    for start, end in block.text:
        if end <= after:
            continue
        text = html[max(start, after) : end]
        offset = max(start, after)
        for index, char in enumerate(text):
            if char in _FULL_STOP or (
                char in _STOP and _ends_sentence(html, offset + index, text[index + 1 :])
            ):
                closers = _CLOSER.match(text, index + 1)
                stop = closers.end() if closers else index + 1
                return offset + index, offset + stop
    return _paragraph_end(html, block)


def _ends_sentence(html: str, at: int, rest: str) -> bool:
    """Whether the stop at `at` ends a sentence: followed by a space or a tag, not after U.S."""
    closers = _CLOSER.match(rest)
    rest = rest[closers.end() if closers else 0 :]
    if rest and not rest[0].isspace():
        return False
    word = _WORD.search(_TAG.sub("", html[max(0, at - 80) : at]))
    return word is None or (len(word.group(1)) > 1 and word.group(1) not in _ABBREVIATIONS)


def _paragraph_end(html: str, block: _Block) -> tuple[int, int]:
    end = block.end
    while end > 0 and html[end - 1].isspace():
        end -= 1
    if block.last_data is not None and block.last_data[1] == end:
        return block.last_data[0], end
    if end > 0 and html[end - 1] != ">":
        entity = _ENTITY_END.search(html, 0, end)
        return (entity.start() if entity else end - 1), end
    return end, end
