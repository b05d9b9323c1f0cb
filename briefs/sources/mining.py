"""Turn a source text into the figures it states, and a fact base into its coverage of them."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import yaml

from briefs.facts import model
from briefs.facts.project import Project
from briefs.numbers.reading import states
from briefs.sources.text import SourceText, flatten, read_source

# A figure: digits, then perhaps 多/余, a multiplier and what is counted. Digits glued to letters
# (5G, 22BGJ023, t_6979185), ordinals (第4版) and note marks ([1]) are not figures.
_FIGURE = re.compile(
    r"(?<![A-Za-z0-9_.\-/\[第:+%])(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)(?P<more>多|余)?"
    r"(?P<mult>万亿|亿|万|千(?![瓦米克]))?"
    r"(?P<what>%|个百分点|美元|元|人次|人|名|家|个|条|项|座|款|国|倍|分钟|分|年|月|日|号|期|页|版"
    r"|GW|MW|kW|千瓦时|千瓦|吨)?"
)
_MULTIPLIERS = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}
_NOT_FIGURES = frozenset({"月", "日", "号", "期", "页", "版"})
_UNITS = {
    "%": "percent",
    "个百分点": "points",
    "美元": "USD",
    "元": "CNY",
    "人次": "people",
    "人": "people",
    "名": "people",
    "倍": "multiple",
    "分钟": "minutes",
    "分": "points",
    "年": "years",
}
_COUNTED = frozenset("家个条项座款国")
_YEAR = re.compile(r"((?:19|20)\d\d)年")
_STOPS = "。！？!?;；\n"
_CLAUSES = ",，、:：(（"
SENTENCE_MAX = 500  # characters either side of a figure that its sentence may reach
QUOTE_BEFORE = 16  # characters of context a candidate quote keeps before the figure


@dataclass(frozen=True)
class Figure:
    """A figure found in a source: what it says, where it stands, and the year nearest to it."""

    source: str
    text: str
    value: float
    unit: str | None
    year: str | None
    sentence: str
    line: int
    start: int
    end: int


def figures(source_id: str, text: SourceText) -> list[Figure]:
    """Every figure the source's excerpt states, in order."""
    found: list[Figure] = []
    stop = text.end if text.end >= 0 else len(text.flat)
    flat = text.flat
    for match in _FIGURE.finditer(flat, text.begin, stop):
        number = float(match["num"].replace(",", ""))
        what = match["what"]
        after = flat[match.end() : match.end() + 1]
        if what in _NOT_FIGURES or re.match(r"[A-Za-z0-9_:+\]世]", after):
            continue  # a date, a page, a time (09:32), 10+1, a note mark, 20世纪, %2C in a URL
        if len(match["num"]) >= 7 and not match["mult"] and "," not in match["num"]:
            continue  # an identifier (a project or file number), not a figure
        if what == "年" and 1900 <= number <= 2100 and not match["mult"]:
            continue  # a year, not a figure
        if (
            what is None
            and not match["mult"]
            and "." not in match["num"]
            and 1900 <= number <= 2100
        ):
            continue  # a year in a span such as 2019—2023
        # A sentence is sought within a window: text without stops (English loses its full stops'
        # spaces) would otherwise make every figure's sentence the whole source.
        low = max(text.begin, match.start() - SENTENCE_MAX)
        high = min(stop, match.end() + SENTENCE_MAX)
        begin = max(low, *(flat.rfind(c, low, match.start()) + 1 for c in _STOPS))
        ends = [i for c in _STOPS if (i := flat.find(c, match.end(), high)) >= 0]
        finish = min(ends) + 1 if ends else high
        sentence = flat[begin:finish]
        # The year nearest before the figure (2023年…1200亿元), else the first after it.
        at = match.start() - begin
        years = [(m.start() > at, abs(m.start() - at), m[1]) for m in _YEAR.finditer(sentence)]
        unit = _UNITS.get(what or "") or ("count" if what in _COUNTED else what)
        found.append(
            Figure(
                source_id,
                match[0],
                number * _MULTIPLIERS.get(match["mult"] or "", 1.0),
                unit,
                min(years)[2] if years else None,
                sentence,
                text.line(match.start()),
                match.start(),
                match.end(),
            )
        )
    return found


