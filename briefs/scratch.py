"""Turn the system's temporary folder into a private one per brief process, removed at the end
(or, after a kill, by the next brief process that starts)."""

from __future__ import annotations

import fcntl
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Everything brief and the libraries it calls (WeasyPrint's font folders, fontTools, matplotlib)
# put in the temporary folder goes into one `brief-*` folder per process, so that one removal
# cleans it all, whoever made the files and however the process ended.
PREFIX = "brief-"
_LOCK = ".lock"
_active: list[Path] = []


def sweep(base: Path) -> list[Path]:
    """Remove the private folders that brief processes no longer hold (killed ones left them).

    A running process keeps its folder's lock file locked (its workers share the lock), so a
    folder whose lock can be taken belongs to no live process.
    """
    removed = []
    for folder in base.glob(f"{PREFIX}*"):
        lock = folder / _LOCK
        if not folder.is_dir() or folder.is_symlink():
            continue
        try:
            handle = open(lock, "a")  # noqa: SIM115
        except OSError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        shutil.rmtree(folder, ignore_errors=True)
        handle.close()
        removed.append(folder)
    return removed


@contextmanager
def private_tempdir() -> Iterator[Path]:
    """Make `tempfile` use a new private folder until the block ends, then remove the folder.

    Nested uses share the outer folder. Processes forked meanwhile inherit both the folder and
    its lock, so the folder survives a kill of the main process only until the next start.
    """
    if _active:
        yield _active[-1]
        return
    base = Path(tempfile.gettempdir())
    sweep(base)
    folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=base))
    handle = open(folder / _LOCK, "w")  # noqa: SIM115
    fcntl.flock(handle, fcntl.LOCK_EX)
    previous = tempfile.tempdir
    tempfile.tempdir = str(folder)
    _active.append(folder)
    try:
        yield folder
    finally:
        _active.pop()
        tempfile.tempdir = previous
        shutil.rmtree(folder, ignore_errors=True)
        handle.close()
        # Again at the end: the workers of a build killed just before this one started may
        # have held their folder's lock for a moment longer.
        sweep(base)


def use_folder(folder: str) -> None:
    """Make this (worker) process put its temporary files in its parent's private folder."""
    tempfile.tempdir = folder
