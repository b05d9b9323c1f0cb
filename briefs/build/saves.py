"""Turn saves in a project's folders into lists of the files changed, for `watch` and `serve`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from briefs.build.incremental import input_files

FOLDERS = ("facts", "charts", "templates")


def saves(root: Path, ready: Callable[[str], None]) -> Iterator[list[Path]]:
    """Yield the files changed by each save (a burst of saves counts once) until Ctrl-C.

    `ready` is told once, when the watcher runs, what it watches: a save made before that would
    be missed, so a caller announces itself only then.
    """
    from watchfiles import watch as watch_files

    folders = [str(root / f) for f in FOLDERS if (root / f).is_dir()]
    announced = False
    # The first empty yield comes once the watcher runs (yield_on_timeout).
    for changed in watch_files(
        *folders, debounce=300, raise_interrupt=False, yield_on_timeout=True, rust_timeout=400
    ):
        if not changed:
            if not announced:
                ready(f"watching {len(input_files(root))} files in {', '.join(folders)}")
                announced = True
            continue
        yield sorted({Path(path) for _, path in changed if Path(path).is_file()})
