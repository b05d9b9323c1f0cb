"""Turn a loaded project into a checked one: sources, quotes, references, series and arithmetic."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Protocol

from briefs import model
from briefs.errors import InputError, Problem
from briefs.loader import Loc
from briefs.project import Project


class Reporter(Protocol):
    """Records one problem: the item's id, the message, and optionally where in the item."""

    def __call__(self, item_id: str, message: str, field_path: str | Loc | None = None) -> None: ...


_SPACE = re.compile(r"\s+")


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
    computed: int = 0
    rechecks: list[Recheck] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    due: list[str] = field(default_factory=list)

    def summary(self) -> str:
        disagree = sum(1 for r in self.rechecks if not r.agrees)
        return (
            f"{self.facts} facts from {self.sources} sources, {self.charts} charts, "
            f"{self.quotes} quotes verified; {len(self.rechecks)} derived figures recomputed "
            f"({disagree} disagree); {len(self.conflicts)} conflicts; "
            f"{len(self.due)} forecasts or targets past their year"
        )


@cache
def _source_text(path: Path, mtime: float) -> str:
    return _SPACE.sub("", path.read_text(encoding="utf-8"))


def normalise(text: str) -> str:
    """Drop all whitespace, as the quote check does."""
    return _SPACE.sub("", text)


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


def check_project(project: Project) -> Report:
    """Cross-check a project; raise InputError listing every problem, else return a report."""
    problems: list[Problem] = []
    facts = project.facts
    sources = {s.id: s for s in project.brief.sources}

    def problem(item_id: str, message: str, field_path: str | Loc | None = None) -> None:
        file, line, column = project.locate(item_id, field_path)
        problems.append(Problem(message, file, line, column, item_id))

    texts: dict[str, str] = {}
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
        text = _source_text(path, path.stat().st_mtime)
        if src.excerpt is not None:
            begin = text.find(normalise(src.excerpt.start))
            end = text.find(normalise(src.excerpt.end), begin) if src.excerpt.end else len(text)
            if begin < 0 or end < 0:
                missing = src.excerpt.start if begin < 0 else src.excerpt.end
                problems.append(
                    Problem(
                        f"source '{src.id}': excerpt marker {missing!r} is not in {src.file}",
                        project.paths.facts / "brief.yaml",
                    )
                )
                continue
            text = text[begin:end]
        texts[src.id] = text

    report = Report(facts=len(facts), sources=len(sources), charts=len(project.charts))
    for fact in facts.values():
        if fact.source not in sources:
            close = ", ".join(sorted(sources))
            problem(fact.id, f"unknown source '{fact.source}'; known sources: {close}", "source")
        elif fact.source in texts:
            if normalise(fact.quote) in texts[fact.source]:
                report.quotes += 1
            else:
                problem(
                    fact.id,
                    f"the quote is not in source '{fact.source}' ({sources[fact.source].file}): "
                    f"{fact.quote!r}; copy the words exactly from the source text",
                    "quote",
                )
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
    memo = project.brief.memo_chart
    if memo is not None and memo not in project.charts:
        problems.append(
            Problem(f"memo_chart names unknown chart '{memo}'", project.paths.facts / "brief.yaml")
        )

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
