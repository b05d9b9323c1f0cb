"""Turn command lines into calls of the build functions, and errors into clear messages."""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.core
from typer.exceptions import TyperException

from briefs import __version__
from briefs.errors import EXIT_INTERNAL, EXIT_USAGE, BriefError, Problem

if TYPE_CHECKING:
    # Typer vendors click as a private module; only its Context type is needed here.
    from typer._click.core import Context as ClickContext

    from briefs.build.pipeline import BuildResult
    from briefs.publish.pdf import Typesetter

EXIT_CODES = (
    "Exit codes: 0 success; 1 the project's input is wrong (YAML, schema, facts, templates); "
    "2 rendering failed (chart, missing glyph, WeasyPrint warning); 3 another build holds the "
    "output folder; 4 the command line is wrong; 70 internal error (a bug in brief)."
)


class _ErrorBoundary(typer.core.TyperGroup):
    """The one place where errors become messages and exit codes.

    A `BriefError` prints its problems and exits with its code; anything else is a bug in brief:
    it prints "internal error" and exits with EXIT_INTERNAL. `--debug` shows tracebacks.
    """

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except BriefError as exc:
            _report(exc, ctx.invoked_subcommand not in _READ_ONLY)
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except Exception as exc:
            if state["debug"]:
                raise
            typer.echo(
                f"internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in brief, not in your project; run again with --debug for the "
                "traceback and report it. The last good outputs are unchanged.",
                err=True,
            )
            raise typer.Exit(EXIT_INTERNAL) from None


app = typer.Typer(
    cls=_ErrorBoundary,
    help="Build bilingual (Chinese/English) briefings from a source-checked fact file.\n\n"
    + EXIT_CODES,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain help: rich would double the time `brief --help` takes to load.
    rich_markup_mode=None,
)

state: dict[str, Any] = {"debug": False, "exit": 1}

ProjectOpt = Annotated[
    Path,
    typer.Option(
        "--project",
        "-p",
        help="The brief project folder (holds facts/, charts/, templates/).",
        file_okay=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"brief {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Build bilingual briefings from a source-checked fact file."""
    state["debug"] = debug
    del version


# Commands that write no outputs: their errors do not speak of the last good outputs.
_READ_ONLY = frozenset({"extract", "new", "schema", "diff"})


def _report(exc: BriefError, outputs: bool = True) -> None:
    """Print a user error plainly (or re-raise it under --debug) and remember its exit code;
    `outputs`: the command writes outputs, so say that the last good ones are unchanged."""
    if state["debug"]:
        raise exc
    for problem in exc.problems:
        typer.echo(f"error: {problem}", err=True)
    if len(exc.problems) > 1:
        typer.echo(f"{len(exc.problems)} problems.", err=True)
    if outputs:
        typer.echo("nothing was written; the last good outputs are unchanged.", err=True)
    state["exit"] = exc.exit_code


def _langs(lang: str) -> tuple[str, ...]:
    if lang == "all":
        return ("zh", "en")
    if lang in ("zh", "en"):
        return (lang,)
    typer.echo(f"error: unknown language '{lang}'; use zh, en or all", err=True)
    raise typer.Exit(EXIT_USAGE)


def _run_build(
    root: Path,
    target: Path,
    langs: tuple[str, ...],
    variants: tuple[str, ...],
    force: bool,
    quiet: bool,
    verbose: bool,
    typesetter: Typesetter | None = None,
    formats: tuple[str, ...] = (),
) -> bool:
    """One build with its report; returns False (after printing the error) if it failed.

    The typesetting processes start as soon as the build is known to be needed, before the rest
    of brief is imported, so that they load WeasyPrint meanwhile; `typesetter` reuses running ones.
    """
    from briefs.build.incremental import plan

    started = time.perf_counter()
    try:
        todo = plan(root, target, langs, variants, force, formats)
    except BriefError as exc:
        _report(exc)
        return False
    if not todo.rebuild:
        if not quiet:
            typer.echo(f"up to date: {', '.join(todo.skip)} (nothing changed; --force rebuilds)")
        return True
    from briefs.publish.pdf import typesetting_processes

    try:
        with typesetting_processes(typesetter, len(todo.rebuild) * len(variants)) as workers:
            from briefs.build.pipeline import build as run_build

            with _progress(quiet, verbose) as progress:
                result = run_build(
                    root,
                    target,
                    langs,
                    variants,
                    force=force,
                    planned=todo,
                    progress=progress,
                    typesetter=workers,
                    formats=formats,
                )
    except BriefError as exc:
        _report(exc)
        return False
    if not quiet:
        _print_build(result, started)
    return True


def _print_build(result: BuildResult, started: float) -> None:
    """What a build did: languages rebuilt and why, facts changed, files written, a summary."""
    from briefs.build.changes import describe
    from briefs.numbers.formatting import count

    for lang, reason in result.rebuilt.items():
        typer.echo(f"rebuilt {lang}: {reason}")
    for lang in result.skipped:
        typer.echo(f"skipped {lang}: unchanged")
    for change in result.changes:
        typer.echo(f"  {describe(change, 'en')}")
    for output in result.outputs:
        pages = f" ({count(output.pages, 'page')})" if output.pages else ""
        verb = "kept (page unchanged)" if output.kept else "wrote"
        typer.echo(f"{verb} {_rel(output.path)}{pages}")
    if result.report:
        _warn(result.report.warnings)
    summary = result.report.summary() if result.report else ""
    typer.echo(
        f"charts: {len(result.charts_drawn)} drawn, {len(result.charts_cached)} unchanged; "
        f"{summary}; {time.perf_counter() - started:.1f} s"
    )


def _warn(warnings: list[Problem]) -> None:
    for problem in warnings:
        typer.echo(f"warning: {problem}", err=True)


@contextmanager
def _progress(quiet: bool, verbose: bool) -> Iterator[Callable[[str], None]]:
    """Show the build's stages: a live status line on a terminal, plain lines with --verbose."""
    if verbose:
        yield lambda message: typer.echo(f"  {message}", err=True)
        return
    from rich.console import Console

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield lambda message: None
        return
    with console.status("building") as status:
        yield lambda message: status.update(message)


def _variants(variant: str) -> tuple[str, ...]:
    from briefs.build.incremental import VARIANTS

    if variant == "all":
        return VARIANTS
    if variant not in VARIANTS:
        typer.echo(f"error: unknown variant '{variant}'; use report, memo or all", err=True)
        raise typer.Exit(EXIT_USAGE)
    return (variant,)


def _formats(formats: str | None) -> tuple[str, ...]:
    from briefs.build.incremental import FORMATS

    if formats is None:
        return ()
    asked = tuple(dict.fromkeys(f.strip() for f in formats.split(",") if f.strip()))
    unknown = [f for f in asked if f not in FORMATS]
    if unknown or not asked:
        typer.echo(
            f"error: unknown format '{','.join(unknown) or formats}'; use a comma list of "
            "html, pdf and docx",
            err=True,
        )
        raise typer.Exit(EXIT_USAGE)
    return asked


LangOpt = Annotated[str, typer.Option("--lang", "-l", help="zh, en or all.")]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="What to write, a comma list of html, pdf and docx (Word, for review) "
        "[default: `formats` in facts/brief.yaml, else html,pdf].",
    ),
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="Output folder [default: PROJECT/build].")
]
VariantOpt = Annotated[str, typer.Option("--variant", help="report, memo (one A4 page) or all.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Print each stage.")]


