"""Turn a computed result (a difference, a sum, a growth rate) and its inputs into a figure: the
unit it is in and the precision it is rounded to, so that it prints like any stated figure."""

from __future__ import annotations

# Methods whose result is a rate or a multiple, whatever their inputs measure.
_OWN_UNITS = {
    "growth": "percent",
    "cagr": "percent",
    "share": "percent",
    "ratio": "multiple",
    "increase": "multiple",
}
_RATE_DECIMALS = 1  # growth rates, shares and multiples print with one decimal


def unit(method: str, inputs: str | None) -> str:
    """The unit of a result: a difference of percentages is in percentage points, a sum or
    difference of sums of money is money; rates are percent, ratios multiples."""
    if method in _OWN_UNITS:
        return _OWN_UNITS[method]
    if inputs == "percent" and method == "difference":
        return "points"
    return inputs or "count"


def decimals(value: float) -> int:
    """How many decimals a value as written in a fact has (0.9: 1, 263000000000: 0)."""
    text = repr(float(value))
    if "e" in text:
        mantissa, exponent = text.split("e")
        return max(0, len(mantissa.partition(".")[2].rstrip("0")) - int(exponent))
    return len(text.partition(".")[2].rstrip("0"))


def rounded(method: str, value: float, inputs: list[float]) -> float:
    """The result rounded to its inputs' precision (a difference of 12.3 and 11.4 is 0.9, not
    0.8999999999999986); rates and multiples to one decimal."""
    if method in _OWN_UNITS:
        return round(value, _RATE_DECIMALS)
    places = max((decimals(v) for v in inputs), default=0)
    return round(value, places) + 0.0  # + 0.0: no negative zero
