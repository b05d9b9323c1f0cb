"""Turn prose templates and source texts into the runs of words the prose copies from a source.

Prose is written afresh: a run of 15 or more Chinese characters, or 8 or more words in other
languages, that the prose shares with a source (punctuation and spaces removed) is a copy, unless
it stands in quotation marks in a line that cites a fact of that source (so its note names the
source). A title in 《》 is not a copy, and a name counts as one word, however long.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from briefs.compose.prose import BREAK, ProseLine
from briefs.facts.domain import _cldr_names
from briefs.facts.project import Project
from briefs.numbers.reading import normalise
from briefs.sources.text import SourceText

CHARACTERS = 15  # shared characters that make a copy, in Chinese (and Japanese)
WORDS = 8  # shared words that make a copy, in other languages
_BY_CHARACTER = frozenset({"zh", "ja"})
# Quotations (kept apart: quoted with a note is fine) and titles (never a copy).
_SEGMENT = re.compile(r"“[^”]*”|「[^」]*」|\"[^\"]*\"|‘[^’]*’|《[^》]*》")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Small words a name may hold: Ministry of Industry and Information Technology.
_IN_NAMES = frozenset({"of", "and", "for", "on", "the", "in", "de", "du", "des", "la"})


@dataclass(frozen=True)
class Copy:
    """A run the prose shares with a source: where, what, and the source's line."""

    line: ProseLine
    run: str
    source: str
    source_line: int
    quoted: bool


@dataclass(frozen=True)
class _Indexed:
    """A source cut into pieces (characters or words), each with its line, and its n-grams."""

    source: str
    pieces: list[str]
    lines: list[int]
    grams: dict[tuple[str, ...], int]


_LATIN = re.compile(r"[A-Za-z0-9]+(?:\.[0-9]+)?")


def _characters(text: str, names: re.Pattern[str] | None) -> list[tuple[str, int]]:
    """CJK characters, letters and digits of a text, each with its offset; a name of a country
    or group, a word or a number in Latin letters each count as one."""
    text = normalise(text)
    spans = {m.start(): m.group(0) for m in names.finditer(text)} if names else {}
    pieces: list[tuple[str, int]] = []
    at = 0
    while at < len(text):
        name = spans.get(at)
        latin = _LATIN.match(text, at) if name is None else None
        if name or latin:
            piece = name or (latin.group(0).lower() if latin else "")
            pieces.append((piece, at))
            at += len(piece)
            continue
        if text[at].isalnum():
            pieces.append((text[at], at))
        at += 1
    return pieces


def _names(project: Project, prose: str) -> re.Pattern[str] | None:
    """The names of countries and groups the prose uses (CLDR's and the project's own)."""
    known = set(_cldr_names("zh").values()) | set(_cldr_names("en").values())
    known |= {g.name.get(lang) for g in project.brief.groups for lang in ("zh", "en")}
    known |= {t.get(lang) for t in project.brief.country_names.values() for lang in ("zh", "en")}
    used = sorted((n for n in known if len(n) > 1 and n in prose), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, used))) if used else None


def _words(text: str) -> list[tuple[str, int]]:
    """Words of a text in lower case, each with its offset; a name (capitalised words, with the
    small words a name may hold) is one word."""
    found: list[tuple[str, int]] = []
    name: list[str] = []
    for match in _WORD.finditer(normalise(text)):
        word = match.group(0)
        if name and (word[0].isupper() or (word in _IN_NAMES and name[-1][0].isupper())):
            name.append(word)
            found[-1] = (" ".join(name).lower(), found[-1][1])
            continue
        name = [word] if word[0].isupper() else []
        found.append((word.lower(), match.start()))
    return found


# `brief serve` and `brief watch` check the prose on every save; the sources rarely change.
_INDEXED: dict[tuple[str, int, int, str, bool, str], _Indexed] = {}


