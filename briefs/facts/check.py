"""Turn a loaded project into a checked one: sources, quotes, references, series and arithmetic."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from briefs.errors import InputError, Problem
from briefs.facts import model
from briefs.facts.inside import not_text, source_file
from briefs.facts.loader import Loc, load_yaml
from briefs.facts.places import country_warnings
from briefs.facts.project import BRIEF_FILE, Project
from briefs.facts.typed import text_numbers
from briefs.facts.where import Where
from briefs.numbers.formatting import count, message
from briefs.numbers.reading import describe, numbers, states
from briefs.sources.text import SourceText, flatten, read_source


class Reporter(Protocol):
    """Records one problem: the item's id, the message, and optionally where in the item."""

    def __call__(self, item_id: str, message: str, field_path: str | Loc | None = None) -> None: ...


@dataclass(frozen=True)
class Recheck:
    """A figure a source derived from others, recomputed from the components we hold."""

    fact: str
    method: str
    stated: float
    computed: float
    agrees: bool


@dataclass
class Report:
    """What `brief check` found: counts, recomputations and conflicting facts."""

    facts: int = 0
    sources: int = 0
    charts: int = 0
    quotes: int = 0
    values: int = 0
    computed: int = 0
    rechecks: list[Recheck] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    due: list[str] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)  # fact id: page its quote stands on
    warnings: list[Problem] = field(default_factory=list)  # worth a look; errors when strict

    def summary(self) -> str:
        disagree = sum(1 for r in self.rechecks if not r.agrees)
        return (
            f"{count(self.facts, 'fact')} from {count(self.sources, 'source')}, "
            f"{count(self.charts, 'chart')}, {count(self.quotes, 'quote')} verified, "
            f"{count(self.values, 'value')} stated by their quotes; "
            f"{count(len(self.rechecks), 'derived figure')} recomputed ({disagree} disagree); "
            f"{count(len(self.conflicts), 'conflict')}; "
            + message(
                "{n, plural, one {# forecast or target past its year}"
                " other {# forecasts or targets past their year}}",
                "en",
                n=len(self.due),
            )
        )


def _value_problem(fact: model.Fact, where: Where) -> Problem | None:
    """The value must be a number its quote states (read in the source's language), in the
    fact's currency and unit, converted through the fact's unit."""
    value = fact.value if fact.value is not None else math.nan
    language = where.sources[fact.source].language
    if states(value, fact.quote, fact.unit, language=language):
        return None
    # A physical quantity is shown converted into the fact's unit: 2.2 (= 2200 MW); a number in
    # another currency or in percent for percentage points, with why it cannot be the value.
    found = numbers(fact.quote, language)
    stated = ", ".join(describe(s, fact.unit) for s in found) or "no number"
    # The number is right and only the unit is wrong (R$ 250 for a fact in USD): say so.
    marked = [s for s in found if s.currency and s.currency.isdisjoint({fact.unit})]
    if any(
        states(value, fact.quote, code, language=language) for s in marked for code in s.currency
    ):
        fix = "Correct the unit to the currency the quote names"
    else:
        fix = "Correct the value, or extend the quote to the words of the source that state it"
    return where.problem(
        fact.id,
        f"the value {value:.15g} ({fact.unit}) is not a number the quote states; the quote "
        f"{fact.quote!r} states: {stated}. {fix}",
        "value",
    )


def _not_found(fact: model.Fact, src: model.Source, text: SourceText) -> str:
    """Why a quote was not found, with the closest passage of the source and its line."""
    head = f"the quote is not in source '{src.id}' ({src.file}): {fact.quote!r}"
    anywhere = text.flat.find(flatten(fact.quote))
    if anywhere >= 0:
        return (
            f"{head}; it stands on line {text.line(anywhere)} of the file, outside the source's "
            "excerpt (facts/brief.yaml, `excerpt`): quote the article itself, or widen the excerpt"
        )
    at, passage = text.closest(fact.quote)
    where = (
        ""
        if text.begin <= at < (text.end if text.end >= 0 else len(text.flat))
        else (", outside the source's excerpt")
    )
    return (
        f"{head}; the closest passage is on line {text.line(at)}{where}: {passage!r}. "
        "Copy the words exactly from the source text (spaces and full- or half-width "
        "punctuation do not matter)"
    )


def compute(method: str, values: list[float], years: list[int | None]) -> float:
    """Compute a derived figure from its components (percentages as percent)."""
    if method == "sum":
        return math.fsum(values)
    a, b = values[0], values[-1]
    if method == "ratio":
        return b / a
    if method == "increase":
        return b / a - 1
    if method == "growth":
        return (b / a - 1) * 100
    if method == "difference":
        return b - a
    if method == "share":
        return a / b * 100
    span = (years[-1] or 0) - (years[0] or 0)
    return float((b / a) ** (1 / span) - 1) * 100  # cagr


