"""Turn a brief project into finished outputs: gather everything, then write and swap in."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from briefs.build.changes import (
    SNAPSHOT,
    Change,
    compare,
    previous_edition,
    read_snapshot,
    record_edition,
    shown,
    snapshot,
    write_snapshot,
)
from briefs.build.incremental import (
    FORMATS,
    VARIANTS,
    Plan,
    plan,
    read_manifest,
    write_manifest,
)
from briefs.charts import cache as charting
from briefs.charts.describe import describe
from briefs.charts.style import WIDTH_IN
from briefs.compose.confine import templates_outside
from briefs.compose.derive import Strings, derive, source_line
from briefs.compose.render import (
    check_references,
    load_strings,
    render_html,
    stylesheet,
    template_files,
)
from briefs.compose.wording import copy_problems, typed_problems
from briefs.errors import InputError, RenderError, UsageError
from briefs.facts.check import Report, check_project, read_texts
from briefs.facts.project import Project, load_project
from briefs.files import lock, swap_in
from briefs.fonts import FontSet, build_fonts, charset_of
from briefs.numbers import formatting as fmt
from briefs.publish.attached import facts_data
from briefs.publish.pdf import Attached, Typesetter, typesetting_processes
from briefs.publish.typeset import Pdf, Typesetting

LANGS = ("zh", "en")
STYLESHEET = "style.css"
STYLESHEETS = (STYLESHEET, "phone.css")
# Charts in Word documents: PNG pictures at print resolution.
WORD_DPI = 300


@dataclass
class Output:
    """One file a build produced and why."""

    path: Path
    pages: int | None = None
    kept: bool = False  # an unchanged PDF carried over from the last build, not typeset again


@dataclass
class BuildResult:
    """What a build did: outputs written, languages rebuilt (and why) or skipped, fact changes."""

    report: Report | None
    outputs: list[Output] = field(default_factory=list)
    charts_drawn: list[str] = field(default_factory=list)
    charts_cached: list[str] = field(default_factory=list)
    rebuilt: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


Progress = Callable[[str], None]


# Staged beside the outputs while PDFs are typeset, removed before they are swapped in.
PRINT_DIR = ".print"


def _quiet(_: str) -> None:
    return None


class _Text(HTMLParser):
    """Collect the text a reader sees (not attributes, not style)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        for name, value in attrs:
            if name in ("alt", "title") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text of an HTML page as a reader sees it (plus alt and title attributes)."""
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def check_project_files(root: Path, strict: bool = False) -> tuple[Project, Report, int]:
    """Load and cross-check a project, including the facts its templates refer to and the
    wording of its prose: a typed figure is an error; a run copied from a source is a warning
    in the report, or with `strict` an error."""
    project = load_project(root)
    report = check_project(project)
    outside = templates_outside(project.paths.templates)
    if outside:
        raise InputError(outside)
    known = set(project.facts) | set(project.computed)
    refs = check_references(project.paths.templates, known, {s.id for s in project.brief.sources})
    texts, _ = read_texts(project)
    copied = copy_problems(project, texts)
    problems = typed_problems(project) + (copied if strict else [])
    if problems:
        raise InputError(problems)
    report.warnings.extend(copied)
    return project, report, refs


def _fonts(project: Project, edition: Edition) -> FontSet:
    """Font subsets with every character the brief can print, the facts an edition removed
    (listed in its "what changed" box) included."""
    texts = [*project.inputs, *template_files(project.paths.templates)]
    texts = [p for p in texts if p.suffix in (".yaml", ".j2", ".html", ".css", ".md")]
    places = [c for f in project.facts.values() for c in f.countries]
    places += [c for chart in project.charts.values() for c in chart.countries]
    fact_units = [f.unit for f in project.facts.values() if f.unit]
    removed = [c.old for c in edition.changes if c.old is not None]
    units = fact_units + [str(old["unit"]) for old in removed if old.get("unit")]
    printed = project.domain.text(places, units) + json.dumps(removed, ensure_ascii=False)
    return build_fonts(project.paths.cache, charset_of(texts, printed))


def _chart_context(
    project: Project, lang: str, fonts: FontSet, result: BuildResult, drawn: set[tuple[str, str]]
) -> tuple[dict[str, Any], dict[str, bytes], dict[str, bytes]]:
    """Chart captions for the templates, and the SVG files for screens and for print."""
    files: dict[str, bytes] = {}
    printed: dict[str, bytes] = {}
    for chart in project.charts.values():
        svg, print_svg = charting.render_chart(
            chart, project.facts, lang, fonts, project.paths.cache, project.domain
        )
        fresh = (lang, chart.id) in drawn
        (result.charts_drawn if fresh else result.charts_cached).append(f"{lang}/{chart.id}")
        files[f"{chart.id}.svg"] = svg
        printed[f"{PRINT_DIR}/{chart.id}.svg"] = print_svg
    narrow = memo_chart(project)
    captions = chart_captions(project, lang)
    if narrow is not None:
        svg, print_svg = charting.render_chart(
            narrow, project.facts, lang, fonts, project.paths.cache, project.domain
        )
        files[f"{narrow.id}-memo.svg"] = svg
        printed[f"{PRINT_DIR}/{narrow.id}-memo.svg"] = print_svg
        captions[narrow.id]["memo_file"] = f"{narrow.id}-memo.svg"
    return captions, files, printed


def memo_chart(project: Project) -> Any:
    """The memo's chart drawn for the memo's half-width column, where the report's full-width
    drawing would print its labels at half size; None if the chart is half-width already."""
    chosen = project.brief.memo_chart or next(iter(project.charts), None)
    chart = project.charts.get(chosen) if chosen else None
    if chart is None or chart.size == "half":
        return None
    return chart.model_copy(update={"size": "half"})


def chart_captions(project: Project, lang: str) -> dict[str, Any]:
    """What the templates show of each chart: title, file, alt text, sources, note."""
    contexts: dict[str, Any] = {}
    sources = {s.id: s for s in project.brief.sources}
    for chart in project.charts.values():
        cited = sorted({project.facts[i].source for i in chart.fact_ids}, key=list(sources).index)
        contexts[chart.id] = {
            "id": chart.id,
            "file": f"{chart.id}.svg",
            "title": chart.title.get(lang),
            "alt": describe(chart, project.facts, lang, project.domain),
            "sources": [source_line(sources[s], lang) for s in cited],
            "refs": [list(sources).index(s) + 1 for s in cited],
            "note": chart.note.get(lang) if chart.note else "",
            "size": chart.size,
            "facts": " ".join(chart.fact_ids),
        }
    return contexts


def rendered_pages(project: Project, report: Report) -> Iterator[tuple[str, str, str]]:
    """Derive and render every page of every language as a build would, without drawing charts
    or typesetting: (language, variant, HTML) for each. `brief check` renders them all, so that it
    fails on whatever would stop a build's rendering."""
    for lang in LANGS:
        strings = Strings(load_strings(project.paths.templates, lang))
        captions = chart_captions(project, lang)
        view = replace(
            derive(project, report, lang, strings),
            charts=captions,
            memo_chart=project.brief.memo_chart or next(iter(captions), None),
            stylesheet=STYLESHEET,
        )
        for variant in VARIANTS:
            context = replace(view, variant=variant).context()
            html = render_html(
                project.paths.templates, variant, context, project.paths.cache / "templates"
            )
            yield lang, variant, html


