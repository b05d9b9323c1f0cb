"""Turn a quote's words into the numbers it states, and judge whether a fact's value is one."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cn2an

# Multipliers written after a number. Chinese: 万, 亿, 万亿; English: thousand to trillion.
_MULTIPLIERS = {
    "万亿": 1e12,
    "亿": 1e8,
    "万": 1e4,
    "千": 1e3,
    "trillion": 1e12,
    "billion": 1e9,
    "million": 1e6,
    "thousand": 1e3,
    "tn": 1e12,
    "bn": 1e9,
    "mn": 1e6,
}
# Chinese names of the units a quote may state a figure in, as pint spells them.
UNIT_NAMES = {
    "千瓦时": "kWh",
    "千瓦": "kW",
    "瓦": "W",
    "吨": "t",
    "公里": "km",
    "千米": "km",
    "米": "m",
    "平方公里": "km**2",
    "立方米": "m**3",
}
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CHINESE = r"[零〇一二两三四五六七八九十百千万亿]+"
_NUMBER = re.compile(
    rf"(?P<arabic>{_ARABIC})\s*(?P<more>多|余)?\s*"
    r"(?P<mult>万亿|亿|万|千(?!瓦|米|克)|(?:trillion|billion|million|thousand|tn|bn|mn)\b)?"
    rf"|(?P<chinese>{_CHINESE})(?:余|多)?"
)
_UNIT = re.compile(r"\s*(?P<unit>" + "|".join(UNIT_NAMES) + r"|[A-Za-z]+(?:\*\*\d|/[A-Za-z]+)?)")


@dataclass(frozen=True)
class Stated:
    """A number a quote states: its value, the rounding of its last digit, and its unit."""

    text: str
    value: float
    step: float
    unit: str | None = None

    def __str__(self) -> str:
        return self.text


def normalise(text: str) -> str:
    """Full-width digits and punctuation as half-width, the way numbers are compared."""
    return unicodedata.normalize("NFKC", text)


def _chinese(run: str) -> tuple[float, float] | None:
    """The value of a run of Chinese numerals (十余 → 10, 近百 → 100, 三 → 3), with its step."""
    if run[0] in "十百千万亿":
        run = "一" + run
    try:
        value = float(cn2an.cn2an(run, "smart"))
    except (ValueError, KeyError, IndexError):
        return None
    step = 1.0
    for unit, size in (("亿", 1e8), ("万", 1e4), ("千", 1e3), ("百", 1e2), ("十", 10.0)):
        if run.endswith(unit):
            step = size
            break
    return value, step


def numbers(quote: str) -> list[Stated]:
    """Every number the quote states, in the units it is written in (with 万, 亿, billion…)."""
    text = normalise(quote)
    found: list[Stated] = []
    position = 0
    while match := _NUMBER.search(text, position):
        tail = _UNIT.match(text, match.end())
        unit = tail.group("unit") if tail else None
        # A unit's own characters (千 in 千瓦) are not a number.
        position = tail.end() if tail else match.end()
        if match.group("arabic"):
            digits = match.group("arabic").replace(",", "")
            decimals = len(digits.split(".")[1]) if "." in digits else 0
            multiplier = _MULTIPLIERS.get(match.group("mult") or "", 1.0)
            found.append(
                Stated(
                    match.group(0).strip(),
                    float(digits) * multiplier,
                    10.0**-decimals * multiplier,
                    unit,
                )
            )
            continue
        parsed = _chinese(match.group("chinese"))
        if parsed is not None:
            found.append(Stated(match.group(0), parsed[0], parsed[1], unit))
    return found


@functools.cache
def _registry() -> Any:
    import pint

    return pint.UnitRegistry()


def pint_convert(value: float, written: str, unit: str) -> float | None:
    """Convert a number written in `written` (GW, 千瓦) into `unit` (kW), if both are units."""
    import pint

    registry = _registry()
    try:
        quantity = registry.Quantity(value, UNIT_NAMES.get(written, written))
        return float(quantity.to(UNIT_NAMES.get(unit, unit)).magnitude)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError, AssertionError):
        return None


# How a figure's unit relates to the numbers a quote writes: None when it does not apply.
Converter = Callable[[float, str, str], float | None]


# Units whose figures a quote writes as the number itself, once 万, 亿 or billion is applied.
PLAIN_UNITS = frozenset({"percent", "count", "people", "multiple", "points", "minutes", "years"})
_CURRENCY = re.compile(r"[A-Z]{3}")


def scale_of(unit: str) -> float | None:
    """The factor from a number as a quote writes it to the fact's value, if the unit is plain.

    Currencies (ISO codes), percentages, counts, people, multiples, points, minutes and years
    are written as the number they are; for other units (kW, t) None: they convert through the
    unit the quote writes beside the number.
    """
    return 1.0 if unit in PLAIN_UNITS or _CURRENCY.fullmatch(unit) else None


def candidates(
    stated: Stated, unit: str | None, convert: Converter = pint_convert
) -> list[tuple[float, float]]:
    """The values (and their rounding) a stated number may stand for in a fact's unit."""
    scale = scale_of(unit) if unit else 1.0
    if unit and stated.unit and stated.value and scale is None:
        converted = convert(stated.value, stated.unit, unit)
        if converted is not None:
            # The quote names the number's unit: only its value in the fact's unit counts, so
            # that "2.2 GW" does not vouch for 2.2 MW.
            return [(converted, stated.step * abs(converted / stated.value))]
    return [(stated.value * (scale or 1.0), stated.step * (scale or 1.0))]


def states(value: float, quote: str, unit: str | None, convert: Converter = pint_convert) -> bool:
    """Whether the quote states `value`, within the rounding of the number's last digit."""
    for stated in numbers(quote):
        for number, step in candidates(stated, unit, convert):
            if math.isclose(value, number, rel_tol=1e-9) or abs(value - number) <= step / 2:
                return True
    return False
