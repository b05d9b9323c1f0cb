"""Turn checked facts, a language and the edition date into the plain data the templates show."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from markupsafe import Markup, escape

from briefs.compose.citations import CONTEXT_KEY, Citations, claim
from briefs.compose.outcomes import outcome
from briefs.compose.pages import cite_key, gbt_pages, page_span, page_words, split_key, web_part
from briefs.errors import InputError, RenderError
from briefs.facts import model
from briefs.facts.check import Report, compute, is_due, section_labels
from briefs.facts.project import Project
from briefs.numbers import formatting as fmt
from briefs.numbers import results

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
        # The project's input is wrong (exit 1), not the rendering.
        raise InputError(f'{self.name}["{key}"]: the fact has no {self.meaning}')


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
        return f"{head}《{original}》，{_outlet(src, publisher, lang, '，')}{at}。{web}"
    if lang == "zh":
        author = src.author[src.language] if src.author else None
        publisher = src.publisher[src.language]
        head = f"{author}. " if author and author != publisher else ""
        gloss = f" [{translated}]" if translated else ""
        read = f"[{src.accessed}]" if src.url and src.accessed else ""
        url = f" {src.url}." if src.url else ""
        outlet = publisher if _names_year(src, publisher) else f"{publisher}, {src.date}"
        return f"{head}{original}{gloss}. {outlet}{gbt_pages(pages)}{read}.{url}"
    head = f"{author}, " if author and author != publisher else ""
    at = f", {where}".removesuffix(".") if where else ""
    tail = f"{at}.{' ' + web if web else ''}"
    if src.language == lang or not translated:
        return f"{head}“{original}”, {_outlet(src, publisher, lang, ', ')}{tail}"
    return f"{head}“{translated}” [{original}], {_outlet(src, publisher, lang, ', ')}{tail}"


def _names_year(src: model.Source, publisher: str) -> bool:
    """Whether the outlet already gives a year-only date, as a journal issue does
    (《和平与发展》2025年第1期, Peace and Development, no. 1 (2025)): the year is not repeated."""
    return len(src.date) == 4 and src.date in publisher


def _outlet(src: model.Source, publisher: str, lang: str, sep: str) -> str:
    if _names_year(src, publisher):
        return publisher
    return f"{publisher}{sep}{fmt.date(src.date, lang)}"


def short_cite(src: model.Source, lang: str) -> str:
    """Author (or outlet) and year, for footnotes: 李佳、姜志达（2025） / Li Jia … (2025)."""
    who = src.shown(src.author or src.publisher, lang)
    if not src.author and _names_year(src, who):
        return who
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
        f"{escape(_sentence_start(short_cite(src, lang)))}{escape(at)}{escape(see)}</span>"
        f'<a class="cite" data-source="{src.id}" href="#ref-{src.id}">[{numbers[source]}]</a>'
    )


_FIGURE_HEAD = re.compile(r"^(.*?)((?:(?:[A-Z]{2,3}|[^\sA-Za-z\d]+)\s?)?\d.*)$", re.S)


def glued(text: str) -> Markup:
    """A figure whose number stays with its scale and unit (and a currency code before it)
    across line ends, while the words of a qualifier before it may break: "more than
    <nb>US$108 billion</nb>". Keeping the whole phrase on one line left wide gaps in justified
    lines and stray fragments at line ends; no-break spaces would change the text itself."""
    found = _FIGURE_HEAD.match(text)
    head, tail = (found[1], found[2]) if found else ("", text)
    return escape(head) + Markup('<span class="nb">') + escape(tail) + Markup("</span>")


def _data(value: float | str, fact_ids: Iterable[str], title: str, text: str, css: str) -> Markup:
    ids = " ".join(fact_ids)
    return Markup(
        f'<data class="{css}" value="{escape(value)}" data-fact="{escape(ids)}" '
        f'title="{escape(title)}">{glued(text)}</data>'
    )


def _fact_title(fact: model.Fact, project: Project, lang: str, strings: Strings) -> str:
    src = next(s for s in project.brief.sources if s.id == fact.source)
    publisher = src.shown(src.publisher, lang)
    if _names_year(src, publisher):
        parts = [f"{strings['source']}{publisher}"]
    elif lang == "zh":
        parts = [f"{strings['source']}{publisher}（{fmt.date(src.date, lang)}）"]
    else:
        parts = [f"{strings['source']}{publisher} ({fmt.date(src.date, lang)})"]
    when = fact.period or fact.date
    if when:
        parts.append(fmt.period(when, lang) if fact.period else fmt.date(when, lang))
    parts.append(fmt.KIND[lang][fact.kind])
    return " · ".join(parts)


def computed_text(
    project: Project, method: str, value: float, parts: list[model.Fact], lang: str
) -> tuple[float, str]:
    """A computed result rounded to its inputs' precision and printed in its unit (a difference
    of percentages in percentage points, with a true minus), like any figure."""
    if method in ("growth", "cagr", "share"):
        return round(value, 1), fmt.percent(value, lang)
    if method in ("ratio", "increase"):
        return round(value, 1), fmt.multiple(value, lang)
    inputs = [p.value for p in parts if p.value is not None]
    shown = results.rounded(method, value, inputs)
    unit = results.unit(method, parts[0].unit if parts else None)
    return shown, project.domain.figure(shown, unit, "exact", lang)


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
        if not related and not table.all_members:
            continue
        # Every item is listed: a reader of the PDF cannot look up the ones a cap would hide.
        rows.append(
            {
                "code": code,
                "name": domain.name(code, lang),
                "facts": [short(f.id) for f in related],
            }
        )
    return rows


@dataclass(frozen=True)
class FactTexts:
    """Each fact's printed forms in one language, by fact id (the templates' F, Y, D, T and L)."""

    figures: dict[str, Markup]
    spelled: dict[str, Markup]  # prose spells small counts out; tables keep digits
    periods: dict[str, str]
    dates: dict[str, str]
    texts: dict[str, Markup]
    labels: dict[str, str]
    # Tables and charts show a fall with its minus (−0.8); prose says it fell (figures).
    tabled: dict[str, Markup] = field(default_factory=dict)
    # The figure without its qualifier, for a sentence that carries it (人口逾{{ B[...] }}).
    bare: dict[str, Markup] = field(default_factory=dict)


def _in_prose(fact: model.Fact, project: Project, lang: str, approx: str) -> str:
    """A fact's value as prose prints it, qualified by `approx` ("exact" for none)."""
    assert fact.value is not None and fact.unit is not None
    if lang == "en" and fact.derived and fact.derived.method == "increase":
        # "增长2倍" means up by 200%; "2 times" would read as a doubling in English.
        return fmt.figure(fact.value * 100, "percent", approx, lang)
    return project.domain.figure(fact.value, fact.unit, approx, lang, prose=True)


