"""Turn finished bytes into files on disk: atomic writes, the output folder's lock, the swap-in."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from briefs.errors import BusyError


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file so that readers see the old content or the whole new one, never a part."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    if isinstance(data, str):
        tmp.write_text(data, encoding="utf-8")
    else:
        tmp.write_bytes(data)
    os.replace(tmp, path)


@contextmanager
def lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output folder, or refuse at once if another build has it."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    handle = open(out / ".lock", "w")  # noqa: SIM115
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise BusyError(f"another build is writing to {out}; wait for it to finish") from None
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def swap_in(staging: Path, target: Path) -> None:
    """Replace `target` by the finished `staging` folder in (nearly) one step."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    if old.exists():
        shutil.rmtree(old)
