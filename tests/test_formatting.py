"""One formatter for every figure: values, units, qualifiers, dates and periods, per language."""

from __future__ import annotations

import pytest

from briefs.facts.model import DisplayUnit
from briefs.numbers import formatting as fmt


@pytest.mark.parametrize(
    ("value", "unit", "approx", "zh", "en"),
    [
        (263e9, "USD", "exact", "2630亿美元", "US$263 billion"),
        (1.32e12, "CNY", "about", "约1.32万亿元", "about RMB 1.32 trillion"),
        (2e12, "USD", "exact", "2万亿美元", "US$2 trillion"),
        (16e6, "USD", "exact", "1600万美元", "US$16 million"),
        (32.64e9, "USD", "exact", "326.4亿美元", "US$32.64 billion"),
        (660e6, "people", "over", "超过6.6亿", "more than 660 million"),
        (700e6, "people", "nearly", "近7亿", "nearly 700 million"),
        (600_000, "people", "exact", "60万", "600,000"),
        (15, "percent", "exact", "15%", "15%"),
        (6.57, "percent", "exact", "6.57%", "6.57%"),
        (1920, "count", "exact", "1920", "1,920"),
        (48.21, "score", "exact", "48.21分", "48.21 points"),
        (2, "multiple", "over", "超过2倍", "more than 2 times"),
        (1, "multiple", "exact", "1倍", "1 time"),
        # Percentage points: 个百分点 in Chinese, never 分.
        (0.8, "points", "exact", "0.8个百分点", "0.8 percentage points"),
        (-0.8, "points", "exact", "−0.8个百分点", "−0.8 percentage points"),
        (1, "points", "exact", "1个百分点", "1 percentage point"),
        # Durations through CLDR's units, with English plurals.
        (15, "minutes", "exact", "15分钟", "15 minutes"),
        (1, "years", "exact", "1年", "1 year"),
        (5, "years", "over", "超过5年", "more than 5 years"),
        # Any ISO 4217 currency: CLDR's Chinese name after the figure, its symbol before it.
        (3.2e9, "EUR", "exact", "32亿欧元", "€3.2 billion"),
        (5e8, "JPY", "about", "约5亿日元", "about JP¥500 million"),
        (7e12, "KRW", "exact", "7万亿韩元", "₩7 trillion"),
        (2.5e9, "BRL", "exact", "25亿巴西雷亚尔", "R$2.5 billion"),
        (1.2e6, "SGD", "exact", "120万新加坡元", "SGD 1.2 million"),
        (-5e9, "USD", "exact", "−50亿美元", "−US$5 billion"),
        # The new qualifiers.
        (3.2e9, "EUR", "at-least", "至少32亿欧元", "at least €3.2 billion"),
        (40, "percent", "up-to", "最多40%", "up to 40%"),
        # Physical units, in their own unit: CLDR's Chinese names, English symbols.
        (12.5, "GW", "exact", "12.5吉瓦", "12.5 GW"),
        (450, "km", "exact", "450公里", "450 km"),
        (12, "kWh", "nearly", "近12千瓦时", "nearly 12 kWh"),
        # A unit CLDR does not know keeps pint's symbol.
        (3.2, "Mt", "exact", "3.2 Mt", "3.2 Mt"),
    ],
)
def test_figures(value: float, unit: str, approx: str, zh: str, en: str) -> None:
    assert fmt.figure(value, unit, approx, "zh") == zh
    assert fmt.figure(value, unit, approx, "en") == en


@pytest.mark.parametrize(
    ("value", "unit", "shown", "lang", "text"),
    [
        # Chinese energy writing counts kilowatts in 万 and 亿.
        (12.5, "GW", DisplayUnit(unit="kW"), "zh", "1250万千瓦"),
        (886.67, "GW", DisplayUnit(unit="kW"), "zh", "8.8667亿千瓦"),
        (886.67, "GW", None, "en", "886.67 GW"),
        (3.2, "Mt", DisplayUnit(unit="t", name="吨"), "zh", "320万吨"),
        (3.2, "Mt", DisplayUnit(unit="t"), "en", "3.2 million t"),
        (120, "TWh", DisplayUnit(unit="kWh"), "zh", "1200亿千瓦时"),
        (2500, "MW", DisplayUnit(unit="GW"), "en", "2.5 GW"),
    ],
)
def test_display_units_convert(
    value: float, unit: str, shown: DisplayUnit | None, lang: str, text: str
) -> None:
    assert fmt.figure(value, unit, "exact", lang, shown) == text