def _figure(fact: model.Fact, project: Project, lang: str, title: str) -> tuple[Markup, ...]:
    """A fact's figure (or its date, for an event), and the figure in words where prose may
    spell it out."""
    css = f"fact kind-{fact.kind}"
    if fact.value is not None and fact.unit is not None:
        shown = _in_prose(fact, project, lang, fact.approx)
        value = int(fact.value) if float(fact.value).is_integer() else fact.value
        words = fmt.in_words(fact.value, fact.unit, fact.approx, lang)
        figure = _data(value, [fact.id], title, shown, css)
        if words is not None and fact.derived is None:
            return figure, _data(value, [fact.id], title, words, css)
        return (figure,)
    if fact.date is not None:
        return (_data(fact.date, [fact.id], title, fmt.date(fact.date, lang), css),)
    return ()


def fact_texts(project: Project, lang: str, strings: Strings) -> FactTexts:
    """Format every fact once: figure, figure in words, period, date, sentence and label."""
    texts = FactTexts({}, {}, {}, {}, {}, {})
    for fact in project.facts.values():
        title = _fact_title(fact, project, lang, strings)
        formed = _figure(fact, project, lang, title)
        if formed:
            texts.figures[fact.id] = formed[0]
        if fact.value is not None and fact.unit is not None:
            bare = _in_prose(fact, project, lang, "exact")
            css = f"fact kind-{fact.kind}"
            texts.bare[fact.id] = _data(fact.value, [fact.id], title, bare, css)
        if fact.value is not None and fact.unit is not None and fact.value < 0:
            signed = project.domain.figure(fact.value, fact.unit, fact.approx, lang)
            texts.tabled[fact.id] = _data(
                fact.value, [fact.id], title, signed, f"fact kind-{fact.kind}"
            )
        if len(formed) > 1:
            texts.spelled[fact.id] = formed[1]
        if fact.date:
            texts.dates[fact.id] = fmt.date(fact.date, lang)
        if fact.period:
            texts.periods[fact.id] = fmt.period(fact.period, lang)
        elif fact.date:
            texts.periods[fact.id] = fmt.date(fact.date, lang)
        texts.labels[fact.id] = fact.label.get(lang)
        # A fact's own sentence is a claim: marked, so that its source is footnoted.
        sentence = escape(fact.text.get(lang) if fact.text else fact.label.get(lang))
        texts.texts[fact.id] = Markup(
            f'<span class="claim" data-fact="{fact.id}">{sentence}</span>'
        )
    for comp in project.computed.values():
        parts = [project.facts[i] for i in comp.from_]
        value = compute(
            comp.method, [p.value for p in parts if p.value is not None], [p.year for p in parts]
        )
        value, shown = computed_text(project, comp.method, value, parts, lang)
        title = f"{strings['computed']}{comp.label.get(lang)}"
        texts.figures[comp.id] = _data(value, comp.from_, title, shown, "fact computed")
        texts.labels[comp.id] = comp.label.get(lang)
    return texts