def _change_rows(changes: list[Change], project: Project, lang: str) -> list[dict[str, str]]:
    rows = []
    for change in changes:
        current = project.facts.get(change.id)
        label = (
            current.label.get(lang)
            if current
            else (change.old or {}).get("label", {}).get(lang, "")
        )
        rows.append(
            {
                "kind": change.kind,
                "id": change.id,
                "label": label,
                "old": shown(change.old, lang, project.domain),
                "new": shown(change.new, lang, project.domain),
            }
        )
    return rows


def build(
    root: Path,
    out: Path,
    langs: tuple[str, ...] = LANGS,
    variants: tuple[str, ...] = VARIANTS,
    progress: Progress = _quiet,
    force: bool = False,
    planned: Plan | None = None,
    typesetter: Typesetter | None = None,
    formats: tuple[str, ...] = (),
) -> BuildResult:
    """Build the requested languages and variants of the brief in `root` into `out`.

    Languages whose inputs are unchanged since the last build into `out` are skipped. A caller
    may pass its own `typesetter` (started early, or kept across builds); it is not closed here.
    `formats` (html, pdf, docx) defaults to the project's `formats`.
    """
    for lang in langs:
        if lang not in LANGS:
            raise UsageError(f"unknown language '{lang}'; use zh, en or all")
    for name in formats:
        if name not in FORMATS:
            raise UsageError(f"unknown format '{name}'; use html, pdf or docx (a comma list)")
    todo = planned or plan(root, out, langs, variants, force, formats)
    if not todo.rebuild:
        return BuildResult(None, skipped=list(todo.skip))
    langs = tuple(lang for lang in langs if lang in todo.rebuild)
    with typesetting_processes(typesetter, len(langs) * len(variants)) as workers:
        return _build(root, out, langs, variants, progress, force, todo, workers)