@app.command()
def build(
    lang: LangOpt = "all",
    out: OutOpt = None,
    project: ProjectOpt = Path("."),
    variant: VariantOpt = "all",
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild even if nothing changed.")
    ] = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    formats: FormatOpt = None,
) -> None:
    """Build the brief: OUT/<lang>/<id>.html and .pdf (and .docx), with charts and fonts.

    Only languages whose inputs changed since the last build are rebuilt; the build says
    what it rebuilt and why, and which facts changed.
    """
    root = project.resolve()
    target = (out or root / "build").resolve()
    langs, variants, asked = _langs(lang), _variants(variant), _formats(formats)
    if not _run_build(root, target, langs, variants, force, quiet, verbose, formats=asked):
        raise typer.Exit(state["exit"])


@app.command()
def watch(
    lang: LangOpt = "all",
    out: OutOpt = None,
    project: ProjectOpt = Path("."),
    variant: VariantOpt = "all",
    formats: FormatOpt = None,
) -> None:
    """Rebuild on every save of a fact, chart or template; print errors and keep watching."""
    from briefs.publish.pdf import Typesetter

    root = project.resolve()
    target = (out or root / "build").resolve()
    langs, variants, asked = _langs(lang), _variants(variant), _formats(formats)
    # One set of typesetting processes for the whole session: rebuilds skip loading WeasyPrint.
    # A termination signal ends the session like Ctrl-C, so that they are shut down too.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    workers = Typesetter(len(langs) * len(variants), warm=True)
    try:
        _watch(root, target, (langs, variants, asked), workers)
    except KeyboardInterrupt:
        pass
    finally:
        workers.close()


def _watch(
    root: Path,
    target: Path,
    asked: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]],
    workers: Typesetter,
) -> None:
    """Build, then build again on every save; `asked` is the languages, variants, formats."""
    from briefs.build.saves import saves

    langs, variants, formats = asked
    _run_build(root, target, langs, variants, False, False, False, workers, formats)
    for changed in saves(root, lambda watching: typer.echo(f"{watching} (Ctrl-C stops)")):
        typer.echo(f"changed: {', '.join(_rel(path) for path in changed)}")
        _run_build(root, target, langs, variants, False, False, False, workers, formats)


