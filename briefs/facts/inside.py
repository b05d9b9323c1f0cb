"""Turn the files and paths a project names into paths proven to lie inside the project (links
followed), or into located errors that show nothing of what lies outside."""

from __future__ import annotations

import os
from pathlib import Path

from briefs.errors import InputError, Problem

# The folders a build reads; a link in them may point anywhere inside the project, never out.
FOLDERS = ("facts", "charts", "templates")
# A source is read whole and indexed character by character: a 5 MB text is some 2,500 pages,
# far more than any one source a brief cites, and takes seconds; past that, memory grows fast.
MAX_SOURCE_BYTES = 5_000_000
_LEAVES = "brief reads only files inside the project folder; copy the file into the project instead"


def is_inside(root: Path, path: Path) -> bool:
    """Whether `path`, links followed, lies inside `root`."""
    return path.resolve().is_relative_to(root.resolve())


def links_out(root: Path) -> list[Problem]:
    """Every file or folder in the project's folders that leads outside the project."""
    problems = []
    for name in FOLDERS:
        top = root / name
        if top.is_symlink() and not is_inside(root, top):
            problems.append(
                Problem(
                    f"the folder {name}/ is a link that leads outside the project; {_LEAVES}", top
                )
            )
            continue
        for folder, dirs, files in os.walk(top):
            for entry in sorted(dirs + files):
                path = Path(folder, entry)
                if path.is_symlink() and not is_inside(root, path):
                    problems.append(
                        Problem(f"a link that leads outside the project; {_LEAVES}", path)
                    )
    return problems


def check_links(root: Path) -> None:
    """Fail, before anything is read, if a file or folder of the project leads outside it."""
    problems = links_out(root)
    if problems:
        raise InputError(problems)


def source_file(root: Path, given: str, listing: Path, line: int | None) -> Path:
    """The source file a `file:` entry names (relative to facts/), checked: inside the project,
    a regular file, and not too large to index."""
    path = root / "facts" / given
    if not is_inside(root, path):
        raise InputError(
            [Problem(f"the source file {given} lies outside the project; {_LEAVES}", listing, line)]
        )
    if not path.is_file():
        raise InputError([Problem(f"file {given} not found under facts/", listing, line)])
    size = path.stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise InputError(
            [
                Problem(
                    f"the source file {given} is {size:,} bytes; brief reads sources up to "
                    f"{MAX_SOURCE_BYTES:,}: keep only the part the brief cites (the article, "
                    "the chapter) in the file",
                    listing,
                    line,
                )
            ]
        )
    return path


def not_text(path: Path, given: str) -> str | None:
    """Why a source file is not UTF-8 text (a PDF, a Word file, other binary data), or None."""
    with path.open("rb") as handle:
        head = handle.read(8)
    kinds = {
        b"%PDF": "a PDF",
        b"PK\x03\x04": "a Word, OpenDocument or ZIP file",
        b"\xd0\xcf\x11\xe0": "an old Word file",
    }
    kind = next((k for magic, k in kinds.items() if head.startswith(magic)), None)
    if kind is None:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            at = raw[: exc.start].count(b"\n") + 1
            kind = f"not UTF-8 text (line {at} has a byte that UTF-8 does not allow)"
        else:
            if "\x00" not in text:
                return None
            kind = "binary data, not text"
    return (
        f"the source file {given} is {kind}: turn it into text with `brief import facts/{given}` "
        "(or save it as UTF-8 plain text) and name the text file here"
    )
