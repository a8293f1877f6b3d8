"""Translation status: which locale files are translated, outdated, untranslated or missing.

A translated file records which version of its source it translates: ``translation_of`` in its
front matter holds a fingerprint of the source file's text. ``new-locale`` writes it into every
scaffolded copy; ``mark-translated`` refreshes it once a translator has caught up with a
changed source.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pamphleteer.content import (
    STRINGS_FILE,
    TRANSLATION_KEY,
    content_path,
    inside_content,
    parse_file,
    present,
)
from pamphleteer.errors import ContentError, PamphleteerError, UsageError
from pamphleteer.exemplars import exemplars
from pamphleteer.files import no_loop, read_bytes, read_user_text
from pamphleteer.fonts import coverage
from pamphleteer.glyphs import describe
from pamphleteer.locales import (
    FONT_ROLES,
    LOCALE_FILE,
    SCRIPT_FONTS,
    describe_language,
    language_script,
    locale_file_text,
)
from pamphleteer.materials import MATERIALS
from pamphleteer.outputs import write_atomic
from pamphleteer.project import Project
from pamphleteer.tomlfile import read_toml
from pamphleteer.typography import right_to_left

TRANSLATED, OUTDATED, UNTRANSLATED, MISSING = "translated", "outdated", "untranslated", "missing"
UNREADABLE = "unreadable"
KEY = TRANSLATION_KEY
COPY = "copy:"  # marks the fingerprint of a scaffold copied from another translation
STRINGS = "strings"  # the template's own words (strings.toml), tracked like a material
TRACKED = (*MATERIALS, STRINGS)


@dataclass(frozen=True)
class FileStatus:
    """The state of one material in one locale."""

    locale: str
    material: str
    state: str
    path: Path
    fingerprinted: bool = True  # False: the file does not say which source it translates
    copy_of_source: bool = False  # untranslated: still the source text itself


def fingerprint(path: Path) -> str:
    """A short hash of a content file's text (front matter values and body, not the key), or
    of a strings file's words (every key but ``translation_of``)."""
    if path.name == STRINGS_FILE:
        data = read_toml(path, ContentError)[0]
        text = "\n".join(f"{k} = {v}" for k, v in sorted(data.items()) if k != KEY)
        return hashlib.sha256(text.encode()).hexdigest()[:12]
    meta, _lines, body, _line = parse_file(path)
    return _fingerprint_of(meta, body)


def _fingerprint_of(meta: dict[str, str], body: str) -> str:
    text = "\n".join(f"{k}: {v}" for k, v in sorted(meta.items()) if k != KEY)
    text += "\n" + "\n".join(line.rstrip() for line in body.strip().splitlines())
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def copies_source(path: Path, within: Path | None = None) -> bool:
    """Whether a material's translation is still the very copy of the source text that
    new-locale made (``FileStatus.copy_of_source``), from one reading of it."""
    meta, _lines, body, _line = parse_file(path, within)
    values = str(meta.get(KEY, "")).split()
    return bool(values) and _fingerprint_of(meta, body) == values[0]


def recorded(path: Path) -> list[str]:
    """The fingerprints a translated file records of what it translates (and was copied
    from): ``translation_of`` in its front matter, or in a strings file."""
    if path.name == STRINGS_FILE:
        value = read_toml(path, ContentError)[0].get(KEY, "")
    else:
        value = parse_file(path)[0].get(KEY, "")
    return str(value).split()


def tracked_path(project: Project, locale: str, name: str) -> Path:
    """The file of a material, or of the strings (``name`` "strings"), in ``locale``."""
    if name == STRINGS:
        return project.content_dir / locale / STRINGS_FILE
    return content_path(project, locale, name)


def file_status(project: Project, locale: str, material: str) -> FileStatus:
    """Compare one translated file (a material, or ``strings``) with its source."""
    path = tracked_path(project, locale, material)
    source = tracked_path(project, project.source_locale, material)
    if not present(path):  # a pipe or a broken link is there, and unreadable: said below
        return FileStatus(locale, material, MISSING, path)
    if locale == project.source_locale or not present(source):
        return FileStatus(locale, material, TRANSLATED, path)
    try:
        recorded_values = recorded(inside_content(project, path))
        own, current = fingerprint(path), fingerprint(inside_content(project, source))
    except PamphleteerError:
        return FileStatus(locale, material, UNREADABLE, path)
    # A scaffold is untranslated while its text is still the text it was copied from.
    copied = {token.removeprefix(COPY) for token in recorded_values}
    if own in copied:
        return FileStatus(locale, material, UNTRANSLATED, path,
                          copy_of_source=bool(recorded_values) and own == recorded_values[0])
    state = TRANSLATED if recorded_values and recorded_values[0] == current else OUTDATED
    return FileStatus(locale, material, state, path, fingerprinted=bool(recorded_values))


