"""One document's pass through the stages: lay out, fit, render each profile, impose, check.

The jobs of one document (a locale's material) are built together. Its copy is fitted once on
the layout each profile names as its ``fitted_on`` (paper profiles share the home layout;
screens, whose captions say "Tap", have their own), whichever profiles are built. So a piece
has the same type at home, at the shop and on the copier in every build, and a copy that does
not fit is reported once, not once per profile. Each result comes back with its diagnostics;
nothing here writes a file or calls back into ``kit``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field, replace
from functools import partial

from pamphleteer.checks import FILE, FIT, LAYOUT, Subject, run_checks
from pamphleteer.content import content_path
from pamphleteer.errors import BuildError, Diagnostic, PamphleteerError
from pamphleteer.events import Event
from pamphleteer.fit import Fit, fit_document, grow_pages, problems
from pamphleteer.formats import FORMATS
from pamphleteer.impose import Plan, duplex, impose, plan_sheets, print_instruction
from pamphleteer.limits import JOB_SECONDS, OverBudget, memory_budget, time_budget
from pamphleteer.materials import MATERIALS, SHEETS, Material
from pamphleteer.outputs import Output
from pamphleteer.pdf import Rendered, page_count, render_pdf, sheet_pdf
from pamphleteer.piece import Piece, prepare
from pamphleteer.prepress import Prepress
from pamphleteer.profiles import BLACK, PROFILES, output_path
from pamphleteer.project import Project
from pamphleteer.render import Geometry, base_context, render_html, render_template


@dataclass(frozen=True)
class Job:
    """One PDF of the kit."""

    locale: str
    material: str
    profile: str
    event: Event | None = None  # a rally's own piece, with its date and place

    @property
    def path(self) -> str:
        """Where the PDF goes, relative to the output folder."""
        return output_path(self.locale, self.material, self.profile,
                           self.event.slug if self.event else None)

    @property
    def document(self) -> str:
        """Which document the job is a profile of, for messages."""
        where = f"events/{self.event.slug}/" if self.event else ""
        return f"{where}{self.locale}/{self.material}"


@dataclass
class JobResult:
    """What a worker hands back: the PDF and its entry, or the errors (as printable text)."""

    job: Job
    output: Output | None = None
    pdf: bytes | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    layouts: int = 0  # WeasyPrint layouts made for this job (its fit, if it came first)
    underlays: int = 0  # layouts of home-printer sheet underlays


def page_html(project: Project, piece: Piece, profile: str, fit: Fit, tall: bool = False) -> str:
    """The HTML ``piece`` is laid out from for ``profile`` at ``fit``."""
    return render_html(project, piece.material, PROFILES[profile], piece.doc, piece.html_parts,
                       piece.strings, piece.codes[profile], piece.geometries[profile],
                       fit.css(), tall, piece.event, piece.links)


def lay_out(project: Project, piece: Piece, profile: str, counter: list[int], fit: Fit,
            tall: bool = False) -> Rendered:
    """One WeasyPrint layout of ``piece`` for ``profile`` at ``fit`` (counted in ``counter``),
    its PDF not yet written; WeasyPrint's warnings come back with it (``Rendered.notes``)."""
    geo = piece.geometries[profile]
    html = page_html(project, piece, profile, fit, tall)
    counter[0] += 1
    intent = project.output_intent(piece.locale)
    prepress = Prepress(bleed=geo.bleed, folds=geo.folds, condition=intent.condition,
                        info=intent.info, profile=intent.data, registry=intent.registry) \
        if PROFILES[profile].marks else None
    home = PROFILES[profile].impose
    return render_pdf(html, root=project.root, source=piece.doc.path,
                      pdf_variant=PROFILES[profile].pdf_variant, write=False, prepress=prepress,
                      duplex=duplex(piece.material, project.locales[piece.locale].paper)
                      if home else None,
                      press=project.asset(intent.path) if PROFILES[profile].cmyk else None,
                      cuts=fit.cuts, copier=PROFILES[profile].ink == BLACK)