@dataclass(frozen=True)
class Edition:
    """The previous edition (its date, if any) and the facts changed since."""

    previous: str
    changes: list[Change]


@dataclass
class Pages:
    """One language's rendered pages: files for the folder, print pages, the PDFs' data."""

    files: dict[str, bytes | str] = field(default_factory=dict)
    printed: dict[str, bytes | str] = field(default_factory=dict)
    data: dict[str, Attached] = field(default_factory=dict)  # print page name -> attachment
    docx: dict[str, bytes | str] = field(default_factory=dict)  # Word documents, by file name


def _build(
    root: Path,
    out: Path,
    langs: tuple[str, ...],
    variants: tuple[str, ...],
    progress: Progress,
    force: bool,
    todo: Plan,
    typesetter: Typesetter,
) -> BuildResult:
    rendered = render_all(root, out, langs, variants, progress, todo, typesetter)
    return write_all(rendered, out, variants, typesetter, todo, force)


@dataclass
class Rendered:
    """Everything a build computes before it writes: the checked project and each language's
    pages (`brief serve` shows the HTML from here before the PDFs are typeset)."""

    project: Project
    result: BuildResult
    facts: dict[str, dict[str, Any]]  # the snapshot of the facts this build used
    fonts: FontSet
    pages: dict[str, Pages]
    formats: tuple[str, ...]  # html, pdf, docx: what this build writes


def render_all(
    root: Path,
    out: Path,
    langs: tuple[str, ...],
    variants: tuple[str, ...],
    progress: Progress,
    todo: Plan,
    typesetter: Typesetter,
) -> Rendered:
    """Check the project, draw the charts missing from the cache and render every page."""
    progress("checking facts")
    project, report, _ = check_project_files(root)
    result = BuildResult(report, rebuilt=dict(todo.rebuild), skipped=list(todo.skip))
    current = snapshot(project.facts)
    last = read_snapshot(out / SNAPSHOT)
    result.changes = compare(last, current) if last is not None else []
    baseline = previous_edition(out, project.brief.id, project.brief.as_of)
    edition = Edition(
        previous=baseline[0] if baseline else "",
        changes=compare(baseline[1], current) if baseline else [],
    )
    progress("preparing fonts")
    fonts = _fonts(project, edition)
    drawn = draw_charts(project, langs, fonts, typesetter, progress)
    pages = {
        lang: render_pages(project, report, lang, variants, fonts, drawn, edition, result, progress)
        for lang in langs
    }
    formats = todo.formats or tuple(project.brief.formats)
    if "docx" in formats:
        progress("writing Word documents")
        for lang, page in pages.items():
            page.docx = word_files(project, lang, variants, fonts, page)
    return Rendered(project, result, current, fonts, pages, formats)


def write_all(
    rendered: Rendered,
    out: Path,
    variants: tuple[str, ...],
    typesetter: Typesetter,
    todo: Plan,
    force: bool,
) -> BuildResult:
    """Typeset the PDFs and swap every language's finished folder in, under the output lock."""
    project, result = rendered.project, rendered.result
    with lock(out):
        remove_stale_staging(out)
        typeset_and_write(
            project,
            out,
            rendered.pages,
            (variants, rendered.formats),
            rendered.fonts,
            typesetter,
            todo,
            force,
            result,
        )
        write_snapshot(out / SNAPSHOT, rendered.facts)
        record_edition(out, project.brief.id, project.brief.as_of, rendered.facts)
    return result


def draw_charts(
    project: Project,
    langs: tuple[str, ...],
    fonts: FontSet,
    typesetter: Typesetter,
    progress: Progress,
) -> set[tuple[str, str]]:
    """Draw the charts missing from the cache, in the worker processes; return (lang, id)."""
    narrow = memo_chart(project)
    to_draw = [
        (chart, lang)
        for lang in langs
        for chart in [*project.charts.values(), *([narrow] if narrow is not None else [])]
        if not charting.is_cached(
            chart, project.facts, lang, fonts, project.paths.cache, project.domain
        )
    ]
    if to_draw:
        progress(f"drawing {len(to_draw)} chart(s)")
        typesetter.map(
            charting.render_chart,
            [chart for chart, _ in to_draw],
            [charting.chart_facts(chart, project.facts) for chart, _ in to_draw],
            [lang for _, lang in to_draw],
            [fonts] * len(to_draw),
            [project.paths.cache] * len(to_draw),
            [project.domain] * len(to_draw),
        )
    return {(lang, chart.id) for chart, lang in to_draw if chart is not narrow}