def _index(
    source: str, text: SourceText, by_character: bool, names: re.Pattern[str] | None
) -> _Indexed:
    """A source's excerpt indexed by its n-grams (the last ones made, kept while unchanged)."""
    known = (source, text.begin, text.end, text.raw, by_character, names.pattern if names else "")
    if known not in _INDEXED:
        if len(_INDEXED) > 64:
            _INDEXED.clear()
        _INDEXED[known] = _indexed(source, text, by_character, names)
    return _INDEXED[known]


def _indexed(
    source: str, text: SourceText, by_character: bool, names: re.Pattern[str] | None
) -> _Indexed:
    size = CHARACTERS if by_character else WORDS
    raw = text.raw
    # Only the source's excerpt is the source (two articles may share one page).
    first = text.origin[text.begin] if text.origin and text.begin < len(text.origin) else 0
    last = text.origin[text.end - 1] + 1 if text.origin and text.end > 0 else len(raw)
    pieces_at = [
        (piece, at)
        for piece, at in (_characters(raw, names) if by_character else _words(raw))
        if first <= at < last
    ]
    pieces = [p for p, _ in pieces_at]
    lines: list[int] = []
    line, last = 1, 0
    for _, at in pieces_at:
        line += raw.count("\n", last, at)
        last = at
        lines.append(line)
    grams: dict[tuple[str, ...], int] = {}
    for start in range(len(pieces) - size + 1):
        grams.setdefault(tuple(pieces[start : start + size]), start)
    return _Indexed(source, pieces, lines, grams)


def _segments(words: str) -> Iterator[tuple[str, bool]]:
    """The parts of a line's words: (text, quoted); titles in 《》 are left out."""
    last = 0
    for match in _SEGMENT.finditer(words):
        yield words[last : match.start()], False
        if not match.group(0).startswith("《"):
            yield match.group(0)[1:-1], True
        last = match.end()
    yield words[last:], False


def _runs(pieces: list[str], index: _Indexed, size: int) -> Iterator[tuple[int, int, int]]:
    """Maximal runs of `pieces` made of shared n-grams: (start, end, position in the source)."""
    start = end = -1
    origin = 0
    for at in range(len(pieces) - size + 1):
        found = index.grams.get(tuple(pieces[at : at + size]))
        if found is None:
            continue
        if at > end:
            if end >= 0:
                yield start, end, origin
            start, origin = at, found
        end = at + size
    if end >= 0:
        yield start, end, origin


def copies(
    lines: list[tuple[str, ProseLine]], project: Project, texts: dict[str, SourceText]
) -> list[Copy]:
    """Every run the prose lines (with their language) share with a source, each reported once
    (two sources in one file share their runs)."""
    sources = {s.id: s for s in project.brief.sources}
    fact_sources = {fact_id: fact.source for fact_id, fact in project.facts.items()}
    names = _names(project, "".join(line.words for _, line in lines))
    indexes = {
        source_id: _index(source_id, text, lang in _BY_CHARACTER, names)
        for source_id, text in texts.items()
        for lang in (sources[source_id].language,)
    }
    found: dict[tuple[Path, int, str], Copy] = {}
    for lang, line in lines:
        by_character = lang in _BY_CHARACTER
        size = CHARACTERS if by_character else WORDS
        noted = {fact_sources[f] for f in line.cites if f in fact_sources}
        for segment, quoted in _segments(line.words):
            for part in segment.split(BREAK):
                pieces = [
                    p for p, _ in (_characters(part, names) if by_character else _words(part))
                ]
                for source_id, index in indexes.items():
                    if (sources[source_id].language in _BY_CHARACTER) != by_character:
                        continue
                    if quoted and source_id in noted:
                        continue
                    for start, end, origin in _runs(pieces, index, size):
                        run = ("" if by_character else " ").join(pieces[start:end])
                        copy = Copy(line, run, source_id, index.lines[origin], quoted)
                        found.setdefault((line.template, line.number, run), copy)
    return list(found.values())
