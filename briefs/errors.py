"""All exceptions the tool raises on purpose, and the exit codes the CLI maps them to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Exit codes, documented in `brief --help` and the README.
EXIT_OK = 0
EXIT_INPUT = 1  # the project's input is wrong (YAML, schema, cross-checks, templates)
EXIT_RENDER = 2  # rendering failed (a missing glyph, a WeasyPrint warning, a chart error)
EXIT_BUSY = 3  # another build holds the project's lock
EXIT_USAGE = 4  # the command line itself is wrong (unknown language, missing project)
EXIT_INTERNAL = 70  # a bug in brief itself (EX_SOFTWARE in sysexits.h)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    message: str
    file: Path | None = None
    line: int | None = None
    column: int | None = None
    fact: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = str(self.file)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        who = f"[{self.fact}] " if self.fact else ""
        return f"{where}{who}{self.message}"


class BriefError(Exception):
    """An error the user can fix; the CLI prints it without a traceback."""

    exit_code = EXIT_INPUT

    def __init__(self, problems: list[Problem] | str) -> None:
        self.problems = [Problem(problems)] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InputError(BriefError):
    """The project's files are wrong: YAML syntax, schema or cross-checks."""


class RenderError(BriefError):
    """Rendering failed: a chart, a template, a missing glyph or a WeasyPrint warning."""

    exit_code = EXIT_RENDER


class BusyError(BriefError):
    """Another build of the same output folder is running."""

    exit_code = EXIT_BUSY


class UsageError(BriefError):
    """The command line asks for something that does not exist."""

    exit_code = EXIT_USAGE