def agrees(stated: float, computed: float, approx: str) -> bool:
    """Whether a recomputed figure matches the stated one within its rounding and qualifier."""
    if approx in ("over", "at-least"):
        return computed >= stated * 0.995
    if approx in ("under", "up-to"):
        return computed <= stated * 1.005
    if approx == "nearly":
        return stated * 0.85 <= computed <= stated * 1.005
    decimals = len(repr(float(stated)).split(".")[1].rstrip("0"))
    tolerance = max(0.5 * 10.0**-decimals, abs(stated) * 0.01)
    return abs(computed - stated) <= tolerance


def is_due(fact: model.Fact, as_of: str) -> bool:
    """A forecast, target or plan whose year has ended by the edition date."""
    year = fact.year
    return (
        fact.kind in ("forecast", "target", "plan") and year is not None and year < int(as_of[:4])
    )


def section_labels(brief: model.Brief) -> dict[str, str]:
    """Every name a fact may give as its `section`, mapped to the id of the chapter it is in."""
    return {name: s.id for s in brief.sections for name in (s.id, *s.also)}


def _check_brief(project: Project, sections: dict[str, str]) -> list[Problem]:
    """What facts/brief.yaml names elsewhere in the project: each section's prose, the memo's
    chart, the timeline's sections and chart."""
    path = project.paths.facts / BRIEF_FILE
    doc = load_yaml(path)
    problems: list[Problem] = []

    def problem(message: str, loc: Loc) -> None:
        line, column = doc.where(loc)
        problems.append(Problem(message, path, line, column))

    for index, section in enumerate(project.brief.sections):
        for lang in model.LANGS:
            prose = Path("templates", "prose", lang, f"{section.id}.html.j2")
            markdown = prose.with_name(f"{section.id}.md")
            if not any((project.paths.root / p).is_file() for p in (prose, markdown)):
                problem(
                    f"section '{section.id}' has no prose: write {markdown} (or {prose.name})",
                    ("sections", index),
                )
    memo = project.brief.memo_chart
    if memo is not None and memo not in project.charts:
        problem(f"memo_chart names unknown chart '{memo}'", ("memo_chart",))
    timeline = project.brief.timeline
    if timeline is not None:
        for index, name in enumerate(timeline.exclude_sections):
            if name not in sections:
                problem(
                    f"timeline: unknown section '{name}'", ("timeline", "exclude_sections", index)
                )
        if timeline.chart is not None and timeline.chart not in project.charts:
            problem(f"timeline: unknown chart '{timeline.chart}'", ("timeline", "chart"))
    return problems


def read_texts(project: Project) -> tuple[dict[str, SourceText], list[Problem]]:
    """Each source's text (its excerpt, where it names one), and the sources that cannot be read."""
    texts: dict[str, SourceText] = {}
    problems: list[Problem] = []
    listing = project.paths.facts / BRIEF_FILE
    lines = load_yaml(listing)
    for index, src in enumerate(project.brief.sources):
        line = lines.where(("sources", index, "file"))[0]
        try:
            path = source_file(project.paths.root, src.file, listing, line)
        except InputError as exc:
            problems.extend(
                Problem(f"source '{src.id}': {p.message}", listing, line) for p in exc.problems
            )
            continue
        why = not_text(path, src.file)
        if why is not None:
            problems.append(Problem(f"source '{src.id}': {why}", listing, line))
            continue
        excerpt = src.excerpt
        try:
            texts[src.id] = read_source(
                path, excerpt.start if excerpt else None, excerpt.end if excerpt else None
            )
        except KeyError as missing:
            problems.append(
                Problem(
                    f"source '{src.id}': excerpt marker {missing.args[0]!r} is not in {src.file}",
                    listing,
                    line,
                )
            )
    return texts, problems


def _section(fact: model.Fact, where: Where) -> list[Problem]:
    if fact.section in where.sections:
        return []
    return [where.problem(fact.id, where.unknown_section(fact.section), "section")]


def _quote(fact: model.Fact, where: Where) -> list[Problem]:
    """The source is known, the quote stands in it, and the value is a number it states."""
    sources = where.sources
    if fact.source not in sources:
        close = ", ".join(sorted(sources))
        return [
            where.problem(
                fact.id, f"unknown source '{fact.source}'; known sources: {close}", "source"
            )
        ]
    text = where.texts.get(fact.source)
    if text is None:
        return []  # the source's own problem is reported once
    if text.find(fact.quote) < 0:
        return [where.problem(fact.id, _not_found(fact, sources[fact.source], text), "quote")]
    found = _value_problem(fact, where) if fact.value is not None else None
    return [found] if found else []


