"""Turn command lines into calls of the build and check functions, and errors into clear messages."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from briefs import __version__
from briefs.errors import EXIT_USAGE, BriefError

EXIT_CODES = (
    "Exit codes: 0 success; 1 the project's input is wrong (YAML, schema, facts, templates); "
    "2 rendering failed (chart, missing glyph, WeasyPrint warning); 3 another build holds the "
    "output folder; 4 the command line is wrong."
)

app = typer.Typer(
    help="Build bilingual (Chinese/English) briefings from a source-checked fact file.\n\n"
    + EXIT_CODES,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)

state = {"debug": False}

ProjectOpt = Annotated[
    Path,
    typer.Option("--project", "-p", help="The brief project folder (holds facts/, charts/, templates/).",
                 file_okay=False),
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


def _fail(exc: BriefError) -> None:
    if state["debug"]:
        raise exc
    for problem in exc.problems:
        typer.echo(f"error: {problem}", err=True)
    if len(exc.problems) > 1:
        typer.echo(f"{len(exc.problems)} problems; nothing was written.", err=True)
    raise typer.Exit(exc.exit_code)


def _langs(lang: str) -> tuple[str, ...]:
    if lang == "all":
        return ("zh", "en")
    if lang in ("zh", "en"):
        return (lang,)
    typer.echo(f"error: unknown language '{lang}'; use zh, en or all", err=True)
    raise typer.Exit(EXIT_USAGE)


@app.command()
def build(
    lang: Annotated[str, typer.Option("--lang", "-l", help="zh, en or all.")] = "all",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder [default: PROJECT/build].")] = None,
    project: ProjectOpt = Path("."),
    variant: Annotated[
        str, typer.Option("--variant", help="report, memo or all (the one-page memo).")
    ] = "all",
) -> None:
    """Build the brief: OUT/<lang>/<id>.html and .pdf, with charts and fonts beside them."""
    from briefs.build import build as run_build
    from briefs.render import VARIANTS

    langs = _langs(lang)
    if variant not in (*VARIANTS, "all"):
        typer.echo(f"error: unknown variant '{variant}'; use report, memo or all", err=True)
        raise typer.Exit(EXIT_USAGE)
    variants = VARIANTS if variant == "all" else (variant,)
    root = project.resolve()
    target = (out or root / "build").resolve()
    started = time.perf_counter()
    try:
        result = run_build(root, target, langs, variants)
    except BriefError as exc:
        _fail(exc)
        return
    for output in result.outputs:
        pages = f" ({output.pages} pages)" if output.pages else ""
        typer.echo(f"wrote {_rel(output.path)}{pages}")
    typer.echo(
        f"charts: {len(result.charts_drawn)} drawn, {len(result.charts_cached)} from cache; "
        f"{result.report.summary()}; {time.perf_counter() - started:.1f} s"
    )


@app.command()
def check(project: ProjectOpt = Path(".")) -> None:
    """Validate the project without rendering and print a one-line summary."""
    from briefs.build import check_project_files

    try:
        _, report, refs = check_project_files(project.resolve())
    except BriefError as exc:
        _fail(exc)
        return
    for recheck in report.rechecks:
        if not recheck.agrees:
            typer.echo(
                f"note: [{recheck.fact}] the source states {recheck.stated:g}; recomputed from its "
                f"components: {recheck.computed:.4g} ({recheck.method})"
            )
    typer.echo(f"ok: {report.summary()}; {refs} fact references in templates")


@app.command()
def new(directory: Annotated[Path, typer.Argument(help="Folder for the new brief project.")]) -> None:
    """Start a new brief project: an example fact file, source, chart and templates that build."""
    from briefs.new import new_project

    try:
        files = new_project(directory)
    except BriefError as exc:
        _fail(exc)
        return
    typer.echo(f"created {len(files)} files in {directory}")
    typer.echo(f"next: cd {directory} && brief build --lang all")


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
