"""Turn a source text into the figures it states, and a fact base into its coverage of them."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import yaml

from briefs.facts import model
from briefs.facts.project import Project
from briefs.numbers import units
from briefs.numbers.reading import UNIT_NAMES, Stated, numbers, states
from briefs.numbers.units import check as check_unit
from briefs.numbers.units import physical
from briefs.numbers.units import symbol as units_symbol
from briefs.sources.reflow import is_wide
from briefs.sources.text import PAGE_MARK, SourceText, flatten, read_source

# What a number is followed by, and the unit a fact gives it in the tool's own form. Physical
# units (吨, tonnes, GW, gigawatts) go through pint instead.
_AFTER = re.compile(
    r"\s*(?P<what>%|个百分点|percentage points?|per ?cent\b|美元|人民币|元|欧元|日元|人次|人|名"
    r"|家|个|条|项|座|款|国|所|只|种|批|倍|分钟|年|(?:times|fold)\b"
    r"|(?:people|persons|users|workers|residents|students|visitors)\b"
    r"|(?:years?)\b|(?:minutes?)\b)?"
)
_WORD_UNITS = {
    "%": "percent",
    "percent": "percent",
    "per cent": "percent",
    "个百分点": "points",
    "percentage point": "points",
    "percentage points": "points",
    "美元": "USD",
    "人民币": "CNY",
    "元": "CNY",
    "欧元": "EUR",
    "日元": "JPY",
    "人次": "people",
    "人": "people",
    "名": "people",
    "倍": "multiple",
    "times": "multiple",
    "fold": "multiple",
    "分钟": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "年": "years",
    "year": "years",
    "years": "years",
}
_COUNTED = frozenset("家个条项座款国所只种批")
_PEOPLE = frozenset({"people", "persons", "users", "workers", "residents", "students", "visitors"})
# Currency signs before a number: $14,000, US$2.2 billion, €5 million, ¥300.
_SIGN = re.compile(r"(?:US\$|\$|USD\s?|€|EUR\s?|£|GBP\s?|RMB\s?|CNY\s?|¥)$")
_SIGNS = {"US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "RMB": "CNY", "¥": "CNY"}
_NOT_FIGURES = re.compile(r"\s*(?:月|日|号|期|页|版|时|点|世纪|楼|届|号线|:\d|\+\d)")
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_DATE_AROUND = re.compile(rf"{_MONTHS}\s*$"), re.compile(rf"(?:st|nd|rd|th)?\s*{_MONTHS}\b")
_PER = re.compile(r"\s*(?:per|a|/)\s*([A-Za-z]+)")
# English words that pint would read as a unit but that, after a number, are just words.
_NOT_UNITS = frozenset({"in", "at", "a", "an", "on", "of", "to", "by", "or", "and", "per", "s"})
_YEAR = re.compile(
    r"(?<!\d)((?:19|20)\d\d)(?!\d)(?:年)?|(去年|今年|明年|前年|last year|this year|next year)"
)
_RELATIVE = {
    "去年": -1,
    "今年": 0,
    "明年": 1,
    "前年": -2,
    "last year": -1,
    "this year": 0,
    "next year": 1,
}
_STOPS = "。！？!?;；\n"
_FULL_STOP = re.compile(r"\.(?:\s|$)")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_CLAUSES = ",，、:：;；(（"
# Words that put a qualifier on the figure after them (or, 左右, before them).
_APPROX_BEFORE = [
    (re.compile(r"(?:将近|接近|近|almost|nearly|close to)\s*$", re.I), "nearly"),
    (
        re.compile(r"(?:超过|逾|超|高达|over|more than|above|exceeding|upwards of)\s*$", re.I),
        "over",
    ),
    (re.compile(r"(?:至少|不少于|at least)\s*$", re.I), "at-least"),
    (re.compile(r"(?:不到|不足|低于|少于|under|less than|below|fewer than)\s*$", re.I), "under"),
    (re.compile(r"(?:最多|多达|up to)\s*$", re.I), "up-to"),
    (
        re.compile(r"(?:约|大约|大概|约为|about|around|approximately|roughly|some)\s*$", re.I),
        "about",
    ),
]
_APPROX_AFTER = [
    (re.compile(r"^\s*(?:左右|上下)"), "about"),
    (re.compile(r"^\s*(?:以上|多|余|\+|or more)"), "over"),
    (re.compile(r"^\s*(?:以下|or less)"), "under"),
]
_FORECAST = re.compile(
    r"预计|预期|有望|预测|将达|将超|将增|将突破|forecast|expected|projected|is set to|will reach",
    re.I,
)
_TARGET = re.compile(r"目标|力争|争取|计划到|target|aims? to|goal", re.I)
_BY_YEAR = re.compile(r"(?:到|至|by)\s*((?:19|20)\d\d)", re.I)
# Characters that end a word in Chinese text: where a quote may begin without cutting one.
_WORD_ENDS = "的了在和与及是对将为从向把被等中于"
SENTENCE_MAX = 500  # characters either side of a figure that its sentence may reach
QUOTE_BEFORE = 16  # characters of context a candidate quote keeps before the figure
QUOTE_WORDS = 6  # words of context it keeps in an English source


@dataclass(frozen=True)
class Spaced:
    """A source's excerpt in the form figures are read in: NFKC, runs of spaces as one space, no
    space where a line break joined CJK text; each character mapped back to the flat text."""

    text: str
    flat: tuple[int, ...]

    @classmethod
    def of(cls, source: SourceText) -> Spaced:
        stop = source.end if source.end >= 0 else len(source.flat)
        chars: list[str] = []
        index: list[int] = []
        for i in range(source.begin, stop):
            char = source.flat[i]
            if chars and i > 0:
                # Skipped whitespace or a page mark: a space between words, none within CJK; a
                # blank line between paragraphs ends a sentence (a title is not part of the
                # first sentence after it), a page mark alone does not.
                skipped = source.raw[source.origin[i - 1] + 1 : source.origin[i]]
                if _PARAGRAPH_BREAK.search(skipped) and not PAGE_MARK.search(skipped):
                    chars.append("\n")
                    index.append(i)
                elif skipped and not (is_wide(chars[-1]) or is_wide(char)):
                    chars.append(" ")
                    index.append(i)
            chars.append(char)
            index.append(i)
        return cls("".join(chars), tuple(index))

    def flat_index(self, at: int) -> int:
        return self.flat[min(at, len(self.flat) - 1)] if self.flat else 0

    def numbers(self, language: str) -> list[tuple[int, Stated]]:
        """Every number reading.py finds in the text (read as `language` writes numbers), with
        where it stands."""
        found = []
        for stated in numbers(self.text, language):
            at = self.text.find(stated.text, stated.at[0])
            if at >= 0 and not stated.year:
                found.append((at, stated))
        return found

    def sentence(self, at: int) -> tuple[int, int]:
        """Where the sentence around `at` begins and ends, sought within SENTENCE_MAX either
        side (a text without stops would otherwise make every sentence the whole source)."""
        low, high = max(0, at - SENTENCE_MAX), min(len(self.text), at + SENTENCE_MAX)
        begin = max(low, *(self.text.rfind(c, low, at) + 1 for c in _STOPS))
        if (dot := self.text.rfind(". ", low, at)) >= begin:
            begin = dot + 2
        ends = [i + 1 for c in _STOPS if (i := self.text.find(c, at, high)) >= 0]
        ends += [m.start() + 1 for m in [_FULL_STOP.search(self.text, at, high)] if m]
        return begin, min(ends) if ends else high


@dataclass(frozen=True)
class _Read:
    start: int
    text: str
    value: float
    unit: str
    end: int


def _physical(word: str) -> str | None:
    """The tool's symbol for a unit a source writes (吨 → t, tonnes → t, gigawatts → GW)."""
    name = UNIT_NAMES.get(word, word)
    if name.lower() in _NOT_UNITS or not physical(name):
        return None
    return units_symbol(name)


