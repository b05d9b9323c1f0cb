"""Turn chart specifications and their facts into SVG charts (matplotlib, no pyplot), cached."""

from __future__ import annotations

import hashlib
import io
import json
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefs import __version__
from briefs.errors import RenderError
from briefs.facts import model
from briefs.facts.domain import Domain
from briefs.files import write_atomic
from briefs.fonts import FontSet
from briefs.keys import code_version
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


def _families(lang: str) -> list[str]:
    return ["Noto Sans SC"] if lang == "zh" else ["Source Sans 3", "Noto Sans SC"]


def _x_label(fact: model.Fact, lang: str) -> str:
    if fact.period:
        return fmt.period(fact.period, lang).removesuffix("年")
    return fmt.date(fact.date or "", lang)


def _value_text(value: float, lang: str) -> str:
    return (
        fmt.number(round(value, 2), lang) if abs(value) < 10_000 else fmt.number(round(value), lang)
    )


@dataclass(frozen=True)
class Axis:
    """What a chart's value axis reads: its unit as shown and each fact's plotted value."""

    label: str
    values: dict[str, float]


def _axis(chart: model.Chart, facts: dict[str, model.Fact], lang: str, domain: Domain) -> Axis:
    """Values in the unit the project shows them in, divided by the chart's scale.

    A chart without `unit` and `scale` takes both from its facts' unit (亿美元 / US$ billion).
    """
    ids = [i for i in chart.fact_ids if facts[i].value is not None]
    shown = {
        i: fmt.shown_value(
            facts[i].value or 0, facts[i].unit or "count", domain.shown(facts[i].unit or "", lang)
        )
        for i in ids
    }
    if chart.unit:
        divisor = chart.scale.get(lang)
        return Axis(chart.unit.get(lang), {i: v / divisor for i, v in shown.items()})
    # One unit per chart: the checks refuse a chart that mixes units.
    unit = next((u for i in ids if (u := facts[i].unit)), "count")
    top = max((abs(v) for v in shown.values()), default=0.0)
    label, divisor = fmt.axis_label(unit, top, lang, domain.shown(unit, lang))
    return Axis(label, {i: v / divisor for i, v in shown.items()})


def _label(
    ax: Any, value: float, xy: tuple[float, float], offset: tuple[int, int], lang: str, **align: str
) -> None:
    """Print a data value next to its bar or point."""
    ax.annotate(
        _value_text(value, lang),
        xy,
        xytext=offset,
        textcoords="offset points",
        fontsize=8,
        color=INK,
        **align,
    )


def _is_projection(fact: model.Fact) -> bool:
    return fact.kind in ("forecast", "target", "plan", "estimate")


def _legend_for_kinds(ax: Any, kinds: set[str], lang: str) -> None:
    from matplotlib.patches import Patch

    if not kinds - {"actual"}:
        return
    handles = [Patch(facecolor=PALETTE[0], edgecolor=PALETTE[0], label=fmt.KIND[lang]["actual"])]
    for kind in ("estimate", "forecast", "target"):
        if kind in kinds:
            handles.append(
                Patch(
                    facecolor="white",
                    edgecolor=PALETTE[0],
                    hatch="////",
                    label=fmt.KIND[lang][kind],
                )
            )
    ax.legend(handles=handles, frameon=False, loc="upper left", fontsize=8)


def _style_axes(ax: Any) -> None:
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(MUTED)
    ax.tick_params(colors=INK, labelsize=8.5, length=0)
    ax.yaxis.grid(True, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)


def _draw_bars(
    fig: Any, chart: model.Chart, facts: dict[str, model.Fact], lang: str, domain: Domain
) -> None:
    ax = fig.add_subplot()
    axis = _axis(chart, facts, lang, domain)
    _style_axes(ax)
    series = chart.series
    n = len(series)
    width = 0.8 / n if chart.type == "grouped" else 0.6
    kinds: set[str] = set()
    periods: list[str] = []
    for s in series:
        for i in s.facts:
            label = _x_label(facts[i], lang)
            if label not in periods:
                periods.append(label)
    top = 0.0
    for k, s in enumerate(series):
        color = PALETTE[k % len(PALETTE)]
        for i in s.facts:
            fact = facts[i]
            x = periods.index(_x_label(fact, lang)) + (k - (n - 1) / 2) * width * (n > 1)
            y = axis.values[i]
            top = max(top, y)
            projected = _is_projection(fact)
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
            _label(ax, y, (x, y), (0, 2), lang, ha="center", va="bottom")
    ax.set_xticks(range(len(periods)), periods)
    ax.set_ylim(0, top * 1.18 or 1)
    if axis.label:
        ax.set_ylabel(axis.label, fontsize=8.5, color=MUTED)
    if n > 1:
        ax.legend(frameon=False, loc="upper left", fontsize=8)
    else:
        _legend_for_kinds(ax, kinds, lang)


