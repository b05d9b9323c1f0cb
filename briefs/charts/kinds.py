"""Turn a chart's facts into marks on a matplotlib Figure, one function per kind of chart."""

from __future__ import annotations

from typing import Any

from briefs.charts.style import (
    GRID,
    INK,
    MUTED,
    PALETTE,
    axis_of,
    category_labels,
    fact_label,
    is_projection,
    legend_above,
    legend_for_kinds,
    style_axes,
)
from briefs.facts import model
from briefs.facts.domain import Domain
from briefs.numbers import formatting as fmt


def _draw_bars(
    fig: Any, chart: model.Chart, facts: dict[str, model.Fact], lang: str, domain: Domain
) -> None:
    ax = fig.add_subplot()
    axis = axis_of(chart, facts, lang, domain)
    style_axes(ax)
    series = chart.series
    n = len(series)
    width = 0.8 / n if chart.type == "grouped" else 0.6
    kinds: set[str] = set()
    names = category_labels(chart, facts, lang, domain)
    periods: list[str] = []
    for s in series:
        for i in s.facts:
            if names[i] not in periods:
                periods.append(names[i])
    top = 0.0
    for k, s in enumerate(series):
        color = PALETTE[k % len(PALETTE)]
        for i in s.facts:
            fact = facts[i]
            x = periods.index(names[i]) + (k - (n - 1) / 2) * width * (n > 1)
            y = axis.values[i]
            top = max(top, y)
            projected = is_projection(fact)
            kinds.add(fact.kind)
            ax.bar(
                x,
                y,
                width=width * 0.92,
                color="white" if projected else color,
                edgecolor=color,
                hatch="////" if projected else None,
                linewidth=1.0,
                label=s.label.get(lang) if i == s.facts[0] else None,
            )
            fact_label(ax, y, (x, y), (0, 2), lang, ha="center", va="bottom")
    ax.set_xticks(range(len(periods)), periods)
    ax.set_ylim(0, top * 1.18 or 1)
    if axis.label:
        ax.set_ylabel(axis.label, fontsize=8.5, color=MUTED)
    if n > 1:
        legend_above(ax, n)
    else:
        legend_for_kinds(ax, kinds, lang)


def _draw_line(
    fig: Any, chart: model.Chart, facts: dict[str, model.Fact], lang: str, domain: Domain
) -> None:
    ax = fig.add_subplot()
    axis = axis_of(chart, facts, lang, domain)
    style_axes(ax)
    for k, s in enumerate(chart.series):
        color = PALETTE[k % len(PALETTE)]
        pts = [facts[i] for i in s.facts]
        xs = [p.year or 0 for p in pts]
        ys = [axis.values[i] for i in s.facts]
        actual = [(x, y) for x, y, p in zip(xs, ys, pts, strict=True) if not is_projection(p)]
        ax.plot(xs, ys, color=color, linewidth=1.2, linestyle="--", marker="none")
        if actual:
            ax.plot(
                *zip(*actual, strict=True),
                color=color,
                linewidth=1.8,
                marker="o",
                markersize=4,
                label=s.label.get(lang),
            )
        for x, y, p in zip(xs, ys, pts, strict=True):
            if is_projection(p):
                ax.plot([x], [y], marker="o", markersize=5, markerfacecolor="white", color=color)
            fact_label(ax, y, (x, y), (0, 5), lang, ha="center")
        years = sorted({x for x in xs})
        ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylim(0, ax.get_ylim()[1] * 1.15)
    if axis.label:
        ax.set_ylabel(axis.label, fontsize=8.5, color=MUTED)
    legend_above(ax, len(chart.series))


def _draw_barh(
    fig: Any, chart: model.Chart, facts: dict[str, model.Fact], lang: str, domain: Domain
) -> None:
    ax = fig.add_subplot()
    axis = axis_of(chart, facts, lang, domain)
    style_axes(ax)
    ax.yaxis.grid(False)
    ax.xaxis.grid(True, color=GRID, linewidth=0.6)
    names = category_labels(chart, facts, lang, domain)
    ids = [i for s in chart.series for i in s.facts]
    labels = [names[i] for i in ids]
    values = [axis.values[i] for i in ids]
    colour = {i: PALETTE[k % len(PALETTE)] for k, s in enumerate(chart.series) for i in s.facts}
    first = {s.facts[0]: s.label.get(lang) for s in chart.series}
    for y, (i, v) in enumerate(zip(ids, values, strict=True)):
        projected = is_projection(facts[i])
        ax.barh(
            y,
            v,
            height=0.6,
            color="white" if projected else colour[i],
            edgecolor=colour[i],
            hatch="////" if projected else None,
            label=first.get(i) if len(chart.series) > 1 else None,
        )
        fact_label(ax, v, (v, y), (3, 0), lang, va="center")
    if len(chart.series) > 1:
        legend_above(ax, len(chart.series))
    else:
        legend_for_kinds(ax, {facts[i].kind for i in ids}, lang)
    ax.set_yticks(range(len(ids)), [wrap(label, lang, 22) for label in labels])
    ax.invert_yaxis()
    ax.set_xlim(0, max(values) * 1.2 or 1)
    if axis.label:
        ax.set_xlabel(axis.label, fontsize=8.5, color=MUTED)


