"""Turn a loaded project into a checked one: sources, quotes, references, series and arithmetic."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from briefs.errors import InputError, Problem
from briefs.facts import model
from briefs.facts.loader import Loc, load_yaml
from briefs.facts.project import BRIEF_FILE, Project
from briefs.numbers.formatting import count, message
from briefs.numbers.reading import candidates, numbers, scale_of, states
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


def _check_value(fact: model.Fact, problem: Reporter, report: Report) -> None:
    """The value must be a number its quote states, converted through the fact's unit."""
    value = fact.value if fact.value is not None else math.nan
    if states(value, fact.quote, fact.unit):
        report.values += 1
        return
    # A physical quantity is shown converted into the fact's unit: 2.2 (= 2200 MW).
    unit = f" {fact.unit}" if fact.unit and scale_of(fact.unit) is None else ""
    stated = (
        ", ".join(
            f"{s} (= {candidates(s, fact.unit)[0][0]:.15g}{unit})" for s in numbers(fact.quote)
        )
        or "no number"
    )
    problem(
        fact.id,
        f"the value {value:.15g} ({fact.unit}) is not a number the quote states; the quote "
        f"{fact.quote!r} states: {stated}. Correct the value, or extend the quote to the words of "
        "the source that state it",
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
            if not (project.paths.root / prose).is_file():
                problem(f"section '{section.id}' has no prose: write {prose}", ("sections", index))
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


def check_project(project: Project) -> Report:
    """Cross-check a project; raise InputError listing every problem, else return a report."""
    problems: list[Problem] = []
    facts = project.facts
    sources = {s.id: s for s in project.brief.sources}

    def problem(item_id: str, message: str, field_path: str | Loc | None = None) -> None:
        file, line, column = project.locate(item_id, field_path)
        problems.append(Problem(message, file, line, column, item_id))

    texts: dict[str, SourceText] = {}
    for src in project.brief.sources:
        path = project.paths.facts / src.file
        if not path.is_file():
            problems.append(
                Problem(
                    f"source '{src.id}': file {src.file} not found under facts/",
                    project.paths.facts / "brief.yaml",
                )
            )
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
                    project.paths.facts / "brief.yaml",
                )
            )

    report = Report(facts=len(facts), sources=len(sources), charts=len(project.charts))
    sections = section_labels(project.brief)
    known_sections = ", ".join(sorted(sections))
    for fact in facts.values():
        if fact.section not in sections:
            problem(
                fact.id,
                f"unknown section '{fact.section}'; the sections in facts/brief.yaml are: "
                f"{known_sections}",
                "section",
            )
        if fact.source not in sources:
            close = ", ".join(sorted(sources))
            problem(fact.id, f"unknown source '{fact.source}'; known sources: {close}", "source")
        elif fact.source in texts:
            text = texts[fact.source]
            at = text.find(fact.quote)
            if at >= 0:
                report.quotes += 1
                page = text.page(at)
                if page is not None:
                    report.pages[fact.id] = page
                if fact.value is not None:
                    _check_value(fact, problem, report)
            else:
                problem(fact.id, _not_found(fact, sources[fact.source], text), "quote")
        for other in fact.conflicts_with:
            if other not in facts:
                problem(fact.id, f"conflicts_with names unknown fact '{other}'", "conflicts_with")
            else:
                pair = tuple(sorted((fact.id, other)))
                if pair not in report.conflicts:
                    report.conflicts.append((pair[0], pair[1]))
        for other in fact.corroborates:
            if other not in facts:
                problem(fact.id, f"corroborates names unknown fact '{other}'", "corroborates")
        if is_due(fact, project.brief.as_of):
            report.due.append(fact.id)
        if fact.derived is not None:
            _recheck(fact, fact.derived.method, fact.derived.from_, facts, report, problem)

    for comp in project.computed.values():
        unknown = [i for i in comp.from_ if i not in facts]
        if unknown:
            problem(comp.id, f"computed from unknown fact(s): {', '.join(unknown)}")
            continue
        if any(facts[i].value is None for i in comp.from_):
            problem(comp.id, "every fact it is computed from needs a value")
            continue
        report.computed += 1

    for chart in project.charts.values():
        _check_chart(chart, facts, problem)
        for index, name in enumerate(chart.sections):
            if name not in sections:
                problem(
                    chart.id,
                    f"unknown section '{name}'; the sections in facts/brief.yaml are: "
                    f"{known_sections}",
                    ("sections", index),
                )
    problems.extend(_check_brief(project, sections))

    if problems:
        raise InputError(problems)
    report.conflicts.sort()
    return report


def _recheck(
    fact: model.Fact,
    method: str,
    parts: list[str],
    facts: dict[str, model.Fact],
    report: Report,
    problem: Reporter,
) -> None:
    missing = [i for i in parts if i not in facts]
    if missing:
        problem(fact.id, f"derived from unknown fact(s): {', '.join(missing)}")
        return
    components = [facts[i] for i in parts]
    if fact.value is None or any(c.value is None for c in components):
        problem(fact.id, "a derived figure and its components all need a value")
        return
    if method != "sum" and len(components) != 2:
        problem(fact.id, f"method '{method}' takes exactly two facts in `from`")
        return
    years = [c.year for c in components]
    if method == "cagr" and (None in years or years[0] == years[-1]):
        problem(fact.id, "a CAGR needs components with two different years")
        return
    computed = compute(method, [c.value for c in components if c.value is not None], years)
    report.rechecks.append(
        Recheck(fact.id, method, fact.value, computed, agrees(fact.value, computed, fact.approx))
    )


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
            f"chart refers to unknown fact(s): {', '.join(missing)}",
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
        elif len(set(periods)) != len(periods) and chart.type in ("line", "bar"):
            problem(chart.id, f"series '{series.label.en}': two facts share a period")