def _draw_line(
    fig: Any, chart: model.Chart, facts: dict[str, model.Fact], lang: str, domain: Domain
) -> None:
    ax = fig.add_subplot()
    axis = _axis(chart, facts, lang, domain)
    _style_axes(ax)
    for k, s in enumerate(chart.series):
        color = PALETTE[k % len(PALETTE)]
        pts = [facts[i] for i in s.facts]
        xs = [p.year or 0 for p in pts]
        ys = [axis.values[i] for i in s.facts]
        actual = [(x, y) for x, y, p in zip(xs, ys, pts, strict=True) if not _is_projection(p)]
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
            if _is_projection(p):
                ax.plot([x], [y], marker="o", markersize=5, markerfacecolor="white", color=color)
            _label(ax, y, (x, y), (0, 5), lang, ha="center")
        years = sorted({x for x in xs})
        ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylim(0, ax.get_ylim()[1] * 1.15)
    if axis.label:
        ax.set_ylabel(axis.label, fontsize=8.5, color=MUTED)
    ax.legend(frameon=False, loc="upper left", fontsize=8)


def _draw_barh(
    fig: Any, chart: model.Chart, facts: dict[str, model.Fact], lang: str, domain: Domain
) -> None:
    ax = fig.add_subplot()
    axis = _axis(chart, facts, lang, domain)
    _style_axes(ax)
    ax.yaxis.grid(False)
    ax.xaxis.grid(True, color=GRID, linewidth=0.6)
    ids = [i for s in chart.series for i in s.facts]
    labels = [facts[i].label.get(lang) for i in ids]
    values = [axis.values[i] for i in ids]
    for y, (i, v) in enumerate(zip(ids, values, strict=True)):
        fact = facts[i]
        projected = _is_projection(fact)
        ax.barh(
            y,
            v,
            height=0.6,
            color="white" if projected else PALETTE[0],
            edgecolor=PALETTE[0],
            hatch="////" if projected else None,
        )
        _label(ax, v, (v, y), (3, 0), lang, va="center")
    ax.set_yticks(range(len(ids)), [_wrap(label, lang, 22) for label in labels])
    ax.invert_yaxis()
    ax.set_xlim(0, max(values) * 1.2 or 1)
    if axis.label:
        ax.set_xlabel(axis.label, fontsize=8.5, color=MUTED)


