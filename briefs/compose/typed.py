"""Turn prose templates into the figures typed into them, each with the facts that state it.

A figure is a number with a percent sign or word, a scale word (万, 亿, million, billion), a
currency, a multiple (倍, times) or a unit of measure. Everything else a number can be in running
text is allowed: a year or a date (2024年, March 2024), an ordinal or a rank (第三, 3rd), a
section or version number (3.0版), a count without a unit (10个成员国, 10 members) and digits in a
name (5G, G7, COVID-19).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from briefs.compose.prose import ProseLine
from briefs.facts.project import Project
from briefs.numbers.reading import normalise, numbers

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CURRENCY_BEFORE = r"(?:US\$|S\$|HK\$|R\$|RM|\$|€|£|¥|RMB|USD|EUR|CNY)\s?"
_KINDS = {
    "percent": r"\s?(?:%|per\s?cent\b|percent\b|个百分点|percentage points?\b|pp\b)",
    "multiple": r"\s?(?:倍|times\b|-fold\b)",
    "scale": r"\s?(?:万亿|亿|万|thousand\b|million\b|billion\b|trillion\b|bn\b|mn\b)",
    "currency": r"\s?(?:美元|欧元|日元|人民币|元|dollars?\b|yuan\b|euros?\b)",
    "unit": r"\s?(?:千瓦时|千瓦|吨|平方公里|公里|GW\b|MW\b|kWh\b|kW\b|TWh\b|km\b|tonnes?\b)",
}
_FIGURE = re.compile(
    rf"(?P<before>{_CURRENCY_BEFORE})?(?<![A-Za-z0-9.])(?P<number>{_NUMBER})(?:多|余)?"
    + "(?:"
    + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _KINDS.items())
    + ")?"
)


@dataclass(frozen=True)
class Typed:
    """A figure typed into a prose line, and the facts whose value it is."""

    line: ProseLine
    text: str
    facts: tuple[str, ...]


def _kind(match: re.Match[str]) -> str | None:
    if match.group("before"):
        return "currency"
    return next((kind for kind in _KINDS if match.group(kind)), None)


def typed_figures(lines: list[ProseLine], project: Project) -> list[Typed]:
    """Every figure typed into the author's words of these lines."""
    found = []
    for line in lines:
        for match in _FIGURE.finditer(normalise(line.words)):
            kind = _kind(match)
            if kind is None:
                continue
            text = match.group(0).strip()
            found.append(Typed(line, text, _matching(text, kind, project)))
    return found


def _matching(text: str, kind: str, project: Project) -> tuple[str, ...]:
    """The facts whose value the typed figure states (of a fitting unit), at most three."""
    stated = numbers(text)
    if not stated:
        return ()
    value, step = stated[0].value, stated[0].step
    found = []
    for fact in project.facts.values():
        if fact.value is None or fact.unit is None:
            continue
        if (kind == "percent") != (fact.unit in ("percent", "points")):
            continue
        if kind == "multiple" and fact.unit != "multiple":
            continue
        if math.isclose(fact.value, value, rel_tol=1e-9) or abs(fact.value - value) <= step / 2:
            found.append(fact.id)
    return tuple(found[:3])