def wrap(text: str, lang: str, width: int) -> str:
    if lang == "zh":
        # As few lines as the width allows, of even length: no line of one or two characters.
        # Two lines break after a punctuation mark where one is near the middle.
        limit = width // 2 + 2
        count = -(-len(text) // limit)
        if count == 2:
            marks = [i + 1 for i, c in enumerate(text[:-1]) if c in "：，、；"]
            fits = [i for i in marks if i <= limit and len(text) - i <= limit]
            if fits:
                cut = min(fits, key=lambda i: abs(len(text) / 2 - i))
                return f"{text[:cut]}\n{text[cut:]}"
        width = -(-len(text) // count) if text else limit
        return "\n".join(text[i : i + width] for i in range(0, len(text), width))
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def _draw_timeline(
    fig: Any, chart: model.Chart, facts: dict[str, model.Fact], lang: str, domain: Domain
) -> None:
    """One row per event, oldest at the top: a dot at its date, its label beside it."""
    ax = fig.add_subplot()
    events = sorted((facts[i] for i in chart.facts), key=lambda f: f.date or "")

    def when(f: model.Fact) -> float:
        parts = [int(p) for p in (f.date or "0").split("-")]
        return parts[0] + ((parts[1] - 1) / 12 if len(parts) > 1 else 0.5)

    xs = [when(f) for f in events]
    lo, hi = int(min(xs)), int(max(xs)) + 1
    labels = []
    for row, (x, f) in enumerate(zip(xs, events, strict=True)):
        color = PALETTE[0] if f.kind == "actual" else PALETTE[2]
        ax.plot([lo - 0.2, x], [row, row], color=GRID, linewidth=0.6, zorder=1)
        ax.plot([x], [row], marker="o", markersize=5, color=color, zorder=3)
        labels.append(
            f"{f.label.get(lang)}（{fmt.date(f.date or '', lang)}）"
            if lang == "zh"
            else f"{f.label.get(lang)} ({fmt.date(f.date or '', lang)})"
        )
    ax.set_yticks(range(len(events)), [wrap(s, lang, 72 if lang == "zh" else 70) for s in labels])
    ax.set_xlim(lo - 0.2, hi + 0.2)
    ax.set_ylim(len(events) - 0.5, -0.7)
    ax.set_xticks(range(lo, hi + 1, 2 if hi - lo > 8 else 1))
    ax.xaxis.tick_top()
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="x", labelsize=8, length=0, colors=MUTED)
    ax.tick_params(axis="y", labelsize=7.8, length=0, colors=INK)


def _draw_matrix(
    fig: Any, chart: model.Chart, facts: dict[str, model.Fact], lang: str, domain: Domain
) -> None:
    ax = fig.add_subplot()
    rows = [facts[i] for i in chart.facts]
    cols = domain.members(chart.countries)
    for r, fact in enumerate(rows):
        named = set(domain.members(fact.countries))
        for c, code in enumerate(cols):
            filled = code in named
            ax.add_patch(_cell(c, r, PALETTE[r % len(PALETTE)] if filled else "#f1f3f6"))
    names = [domain.name(c, lang) for c in cols]
    if lang == "zh":  # a name of five characters or more is wider than a column: two lines
        names = [wrap(name, lang, 4) for name in names]
    ax.set_xticks(
        [c + 0.5 for c in range(len(cols))],
        names,
        rotation=0 if lang == "zh" else 40,
        ha="center" if lang == "zh" else "right",
    )
    ax.set_yticks(
        [r + 0.5 for r in range(len(rows))], [wrap(f.label.get(lang), lang, 30) for f in rows]
    )
    ax.set_xlim(0, len(cols))
    ax.set_ylim(len(rows), 0)
    ax.tick_params(labelsize=8, length=0, colors=INK)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_aspect("auto")


def _cell(x: float, y: float, color: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((x + 0.06, y + 0.08), 0.88, 0.84, facecolor=color, edgecolor="none")


DRAWERS = {
    "bar": _draw_bars,
    "grouped": _draw_bars,
    "line": _draw_line,
    "barh": _draw_barh,
    "timeline": _draw_timeline,
    "matrix": _draw_matrix,
}