def tracked(project: Project) -> list[str]:
    """The files a translator keeps up: every material the campaign makes (an optional one
    only where its source language has it), and the strings."""
    return [name for name in TRACKED if name not in MATERIALS or not MATERIALS[name].optional
            or present(content_path(project, project.source_locale, name))]


def status_table(project: Project) -> list[FileStatus]:
    """Every locale x (material and the strings), the source locale first."""
    order = [project.source_locale] + [c for c in project.locales if c != project.source_locale]
    names = tracked(project)
    return [file_status(project, locale, name) for locale in order for name in names]


def set_fingerprint(path: Path, value: str) -> None:
    """Write ``translation_of`` into a file (its front matter, or a strings file's first
    setting), keeping everything else; written whole or not at all."""
    text = read_user_text(path, error=ContentError)
    lines = text.split("\n")
    if path.name == STRINGS_FILE:
        entry = f'{KEY} = "{value}"  # written by pamphleteer: leave as it is'
        at = next((i for i, line in enumerate(lines) if re.match(rf"\s*{KEY}\s*=", line)), None)
        if at is None:  # before the first setting, after the opening comments
            at = next((i for i, line in enumerate(lines) if line.strip()
                       and not line.lstrip().startswith("#")), len(lines))
            lines.insert(at, entry)
        else:
            lines[at] = entry
    else:
        parse_file(path)  # a file whose front matter cannot be read is refused, untouched
        entry = f'{KEY}: "{value}"  # written by pamphleteer: leave as it is'
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        for index in range(1, end):
            if re.match(rf"{KEY}\s*:", lines[index]):
                lines[index] = entry
                break
        else:
            lines.insert(end, entry)
    write_atomic(path, "\n".join(lines).encode("utf-8"))


def mark_translated(project: Project, locale: str, materials: list[str]) -> list[Path]:
    """Record that ``locale``'s files (materials, and ``strings``) now translate the current
    source text. A file that cannot be read is refused and left as it is."""
    if locale == project.source_locale:
        raise UsageError(f"'{locale}' is the source language: it translates nothing")
    if locale not in project.locales:
        raise UsageError(f"no folder content/{locale}")
    marked = []
    for name in materials or list(TRACKED):
        path = tracked_path(project, locale, name)
        source = tracked_path(project, project.source_locale, name)
        if not present(path):
            if materials:
                raise ContentError("no such file to mark", path)
            continue
        if not present(source):
            raise ContentError(f"there is no {project.source_locale} source for this file",
                               path)
        inside_content(project, path)
        status = file_status(project, locale, name)
        if status.state == UNREADABLE:
            fingerprint(path)  # raises the error that makes it unreadable, with its line
        if status.state == UNTRANSLATED:
            raise ContentError("this file is still the untranslated copy: translate it first",
                               path)
        set_fingerprint(path, fingerprint(inside_content(project, source)))
        marked.append(path)
    return marked


def new_locale(project: Project, code: str, from_locale: str | None = None) -> list[Path]:
    """Scaffold ``content/<code>/``: every material and the strings file, marked untranslated,
    with the settings (paper, fonts, word breaking) of the locale it is copied from. The
    folder is made aside and moved into place, so a failure leaves nothing behind."""
    name, _ = describe_language(code)  # an unknown or right-to-left language stops here
    base = from_locale or project.source_locale
    if base not in project.locales:
        raise UsageError(f"--from {base}: there is no folder content/{base}")
    folder = project.content_dir / code
    if os.path.lexists(folder):
        raise UsageError(f"content/{code} already exists; edit its files instead", folder)
    # The letters CLDR says the language is written with (else its name in its own script):
    # fonts that cannot draw them cannot print it (said now, not as glyph errors after
    # translating). The base's fonts first; else the theme's for the language's script
    # (Devanagari, ...); else a family the campaign added for it (fonts add), the base's
    # fonts after it for Latin names and links.
    settings = project.locales[base]
    sample = exemplars(code) or name
    fonts, keep_words = dict(settings.fonts), settings.keep_words
    missing = _undrawn(project, sample, fonts)
    theme = SCRIPT_FONTS.get(language_script(code))
    if missing and theme:
        fonts, keep_words = dict.fromkeys(FONT_ROLES, theme[0]), theme[1]
        missing = _undrawn(project, sample, fonts)
    if missing:
        added = _added_family(project, sample, settings.fonts)
        if added:
            fonts, keep_words, missing = added, False, []
    if missing:
        raise UsageError(f"the fonts '{base}' uses cannot draw {name} ({describe(missing)}), "
                         "and the theme has none for its script: add one with `pamphleteer "
                         f"fonts add FILE --locale {code}` (an OFL font such as Noto Sans for "
                         "the script), or start from a locale whose fonts can (--from LOCALE)")
    sources = [path for name_ in TRACKED
               if present(path := tracked_path(project, base, name_))]
    # Each copied file is read once, checked (never a pipe, a device or a link out).
    copies = {path.name: read_bytes(no_loop(inside_content(project, path), error=ContentError),
                                    "text", [project.content_dir], error=ContentError)
              for path in sources}
    with _one_at_a_time(project.content_dir, folder):
        if os.path.lexists(folder):  # made by another new-locale while this one waited
            raise UsageError(f"content/{code} was just made by another new-locale; edit its "
                             "files instead", folder)
        return _make_locale(project, code, base, folder, name, copies, fonts, keep_words)


