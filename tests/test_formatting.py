"""One formatter for every figure: values, units, qualifiers, dates and periods, per language."""

from __future__ import annotations

import pytest

from briefs import formatting as fmt


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
        (48.21, "points", "exact", "48.21分", "48.21 points"),
        (2, "multiple", "over", "超过2倍", "more than 2 times"),
    ],
)
def test_figures(value: float, unit: str, approx: str, zh: str, en: str) -> None:
    assert fmt.figure(value, unit, approx, "zh") == zh
    assert fmt.figure(value, unit, approx, "en") == en


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
    ],
)
def test_periods(stamp: str, zh: str, en: str) -> None:
    assert fmt.period(stamp, "zh") == zh
    assert fmt.period(stamp, "en") == en


def test_chinese_chart_labels_wrap_evenly_and_at_punctuation() -> None:
    from briefs.charts import _wrap

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
