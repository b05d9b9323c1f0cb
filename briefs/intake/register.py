"""Turn an imported document into its files under facts/sources/ and its entry in
facts/brief.yaml (comments and layout kept), and find the blanks an import left there."""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefs.errors import InputError, UsageError
from briefs.facts.blanks import BLANK
from briefs.facts.loader import load_yaml
from briefs.files import write_atomic
from briefs.sources.importing import Imported

# What an import writes where the document does not state a citation field.
_NAMES = ("title", "author", "publisher")


@dataclass(frozen=True)
class Registered:
    """What `brief import` wrote: the source's id, its text, the original and the blanks left."""

    id: str
    text: Path
    original: Path
    blanks: tuple[str, ...]


def slug(text: str) -> str:
    """A kebab-case id from a file name or title (ASCII letters and digits only)."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:40].strip("-")


def _yaml() -> Any:
    from ruamel.yaml import YAML

    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def entry(doc: Imported, source_id: str, language: str, text: str, original: str) -> Any:
    """The source's entry as brief.yaml writes it: stated fields filled, the others TODO."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    item = CommentedMap()
    item["id"] = source_id
    item["file"] = text
    item["original"] = original
    item["language"] = language
    item["date"] = DoubleQuotedScalarString(doc.meta.get("date", BLANK))
    for name in _NAMES:
        names = CommentedMap([(language, doc.meta.get(name, BLANK))])
        names.fa.set_flow_style()
        item[name] = names
    for name in ("url", "accessed"):
        if name in doc.meta:
            item[name] = (
                DoubleQuotedScalarString(doc.meta[name]) if name == "accessed" else doc.meta[name]
            )
    return item


def register(
    root: Path, path: Path, doc: Imported, source_id: str | None, language: str
) -> Registered:
    """Write the source text and the original under facts/sources/ and append the entry (or
    complete the entry that already names this file)."""
    facts = root / "facts"
    brief = facts / "brief.yaml"
    if not brief.is_file():
        raise UsageError(f"{root} is not a brief project: {brief} is missing (run `brief new DIR`)")
    rt = _yaml()
    try:
        data = rt.load(brief.read_text(encoding="utf-8"))
    except Exception as exc:  # ruamel's errors carry the line; load_yaml reports them located
        load_yaml(brief)
        raise InputError(f"{brief}: {exc}") from None
    sources = data.setdefault("sources", [])
    named = _naming(sources, path, facts)
    source_id = source_id or (str(named["id"]) if named else slug(path.stem) or "source")
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", source_id):
        raise UsageError(f"--id must be kebab-case (a-z, 0-9 and -), got {source_id!r}")
    if named is None and any(isinstance(s, dict) and s.get("id") == source_id for s in sources):
        raise UsageError(
            f"facts/brief.yaml already lists a source '{source_id}': choose another with --id"
        )
    text, original = _targets(facts, path, source_id)
    fresh = entry(doc, source_id, language, _rel(text, facts), _rel(original, facts))
    if named is None:
        _append(sources, fresh)
    else:
        _complete(named, fresh)
    out = io.StringIO()
    rt.dump(data, out)
    write_atomic(text, doc.text)
    if original.resolve() != path.resolve():
        shutil.copy2(path, original)
    write_atomic(brief, out.getvalue())
    final = named if named is not None else fresh
    blank = tuple(n for n in ("date", *_NAMES) if BLANK in str(final.get(n, "")))
    return Registered(source_id, text, original, blank)


def _append(sources: Any, fresh: Any) -> None:
    """Append a source's entry after the last one, and move the comment lines that followed the
    last entry (a note closing the list, the file's last words) after the new one."""
    holder = _comment_holder(sources[-1]) if len(sources) else None
    if holder is not None:
        token = holder[0].ca.items.get(holder[1], [None] * 4)[2]
        if token is not None:
            value = token.value
            inline = value.split("\n", 1)[0] + "\n" if value.startswith("#") else "\n"
            after = value[len(inline) :]
            if after.strip():
                token.value = inline
                target = _comment_holder(fresh)
                assert target is not None
                target[0].ca.items[target[1]] = [None, None, _token("\n" + after, token), None]
    sources.append(fresh)


def _comment_holder(item: Any) -> tuple[Any, Any] | None:
    """The mapping and key a comment after `item` (a block mapping) is attached to."""
    from ruamel.yaml.comments import CommentedMap

    holder = item
    while isinstance(holder, CommentedMap) and len(holder):
        key = list(holder)[-1]
        value = holder[key]
        if isinstance(value, CommentedMap) and len(value) and not value.fa.flow_style():
            holder = value
            continue
        return holder, key
    return None


def _token(value: str, like: Any) -> Any:
    from ruamel.yaml.tokens import CommentToken

    return CommentToken(value, like.start_mark, None)


def _naming(sources: list[Any], path: Path, facts: Path) -> Any | None:
    """The entry of brief.yaml whose `file` is the document being imported, if any."""
    for src in sources:
        file = src.get("file") if isinstance(src, dict) else None
        if isinstance(file, str) and (facts / file).resolve() == path.resolve():
            return src
    return None


def _targets(facts: Path, path: Path, source_id: str) -> tuple[Path, Path]:
    """Where the text goes and where the original is kept (where it is, if in facts/sources/)."""
    folder = facts / "sources"
    folder.mkdir(parents=True, exist_ok=True)
    text = folder / f"{source_id}.txt"
    suffix = path.suffix.lower()
    # The original keeps its kind's suffix; a text original must not take the text's own name.
    name = f"{source_id}-original{suffix}" if suffix == ".txt" else f"{source_id}{suffix}"
    inside = path.resolve().parent == folder.resolve()
    original = path if inside else folder / name
    if text.resolve() == path.resolve():
        raise UsageError(f"{path} would be overwritten by its own text: choose another --id")
    for target in (text, original):
        if target.exists() and target.resolve() != path.resolve():
            raise UsageError(f"{target} already exists: choose another id with --id")
    return text, original


def _complete(named: Any, fresh: Any) -> None:
    """An entry that named the original file now names the text; the fields it lacks are added
    (what the author wrote stays)."""
    named["file"] = fresh["file"]
    if "original" not in named:
        named.insert(list(named).index("file") + 1, "original", fresh["original"])
    for key, value in fresh.items():
        if key not in named:
            named[key] = value


def _rel(path: Path, facts: Path) -> str:
    return path.relative_to(facts).as_posix()
