"""Every unit form a topic needs, in both languages: prices and rates, per person, the field's
tonnes and energy units, display ladders, chart axes, and the numbers quotes and texts state."""

from __future__ import annotations

import pytest

from briefs.facts.model import DisplayUnit, DisplayUnits
from briefs.facts.typed import typed
from briefs.numbers import formatting as fmt
from briefs.numbers import units
from briefs.numbers.reading import numbers, states
from briefs.numbers.results import rounded
from briefs.numbers.results import unit as result_unit


@pytest.mark.parametrize(
    ("value", "unit", "zh", "en"),
    [
        (14000, "USD/t", "每吨1.4万美元", "US$14,000 per tonne"),
        (0.29, "EUR/kWh", "每千瓦时0.29欧元", "€0.29 per kWh"),
        (0.61, "CNY/kWh", "每千瓦时0.61元", "RMB 0.61 per kWh"),
        (82.5, "USD/bbl", "每桶82.5美元", "US$82.5 per barrel"),
        (12500, "USD/person", "人均1.25万美元", "US$12,500 per person"),
        (120, "people/km2", "120人/平方公里", "120 people per square kilometre"),
        (45, "EUR/MWh", "45欧元/MWh", "€45 per MWh"),
        (3e6, "t/year", "300万吨/年", "3 million t per year"),
        # The field's units: kilo- and megatonnes, not knots; emissions in CO2 equivalent.
        (170, "kt", "170 kt", "170 kt"),
        (2.5, "MtCO2e", "2.5 MtCO2e", "2.5 MtCO2e"),
        # Percentage points written pp are percentage points, never typographic points.
        (0.9, units.check("pp"), "0.9个百分点", "0.9 percentage points"),
        # Currencies as a specialist writes them: the naira's ₦, Kenya's Ksh (CLDR's symbols).
        (2.3e15, "NGN", "2300万亿尼日利亚奈拉", "₦2300 trillion"),
        (4e10, "KES", "400亿肯尼亚先令", "Ksh 40 billion"),
    ],
)
def test_each_unit_form_in_both_languages(value: float, unit: str, zh: str, en: str) -> None:
    assert fmt.figure(value, unit, "exact", "zh") == zh
    assert fmt.figure(value, unit, "exact", "en") == en


def test_a_display_unit_may_change_the_denominator() -> None:
    per_kt = DisplayUnit(unit="USD/kt")
    assert fmt.figure(14, "USD/t", "exact", "en", per_kt) == "US$14,000 per kt"
    assert units.convert(14, "USD/t", "USD/kt") == 14000
    assert fmt.figure(14000, "USD/t", "about", "zh") == "每吨约1.4万美元"


@pytest.mark.parametrize(
    ("tonnes", "shown"),
    [(8800, "8,800 t"), (45000, "45 kt"), (6e6, "6 Mt"), (2.5e6, "2.5 Mt"), (1.2e9, "1.2 Gt")],
)
def test_a_ladder_takes_the_step_a_specialist_would_write(tonnes: float, shown: str) -> None:
    ladder = DisplayUnits.model_validate({"en": {"t": ["t", "kt", "Mt", "Gt"]}})
    step = ladder.get("en", "t", tonnes)
    assert fmt.figure(tonnes, "t", "exact", "en", step) == shown


def test_a_ladder_of_units_that_differ_in_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="different quantities"):
        DisplayUnits.model_validate({"en": {"t": ["t", "km"]}})


@pytest.mark.parametrize(
    ("unit", "top", "zh", "en"),
    [
        ("USD/t", 14000, ("万美元/吨", 1e4), ("US$ thousand per tonne", 1e3)),
        ("EUR/kWh", 0.29, ("欧元/千瓦时", 1.0), ("€ per kWh", 1.0)),
        ("USD/person", 12500, ("万美元/人", 1e4), ("US$ thousand per person", 1e3)),
        ("points", 0.9, ("百分点", 1.0), ("percentage points", 1.0)),
    ],
)
def test_chart_axes_name_the_unit(
    unit: str, top: float, zh: tuple[str, float], en: tuple[str, float]
) -> None:
    assert fmt.axis_label(unit, top, "zh") == zh
    assert fmt.axis_label(unit, top, "en") == en


@pytest.mark.parametrize(
    ("written", "meant"),
    [("usd", "USD"), ("KSh", "KES"), ("Tonnes", "t"), ("percnt", "percent")],
)
def test_an_unknown_unit_says_what_was_meant(written: str, meant: str) -> None:
    with pytest.raises(ValueError, match=f"did you mean '{meant}'"):
        units.check(written)


def test_compound_units_are_checked() -> None:
    for unit in ("USD/t", "EUR/MWh", "CNY/kWh", "USD/bbl", "USD/person", "people/km2", "t/year"):
        assert units.check(unit) == unit
    with pytest.raises(ValueError, match="compound unit"):
        units.check("USD/widget")


def test_tons_in_a_quote_are_metric_unless_short() -> None:
    assert states(170, "produced 170,000 tons of copper", "kt")
    assert states(170, "production of 170,000 tonnes", "kt")
    assert states(170, "产量17万吨", "kt")
    assert not states(170, "170,000 short tons", "kt")
    assert states(154.22140, "170,000 short tons", "kt")


def test_a_year_is_never_a_quantity() -> None:
    assert [n.year for n in numbers("in 2023 the mine produced 2023 t")] == [True, False]
    assert not states(2023, "output grew in 2023", "t")


def test_a_fall_vouches_for_a_negative_value() -> None:
    assert states(-0.8, "fell by 0.8 percentage points", "points")
    assert states(-0.8, "下降0.8个百分点", "points")
    assert states(-0.8, "a taxa caiu 0,8 ponto percentual", "points", language="pt")
    assert states(-0.8, "a change of −0.8 percentage points", "points")
    # What it fell *to* is a level, not a change.
    assert not states(-12.1, "fell to 12.1%", "percent")
    assert not states(-0.8, "rose by 0.8 percentage points", "points")


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("5G、G20和COVID-19不是数字；10+3也不是。", "zh", []),
        ("Industry 4.0 and the 3rd plan are names.", "en", []),
        ("交易额达999亿元，覆盖12个国家。", "zh", ["999亿", "12"]),
        ("Trade reached US$263 billion in 2024.", "en", ["263 billion", "2024"]),
    ],
)
def test_the_numbers_a_text_types(text: str, lang: str, expected: list[str]) -> None:
    assert [n.text for n in typed(text, lang)] == expected


def test_a_computed_result_carries_its_unit_and_its_inputs_precision() -> None:
    assert result_unit("difference", "percent") == "points"
    assert result_unit("difference", "USD") == "USD"
    assert result_unit("growth", "USD") == "percent"
    assert rounded("difference", 12.3 - 13.2, [12.3, 13.2]) == -0.9
    assert rounded("difference", 62.1 - 46.2, [62.1, 46.2]) == 15.9
    assert rounded("sum", 0.1 + 0.2, [0.1, 0.2]) == 0.3
