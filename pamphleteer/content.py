"""Stage 2: read a locale's content: Markdown with front matter, and the strings table."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pamphleteer.errors import ContentError, Diagnostic
from pamphleteer.files import lies_outside, read_user_text
from pamphleteer.limits import (
    MAX_FRONT_MATTER,
    MAX_NESTING,
    MAX_STRING,
    MAX_VALUE,
    check_nesting,
    check_text,
    check_words,
)
from pamphleteer.materials import MATERIALS, Material
from pamphleteer.project import Project
from pamphleteer.tomlfile import line_of, read_toml

FRONT_MATTER_KEYS = {
    "title": "the headline",
    "kicker": "a short line above the headline",
    "lede": "one or two sentences under the headline",
    "cta": "the call to action printed beside the QR codes",
    "translation_of": "fingerprint of the source text this file translates (set by tools)",
}
REQUIRED_KEYS = ("title", "cta")
STRINGS_FILE = "strings.toml"
# The template words every locale must be able to print (the source locale must have them all).
REQUIRED_STRINGS = (
    "petition_caption", "representatives_caption", "petition_label", "representatives_label",
    "or_visit", "paid_for_by", "sheet_of", "print_duplex_short", "print_duplex_long",
    "print_single", "cut_on_marks", "fold_on_marks", "name", "email", "zip", "phone",
    "keep_informed", "privacy", "call_line", "report_label", "report_caption",
    "row", "signature", "address", "sheet", "return_to",
    "petition_tap", "representatives_tap", "report_tap", "codes_on_back", "codes_on_back_tap",
    "event_host", "kit_title", "kit_intro", "download_all", "events_heading", "profile_home",
    "profile_shop", "profile_screen", "pages_one", "pages_many",
    # The kit page's names of the pieces (those added later may be missing: see kitpage.py).
    *(f"material_{name}" for name, material in MATERIALS.items() if not material.optional),
)
# A translation's record of the source text it translates (front matter, or strings.toml).
TRANSLATION_KEY = "translation_of"
# Strings whose text must keep a placeholder the templates fill in.
STRING_PLACEHOLDERS = {"call_line": ("{number}",), "event_host": ("{host}",),
                       "pages_many": ("{count}",)}
_PART = re.compile(r"^:::\s*(\S*)\s*$")
_FENCE = "---"


@dataclass(frozen=True)
class Part:
    """A named piece of a document's body (a panel, a card side) and where it starts."""

    name: str
    markdown: str
    line: int


@dataclass(frozen=True)
class Document:
    """One material's content in one locale, as read from its Markdown file."""

    material: str
    locale: str
    content_locale: str
    path: Path
    meta: dict[str, str]
    meta_lines: dict[str, int]
    parts: dict[str, Part] = field(default_factory=dict)


def content_path(project: Project, locale: str, material: str) -> Path:
    """Where a material's Markdown lives for ``locale``."""
    return project.content_dir / locale / f"{material}.md"


def present(path: Path) -> bool:
    """Whether anything stands at ``path``: a file, or a pipe, a folder or a broken link in
    its place (which reading then refuses by name, rather than taking it for no file)."""
    return os.path.lexists(path)


def inside_content(project: Project, path: Path) -> Path:
    """``path``, refused if it is a link to something outside the project's content folder."""
    if lies_outside(path, [project.content_dir]):
        raise ContentError(OUTSIDE, path)
    return path


OUTSIDE = ("this is a link to a file outside the project's content/ folder; content must "
           "live in the project")


def read_text(path: Path, within: Path | None = None) -> str:
    """A content file's text, read once after it is checked (an ordinary file, of a sane
    size, and with ``within`` inside that folder); what cannot be read is a content error,
    never a traceback nor a wait."""
    return read_user_text(path, [within] if within else [], error=ContentError,
                          outside=OUTSIDE if within else None)


