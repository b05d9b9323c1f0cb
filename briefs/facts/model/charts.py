"""Turn charts/*.yaml into models of chart specifications."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from briefs.facts.model.brief import (
    SectionId,
)
from briefs.facts.model.common import (
    ID_PATTERN,
    Strict,
    Text,
    check_places,
)
from briefs.facts.model.facts import Fact


class Scale(Strict):
    """Divisors per language: Chinese axes count in 万 and 亿, English in thousands and billions."""

    zh: float = Field(gt=0, description="Divisor for the Chinese chart, e.g. 100000000 for 亿.")
    en: float = Field(
        gt=0, description="Divisor for the English chart, e.g. 1000000000 for billion."
    )

    def get(self, lang: str) -> float:
        return self.zh if lang == "zh" else self.en


ChartType = Literal["bar", "barh", "line", "grouped", "timeline", "matrix"]


class Series(Strict):
    """One series of a chart: facts in order, each a point or bar."""

    label: Text = Field(description="Legend label.")
    facts: list[str] = Field(min_length=1, description="Ids of the facts, in order.")


class Chart(Strict):
    """A chart drawn from facts, in both languages."""

    id: str = Field(pattern=ID_PATTERN, description="File name of the chart (<id>.svg).")
    type: ChartType = Field(description="bar, barh, line, grouped, timeline or matrix.")
    title: Text = Field(description="Chart title.")
    unit: Text | None = Field(
        None,
        description="Axis unit as shown, e.g. 亿美元 / US$ billion (default: from the facts' "
        "unit and size, in the project's display units).",
    )
    scale: Scale = Field(
        Scale(zh=1, en=1), description="With `unit`: divide values by this before plotting."
    )
    series: list[Series] = Field(default_factory=list, description="Data series.")
    facts: list[str] = Field(default_factory=list, description="Facts (timeline and matrix).")
    note: Text | None = Field(None, description="A note printed under the chart.")
    countries: list[str] = Field(
        default_factory=list,
        description="Columns of a matrix chart: country codes, or groups (their members).",
    )
    sections: list[SectionId] = Field(default_factory=list, description="Sections it illustrates.")
    size: Literal["full", "half"] = Field(
        "full", description="full: the text width; half: half the width, with the text beside it."
    )

    _countries = field_validator("countries")(check_places)

    @property
    def fact_ids(self) -> list[str]:
        """Every fact the chart draws: its series' facts in order, then its own `facts`."""
        return [i for s in self.series for i in s.facts] + list(self.facts)

    @model_validator(mode="after")
    def _data(self) -> Chart:
        if self.type in ("timeline", "matrix"):
            if not self.facts:
                raise ValueError(f"a {self.type} chart lists its `facts`")
            if self.type == "matrix" and not self.countries:
                raise ValueError("a matrix chart lists its columns under `countries`")
        elif not self.series:
            raise ValueError(f"a {self.type} chart needs at least one entry in `series`")
        return self


Category = tuple[str, str]  # ("period", "2024"), ("country", "CD") or ("fact", its id)


def categories(chart: Chart, facts: Mapping[str, Fact]) -> dict[str, Category]:
    """What each bar of a bar-like chart stands for, and so how it is labelled.

    Facts of different periods are told apart by period. Facts of one period, each about one
    country of its own, are told apart by country (a comparison of countries in one year); any
    other facts by their own labels. A horizontal bar chart lists its facts by label unless they
    compare countries.
    """
    ids = chart.fact_ids
    periods = {facts[i].period or facts[i].date for i in ids}
    places = [facts[i].countries for i in ids]
    by_country = (
        len(periods) == 1
        and all(len(p) == 1 for p in places)
        and len({p[0] for p in places}) == len(places)
    )
    if by_country:
        return {i: ("country", facts[i].countries[0]) for i in ids}
    if chart.type != "barh" and len(periods) > 1:
        return {i: ("period", facts[i].period or facts[i].date or "") for i in ids}
    return {i: ("fact", i) for i in ids}


class ChartFile(Strict):
    """Chart specifications (charts/*.yaml)."""

    charts: list[Chart] = Field(description="The charts.")
