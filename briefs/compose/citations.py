"""Turn rendered prose into prose with its notes: each sentence that cites facts closes on theirs.

Authors never type a footnote. A paragraph (or list item, or table cell) cites facts — figures,
periods and dates through `F`, `Y`, `D` (`<data data-fact="…">`, `<span data-fact="…">`),
statements through a call block, `{% call claim("id") %}…{% endcall %}` (`<span class="claim"
data-fact="…">`) — and this module adds notes the way readers of a brief read them (Chicago notes,
脚注): a note covers the text since the previous note in its paragraph. So every sentence that cites
facts ends in a note for each of their sources; a run of consecutive sentences resting on the same
sources shares one note at its end; a source cited again later in the paragraph gets its note again.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from jinja2.ext import Extension
from markupsafe import Markup, escape

from briefs.compose.doubled import Doubled, doubled
from briefs.compose.notes import Uncovered, uncovered
from briefs.compose.pages import split_key
from briefs.errors import InputError, Problem, RenderError

# Prose templates whose paragraphs cite their sources with a bracketed [n] instead of a footnote:
# summaries (key findings, the one-page memo) with no room for notes at the foot of the page.
INLINE = "{# brief: inline-citations #}"
PROSE = "prose/"
CONTEXT_KEY = "citations"

# Where citations attach: the innermost of these elements around a cited fact.
_BLOCKS = frozenset({"p", "li", "td", "th", "dd", "dt"})
# Elements that never close: they cannot hold a cited stretch.
_VOID = frozenset({"br", "wbr", "img", "hr", "input", "meta", "link", "source", "col"})
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
# Each prose template's output is marked in the page, so that its notes can be added once the
# whole page is rendered (a wrapper around the template's source would turn an unclosed block of
# the author's into an error about a tag the author never wrote).
_REGION = re.compile(r"<!--brief:prose ([01]) (\S+)-->")
_REGION_END = "<!--brief:prose-end-->"


@dataclass(frozen=True)
class Citations:
    """What the citation pass needs to know: each fact's sources and each source's calls."""

    sources: dict[str, tuple[str, ...]]
    footnote: dict[str, Markup]
    inline: dict[str, Markup]
    # One footnote for a source cited on several pages at one place (source id, their keys).
    combined: Callable[[str, list[str]], Markup] | None = None

    @property
    def by_source(self) -> dict[str, tuple[str, ...]]:
        """Each fact's sources without their pages: what a note's call names (the page is in
        the note's text)."""
        return {
            fact: tuple(dict.fromkeys(split_key(key)[0] for key in keys))
            for fact, keys in self.sources.items()
        }


def claim(*fact_ids: str, caller: Callable[[], str]) -> Markup:
    """Mark a statement as reporting what the source of a fact says (a Jinja call block)."""
    ids = " ".join(fact_ids)
    return Markup(f'<span class="claim" data-fact="{escape(ids)}">{caller()}</span>')


class ProseCitations(Extension):
    """Mark where each prose template's output begins and ends in the page.

    The marks are added on the template's first and after its last line, so that the line numbers
    and the messages of errors stay those of the author's file.
    """

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if name is None or not name.startswith(PROSE):
            return source
        where = quote(filename or name)
        inline = "1" if INLINE in source else "0"
        return f"<!--brief:prose {inline} {where}-->{source}{_REGION_END}"


def cite_page(html: str, citations: Citations) -> str:
    """Add the notes to every prose template's output in a rendered page, and drop the marks."""
    while True:
        end = html.find(_REGION_END)
        if end < 0:
            return html
        # The innermost region: the last one to open before the first one to end.
        begin = max(_REGION.finditer(html, 0, end), key=lambda m: m.start(), default=None)
        if begin is None:
            raise RenderError("a prose template's output is not where the page expects it")
        template = Path(unquote(begin[2]))
        cited = cite(html[begin.end() : end], citations, template, begin[1] == "1")
        missed = uncovered(cited, citations.by_source)
        if missed:
            raise InputError([_uncovered_problem(item, template) for item in missed])
        twice = doubled(cited)
        if twice:
            raise InputError([_doubled_problem(item, template) for item in twice])
        html = html[: begin.start()] + cited + html[end + len(_REGION_END) :]


def _doubled_problem(item: Doubled, template: Path) -> Problem:
    return Problem(
        f"the words before the figure repeat its own '{item.words}', so the page reads it twice: "
        "leave them out (the figure prints them), or print the figure without its qualifier "
        f'with B["{item.fact}"]',
        template,
        fact_line(template, item.fact),
        fact=item.fact,
    )


def _uncovered_problem(item: Uncovered, template: Path) -> Problem:
    words = item.text if len(item.text) <= 60 else f"…{item.text[-57:]}"
    missing = ", ".join(item.missing)
    return Problem(
        f"the text {words!r} cites this fact but the note that closes it misses its source "
        f"({missing}): a note covers the text since the previous note; cite the fact in one "
        "sentence, or end the sentence before the next fact's",
        template,
        fact_line(template, item.fact),
        fact=item.fact,
    )


def fact_line(template: Path, fact_id: str, near: str = "") -> int | None:
    """The line of a template that cites a fact (the first one that also holds `near`)."""
    try:
        lines = template.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    quoted = (f'"{fact_id}"', f"'{fact_id}'")
    found = [n for n, line in enumerate(lines, 1) if any(q in line for q in quoted)]
    return next((n for n in found if near in lines[n - 1]), found[0] if found else None)


@dataclass
class _Block:
    """One paragraph-like element: where its own text runs and where it ends."""

    text: list[tuple[int, int]] = field(default_factory=list)  # spans outside <data> and tags
    end: int = 0
    last_data: tuple[int, int] | None = None


@dataclass(frozen=True)
class _Cite:
    """Facts cited by one element of a paragraph, over the stretch of text it holds."""

    block: _Block
    start: int
    end: int
    facts: tuple[str, ...]


@dataclass
class _Open:
    """An inline element not yet closed; `facts` if it cites some."""

    name: str
    start: int
    block: _Block
    facts: tuple[str, ...]


def cite(html: str, citations: Citations, template: Path, inline: bool = False) -> str:
    """Add the notes to one rendered prose template: after each sentence (or run of sentences
    with the same sources) that cites facts, one call for each of their sources."""
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
    blocks, cites = _scan(html, template)
    for item in cites:
        for fact_id in item.facts:
            if fact_id not in citations.sources:
                raise InputError(
                    [
                        Problem(
                            f"the prose cites '{fact_id}', which is not a fact",
                            template,
                            fact_line(template, fact_id),
                        )
                    ]
                )
    calls = citations.inline if inline else citations.footnote
    places: list[tuple[int, int, list[str]]] = []
    for block in blocks:
        places.extend(_notes(html, block, [c for c in cites if c.block is block], citations))
    pieces: list[str] = []
    last = 0
    for start, end, names in sorted(places):
        pieces.append(html[last:start])
        marks = _marks(names, calls, None if inline else citations.combined)
        pieces.append(f'<span class="fn">{html[start:end]}{marks}</span>')
        last = end
    pieces.append(html[last:])
    return "".join(pieces)


def _notes(
    html: str, block: _Block, cites: list[_Cite], citations: Citations
) -> list[tuple[int, int, list[str]]]:
    """Where a paragraph's notes go, (glued text start, insertion point, sources), in order."""
    if not cites:
        return []
    stops = _sentence_stops(html, block)
    ends = [end for _, end in stops]
    sources: list[list[str]] = [[] for _ in range(len(stops) + 1)]
    for item in cites:
        last = item.end
        while last > item.start and html[last - 1].isspace():
            last -= 1
        first_sentence = bisect_right(ends, item.start)
        last_sentence = max(first_sentence, bisect_right(ends, last - 1))
        for index in range(first_sentence, last_sentence + 1):
            for fact_id in item.facts:
                for source in citations.sources[fact_id]:
                    if source not in sources[index]:
                        sources[index].append(source)
    stops.append(_paragraph_end(html, block))
    places = []
    for index, names in enumerate(sources):
        # A run of sentences resting on the same sources shares the note that ends it.
        following = sources[index + 1] if index + 1 < len(sources) else []
        if names and set(names) != set(following):
            places.append((*stops[index], names))
    return places


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


def _scan(html: str, template: Path) -> tuple[list[_Block], list[_Cite]]:
    """Find the paragraphs, and each cited fact with the stretch of its paragraph it covers."""
    stack: list[tuple[str, _Block]] = []
    blocks: list[_Block] = []
    opened: list[_Open] = []
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
            if name in _BLOCKS:
                while stack:
                    tag, block = stack.pop()
                    block.end = match.start()
                    cites.extend(_close(opened, [o.block is block for o in opened], match.start()))
                    if tag == name:
                        break
            elif any(o.name == name for o in opened):
                index = max(i for i, o in enumerate(opened) if o.name == name)
                which = [i >= index for i in range(len(opened))]
                cites.extend(_close(opened, which, match.start()))
            continue
        if name in _BLOCKS:
            stack.append((name, _Block()))
            blocks.append(stack[-1][1])
        facts = _FACTS.search(match.group(3) or "")
        # A chart cites its facts' sources in its own source line, not in a note.
        ids = tuple(facts.group(1).split()) if facts and name != "figure" else ()
        if ids and not stack:
            raise _outside(ids, template)
        void = name in _VOID or match.group(0).endswith("/>")
        if ids and void:
            cites.append(_Cite(stack[-1][1], match.end(), match.end(), ids))
        elif stack and not void and name not in _BLOCKS:
            opened.append(_Open(name, match.end(), stack[-1][1], ids))
        if name == "data" and not void:
            if not in_data:
                data_start = match.start()
            in_data += 1
    for _, block in stack:
        block.end = len(html)
    cites.extend(_close(opened, [True] * len(opened), len(html)))
    return blocks, cites


def _outside(ids: tuple[str, ...], template: Path) -> InputError:
    return InputError(
        [
            Problem(
                f"'{' '.join(ids)}' is cited outside a paragraph or list item (in a heading, "
                "say), where its source cannot be footnoted: move it into a <p> or <li>, or "
                "write the words without the fact",
                template,
                fact_line(template, ids[0], "<h"),
            )
        ]
    )


def _close(opened: list[_Open], which: list[bool], at: int) -> list[_Cite]:
    """Close the open elements `which` selects at `at`; the cites of those that cite facts."""
    closed = [o for o, chosen in zip(opened, which, strict=True) if chosen]
    opened[:] = [o for o, chosen in zip(opened, which, strict=True) if not chosen]
    return [_Cite(o.block, o.start, at, o.facts) for o in closed if o.facts]


def _sentence_stops(html: str, block: _Block) -> list[tuple[int, int]]:
    """Each sentence end of a paragraph: (start of the glued text, point after its stop).

    The calls follow the end of the sentence, glued to its full stop (and closing quotes) so
    that they never begin a line.
    """
    stops: list[tuple[int, int]] = []
    for start, end in block.text:
        text = html[start:end]
        for index, char in enumerate(text):
            if char in _FULL_STOP or (
                char in _STOP and _ends_sentence(html, start + index, text[index + 1 :])
            ):
                closers = _CLOSER.match(text, index + 1)
                stop = closers.end() if closers else index + 1
                if stops and stops[-1][1] >= start + index:
                    stops[-1] = (stops[-1][0], max(stops[-1][1], start + stop))  # ?! or 。”
                else:
                    stops.append((start + index, start + stop))
    return stops


def _ends_sentence(html: str, at: int, rest: str) -> bool:
    """Whether the stop at `at` ends a sentence: followed by a space or a tag, not after U.S."""
    closers = _CLOSER.match(rest)
    rest = rest[closers.end() if closers else 0 :]
    if rest and not rest[0].isspace():
        return False
    word = _WORD.search(_TAG.sub("", html[max(0, at - 80) : at]))
    return word is None or (len(word.group(1)) > 1 and word.group(1) not in _ABBREVIATIONS)


def _paragraph_end(html: str, block: _Block) -> tuple[int, int]:
    """Where the notes of a paragraph's last sentence go when it has no full stop."""
    end = block.end
    while end > 0 and html[end - 1].isspace():
        end -= 1
    if block.last_data is not None and block.last_data[1] == end:
        return block.last_data[0], end
    if end > 0 and html[end - 1] != ">":
        entity = _ENTITY_END.search(html, 0, end)
        return (entity.start() if entity else end - 1), end
    return end, end