def load_document(project: Project, locale: str, material: Material,
                  diagnostics: list[Diagnostic]) -> Document:
    """Read a material for ``locale``, falling back (with a warning) to the source locale."""
    path = content_path(project, locale, material.name)
    content_locale = locale
    if not present(path):
        source = content_path(project, project.source_locale, material.name)
        if locale == project.source_locale or not present(source):
            raise ContentError(f"no content for the {material.name}: create this file", path)
        diagnostics.append(Diagnostic(
            f"not translated yet: the {material.name} is built from "
            f"{project.source_locale}/{material.name}.md", path))
        path, content_locale = source, project.source_locale
    meta, meta_lines, body, body_line = parse_file(path, project.content_dir)
    check_text(body, path, body_line, limit=material.max_chars,
               what=f"the {material.name}'s text (more than it could hold at any size)")
    parts = split_parts(body, body_line, material, path)
    return Document(material=material.name, locale=locale, content_locale=content_locale,
                    path=path, meta=meta, meta_lines=meta_lines, parts=parts)


def parse_file(path: Path, within: Path | None = None
               ) -> tuple[dict[str, str], dict[str, int], str, int]:
    """Split a Markdown file into validated front matter and body (with its first line);
    with ``within``, a file linked from outside that folder is refused unread."""
    text = read_text(path, within).removeprefix("\ufeff")  # line ends already \n
    lines = text.split("\n")
    if not lines or lines[0].strip() != _FENCE:
        raise ContentError("the file must start with front matter: a line '---', "
                           "'title: ...' and the other settings, then '---'", path, 1)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == _FENCE)
    except StopIteration:
        raise ContentError("front matter is not closed: add a line '---' after it",
                           path, 1) from None
    front = "\n".join(lines[1:end])
    if len(front) > MAX_FRONT_MATTER:
        raise ContentError(f"the front matter is {len(front):,} characters long; at most "
                           f"{MAX_FRONT_MATTER:,} are allowed", path, 2)
    meta, meta_lines = parse_front_matter(front, path)
    return meta, meta_lines, "\n".join(lines[end + 1:]), end + 2


def parse_front_matter(source: str, path: Path, first_line: int = 2) -> tuple[dict, dict]:
    """Parse and validate YAML front matter; errors name the file and line."""
    import yaml  # here: a build with nothing to render never needs it

    check_nesting(source, path, first_line)
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
    except RecursionError:  # nesting by indentation alone
        raise ContentError(f"front matter nested more than {MAX_NESTING} deep: it is "
                           "'key: \"text\"' lines", path, first_line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + mark.line if mark else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError(f"front matter is not valid YAML: {problem} "
                           "(tip: put text in double quotes)", path, line) from None
    if node is None:
        node = yaml.MappingNode("tag:yaml.org,2002:map", [])
    if not isinstance(node, yaml.MappingNode):
        raise ContentError("front matter must be 'key: value' lines", path, first_line)
    meta, lines = {}, {}
    for key_node, value_node in node.value:
        line = first_line + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode):
            raise ContentError("front matter keys are plain words like 'title'", path, line)
        key = key_node.value
        if key not in FRONT_MATTER_KEYS:
            known = ", ".join(FRONT_MATTER_KEYS)
            raise ContentError(f"unknown front matter key '{key}' (known: {known})", path, line)
        if key in meta:
            raise ContentError(f"front matter key '{key}' is given twice", path, line)
        if not isinstance(value_node, yaml.ScalarNode):
            raise ContentError(f"'{key}' must be text, not a list or table", path, line)
        # The text as written: no YAML dates, numbers or tags, which only surprise translators.
        meta[key] = "" if value_node.value in ("~", "null") and value_node.style is None \
            else check_text(str(value_node.value).strip(), path, line, limit=MAX_VALUE,
                            what=f"'{key}'")
        lines[key] = line
    for key in REQUIRED_KEYS:
        if not meta.get(key):
            raise ContentError(f"front matter needs '{key}' ({FRONT_MATTER_KEYS[key]})",
                               path, first_line - 1)
    return meta, lines