def _sentence_start(text: str) -> str:
    """A note opens a sentence, whatever case its outlet is written in (official press release)."""
    return text[:1].upper() + text[1:]


def _note(src: model.Source, number: int) -> str:
    return f'<a class="cite" data-source="{src.id}" href="#ref-{src.id}">[{number}]</a>'


def citations(
    project: Project, lang: str, strings: Strings, pages: dict[str, str] | None = None
) -> Citations:
    """What the citation pass needs: each fact's citation key (its source, and the page its quote
    stands on when the source marks pages), each key's footnote and inline call."""
    numbers = project.reference_numbers
    by_id = {src.id: src for src in project.brief.sources}
    pages = pages or {}
    keys = {f.id: cite_key(f.source, pages.get(f.id)) for f in project.facts.values()}
    cited = [*by_id, *dict.fromkeys(keys.values())]
    return Citations(
        sources={fact_id: (key,) for fact_id, key in keys.items()},
        footnote={key: _footnote(key, by_id, numbers, lang, strings) for key in cited},
        inline={
            key: Markup(_note(by_id[split_key(key)[0]], numbers[split_key(key)[0]]))
            for key in cited
        },
        combined=lambda source, same: _footnote(
            source, by_id, numbers, lang, strings, [p for k in same if (p := split_key(k)[1])]
        ),
    )


@dataclass(frozen=True)
class Rows:
    """Turns fact ids into the rows the appendices' tables show."""

    project: Project
    texts: FactTexts
    lang: str

    def short(self, fact_id: str) -> dict[str, Any]:
        fact = self.project.facts[fact_id]
        src = next(s for s in self.project.brief.sources if s.id == fact.source)
        return {
            "id": fact.id,
            "label": self.texts.labels[fact.id],
            "figure": self.texts.tabled.get(fact.id) or self.texts.figures.get(fact.id, Markup("")),
            "when": self.texts.periods.get(fact.id, ""),
            "kind": fmt.KIND[self.lang][fact.kind],
            "source": _sentence_start(src.shown(src.publisher, self.lang)),  # a table cell
            "source_id": src.id,
            "ref": self.project.reference_numbers[src.id],
            "actual": fact.kind == "actual",
            "event": fact.value is None,
        }

    def due(self, fact_id: str) -> dict[str, Any]:
        """A forecast, target or plan whose year has passed, with the outcome a source reports."""
        met = outcome(self.project.facts[fact_id], self.project.facts)
        return {**self.short(fact_id), "outcome": self.short(met.id) if met else None}

    def rechecks(self, report: Report) -> list[dict[str, Any]]:
        """Derived figures recomputed from their inputs, for the data note."""
        facts, lang = self.project.facts, self.lang
        rows = []
        for r in report.rechecks:
            derived = facts[r.fact].derived
            parts = [facts[i] for i in derived.from_] if derived else []
            if r.method == "increase" and lang == "en":
                # As the stated figure prints ("more than 200%"): "2.2 times" would read as the
                # multiple, which is 3.2.
                computed = fmt.percent(r.computed * 100, lang, digits=0)
            else:
                computed = computed_text(self.project, r.method, r.computed, parts, lang)[1]
            rows.append(
                {
                    "fact": self.short(r.fact),
                    "method": r.method,
                    "computed": computed,
                    "agrees": r.agrees,
                }
            )
        return rows


