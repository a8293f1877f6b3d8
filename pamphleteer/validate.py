"""``check``: validation of a whole campaign without writing a PDF.

Settings, content and glyphs are checked without rendering. Copyfit is checked the way the
build does it (the same layouts, the same decisions, but no PDF, no imposition and no QR
decoding), so that ``check`` never passes copy that the build then refuses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pamphleteer.content import STRINGS_FILE, content_path, load_document, load_strings
from pamphleteer.errors import Diagnostic, PamphleteerError
from pamphleteer.glyphs import check_file
from pamphleteer.kit import fit_check
from pamphleteer.materials import MATERIALS
from pamphleteer.project import Project
from pamphleteer.render import document_context
from pamphleteer.translation import MISSING, OUTDATED, UNTRANSLATED, status_table


@dataclass
class Report:
    """Problems found by ``check``: errors always fail, warnings fail under ``--strict``."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_project(project: Project) -> Report:
    """Settings (already loaded), content, glyph coverage and translation status."""
    report = Report(warnings=[str(note) for note in project.notes])
    for locale in project.locales:
        diagnostics: list[Diagnostic] = []
        _check_strings(project, locale, report, diagnostics)
        for material in MATERIALS.values():
            path = content_path(project, locale, material.name)
            if not path.is_file():
                continue  # reported by the translation status below
            try:
                # The same Markdown and placeholder pass a build makes, without the rendering.
                document_context(project, load_document(project, locale, material, diagnostics),
                                 diagnostics)
            except PamphleteerError as exc:
                report.errors.append(exc.format_message())
                continue
            problem = check_file(project, locale, path)
            if problem:
                report.errors.append(problem.format_message())
                continue
            try:
                fit = fit_check(project, locale, material, diagnostics)
            except PamphleteerError as exc:
                report.errors.append(exc.format_message())
                continue
            report.warnings += [str(note) for note in fit.notes]
        report.warnings += [str(d) for d in diagnostics]
    for status in status_table(project):
        catch_up = f"mark-translated {status.locale} {status.material}"
        message = {
            OUTDATED: f"outdated: the {project.source_locale} source changed since this was "
                      f"translated (once caught up: {catch_up})" if status.fingerprinted else
                      "outdated: this file does not say which version of the "
                      f"{project.source_locale} source it translates (once it matches: "
                      f"{catch_up})",
            UNTRANSLATED: "untranslated: still the copy made by new-locale",
            MISSING: f"missing: the {project.source_locale} text is used instead",
        }.get(status.state)
        if message:
            report.warnings.append(str(Diagnostic(message, status.path)))
    report.errors = list(dict.fromkeys(report.errors))
    report.warnings = list(dict.fromkeys(report.warnings))
    return report


def _check_strings(project: Project, locale: str, report: Report,
                   diagnostics: list[Diagnostic]) -> None:
    path = project.content_dir / locale / STRINGS_FILE
    try:
        load_strings(project, locale, diagnostics)
    except PamphleteerError as exc:
        report.errors.append(exc.format_message())
        return
    if path.is_file():
        problem = check_file(project, locale, path)
        if problem:
            report.errors.append(problem.format_message())