def _unit_after(text: str, at: int, stated: Stated) -> tuple[str | None, int] | None:
    """The unit written after the number and where it ends; None if the number is an id (5G)."""
    end = at + len(stated.text)
    if stated.unit:
        glued = not text[end : end + 1].isspace()
        word = stated.unit.lower()
        unit_end = text.index(stated.unit, end) + len(stated.unit)
        if word in _PEOPLE:
            return "people", unit_end
        if word in _WORD_UNITS:
            return _WORD_UNITS[word], unit_end
        symbol = _physical(stated.unit) if len(word) > 1 or is_wide(word[0]) else None
        if symbol:
            return symbol, unit_end
        if glued and not is_wide(stated.unit[0]):
            return None  # 5G, 3D, 22BGJ023: a name, not a figure
    what = _AFTER.match(text, end)
    if what and what["what"]:
        word = what["what"].lower().strip()
        unit = "count" if word in _COUNTED else _WORD_UNITS.get(word)
        unit = "people" if word in _PEOPLE else unit
        return unit, what.end()
    return None, end


def read_figure(text: str, at: int, stated: Stated) -> _Read | None:
    """The figure a number in a source states, with its unit; None for dates, ids and ordinals."""
    prev = text[at - 1 : at]
    end = at + len(stated.text)
    chinese = not stated.text[0].isdigit()
    glued_mark = stated.mark == "N"  # Nigerian usage glues the naira's N to the digits
    if prev and (
        (prev.isalnum() and not is_wide(prev) and not glued_mark) or prev in "_.-/[第:+#@%"
    ):
        return None
    if re.match(r"[\d/_%]\s", text[max(0, at - 2) : at]):
        return None  # 674 909: a number broken across a line, as in a URL
    if _NOT_FIGURES.match(text, end) or text[end : end + 1] in ("]", "_"):
        return None
    if _DATE_AROUND[0].search(text[max(0, at - 12) : at]) or _DATE_AROUND[1].match(text, end):
        return None
    digits = stated.text.replace(",", "")
    if not chinese and len(digits) >= 7 and digits.isdigit():
        return None  # an identifier (a project or file number), not a figure
    after = _unit_after(text, at, stated)
    if after is None:
        return None
    unit, stop = after
    start = at
    # What reading.py read around the number in the source's language: percentage points and
    # percent ("0,9 ponto percentual"), a currency it names (R$ 1.234,56, 250 reais, ₦2.3qd).
    unit = stated.measure or unit
    named = units.numerator(unit) if unit else None
    if stated.currency and len(stated.currency) == 1 and named not in stated.currency:
        unit = next(iter(stated.currency))
        mark = text.rfind(stated.mark or "", max(0, at - 6), at)
        start = mark if stated.mark and mark >= 0 else at
    sign = _SIGN.search(text[max(0, at - 4) : at])
    if sign:
        start = at - len(sign[0])
        unit = _SIGNS.get(sign[0].strip(), sign[0].strip())
        per = _PER.match(text, stop)
        compound = f"{unit}/{_physical(per[1])}" if per and _physical(per[1]) else None
        if per and compound and _known(compound):
            unit, stop = compound, per.end()
    year_like = stated.value.is_integer() and 1900 <= stated.value <= 2100 and digits.isdigit()
    if year_like and unit in (None, "years"):
        return None  # a year, not a figure
    if chinese and not _counts(text[max(0, at - 2) : at], stated, unit):
        return None
    # A fall the source states ("caiu 0,9", 下降0.8) is drafted as a negative value.
    value = -stated.value if stated.falls and stated.value > 0 else stated.value
    return _Read(start, text[start:stop].strip(), value, unit or "count", stop)


