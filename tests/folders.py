"""Turn a folder into the digest of its files, to show that a failed build changed nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path


def digest(folder: Path) -> dict[str, str]:
    """Each file's path below `folder` and the SHA-256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
