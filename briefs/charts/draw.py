"""Turn one chart specification and its facts into SVG for screens and for print (matplotlib)."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from briefs.charts.kinds import (
    DRAWERS,
    wrap,
)
from briefs.charts.style import (
    INK,
    PALETTE,
    WIDTH_IN,
    families,
)
from briefs.errors import RenderError
from briefs.facts import model
from briefs.facts.domain import Domain
from briefs.fonts import FontSet


def _height(chart: model.Chart, facts: dict[str, model.Fact], lang: str) -> float:
    if chart.type == "timeline":
        return 0.27 * len(chart.facts) + 0.6
    if chart.type == "matrix":
        return 0.5 * len(chart.facts) + 1.2
    if chart.type == "barh":
        # Each bar gets room for its wrapped label (about 0.125 in. a line at 8.5 pt).
        lines = [
            wrap(facts[i].label.get(lang), lang, 22).count("\n") + 1
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
    buffer, printed = io.BytesIO(), io.BytesIO()
    with _figure(chart, facts, lang, fonts, domain, "svg") as (fig, rc):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        # For print, text stays text: WeasyPrint sets it in the brief's own fonts, which is
        # several times faster than painting glyph outlines, and the text is searchable.
        rc["svg.fonttype"] = "none"
        fig.savefig(printed, format="svg", metadata={"Date": None, "Creator": None})
    # matplotlib stamps ids from a salted hash; strip the remaining non-deterministic comment.
    return _clean(buffer.getvalue()), _clean(printed.getvalue())


def draw_png(
    chart: model.Chart,
    facts: dict[str, model.Fact],
    lang: str,
    fonts: FontSet,
    domain: Domain,
    dpi: int,
) -> bytes:
    """Draw one chart as a PNG picture at `dpi` (for Word, which shows no SVG without a PNG)."""
    buffer = io.BytesIO()
    with _figure(chart, facts, lang, fonts, domain, "agg") as (fig, _):
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


@contextmanager
def _figure(
    chart: model.Chart,
    facts: dict[str, model.Fact],
    lang: str,
    fonts: FontSet,
    domain: Domain,
    backend: str,
) -> Iterator[tuple[Any, Any]]:
    """The drawn figure and the live rc settings, with warnings (a missing glyph) as errors."""
    import matplotlib

    matplotlib.use(backend, force=True)
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    _register(font_manager.fontManager, fonts)
    for family in families(lang):
        try:
            font_manager.findfont(family, fallback_to_default=False)
        except ValueError:
            raise RenderError(f"chart '{chart.id}' ({lang}): no font named '{family}'") from None
    rc: dict[str, Any] = {
        "font.family": families(lang),
        "font.size": 9,
        "svg.fonttype": "path",
        "svg.hashsalt": f"{chart.id}-{lang}",
        "axes.unicode_minus": False,
        "text.color": INK,
        "hatch.linewidth": 0.6,
        "hatch.color": PALETTE[0],
    }
    with matplotlib.rc_context(rc), warnings.catch_warnings():  # type: ignore[arg-type]
        warnings.simplefilter("error")
        try:
            width = WIDTH_IN if chart.size == "full" else WIDTH_IN / 2
            height = _height(chart, facts, lang) if chart.size == "full" else 2.6
            fig = Figure(figsize=(width, height), dpi=100)
            DRAWERS[chart.type](fig, chart, facts, lang, domain)
            fig.tight_layout(pad=0.4)
            yield fig, matplotlib.rcParams
        except (UserWarning, RuntimeWarning, ValueError) as exc:
            raise RenderError(f"chart '{chart.id}' ({lang}): {exc}") from None


def _clean(svg: bytes) -> bytes:
    return re.sub(rb"<!-- Created with matplotlib.*?-->\n?", b"", svg)
