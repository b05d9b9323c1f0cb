"""Turn facts into what every chart shares: palette, axis, labels, legend and the axes' look."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from briefs.facts import model
from briefs.facts.domain import Domain
from briefs.numbers import formatting as fmt

PALETTE = ["#1f4e79", "#2e8b8b", "#c98a2b", "#8c4a6b", "#6b7a8f", "#4f8a3c"]
INK = "#1d2733"
GRID = "#d5dbe3"
MUTED = "#6b7785"
WIDTH_IN = 6.3


@dataclass(frozen=True)
class ChartOut:
    """A drawn chart: its SVG bytes and what the document says around it."""

    id: str
    svg: bytes
    title: str
    alt: str
    sources: list[str]
    note: str
    number: int


def families(lang: str) -> list[str]:
    return ["Noto Sans SC"] if lang == "zh" else ["Source Sans 3", "Noto Sans SC"]


def x_label(fact: model.Fact, lang: str) -> str:
    if fact.period:
        return fmt.period(fact.period, lang).removesuffix("年")
    return fmt.date(fact.date or "", lang)


def category_labels(
    chart: model.Chart, facts: dict[str, model.Fact], lang: str, domain: Domain
) -> dict[str, str]:
    """Each bar's label: its period, its country's name, or the fact's own label."""
    labels = {}
    for i, (kind, value) in model.categories(chart, facts).items():
        if kind == "period":
            labels[i] = x_label(facts[i], lang)
        elif kind == "country":
            labels[i] = domain.name(value, lang)
        else:
            labels[i] = facts[i].label.get(lang)
    return labels


def legend_above(ax: Any, columns: int, handles: list[Any] | None = None) -> None:
    """A legend above the plot area, where it can cover no bar, point or value."""
    ax.legend(
        **({"handles": handles} if handles else {}),
        frameon=False,
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncol=max(1, columns),
        fontsize=8,
        borderaxespad=0.2,
    )


def value_text(value: float, lang: str) -> str:
    return (
        fmt.number(round(value, 2), lang) if abs(value) < 10_000 else fmt.number(round(value), lang)
    )


@dataclass(frozen=True)
class Axis:
    """What a chart's value axis reads: its unit as shown and each fact's plotted value."""

    label: str
    values: dict[str, float]


def axis_of(chart: model.Chart, facts: dict[str, model.Fact], lang: str, domain: Domain) -> Axis:
    """Values in the unit the project shows them in, divided by the chart's scale.

    A chart without `unit` and `scale` takes both from its facts' unit (亿美元 / US$ billion).
    """
    ids = [i for i in chart.fact_ids if facts[i].value is not None]
    # One unit per axis: a display ladder takes the step of the largest value.
    largest = max((abs(facts[i].value or 0) for i in ids), default=0.0)
    shown = {
        i: fmt.shown_value(
            facts[i].value or 0,
            facts[i].unit or "count",
            domain.shown(facts[i].unit or "", lang, largest),
        )
        for i in ids
    }
    if chart.unit:
        divisor = chart.scale.get(lang)
        return Axis(chart.unit.get(lang), {i: v / divisor for i, v in shown.items()})
    # One unit per chart: the checks refuse a chart that mixes units.
    unit = next((u for i in ids if (u := facts[i].unit)), "count")
    top = max((abs(v) for v in shown.values()), default=0.0)
    label, divisor = fmt.axis_label(unit, top, lang, domain.shown(unit, lang, largest))
    return Axis(label, {i: v / divisor for i, v in shown.items()})


def fact_label(
    ax: Any, value: float, xy: tuple[float, float], offset: tuple[int, int], lang: str, **align: str
) -> None:
    """Print a data value next to its bar or point."""
    ax.annotate(
        value_text(value, lang),
        xy,
        xytext=offset,
        textcoords="offset points",
        fontsize=8,
        color=INK,
        **align,
    )


def is_projection(fact: model.Fact) -> bool:
    return fact.kind in ("forecast", "target", "plan", "estimate")


def legend_for_kinds(ax: Any, kinds: set[str], lang: str) -> None:
    from matplotlib.patches import Patch

    if not kinds - {"actual"}:
        return
    # Only what the chart shows: one entry for solid bars if any, one for the hatched ones
    # naming every kind they stand for (they all look alike).
    handles = []
    if "actual" in kinds:
        handles.append(
            Patch(facecolor=PALETTE[0], edgecolor=PALETTE[0], label=fmt.KIND[lang]["actual"])
        )
    hatched = [fmt.KIND[lang][k] for k in ("estimate", "forecast", "target", "plan") if k in kinds]
    label = ("、" if lang == "zh" else " / ").join(hatched)
    handles.append(Patch(facecolor="white", edgecolor=PALETTE[0], hatch="////", label=label))
    legend_above(ax, len(handles), handles)


def style_axes(ax: Any) -> None:
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(MUTED)
    ax.tick_params(colors=INK, labelsize=8.5, length=0)
    ax.yaxis.grid(True, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