@dataclass
class SourceCoverage:
    """How many of a source's figures the fact base captures, and which it does not."""

    source: str
    figures: int = 0
    missing: list[Figure] = field(default_factory=list)

    @property
    def captured(self) -> int:
        return self.figures - len(self.missing)


@dataclass
class Coverage:
    """Figures captured per source, and the facts the brief never cites."""

    sources: list[SourceCoverage]
    uncited: list[str]

    @property
    def figures(self) -> int:
        return sum(s.figures for s in self.sources)

    @property
    def captured(self) -> int:
        return sum(s.captured for s in self.sources)


def source_texts(project: Project) -> dict[str, SourceText]:
    """The checked text of each source (the project has passed `brief check`)."""
    texts = {}
    for src in project.brief.sources:
        excerpt = src.excerpt
        texts[src.id] = read_source(
            project.paths.facts / src.file,
            excerpt.start if excerpt else None,
            excerpt.end if excerpt else None,
        )
    return texts


class Quotes:
    """Where the quotes of a source's facts stand in its text, for finding the facts that cover
    a figure without trying every fact against every figure (a project may hold thousands)."""

    def __init__(self, facts: list[model.Fact], text: SourceText, language: str) -> None:
        self.language = language  # figures are read in the source's language, as the check does
        placed: list[tuple[int, int, model.Fact]] = []
        for fact in facts:
            quote = flatten(fact.quote)
            if fact.value is None or not quote:
                continue
            # A source may repeat a passage: any place the quote stands may cover a figure.
            at = text.flat.find(quote)
            while at >= 0:
                placed.append((at, len(quote), fact))
                at = text.flat.find(quote, at + 1)
        placed.sort(key=lambda item: item[0])
        self.placed = placed
        self.starts = [at for at, _, _ in placed]
        self.longest = max((length for _, length, _ in placed), default=0)

    def captured(self, figure: Figure) -> bool:
        """Whether a fact quotes the figure (its quote spans it) and holds its value."""
        low = bisect.bisect_left(self.starts, figure.end - self.longest)
        high = bisect.bisect_right(self.starts, figure.start)
        for at, length, fact in self.placed[low:high]:
            value = fact.value
            if (
                at + length >= figure.end
                and value is not None
                and states(value, figure.text, fact.unit, language=self.language)
            ):
                return True
        return False


def coverage(project: Project, cited: set[str]) -> Coverage:
    """Which figures of each source no fact captures, and which facts nothing cites."""
    texts = source_texts(project)
    by_source: dict[str, list[model.Fact]] = {}
    for fact in project.facts.values():
        by_source.setdefault(fact.source, []).append(fact)
    result = []
    for src in project.brief.sources:
        text = texts[src.id]
        found = figures(src.id, text)
        quotes = Quotes(by_source.get(src.id, []), text, src.language)
        result.append(
            SourceCoverage(src.id, len(found), [f for f in found if not quotes.captured(f)])
        )
    used = set(cited)
    for chart in project.charts.values():
        used.update(chart.fact_ids)
    for comp in project.computed.values():
        used.update(comp.from_)
    for fact in project.facts.values():
        if fact.derived is not None:
            used.update(fact.derived.from_)
    return Coverage(result, sorted(set(project.facts) - used))


def candidates(found: list[Figure]) -> str:
    """Candidate facts in YAML, one per figure, for an analyst to paste and complete."""
    entries = []
    for index, figure in enumerate(found, start=1):
        offset = figure.sentence.find(figure.text)
        start = max(0, offset - QUOTE_BEFORE)
        clause = max(figure.sentence.rfind(c, start, offset) for c in _CLAUSES)
        quote = figure.sentence[max(start, clause + 1) : offset + len(figure.text)]
        entry: dict[str, object] = {
            "id": f"{figure.source}-figure-{index}",
            "section": "progress",
            "theme": "todo",
            "value": int(figure.value) if figure.value.is_integer() else figure.value,
            "unit": figure.unit,
            "period": figure.year,
            "kind": "actual",
            "label": {"zh": "TODO", "en": "TODO"},
            "source": figure.source,
            "quote": quote,
        }
        entries.append(
            f"  # line {figure.line}: {figure.sentence}\n"
            + yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=200)
            .replace("\n", "\n  ")
            .rstrip()
            .join(["  ", "\n"])
        )
    return "facts:\n" + "\n".join(entries)
