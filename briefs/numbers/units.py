"""Turn a unit as a fact or a quote writes it into what it measures: a currency, a word, a
quantity, or one of these per another (USD/t, people/km2)."""

from __future__ import annotations

import difflib
import functools
import re
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import get_currency_name, list_currencies

# Units that are words rather than physical quantities: shares, counts, multiples, durations.
# `points` are percentage points (个百分点); `score` is a score on some scale (分).
WORDS = ("percent", "points", "score", "count", "people", "multiple", "years", "minutes")
# Other spellings a fact may give for a word unit. pint would read `pp` as a typographic point
# and `pt` as a pint, so percentage points are caught here, before pint sees them.
ALIASES = {
    "pp": "points",
    "p.p.": "points",
    "percentage points": "points",
    "%": "percent",
    "persons": "people",
    "person": "people",
}
# What a compound unit may be per: a quantity pint knows, or a person (per capita).
PER_PERSON = frozenset({"person", "capita", "head", "people"})

# The field's units, defined once for the whole tool. In energy, mining and climate writing kt,
# Mt and Gt are tonnes (pint reads kt as the knot), a barrel is an oil barrel (pint's is a US
# liquid barrel), and emissions count in tonnes of CO2 equivalent, a quantity of their own.
DEFINITIONS = (
    "kilotonne = 1e3 * metric_ton = kt",
    "megatonne = 1e6 * metric_ton = Mt",
    "gigatonne = 1e9 * metric_ton = Gt",
    "bbl = oil_barrel",
    "barrel_of_oil_equivalent = 5.8e6 * Btu = boe",
    "tonne_CO2e = [emissions] = tCO2e = tCO2eq",
    "kilotonne_CO2e = 1e3 * tonne_CO2e = ktCO2e",
    "megatonne_CO2e = 1e6 * tonne_CO2e = MtCO2e = MtCO2eq",
    "gigatonne_CO2e = 1e9 * tonne_CO2e = GtCO2e = GtCO2eq",
)
# Unit words a quote writes after a figure, as pint spells them. "tons" in policy and energy
# sources are metric tonnes; a quote that means US tons says "short tons".
QUOTED_UNITS = {
    "千瓦时": "kWh",
    "千瓦": "kW",
    "瓦": "W",
    "吨": "t",
    "公吨": "t",
    "公里": "km",
    "千米": "km",
    "米": "m",
    "平方公里": "km**2",
    "立方米": "m**3",
    "桶": "bbl",
    "short tons": "ton",
    "short ton": "ton",
    "tonnes": "t",
    "tonne": "t",
    "tons": "t",
    "ton": "t",
    "barrels": "bbl",
    "barrel": "bbl",
}

# Lower-case unit symbols a quote may write after a figure; other lower-case words after a year
# ("in 2023 the") are the sentence going on, though pint reads "a" as a year and "in" as inches.
LOWER_SYMBOLS = frozenset({"t", "kt", "kg", "km", "km2", "m2", "m3", "ha", "bbl", "toe", "boe"})

# Currency marks a quote writes before or after a figure, with the ISO codes each may stand for.
# Words that name a family ("dollars", "$") take every CLDR currency of that name; see `marks()`.
_MARK_CODES = {
    "US$": "USD",
    "R$": "BRL",
    "€": "EUR",
    "£": "GBP",
    "₦": "NGN",
    "₹": "INR",
    "KSh": "KES",
    "Ksh": "KES",
    "S$": "SGD",
    "HK$": "HKD",
    "A$": "AUD",
    "C$": "CAD",
    "RMB": "CNY",
    "美元": "USD",
    "人民币": "CNY",
    "元": "CNY",
    "欧元": "EUR",
    "英镑": "GBP",
    "日元": "JPY",
    "reais": "BRL",
    "real": "BRL",
    "naira": "NGN",
    "euros": "EUR",
    "euro": "EUR",
    "Euro": "EUR",
    "yuan": "CNY",
    "renminbi": "CNY",
    "pounds sterling": "GBP",
}
# Marks shared by a family of currencies: their CLDR English names end in the word.
_FAMILIES = {
    "$": "dollar",
    "dollars": "dollar",
    "dollar": "dollar",
    "dólares": "dollar",
    "dollari": "dollar",
    "¥": "yen|yuan",
    "shillings": "shilling",
    "rupees": "rupee",
    "pesos": "peso",
    "francs": "franc",
}


