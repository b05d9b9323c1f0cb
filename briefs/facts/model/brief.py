"""Turn facts/brief.yaml into the brief's model: identity, sources, sections and domain."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
)

from briefs.facts.model.common import (
    _GROUP,
    ID_PATTERN,
    LANGS,
    Excerpt,
    Names,
    Strict,
    Text,
    TextList,
    YearLike,
    check_date,
    iso_countries,
)
from briefs.numbers import units


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

    id: SectionId = Field(
        description="Id: the prose is templates/prose/<lang>/<id>.md (or .html.j2)."
    )
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
    list_members: bool = Field(
        default=True,
        description="Name the members in the data note, where facts or charts use the group "
        "(false for a group every reader knows, such as the EU).",
    )

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
    all_members: bool = Field(
        default=False,
        description="List every member, also those the brief has no facts about (default: "
        "only members with facts, so that a large group does not fill pages with empty rows).",
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
# One unit, or a ladder of units from small to large (t, kt, Mt): each figure takes its step.
Shown = DisplayUnitLike | list[DisplayUnitLike]


class DisplayUnits(Strict):
    """Per language: fact unit -> the unit it is shown in, or a ladder of them (t, kt, Mt)."""

    zh: dict[str, Shown] = Field(default_factory=dict, description="For Chinese.")
    en: dict[str, Shown] = Field(default_factory=dict, description="For English.")

    @field_validator("zh", "en")
    @classmethod
    def _convertible(cls, value: dict[str, Shown]) -> dict[str, Shown]:
        for unit, shown in value.items():
            for step in shown if isinstance(shown, list) else [shown]:
                units.check_display(unit, step.unit)
        return value

    def get(self, lang: str, unit: str, value: float | None = None) -> DisplayUnit | None:
        """The unit a figure of `value` is shown in (a ladder's first step if no value)."""
        shown = (self.zh if lang == "zh" else self.en).get(unit)
        if not isinstance(shown, list):
            return shown
        index = 0 if value is None else units.ladder_step(value, unit, [s.unit for s in shown])
        return shown[index]


Format = Literal["html", "pdf", "docx"]


def _default_formats() -> list[Format]:
    return ["html", "pdf"]


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
        "templates/prose/<lang>/<id>.md (or .html.j2), and every fact names one in `section`.",
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

    formats: list[Format] = Field(
        default_factory=_default_formats,
        min_length=1,
        description="What `brief build` writes when no --format is given: html, pdf, docx "
        "(Word, for review rounds).",
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
