"""Turn a chart into its cached SVG files, drawn only when what it depends on changes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from briefs import __version__
from briefs.charts.draw import draw_png, draw_svg
from briefs.facts import model
from briefs.facts.domain import Domain
from briefs.files import write_atomic
from briefs.fonts import FontSet
from briefs.keys import code_version


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


def render_png(
    chart: model.Chart,
    facts: dict[str, model.Fact],
    lang: str,
    fonts: FontSet,
    cache: Path,
    domain: Domain,
    dpi: int,
) -> bytes:
    """Return a chart's PNG picture at `dpi` from the cache, or draw it into it."""
    web, _ = _paths(chart, facts, lang, fonts, cache, domain)
    path = web.with_name(f"{web.stem}-{dpi}dpi.png")
    if path.exists():
        return path.read_bytes()
    picture = draw_png(chart, facts, lang, fonts, domain, dpi)
    write_atomic(path, picture)
    return picture
