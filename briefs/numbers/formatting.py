"""Turn canonical values, dates and periods into the text a reader sees, per language (Babel)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Literal, Protocol

from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import format_skeleton, get_month_names
from babel.lists import format_list
from babel.numbers import (
    format_compact_decimal,
    format_decimal,
    get_currency_name,
    get_currency_symbol,
    get_currency_unit_pattern,
)
from babel.units import UnknownUnitError, format_compound_unit, format_unit, get_unit_name
from num2words import num2words

from briefs.numbers import units


class DisplayUnit(Protocol):
    """What formatting needs of a display unit (the models' DisplayUnit has it): the unit a
    figure is shown in, and the word written for it, if not CLDR's."""

    @property
    def unit(self) -> str: ...

    @property
    def name(self) -> str | None: ...


LOCALES = {"zh": "zh_Hans_CN", "en": "en_GB"}
Length = Literal["short", "long"]

_APPROX = {
    "zh": {
        "exact": "",
        "about": "约",
        "over": "超过",
        "nearly": "近",
        "under": "不足",
        "at-least": "至少",
        "up-to": "最多",
    },
    "en": {
        "exact": "",
        "about": "about ",
        "over": "more than ",
        "nearly": "nearly ",
        "under": "under ",
        "at-least": "at least ",
        "up-to": "up to ",
    },
}
# CLDR calls the renminbi 人民币 / CN¥; Chinese prose writes 元 after a figure, English policy
# writing RMB before it.
_RENMINBI = {"zh": "元", "en": "RMB"}
# Words CLDR has no unit for: multiples, percentage points, scores.
_SUFFIX = {
    "zh": {"multiple": "倍", "points": "个百分点", "score": "分"},
    "en": {"multiple": " times", "points": " percentage points", "score": " points"},
}
_ONE = {"multiple": " time", "points": " percentage point", "score": " point"}
# CLDR units for the unit words that have one: 15%, 15分钟 / 15 minutes, 5年 / 5 years.
_CLDR_WORDS = {
    "percent": "concentr-percent",
    "minutes": "duration-minute",
    "years": "duration-year",
}
KIND = {
    "zh": {
        "actual": "实际值",
        "estimate": "估计值",
        "forecast": "预测值",
        "target": "目标值",
        "plan": "计划",
    },
    "en": {
        "actual": "actual",
        "estimate": "estimate",
        "forecast": "forecast",
        "target": "target",
        "plan": "plan",
    },
}
_HALF = {"H1": ("上半年", "H1"), "H2": ("下半年", "H2")}
_ZH_DIGITS = "〇一两三四"


def emitted_text(shown: Iterable[tuple[str, DisplayUnit | None]] = ()) -> str:
    """Every fixed string this module can put into a brief (for font subsetting).

    `shown` lists the project's units (with the unit each is shown in), whose names the
    formatter takes from CLDR.
    """
    parts: list[str] = []
    for table in (_APPROX, _SUFFIX, KIND):
        for words in table.values():
            parts.extend(words.values())
    parts.extend(z + e for z, e in _HALF.values())
    for unit, display in [*((u, None) for u in units.WORDS), *shown]:
        for lang in LOCALES:
            parts.append(figure(1.5, unit, "exact", lang, display))
            parts.append(axis_label(unit, 1e9, lang, display)[0])
    parts.extend(_FALL.values())
    parts.extend(join(["1", "2", "3"], lang) for lang in LOCALES)
    return "".join(parts) + _ZH_DIGITS + MINUS + "第季度年月日上下半前至万亿"


MINUS = "\u2212"  # the true minus sign; CLDR's zh and en data give the hyphen-minus


def join(items: list[str], lang: str) -> str:
    """A list as the language writes it (CLDR): [4] and [5] / [4]和[5]."""
    return format_list(items, locale=LOCALES[lang])


def number(value: float, lang: str) -> str:
    """Format a bare number: compact (亿, billion) when that loses nothing, else in full; a
    negative one with a true minus (−0.8)."""
    if value < 0:
        return MINUS + number(-value, lang)
    locale = LOCALES[lang]
    threshold = 10_000 if lang == "zh" else 1_000_000
    if abs(value) >= threshold:
        for digits in range(5):
            text = format_compact_decimal(
                value,
                format_type="short" if lang == "zh" else "long",
                locale=locale,
                fraction_digits=digits,
            )
            if _compact_exact(text, value, lang):
                return text
    if float(value).is_integer():
        # Chinese prose writes 1920家, not 1,920家, below the 万 threshold.
        pattern = "0" if lang == "zh" and abs(value) < 10_000 else None
        return format_decimal(int(value), format=pattern, locale=locale)
    return format_decimal(value, locale=locale, decimal_quantization=False)


_SCALES = {
    "zh": {"万亿": 1e12, "亿": 1e8, "万": 1e4},
    "en": {" trillion": 1e12, " billion": 1e9, " million": 1e6},
}


def _compact_exact(text: str, value: float, lang: str) -> bool:
    for word, scale in _SCALES[lang].items():
        if text.endswith(word):
            digits = text[: -len(word)].replace(",", "")
            try:
                return abs(float(digits) * scale - value) <= abs(value) * 1e-9
            except ValueError:
                return False
    return False


def _cldr_unit(value: float, text: str, unit_id: str, length: Length, lang: str) -> str:
    """CLDR's pattern for a unit (with the plural `value` calls for), around our number text."""
    locale = LOCALES[lang]
    return format_unit(value, unit_id, length, locale=locale).replace(
        format_decimal(value, locale=locale), text, 1
    )


def _money(value: float, text: str, code: str, lang: str) -> str:
    locale = LOCALES[lang]
    if lang == "zh":
        name = _RENMINBI[lang] if code == "CNY" else get_currency_name(code, value, locale)
        return get_currency_unit_pattern(code, value, locale).format(text, name)
    sign, text = (MINUS, text[1:]) if text.startswith(MINUS) else ("", text)
    mark = _RENMINBI[lang] if code == "CNY" else get_currency_symbol(code, locale)
    if mark == code:
        # A specialist writes the symbol of the currency's own country (₦, Ksh), where CLDR
        # has one, rather than the ISO code British English falls back to.
        mark = units.home_symbol(code) or code
    # CLDR's currency spacing: a symbol that ends in a letter (SGD, RMB) is spaced off the digits.
    return f"{sign}{mark}{' ' if mark[-1].isalpha() else ''}{text}"


def _cldr_id(unit: str, lang: str) -> str | None:
    """CLDR's id for a pint unit (power-gigawatt), if CLDR has the unit."""
    try:
        get_unit_name(units.cldr_name(unit), locale=LOCALES[lang])
    except UnknownUnitError:
        return None
    return units.cldr_name(unit)


def _physical(
    value: float, unit: str, lang: str, shown: DisplayUnit | None
) -> tuple[float, str, str | None]:
    """The value in the unit it is shown in, that unit's written name, and its CLDR id if the
    name is CLDR's (Chinese reads CLDR's long names, 千瓦, English its symbols, kW)."""
    target = shown.unit if shown else unit
    converted = units.convert(value, unit, target)
    if shown and shown.name:
        return converted, shown.name, None
    cldr = _cldr_id(target, lang)
    if cldr is None:
        return converted, units.symbol(target), None
    length: Length = "long" if lang == "zh" else "short"
    name = get_unit_name(cldr, length, LOCALES[lang]) or cldr
    return converted, _ZH_NAMES.get(name, name) if lang == "zh" else name, cldr


def figure(
    value: float,
    unit: str,
    approx: str,
    lang: str,
    shown: DisplayUnit | None = None,
    prose: bool = False,
) -> str:
    """Format a figure with unit and qualifier: 超过2630亿美元 / more than US$263 billion.

    A physical quantity is converted to the unit the project shows it in (`shown`). In prose a
    negative figure is a fall, as a writer puts it (fell by 0.8 percentage points / 下降0.8个
    百分点); tables and charts keep the sign (−0.8 percentage points).
    """
    qualifier = _APPROX[lang][approx]
    if prose and value < 0:
        qualifier, value = _FALL[lang] + qualifier, -value
    if units.split(unit):
        # The qualifier goes with the amount: 每吨约1.4万美元, about US$14,000 per tonne.
        return _compound(value, unit, lang, shown, qualifier)
    return qualifier + quantity(value, unit, lang, shown)


_FALL = {"zh": "下降", "en": "fell by "}
# What a compound counts per: CLDR has no "person" unit, and Chinese writes 人均 before the sum.
_PER_PERSON = {"zh": "人均{0}", "en": "{0} per person"}
# Chinese policy writing says 吨 where CLDR's metrology name is 公吨.
_ZH_NAMES = {"公吨": "吨"}
# Words a compound's numerator counts in (120 people per square kilometre / 每平方公里120人).
_COUNTED = {"zh": {"people": "人"}, "en": {"people": " people"}}


def _per_name(bottom: str, lang: str) -> tuple[str, str | None]:
    """How a unit is named after "per" (tonne, kWh; 吨, 千瓦时), and its CLDR id if CLDR has it.

    English names the unit in words where CLDR's name is one (tonne, barrel, year, square
    kilometre) and by its symbol where it is a compound word (kWh).
    """
    cldr = _cldr_id(bottom, lang)
    if cldr is None:
        return units.symbol(bottom), None
    if lang == "en":
        single = format_unit(1, cldr, "long", locale=LOCALES[lang]).removeprefix("1 ")
        return (single if "-" not in single else units.symbol(bottom)), cldr
    name = get_unit_name(cldr, "long", LOCALES[lang]) or cldr
    return _ZH_NAMES.get(name, name), cldr


def _per(amount: str, bottom: str, lang: str) -> str:
    """An amount per a unit in CLDR's per-pattern: US$14,000 per tonne / 每吨1.4万美元, €0.29 per
    kWh / 每千瓦时0.29欧元; a unit CLDR lacks is written with its symbol (45欧元/MWh)."""
    if bottom in units.PER_PERSON:
        return _PER_PERSON[lang].format(amount)
    name, cldr = _per_name(bottom, lang)
    if lang == "en":
        return f"{amount} per {name}"
    if cldr is None:
        return f"{amount}/{name}"
    text = str(
        format_compound_unit(amount, denominator_unit=cldr, length="long", locale=LOCALES[lang])
    )
    for cldr_word, ours in _ZH_NAMES.items():
        text = text.replace(cldr_word, ours)
    return text


def _compound(
    value: float, unit: str, lang: str, shown: DisplayUnit | None, qualifier: str = ""
) -> str:
    """A price, rate or density in the unit the project shows it in (USD/t as US$ per kt)."""
    target = shown.unit if shown else unit
    converted = units.convert(value, unit, target)
    top, bottom = units.split(target) or (target, "")
    if top in _COUNTED[lang]:
        amount = number(converted, lang) + _COUNTED[lang][top]
    else:
        amount = quantity(converted, top, lang)
    return _per(qualifier + amount, bottom, lang)


def quantity(value: float, unit: str, lang: str, shown: DisplayUnit | None = None) -> str:
    """Format a value in its unit, without a qualifier: 1250万千瓦 / 12.5 GW / €3.2 billion."""
    if units.split(unit):
        return _compound(value, unit, lang, shown)
    if units.is_currency(unit):
        return _money(value, number(value, lang), unit, lang)
    if unit in _SUFFIX[lang]:
        if lang == "en" and value == 1:
            return f"1{_ONE[unit]}"
        return number(value, lang) + _SUFFIX[lang][unit]
    if unit in _CLDR_WORDS:
        length: Length = "short" if unit == "percent" else "long"
        return _cldr_unit(value, number(value, lang), _CLDR_WORDS[unit], length, lang)
    if unit in units.WORDS:
        return number(value, lang)
    converted, name, cldr = _physical(value, unit, lang, shown)
    text = number(converted, lang)
    if cldr is not None and name not in _ZH_NAMES.values():
        return _cldr_unit(converted, text, cldr, "long" if lang == "zh" else "short", lang)
    # A name the project chose, or a symbol CLDR has no pattern for: Chinese sets a Chinese
    # word close and a Latin symbol spaced, as CLDR does; English always spaces it.
    close = lang == "zh" and not name.isascii()
    return f"{text}{'' if close else ' '}{name}"


def scale(top: float, lang: str) -> tuple[str, float]:
    """The count word and divisor a chart axis reads in: 亿 (1e8) / billion (1e9), or none."""
    for step in (1e8, 1e4) if lang == "zh" else (1e9, 1e6, 1e3):
        if abs(top) >= step:
            word = format_compact_decimal(
                step, format_type="short" if lang == "zh" else "long", locale=LOCALES[lang]
            ).removeprefix("1")
            return word.strip(), step
    return "", 1.0


def shown_value(value: float, unit: str, shown: DisplayUnit | None) -> float:
    """The value in the unit the project shows it in (only physical quantities convert)."""
    return units.convert(value, unit, shown.unit) if shown else value


def axis_label(
    unit: str, top: float, lang: str, shown: DisplayUnit | None = None
) -> tuple[str, float]:
    """A chart axis's unit and the divisor of its values: 亿美元 / US$ billion, 万千瓦 / GW.

    `top` is the largest value, already in the unit it is shown in.
    """
    parts = units.split(shown.unit if shown else unit)
    if parts:
        top_label, divisor = axis_label(parts[0], top, lang)
        if parts[1] in units.PER_PERSON:
            return (f"{top_label}/人" if lang == "zh" else f"{top_label} per person"), divisor
        name = _per_name(parts[1], lang)[0]
        return (f"{top_label}/{name}" if lang == "zh" else f"{top_label} per {name}"), divisor
    if unit == "percent":
        return "%", 1.0
    if unit in _SUFFIX[lang]:
        return _SUFFIX[lang][unit].strip().removeprefix("个"), 1.0
    if unit in _CLDR_WORDS:
        return get_unit_name(_CLDR_WORDS[unit], "long", LOCALES[lang]) or unit, 1.0
    word, divisor = scale(top, lang)
    if units.is_currency(unit):
        if lang == "zh":
            return _money(2, word, unit, lang), divisor
        return f"{_money(2, '', unit, lang).strip()} {word}".strip(), divisor
    if unit == "people":
        return (f"{word}人" if lang == "zh" else f"{word} people".strip()), divisor
    if unit in units.WORDS:
        return word, divisor
    name = _physical(top, unit, lang, shown)[1]
    return (f"{word}{name}" if lang == "zh" else f"{word} {name}".strip()), divisor


def in_words(value: float, unit: str, approx: str, lang: str) -> str | None:
    """English prose spells out a small whole count (one to ten): "eight countries", "five
    years". None where the figure keeps its digits (Chinese, other units, tables)."""
    if lang != "en" or unit not in ("count", "years") or value not in range(1, 11):
        return None
    words = str(num2words(int(value), lang="en"))
    if unit == "years":
        words += " year" if value == 1 else " years"
    return _APPROX[lang][approx] + words


def _parse(stamp: str) -> tuple[dt.date, str]:
    parts = stamp.split("-")
    year = int(parts[0])
    month = int(parts[1]) if len(parts) > 1 else 1
    day = int(parts[2]) if len(parts) > 2 else 1
    return dt.date(year, month, day), ("y", "yMMMM", "yMMMMd")[len(parts) - 1]


def date(stamp: str, lang: str) -> str:
    """Format YYYY, YYYY-MM or YYYY-MM-DD: 2025年2月 / February 2025."""
    when, skeleton = _parse(stamp)
    if lang == "en" and skeleton == "yMMMMd":
        return babel_date(when, "long", locale=LOCALES[lang])
    text = format_skeleton(skeleton, when, locale=LOCALES[lang])
    return text if lang == "zh" or skeleton != "y" else str(when.year)


def _months(first: str, last: str, lang: str) -> str:
    (y1, m1), (y2, m2) = (map(int, s.split("-")) for s in (first, last))
    if y1 != y2:
        return f"{date(first, lang)}{'—' if lang == 'zh' else '–'}{date(last, lang)}"
    if lang == "zh":
        return f"{y1}年{m1}—{m2}月"
    names = get_month_names("wide", locale=LOCALES[lang])
    return f"{names[m1]}–{names[m2]} {y1}"


def _quarters(year: str, first: int, last: int, lang: str) -> str:
    if lang == "en":
        return f"Q{first}–Q{last} {year}"
    if first == 1:
        return f"{year}年前{_ZH_DIGITS[last]}季度"
    return f"{year}年第{'一二三四'[first - 1]}至第{'一二三四'[last - 1]}季度"


def period(stamp: str, lang: str) -> str:
    """Format a period: 2023年, 2019—2023年, 2025年上半年, 2024年1—9月, 2024年前三季度."""
    span = re.fullmatch(r"(\d{4})-(\d{4})", stamp)
    if span:
        return f"{span[1]}—{span[2]}年" if lang == "zh" else f"{span[1]}–{span[2]}"
    months = re.fullmatch(r"(\d{4}-\d{2})\.\.(\d{4}-\d{2})", stamp)
    if months:
        return _months(months[1], months[2], lang)
    quarters = re.fullmatch(r"(\d{4})-Q([1-4])\.\.\1-Q([1-4])", stamp)
    if quarters:
        return _quarters(quarters[1], int(quarters[2]), int(quarters[3]), lang)
    half = re.fullmatch(r"(\d{4})-(H[12]|Q[1-4])", stamp)
    if half:
        if half[2] in _HALF:
            zh, en = _HALF[half[2]]
        else:
            zh, en = f"第{half[2][1]}季度", half[2]
        return f"{half[1]}年{zh}" if lang == "zh" else f"{en} {half[1]}"
    if re.fullmatch(r"\d{4}-\d{2}", stamp):
        return date(stamp, lang)
    return f"{stamp}年" if lang == "zh" else stamp


def percent(value: float, lang: str, digits: int = 1) -> str:
    """Format a computed percentage with a fixed number of decimals."""
    rounded = round(value, digits)
    text = format_decimal(
        rounded, format=f"#,##0.{'0' * digits}" if digits else "#,##0", locale=LOCALES[lang]
    )
    return f"{text}%"


def multiple(value: float, lang: str, digits: int = 1) -> str:
    """Format a computed multiple: 3.2倍 / 3.2 times."""
    text = format_decimal(
        round(value, digits), format=f"#,##0.{'0' * digits}", locale=LOCALES[lang]
    )
    return f"{text}倍" if lang == "zh" else f"{text} times"


# ICU-style plural argument: {n, plural, =0 {none} one {# item} other {# items}}
_PLURAL = re.compile(r"\{(\w+), *plural, *((?:=?\w+ *\{[^{}]*\} *)+)\}")
_BRANCH = re.compile(r"(=?\w+) *\{([^{}]*)\}")


def message(pattern: str, lang: str, **values: int | str) -> str:
    """Fill an interface string: {name} by its value, and an ICU-style plural argument
    ({n, plural, one {# page} other {# pages}}) by the language's CLDR plural rules (Babel)."""
    rule = Locale.parse(LOCALES[lang]).plural_form

    def choose(match: re.Match[str]) -> str:
        n = int(values[match[1]])
        branches: dict[str, str] = dict(_BRANCH.findall(match[2]))
        text = branches.get(f"={n}") or branches.get(str(rule(n))) or branches["other"]
        return text.replace("#", str(n))

    text = _PLURAL.sub(choose, pattern)
    for name, value in values.items():
        text = text.replace(f"{{{name}}}", str(value))
    return text


def count(n: int, noun: str, plural: str | None = None) -> str:
    """An English count for messages: 1 page, 2 pages."""
    return message(f"{{n, plural, one {{# {noun}}} other {{# {plural or noun + 's'}}}}}", "en", n=n)