def secondary_reports(project: Project) -> set[str]:
    """Facts that only corroborate another report of the same event."""
    return {other for f in project.facts.values() for other in f.corroborates}


def _sources_of(fact: model.Fact, facts: dict[str, model.Fact]) -> list[str]:
    return [fact.source, *(facts[other].source for other in fact.corroborates)]


def _after(date: str, cutoff: str) -> bool:
    """Whether a date lies after the cut-off, compared at the precision both have."""
    return date[: len(cutoff)] > cutoff[: len(date)]


def timeline(project: Project, rows: Rows) -> list[dict[str, Any]]:
    """Dated facts the project's timeline rule admits, each event once (corroborating reports
    cite their sources), oldest first."""
    rule = project.brief.timeline
    if rule is None:
        return []
    facts, lang = project.facts, rows.lang
    secondary = secondary_reports(project)
    chapters = section_labels(project.brief)
    places = set(rule.countries) | set(project.domain.members(rule.countries))
    events = sorted(
        (
            f
            for f in facts.values()
            if f.id not in secondary and _on_timeline(f, rule, chapters[f.section], places)
        ),
        key=lambda f: (f.date or "", f.id),
    )
    numbers = project.reference_numbers
    return [
        {
            **rows.short(f.id),
            "date": fmt.date(f.date or "", lang),
            "text": rows.texts.labels[f.id],
            # An event dated after the information cut-off cannot have happened as far as the
            # sources know: it was announced or scheduled.
            "scheduled": _after(f.date or "", project.brief.cutoff),
            "refs": sorted(
                {numbers[s] for s in [f.source, *(facts[o].source for o in f.corroborates)]}
            ),
        }
        for f in events
    ]