@app.command()
def serve(
    port: Annotated[
        int, typer.Option("--port", help="Port on 127.0.0.1 (0: any free one).")
    ] = 8000,
    lang: LangOpt = "all",
    out: OutOpt = None,
    project: ProjectOpt = Path("."),
    variant: VariantOpt = "all",
) -> None:
    """Build, serve the output folder on 127.0.0.1 and rebuild on every save.

    The open page reloads itself as soon as its new HTML is rendered, and shows a build error
    until it is fixed; the PDFs are typeset in the background and served at the same paths.
    """
    from briefs.build.serve import serve as serve_preview

    root = project.resolve()
    target = (out or root / "build").resolve()
    langs, variants = _langs(lang), _variants(variant)
    # Ctrl-C and a termination signal stop the server and its typesetting processes, even when
    # a shell started it in the background with Ctrl-C ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        serve_preview(root, target, langs, variants, port, typer.echo)
    except OSError as exc:
        typer.echo(f"error: cannot serve on 127.0.0.1:{port}: {exc.strerror}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    except KeyboardInterrupt:
        pass


@app.command()
def diff(
    old: Annotated[
        str, typer.Argument(help="A fact file, a project or facts folder, or a git revision.")
    ],
    new: Annotated[str, typer.Argument(help="The same, to compare with OLD.")] = "HEAD",
    lang: Annotated[
        str, typer.Option("--lang", "-l", help="Language of the figures: zh or en.")
    ] = "en",
    project: ProjectOpt = Path("."),
) -> None:
    """Show the facts added, removed and changed between two fact files or git revisions."""
    from briefs.build.changes import compare, describe, load_side

    if lang not in ("zh", "en"):
        typer.echo(f"error: unknown language '{lang}'; use zh or en", err=True)
        raise typer.Exit(EXIT_USAGE)
    root = project.resolve()
    changes = compare(load_side(root, old), load_side(root, new))
    for change in changes:
        typer.echo(describe(change, lang))
    added = sum(c.kind == "added" for c in changes)
    removed = sum(c.kind == "removed" for c in changes)
    typer.echo(f"{added} added, {removed} removed, {len(changes) - added - removed} changed")


@app.command()
def check(
    project: ProjectOpt = Path("."),
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="List the figures no fact captures and the facts never cited."
        ),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Fail on prose that copies a run of words from a source (a warning)."
        ),
    ] = False,
) -> None:
    """Validate the project and render every page (without typesetting): a one-line summary.

    Also reports coverage: how many figures in each source no fact captures yet, and which
    facts the brief never cites.
    """
    from briefs.build.pipeline import check_project_files, rendered_pages
    from briefs.compose.render import cited_facts
    from briefs.intake.mining import coverage

    loaded, report, refs = check_project_files(project.resolve(), strict)
    pages = sum(1 for _ in rendered_pages(loaded, report))
    _warn(report.warnings)
    for recheck in report.rechecks:
        if not recheck.agrees:
            typer.echo(
                f"note: [{recheck.fact}] the source states {recheck.stated:g}; recomputed from its "
                f"components: {recheck.computed:.4g} ({recheck.method})"
            )
    found = coverage(loaded, cited_facts(loaded.paths.templates))
    for source in found.sources:
        typer.echo(
            f"coverage: {source.source}: {source.captured} of {source.figures} figures captured "
            f"by facts, {len(source.missing)} not"
        )
        if verbose:
            for figure in source.missing:
                typer.echo(f"  line {figure.line}: {figure.text} in {figure.sentence}")
    typer.echo(
        f"coverage: {found.captured} of {found.figures} figures in the sources captured; "
        f"{len(found.uncited)} facts never cited by the templates or charts"
        + ("" if verbose else " (--verbose lists them; `brief extract SOURCE` drafts facts)")
    )
    if verbose:
        for fact_id in found.uncited:
            typer.echo(f"  never cited: {fact_id}")
    typer.echo(
        f"ok: {report.summary()}; {refs} fact references in templates; "
        f"{pages} pages rendered, every cited fact covered by its note"
    )


