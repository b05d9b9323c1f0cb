"""Turn facts/brief.yaml's source list into the source texts mining reads, without validating
the rest of the project (so that `brief extract` helps before the project checks)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefs.errors import InputError, UsageError
from briefs.facts.inside import not_text, source_file
from briefs.facts.loader import load_yaml
from briefs.sources.text import SourceText, read_source


@dataclass(frozen=True)
class Listed:
    """A source as brief.yaml lists it: what mining needs of it."""

    id: str
    file: str
    language: str
    date: str | None
    start: str | None
    end: str | None


@dataclass(frozen=True)
class Listing:
    """The sources of a project and the sections its facts may name."""

    root: Path
    sources: list[Listed]
    sections: list[str]

    def source(self, source_id: str) -> Listed:
        for src in self.sources:
            if src.id == source_id:
                return src
        known = ", ".join(s.id for s in self.sources) or "none yet (`brief import FILE`)"
        raise UsageError(f"unknown source '{source_id}'; use one of {known}")

    def text(self, src: Listed) -> SourceText:
        """The source's text and excerpt; a located error if it is outside the project,
        missing or not text."""
        listing = self.root / "facts" / "brief.yaml"
        path = source_file(self.root, src.file, listing, None)
        why = not_text(path, src.file)
        if why is not None:
            raise InputError(f"{listing}: source '{src.id}': {why}")
        try:
            return read_source(path, src.start, src.end)
        except KeyError as missing:
            raise InputError(
                f"source '{src.id}': excerpt marker {missing.args[0]!r} is not in {src.file}"
            ) from None


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) else None


def listing(root: Path) -> Listing:
    """Read brief.yaml's sources and section ids (only these; nothing else need be valid)."""
    path = root / "facts" / "brief.yaml"
    if not path.is_file():
        raise UsageError(f"{root} is not a brief project: {path} is missing")
    data = load_yaml(path).data
    data = data if isinstance(data, dict) else {}
    sources = []
    for item in data.get("sources") or []:
        if not isinstance(item, dict) or not _text(item.get("id")) or not _text(item.get("file")):
            continue
        excerpt: dict[str, Any] = item["excerpt"] if isinstance(item.get("excerpt"), dict) else {}
        sources.append(
            Listed(
                str(item["id"]),
                str(item["file"]),
                _text(item.get("language")) or "zh",
                _text(item.get("date")),
                _text(excerpt.get("start")),
                _text(excerpt.get("end")),
            )
        )
    sections = [
        str(s["id"]) for s in data.get("sections") or [] if isinstance(s, dict) and s.get("id")
    ]
    return Listing(root, sources, sections)