@functools.cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def is_currency(unit: str) -> bool:
    """Whether the unit is an ISO 4217 currency code that CLDR knows (USD, EUR, JPY, …)."""
    return unit in _currencies()


@functools.cache
def marks() -> dict[str, frozenset[str]]:
    """Every currency mark a quote may write (R$, US$, $, €, 美元, dollars, reais, USD), with the
    ISO codes it may stand for: "$" and "dollars" fit any dollar."""
    table = {mark: frozenset({code}) for mark, code in _MARK_CODES.items()}
    english = {code: get_currency_name(code, locale="en").lower() for code in _currencies()}
    for mark, family in _FAMILIES.items():
        table[mark] = frozenset(
            code for code, name in english.items() if re.search(rf"\b(?:{family})$", name)
        )
    table.update({code: frozenset({code}) for code in _currencies() if code.isupper()})
    return table


@functools.cache
def home_symbol(code: str) -> str | None:
    """The symbol CLDR gives a currency in English where it is the currency of the land (₦ in
    Nigeria, Ksh in Kenya), if that is more than the ISO code and not a bare "$"."""
    territories = get_global("territory_currencies")
    for territory, spans in sorted(territories.items()):
        if not any(span[0] == code and span[2] is None for span in spans):
            continue
        try:
            symbol = Locale.parse(f"en_{territory}").currency_symbols.get(code)
        except UnknownLocaleError:  # no English locale for that territory
            continue
        if symbol and symbol != code and symbol != "$":
            return str(symbol)
    return None


@functools.cache
def registry() -> Any:
    """The one pint unit registry, with the field's units, loaded only for physical units."""
    import pint

    from briefs.fonts import default_cache

    # pint parses its definitions file on every start unless it may keep a cache. Our own
    # definitions replace pint's (kt is no knot here), so redefinition is expected, not logged.
    ureg: Any = pint.UnitRegistry(cache_folder=default_cache() / "pint", on_redefinition="ignore")
    for line in DEFINITIONS:
        ureg.define(line)
    return ureg


def pint_text(unit: str) -> str:
    """A unit as pint parses it: km2 and m3 as km**2 and m**3, quoted words as symbols."""
    unit = QUOTED_UNITS.get(unit, unit)
    return re.sub(r"(?<=[A-Za-z])([23])\b", r"**\1", unit)


def physical(unit: str) -> Any | None:
    """The pint unit for a symbol such as GW, kWh, t, Mt or km2; None if pint does not know it."""
    if unit in ALIASES or unit in WORDS:
        return None
    try:
        parsed = registry().Unit(pint_text(unit))
    except Exception:  # pint raises many kinds (UndefinedUnitError, TokenError, …) on bad text
        return None
    return None if parsed.dimensionless else parsed


def split(unit: str) -> tuple[str, str] | None:
    """A compound unit's numerator and denominator (USD/t: USD, t; people/km2: people, km2;
    t/year: t, year); None for a unit that is not one thing per another."""
    if unit.count("/") != 1:
        return None
    top, bottom = unit.split("/")
    known = is_currency(top) or top in WORDS or physical(top) is not None
    if known and (bottom in PER_PERSON or physical(bottom) is not None):
        return top, bottom
    return None


def numerator(unit: str) -> str:
    """What a figure counts before any "per": USD for USD/t, the unit itself otherwise."""
    parts = split(unit)
    return parts[0] if parts else unit


def suggest(unit: str) -> str | None:
    """The unit a user most likely meant by an unknown one (usd: USD, KSh: KES, Tonnes: t)."""
    if unit.upper() in _currencies():
        return unit.upper()
    codes = marks().get(unit)
    if codes and len(codes) == 1:
        return next(iter(codes))
    if unit.lower() in QUOTED_UNITS:
        return QUOTED_UNITS[unit.lower()]
    close = difflib.get_close_matches(unit, [*WORDS, *ALIASES], n=1, cutoff=0.75)
    return close[0] if close else None


