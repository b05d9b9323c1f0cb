"""Turn a fact's words and its country codes into warnings where they name different countries."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from briefs.errors import Problem
from briefs.facts import model
from briefs.facts.domain import Domain
from briefs.facts.project import Project

SIMILAR = 0.6  # how alike two names must be (difflib's ratio, in either language)


@dataclass(frozen=True)
class Mention:
    """A country named in a fact's words, and the name that was found."""

    code: str
    name: str


@dataclass(frozen=True)
class Names:
    """Every country's names in both languages, by first character, longest first (so that
    印度尼西亚 is found before 印度 and Nigeria before Niger), and the code of each."""

    by_first: dict[str, list[str]]
    codes: dict[str, str]


def names(domain: Domain) -> Names:
    codes = {
        domain.name(code, lang): code for code in model.iso_countries() for lang in model.LANGS
    }
    by_first: dict[str, list[str]] = {}
    for name in sorted((n for n in codes if len(n) > 1), key=lambda n: (-len(n), n)):
        by_first.setdefault(name[0], []).append(name)
    return Names(by_first, codes)


def _whole_word(text: str, start: int, stop: int) -> bool:
    """Latin names count only as whole words (Niger is not inside Nigeria)."""
    before = text[start - 1] if start > 0 else " "
    after = text[stop] if stop < len(text) else " "
    return not (before.isalnum() and before.isascii()) and not (after.isalnum() and after.isascii())


def mentions(text: str, known: Names) -> list[Mention]:
    """The countries a text names, each once, in order."""
    found: dict[str, Mention] = {}
    at = 0
    while at < len(text):
        for name in known.by_first.get(text[at], ()):
            stop = at + len(name)
            if text.startswith(name, at) and (not name.isascii() or _whole_word(text, at, stop)):
                code = known.codes[name]
                found.setdefault(code, Mention(code, name))
                at = stop
                break
        else:
            at += 1
    return list(found.values())


def _words(fact: model.Fact) -> str:
    parts = [fact.label.zh, fact.label.en, fact.quote]
    if fact.text is not None:
        parts += [fact.text.zh, fact.text.en]
    return "\n".join(parts)


def _alike(one: str, other: str, domain: Domain) -> bool:
    """Whether two countries' names are close enough to be mistaken (Congo, Niger, Austria)."""
    return any(
        difflib.SequenceMatcher(None, domain.name(one, lang), domain.name(other, lang)).ratio()
        >= SIMILAR
        for lang in model.LANGS
    )


def country_warnings(project: Project) -> list[Problem]:
    """Facts whose words name a country their codes leave out, next to a listed code the words
    never name, when the label names that country or the two names are alike: most often a
    valid but wrong code (CG for the DR Congo, SI for the Solomon Islands, whose codes are CD
    and SB)."""
    domain = project.domain
    known = names(domain)
    warnings = []
    for fact in project.facts.values():
        listed = [c for c in fact.countries if c not in domain.groups]
        named = mentions(_words(fact), known)
        covered = set(domain.members(fact.countries))
        silent = [c for c in listed if c not in {m.code for m in named}]
        # A label names the fact's subject: a country it names that the codes leave out, beside
        # a listed code the words never name, is a wrong code whatever the names look like.
        titled = {m.code for m in mentions(f"{fact.label.zh}\n{fact.label.en}", known)}
        for stray in (m for m in named if m.code not in covered):
            suspects = silent if stray.code in titled else []
            suspects = suspects or [c for c in silent if _alike(c, stray.code, domain)]
            for code in suspects:
                file, line, column = project.locate(fact.id, "countries")
                warnings.append(
                    Problem(
                        f"the fact's words name {stray.name} ({stray.code}), but `countries` "
                        f"lists {code} ({domain.name(code, 'en')}), which they never name: "
                        f"did you mean {stray.code}?",
                        file,
                        line,
                        column,
                        fact.id,
                    )
                )
    return warnings
