"""Turn a fact's `text`, in both languages, into the numbers typed in it that nothing vouches for:
not its value, not its period, not a number its quote states, not a linked fact's."""

from __future__ import annotations

import re
from collections.abc import Iterator

from briefs.errors import Problem
from briefs.facts import model
from briefs.facts.where import Where
from briefs.numbers.reading import Stated, agrees, normalise, numbers, pint_convert

# Digits that are part of a name or an ordinal, not a figure: 5G, G20, COVID-19, 4th, 第4届,
# 10+3; and "Industry 4.0" or 工业4.0, a version after its word.
_NAME_BEFORE = re.compile(r"(?:[A-Za-z0-9_\-+]|第)$")
_NAME_AFTER = re.compile(r"[A-Za-z+]")
_VERSION = re.compile(r"\d\.0$")


def typed(text: str, lang: str) -> Iterator[Stated]:
    """The figures typed in a sentence in digits (numbers in words are a writer's own)."""
    text = normalise(text)
    for stated in numbers(text, lang):
        start, end = stated.at
        if not re.search(r"\d", stated.text):
            continue
        before, after = text[max(0, start - 2) : start], text[end : end + 2]
        if _NAME_BEFORE.search(before) or _NAME_AFTER.match(after):
            continue
        if _VERSION.search(stated.text) and re.search(r"[A-Za-z\u4e00-\u9fff]\s?$", before):
            continue
        yield stated


def _calendar(*stamps: str | None) -> set[float]:
    """The numbers of periods and dates: years, months, days, quarters and halves."""
    return {float(n) for stamp in stamps if stamp for n in re.findall(r"\d+", stamp)}


def _close(typed: Stated, quoted: Stated) -> bool:
    """Whether a typed number is a quoted one, within the rounding of the typed number's last
    digit (a text may round 2.23 to 2.2, but not write 2.2 for "over 2"), after converting
    between the units both name."""
    tolerance = typed.step / 2 + 1e-9 * abs(quoted.value)
    if abs(abs(typed.value) - abs(quoted.value)) <= tolerance:
        return True
    if typed.unit and quoted.unit and quoted.value:
        converted = pint_convert(quoted.value, quoted.unit, typed.unit)
        return converted is not None and abs(abs(typed.value) - abs(converted)) <= tolerance
    return False


def _is_value(stated: Stated, fact: model.Fact) -> bool:
    """Whether a typed number is the fact's own figure (a multiple may be written as percent:
    增长2倍, up 200%)."""
    if fact.value is None or fact.unit is None:
        return False
    if agrees(fact.value, stated, fact.unit) or agrees(abs(fact.value), stated, fact.unit):
        return True
    return fact.unit == "multiple" and agrees(fact.value * 100, stated, "percent")


def _vouched(stated: Stated, fact: model.Fact, others: list[Stated], calendar: set[float]) -> bool:
    if _is_value(stated, fact):
        return True
    if stated.value in calendar:
        return True
    return any(_close(stated, other) for other in others)


def text_numbers(fact: model.Fact, where: Where) -> list[Problem]:
    """Every number typed in a fact's text is its value, its period, a number its quote states
    (after unit conversion), or a linked fact's (derived from, conflicting, corroborating)."""
    if fact.text is None:
        return []
    facts = where.project.facts
    linked = [fact] + [
        facts[i]
        for i in (*(fact.derived.from_ if fact.derived else ()), *fact.conflicts_with)
        if i in facts
    ]
    linked += [facts[i] for i in fact.corroborates if i in facts]
    sources = where.sources

    def quoted(other: model.Fact) -> list[Stated]:
        src = sources.get(other.source)
        return numbers(other.quote, src.language if src else "en")

    stated = [s for other in linked for s in quoted(other)]
    # A text may say when its source reported the fact (据2025年3月的报道).
    calendar = _calendar(
        *(stamp for other in linked for stamp in (other.period, other.date)),
        *(sources[other.source].date for other in linked if other.source in sources),
    )
    values = [other for other in linked[1:] if other.value is not None]
    problems = []
    for lang in model.LANGS:
        for number in typed(fact.text.get(lang), lang):
            if _vouched(number, fact, stated, calendar) or any(
                _is_value(number, other) for other in values
            ):
                continue
            own = ", ".join(str(s) for s in quoted(fact)) or "no number"
            problems.append(
                where.problem(
                    fact.id,
                    f"the text ({lang}) states {number.text!r}, which is not the fact's value or "
                    f"period, nor a number its quote states (the quote states: {own}), nor "
                    "a figure of a fact it is derived from, conflicts with or corroborates. "
                    "Extend the quote to the words of the source that state the number, refer "
                    "to the fact that states it, or leave the number out of the text",
                    ("text", lang),
                )
            )
    return problems