def check(unit: str) -> str:
    """The unit as the tool writes it (pp: points); ValueError with what to write instead
    unless the unit is one the tool can show."""
    unit = ALIASES.get(unit, unit)
    if unit in WORDS or is_currency(unit) or physical(unit) is not None or split(unit):
        return unit
    if "/" in unit:
        raise ValueError(
            f"unknown unit {unit!r}: a compound unit is a currency, a word or a unit per a unit "
            "pint knows or per person, e.g. USD/t, EUR/MWh, USD/person, people/km2, t/year"
        )
    guess = suggest(unit)
    hint = f"did you mean {guess!r}? " if guess else ""
    if len(unit) == 3 and unit.isupper():
        known = "it is not an ISO 4217 currency code (USD, EUR, CNY, JPY, …)"
    else:
        known = "neither pint nor ISO 4217 knows it"
    raise ValueError(
        f"unknown unit {unit!r}: {known}; {hint}write a currency code (EUR), a unit symbol "
        f"(GW, kWh, t, Mt, km2), one of {', '.join(WORDS)}, or a compound such as USD/t"
    )


def _dimensions(unit: str) -> Any | None:
    parts = split(unit)
    if parts is None:
        found = physical(unit)
        return None if found is None else found.dimensionality
    top, bottom = (physical(part) for part in parts)
    return (
        parts[0] if top is None else top.dimensionality,
        "person" if bottom is None else bottom.dimensionality,
    )


def check_display(unit: str, shown: str) -> None:
    """Raise ValueError unless facts in `unit` can be shown in `shown` (same kind of quantity:
    USD/t may be shown as USD/kt, t as Mt)."""
    source, target = _dimensions(unit), _dimensions(shown)
    if source is None:
        raise ValueError(
            f"{unit!r} is not a physical unit pint knows; only units such as GW, t or USD/t "
            "can be shown in another unit"
        )
    if target is None:
        raise ValueError(f"unknown unit {shown!r}; write a unit symbol pint knows, e.g. kW or t")
    if source != target:
        raise ValueError(
            f"{unit} cannot be shown in {shown}: they measure different quantities; "
            "choose a unit of the same kind"
        )


def _factor(unit: str, shown: str) -> float:
    ureg = registry()
    return float(ureg.Quantity(1.0, ureg.Unit(pint_text(unit))).to(pint_text(shown)).magnitude)


def convert(value: float, unit: str, shown: str) -> float:
    """The value in another unit of the same kind, without floating-point dust (12 digits).

    A compound converts through both parts: 14000 USD/t is 14000000 USD/kt.
    """
    if unit == shown:
        return value
    parts, target = split(unit), split(shown)
    if parts and target:
        top = value if parts[0] == target[0] else value * _factor(parts[0], target[0])
        per = 1.0 if parts[1] == target[1] else _factor(target[1], parts[1])
        magnitude = top * per
    else:
        magnitude = value * _factor(unit, shown)
    return float(f"{magnitude:.12g}")


def ladder_step(value: float, unit: str, steps: list[str]) -> int:
    """Which unit of a ladder (t, kt, Mt, from small to large) a figure is written in: the
    smallest while it stays under 10,000 there (8,800 t), else the largest in which it is at
    least 1 (45 kt, 6 Mt)."""
    sizes = [abs(convert(value, unit, step)) for step in steps]
    if not sizes or sizes[0] < 10_000:
        return 0
    return max(i for i, size in enumerate(sizes) if size >= 1 or i == 0)


def symbol(unit: str) -> str:
    """pint's short symbol for a unit (GW, kWh, t, km²): the user's own for the field's units."""
    if unit in registry() and any(unit in line.split(" = ")[2:] for line in DEFINITIONS):
        return unit
    return f"{registry().Unit(pint_text(unit)):~P}"


def cldr_name(unit: str) -> str:
    """The unit's name as CLDR spells its ids (gigawatt, kilowatt-hour), for Babel's format_unit."""
    name = str(registry().Unit(pint_text(unit))).replace("_", "-")
    name = _CLDR_IDS.get(name, name)
    return re.sub(r"^(\S+) \*\* ([23])$", lambda m: f"{_POWERS[m[2]]}-{m[1]}", name)


_POWERS = {"2": "square", "3": "cubic"}
# pint's names that CLDR spells otherwise (its tonne is pint's metric ton; its barrel the oil one).
_CLDR_IDS = {"metric-ton": "tonne", "bbl": "barrel"}
