"""Turn two sets of facts (snapshots, files or git revisions) into the list of what changed."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefs.errors import InputError, Problem, UsageError
from briefs.facts import model
from briefs.facts.domain import Domain
from briefs.facts.loader import parse_yaml
from briefs.facts.project import BRIEF_FILE, COMPUTED_FILE, validate_document
from briefs.files import write_atomic
from briefs.numbers import formatting as fmt

SNAPSHOT = "facts-snapshot.json"
EDITIONS = ".editions"
_COMPARED = ("value", "unit", "approx", "period", "date", "kind", "source", "label", "text")


@dataclass(frozen=True)
class Change:
    """One fact added, removed or changed, with both versions (as plain data)."""

    kind: str  # added | removed | changed
    id: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None


def snapshot(facts: dict[str, model.Fact]) -> dict[str, dict[str, Any]]:
    """The comparable content of every fact, as JSON-ready data."""
    return {
        fid: fact.model_dump(mode="json", include=set(_COMPARED), exclude_none=True)
        for fid, fact in sorted(facts.items())
    }


def compare(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> list[Change]:
    """The facts added, removed and changed between two snapshots, in id order."""
    changes = []
    for fid in sorted(set(old) | set(new)):
        if fid not in old:
            changes.append(Change("added", fid, None, new[fid]))
        elif fid not in new:
            changes.append(Change("removed", fid, old[fid], None))
        elif old[fid] != new[fid]:
            changes.append(Change("changed", fid, old[fid], new[fid]))
    return changes


def shown(fact: dict[str, Any] | None, lang: str, domain: Domain | None = None) -> str:
    """A fact's figure (or date, or label) as the brief would show it: through the project's
    display units when `domain` is given."""
    if fact is None:
        return ""
    if fact.get("value") is not None:
        approx = fact.get("approx", "exact")
        text = (
            domain.figure(fact["value"], fact["unit"], approx, lang)
            if domain is not None
            else fmt.figure(fact["value"], fact["unit"], approx, lang)
        )
        when = fact.get("period")
        if not when:
            return text
        return (
            f"{text}（{fmt.period(when, lang)}）"
            if lang == "zh"
            else f"{text} ({fmt.period(when, lang)})"
        )
    if fact.get("date"):
        return fmt.date(fact["date"], lang)
    return str(fact.get("text", fact.get("label", {})).get(lang, ""))


def describe(change: Change, lang: str) -> str:
    """One line for the console: `+ id: figure`, `- id`, `~ id: old → new`."""
    if change.kind == "added":
        return f"+ {change.id}: {shown(change.new, lang)}"
    if change.kind == "removed":
        return f"- {change.id}: {shown(change.old, lang)}"
    before, after = shown(change.old, lang), shown(change.new, lang)
    if before == after:
        fields = sorted(
            k for k in _COMPARED if (change.old or {}).get(k) != (change.new or {}).get(k)
        )
        return f"~ {change.id}: {', '.join(fields)} changed"
    return f"~ {change.id}: {before} → {after}"


def read_snapshot(path: Path) -> dict[str, dict[str, Any]] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_snapshot(path: Path, data: dict[str, dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))


def _editions(out: Path, brief_id: str) -> Path:
    return out / EDITIONS / brief_id


def previous_edition(
    out: Path, brief_id: str, as_of: str
) -> tuple[str, dict[str, dict[str, Any]]] | None:
    """The date and facts of the latest edition of this brief before `as_of` built into `out`.

    Only editions of the same brief id count: a project that replaced another's facts (as after
    `brief new`) does not list the other brief's facts as removed.
    """
    folder = _editions(out, brief_id)
    earlier = sorted(p for p in folder.glob("*.json") if p.stem < as_of) if folder.is_dir() else []
    data = read_snapshot(earlier[-1]) if earlier else None
    return (earlier[-1].stem, data) if data is not None else None


def record_edition(out: Path, brief_id: str, as_of: str, facts: dict[str, dict[str, Any]]) -> None:
    """Keep the facts an edition was first built with.

    The record is not overwritten by later builds under the same date: a fact changed and built
    before the edition date is moved on still counts as changed in the next edition.
    """
    path = _editions(out, brief_id) / f"{as_of}.json"
    if not path.is_file():
        write_snapshot(path, facts)


def _facts_from_texts(texts: dict[str, str]) -> dict[str, dict[str, Any]]:
    facts: dict[str, model.Fact] = {}
    for name, text in sorted(texts.items()):
        doc = parse_yaml(Path(name), text)
        for fact in validate_document(doc, model.FactFile, "facts", model.ANY_GROUP).facts:
            facts[fact.id] = fact
    return snapshot(facts)


def _fact_texts_from_path(path: Path) -> dict[str, str]:
    if path.is_file():
        return {str(path): path.read_text(encoding="utf-8")}
    folder = path / "facts" if (path / "facts").is_dir() else path
    return {
        str(p): p.read_text(encoding="utf-8")
        for p in sorted(folder.glob("*.yaml"))
        if p.name not in (BRIEF_FILE, COMPUTED_FILE)
    }


def _fact_texts_from_git(root: Path, rev: str) -> dict[str, str]:
    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise UsageError(f"'{rev}' is neither a file nor a git revision: {done.stderr.strip()}")
        return done.stdout

    prefix = git("rev-parse", "--show-prefix").strip()
    names = git("ls-tree", "--name-only", rev, f"{prefix}facts/").split()
    return {
        name: git("show", f"{rev}:{name}")
        for name in names
        if name.endswith(".yaml") and Path(name).name not in (BRIEF_FILE, COMPUTED_FILE)
    }


def load_side(root: Path, spec: str) -> dict[str, dict[str, Any]]:
    """Facts from a fact file, a project or facts folder, or a git revision of the project."""
    path = Path(spec)
    texts = _fact_texts_from_path(path) if path.exists() else _fact_texts_from_git(root, spec)
    if not texts:
        raise InputError([Problem(f"no fact files found in '{spec}'")])
    return _facts_from_texts(texts)