def render_pages(
    project: Project,
    report: Report,
    lang: str,
    variants: tuple[str, ...],
    fonts: FontSet,
    drawn: set[tuple[str, str]],
    edition: Edition,
    result: BuildResult,
    progress: Progress,
) -> Pages:
    """Derive one language's view data and render its pages: HTML for screens, print pages."""
    strings = Strings(load_strings(project.paths.templates, lang))
    view = derive(project, report, lang, strings)
    chart_ctx, chart_files, print_charts = _chart_context(project, lang, fonts, result, drawn)
    view = replace(
        view,
        charts=chart_ctx,
        changes=_change_rows(edition.changes, project, lang),
        previous_edition=fmt.date(edition.previous, lang) if edition.previous else "",
        memo_chart=project.brief.memo_chart or next(iter(chart_ctx), None),
        stylesheet=STYLESHEET,
    )
    pages = Pages(dict(chart_files), dict(print_charts))
    for variant in variants:
        progress(f"{lang}: rendering {variant}")
        context = replace(view, variant=variant, charts=_charts_for(variant, chart_ctx)).context()
        html = render_html(
            project.paths.templates, variant, context, project.paths.cache / "templates"
        )
        missing = fonts.missing(visible_text(html))
        if missing:
            shown = ", ".join(f"U+{ord(c):04X} {c}" for c in missing[:10])
            raise RenderError(f"{lang} {variant}: no font has these characters: {shown}")
        pages.files[_name(project, variant, "html")] = html
        # The PDF is typeset from a copy that points at the print charts.
        for name in chart_files:
            html = html.replace(f'src="{name}"', f'src="{PRINT_DIR}/{name}"')
        printed = _print_name(project, variant)
        pages.printed[printed] = html
        pages.data[printed] = facts_data(project, html, lang, report.pages)
    return pages


def _charts_for(variant: str, charts: dict[str, Any]) -> dict[str, Any]:
    """The charts as a variant shows them: the memo shows its chart's narrow drawing."""
    if variant != "memo":
        return charts
    return {
        chart_id: {**chart, "file": chart["memo_file"]} if "memo_file" in chart else chart
        for chart_id, chart in charts.items()
    }


def word_files(
    project: Project, lang: str, variants: tuple[str, ...], fonts: FontSet, page: Pages
) -> dict[str, bytes | str]:
    """Publish each variant's Word document: its page, charts as pictures, the facts it cites."""
    from briefs.publish.docx import Picture, word_document

    pictures = {
        f"{chart.id}.svg": Picture(
            charting.render_png(
                chart, project.facts, lang, fonts, project.paths.cache, project.domain, WORD_DPI
            ),
            WIDTH_IN if chart.size == "full" else WIDTH_IN / 2,
        )
        for chart in project.charts.values()
    }
    narrow = memo_chart(project)
    if narrow is not None:
        png = charting.render_png(
            narrow, project.facts, lang, fonts, project.paths.cache, project.domain, WORD_DPI
        )
        pictures[f"{narrow.id}-memo.svg"] = Picture(png, WIDTH_IN / 2, drawn_for_memo=True)
    return {
        _name(project, variant, "docx"): word_document(
            str(page.files[_name(project, variant, "html")]),
            lang,
            pictures,
            page.data[_print_name(project, variant)],
        )
        for variant in variants
    }


def remove_stale_staging(out: Path) -> None:
    """Remove what a killed build left behind: staging folders and swapped-out old folders.

    Only called under the output folder's lock, so no other build is using them.
    """
    for path in out.iterdir():
        if path.is_dir() and (path.name.startswith(".staging-") or ".old-" in path.name):
            shutil.rmtree(path, ignore_errors=True)
    # Typeset chapters kept by brief 0.2, which joined the report from parts.
    shutil.rmtree(out / ".parts", ignore_errors=True)


