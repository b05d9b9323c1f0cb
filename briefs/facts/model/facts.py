"""Turn fact files and computed.yaml into models of facts and computed figures."""

from __future__ import annotations

import re
from typing import Any

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from briefs.facts.model.brief import (
    Approx,
    Kind,
    Method,
    SectionId,
)
from briefs.facts.model.common import (
    _PERIOD,
    ID_PATTERN,
    Strict,
    Text,
    YearLike,
    check_date,
    check_places,
)
from briefs.numbers import units


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
        "knows (GW, kWh, t, Mt, km2), percent, points (percentage points, or pp), score, count, "
        "people, multiple, years, minutes, or one of these per another (USD/t, EUR/MWh, "
        "USD/person, people/km2, t/year).",
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
    outcome: str | None = Field(
        None,
        description="For a target, forecast or plan: the fact reporting what came of it (default: "
        "the one actual figure of the same theme, unit, countries and year, if there is one).",
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
