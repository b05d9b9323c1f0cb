"""Turn a quote's words, read in the source's own language, into the numbers it states (with
their scale, currency and unit), and judge whether a fact's value is one of them."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import cn2an
from babel import Locale, UnknownLocaleError

from briefs.numbers import units

# Scale words and abbreviations written after a number, per language. The tables differ where
# the words do: a French "billion" is 10^12, an English one 10^9. Single letters (5m, 20k)
# count only glued to the number, where they cannot be metres.
SCALES: dict[str, dict[str, float]] = {
    "zh": {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3},
    "en": {
        "quadrillion": 1e15,
        "trillion": 1e12,
        "billion": 1e9,
        "million": 1e6,
        "thousand": 1e3,
        "lakh crore": 1e12,
        "lakhs": 1e5,
        "lakh": 1e5,
        "crores": 1e7,
        "crore": 1e7,
        "qd": 1e15,
        "trn": 1e12,
        "tn": 1e12,
        "bn": 1e9,
        "mn": 1e6,
        "m": 1e6,
        "k": 1e3,
    },
    "pt": {
        "mil milhões": 1e9,
        "trilhões": 1e12,
        "trilhão": 1e12,
        "bilhões": 1e9,
        "bilhão": 1e9,
        "milhões": 1e6,
        "milhão": 1e6,
        "mil": 1e3,
        "tri": 1e12,
        "bi": 1e9,
        "mi": 1e6,
    },
    "es": {
        "mil millones": 1e9,
        "billones": 1e12,
        "billón": 1e12,
        "millones": 1e6,
        "millón": 1e6,
        "mil": 1e3,
    },
    "fr": {
        "milliards": 1e9,
        "milliard": 1e9,
        "billions": 1e12,
        "billion": 1e12,
        "millions": 1e6,
        "million": 1e6,
        "mille": 1e3,
        "Mds": 1e9,
        "Md": 1e9,
        "M": 1e6,
        "k": 1e3,
    },
    "de": {
        "Billionen": 1e12,
        "Billion": 1e12,
        "Milliarden": 1e9,
        "Milliarde": 1e9,
        "Millionen": 1e6,
        "Million": 1e6,
        "Tausend": 1e3,
        "Bio.": 1e12,
        "Mrd.": 1e9,
        "Mrd": 1e9,
        "Mio.": 1e6,
        "Mio": 1e6,
        "Tsd.": 1e3,
    },
}
# Chinese and English sources mix each other's scale words (GMV of US$263 billion, 2630亿).
_SHARED = {"zh": ("zh", "en"), "en": ("en", "zh")}
# Percentage points and percent, in the languages brief reads: points first, as "%" is shorter.
MEASURES = (
    (
        "points",
        r"个百分点|百分点|percentage[- ]points?|pp\b|p\.\s?p\.|pontos? percentua(?:l|is)"
        r"|points? de pourcentage|Prozentpunkte?|puntos? porcentuales?",
    ),
    ("percent", r"%|per ?cent\b|por cento|pour cent|Prozent|por ciento"),
)
# Words that say the figure is a fall ("fell by 0.8", 下降0.8), unless the sentence says what it
# fell *to*: then the number is a level, not a change.
_FALLS = re.compile(
    r"(?:\b(?:fell|fall(?:s|ing)?|dropped|drops?|declined?|decreased?|down|shrank|contracted"
    r"|caiu|queda|recuo|recuou|diminuiu|redução|retração|baisse|recul|reculé|diminué|chute"
    r"|Rückgang|gesunken|sank|gefallen|zurückgegangen)\b|下降|减少|下滑|降低|回落|缩减)"
    r"(?!.*(?:\b(?:to|para|à|auf|a)\b|至|到))",
    re.IGNORECASE,
)
_CHINESE = r"[零〇一二两三四五六七八九十百千万亿]+"
_MINUS = "-−"


@dataclass(frozen=True)
class Stated:
    """A number a quote states: its value, the rounding of its last digit, the unit word written
    after it, the currencies its mark may stand for, whether it is in percent or percentage
    points, whether the quote says it fell, and whether it is a year (never a quantity)."""

    text: str
    value: float
    step: float
    unit: str | None = None
    currency: frozenset[str] = frozenset()
    mark: str | None = None
    falls: bool = False
    year: bool = False
    measure: str | None = None  # "percent" or "points" (percentage points)
    at: tuple[int, int] = (0, 0)  # where it stands in the normalised text

    def __str__(self) -> str:
        return self.text


def normalise(text: str) -> str:
    """Full-width digits and punctuation as half-width, the way numbers are compared."""
    return unicodedata.normalize("NFKC", text)


def _alternatives(words: Iterable[str]) -> str:
    """A regular expression of any of the words, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class Grammar:
    """How one language writes numbers: CLDR's decimal and group symbols, its scale words."""

    number: re.Pattern[str]
    tail: re.Pattern[str]
    decimal: str
    group: str
    scales: dict[str, float]


