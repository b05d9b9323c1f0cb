"""Turn a unit as a fact writes it into what it measures: a currency, a word or a quantity."""

from __future__ import annotations

import functools
from typing import Any

from babel.numbers import list_currencies

# Units that are words rather than physical quantities: shares, counts, multiples, durations.
# `points` are percentage points (个百分点); `score` is a score on some scale (分).
WORDS = ("percent", "points", "score", "count", "people", "multiple", "years", "minutes")


@functools.cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def is_currency(unit: str) -> bool:
    """Whether the unit is an ISO 4217 currency code that CLDR knows (USD, EUR, JPY, …)."""
    return unit in _currencies()


@functools.cache
def registry() -> Any:
    """The pint unit registry, loaded once and only for projects with physical units."""
    import pint

    from briefs.fonts import default_cache

    # pint parses its definitions file on every start unless it may keep a cache.
    return pint.UnitRegistry(cache_folder=default_cache() / "pint")


def physical(unit: str) -> Any | None:
    """The pint unit for a symbol such as GW, kWh, t or km; None if pint does not know it."""
    try:
        parsed = registry().Unit(unit)
    except Exception:  # pint raises many kinds (UndefinedUnitError, TokenError, …) on bad text
        return None
    return None if parsed.dimensionless else parsed


def check(unit: str) -> str:
    """Raise ValueError with what to write instead unless the unit is one the tool can show."""
    if unit in WORDS or is_currency(unit) or physical(unit) is not None:
        return unit
    if len(unit) == 3 and unit.isupper():
        hint = "it is not an ISO 4217 currency code (USD, EUR, CNY, JPY, …)"
    else:
        hint = "neither pint nor ISO 4217 knows it"
    raise ValueError(
        f"unknown unit {unit!r}: {hint}; write a currency code (EUR), a unit symbol "
        f"(GW, kWh, t, km) or one of {', '.join(WORDS)}"
    )


def check_display(unit: str, shown: str) -> None:
    """Raise ValueError unless facts in `unit` can be shown in `shown` (same kind of quantity)."""
    source, target = physical(unit), physical(shown)
    if source is None:
        raise ValueError(
            f"{unit!r} is not a physical unit pint knows; only units such as GW or t "
            "can be shown in another unit"
        )
    if target is None:
        raise ValueError(f"unknown unit {shown!r}; write a unit symbol pint knows, e.g. kW or t")
    if source.dimensionality != target.dimensionality:
        raise ValueError(
            f"{unit} cannot be shown in {shown}: they measure different quantities "
            f"({source.dimensionality}; {target.dimensionality}); choose a unit of the same kind"
        )


def convert(value: float, unit: str, shown: str) -> float:
    """The value in another unit of the same kind, without floating-point dust (12 digits)."""
    if unit == shown:
        return value
    ureg = registry()
    magnitude = float(ureg.Quantity(value, ureg.Unit(unit)).to(ureg.Unit(shown)).magnitude)
    return float(f"{magnitude:.12g}")


def symbol(unit: str) -> str:
    """pint's short symbol for a unit (GW, kWh, t)."""
    return f"{registry().Unit(unit):~P}"


def cldr_name(unit: str) -> str:
    """The unit's name as CLDR spells its ids (gigawatt, kilowatt-hour), for Babel's format_unit."""
    return str(registry().Unit(unit)).replace("_", "-")