def check_document(project: Project, locale: str,
                   material: Material) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Fit one document as a build does, on each layout a profile is fitted on, and run the
    ``LAYOUT`` checks of every profile that layout serves, without writing a PDF (``check``):
    the warnings of reading its content, and those of laying it out and checking it. Raises
    what a build would raise."""
    profiles = {name: p for name, p in PROFILES.items() if p.kind == material.kind}
    piece, read = prepare(project, locale, material, tuple(profiles))
    notes: list[Diagnostic] = []
    for fitted_on in dict.fromkeys(profile.fitted_on for profile in profiles.values()):
        render = partial(lay_out, project, piece, fitted_on, [0])
        fit, rendered = _fit(render, piece, fitted_on)
        notes += rendered.notes + list(_for_locale(fit, piece).notes)
        for name, profile in profiles.items():
            if profile.fitted_on == fitted_on:
                notes += run_checks(_subject(project, piece, name, rendered), LAYOUT,
                                    own_look=fitted_on in (name, profile.renders_as))
    return read, list(dict.fromkeys(notes))


def _subject(project: Project, piece: Piece, profile: str, rendered: Rendered,
             data: bytes = b"", pdf: bytes = b"", plan: Plan | None = None) -> Subject:
    """What the checks look at of ``piece``'s render for ``profile``."""
    geo, entry = piece.geometries[profile], PROFILES[profile]
    placed = None if plan is None else [[(p.page, p.x, p.y, p.scale) for p in sheet.placements]
                                        for sheet in plan.sheets]
    return Subject(material=piece.material, profile=entry, layout=rendered.layout,
                   max_pages=geo.max_pages, source=piece.doc.path,
                   template=project.template_file(piece.material.template),
                   codes=tuple(piece.codes[profile]), data=data, pdf=pdf,
                   trim=None if entry.impose else max(geo.slug, geo.bleed),
                   trim_size=geo.trim, placed=placed)


def _fit(render, piece: Piece, profile: str) -> tuple[Fit, Rendered]:
    """Fit paper to its copy; grow screen pages to theirs."""
    geo = piece.geometries[profile]
    if geo.grow:
        return grow_pages(render, piece.material, geo.max_pages, piece.doc.path)
    return fit_document(render, piece.material, piece.doc.path)


def _for_locale(fit: Fit, piece: Piece) -> Fit:
    """A fit whose warnings say which kit they are about, when its copy is another's."""
    if piece.doc.content_locale == piece.locale:
        return fit
    where = f" (in the {piece.locale} kit, which uses this copy)"
    return replace(fit, notes=tuple(Diagnostic(note.message + where, note.file, note.line)
                                    for note in fit.notes))


def build_document(project: Project, locale: str, material: str, profiles: tuple[str, ...],
                   strict: bool = False, seconds: float = JOB_SECONDS,
                   event: Event | None = None) -> list[JobResult]:
    """Fit one document once, then render, check and return it in each of ``profiles``;
    a document that takes longer than ``seconds`` is stopped, as an error."""
    return list(document_results(project, locale, material, profiles, strict, seconds, event))


def document_results(project: Project, locale: str, material: str, profiles: tuple[str, ...],
                     strict: bool = False, seconds: float = JOB_SECONDS,
                     event: Event | None = None) -> Iterator[JobResult]:
    """``build_document``, each profile's result as soon as it is ready (the first PDF need
    not wait for the others). The time budget counts the document's own work only."""
    steps = _build_document(project, locale, material, profiles, strict, event)
    started, done = time.monotonic(), 0
    while True:
        try:
            with time_budget(max(seconds - (time.monotonic() - started), 1e-3)), \
                    memory_budget():
                result = next(steps)
        except StopIteration:
            return
        except OverBudget:
            steps.close()
            yield from failed(project, locale, material, profiles[done:], event,
                               f"stopped after {seconds:g} s, this document's time budget: its "
                               "copy or settings make it far costlier than any real piece (see "
                               "--time-limit)")
            return
        done += 1
        yield result


