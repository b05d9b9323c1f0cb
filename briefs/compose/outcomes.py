"""Turn the forecasts, targets and plans whose year has passed into the outcome each met: the fact
a target names, or the one actual figure of the same measure, places and year."""

from __future__ import annotations

from briefs.facts import model


def _same_measure(target: model.Fact, other: model.Fact) -> bool:
    return (
        other.kind in ("actual", "estimate")
        and other.value is not None
        and other.unit == target.unit
        and other.theme == target.theme
        and set(other.countries) == set(target.countries)
        and other.year == target.year
    )


def outcome(target: model.Fact, facts: dict[str, model.Fact]) -> model.Fact | None:
    """The fact that reports what came of a target: the one it names, else the only actual
    figure of its theme, unit, countries and year (none if two could be meant)."""
    if target.outcome is not None:
        return facts.get(target.outcome)
    if target.value is None:
        return None
    found = [f for f in facts.values() if f.id != target.id and _same_measure(target, f)]
    return found[0] if len(found) == 1 else None