def unknown_fact(name: str, other: str, facts: dict[str, model.Fact]) -> str:
    """That a field names no fact, with the id the user most likely meant."""
    return f"{name} names unknown fact '{other}'{did_you_mean([other], facts)}"


def did_you_mean(unknown: list[str], facts: dict[str, model.Fact]) -> str:
    """The fact ids most like the unknown ones (a misspelt id), as a hint to end a message."""
    close = [
        f"'{match[0]}'"
        for other in unknown
        if (match := difflib.get_close_matches(other, list(facts), n=1, cutoff=0.8))
    ]
    return f"; did you mean {', '.join(close)}?" if close else ""


def _links(fact: model.Fact, where: Where) -> list[Problem]:
    facts = where.project.facts
    problems = [
        where.problem(fact.id, unknown_fact(name, other, facts), name)
        for name in ("conflicts_with", "corroborates")
        for other in getattr(fact, name)
        if other not in facts
    ]
    if fact.outcome is not None and fact.outcome not in facts:
        problems.append(
            where.problem(fact.id, unknown_fact("outcome", fact.outcome, facts), "outcome")
        )
    elif fact.outcome is not None and fact.kind not in ("target", "forecast", "plan"):
        problems.append(
            where.problem(
                fact.id,
                "only a target, forecast or plan has an outcome; remove `outcome`",
                "outcome",
            )
        )
    return problems


def _derivation(fact: model.Fact, where: Where) -> list[Problem]:
    if fact.derived is None:
        return []
    found = _recheck(fact, fact.derived.method, fact.derived.from_, where.project.facts)
    return [] if isinstance(found, Recheck) else [where.problem(fact.id, found)]


FACT_CHECKS: tuple[Callable[[model.Fact, Where], list[Problem]], ...] = (
    _section,
    _quote,
    _links,
    _derivation,
    text_numbers,
)


def _computed(where: Where) -> list[Problem]:
    facts = where.project.facts
    problems = []
    for comp in where.project.computed.values():
        unknown = [i for i in comp.from_ if i not in facts]
        if unknown:
            problems.append(
                where.problem(
                    comp.id,
                    f"computed from unknown fact(s): {', '.join(unknown)}"
                    + did_you_mean(unknown, facts),
                )
            )
        elif any(facts[i].value is None for i in comp.from_):
            problems.append(where.problem(comp.id, "every fact it is computed from needs a value"))
    return problems


def _charts(where: Where) -> list[Problem]:
    problems: list[Problem] = []
    for chart in where.project.charts.values():
        _check_chart(chart, where.project.facts, lambda *a: problems.append(where.problem(*a)))
        problems.extend(
            where.problem(chart.id, where.unknown_section(name), ("sections", index))
            for index, name in enumerate(chart.sections)
            if name not in where.sections
        )
    return problems


def _tally(where: Where) -> Report:
    """The counts, recomputations, conflicts and expired forecasts of a project that passed."""
    project = where.project
    facts = project.facts
    quoted = [f for f in facts.values() if where.texts[f.source].find(f.quote) >= 0]
    rechecks = [
        found
        for f in facts.values()
        if f.derived is not None
        and isinstance(found := _recheck(f, f.derived.method, f.derived.from_, facts), Recheck)
    ]
    conflicts = {tuple(sorted((f.id, other))) for f in facts.values() for other in f.conflicts_with}
    return Report(
        facts=len(facts),
        sources=len(project.brief.sources),
        charts=len(project.charts),
        quotes=len(quoted),
        values=sum(1 for f in quoted if f.value is not None),
        computed=len(project.computed),
        rechecks=rechecks,
        conflicts=sorted((a, b) for a, b in conflicts),
        due=[f.id for f in facts.values() if is_due(f, project.brief.as_of)],
        warnings=country_warnings(project) + _after_cutoff(project),
        pages=_pages(where, quoted),
    )


def _pages(where: Where, quoted: list[model.Fact]) -> dict[str, str]:
    """The page each quote stands on, in sources that mark their pages."""
    pages = {}
    for fact in quoted:
        text = where.texts[fact.source]
        page = text.page(text.find(fact.quote)) if text.pages else None
        if page is not None:
            pages[fact.id] = page
    return pages


def _after_cutoff(project: Project) -> list[Problem]:
    """Sources dated after a cut-off set in brief.yaml: their facts may report later events."""
    brief = project.brief
    cutoff = brief.information_cutoff
    if cutoff is None:
        return []
    listing = project.paths.facts / BRIEF_FILE
    return [
        Problem(
            f"source '{src.id}' is dated {src.date}, after information_cutoff {cutoff}: move the "
            "cut-off, or make sure its facts report nothing later",
            listing,
        )
        for src in brief.sources
        if src.date[: len(cutoff)] > cutoff[: len(src.date)]
    ]