def failed(project: Project, locale: str, material: str, profiles: tuple[str, ...],
            event: Event | None, message: str) -> list[JobResult]:
    """The results of a document that failed as a whole: one error, blamed on its content."""
    error = BuildError(message, content_path(project, locale, material))
    jobs = [Job(locale, material, profile, event) for profile in profiles]
    return [JobResult(jobs[0], errors=[
        f"{error.format_message()} [{jobs[0].document}: {', '.join(profiles)}]"])] + \
        [JobResult(job) for job in jobs[1:]]


def _build_document(project: Project, locale: str, material: str, profiles: tuple[str, ...],
                    strict: bool = False, event: Event | None = None
                    ) -> Generator[JobResult, None, None]:
    jobs = [Job(locale, material, profile, event) for profile in profiles]
    counter = [0]
    fits: dict[str, tuple[Fit, Rendered]] = {}
    try:
        measured = tuple(dict.fromkeys(PROFILES[profile].fitted_on for profile in profiles))
        piece, read = prepare(project, locale, MATERIALS[material],
                              tuple(dict.fromkeys((*profiles, *measured))), event)
    except Exception as exc:  # one broken document must not abort the whole kit
        yield from _broken(exc, jobs, [], counter)
        return
    for number, job in enumerate(jobs):
        underlays = [0]
        try:
            # Each layout is fitted when the first profile that needs it comes up, so that
            # the first PDF is out before the other profiles are laid out.
            fitted_on = PROFILES[job.profile].fitted_on
            if fitted_on not in fits:
                render = partial(lay_out, project, piece, fitted_on, counter)
                fit, fitted = _fit(render, piece, fitted_on)
                # What does not fit the layout a fit was found on is the copy's fault,
                # reported as ``check`` reports it, before another profile is laid out at it.
                run_checks(_subject(project, piece, fitted_on, fitted), LAYOUT, only=FIT)
                fits[fitted_on] = (_for_locale(fit, piece), fitted)
        except Exception as exc:
            yield from _broken(exc, jobs[number:], read, counter)
            return
        fit, fitted = fits[fitted_on]
        # Each stage's warnings: reading the copy, laying out the layout it was fitted on,
        # fitting it, and this profile's own render and checks.
        notes = read + fitted.notes
        try:
            same = fitted_on in (job.profile, PROFILES[job.profile].renders_as)
            rendered = fitted if same else \
                _render_profile(project, piece, job.profile, fit, counter)
            output, pdf = _finish(project, job, piece, fit, rendered, underlays)
        except Exception as exc:
            yield JobResult(job, errors=[_describe(exc, job.path)],
                            warnings=_texts(notes), underlays=underlays[0],
                            layouts=_taken(counter))
            continue
        if not same:
            notes = notes + rendered.notes
        warnings = _texts(notes + list(fit.notes)) + output.warnings
        output.warnings = warnings
        if strict and warnings:
            yield JobResult(job, errors=[f"{w} (--strict)" for w in warnings],
                            underlays=underlays[0], layouts=_taken(counter))
        else:
            yield JobResult(job, output=output, pdf=pdf, warnings=warnings,
                            underlays=underlays[0], layouts=_taken(counter))


def _broken(exc: Exception, jobs: list[Job], diagnostics: list[Diagnostic],
            counter: list[int]) -> Iterator[JobResult]:
    """A document that cannot be fitted: one error, on the first of the jobs left."""
    what = f"{jobs[0].document}: {', '.join(j.profile for j in jobs)}"
    if jobs[0].event:  # its copy may fit without the event block: say which event it was
        what += f", with the event in {jobs[0].event.path.name}"
    yield JobResult(jobs[0], errors=[_describe(exc, what)], warnings=_texts(diagnostics),
                    layouts=_taken(counter))
    yield from (JobResult(job) for job in jobs[1:])


def _taken(counter: list[int]) -> int:
    """The layouts made since the last result (each result carries its own)."""
    taken, counter[0] = counter[0], 0
    return taken


