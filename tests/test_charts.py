"""Charts that show every datum: bars by country, legends that cover nothing, no hidden bars."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from typer.testing import CliRunner

from briefs.charts.kinds import DRAWERS
from briefs.cli import app
from briefs.facts import model
from briefs.facts.domain import Domain

OUTPUT = {"CD": 170000, "ID": 10000, "AU": 3600}


def _fact(fact_id: str, code: str, value: float, period: str, kind: str = "actual") -> model.Fact:
    return model.Fact.model_validate(
        {
            "id": fact_id,
            "section": "progress",
            "theme": "mining",
            "value": value,
            "unit": "t",
            "period": period,
            "kind": kind,
            "countries": [code],
            "label": {"zh": f"{code}钴产量", "en": f"Cobalt output of {code}"},
            "source": "usgs",
            "quote": f"{value} tonnes",
        },
        context={"groups": frozenset()},
    )


def _chart(kind: str, series: list[tuple[str, list[str]]]) -> model.Chart:
    return model.Chart.model_validate(
        {
            "id": "cobalt",
            "type": kind,
            "title": {"zh": "钴产量", "en": "Cobalt output"},
            "series": [{"label": {"zh": name, "en": name}, "facts": ids} for name, ids in series],
        },
        context={"groups": frozenset()},
    )


def _draw(chart: model.Chart, facts: dict[str, model.Fact]) -> tuple[Figure, Any]:
    fig = Figure(figsize=(6.3, 2.9))
    FigureCanvasAgg(fig)
    DRAWERS[chart.type](fig, chart, facts, "en", Domain())
    fig.canvas.draw()
    return fig, fig.axes[0]


def test_a_bar_chart_compares_countries_in_one_year() -> None:
    facts = {f"co-{c.lower()}": _fact(f"co-{c.lower()}", c, v, "2023") for c, v in OUTPUT.items()}
    chart = _chart("bar", [("2023", list(facts))])
    _, ax = _draw(chart, facts)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["DR Congo", "Indonesia", "Australia"]


def test_horizontal_bars_name_countries_and_label_every_series() -> None:
    facts = {f"co-{c.lower()}": _fact(f"co-{c.lower()}", c, v, "2023") for c, v in OUTPUT.items()}
    chart = _chart("barh", [("Africa", ["co-cd"]), ("Asia-Pacific", ["co-id", "co-au"])])
    _, ax = _draw(chart, facts)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["DR Congo", "Indonesia", "Australia"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Africa", "Asia-Pacific"]


def test_the_legend_stands_above_the_bars() -> None:
    facts = {
        f"{c.lower()}-{y}": _fact(f"{c.lower()}-{y}", c, OUTPUT[c] * (1 + (y - 2021) / 10), str(y))
        for c in ("CD", "ID")
        for y in (2021, 2022, 2023)
    }
    chart = _chart(
        "grouped", [(c, [f"{c.lower()}-{y}" for y in (2021, 2022, 2023)]) for c in ("CD", "ID")]
    )
    fig, ax = _draw(chart, facts)
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.y0 >= ax.get_window_extent(renderer).y1 - 1


def test_a_legend_lists_only_kinds_the_chart_has() -> None:
    facts = {
        "f-2025": _fact("f-2025", "CD", 200000, "2025", "forecast"),
        "f-2030": _fact("f-2030", "CD", 250000, "2030", "forecast"),
    }
    _, ax = _draw(_chart("bar", [("DR Congo", list(facts))]), facts)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["forecast"]


def test_two_facts_on_one_bar_are_refused_with_the_fix(example: Path, runner: CliRunner) -> None:
    charts = example / "charts/charts.yaml"
    charts.write_text(
        charts.read_text(encoding="utf-8")
        + """  - id: stations-and-economy
    type: grouped
    title: {zh: 示例, en: Example}
    series:
      - label: {zh: 规模, en: Size}
        facts: [digital-economy-2023, digital-economy-2024, talent-gap]
""",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", "--project", str(example)])
    assert result.exit_code == 1, result.output
    assert "charts/charts.yaml" in result.output
    assert "digital-economy-2024 and talent-gap would be drawn as one bar (2024)" in result.output
    assert "type: barh" in result.output
