"""Turn content (bytes, brief's own code and theme) into the keys caches and rebuilds go by."""

from __future__ import annotations

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
    h = hashlib.sha256(__version__.encode())
    theme = sorted(p for p in THEME.rglob("*") if p.is_file())
    for path in [*sorted(_CODE.rglob("*.py")), *theme]:
        h.update(path.read_bytes())
    return h.hexdigest()[:16]
