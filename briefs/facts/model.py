"""Turn loaded YAML data into validated models of the brief, its sources, facts and charts."""

from __future__ import annotations

import functools
import re
from typing import Annotated, Any, Literal

from babel import Locale
from babel.core import get_global
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from briefs.numbers import units

LANGS = ("zh", "en")
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_DATE = re.compile(r"^(\d{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_MONTH = r"\d{4}-(0[1-9]|1[0-2])"
_PERIOD = re.compile(
    rf"^(\d{{4}})(-H[12]|-Q[1-4]|-\d{{4}}|-(0[1-9]|1[0-2]))?$|^{_MONTH}\.\.{_MONTH}$"
    r"|^(\d{4})-Q[1-4]\.\.(\d{4})-Q[1-4]$"
)
_GROUP = r"^[A-Z][A-Z0-9]{1,11}$"


@functools.cache
def iso_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes as CLDR knows them.

    CLDR's two-letter regions with languages and currencies of their own: this leaves out
    groupings (EU, UN) and pseudo-regions.
    """
    currencies, languages = get_global("territory_currencies"), get_global("territory_languages")
    codes = [str(code) for code in Locale("en").territories]
    return frozenset(
        code
        for code in codes
        if len(code) == 2 and code.isalpha() and code in currencies and code in languages
    )


# Validation context for facts read without their brief.yaml (an old edition): any group code.
ANY_GROUP: dict[str, Any] = {"any_group": True}


def check_places(codes: list[str], info: ValidationInfo) -> list[str]:
    """Every code is an ISO country code or one of the project's groups (validation context)."""
    context = info.context or {}
    groups: frozenset[str] = context.get("groups", frozenset())
    unknown = [
        code
        for code in codes
        if code not in iso_countries()
        and code not in groups
        and not (context.get("any_group") and re.match(_GROUP, code))
    ]
    if unknown:
        known = f" or a group defined in brief.yaml ({', '.join(sorted(groups))})" if groups else ""
        raise ValueError(
            f"unknown country code {', '.join(map(repr, unknown))}; use an ISO 3166-1 alpha-2 "
            f"code (DE, KR, BR, …){known}, or define the group under `groups` in facts/brief.yaml"
        )
    return codes


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


Names = dict[str, str]


class Source(Strict):
    """A source document that facts are distilled from, cited in its own language."""

    id: str = Field(pattern=ID_PATTERN, description="Short unique id that facts cite.")
    file: str = Field(description="Path of the source's plain text, relative to facts/.")
    date: YearLike = Field(description="Publication date: YYYY, YYYY-MM or YYYY-MM-DD.")
    language: str = Field(
        pattern=r"^[a-z]{2,3}$",
        description="Language the source is written in (ISO 639 code: zh, en, de, ko, ...).",
    )
    author: Names | None = Field(
        None, description="Author(s), if the source names any: as `title` (zh/en optional)."
    )
    title: Names = Field(
        description="Title keyed by language: the source's own language (required), and "
        "optionally its translation into zh and en."
    )
    publisher: Names = Field(
        description="Publisher, outlet or journal: as `title`, its own language required."
    )
    excerpt: Excerpt | None = Field(
        None, description="Only this part of the file is the source (page clutter, other articles)."
    )
    url: str | None = Field(
        None, pattern=r"^https?://\S+$", description="Address of a web source (cited with it)."
    )
    accessed: YearLike | None = Field(
        None, description="Date a web source was read, YYYY-MM-DD (cited with its URL)."
    )
    original: str | None = Field(
        None, description="The file `brief import` made the text from (PDF, HTML, DOCX)."
    )

    _date = field_validator("date")(check_date)

    @field_validator("accessed")
    @classmethod
    def _accessed(cls, value: str | None) -> str | None:
        return None if value is None else check_date(value)

    @field_validator("author", "title", "publisher")
    @classmethod
    def _in_own_language(cls, value: Names | None, info: ValidationInfo) -> Names | None:
        own = info.data.get("language")
        if value is None or own is None:
            return value
        extra = sorted(set(value) - {own, *LANGS})
        if extra:
            raise ValueError(
                f"unknown language key {extra[0]!r}: give the text in the source's language "
                f"'{own}' and optionally in {' and '.join(LANGS)}"
            )
        if not value.get(own, "").strip():
            raise ValueError(f"give it in the source's own language: {own}: ...")
        if any(not text.strip() for text in value.values()):
            raise ValueError("an entry is empty")
        return value

    def shown(self, names: Names, lang: str) -> str:
        """A name or title as a reader of `lang` sees it: in `lang` if given, else the original."""
        return names.get(lang) or names[self.language]


SectionId = Annotated[str, Field(pattern=ID_PATTERN)]


class Section(Strict):
    """A chapter of the report: its prose file, its heading and the facts that belong to it."""

    id: SectionId = Field(description="Id: the prose is templates/prose/<lang>/<id>.html.j2.")
    heading: Text = Field(description="Heading in both languages (also in the contents).")
    also: list[SectionId] = Field(
        default_factory=list,
        description="Finer labels facts may give as `section` to belong here (e.g. driver).",
    )


class Timeline(Strict):
    """Which dated facts (events, dated figures) the timeline appendix lists."""

    chart: str | None = Field(None, description="Id of a chart shown above the table.")
    exclude_sections: list[SectionId] = Field(
        default_factory=list, description="Leave out facts of these sections (or `also` labels)."
    )
    exclude_themes: list[SectionId] = Field(
        default_factory=list, description="Leave out facts of these themes."
    )
    countries: list[str] = Field(
        default_factory=list,
        description="Only facts about one of these countries, or about none (default: all).",
    )


class Group(Strict):
    """A group of countries (EU, G7, RCEP, …) that facts may name like a country."""

    code: str = Field(pattern=_GROUP, description="Code facts use, e.g. EU, G7, RCEP.")
    name: Text = Field(description="Name in both languages.")
    members: list[str] = Field(min_length=1, description="ISO 3166-1 alpha-2 codes of members.")

    @field_validator("code")
    @classmethod
    def _not_a_country(cls, value: str) -> str:
        if value in iso_countries():
            raise ValueError(f"{value} is an ISO country code; give the group another code")
        return value

    @field_validator("members")
    @classmethod
    def _members(cls, value: list[str]) -> list[str]:
        for code in value:
            if code not in iso_countries():
                raise ValueError(
                    f"member {code!r} is not an ISO 3166-1 alpha-2 code (DE, KR, BR, …)"
                )
        return value


class CountryTable(Strict):
    """An appendix table listing, for each member of a group, the facts about it."""

    group: str = Field(description="Code of the group whose members are the rows.")
    sections: list[str] = Field(
        default_factory=list, description="Only facts of these sections (default: all)."
    )


class DisplayUnit(Strict):
    """The unit a physical quantity is shown in, and the word written for it."""

    unit: str = Field(description="Unit symbol pint knows, e.g. kW.")
    name: str | None = Field(
        None, description="Word to write after the figure, e.g. 吨 (default: CLDR's name)."
    )


def _display(value: Any) -> Any:
    """Let `GW: kW` stand for `GW: {unit: kW}`."""
    return {"unit": value} if isinstance(value, str) else value


DisplayUnitLike = Annotated[DisplayUnit, BeforeValidator(_display)]


class DisplayUnits(Strict):
    """Per language: fact unit -> the unit it is shown in (converted with pint)."""

    zh: dict[str, DisplayUnitLike] = Field(default_factory=dict, description="For Chinese.")
    en: dict[str, DisplayUnitLike] = Field(default_factory=dict, description="For English.")

    @field_validator("zh", "en")
    @classmethod
    def _convertible(cls, value: dict[str, DisplayUnit]) -> dict[str, DisplayUnit]:
        for unit, shown in value.items():
            units.check_display(unit, shown.unit)
        return value

    def get(self, lang: str, unit: str) -> DisplayUnit | None:
        return (self.zh if lang == "zh" else self.en).get(unit)


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
    sections: list[Section] = Field(
        min_length=1,
        description="The chapters of the report, in order; each is written in "
        "templates/prose/<lang>/<id>.html.j2, and every fact names one in `section`.",
    )

    @field_validator("sections")
    @classmethod
    def _distinct_sections(cls, value: list[Section]) -> list[Section]:
        seen: set[str] = set()
        for section in value:
            for name in (section.id, *section.also):
                if name in seen:
                    raise ValueError(f"section id '{name}' is used twice")
                seen.add(name)
        return value

    groups: list[Group] = Field(
        default_factory=list,
        description="Groups of countries (EU, G7, RCEP, …) that facts may name like a country.",
    )
    country_names: dict[str, Text] = Field(
        default_factory=dict,
        description="Names to use instead of CLDR's for some ISO codes, e.g. MM: {zh: 缅甸, "
        "en: Myanmar}.",
    )
    country_table: CountryTable | None = Field(
        None, description="A table of the facts by member of a group (default: no table)."
    )
    # After `groups`: the timeline's countries may name a group.
    timeline: Timeline | None = Field(
        None, description="The appendix listing dated facts, oldest first (leave out for none)."
    )
    display_units: DisplayUnits = Field(
        default_factory=lambda: DisplayUnits(),
        description="Per language, the unit a physical quantity is shown in, e.g. "
        "zh: {GW: kW} (Chinese writes 1250万千瓦 for 12.5 GW).",
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

    @field_validator("country_names")
    @classmethod
    def _named(cls, value: dict[str, Text]) -> dict[str, Text]:
        for code in value:
            if code not in iso_countries():
                raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 code (DE, KR, BR, …)")
        return value

    @field_validator("groups")
    @classmethod
    def _unique(cls, value: list[Group]) -> list[Group]:
        codes = [g.code for g in value]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"group {', '.join(twice)} is defined more than once")
        return value

    @field_validator("country_table")
    @classmethod
    def _table_group(cls, value: CountryTable | None, info: ValidationInfo) -> CountryTable | None:
        codes = [g.code for g in info.data.get("groups", [])]
        if value is not None and value.group not in codes:
            raise ValueError(
                f"no group {value.group!r} under `groups` (defined: {', '.join(codes) or 'none'})"
            )
        return value

    @field_validator("timeline")
    @classmethod
    def _timeline_places(cls, value: Timeline | None, info: ValidationInfo) -> Timeline | None:
        groups = frozenset(g.code for g in info.data.get("groups", []))
        unknown = [
            c for c in (value.countries if value else []) if c not in iso_countries() | groups
        ]
        if unknown:
            raise ValueError(
                f"unknown country or group {', '.join(map(repr, unknown))}; use an ISO code "
                "or a group defined under `groups`"
            )
        return value


Kind = Literal["actual", "estimate", "forecast", "target", "plan"]
Approx = Literal["exact", "about", "over", "nearly", "under", "at-least", "up-to"]
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
    section: SectionId = Field(
        description="Id of the brief's section it belongs in (or one of that section's `also`)."
    )
    theme: str = Field(pattern=ID_PATTERN, description="Area within the section, e.g. talent.")
    value: float | None = Field(None, description="The figure in canonical units (no 亿 or 万).")
    unit: str | None = Field(
        None,
        description="Unit of `value`: an ISO 4217 currency code (USD, EUR), a unit symbol pint "
        "knows (GW, kWh, t, km), or percent, points (percentage points), score, count, people, "
        "multiple, years, minutes.",
    )
    approx: Approx = Field("exact", description="Qualifier the source puts on the figure.")
    period: YearLike | None = Field(
        None,
        description='Year or span the figure refers to: "2024", "2019-2023", "2025-H1", '
        '"2025-Q3", "2025-01", months "2024-01..2024-09", quarters "2024-Q1..2024-Q3".',
    )
    date: YearLike | None = Field(None, description="Date of an event: YYYY, YYYY-MM, YYYY-MM-DD.")
    kind: Kind = Field(
        "actual", description="actual, estimate, forecast, target or plan (required for figures)."
    )
    countries: list[str] = Field(
        default_factory=list,
        description="ISO 3166-1 alpha-2 codes, or groups defined in brief.yaml.",
    )
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

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str | None) -> str | None:
        return None if value is None else units.check(value)

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
                'write the period as "2024", "2019-2023", "2025-01", "2025-H1", "2025-Q3", '
                '"2024-01..2024-09" (months) or "2024-Q1..2024-Q3" (quarters)'
            )
        years = [int(y) for y in re.findall(r"\d{4}", value)]
        if any(not 1900 <= y <= 2100 for y in years):
            raise ValueError(f"the period {value} has an implausible year (1900-2100)")
        ends = value.split("..") if ".." in value else value.split("-") if len(years) == 2 else []
        if ends and ends[1] < ends[0]:
            raise ValueError(f"the period {value} ends before it starts")
        if ".." in value and "Q" in value and years[0] != years[1]:
            raise ValueError(f"the quarters of {value} must be in one year")
        return value

    _countries = field_validator("countries")(check_places)

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


class ChartFile(Strict):
    """Chart specifications (charts/*.yaml)."""

    charts: list[Chart] = Field(description="The charts.")
