"""Turn an empty folder into a working brief project: brief.yaml, facts, a source, prose."""

from __future__ import annotations

import shutil
from pathlib import Path

from briefs.errors import UsageError

# Only what the author owns: the layout (page templates, stylesheets, interface strings) stays in
# the package's theme, so that an upgrade of brief brings its fixes to every project.
SCAFFOLD = Path(__file__).parent / "scaffold"
# Stored without its dot, which package data would leave out of a wheel.
RENAMED = {"gitignore": ".gitignore"}


def scaffold_files() -> list[Path]:
    """The files a new project starts from, as installed with the package."""
    files = sorted(p for p in SCAFFOLD.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    if not files:
        raise UsageError(f"the project scaffold is missing at {SCAFFOLD}; reinstall brief")
    return files


def new_project(target: Path) -> list[Path]:
    """Create a brief project in `target` (which must be empty or absent); return the files."""
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"{target} is not empty; choose a new folder")
    written: list[Path] = []
    for source in scaffold_files():
        relative = source.relative_to(SCAFFOLD)
        dest = target / relative.parent / RENAMED.get(relative.name, relative.name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        written.append(dest)
    return written
