"""Turn a project's input files into content hashes, and decide which outputs need rebuilding."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from briefs.facts.inside import check_links, is_inside
from briefs.files import write_atomic
from briefs.keys import code_version

MANIFEST = ".brief-manifest.json"
VARIANTS = ("report", "memo")
FORMATS = ("html", "pdf", "docx")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def input_files(root: Path) -> list[Path]:
    """Every file a build reads from the project: facts, sources, chart specs, templates."""
    files: list[Path] = []
    for folder in ("facts", "charts", "templates"):
        base = root / folder
        if base.is_dir():
            files.extend(
                p
                for p in base.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and is_inside(root, p)
            )
    return sorted(files)


def _uses(rel: str, lang: str) -> bool:
    """Whether a language's outputs depend on a file (the other language's prose is not used)."""
    parts = rel.split("/")
    other = "en" if lang == "zh" else "zh"
    if parts[:2] == ["templates", "prose"] and len(parts) > 2 and parts[2] == other:
        return False
    return not (parts[:2] == ["templates", "strings"] and parts[-1] == f"{other}.yaml")


@dataclass
class Plan:
    """What a build must do: the languages to rebuild (with reasons) and those to skip."""

    hashes: dict[str, str]
    keys: dict[str, str]
    rebuild: dict[str, str] = field(default_factory=dict)
    skip: list[str] = field(default_factory=list)
    formats: tuple[str, ...] = ()  # as asked on the command line; () for the project's default


def _outputs_exist(out: Path, lang: str, names: list[str]) -> bool:
    return all((out / lang / name).is_file() for name in names)


def plan(
    root: Path,
    out: Path,
    langs: tuple[str, ...],
    variants: tuple[str, ...],
    force: bool,
    formats: tuple[str, ...] = (),
) -> Plan:
    """Compare the inputs with the manifest of the last build in `out`."""
    check_links(root)  # before anything of the project is read, even to hash it
    hashes = {str(p.relative_to(root)): _sha(p) for p in input_files(root)}
    env = os.environ.get("SOURCE_DATE_EPOCH", "")
    code = code_version()
    keys = {}
    for lang in langs:
        used = sorted((k, v) for k, v in hashes.items() if _uses(k, lang))
        payload = json.dumps([code, env, variants, formats, used])
        keys[lang] = hashlib.sha256(payload.encode()).hexdigest()[:20]
    previous = read_manifest(out)
    result = Plan(hashes, keys, formats=formats)
    old_hashes: dict[str, str] = previous.get("hashes", {})
    for lang in langs:
        entry = previous.get("outputs", {}).get(lang, {})
        names = entry.get("files", [])
        if force:
            result.rebuild[lang] = "--force"
        elif not entry:
            result.rebuild[lang] = "no earlier build"
        elif entry.get("key") == keys[lang] and names and _outputs_exist(out, lang, names):
            result.skip.append(lang)
        elif entry.get("key") == keys[lang]:
            result.rebuild[lang] = "outputs missing"
        else:
            changed = sorted(
                k
                for k in set(hashes) | set(old_hashes)
                if _uses(k, lang) and hashes.get(k) != old_hashes.get(k)
            )
            if changed:
                shown = ", ".join(changed[:3]) + (
                    f" and {len(changed) - 3} more" if len(changed) > 3 else ""
                )
                result.rebuild[lang] = f"changed: {shown}"
            else:
                result.rebuild[lang] = "brief code or options changed"
    return result


def read_manifest(out: Path) -> dict:  # type: ignore[type-arg]
    """The manifest of the last build in `out`, or an empty one."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_manifest(
    out: Path,
    built: Plan,
    files: dict[str, list[str]],
    typeset: dict[str, dict[str, object]] | None = None,
) -> None:
    """Record what was built from which inputs, atomically.

    `typeset` gives, per language, each PDF's and each typeset part's key and page count, so that
    a later build can keep what is unchanged instead of typesetting it again.
    """
    previous = read_manifest(out)
    outputs = previous.get("outputs", {})
    for lang, names in files.items():
        outputs[lang] = {"key": built.keys[lang], "files": sorted(names)}
        if typeset and lang in typeset:
            outputs[lang].update(typeset[lang])
    data = {"hashes": built.hashes, "outputs": outputs}
    write_atomic(out / MANIFEST, json.dumps(data, indent=1, sort_keys=True))