def split_parts(body: str, body_line: int, material: Material, path: Path) -> dict[str, Part]:
    """Split a body at ``::: name`` lines into the parts a material declares."""
    if not material.parts:
        for offset, line in enumerate(body.split("\n")):
            if _PART.match(line):
                raise ContentError(f"the {material.name} has no parts: remove '{line.strip()}'",
                                   path, body_line + offset)
        return {"body": Part("body", body, body_line)}
    lines = body.split("\n")
    starts = [(offset, match[1]) for offset, line in enumerate(lines)
              if (match := _PART.match(line))]
    first = starts[0][0] if starts else len(lines)
    for offset in range(first):
        if lines[offset].strip():
            raise ContentError(f"text before the first part: start it with a line "
                               f"'::: {material.parts[0]}'", path, body_line + offset)
    parts: dict[str, Part] = {}
    for index, (offset, name) in enumerate(starts):
        if name not in material.parts:
            raise ContentError(f"unknown part '{name}' for the {material.name} "
                               f"(parts: {', '.join(material.parts)})", path, body_line + offset)
        if name in parts:
            raise ContentError(f"part '{name}' appears twice", path, body_line + offset)
        end = starts[index + 1][0] if index + 1 < len(starts) else len(lines)
        parts[name] = Part(name, "\n".join(lines[offset + 1:end]), body_line + offset + 1)
    missing = [name for name in material.parts if name not in parts]
    if missing:
        raise ContentError(f"missing part(s) {', '.join(missing)}: add a line '::: {missing[0]}' "
                           "before its text", path)
    return parts


def load_strings(project: Project, locale: str, diagnostics: list[Diagnostic]) -> dict[str, str]:
    """The template's own words for ``locale``; missing keys fall back to the source locale."""
    source_path = project.content_dir / project.source_locale / STRINGS_FILE
    source, _text = _read_strings(project, source_path)
    for key in REQUIRED_STRINGS:
        if key not in source:
            raise ContentError(f"missing key '{key}': the templates need it", source_path)
    if locale == project.source_locale:
        return source
    path = project.content_dir / locale / STRINGS_FILE
    if not present(path):
        diagnostics.append(Diagnostic(f"no {STRINGS_FILE}: every template word falls back to "
                                      f"{project.source_locale}", path))
        return source
    strings, text = _read_strings(project, path)
    for key in sorted(set(strings) - set(source)):
        diagnostics.append(Diagnostic(f"unknown key '{key}' (not in the source locale's "
                                      f"{STRINGS_FILE}); it is ignored", path,
                                      line_of(text, (key,))))
    for key in sorted(set(source) - set(strings)):
        diagnostics.append(Diagnostic(f"missing key '{key}': using the {project.source_locale} "
                                      f"text \"{source[key]}\"", path))
    return {key: strings.get(key, value) for key, value in source.items()}


def _read_strings(project: Project, path: Path) -> tuple[dict[str, str], str]:
    """A strings file's words and its text (read once), checked."""
    data, text = read_toml(path, ContentError, within=project.content_dir)
    data.pop(TRANSLATION_KEY, None)  # which source text a translation translates
    for key, value in data.items():
        if not isinstance(value, str):
            raise ContentError(f"'{key}' must be text in double quotes", path,
                               line_of(text, (key,)))
        check_text(value, path, line_of(text, (key,)), limit=MAX_STRING, what=f"'{key}'")
        check_words(value, value, path, line_of(text, (key,)))
        known = STRING_PLACEHOLDERS.get(key, ())
        for placeholder in known:
            if placeholder not in value:
                raise ContentError(f"'{key}' must keep {placeholder} where it goes (it is "
                                   "filled in, not translated)", path, line_of(text, (key,)))
        for stray in re.findall(r"\{[^{}\s]*\}", value):
            if stray not in known:
                # Nothing fills it in: it would print as it is, braces and all.
                where = f"its only placeholder is {known[0]}" if len(known) == 1 else \
                    "it has no placeholder" if not known else \
                    f"its placeholders are {', '.join(known)}"
                raise ContentError(f"'{key}' holds {stray}, which nothing fills in ({where}): "
                                   "keep the placeholder as the source language writes it",
                                   path, line_of(text, (key,)))
    return data, text