def references(
    project: Project, lang: str, pages: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The reference list, numbered in the order brief.yaml lists the sources, each with the
    span of pages its quotes stand on."""
    facts = project.facts
    pages = pages or {}
    return [
        {
            "id": s.id,
            "number": project.reference_numbers[s.id],
            "text": source_line(
                s, lang, [page for f, page in pages.items() if facts[f].source == s.id]
            ),
            "file": s.file,
            "short": short_cite(s, lang),
        }
        for s in project.brief.sources
    ]


def masthead(project: Project, lang: str) -> dict[str, Any]:
    """The brief's own identity as the title block and metadata show it."""
    brief = project.brief
    return {
        "id": brief.id,
        "title": brief.title.get(lang),
        "subtitle": brief.subtitle.get(lang),
        "author": brief.author.get(lang),
        "keywords": getattr(brief.keywords, lang),
        "as_of": fmt.date(brief.as_of, lang),
        "as_of_iso": brief.as_of,
        "cutoff": fmt.date(brief.cutoff, lang),
        "cutoff_iso": brief.cutoff,
        # English says "on 11 March 2026" but "in November 2025" and "in 2025".
        "cutoff_on": "" if lang == "zh" else ("on" if len(brief.cutoff) == 10 else "in"),
        # Set in brief.yaml, the cut-off is not "the publication date of the newest source".
        "cutoff_set": brief.information_cutoff is not None,
        "source_count": len(brief.sources),
        "document_count": len({s.file for s in brief.sources}),
        "shared_documents": shared_documents(project, lang),
    }


def groups(project: Project, lang: str) -> list[dict[str, Any]]:
    """The project's own groups that facts or charts use, with their members named, for the data
    note; the country table's group lists its members there already."""
    brief, domain = project.brief, project.domain
    used = {c for f in project.facts.values() for c in f.countries}
    used |= {c for chart in project.charts.values() for c in chart.countries}
    tabled = brief.country_table.group if brief.country_table else None
    return [
        {
            "name": group.name.get(lang),
            "members": fmt.join([domain.name(code, lang) for code in group.members], lang),
        }
        for group in brief.groups
        if group.code in used and group.code != tabled and group.list_members
    ]


def shared_documents(project: Project, lang: str) -> list[str]:
    """References that are articles printed together in one source file ("[4] and [5]"), so
    that a reader counting sources and documents is told why they differ."""
    by_file: dict[str, list[int]] = {}
    for s in project.brief.sources:
        by_file.setdefault(s.file, []).append(project.reference_numbers[s.id])
    return [
        fmt.join([f"[{n}]" for n in sorted(refs)], lang)
        for refs in by_file.values()
        if len(refs) > 1
    ]


@dataclass(frozen=True)
class View:
    """Everything a page template receives; README's "Writing a template" documents each name."""

    lang: str
    S: dict[str, str]
    brief: dict[str, Any]
    F: Lookup
    B: Lookup
    Y: Lookup
    D: Lookup
    T: dict[str, Markup]
    L: dict[str, str]
    sections: list[dict[str, str]]
    citations: Citations
    timeline: list[dict[str, Any]]
    timeline_chart: str | None
    countries: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    due: list[dict[str, Any]]
    rechecks: list[dict[str, Any]]
    references: list[dict[str, Any]]
    facts_total: int
    due_ids: list[str]
    groups: list[dict[str, Any]]
    # Filled in by the build once charts are drawn and the edition is compared.
    charts: dict[str, dict[str, Any]] = field(default_factory=dict)
    changes: list[dict[str, Any]] = field(default_factory=list)
    previous_edition: str = ""
    memo_chart: str | None = None
    fonts_css: str = "fonts.css"
    stylesheet: str = "style.css"
    variant: str = "report"

    def context(self) -> dict[str, Any]:
        """The view as Jinja's context, with the claim call the prose uses."""
        names = {f.name: getattr(self, f.name) for f in fields(self)}
        return {**names, "claim": claim, CONTEXT_KEY: self.citations}


def _marked(texts: dict[str, str]) -> dict[str, Markup]:
    """Periods and dates as prose prints them: marked with their fact, which a sentence resting
    on them cites like a figure."""
    return {
        fact_id: Markup(f'<span class="when" data-fact="{escape(fact_id)}">{escape(text)}</span>')
        for fact_id, text in texts.items()
    }


def derive(project: Project, report: Report, lang: str, strings: Strings) -> View:
    """Build the view data of one language: every figure formatted here."""
    brief = project.brief
    texts = fact_texts(project, lang, strings)
    rows = Rows(project, texts, lang)
    countries = _country_rows(project, lang, secondary_reports(project), rows.short)
    if not any(c["facts"] for c in countries):
        countries = []  # a table of countries that no fact is about would say nothing
    return View(
        lang=lang,
        S=strings.values,
        brief=masthead(project, lang),
        F=Lookup(
            "F",
            "value or date to show; cite its statement with T or claim",
            texts.figures | texts.spelled,
        ),
        B=Lookup("B", "value to show (B is F without its qualifier)", texts.bare),
        Y=Lookup("Y", "period or date", _marked(texts.periods)),
        D=Lookup("D", "date (D is for events; use Y for a figure's period)", _marked(texts.dates)),
        T=texts.texts,
        L=texts.labels,
        sections=[{"id": s.id, "heading": s.heading.get(lang)} for s in brief.sections],
        citations=citations(project, lang, strings, report.pages),
        timeline=timeline(project, rows),
        timeline_chart=brief.timeline.chart if brief.timeline is not None else None,
        countries=countries,
        conflicts=[{"a": rows.short(a), "b": rows.short(b)} for a, b in report.conflicts],
        due=[rows.due(i) for i in report.due],
        rechecks=rows.rechecks(report),
        references=references(project, lang, report.pages),
        facts_total=len(project.facts),
        due_ids=[f.id for f in project.facts.values() if is_due(f, brief.as_of)],
        groups=groups(project, lang),
    )