def check_project(project: Project) -> Report:
    """Cross-check a project; raise InputError listing every problem, else return a report."""
    texts, problems = read_texts(project)
    where = Where(project, texts, section_labels(project.brief))
    for fact in project.facts.values():
        for check in FACT_CHECKS:
            problems.extend(check(fact, where))
    problems.extend(_computed(where))
    problems.extend(_charts(where))
    problems.extend(_check_brief(project, where.sections))
    if problems:
        raise InputError(problems)
    return _tally(where)


def _recheck(
    fact: model.Fact, method: str, parts: list[str], facts: dict[str, model.Fact]
) -> Recheck | str:
    """A derived figure recomputed from its components, or why it cannot be."""
    missing = [i for i in parts if i not in facts]
    if missing:
        return f"derived from unknown fact(s): {', '.join(missing)}" + did_you_mean(missing, facts)
    components = [facts[i] for i in parts]
    if fact.value is None or any(c.value is None for c in components):
        return "a derived figure and its components all need a value"
    if method != "sum" and len(components) != 2:
        return f"method '{method}' takes exactly two facts in `from`"
    years = [c.year for c in components]
    if method == "cagr" and (None in years or years[0] == years[-1]):
        return "a CAGR needs components with two different years"
    computed = compute(method, [c.value for c in components if c.value is not None], years)
    return Recheck(fact.id, method, fact.value, computed, agrees(fact.value, computed, fact.approx))


def _period_shape(period: str) -> str:
    """year, span, half-year, quarter or month: what kind of period a fact covers."""
    if re.fullmatch(r"\d{4}", period):
        return "year"
    if re.fullmatch(r"\d{4}-\d{4}", period):
        return "span"
    if re.fullmatch(r"\d{4}-H[12]", period):
        return "half-year"
    if re.fullmatch(r"\d{4}-Q[1-4]", period):
        return "quarter"
    return "month"


def _field(chart: model.Chart, ids: set[str] | None = None) -> Loc:
    """Where in a chart spec the offending facts are listed."""
    if chart.facts:
        return ("facts",)
    for index, series in enumerate(chart.series):
        if ids is None or ids & set(series.facts):
            return ("series", index, "facts")
    return ("series",)


def _check_chart(chart: model.Chart, facts: dict[str, model.Fact], problem: Reporter) -> None:
    ids = chart.fact_ids
    missing = [i for i in ids if i not in facts]
    if missing:
        problem(
            chart.id,
            f"chart refers to unknown fact(s): {', '.join(missing)}" + did_you_mean(missing, facts),
            _field(chart, set(missing)),
        )
        return
    if chart.type == "timeline":
        undated = [i for i in chart.facts if facts[i].date is None]
        if undated:
            problem(chart.id, f"timeline facts need a date: {', '.join(undated)}")
        return
    if chart.type == "matrix":
        bare = [i for i in chart.facts if not facts[i].countries]
        if bare:
            problem(chart.id, f"matrix facts need countries: {', '.join(bare)}")
        return
    units = {facts[i].unit for i in ids}
    if None in units:
        problem(chart.id, "every fact in a chart series needs a value and unit")
    elif len(units) > 1:
        problem(
            chart.id,
            f"a chart mixes units: {', '.join(sorted(str(u) for u in units))}",
            _field(chart),
        )
    for index, series in enumerate(chart.series):
        periods = [facts[i].period for i in series.facts]
        where = ("series", index, "facts")
        if None in periods:
            problem(chart.id, f"series '{series.label.en}': every fact needs a period", where)
            continue
        shapes = {_period_shape(p) for p in periods if p}
        if len(shapes) > 1:
            problem(
                chart.id,
                f"series '{series.label.en}' mixes kinds of period ({', '.join(sorted(shapes))}); "
                "compare like with like",
                where,
            )
        elif chart.type == "line" and len(set(periods)) != len(periods):
            problem(
                chart.id,
                f"series '{series.label.en}': two facts share a period, so one point would hide "
                "the other; give each its own series",
                where,
            )
    if chart.type in ("bar", "grouped"):
        _one_bar_each(chart, facts, problem)


def _one_bar_each(chart: model.Chart, facts: dict[str, model.Fact], problem: Reporter) -> None:
    """Within a series, each fact needs a bar of its own: two facts of one period (and not of
    one country each) would be drawn one behind the other."""
    of = model.categories(chart, facts)
    for index, series in enumerate(chart.series):
        seen: dict[tuple[str, str], str] = {}
        for i in series.facts:
            if of[i] in seen:
                problem(
                    chart.id,
                    f"series '{series.label.en}': {seen[of[i]]} and {i} would be drawn as one "
                    f"bar ({of[i][1]}); compare countries in one period with one country per "
                    "fact, list the facts by label with type: barh, or put them in separate "
                    "series of a grouped chart",
                    ("series", index, "facts"),
                )
            seen.setdefault(of[i], i)
