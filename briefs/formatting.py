"""Turn canonical values, dates and periods into the text a reader sees, per language (Babel)."""

from __future__ import annotations

import datetime as dt
import re

from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import format_skeleton
from babel.numbers import format_compact_decimal, format_decimal
from num2words import num2words

LOCALES = {"zh": "zh_Hans_CN", "en": "en_GB"}

_APPROX = {
    "zh": {"exact": "", "about": "约", "over": "超过", "nearly": "近", "under": "不足"},
    "en": {
        "exact": "",
        "about": "about ",
        "over": "more than ",
        "nearly": "nearly ",
        "under": "under ",
    },
}
_CURRENCY = {
    "zh": {"USD": "{n}美元", "CNY": "{n}元"},
    "en": {"USD": "US${n}", "CNY": "RMB {n}"},
}
_SUFFIX = {
    "zh": {"percent": "%", "multiple": "倍", "points": "分", "minutes": "分钟", "years": "年"},
    "en": {
        "percent": "%",
        "multiple": " times",
        "points": " points",
        "minutes": " minutes",
        "years": " years",
    },
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


def emitted_text() -> str:
    """Every fixed string this module can put into a brief (for font subsetting)."""
    parts: list[str] = []
    for table in (_APPROX, _CURRENCY, _SUFFIX, KIND):
        for words in table.values():
            parts.extend(words.values())
    parts.extend(z + e for z, e in _HALF.values())
    return "".join(parts) + "第季度年月日上下半"


def number(value: float, lang: str) -> str:
    """Format a bare number: compact (亿, billion) when that loses nothing, else in full."""
    locale = LOCALES[lang]
    threshold = 10_000 if lang == "zh" else 1_000_000
    if abs(value) >= threshold:
        for digits in range(4):
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


def figure(value: float, unit: str, approx: str, lang: str) -> str:
    """Format a figure with unit and qualifier: 超过2630亿美元 / more than US$263 billion."""
    body = number(value, lang)
    if unit in _CURRENCY[lang]:
        body = _CURRENCY[lang][unit].format(n=body)
    else:
        body += _SUFFIX[lang].get(unit, "")
        if lang == "en" and unit == "multiple" and value == 1:
            body = "1 time"
    return _APPROX[lang][approx] + body


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


def period(stamp: str, lang: str) -> str:
    """Format a period: 2023年, 2019—2023年, 2025年上半年 / 2023, 2019–2023, H1 2025."""
    span = re.fullmatch(r"(\d{4})-(\d{4})", stamp)
    if span:
        return f"{span[1]}—{span[2]}年" if lang == "zh" else f"{span[1]}–{span[2]}"
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
