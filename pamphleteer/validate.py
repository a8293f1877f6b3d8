"""``check``: validation of a whole campaign without writing a PDF.

Settings, content, glyphs and translation status are checked without rendering. Every piece
the build would make (a language's own copy, or the source copy it falls back to) is fitted
the way the build fits it, on the same home and screen layouts with the same decisions, but without
writing, imposing or decoding a PDF: so ``check`` refuses the copy the build refuses and warns
where the build warns. What only a finished PDF shows (QR codes that decode, blank bands on the
printed page) is left to the build.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pamphleteer.content import STRINGS_FILE, content_path, load_strings, present
from pamphleteer.errors import Diagnostic, PamphleteerError
from pamphleteer.glyphs import check_file
from pamphleteer.limits import JOB_SECONDS, OverBudget, memory_budget, time_budget
from pamphleteer.materials import MATERIALS
from pamphleteer.pipeline import check_document
from pamphleteer.project import Project
from pamphleteer.translation import MISSING, OUTDATED, UNTRANSLATED, status_table, tracked


@dataclass
class Report:
    """Problems found by ``check``: errors always fail, warnings fail under ``--strict``."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # broken languages not asked for


def check_project(project: Project, locales: list[str] | None = None,
                  materials: list[str] | None = None, seconds: float = JOB_SECONDS) -> Report:
    """Settings (already loaded), content, glyphs, fit and translation status of the pieces
    of ``locales`` and ``materials`` (all of them when not given); each document has
    ``seconds`` to be checked, as a build's has to be built."""
    report = Report(warnings=[str(note) for note in project.notes])
    made = [name for name in tracked(project) if name in MATERIALS]
    for locale in locales or project.locales:
        diagnostics: list[Diagnostic] = []
        _check_strings(project, locale, report, diagnostics)
        for material in (MATERIALS[name] for name in materials or made):
            # Something in a file's place (a pipe, a broken link) is checked, and refused.
            own = present(content_path(project, locale, material.name))
            source = present(content_path(project, project.source_locale, material.name))
            if not own and (locale == project.source_locale or not source):
                continue  # reported by the translation status below
            try:
                with time_budget(seconds), memory_budget():
                    read, notes = check_document(project, locale, material)
                # A fallback's own warnings ("not translated yet") are the status table's.
                if own:
                    diagnostics += read
            except PamphleteerError as exc:  # tagged as the build tags it
                report.errors.append(f"{exc.format_message()} [{locale}/{material.name}]")
                continue
            except OverBudget:
                error = PamphleteerError(f"stopped after {seconds:g} s, this document's time "
                                         "budget (see --time-limit)",
                                         content_path(project, locale, material.name))
                report.errors.append(f"{error.format_message()} [{locale}/{material.name}]")
                continue
            report.warnings += [str(note) for note in notes]
        report.warnings += [str(d) for d in diagnostics]
    for status in status_table(project):
        if (locales and status.locale not in locales) or \
                (materials and status.material not in materials):
            continue
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