def _texts(diagnostics) -> list[str]:
    return list(dict.fromkeys(str(d) for d in diagnostics))


def _describe(exc: Exception, what: str) -> str:
    if isinstance(exc, PamphleteerError):
        return f"{exc.format_message()} [{what}]"
    if isinstance(exc, MemoryError):
        return (f"could not build {what}: it ran out of its memory budget; its copy or "
                "settings make it far costlier than any real piece")
    return f"could not build {what}: {type(exc).__name__}: {exc} (please report this)"


def _render_profile(project: Project, piece: Piece, profile: str, fit: Fit,
                    counter: list[int]) -> Rendered:
    """Lay out a profile at the fit found on another's layout, which must fit it alike."""
    rendered = lay_out(project, piece, profile, counter, fit)
    trouble = problems(rendered.layout, fit, piece.material)
    if trouble:
        raise BuildError(f"the {profile} layout does not fit at the type the "
                         f"{PROFILES[profile].fitted_on} layout was fitted to ({fit.scale:.0%}): "
                         f"{'; '.join(trouble)}. The "
                         f"template's {profile}-only styles change the size of its text "
                         "areas; they must not", project.template_file(piece.material.template))
    return rendered


def _finish(project: Project, job: Job, piece: Piece, fit: Fit, rendered: Rendered,
            underlays: list[int]) -> tuple[Output, bytes]:
    """Check a profile's render, impose it for home printers, check the file, describe it."""
    profile = PROFILES[job.profile]
    notes = run_checks(_subject(project, piece, job.profile, rendered), LAYOUT)
    rendered = rendered.written()
    pdf, plan = rendered.pdf, None
    if profile.impose:
        pdf, plan = _impose(project, job, piece, rendered, underlays)
    data = FORMATS[profile.format].encode(pdf)  # the PDF itself, or an image of its page
    subject = _subject(project, piece, job.profile, rendered, data, pdf, plan)
    notes = run_checks(subject, FILE) + notes
    output = Output(path=job.path, locale=job.locale, material=job.material,
                    profile=job.profile, content_locale=piece.doc.content_locale,
                    event=job.event.slug if job.event else None, translation=piece.translation,
                    pages=page_count(pdf) if profile.format == "pdf" else
                    FORMATS[profile.format].pages(data), bytes=len(data),
                    sha256=hashlib.sha256(data).hexdigest(), fit_scale=round(fit.scale, 3),
                    qr=[{"purpose": c.purpose, "url": c.url, "verified": c.verified}
                        for c in subject.found],
                    warnings=list(dict.fromkeys(str(note) for note in notes)))
    return output, data


def _impose(project: Project, job: Job, piece: Piece, rendered: Rendered,
            underlays: list[int]) -> tuple[bytes, Plan | None]:
    """Put the trim pages on the home printer's sheets, with marks and a print instruction;
    the sheets, and the plan that placed the pages (none: the trim pages as they are)."""
    material, profile = piece.material, PROFILES[job.profile]
    paper = project.locales[job.locale].paper
    instruction = print_instruction(material, piece.strings, paper, job.locale)
    layout = plan_sheets(material, SHEETS[paper], piece.geometries[job.profile].trim,
                         rendered.pages, instruction,
                         rtl=project.locales[piece.doc.content_locale].direction == "rtl")
    if layout is None:
        return rendered.pdf, None
    sheet = layout.sheets[0]
    context = base_context(project, job.locale, profile,
                           Geometry(trim=(sheet.width, sheet.height)))
    context["sheets"] = layout.sheets
    html = render_template(project, "sheet.html.j2", context)
    underlay, laid_out = sheet_pdf(html, root=project.root,
                                   source=project.template_file("sheet.html.j2"))
    underlays[0] += laid_out
    return impose(rendered.pdf, layout, underlay, duplex(material, paper)), layout


# Relative layout cost of a material's document (measured on the demo: a booklet lays out
# about six flyer pages' worth), and of a script that needs the CJK fonts.
