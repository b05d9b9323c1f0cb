"""Turn checked facts, a language and the edition date into the plain data the templates show."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from briefs.compose.citations import CONTEXT_KEY, Citations, claim
from briefs.compose.pages import cite_key, gbt_pages, page_span, page_words, split_key, web_part
from briefs.errors import RenderError
from briefs.facts import model
from briefs.facts.check import Report, compute, is_due, section_labels
from briefs.facts.project import Project
from briefs.numbers import formatting as fmt

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
                f"interface string '{key}' is in neither the theme's strings nor the project's "
                "templates/strings/*.yaml"
            ) from None


class Lookup(dict[str, Any]):
    """One template name's entries by fact id (F, Y, D, T, L): a fact that exists but has nothing
    under this name is a clear error, not Jinja's "'dict object' has no attribute"."""

    def __init__(self, name: str, meaning: str, entries: dict[str, Any]) -> None:
        super().__init__(entries)
        self.name = name
        self.meaning = meaning

    def __missing__(self, key: str) -> Any:
        raise RenderError(f'{self.name}["{key}"]: the fact has no {self.meaning}')


def source_line(src: model.Source, lang: str, pages: Iterable[str] = ()) -> str:
    """A reference: author, title, outlet, date and pages cited, as `lang` writes references.

    A Chinese brief cites a Chinese source as 作者：《标题》，出版者，日期，第2页。 and a source in
    another language in that language, as GB/T 7714 does (Author. Title [译名]. Publisher,
    2025-01-21: 2.); an English brief cites in the Chicago manner, a source in another language by
    the English translation of its title followed by the original in brackets. A web source ends
    with its address and the date it was read.
    """
    author = src.shown(src.author, lang) if src.author else None
    publisher = src.shown(src.publisher, lang)
    original = src.title[src.language]
    translated = src.title.get(lang)
    pages = list(pages)
    where = page_span(pages, lang)
    web = web_part(src, lang)
    if lang == "zh" and src.language == "zh":
        head = f"{author}：" if author and author != publisher else ""
        at = f"，{where}" if where else ""
        return f"{head}《{original}》，{publisher}，{fmt.date(src.date, lang)}{at}。{web}"
    if lang == "zh":
        author = src.author[src.language] if src.author else None
        publisher = src.publisher[src.language]
        head = f"{author}. " if author and author != publisher else ""
        gloss = f" [{translated}]" if translated else ""
        read = f"[{src.accessed}]" if src.url and src.accessed else ""
        url = f" {src.url}." if src.url else ""
        return f"{head}{original}{gloss}. {publisher}, {src.date}{gbt_pages(pages)}{read}.{url}"
    head = f"{author}, " if author and author != publisher else ""
    at = f", {where}".removesuffix(".") if where else ""
    tail = f"{at}.{' ' + web if web else ''}"
    if src.language == lang or not translated:
        return f"{head}“{original}”, {publisher}, {fmt.date(src.date, lang)}{tail}"
    return f"{head}“{translated}” [{original}], {publisher}, {fmt.date(src.date, lang)}{tail}"


def short_cite(src: model.Source, lang: str) -> str:
    """Author (or outlet) and year, for footnotes: 李佳、姜志达（2025） / Li Jia … (2025)."""
    who = src.shown(src.author or src.publisher, lang)
    year = src.date[:4]
    return f"{who}（{year}）" if lang == "zh" else f"{who} ({year})"


def _footnote(
    key: str,
    sources: dict[str, model.Source],
    numbers: dict[str, int],
    lang: str,
    strings: Strings,
    pages: list[str] | None = None,
) -> Markup:
    """The footnote for a citation key: short cite, the page(s) when known, and the reference."""
    source, page = split_key(key)
    src = sources[source]
    where = page_words(pages if pages is not None else [page] if page else [], lang)
    at = ("，" if lang == "zh" else ", ") + where if where else ""
    see = strings["see_ref"].replace("{n}", str(numbers[source]))
    return Markup(
        f'<span class="footnote" data-source="{src.id}">'
        f"{escape(short_cite(src, lang))}{escape(at)}{escape(see)}</span>"
        f'<a class="cite" data-source="{src.id}" href="#ref-{src.id}">[{numbers[source]}]</a>'
    )


def _data(value: float | str, fact_ids: Iterable[str], title: str, text: str, css: str) -> Markup:
    ids = " ".join(fact_ids)
    return Markup(
        f'<data class="{css}" value="{escape(value)}" data-fact="{escape(ids)}" '
        f'title="{escape(title)}">{escape(text)}</data>'
    )