def _added_family(project: Project, sample: str, base: dict[str, tuple[str, ...]]
                  ) -> dict[str, tuple[str, ...]] | None:
    """Stacks led by the first registered family that draws ``sample`` alone, or None."""
    for family in dict.fromkeys(face.family for face in project.font_faces):
        if not _undrawn(project, sample, dict.fromkeys(FONT_ROLES, (family,))):
            return {role: tuple(dict.fromkeys((family, *base.get(role, ()))))
                    for role in FONT_ROLES}
    return None


def _undrawn(project: Project, text: str, fonts: dict[str, tuple[str, ...]]) -> list[str]:
    """The letters of ``text`` some role of ``fonts`` cannot draw."""
    drawable = frozenset.intersection(*(coverage(project.font_faces, stack)
                                        for stack in fonts.values()))
    return [c for c in dict.fromkeys(text) if c.isalpha() and ord(c) not in drawable]


def _make_locale(project: Project, code: str, base: str, folder: Path, name: str,
                 copies: dict[str, bytes], fonts: dict[str, tuple[str, ...]],
                 keep_words: bool) -> list[Path]:
    """Fill a scratch folder beside ``folder`` with ``copies`` and the locale's settings, then
    rename it into place: ``folder`` appears whole or not at all."""
    scratch = project.content_dir / f".{code}.{os.getpid()}.{secrets.token_hex(4)}"
    scratch.mkdir()  # as the umask says, as any folder the user makes (mkdtemp's is private)
    try:
        for file_name, data in copies.items():
            target = scratch / file_name
            target.write_bytes(data)
            original = project.content_dir / project.source_locale / file_name
            if present(original):
                # A broken source stops here, and nothing is made.
                value = fingerprint(inside_content(project, original))
                if base != project.source_locale:  # copied from another translation: say so
                    value += f" {COPY}{fingerprint(target)}"
                set_fingerprint(target, value)
        # The base's own settings, so that a copy of Korean keeps its fonts and word breaks
        # (or the theme's fonts for the script), and its paper: the campaign prints in one
        # region, whatever the language (a Japanese kit of a US campaign is on letter).
        (scratch / LOCALE_FILE).write_text(locale_file_text(
            code, name, project.locales[base].paper, keep_words=keep_words, fonts=fonts,
            direction="rtl" if right_to_left(code) else "ltr"),
            encoding="utf-8")
        _move(scratch, folder, code)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return sorted(folder.iterdir())


def _move(scratch: Path, folder: Path, code: str) -> None:
    """Rename ``scratch`` to ``folder``, which must not exist: another new-locale that got
    there first (where no lock is to be had) is told, not a traceback."""
    if os.path.lexists(folder):
        raise UsageError(f"content/{code} already exists; edit its files instead", folder)
    try:
        scratch.rename(folder)
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR):
            raise UsageError(f"content/{code} was just made by another new-locale; edit its "
                             "files instead", folder) from None
        raise PamphleteerError(f"cannot make content/{code}: {exc.strerror}", folder) from None


LOCK_SECONDS = 60.0  # how long a new-locale waits for another one in the same campaign


@contextmanager
def _one_at_a_time(content_dir: Path, folder: Path) -> Iterator[None]:
    """One new-locale at a time in a campaign: a lock on its content/ folder itself (so no
    lock file is left behind, and a crashed one holds nothing). Where the system has no such
    lock, the rename into place still lets only one win."""
    try:
        import fcntl
    except ImportError:  # not a POSIX system
        yield
        return
    handle = os.open(content_dir, os.O_RDONLY)
    try:
        deadline = time.monotonic() + LOCK_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise UsageError("another new-locale is still making a language in this "
                                     "campaign; try again once it is done", folder) from None
                time.sleep(0.05)
            except OSError:  # a file system without locks: the rename decides
                break
        yield
    finally:
        os.close(handle)