def typeset_and_write(
    project: Project,
    out: Path,
    pages: dict[str, Pages],
    asked: tuple[tuple[str, ...], tuple[str, ...]],
    fonts: FontSet,
    typesetter: Typesetter,
    todo: Plan,
    force: bool,
    result: BuildResult,
) -> None:
    """Stage each language's folder, typeset its PDFs, and swap the folders in.

    `asked` is the variants and the formats built; the last outputs of the others are kept.
    """
    variants, formats = asked
    styles = {name: stylesheet(project.paths.templates, name) for name in STYLESHEETS}
    staging_dirs: dict[str, Path] = {}
    try:
        for lang, page in pages.items():
            staging = out / f".staging-{lang}-{os.getpid()}"
            staging_dirs[lang] = staging
            _stage(staging, fonts, styles, page.files | page.printed | page.docx)
        typesetting = Typesetting(
            out, fonts, typesetter, read_manifest(out).get("outputs", {}), force
        )
        bases = {lang: typesetting.base(page.printed, styles) for lang, page in pages.items()}
        pdfs = [
            Pdf(
                lang,
                staging_dirs[lang],
                _print_name(project, variant),
                _name(project, variant, "pdf"),
                str(page.printed[_print_name(project, variant)]),
                page.data[_print_name(project, variant)],
            )
            for variant in variants
            for lang, page in pages.items()
            if "pdf" in formats
        ]
        typesetting.run(pdfs, bases)
        for pdf in pdfs:
            result.outputs.append(Output(out / pdf.lang / pdf.name, pdf.pages, pdf.kept))
        files: dict[str, list[str]] = {}
        for lang, page in pages.items():
            made = [_name(project, v, ext) for ext in FORMATS if ext in formats for v in variants]
            result.outputs += [Output(out / lang / n) for n in made if not n.endswith(".pdf")]
            staging = staging_dirs[lang]
            _unstage(staging, page, styles, "html" in formats)
            carried = _carry(project, out / lang, staging, made, "html" in formats)
            screen = list(page.files) if "html" in formats else []
            files[lang] = screen + [n for n in made if not n.endswith(".html")] + carried
            swap_in(staging, out / lang)
        write_manifest(out, todo, files, {lang: typesetting.record(lang, pdfs) for lang in pages})
    finally:
        for staging in staging_dirs.values():
            if staging.exists():
                shutil.rmtree(staging)


def _unstage(staging: Path, page: Pages, styles: dict[str, str], html: bool) -> None:
    """Remove the print pages from a staged folder, and the screen files if HTML was not asked."""
    shutil.rmtree(staging / PRINT_DIR)
    names = list(page.printed)
    if not html:
        names += [*page.files, "fonts.css", *styles]
        shutil.rmtree(staging / "fonts")
    for name in names:
        (staging / name).unlink(missing_ok=True)


def _carry(project: Project, old: Path, staging: Path, made: list[str], html: bool) -> list[str]:
    """Keep the last outputs this build did not make: other variants and other formats.

    Without HTML this time, the last HTML's charts, fonts and stylesheets stay beside it.
    """
    outputs = {_name(project, v, ext) for v in VARIANTS for ext in FORMATS}
    carried: list[str] = []
    if not old.is_dir():
        return carried
    for path in sorted(old.iterdir()):
        if path.name in made or (staging / path.name).exists():
            continue
        if path.name in outputs or not html:
            if path.is_dir():
                shutil.copytree(path, staging / path.name)
                continue
            shutil.copyfile(path, staging / path.name)
            carried.append(path.name)
    return carried


def _stage(
    staging: Path, fonts: FontSet, styles: dict[str, str], files: dict[str, bytes | str]
) -> None:
    """Write a language's folder: fonts, stylesheets, pages, charts (and the print pages)."""
    (staging / "fonts").mkdir(parents=True)
    for path in fonts.web_files():
        shutil.copyfile(path, staging / "fonts" / path.name)
    (staging / "fonts.css").write_text(fonts.css(web=True), encoding="utf-8")
    for name, css in styles.items():
        (staging / name).write_text(css, encoding="utf-8")
    (staging / PRINT_DIR).mkdir()
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (staging / name).write_bytes(data)


def _print_name(project: Project, variant: str) -> str:
    """The staged HTML that WeasyPrint typesets: the page, pointing at the print charts."""
    return f".print-{_name(project, variant, 'html')}"


def _name(project: Project, variant: str, ext: str) -> str:
    stem = project.brief.id if variant == "report" else f"{project.brief.id}-{variant}"
    return f"{stem}.{ext}"