def _fact_title(fact: model.Fact, project: Project, lang: str, strings: Strings) -> str:
    src = next(s for s in project.brief.sources if s.id == fact.source)
    publisher = src.shown(src.publisher, lang)
    parts = [
        f"{strings['source']}{publisher}（{fmt.date(src.date, lang)}）"
        if lang == "zh"
        else f"{strings['source']}{publisher} ({fmt.date(src.date, lang)})"
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


def _on_timeline(fact: model.Fact, rule: model.Timeline, chapter: str, places: set[str]) -> bool:
    """Whether a fact (in the chapter `chapter`) is a dated event the project's timeline takes;
    `places` are the rule's countries with the members of its groups."""
    return (
        fact.date is not None
        and fact.section not in rule.exclude_sections
        and chapter not in rule.exclude_sections
        and fact.theme not in rule.exclude_themes
        and (not places or not fact.countries or bool(places & set(fact.countries)))
    )


def _country_rows(
    project: Project,
    lang: str,
    secondary: set[str],
    short: Callable[[str], dict[str, Any]],
) -> list[dict[str, Any]]:
    """The country table: for each member of the project's chosen group, the facts about it."""
    table = project.brief.country_table
    if table is None:
        return []
    domain = project.domain
    rows = []
    for code in domain.members([table.group]):
        related = [
            f
            for f in project.facts.values()
            if code in f.countries
            and (not table.sections or f.section in table.sections)
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
        # "One more item" is no use to a reader: show it instead.
        listed = related if len(related) <= COUNTRY_ITEMS + 1 else related[:COUNTRY_ITEMS]
        rows.append(
            {
                "code": code,
                "name": domain.name(code, lang),
                "facts": [short(f.id) for f in listed],
                "more": len(related) - len(listed),
            }
        )
    return rows


def derive(project: Project, report: Report, lang: str, strings: Strings) -> dict[str, Any]:
    """Build the template context for one language: every figure formatted here."""
    brief = project.brief
    facts = project.facts
    domain = project.domain
    as_of = brief.as_of
    sources = brief.sources
    ref_number = {s.id: i + 1 for i, s in enumerate(sources)}

    figures: dict[str, Markup] = {}
    spelled: dict[str, Markup] = {}  # prose spells small counts out; tables keep digits
    periods: dict[str, str] = {}
    dates: dict[str, str] = {}
    texts: dict[str, Markup] = {}
    labels: dict[str, str] = {}
    for fact in facts.values():
        title = _fact_title(fact, project, lang, strings)
        css = f"fact kind-{fact.kind}"
        if fact.value is not None and fact.unit is not None:
            shown = domain.figure(fact.value, fact.unit, fact.approx, lang)
            if lang == "en" and fact.derived and fact.derived.method == "increase":
                # "增长2倍" means up by 200%; "2 times" would read as a doubling in English.
                shown = fmt.figure(fact.value * 100, "percent", fact.approx, lang)
            value = int(fact.value) if float(fact.value).is_integer() else fact.value
            figures[fact.id] = _data(value, [fact.id], title, shown, css)
            words = fmt.in_words(fact.value, fact.unit, fact.approx, lang)
            if words is not None and fact.derived is None:
                spelled[fact.id] = _data(value, [fact.id], title, words, css)
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

    keys = {fact.id: cite_key(fact.source, report.pages.get(fact.id)) for fact in facts.values()}
    cited = {src.id: src.id for src in sources} | {key: key for key in keys.values()}
    by_id = {src.id: src for src in sources}
    citations = Citations(
        sources={fact_id: (key,) for fact_id, key in keys.items()},
        footnote={key: _footnote(key, by_id, ref_number, lang, strings) for key in cited},
        inline={key: Markup(note(by_id[split_key(key)[0]])) for key in cited},
        combined=lambda source, same: _footnote(
            source, by_id, ref_number, lang, strings, [p for k in same if (p := split_key(k)[1])]
        ),
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
            "source": src.shown(src.publisher, lang),
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
            else domain.figure(r.computed, facts[r.fact].unit or "count", "exact", lang),
            "agrees": r.agrees,
        }
        for r in report.rechecks
    ]

    # The timeline: dated facts the project's rule admits, each event once (corroborating reports
    # cite their sources).
    secondary = {other for f in facts.values() for other in f.corroborates}
    rule = brief.timeline
    chapters = section_labels(brief)
    places = set(rule.countries) | set(project.domain.members(rule.countries)) if rule else set()
    events = (
        sorted(
            (
                f
                for f in facts.values()
                if f.id not in secondary and _on_timeline(f, rule, chapters[f.section], places)
            ),
            key=lambda f: (f.date or "", f.id),
        )
        if rule is not None
        else []
    )
    timeline = []
    for f in events:
        refs = sorted(
            {ref_number[s] for s in [f.source, *(facts[o].source for o in f.corroborates)]}
        )
        row = {**short(f.id), "date": fmt.date(f.date or "", lang), "text": labels[f.id]}
        row["refs"] = refs
        timeline.append(row)

    countries = _country_rows(project, lang, secondary, short)

    if not any(c["facts"] for c in countries):
        countries = []  # a table of countries that no fact is about would say nothing

    references = [
        {
            "id": s.id,
            "number": ref_number[s.id],
            "text": source_line(
                s, lang, (page for f, page in report.pages.items() if facts[f].source == s.id)
            ),
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
            "cutoff": fmt.date(brief.cutoff, lang),
            "cutoff_iso": brief.cutoff,
            "source_count": len(sources),
        },
        "F": Lookup(
            "F", "value or date to show; cite its statement with T or claim", figures | spelled
        ),
        "Y": Lookup("Y", "period or date", periods),
        "D": Lookup("D", "date (D is for events; use Y for a figure's period)", dates),
        "T": texts,
        "L": labels,
        "sections": [{"id": s.id, "heading": s.heading.get(lang)} for s in brief.sections],
        "claim": claim,
        CONTEXT_KEY: citations,
        "timeline": timeline,
        "timeline_chart": rule.chart if rule is not None else None,
        "countries": countries,
        "conflicts": conflicts,
        "due": due,
        "rechecks": rechecks,
        "references": references,
        "facts_total": len(facts),
        "due_ids": [f.id for f in facts.values() if is_due(f, as_of)],
    }
