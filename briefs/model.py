"""Turn loaded YAML data into validated models of the brief, its sources, facts and charts."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

LANGS = ("zh", "en")
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_DATE = re.compile(r"^(\d{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_PERIOD = re.compile(r"^(\d{4})(-H[12]|-Q[1-4]|-\d{4}|-(0[1-9]|1[0-2]))?$")


def _stringify(value: Any) -> Any:
    """Let an unquoted year (2023) stand for the string "2023"."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


YearLike = Annotated[str, BeforeValidator(_stringify)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Text(Strict):
    """A text given in both languages."""

    zh: str = Field(min_length=1, description="Chinese text.")
    en: str = Field(min_length=1, description="English text.")

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class TextList(Strict):
    """A list of short texts in both languages."""

    zh: list[str] = Field(description="Chinese entries.")
    en: list[str] = Field(description="English entries.")


def check_date(value: str) -> str:
    match = _DATE.match(value)
    if not match:
        raise ValueError("write a date as YYYY, YYYY-MM or YYYY-MM-DD, in quotes")
    if not 1900 <= int(match.group(1)) <= 2100:
        raise ValueError(f"the year {match.group(1)} is not plausible (1900-2100)")
    return value


class Excerpt(Strict):
    """The part of a source file that is the source: from `start` up to (not including) `end`."""

    start: str = Field(min_length=2, description="Verbatim words where the article begins.")
    end: str | None = Field(None, description="Verbatim words just after it ends (default: EOF).")


class Source(Strict):
    """A source document that facts are distilled from."""

    id: str = Field(pattern=ID_PATTERN, description="Short unique id that facts cite.")
    file: str = Field(description="Path of the source's plain text, relative to facts/.")
    date: YearLike = Field(description="Publication date: YYYY, YYYY-MM or YYYY-MM-DD.")
    author: Text | None = Field(None, description="Author(s), if the source names any.")
    title: Text = Field(description="Title in the original language and in translation.")
    publisher: Text = Field(description="Publisher, outlet or journal.")
    excerpt: Excerpt | None = Field(
        None, description="Only this part of the file is the source (page clutter, other articles)."
    )

    _date = field_validator("date")(check_date)


class Brief(Strict):
    """The brief's identity, edition date and sources (facts/brief.yaml)."""

    id: str = Field(pattern=ID_PATTERN, description="File name of the outputs (<id>.pdf).")
    as_of: YearLike = Field(
        description="Edition date (YYYY-MM-DD): shown on the brief, used to judge forecasts."
    )
    title: Text = Field(description="Title of the brief.")
    subtitle: Text = Field(description="Subtitle of the brief.")
    author: Text = Field(description="Author or issuing office, shown on the title block.")
    keywords: TextList = Field(description="PDF keywords.")
    sources: list[Source] = Field(min_length=1, description="Every source the facts cite.")
    memo_chart: str | None = Field(
        None, description="Id of the chart the one-page memo shows (default: the first chart)."
    )
    information_cutoff: YearLike | None = Field(
        None,
        description="Where the brief's information ends (YYYY, YYYY-MM or YYYY-MM-DD), shown "
        "apart from the edition date (default: the date of the newest source).",
    )

    @field_validator("information_cutoff")
    @classmethod
    def _cutoff_date(cls, value: str | None) -> str | None:
        return None if value is None else check_date(value)

    @property
    def cutoff(self) -> str:
        """The information cut-off: as given, else the newest source's date."""
        return self.information_cutoff or max(s.date for s in self.sources)

    @field_validator("as_of")
    @classmethod
    def _full_date(cls, value: str) -> str:
        check_date(value)
        if len(value) != 10:
            raise ValueError("the edition date needs a day: YYYY-MM-DD")
        return value


Section = Literal["background", "driver", "progress", "challenge", "path", "principle", "proposal"]
Unit = Literal["USD", "CNY", "percent", "people", "count", "multiple", "points", "minutes", "years"]
Kind = Literal["actual", "estimate", "forecast", "target", "plan"]
Approx = Literal["exact", "about", "over", "nearly", "under"]
Method = Literal["ratio", "increase", "growth", "cagr", "sum", "difference", "share"]


class Derived(Strict):
    """How a source derived a stated figure from other facts, so the tool can recompute it."""

    method: Method = Field(
        description="ratio = b/a; increase = b/a-1 (a multiple); growth = b/a-1 (percent); "
        "cagr = (b/a)^(1/years)-1 (percent); sum = total of parts; difference = b-a; "
        "share = a/b (percent)."
    )
    from_: list[str] = Field(alias="from", min_length=1, description="Ids of the component facts.")


class Fact(Strict):
    """One fact: a figure, an event or a finding, with the verbatim quote that proves it."""

    id: str = Field(pattern=ID_PATTERN, description="Unique id, kebab-case (a-z, 0-9, -).")
    section: Section = Field(description="Where the fact belongs in the brief.")
    theme: str = Field(pattern=ID_PATTERN, description="Area within the section, e.g. talent.")
    value: float | None = Field(None, description="The figure in canonical units (no 亿 or 万).")
    unit: Unit | None = Field(None, description="Unit of `value`.")
    approx: Approx = Field("exact", description="Qualifier the source puts on the figure.")
    period: YearLike | None = Field(
        None, description='Year or span the figure refers to: "2024", "2019-2023", "2025-H1".'
    )
    date: YearLike | None = Field(None, description="Date of an event: YYYY, YYYY-MM, YYYY-MM-DD.")
    kind: Kind = Field(
        "actual", description="actual, estimate, forecast, target or plan (required for figures)."
    )
    countries: list[str] = Field(default_factory=list, description="ISO codes, or ASEAN.")
    label: Text = Field(description="Short label for tables and charts, in both languages.")
    text: Text | None = Field(None, description="A sentence stating the fact, in both languages.")
    source: str = Field(description="Id of the source (facts/brief.yaml).")
    quote: str = Field(min_length=2, description="Verbatim words of the source that prove it.")
    derived: Derived | None = Field(None, description="The source derived it from other facts.")
    conflicts_with: list[str] = Field(
        default_factory=list, description="Facts that state the same thing differently."
    )
    corroborates: list[str] = Field(
        default_factory=list,
        description="Facts (often from other sources) that report the same event or figure; "
        "the timeline shows them once, citing every source.",
    )

    @field_validator("value", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        if isinstance(value, bool) or (value is not None and not isinstance(value, int | float)):
            raise ValueError(
                "give the value as a plain number in canonical units, e.g. 263000000000"
            )
        return value

    @field_validator("date")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        return None if value is None else check_date(value)

    @field_validator("period")
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        if value is None:
            return None
        match = _PERIOD.match(value)
        if not match:
            raise ValueError(
                'write the period as "2024", "2019-2023", "2025-01", "2025-H1" or "2025-Q3"'
            )
        years = [int(y) for y in re.findall(r"\d{4}", value)]
        if any(not 1900 <= y <= 2100 for y in years):
            raise ValueError(f"the period {value} has an implausible year (1900-2100)")
        if len(years) == 2 and years[1] < years[0]:
            raise ValueError(f"the period {value} ends before it starts")
        return value

    @field_validator("countries")
    @classmethod
    def _countries(cls, value: list[str]) -> list[str]:
        for code in value:
            if code not in COUNTRIES:
                raise ValueError(
                    f"unknown country code {code!r}; use one of {', '.join(COUNTRIES)}"
                )
        return value

    @model_validator(mode="after")
    def _shape(self) -> Fact:
        if (self.value is None) != (self.unit is None):
            raise ValueError("a figure needs both `value` and `unit`")
        if self.value is not None and "kind" not in self.model_fields_set:
            raise ValueError("a figure needs a `kind`: actual, estimate, forecast, target or plan")
        if self.value is None and self.date is None and self.text is None:
            raise ValueError("a finding without a value or date needs a `text` in both languages")
        if self.date is not None and self.text is None:
            raise ValueError("an event needs a `text` in both languages")
        return self

    @property
    def year(self) -> int | None:
        """The last year the fact refers to, for judging whether a forecast has come due."""
        stamp = self.period or self.date
        years = re.findall(r"\d{4}", stamp) if stamp else []
        return int(years[-1]) if years else None


class FactFile(Strict):
    """A file of facts (facts/*.yaml other than brief.yaml)."""

    facts: list[Fact] = Field(description="The facts.")


class Computed(Strict):
    """A figure the brief computes from facts (a growth rate, a multiple, a share, a sum)."""

    id: str = Field(pattern=ID_PATTERN, description="Unique id, used like a fact id in templates.")
    method: Method = Field(description="How to compute it (see Derived.method).")
    from_: list[str] = Field(alias="from", min_length=1, description="Ids of the facts used.")
    label: Text = Field(description="What the figure is, in both languages.")


class ComputedFile(Strict):
    """Figures computed from facts (facts/computed.yaml)."""

    computed: list[Computed] = Field(description="The computed figures.")


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
    unit: Text | None = Field(None, description="Axis unit as shown, e.g. 亿美元 / US$ billion.")
    scale: Scale = Field(Scale(zh=1, en=1), description="Divide values by this before plotting.")
    series: list[Series] = Field(default_factory=list, description="Data series.")
    facts: list[str] = Field(default_factory=list, description="Facts (timeline and matrix).")
    note: Text | None = Field(None, description="A note printed under the chart.")
    sections: list[Section] = Field(default_factory=list, description="Sections it illustrates.")
    size: Literal["full", "half"] = Field(
        "full", description="full: the text width; half: half the width, with the text beside it."
    )

    @property
    def fact_ids(self) -> list[str]:
        """Every fact the chart draws: its series' facts in order, then its own `facts`."""
        return [i for s in self.series for i in s.facts] + list(self.facts)

    @model_validator(mode="after")
    def _data(self) -> Chart:
        if self.type in ("timeline", "matrix"):
            if not self.facts:
                raise ValueError(f"a {self.type} chart lists its `facts`")
        elif not self.series:
            raise ValueError(f"a {self.type} chart needs at least one entry in `series`")
        return self


class ChartFile(Strict):
    """Chart specifications (charts/*.yaml)."""

    charts: list[Chart] = Field(description="The charts.")


COUNTRIES = {
    "ASEAN": ("东盟", "ASEAN"),
    "BN": ("文莱", "Brunei"),
    "KH": ("柬埔寨", "Cambodia"),
    "ID": ("印度尼西亚", "Indonesia"),
    "LA": ("老挝", "Laos"),
    "MY": ("马来西亚", "Malaysia"),
    "MM": ("缅甸", "Myanmar"),
    "PH": ("菲律宾", "Philippines"),
    "SG": ("新加坡", "Singapore"),
    "TH": ("泰国", "Thailand"),
    "VN": ("越南", "Vietnam"),
    "CN": ("中国", "China"),
    "HK": ("中国香港", "Hong Kong, China"),
    "US": ("美国", "United States"),
    "IN": ("印度", "India"),
    "JP": ("日本", "Japan"),
    "AU": ("澳大利亚", "Australia"),
    "EU": ("欧盟", "European Union"),
}
ASEAN_MEMBERS = ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN")
