"""Turn a chart's data into its alt text, punctuated as each language is."""

from __future__ import annotations

from briefs.facts import model
from briefs.facts.domain import Domain
from briefs.numbers import formatting as fmt


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
