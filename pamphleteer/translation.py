"""Translation status: which locale files are translated, outdated, untranslated or missing.

A translated file records which version of its source it translates: ``translation_of`` in its
front matter holds a fingerprint of the source file's text. ``new-locale`` writes it into every
scaffolded copy; ``mark-translated`` refreshes it once a translator has caught up with a
changed source.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from pamphleteer.content import STRINGS_FILE, content_path, inside_content, parse_file
from pamphleteer.errors import ContentError, PamphleteerError
from pamphleteer.locales import CODE, KNOWN, LOCALE_FILE, locale_file_text
from pamphleteer.materials import MATERIALS
from pamphleteer.project import Project

TRANSLATED, OUTDATED, UNTRANSLATED, MISSING = "translated", "outdated", "untranslated", "missing"
UNREADABLE = "unreadable"
KEY = "translation_of"
COPY = "copy:"  # marks the fingerprint of a scaffold copied from another translation


@dataclass(frozen=True)
class FileStatus:
    """The state of one material in one locale."""

    locale: str
    material: str
    state: str
    path: Path
    fingerprinted: bool = True  # False: the file does not say which source it translates


def fingerprint(path: Path) -> str:
    """A short hash of a content file's text (front matter values and body, not the key)."""
    meta, _lines, body, _line = parse_file(path)
    text = "\n".join(f"{k}: {v}" for k, v in sorted(meta.items()) if k != KEY)
    text += "\n" + "\n".join(line.rstrip() for line in body.strip().splitlines())
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def file_status(project: Project, locale: str, material: str) -> FileStatus:
    """Compare one translated file with its source."""
    path = content_path(project, locale, material)
    source = content_path(project, project.source_locale, material)
    if not path.is_file():
        return FileStatus(locale, material, MISSING, path)
    if locale == project.source_locale or not source.is_file():
        return FileStatus(locale, material, TRANSLATED, path)
    try:
        recorded = parse_file(inside_content(project, path))[0].get(KEY, "").split()
        own, current = fingerprint(path), fingerprint(inside_content(project, source))
    except PamphleteerError:
        return FileStatus(locale, material, UNREADABLE, path)
    # A scaffold is untranslated while its text is still the text it was copied from.
    copied = {token.removeprefix(COPY) for token in recorded}
    if own in copied:
        return FileStatus(locale, material, UNTRANSLATED, path)
    state = TRANSLATED if recorded and recorded[0] == current else OUTDATED
    return FileStatus(locale, material, state, path, fingerprinted=bool(recorded))


def status_table(project: Project) -> list[FileStatus]:
    """Every locale x material, the source locale first."""
    order = [project.source_locale] + [c for c in project.locales if c != project.source_locale]
    return [file_status(project, locale, material) for locale in order for material in MATERIALS]


def set_fingerprint(path: Path, value: str) -> None:
    """Write ``translation_of: value`` into a file's front matter, keeping everything else."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    entry = f'{KEY}: "{value}"  # written by pamphleteer: leave as it is'
    for index in range(1, end):
        if re.match(rf"{KEY}\s*:", lines[index]):
            lines[index] = entry
            break
    else:
        lines.insert(end, entry)
    path.write_text("\n".join(lines), encoding="utf-8")


def mark_translated(project: Project, locale: str, materials: list[str]) -> list[Path]:
    """Record that ``locale``'s files now translate the current source text."""
    if locale == project.source_locale:
        raise PamphleteerError(f"'{locale}' is the source language: it translates nothing")
    if locale not in project.locales:
        raise PamphleteerError(f"no folder content/{locale}")
    marked = []
    for material in materials or list(MATERIALS):
        path = content_path(project, locale, material)
        source = content_path(project, project.source_locale, material)
        if not path.is_file():
            if materials:
                raise ContentError("no such file to mark", path)
            continue
        if not source.is_file():
            raise ContentError(f"there is no {project.source_locale} source for this file",
                               path)
        inside_content(project, path)
        status = file_status(project, locale, material)
        if status.state == UNTRANSLATED:
            raise ContentError("this file is still the untranslated copy: translate it first",
                               path)
        set_fingerprint(path, fingerprint(source))
        marked.append(path)
    return marked


def new_locale(project: Project, code: str, from_locale: str | None = None) -> list[Path]:
    """Scaffold ``content/<code>/``: every material and the strings file, marked untranslated."""
    if not CODE.fullmatch(code):
        raise PamphleteerError(f"'{code}' is not a language code like 'es', 'vi' or 'pt-BR'")
    base = from_locale or project.source_locale
    if base not in project.locales:
        raise PamphleteerError(f"--from {base}: there is no folder content/{base}")
    folder = project.content_dir / code
    if folder.exists():
        raise PamphleteerError(f"content/{code} already exists; edit its files instead", folder)
    sources = [path for material in MATERIALS
               if (path := content_path(project, base, material)).is_file()]
    strings = project.content_dir / base / STRINGS_FILE
    for path in sources + ([strings] if strings.is_file() else []):
        inside_content(project, path)  # never copy a file linked from outside the project
    folder.mkdir(parents=True)
    written = []
    for source in sources:
        material = source.stem
        target = folder / source.name
        shutil.copyfile(source, target)
        original = content_path(project, project.source_locale, material)
        if original.is_file():
            value = fingerprint(original)
            if source != original:  # copied from another translation: remember that text too
                value += f" {COPY}{fingerprint(source)}"
            set_fingerprint(target, value)
        written.append(target)
    if strings.is_file():
        shutil.copyfile(strings, folder / STRINGS_FILE)
        written.append(folder / STRINGS_FILE)
    name, paper = KNOWN.get(code, (code, project.locales[base].paper))
    (folder / LOCALE_FILE).write_text(locale_file_text(code, name, paper), encoding="utf-8")
    written.append(folder / LOCALE_FILE)
    return written
