"""Turn YAML values into the shared pieces of every model: texts per language, dates, places."""

from __future__ import annotations

import functools
import re
from typing import Annotated, Any

from babel import Locale
from babel.core import get_global
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
)

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
