"""Turn content (bytes, brief's own code and theme) into the keys caches and rebuilds go by."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from briefs import THEME, __version__

_CODE = Path(__file__).parent


def key(*pieces: str | bytes) -> str:
    """A content key: the hash of the pieces, each length-prefixed so that none can run into
    the next."""
    h = hashlib.sha256()
    for piece in pieces:
        data = piece.encode("utf-8") if isinstance(piece, str) else piece
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()[:20]


def code_version() -> str:
    """The package version plus a hash of its code and theme, so that an upgrade rebuilds."""
    files = [*sorted(_CODE.rglob("*.py")), *sorted(p for p in THEME.rglob("*") if p.is_file())]
    # Reading every file again for each chart's key cost a save in `brief serve` about 7%; a
    # file's size and modification time tell when it must be read again.
    stamps = tuple((path, path.stat().st_mtime_ns, path.stat().st_size) for path in files)
    return _hashed(stamps)


@functools.lru_cache(maxsize=8)
def _hashed(stamps: tuple[tuple[Path, int, int], ...]) -> str:
    h = hashlib.sha256(__version__.encode())
    for path, _, _ in stamps:
        h.update(path.read_bytes())
    return h.hexdigest()[:16]