def _wrap(text: str, lang: str, width: int) -> str:
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
    ax.set_yticks(range(len(events)), [_wrap(s, lang, 72 if lang == "zh" else 70) for s in labels])
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
        names = [_wrap(name, lang, 4) for name in names]
    ax.set_xticks(
        [c + 0.5 for c in range(len(cols))],
        names,
        rotation=0 if lang == "zh" else 40,
        ha="center" if lang == "zh" else "right",
    )
    ax.set_yticks(
        [r + 0.5 for r in range(len(rows))], [_wrap(f.label.get(lang), lang, 30) for f in rows]
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


_DRAW = {
    "bar": _draw_bars,
    "grouped": _draw_bars,
    "line": _draw_line,
    "barh": _draw_barh,
    "timeline": _draw_timeline,
    "matrix": _draw_matrix,
}


def _height(chart: model.Chart, facts: dict[str, model.Fact], lang: str) -> float:
    if chart.type == "timeline":
        return 0.27 * len(chart.facts) + 0.6
    if chart.type == "matrix":
        return 0.5 * len(chart.facts) + 1.2
    if chart.type == "barh":
        # Each bar gets room for its wrapped label (about 0.125 in. a line at 8.5 pt).
        lines = [
            _wrap(facts[i].label.get(lang), lang, 22).count("\n") + 1
            for s in chart.series
            for i in s.facts
        ]
        return sum(max(0.42, 0.125 * n + 0.14) for n in lines) + 0.9
    return 2.9


def _register(manager: Any, fonts: FontSet) -> None:
    """Make exactly this build's subsets the ones matplotlib knows under the brief's families.

    A process may build several projects (tests, watch mode), each with its own subsets under the
    same family names; matplotlib must not pick another project's subset.
    """
    wanted = {str(path) for path in fonts.files.values()}
    folder = str(fonts.directory)
    manager.ttflist = [
        entry
        for entry in manager.ttflist
        if not entry.fname.startswith(folder) or entry.fname in wanted
    ]
    known = {entry.fname for entry in manager.ttflist}
    for path in sorted(wanted - known):
        manager.addfont(path)
    manager._findfont_cached.cache_clear()


def draw_svg(
    chart: model.Chart, facts: dict[str, model.Fact], lang: str, fonts: FontSet, domain: Domain
) -> tuple[bytes, bytes]:
    """Draw one chart as SVG, reproducibly: for screens (text as outlines) and for print.

    A missing glyph is an error.
    """
    import matplotlib

    matplotlib.use("svg", force=True)
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    _register(font_manager.fontManager, fonts)
    for family in _families(lang):
        try:
            font_manager.findfont(family, fallback_to_default=False)
        except ValueError:
            raise RenderError(f"chart '{chart.id}' ({lang}): no font named '{family}'") from None
    rc: dict[str, Any] = {
        "font.family": _families(lang),
        "font.size": 9,
        "svg.fonttype": "path",
        "svg.hashsalt": f"{chart.id}-{lang}",
        "axes.unicode_minus": False,
        "text.color": INK,
        "hatch.linewidth": 0.6,
        "hatch.color": PALETTE[0],
    }
    buffer, printed = io.BytesIO(), io.BytesIO()
    with matplotlib.rc_context(rc), warnings.catch_warnings():  # type: ignore[arg-type]
        warnings.simplefilter("error")
        try:
            width = WIDTH_IN if chart.size == "full" else WIDTH_IN / 2
            height = _height(chart, facts, lang) if chart.size == "full" else 2.6
            fig = Figure(figsize=(width, height), dpi=100)
            _DRAW[chart.type](fig, chart, facts, lang, domain)
            fig.tight_layout(pad=0.4)
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
            # For print, text stays text: WeasyPrint sets it in the brief's own fonts, which is
            # several times faster than painting glyph outlines, and the text is searchable.
            matplotlib.rcParams["svg.fonttype"] = "none"
            fig.savefig(printed, format="svg", metadata={"Date": None, "Creator": None})
        except (UserWarning, RuntimeWarning, ValueError) as exc:
            raise RenderError(f"chart '{chart.id}' ({lang}): {exc}") from None
    # matplotlib stamps ids from a salted hash; strip the remaining non-deterministic comment.
    return _clean(buffer.getvalue()), _clean(printed.getvalue())


def _clean(svg: bytes) -> bytes:
    return re.sub(rb"<!-- Created with matplotlib.*?-->\n?", b"", svg)


def chart_key(
    chart: model.Chart, facts: dict[str, model.Fact], lang: str, fonts: FontSet, domain: Domain
) -> str:
    """Hash of everything a chart's SVG depends on."""
    used = sorted(set(chart.fact_ids))
    payload = {
        "domain": domain.key(),
        "v": __version__,
        "lang": lang,
        "chart": chart.model_dump(mode="json", by_alias=True),
        "facts": [facts[i].model_dump(mode="json", by_alias=True) for i in used],
        "fonts": sorted(p.name for p in fonts.files.values()),
        "code": code_version(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:20]


def _paths(
    chart: model.Chart,
    facts: dict[str, model.Fact],
    lang: str,
    fonts: FontSet,
    cache: Path,
    domain: Domain,
) -> tuple[Path, Path]:
    directory = cache / "charts"
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{chart.id}-{lang}-{chart_key(chart, facts, lang, fonts, domain)}"
    return directory / f"{stem}.svg", directory / f"{stem}.print.svg"


def is_cached(
    chart: model.Chart,
    facts: dict[str, model.Fact],
    lang: str,
    fonts: FontSet,
    cache: Path,
    domain: Domain,
) -> bool:
    """Whether both SVGs of a chart are in the cache already."""
    return all(path.exists() for path in _paths(chart, facts, lang, fonts, cache, domain))


def chart_facts(chart: model.Chart, facts: dict[str, model.Fact]) -> dict[str, model.Fact]:
    """The facts a chart draws (all a worker process needs to draw it)."""
    return {i: facts[i] for i in chart.fact_ids}


def render_chart(
    chart: model.Chart,
    facts: dict[str, model.Fact],
    lang: str,
    fonts: FontSet,
    cache: Path,
    domain: Domain,
) -> tuple[bytes, bytes]:
    """Return a chart's screen and print SVGs from the cache, or draw them into it."""
    web, printed = _paths(chart, facts, lang, fonts, cache, domain)
    if web.exists() and printed.exists():
        return web.read_bytes(), printed.read_bytes()
    screen, paper = draw_svg(chart, facts, lang, fonts, domain)
    write_atomic(printed, paper)
    write_atomic(web, screen)
    return screen, paper


def describe(chart: model.Chart, facts: dict[str, model.Fact], lang: str, domain: Domain) -> str:
    """Write the alt text of a chart from its data, punctuated as each language is."""
    sep, colon, comma, stop = ("；", "：", "，", "。") if lang == "zh" else ("; ", ": ", ", ", ". ")
    if chart.type in ("timeline", "matrix"):
        items = [facts[i] for i in chart.facts]
        if chart.type == "timeline":
            body = sep.join(f"{fmt.date(f.date or '', lang)} {f.label.get(lang)}" for f in items)
        else:
            body = sep.join(
                f"{f.label.get(lang)}{colon}"
                + ("、" if lang == "zh" else ", ").join(domain.name(c, lang) for c in f.countries)
                for f in items
            )
        return f"{chart.title.get(lang)}{stop}{body}"
    parts = []
    for s in chart.series:
        points = []
        for i in s.facts:
            f = facts[i]
            when = fmt.period(f.period, lang) if f.period else ""
            figure = domain.figure(f.value or 0, f.unit or "count", f.approx, lang)
            kind = (
                ""
                if f.kind == "actual"
                else f"（{fmt.KIND[lang][f.kind]}）"
                if lang == "zh"
                else f" ({fmt.KIND[lang][f.kind]})"
            )
            label = f.label.get(lang) if chart.type == "barh" else when
            points.append(f"{label} {figure}{kind}")
        parts.append(f"{s.label.get(lang)}{colon}" + comma.join(points))
    return f"{chart.title.get(lang)}{stop}" + sep.join(parts)