def _counts(before: str, stated: Stated, unit: str | None) -> bool:
    """Whether Chinese numerals state a figure: before a counter (十余家, 近百个, 三年), not in
    words (一些, 统一), names (万国数据) or turns of phrase (三个方面, 两国领导人)."""
    if unit not in ("count", "people", "multiple", "years"):
        return False
    if stated.text in ("万", "亿", "千", "百") and not before.endswith(("近", "约", "上")):
        return False
    rough = any(c in stated.text for c in "余多") or before.endswith(("近", "约"))
    return stated.value >= 10 or rough or unit in ("years", "multiple")


def _known(unit: str) -> bool:
    try:
        check_unit(unit)
    except ValueError:
        return False
    return True


def qualifier(before: str, figure: str, after: str) -> tuple[str, int]:
    """The approx a source puts on a figure (约, 近, 超过, 左右, 多, about, nearly, more than…),
    and how many characters after the figure say so (左右), for the quote to keep."""
    for pattern, approx in _APPROX_BEFORE:
        if pattern.search(before):
            return approx, 0
    if "多" in figure or "余" in figure:
        return "over", 0
    for pattern, approx in _APPROX_AFTER:
        if match := pattern.match(after):
            return approx, match.end()
    return "exact", 0


def kind_of(sentence: str, this_year: int | None) -> str:
    """target or forecast if the sentence says so (目标, 预计, expected, by 2030), else actual."""
    if _TARGET.search(sentence):
        return "target"
    if _FORECAST.search(sentence):
        return "forecast"
    for match in _BY_YEAR.finditer(sentence):
        if this_year is None or int(match[1]) > this_year:
            return "forecast"
    return "actual"


