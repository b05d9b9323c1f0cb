"""Turn checked facts, a language and the edition date into the plain data the templates show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from briefs import formatting as fmt
from briefs import model
from briefs.citations import CONTEXT_KEY, Citations, claim
from briefs.errors import RenderError
from briefs.project import Project
from briefs.validate import Report, compute, is_due

COUNTRY_ITEMS = 6
REGIONAL = 5  # a fact about this many countries or more is regional, not country-specific


@dataclass(frozen=True)
class Strings:
    """The interface strings of one language (templates/strings/<lang>.yaml)."""

    values: dict[str, str]

    def __getitem__(self, key: str) -> str:
        try:
            return self.values[key]
        except KeyError:
            raise RenderError(
                f"interface string '{key}' is missing from templates/strings/*.yaml"
            ) from None


def source_line(src: model.Source, lang: str) -> str:
    """A short citation: author, title, outlet, date."""
    author = src.author.get(lang) if src.author else None
    title = src.title.get(lang)
    when = fmt.date(src.date, lang)
    if lang == "zh":
        head = f"{author}：" if author and author != src.publisher.zh else ""
        return f"{head}《{title}》，{src.publisher.zh}，{when}。"
    head = f"{author}, " if author and author != src.publisher.en else ""
    original = f" [{src.title.zh}]" if src.title.zh != title else ""
    return f"{head}“{title}”{original}, {src.publisher.en}, {when}."


def short_cite(src: model.Source, lang: str) -> str:
    """Author (or outlet) and year, for footnotes: 李佳、姜志达（2025） / Li Jia … (2025)."""
    who = (src.author or src.publisher).get(lang)
    year = src.date[:4]
    return f"{who}（{year}）" if lang == "zh" else f"{who} ({year})"


def _data(value: float | str, fact_ids: Iterable[str], title: str, text: str, css: str) -> Markup:
    ids = " ".join(fact_ids)
    return Markup(
        f'<data class="{css}" value="{escape(value)}" data-fact="{escape(ids)}" '
        f'title="{escape(title)}">{escape(text)}</data>'
    )


def _fact_title(fact: model.Fact, project: Project, lang: str, strings: Strings) -> str:
    src = next(s for s in project.brief.sources if s.id == fact.source)
    parts = [
        f"{strings['source']}{src.publisher.get(lang)}（{fmt.date(src.date, lang)}）"
        if lang == "zh"
        else f"{strings['source']}{src.publisher.get(lang)} ({fmt.date(src.date, lang)})"
    ]
    when = fact.period or fact.date
    if when:
        parts.append(fmt.period(when, lang) if fact.period else fmt.date(when, lang))
    parts.append(fmt.KIND[lang][fact.kind])
    return " · ".join(parts)


def _computed_text(comp: model.Computed, value: float, lang: str) -> str:
    if comp.method in ("growth", "cagr", "share"):
        return fmt.percent(value, lang)
    if comp.method in ("ratio", "increase"):
        return fmt.multiple(value, lang)
    return fmt.number(value, lang)


def derive(project: Project, report: Report, lang: str, strings: Strings) -> dict[str, Any]:
    """Build the template context for one language: every figure formatted here."""
    brief = project.brief
    facts = project.facts
    as_of = brief.as_of
    sources = brief.sources
    ref_number = {s.id: i + 1 for i, s in enumerate(sources)}

    figures: dict[str, Markup] = {}
    periods: dict[str, str] = {}
    dates: dict[str, str] = {}
    texts: dict[str, Markup] = {}
    labels: dict[str, str] = {}
    for fact in facts.values():
        title = _fact_title(fact, project, lang, strings)
        css = f"fact kind-{fact.kind}"
        if fact.value is not None and fact.unit is not None:
            shown = fmt.figure(fact.value, fact.unit, fact.approx, lang)
            if lang == "en" and fact.derived and fact.derived.method == "increase":
                # "增长2倍" means up by 200%; "2 times" would read as a doubling in English.
                shown = fmt.figure(fact.value * 100, "percent", fact.approx, lang)
            value = int(fact.value) if float(fact.value).is_integer() else fact.value
            figures[fact.id] = _data(value, [fact.id], title, shown, css)
        elif fact.date is not None:
            figures[fact.id] = _data(fact.date, [fact.id], title, fmt.date(fact.date, lang), css)
        if fact.date:
            dates[fact.id] = fmt.date(fact.date, lang)
        if fact.period:
            periods[fact.id] = fmt.period(fact.period, lang)
        elif fact.date:
            periods[fact.id] = fmt.date(fact.date, lang)
        labels[fact.id] = fact.label.get(lang)
        # A fact's own sentence is a claim: marked, so that its source is footnoted.
        sentence = escape(fact.text.get(lang) if fact.text else fact.label.get(lang))
        texts[fact.id] = Markup(f'<span class="claim" data-fact="{fact.id}">{sentence}</span>')

    for comp in project.computed.values():
        parts = [facts[i] for i in comp.from_]
        value = compute(
            comp.method, [p.value for p in parts if p.value is not None], [p.year for p in parts]
        )
        shown = _computed_text(comp, value, lang)
        title = f"{strings['computed']}{comp.label.get(lang)}"
        figures[comp.id] = _data(round(value, 6), comp.from_, title, shown, "fact computed")
        labels[comp.id] = comp.label.get(lang)

    def note(src: model.Source) -> str:
        return (
            f'<a class="cite" data-source="{src.id}" href="#ref-{src.id}">'
            f"[{ref_number[src.id]}]</a>"
        )

    citations = Citations(
        sources={fact.id: (fact.source,) for fact in facts.values()},
        footnote={
            src.id: Markup(
                f'<span class="footnote" data-source="{src.id}">'
                f"{escape(short_cite(src, lang))}"
                f"{escape(strings['see_ref'].replace('{n}', str(ref_number[src.id])))}</span>"
                f"{note(src)}"
            )
            for src in sources
        },
        inline={src.id: Markup(note(src)) for src in sources},
    )

    def short(fact_id: str) -> dict[str, Any]:
        fact = facts[fact_id]
        src = next(s for s in sources if s.id == fact.source)
        return {
            "id": fact.id,
            "label": labels[fact.id],
            "figure": figures.get(fact.id, Markup("")),
            "when": periods.get(fact.id, ""),
            "kind": fmt.KIND[lang][fact.kind],
            "source": src.publisher.get(lang),
            "source_id": src.id,
            "ref": ref_number[src.id],
            "actual": fact.kind == "actual",
            "event": fact.value is None,
        }

    conflicts = [{"a": short(a), "b": short(b)} for a, b in report.conflicts]
    due = [short(i) for i in report.due]
    rechecks = [
        {
            "fact": short(r.fact),
            "method": r.method,
            "computed": fmt.percent(r.computed, lang)
            if r.method in ("growth", "cagr")
            else fmt.multiple(r.computed, lang)
            if r.method in ("ratio", "increase")
            else fmt.figure(r.computed, facts[r.fact].unit or "count", "exact", lang),
            "agrees": r.agrees,
        }
        for r in report.rechecks
    ]

    # The milestone table: China–ASEAN events, each once (corroborating reports cite their sources).
    secondary = {other for f in facts.values() for other in f.corroborates}
    ours = set(model.ASEAN_MEMBERS) | {"CN", "ASEAN"}
    events = sorted(
        (
            f
            for f in facts.values()
            if f.date is not None
            and f.id not in secondary
            and f.section != "proposal"
            and f.theme != "geopolitics"  # context for the challenges, not cooperation
            and (not f.countries or ours & set(f.countries))
        ),
        key=lambda f: (f.date or "", f.id),
    )
    timeline = []
    for f in events:
        refs = sorted(
            {ref_number[s] for s in [f.source, *(facts[o].source for o in f.corroborates)]}
        )
        row = {**short(f.id), "date": fmt.date(f.date or "", lang), "text": labels[f.id]}
        row["refs"] = refs
        timeline.append(row)

    countries = []
    for code in model.ASEAN_MEMBERS:
        related = [
            f
            for f in facts.values()
            if code in f.countries
            and f.section in ("progress", "path", "proposal")
            and f.id not in secondary
            and len(f.countries) < REGIONAL
        ]
        # Country-specific items first, then those with a figure or date, newest first.
        related.sort(
            key=lambda f: (
                len(f.countries),
                f.value is None and f.date is None,
                -(f.year or 0),
                f.id,
            )
        )
        countries.append(
            {
                "code": code,
                "name": model.COUNTRIES[code][0 if lang == "zh" else 1],
                "facts": [short(f.id) for f in related[:COUNTRY_ITEMS]],
                "more": max(0, len(related) - COUNTRY_ITEMS),
            }
        )

    references = [
        {
            "id": s.id,
            "number": ref_number[s.id],
            "text": source_line(s, lang),
            "file": s.file,
            "short": short_cite(s, lang),
        }
        for s in sources
    ]

    return {
        "lang": lang,
        "S": strings.values,
        "brief": {
            "id": brief.id,
            "title": brief.title.get(lang),
            "subtitle": brief.subtitle.get(lang),
            "author": brief.author.get(lang),
            "keywords": getattr(brief.keywords, lang),
            "as_of": fmt.date(as_of, lang),
            "as_of_iso": as_of,
            "source_count": len(sources),
        },
        "F": figures,
        "Y": periods,
        "D": dates,
        "T": texts,
        "L": labels,
        "claim": claim,
        CONTEXT_KEY: citations,
        "timeline": timeline,
        "countries": countries,
        "conflicts": conflicts,
        "due": due,
        "rechecks": rechecks,
        "references": references,
        "facts_total": len(facts),
        "due_ids": [f.id for f in facts.values() if is_due(f, as_of)],
    }