@pytest.mark.parametrize(
    ("unit", "top", "shown", "zh", "en"),
    [
        ("USD", 2.6e11, None, ("亿美元", 1e8), ("US$ billion", 1e9)),
        ("CNY", 1.5e9, None, ("亿元", 1e8), ("RMB billion", 1e9)),
        ("EUR", 3.2e9, None, ("亿欧元", 1e8), ("€ billion", 1e9)),
        ("people", 6e8, None, ("亿人", 1e8), ("million people", 1e6)),
        ("percent", 45, None, ("%", 1), ("%", 1)),
        ("points", 2, None, ("百分点", 1), ("percentage points", 1)),
        ("GW", 12.5, None, ("吉瓦", 1), ("GW", 1)),
        ("GW", 1.25e7, DisplayUnit(unit="kW"), ("万千瓦", 1e4), ("million kW", 1e6)),
    ],
)
def test_axis_labels(
    unit: str,
    top: float,
    shown: DisplayUnit | None,
    zh: tuple[str, float],
    en: tuple[str, float],
) -> None:
    assert fmt.axis_label(unit, top, "zh", shown) == zh
    assert fmt.axis_label(unit, top, "en", shown) == en


@pytest.mark.parametrize(
    ("stamp", "zh", "en"),
    [
        ("2025-02", "2025年2月", "February 2025"),
        ("2020-06-12", "2020年6月12日", "12 June 2020"),
        ("2017", "2017年", "2017"),
    ],
)
def test_dates(stamp: str, zh: str, en: str) -> None:
    assert fmt.date(stamp, "zh") == zh
    assert fmt.date(stamp, "en") == en


@pytest.mark.parametrize(
    ("stamp", "zh", "en"),
    [
        ("2019-2023", "2019—2023年", "2019–2023"),
        ("2025-H1", "2025年上半年", "H1 2025"),
        ("2024", "2024年", "2024"),
        ("2025-01", "2025年1月", "January 2025"),
        ("2025-Q3", "2025年第3季度", "Q3 2025"),
        # Month ranges and year-to-date.
        ("2024-01..2024-09", "2024年1—9月", "January–September 2024"),
        ("2023-11..2024-02", "2023年11月—2024年2月", "November 2023–February 2024"),
        # Quarters to date.
        ("2024-Q1..2024-Q3", "2024年前三季度", "Q1–Q3 2024"),
        ("2024-Q2..2024-Q3", "2024年第二至第三季度", "Q2–Q3 2024"),
    ],
)
def test_periods(stamp: str, zh: str, en: str) -> None:
    assert fmt.period(stamp, "zh") == zh
    assert fmt.period(stamp, "en") == en


def test_chinese_chart_labels_wrap_evenly_and_at_punctuation() -> None:
    from briefs.charts.kinds import wrap as _wrap

    # Two lines break after the punctuation mark nearest the middle, not inside a word.
    assert _wrap("新加坡、菲律宾：倾向数据自由跨境流动", "zh", 30) == (
        "新加坡、菲律宾：\n倾向数据自由跨境流动"
    )
    # Without one, the lines are of even length: no orphaned last character.
    lines = _wrap("中国企业在东南亚人工智能市场的投资总额", "zh", 22).split("\n")
    assert len(lines) == 2 and abs(len(lines[0]) - len(lines[1])) <= 1
    assert _wrap("印度尼西亚", "zh", 4) == "印度尼\n西亚"
    assert _wrap("柬埔寨", "zh", 4) == "柬埔寨"


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("en", 0, "No more items."),
        ("en", 1, "One more item."),
        ("en", 2, "2 more items."),
        ("en", 21, "21 more items."),
        ("zh", 1, "另有1项。"),
        ("zh", 2, "另有2项。"),
    ],
)
def test_interface_strings_pluralise_by_cldr_rules(lang: str, n: int, expected: str) -> None:
    pattern = {
        "en": "{n, plural, =0 {No more items.} one {One more item.} other {# more items.}}",
        "zh": "另有{n}项。",
    }[lang]
    assert fmt.message(pattern, lang, n=n) == expected


def test_message_fills_plain_names_and_english_counts() -> None:
    assert fmt.message("Information to {date}", "en", date="11 March 2026") == (
        "Information to 11 March 2026"
    )
    assert [fmt.count(n, "page") for n in (1, 2)] == ["1 page", "2 pages"]


@pytest.mark.parametrize(
    ("value", "unit", "approx", "lang", "expected"),
    [
        (8, "count", "exact", "en", "eight"),
        (10, "count", "over", "en", "more than ten"),
        (5, "years", "exact", "en", "five years"),
        (1, "years", "exact", "en", "one year"),
        (11, "count", "exact", "en", None),
        (2.5, "count", "exact", "en", None),
        (8, "percent", "exact", "en", None),
        (8, "count", "exact", "zh", None),
    ],
)
def test_small_counts_are_spelled_out_in_english_prose(
    value: float, unit: str, approx: str, lang: str, expected: str | None
) -> None:
    assert fmt.in_words(value, unit, approx, lang) == expected