def nearest_year(sentence: str, at: int, this_year: int | None) -> str | None:
    """The year nearest before the figure (2023年…1200亿元), else the first after it; 去年 and
    last year counted from the source's year."""
    years = []
    for match in _YEAR.finditer(sentence):
        if match[1]:
            year = match[1]
        elif this_year is not None:
            year = str(this_year + _RELATIVE[match[2].lower()])
        else:
            continue
        years.append((match.start() > at, abs(match.start() - at), year))
    return min(years)[2] if years else None


def _clause_mark(text: str, mark: str, begin: int, at: int) -> int:
    """Where the last clause mark before `at` stands; a comma between digits is a decimal or
    group sign (1.234,56; 47,3%), not the end of a clause."""
    found = text.rfind(mark, begin, at)
    while found > begin and mark == "," and text[found - 1 : found].isdigit():
        if not text[found + 1 : found + 2].isdigit():
            break
        found = text.rfind(mark, begin, found)
    return found


def cut_quote(text: str, begin: int, at: int, end: int) -> str:
    """A short verbatim quote ending with the figure, starting where a word or clause starts."""
    clause = max(begin, *(_clause_mark(text, c, begin, at) + 1 for c in _CLAUSES))
    if not is_wide(text[at - 1 : at] or "a") and not any(is_wide(c) for c in text[clause:at]):
        words = text[clause:at].split(" ")
        start = at - len(" ".join(words[-QUOTE_WORDS - 1 :]))
    elif at - clause <= 2 * QUOTE_BEFORE:
        start = clause
    else:
        start = at - QUOTE_BEFORE
        ends = [i for i in range(start, at) if text[i] in _WORD_ENDS]
        start = ends[0] + 1 if ends else start
    return text[max(clause, start) : end].strip(" ,，、")


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
    start: int  # offsets in the source's flattened text (SourceText.flat)
    end: int
    approx: str = "exact"
    kind: str = "actual"
    quote: str = ""


def figures(
    source_id: str, text: SourceText, date: str | None = None, language: str = "zh"
) -> list[Figure]:
    """Every figure the source's excerpt states, in order, in English or Chinese.

    `date` is the source's publication date, which resolves 去年, 今年 and "last year";
    `language` the language it is written in, which says how it writes numbers.
    """
    spaced = Spaced.of(text)
    this_year = int(date[:4]) if date and date[:4].isdigit() else None
    return [
        found
        for at, stated in spaced.numbers(language)
        if (found := _figure(source_id, text, spaced, at, stated, this_year)) is not None
    ]


def _figure(
    source_id: str,
    text: SourceText,
    spaced: Spaced,
    at: int,
    stated: Stated,
    this_year: int | None,
) -> Figure | None:
    read = read_figure(spaced.text, at, stated)
    if read is None:
        return None
    begin, finish = spaced.sentence(at)
    sentence = spaced.text[begin:finish].strip()
    approx, extra = qualifier(
        spaced.text[begin : read.start], read.text, spaced.text[read.end : finish]
    )
    flat_start = spaced.flat_index(read.start)
    return Figure(
        source_id,
        read.text,
        read.value,
        read.unit,
        nearest_year(spaced.text[begin:finish], at - begin, this_year),
        sentence,
        text.line(flat_start),
        flat_start,
        spaced.flat_index(read.end - 1) + 1,
        approx,
        kind_of(sentence, this_year),
        cut_quote(spaced.text, begin, read.start, read.end + extra),
    )


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
                # A fall ("fell by 3.5 points") is stored as −3.5; the figure alone reads 3.5.
                and any(
                    states(v, figure.text, fact.unit, language=self.language)
                    for v in (value, -value)
                )
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
        found = figures(src.id, text, src.date, src.language)
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


def candidates(found: list[Figure], section: str = "todo") -> str:
    """Candidate facts in YAML, one per figure, for an analyst to paste and complete."""
    entries = []
    for index, figure in enumerate(found, start=1):
        entry: dict[str, object] = {
            "id": f"{figure.source}-figure-{index}",
            "section": section,
            "theme": "todo",
            "value": int(figure.value) if figure.value.is_integer() else figure.value,
            "unit": figure.unit,
            **({"approx": figure.approx} if figure.approx != "exact" else {}),
            "period": figure.year,
            "kind": figure.kind,
            "label": {"zh": "TODO", "en": "TODO"},
            "source": figure.source,
            "quote": figure.quote,
        }
        entries.append(
            f"  # line {figure.line}: {figure.sentence}\n"
            + yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=200)
            .replace("\n", "\n  ")
            .rstrip()
            .join(["  ", "\n"])
        )
    return "facts:\n" + "\n".join(entries)