def _symbols(language: str) -> tuple[str, str]:
    try:
        symbols = Locale.parse(language.replace("-", "_")).number_symbols["latn"]
    except (UnknownLocaleError, ValueError):
        return ".", ","
    return str(symbols["decimal"]), str(symbols["group"])


@functools.cache
def grammar(language: str = "en") -> Grammar:
    """The number grammar of a source language (zh, en, pt, fr, de, …: ISO 639)."""
    decimal, group = _symbols(language)
    spaced = group.isspace() or group in "\u00a0\u202f"
    # French groups with a narrow no-break space; sources also type a space or a no-break one.
    group_re = "[ \u00a0\u202f]" if spaced else re.escape(group)
    digits = rf"\d{{1,3}}(?:{group_re}\d{{3}})+|\d+"
    base = language.split("_")[0].split("-")[0]
    scales: dict[str, float] = {}
    for name in _SHARED.get(base, (base,)):
        scales |= SCALES.get(name, SCALES["en"])
    words = [w for w in scales if len(w) > 1 or w in "万亿千"]
    glued = [w for w in scales if len(w) == 1 and w not in "万亿千"]
    scale = (
        rf"(?:\s?(?P<scale>{_alternatives(words)})(?![A-Za-zÀ-ÿ])"
        rf"|(?P<glued>{_alternatives(glued) or '(?!)'})(?![A-Za-zÀ-ÿ]))"
    )
    number = re.compile(
        rf"(?P<sign>(?<![\w.,])[{_MINUS}])?(?P<arabic>(?:{digits})(?:{re.escape(decimal)}\d+)?)"
        rf"\s*(?P<more>多|余)?(?:{scale}(?<!千(?=[瓦米克])))?"
        rf"|(?P<chinese>{_CHINESE})(?:余|多)?"
    )
    measure = "|".join(f"(?P<{name}>{pattern})" for name, pattern in MEASURES)
    tail = re.compile(
        rf"\s*(?:{measure}|(?:de\s+|of\s+)?(?P<currency>{_alternatives(units.marks())})"
        rf"(?![A-Za-z])|(?P<unit>{_alternatives(units.QUOTED_UNITS)}"
        r"|[A-Za-z]+(?:\*\*\d|/[A-Za-z]+)?))"
    )
    return Grammar(number, tail, decimal, group, scales)


@functools.cache
def _before() -> re.Pattern[str]:
    """Currency marks written before a figure: symbols and codes (R$ 250, USD 5, KSh 40), and
    Nigerian usage's N glued to the digits (N2.3qd)."""
    marks = [m for m in units.marks() if not m.isalpha() or (m.isascii() and not m.islower())]
    return re.compile(rf"(?:(?P<mark>{_alternatives(marks)})\s?|(?<![A-Za-z])(?P<naira>N))$")


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


def _arabic(match: re.Match[str], rules: Grammar) -> tuple[float, float]:
    """A written number's value and the rounding of its last digit, with its scale word."""
    digits = re.sub(r"[ \u00a0\u202f]", "", match["arabic"]).replace(rules.group, "")
    whole, _, fraction = digits.partition(rules.decimal)
    multiplier = rules.scales.get(match["scale"] or match["glued"] or "", 1.0)
    value = float(f"{whole}.{fraction or 0}") * multiplier
    return value, 10.0 ** -len(fraction) * multiplier


def _currency(
    text: str, start: int, tail: re.Match[str] | None
) -> tuple[str | None, frozenset[str]]:
    """The currency mark before (R$ 250, ₦2.3, USD 5) or after (250 reais, 2630亿美元) a number."""
    before = _before().search(text[max(0, start - 6) : start])
    if before and before["mark"]:
        return before["mark"], units.marks()[before["mark"]]
    if before and before["naira"]:
        return "N", frozenset({"NGN"})
    if tail and tail["currency"]:
        return tail["currency"], units.marks()[tail["currency"]]
    return None, frozenset()