@app.command()
def extract(
    source: Annotated[str, typer.Argument(help="Id of a source in facts/brief.yaml.")],
    project: ProjectOpt = Path("."),
    missing: Annotated[
        bool, typer.Option("--missing", help="Only the figures no fact captures yet.")
    ] = False,
) -> None:
    """Print every figure in a source as a candidate fact (YAML) to paste into a fact file.

    Each candidate carries the value, its unit, qualifier and kind, the year nearest to it and
    a short verbatim quote; the source's sentence and line stand above it as a comment. Only
    facts/brief.yaml's source list is read, so this works before the project checks
    (--missing compares with the facts, so they must load).
    """
    from briefs.intake.listing import listing
    from briefs.intake.mining import candidates, coverage, figures

    listed = listing(project.resolve())
    src = listed.source(source)
    if missing:
        from briefs.facts.project import load_project

        loaded = load_project(project.resolve())
        found = next(s for s in coverage(loaded, set()).sources if s.source == source).missing
    else:
        found = figures(source, listed.text(src), src.date, src.language)
    section = listed.sections[0] if listed.sections else "todo"
    typer.echo(candidates(found, section), nl=False)
    typer.echo(f"# {len(found)} figures in {source}", err=True)


@app.command("import")
def import_source(
    file: Annotated[
        Path, typer.Argument(help="A PDF, saved web page (.html), Word file (.docx), .md or .txt.")
    ],
    source_id: Annotated[
        str | None, typer.Option("--id", help="The source's id (default: from the file name).")
    ] = None,
    language: Annotated[
        str | None,
        typer.Option("--language", help="The language it is written in (default: detected)."),
    ] = None,
    project: ProjectOpt = Path("."),
) -> None:
    """Make a source of a document: its text with page marks under facts/sources/, the original
    kept beside it, and its citation appended to facts/brief.yaml (blanks marked TODO)."""
    import re

    from briefs.errors import UsageError
    from briefs.intake.mining import figures
    from briefs.intake.register import register
    from briefs.sources.importing import import_document
    from briefs.sources.text import read_source

    if not file.is_file() and (project / file).is_file():
        file = project / file  # named as `brief check` names it, from the project folder
    if not file.is_file():
        raise UsageError(f"{file}: no such file")
    if language is not None and not re.fullmatch(r"[a-z]{2,3}", language):
        raise UsageError(f"--language takes an ISO 639 code such as zh or en, got {language!r}")
    doc = import_document(file)
    done = register(project.resolve(), file, doc, source_id, language or doc.language)
    pages = f", {doc.pages} pages marked" if doc.pages else ""
    typer.echo(f"imported {doc.kind} as source '{done.id}': {_rel(done.text)}{pages}")
    typer.echo(f"kept the original as {_rel(done.original)}")
    stated = ", ".join(k for k in doc.meta if k != "accessed") or "nothing"
    typer.echo(f"citation in facts/brief.yaml: filled from the file: {stated}")
    if done.blanks:
        typer.echo(f"  still TODO (brief check reports them): {', '.join(done.blanks)}")
    found = figures(done.id, read_source(done.text), doc.meta.get("date"), language or doc.language)
    typer.echo(f"{len(found)} figures in it: `brief extract {done.id}` drafts them as facts")


@app.command()
def review(
    file: Annotated[Path, typer.Argument(help="A .docx written by `brief build --format docx`.")],
    project: ProjectOpt = Path("."),
) -> None:
    """List the figures a reviewer changed in a Word brief, against the facts they came from.

    Each changed figure is shown with its fact ids, the text the brief printed, the text now
    in the document (tracked changes counted as accepted) and where the fact is defined.
    """
    from briefs.publish.review import review as read_review
    from briefs.publish.review import where_defined

    found = read_review(file)
    where = where_defined(project.resolve(), found)
    for edit in found.edits:
        new_text = "(deleted)" if edit.new is None else f"“{edit.new}”"
        tracked = " (tracked change)" if edit.tracked else ""
        typer.echo(f"changed: {' '.join(edit.facts)}: “{edit.old}” -> {new_text}{tracked}")
        for fact_id in edit.facts:
            typer.echo(f"  {fact_id}: {where.get(fact_id, 'not in this project')}")
    typer.echo(
        f"{len(found.edits)} of {found.figures} figures changed in {file.name} "
        f"({found.brief}, {found.language}, edition {found.edition})"
    )


@app.command()
def new(
    directory: Annotated[Path, typer.Argument(help="Folder for the new brief project.")],
) -> None:
    """Start a new brief project: example facts, a source, a chart and prose that build."""
    from briefs.new import new_project

    files = new_project(directory)
    typer.echo(f"created {len(files)} files in {directory}")
    typer.echo(f"next: cd {directory} && brief build --lang all")


@app.command()
def schema(
    kind: Annotated[str, typer.Argument(help="facts, brief, charts or computed.")] = "facts",
) -> None:
    """Print the JSON Schema of a project file, so an editor can validate and complete it."""
    from briefs.docs import SCHEMAS, json_schema

    if kind not in SCHEMAS:
        typer.echo(f"error: unknown kind '{kind}'; use {', '.join(SCHEMAS)}", err=True)
        raise typer.Exit(EXIT_USAGE)
    typer.echo(json_schema(kind))


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