def _falls(text: str, start: int, previous: int) -> bool:
    window = text[max(previous, start - 30) : start]
    return bool(_FALLS.search(re.split(r"[,;，；。:：]", window)[-1]))


def numbers(quote: str, language: str = "en") -> list[Stated]:
    """Every number the quote states, read as its language writes numbers (CLDR's decimal and
    group symbols), with its scale word, currency and unit."""
    rules = grammar(language)
    text = normalise(quote).replace("\u2212", "−")
    found: list[Stated] = []
    position = previous = 0
    while match := rules.number.search(text, position):
        tail = rules.tail.match(text, match.end())
        # A unit's own characters (千 in 千瓦) are not a number.
        position = tail.end() if tail else match.end()
        if not match["arabic"]:
            parsed = _chinese(match["chinese"])
            unit = tail["unit"] if tail else None
            if parsed is not None:
                found.append(Stated(match[0], parsed[0], parsed[1], unit, at=match.span()))
            continue
        found.append(_stated(text, match, tail, rules, previous))
        previous = position
    return found


def _stated(
    text: str,
    match: re.Match[str],
    tail: re.Match[str] | None,
    rules: Grammar,
    previous: int,
) -> Stated:
    """One Arabic number with what stands around it; `previous` ends the number before it."""
    value, step = _arabic(match, rules)
    unit = tail["unit"] if tail else None
    measure = next((m for m, _ in MEASURES if tail and tail[m]), None)
    mark, currency = _currency(text, match.start(), tail)
    scaled = match["scale"] or match["glued"] or match["more"]
    following = text[match.end() : match.end() + 1]
    year = (
        re.fullmatch(r"\d{4}", match["arabic"]) is not None
        and 1900 <= value <= 2100
        and not (scaled or measure or currency or match["sign"] or _names_unit(unit))
        and not re.match(r"[\u4e00-\u9fff]", following.replace("年", ""))
    )
    return Stated(
        match[0].strip(),
        -value if match["sign"] else value,
        step,
        unit,
        currency,
        mark,
        _falls(text, match.start(), previous),
        year,
        measure,
        (match.start(), match.start() + len(match[0].rstrip())),
    )


def _names_unit(word: str | None) -> bool:
    """Whether a word after a number is a unit (tons, 千瓦, GW), not the next word of a sentence
    ("in 2023 the", "em 2023 e"): the quoted unit names, symbols with a capital, and the
    lower-case symbols of the field (t, km, bbl)."""
    return word is not None and (
        word in units.QUOTED_UNITS or word in units.LOWER_SYMBOLS or not word.islower()
    )


def pint_convert(value: float, written: str, unit: str) -> float | None:
    """Convert a number written in `written` (GW, 千瓦, tons) into `unit` (kW, t), if both are
    units of one kind (in the one registry, where tons are metric tonnes)."""
    import pint

    ureg = units.registry()
    try:
        quantity = ureg.Quantity(value, units.pint_text(written))
        return float(quantity.to(units.pint_text(unit)).magnitude)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError, AssertionError):
        return None


# How a figure's unit relates to the numbers a quote writes: None when it does not apply.
Converter = Callable[[float, str, str], float | None]


# The unit words of quotes, under the name other modules know them by.
UNIT_NAMES = units.QUOTED_UNITS

# Units whose figures a quote writes as the number itself, once 万, 亿 or billion is applied.
PLAIN_UNITS = frozenset(
    {"percent", "count", "people", "multiple", "points", "score", "minutes", "years"}
)


def scale_of(unit: str) -> float | None:
    """The factor from a number as a quote writes it to the fact's value, if the unit is plain.

    Currencies (ISO codes), percentages, counts, people, multiples, points, minutes and years
    are written as the number they are (so are prices, USD/t); for other units (kW, t) None:
    they convert through the unit the quote writes beside the number.
    """
    top = units.numerator(unit)
    return 1.0 if top in PLAIN_UNITS or units.is_currency(top) else None


def mismatch(stated: Stated, unit: str | None) -> str | None:
    """Why a stated number cannot be a figure in `unit`, whatever its value: another currency,
    percent for percentage points (or the reverse), or a year."""
    if unit is None:
        return None
    if stated.year:
        return "a year"
    top = units.numerator(unit)
    if stated.currency and top not in stated.currency:
        codes = "/".join(sorted(stated.currency)) if len(stated.currency) < 4 else "a dollar"
        return f"in {stated.mark} ({codes}), not {top}"
    if {stated.measure, top} == {"percent", "points"}:
        return f"in {'percentage points' if stated.measure == 'points' else 'percent'}, not {top}"
    return None


def candidates(
    stated: Stated, unit: str | None, convert: Converter = pint_convert
) -> list[tuple[float, float]]:
    """The values (and their rounding) a stated number may stand for in a fact's unit; a fall
    ("fell by 0.8", 下降0.8) stands for its negative too."""
    if mismatch(stated, unit) is not None:
        return []
    top = units.numerator(unit) if unit else None
    scale = scale_of(unit) if unit else 1.0
    found = [(stated.value * (scale or 1.0), stated.step * (scale or 1.0))]
    if top and stated.unit and stated.value and scale is None:
        converted = convert(stated.value, stated.unit, top)
        if converted is not None:
            # The quote names the number's unit: only its value in the fact's unit counts, so
            # that "2.2 GW" does not vouch for 2.2 MW.
            found = [(converted, stated.step * abs(converted / stated.value))]
    if stated.falls:
        found += [(-number, step) for number, step in found]
    return found


def describe(stated: Stated, unit: str | None) -> str:
    """What a stated number is in a fact's unit, for messages: 2.2 GW (= 2200 MW), R$ 250 (in
    R$ (BRL), not USD)."""
    why = mismatch(stated, unit)
    if why is not None:
        return f"{stated.mark or ''}{' ' if stated.mark else ''}{stated} ({why})"
    found = candidates(stated, unit)
    shown = f" {unit}" if unit and scale_of(unit) is None else ""
    return f"{stated} (= {plain(found[0][0])}{shown})" if found else str(stated)


def plain(value: float) -> str:
    """A number for messages, in full and without floating-point dust (2300000000000000, 0.3)."""
    text = f"{value:.15g}"
    if "e" not in text:
        return text
    digits = f"{value:.{max(0, 15 - len(str(int(abs(value)))))}f}"
    return digits.rstrip("0").rstrip(".") if "." in digits else digits


def states(
    value: float,
    quote: str,
    unit: str | None,
    convert: Converter = pint_convert,
    language: str = "en",
) -> bool:
    """Whether the quote states `value`, within the rounding of the number's last digit (and,
    for a rate such as USD/t, per the unit the quote names: "per tonne" is not USD/kg)."""
    text = normalise(quote)
    return any(
        agrees(value, stated, unit, convert) and not _other_per(text, stated, unit)
        for stated in numbers(quote, language)
    )


_PER_AFTER = re.compile(r"\s*(?:[A-Za-z]*\s)?(?:per|a|an|/)\s?([A-Za-z]+)")
_PER_BEFORE = re.compile(r"每([\u4e00-\u9fff]{1,4}?)$")


def _other_per(text: str, stated: Stated, unit: str | None) -> bool:
    """Whether the quote writes the number per a unit other than the fact's denominator: "US$1,650
    per tonne" or 每吨 against USD/kg. A per-unit of another kind (per person) or none says
    nothing against it."""
    parts = units.split(unit) if unit else None
    ours = units.physical(parts[1]) if parts else None
    if parts is None or ours is None:
        return False
    after = _PER_AFTER.match(text, stated.at[1])
    before = _PER_BEFORE.search(text[: stated.at[0]].rstrip("$€£¥R US"))
    written = after[1] if after else before[1] if before else None
    if written is None:
        return False
    theirs = units.physical(written)
    if theirs is None or theirs.dimensionality != ours.dimensionality:
        return False
    return pint_convert(1.0, written, parts[1]) != 1.0


def agrees(
    value: float, stated: Stated, unit: str | None, convert: Converter = pint_convert
) -> bool:
    """Whether one stated number is `value` in `unit`, within the rounding of its last digit."""
    return any(
        math.isclose(value, number, rel_tol=1e-9) or abs(value - number) <= step / 2
        for number, step in candidates(stated, unit, convert)
    )
