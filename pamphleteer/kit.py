"""Stage 10: plan the kit (locale x material x profile) and build it, a document at a time.

The jobs of one document (a locale's material) are built together. Its copy is fitted once for
paper, on the home layout, which the shop PDF shares; and once for screens (whose captions say
"Tap"), whichever profiles are built. So a piece has the same type at home and at the shop in
every build, and a copy that does not fit is reported once, not once per profile.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from pamphleteer.cache import BuildCache, job_key, shared_key
from pamphleteer.content import Document, content_path, load_document, load_strings
from pamphleteer.errors import BuildError, Diagnostic, PamphleteerError, UsageError
from pamphleteer.events import Event
from pamphleteer.fit import Fit, fit_document, grow_pages, problems
from pamphleteer.impose import duplex, impose, plan_sheets, print_instruction
from pamphleteer.limits import JOB_SECONDS, OverBudget, memory_budget, time_budget
from pamphleteer.materials import MATERIALS, SHEETS, Material
from pamphleteer.outputs import (
    Manifest,
    Output,
    output_folder,
    writable,
    write_atomic,
    write_signsheet_csv,
)
from pamphleteer.pdf import Rendered, page_count, render_pdf, sheet_pdf
from pamphleteer.preflight import (
    broken_words,
    check_event_glyphs,
    check_glyphs,
    check_layout,
    check_pdf,
    photo_detail,
)
from pamphleteer.prepress import Prepress
from pamphleteer.profiles import PROFILES
from pamphleteer.project import Project
from pamphleteer.qr import MAX_VERSION, QRCode, display_url, make_qr, symbol, tagged_url
from pamphleteer.render import (
    Geometry,
    base_context,
    colours,
    document_context,
    event_context,
    geometry,
    render_html,
    render_template,
    theme_css,
)
from pamphleteer.site import site_files, write_site
from pamphleteer.tomlfile import line_of
from pamphleteer.translation import STRINGS, UNTRANSLATED, file_status
from pamphleteer.workers import Died, run_tasks

FITTED_ON = {"home": "home", "shop": "home", "screen": "screen"}  # whose layout fits a profile


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
        where = f"events/{self.event.slug}/" if self.event else ""
        return f"{where}{self.locale}/{self.material}-{self.profile}.pdf"

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


@dataclass
class KitResult:
    """The outcome of a build: entries written, every error and warning, layouts made."""

    outputs: list[Output]
    errors: list[str]
    warnings: list[str]
    layouts: int = 0
    underlays: int = 0
    jobs: int = 0
    unchanged: list[Output] = field(default_factory=list)  # up to date: not rendered again


@dataclass(frozen=True)
class Piece:
    """Everything one document's renders share: content, strings, codes and geometry."""

    locale: str
    material: Material
    doc: Document
    html_parts: dict
    strings: dict[str, str]
    codes: dict[str, list[QRCode]]  # per profile (colours differ)
    geometries: dict[str, Geometry]  # per profile
    event: dict[str, str] | None = None  # what the event block prints
    translation: str = "source"  # source, fallback, translated, outdated or untranslated


def plan(project: Project, locales: list[str] | None = None, materials: list[str] | None = None,
         profiles: list[str] | None = None, events: list[Event] | None = None) -> list[Job]:
    """Every (locale, material, profile) to build, in a stable order; with ``events``, each
    event's pieces instead (the materials that carry an event, in the event's locales)."""
    for code in locales or ():
        if code in project.broken:
            raise project.broken[code]
        if code not in project.locales:
            known = ", ".join(project.locales)
            raise UsageError(f"-l {code}: unknown locale '{code}' (this campaign has: {known}; "
                             "a new one starts with: new-locale CODE)")
    if not events:
        return list(dict.fromkeys(Job(locale, material, profile)
                                  for locale in (locales or list(project.locales))
                                  for material in (materials or list(MATERIALS))
                                  for profile in (profiles or list(PROFILES))))
    carrying = [m for m in (materials or list(MATERIALS)) if MATERIALS[m].event]
    if not carrying:
        raise UsageError(f"none of these materials carries an event (those that do: "
                         f"{', '.join(m for m in MATERIALS if MATERIALS[m].event)})")
    jobs = list(dict.fromkeys(Job(locale, material, profile, event)
                              for event in events
                              for locale in (locales or list(project.locales))
                              if event.locales is None or locale in event.locales
                              for material in carrying
                              for profile in (profiles or list(PROFILES))))
    if not jobs:
        raise UsageError(f"no event is held in {', '.join(locales or [])}: each event file's "
                         "locales = [...] leaves it out", events[0].path)
    return jobs


def prepare(project: Project, locale: str, material: Material, profiles: tuple[str, ...],
            diagnostics: list[Diagnostic], event: Event | None = None) -> Piece:
    """Read, check and convert one document's content once for all its renders."""
    doc = load_document(project, locale, material, diagnostics)
    doc, translation = _translation(project, locale, doc, diagnostics)
    strings = load_strings(project, locale, diagnostics)
    check_glyphs(project, locale, doc.content_locale, doc.path)
    if event:
        check_event_glyphs(project, locale, event)
    paper = project.locales[locale].paper
    codes, geometries = {}, {}
    purposes = material.qr + tuple(p for p in material.optional_qr if p in project.links)
    links = {p: event.link(p, project.links[p]) if event else project.links[p] for p in purposes}
    tagged = {p: tagged_url(links[p], material=material.code, campaign=project.slug,
                            locale=locale, event=event.slug if event else None)
              for p in purposes}
    for purpose, url in tagged.items():
        version = symbol(url)[1]
        if version > MAX_VERSION:
            source = event.path if event and purpose in dict(event.links) else \
                project.settings_path
            diagnostics.append(Diagnostic(
                f"the {purpose} link with its tracking is {len(url)} characters long: its QR "
                f"code needs version {version}, denser than the version {MAX_VERSION} that "
                "scans well from a card; use a shorter link (or campaign or event slug)",
                source, line_of(source.read_text(encoding="utf-8"), ("links", purpose))))
    for name in profiles:
        ink = colours(project, PROFILES[name].cmyk)
        codes[name] = [make_qr(purpose, tagged[purpose], display_url(links[purpose]),
                               ink["black"], ink["white"])
                       for purpose in purposes]
        geometries[name] = geometry(material, PROFILES[name], paper)
    return Piece(locale=locale, material=material, doc=doc,
                 html_parts=document_context(project, doc, diagnostics), strings=strings,
                 codes=codes, geometries=geometries,
                 event=event_context(project, locale, event) if event else None,
                 translation=translation)


def _translation(project: Project, locale: str, doc: Document,
                 diagnostics: list[Diagnostic]) -> tuple[Document, str]:
    """How far the document's text is its locale's (for the manifest): the source, a
    fallback to it, translated, outdated, or still the untranslated copy ``new-locale`` made,
    which is a warning: it would print as if translated."""
    if locale == project.source_locale:
        return doc, "source"
    words = file_status(project, locale, STRINGS)
    if words.state == UNTRANSLATED:
        diagnostics.append(Diagnostic(
            f"still the untranslated copy new-locale made: the {locale} pieces print these "
            f"template words in another language; translate them, then mark-translated "
            f"{locale} strings", words.path))
    if doc.content_locale != locale:
        return doc, "fallback"  # warned about by load_document
    status = file_status(project, locale, doc.material)
    if status.state != UNTRANSLATED:
        return doc, status.state
    diagnostics.append(Diagnostic(
        f"still the untranslated copy new-locale made: this {locale} PDF would print text "
        f"that is not {locale}; translate it, then mark-translated (status shows what is "
        "left)", doc.path))
    if status.copy_of_source:  # its language is the source's: typeset it as such
        doc = replace(doc, content_locale=project.source_locale)
    return doc, UNTRANSLATED


def page_html(project: Project, piece: Piece, profile: str, fit: Fit, tall: bool = False) -> str:
    """The HTML ``piece`` is laid out from for ``profile`` at ``fit``."""
    return render_html(project, piece.material, PROFILES[profile], piece.doc, piece.html_parts,
                       piece.strings, piece.codes[profile], piece.geometries[profile],
                       fit.css(), tall, piece.event)


def lay_out(project: Project, piece: Piece, profile: str, diagnostics: list[Diagnostic],
            counter: list[int], fit: Fit, tall: bool = False) -> Rendered:
    """One WeasyPrint layout of ``piece`` for ``profile`` at ``fit`` (counted in ``counter``),
    its PDF not yet written."""
    geo = piece.geometries[profile]
    html = page_html(project, piece, profile, fit, tall)
    counter[0] += 1
    intent = project.output_intent
    prepress = Prepress(bleed=geo.bleed, folds=geo.folds, condition=intent.condition,
                        info=intent.info, profile=intent.data) \
        if PROFILES[profile].marks else None
    home = PROFILES[profile].impose
    return render_pdf(html, root=project.root, source=piece.doc.path,
                      pdf_variant=PROFILES[profile].pdf_variant, diagnostics=diagnostics,
                      write=False, prepress=prepress,
                      duplex=duplex(piece.material) if home else None,
                      press=project.asset(intent.path) if PROFILES[profile].cmyk else None,
                      cuts=fit.cuts)


def fit_check(project: Project, locale: str, material: Material,
              diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Fit one document as a build does, for paper and for screens, without writing a PDF
    (for ``check``); return the fit's warnings. Raises what a build would raise."""
    layouts = tuple(dict.fromkeys(FITTED_ON.values()))
    piece = prepare(project, locale, material, layouts, diagnostics)
    notes: list[Diagnostic] = []
    for profile in layouts:
        render = partial(lay_out, project, piece, profile, diagnostics, [0])
        if piece.geometries[profile].grow:
            # A screen page grows to its copy: its measuring layout shows all there is to see.
            fit, rendered = Fit(), render(Fit(), tall=True)
        else:
            fit, rendered = _fit(render, piece, profile)
        check_layout(material.name, rendered.layout, piece.geometries[profile].max_pages,
                     piece.doc.path)
        notes += _for_locale(fit, piece).notes
        if not piece.geometries[profile].grow:  # paper: photos print as large as at the shop
            notes += photo_detail(rendered.layout, piece.doc.path)
        notes += broken_words(rendered.layout, material.name, piece.doc.path)
    return notes


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
            yield from _failed(project, locale, material, profiles[done:], event,
                               f"stopped after {seconds:g} s, this document's time budget: its "
                               "copy or settings make it far costlier than any real piece (see "
                               "--time-limit)")
            return
        done += 1
        yield result


def _failed(project: Project, locale: str, material: str, profiles: tuple[str, ...],
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
    diagnostics: list[Diagnostic] = []
    counter = [0]
    fits: dict[str, tuple[Fit, Rendered]] = {}
    try:
        measured = tuple(dict.fromkeys(FITTED_ON[profile] for profile in profiles))
        piece = prepare(project, locale, MATERIALS[material],
                        tuple(dict.fromkeys((*profiles, *measured))), diagnostics, event)
    except Exception as exc:  # one broken document must not abort the whole kit
        yield from _broken(exc, jobs, diagnostics, counter)
        return
    for number, job in enumerate(jobs):
        underlays = [0]
        try:
            # Each layout is fitted when the first profile that needs it comes up, so that
            # the first PDF is out before the other profiles are laid out.
            fitted_on = FITTED_ON[job.profile]
            if fitted_on not in fits:
                render = partial(lay_out, project, piece, fitted_on, diagnostics, counter)
                fit, fitted = _fit(render, piece, fitted_on)
                # What does not fit the layout a fit was found on is the copy's fault,
                # reported as ``check`` reports it, before another profile is laid out at it.
                check_layout(piece.material.name, fitted.layout,
                             piece.geometries[fitted_on].max_pages, piece.doc.path)
                fits[fitted_on] = (_for_locale(fit, piece), fitted)
        except Exception as exc:
            yield from _broken(exc, jobs[number:], diagnostics, counter)
            return
        fit, fitted = fits[fitted_on]
        try:
            rendered = fitted if job.profile == fitted_on else \
                _render_profile(project, piece, job.profile, fit, diagnostics, counter)
            output, pdf = _finish(project, job, piece, fit, rendered, underlays)
        except Exception as exc:
            yield JobResult(job, errors=[_describe(exc, job.path)],
                            warnings=_texts(diagnostics), underlays=underlays[0],
                            layouts=_taken(counter))
            continue
        warnings = _texts(diagnostics + list(fit.notes)) + output.warnings
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
                    diagnostics: list[Diagnostic], counter: list[int]) -> Rendered:
    """Lay out a profile at the fit found on another's layout, which must fit it alike."""
    rendered = lay_out(project, piece, profile, diagnostics, counter, fit)
    trouble = problems(rendered.layout, fit, piece.material)
    if trouble:
        raise BuildError(f"the {profile} layout does not fit at the type the "
                         f"{FITTED_ON[profile]} layout was fitted to ({fit.scale:.0%}): "
                         f"{'; '.join(trouble)}. The "
                         f"template's {profile}-only styles change the size of its text "
                         "areas; they must not", project.template_file(piece.material.template))
    return rendered


def _finish(project: Project, job: Job, piece: Piece, fit: Fit, rendered: Rendered,
            underlays: list[int]) -> tuple[Output, bytes]:
    """Preflight a profile's render, impose it for home printers, and describe it."""
    geo, profile = piece.geometries[job.profile], PROFILES[job.profile]
    check_layout(piece.material.name, rendered.layout, geo.max_pages, piece.doc.path)
    rendered = rendered.written()
    pdf = rendered.pdf
    if profile.impose:
        pdf = _impose(project, job, piece, rendered, underlays)
    # Shop and screen pages are the piece's own pages: look for holes in their trim; and on
    # screens for type a phone shows too small.
    checks, holes = check_pdf(pdf, piece.codes[job.profile],
                              project.template_file(piece.material.template), piece.doc.path,
                              trim=None if profile.impose else max(geo.slug, geo.bleed),
                              screen=profile.name == "screen")
    output = Output(path=job.path, locale=job.locale, material=job.material,
                    profile=job.profile, content_locale=piece.doc.content_locale,
                    event=job.event.slug if job.event else None, translation=piece.translation,
                    pages=page_count(pdf), bytes=len(pdf),
                    sha256=hashlib.sha256(pdf).hexdigest(), fit_scale=round(fit.scale, 3),
                    qr=[{"purpose": c.purpose, "url": c.url, "verified": c.verified}
                        for c in checks], warnings=[str(hole) for hole in holes])
    if profile.cmyk:
        output.warnings += [str(note) for note in photo_detail(rendered.layout, piece.doc.path)]
    output.warnings += [str(note) for note in broken_words(rendered.layout, piece.material.name,
                                                           piece.doc.path)]
    return output, pdf


def _impose(project: Project, job: Job, piece: Piece, rendered: Rendered,
            underlays: list[int]) -> bytes:
    """Put the trim pages on the home printer's sheets, with marks and a print instruction."""
    material, profile = piece.material, PROFILES[job.profile]
    paper = project.locales[job.locale].paper
    instruction = print_instruction(material, piece.strings)
    layout = plan_sheets(material, SHEETS[paper], piece.geometries[job.profile].trim,
                         rendered.pages, instruction)
    if layout is None:
        return rendered.pdf
    sheet = layout.sheets[0]
    context = base_context(project, job.locale, profile,
                           Geometry(trim=(sheet.width, sheet.height)))
    context["sheets"] = layout.sheets
    html = render_template(project, "sheet.html.j2", context)
    underlay, laid_out = sheet_pdf(html, root=project.root,
                                   source=project.template_file("sheet.html.j2"))
    underlays[0] += laid_out
    return impose(rendered.pdf, layout, underlay, duplex(material))


# Relative layout cost of a material's document (measured on the demo: a booklet lays out
# about six flyer pages' worth), and of a script that needs the CJK fonts.
COSTS = {"booklet": 6.0, "trifold": 3.0, "signsheet": 2.0, "poster": 1.5, "flyer": 1.5}
CJK_COST = 1.5


def _cost(project: Project, locale: str, material: str, profiles: tuple[str, ...]) -> float:
    """A guess at how long a document takes, to start the longest first."""
    script = CJK_COST if project.locales[locale].keep_words else 1.0
    return COSTS.get(material, 1.0) * script * len(profiles)


Group = tuple[str, str, tuple[str, ...], "Event | None"]  # locale, material, profiles, event


def documents(jobs: list[Job]) -> list[Group]:
    """The jobs grouped by document (locale, material, event), each with its profiles, in
    order."""
    groups: dict[tuple[str, str, Event | None], list[str]] = {}
    for job in jobs:
        groups.setdefault((job.locale, job.material, job.event), []).append(job.profile)
    return [(locale, material, tuple(profiles), event)
            for (locale, material, event), profiles in groups.items()]


def shard(jobs: list[Job], number: int, count: int) -> list[Job]:
    """Slice ``number`` (1 to ``count``) of the jobs: whole documents, dealt out in plan order
    like cards, so that every slice holds a like mix of materials and the slices of one plan
    are the same on every machine."""
    mine = {group[:2] + group[3:] for i, group in enumerate(documents(jobs))
            if i % count == number - 1}
    return [job for job in jobs if (job.locale, job.material, job.event) in mine]


Report = Callable[[Job, "Output | None", list[str], list[str]], None]


def build_kit(project: Project, jobs: list[Job], out: Path, workers: int = 1,
              strict: bool = False, seconds: float = JOB_SECONDS,
              report: Report | None = None, use_cache: bool = True) -> KitResult:
    """Build ``jobs`` into ``out`` and update the manifest; failed jobs leave old files alone.
    Each document has ``seconds`` to build. ``report(job, output, errors, warnings)`` hears of
    each job as soon as its PDF is written (``output`` is None when it failed or was already
    up to date). A PDF whose inputs have not changed since it was written is not rendered
    again, unless ``use_cache`` is False."""
    notes = [str(note) for note in project.notes]
    if strict and notes:
        return KitResult(outputs=[], errors=[f"{n} (--strict)" for n in notes], warnings=[])
    result = KitResult(outputs=[], errors=[], warnings=notes, jobs=len(jobs))
    with output_folder(out, project):
        manifest = Manifest(project, out)
        if not manifest.path.exists():  # a folder the build writes into always says so
            try:
                manifest.save()
            except OSError as exc:
                raise BuildError.from_os(exc, manifest.path) from None
        cache = BuildCache(out, enabled=use_cache)
        shared = shared_key(project)
        keys = {job: job_key(project, shared, job.locale, job.material, job.profile,
                             job.event.fingerprint if job.event else None)
                for job in jobs}
        todo = []
        for job in jobs:
            entry = _up_to_date(cache, manifest, job, keys[job], out, strict)
            if entry is None:
                todo.append(job)
                continue
            result.unchanged.append(entry)
            result.warnings += entry.warnings
            if report:
                report(job, None, [], entry.warnings)
        # Each PDF is written as soon as it is ready, so a late failure loses nothing.
        for job_result in _run(project, todo, workers, strict, seconds):
            result.errors += job_result.errors
            result.warnings += job_result.warnings
            result.layouts += job_result.layouts
            result.underlays += job_result.underlays
            output, errors = job_result.output, list(job_result.errors)
            if output is not None and job_result.pdf is not None:
                try:
                    manifest.forget(output.path)
                    write_atomic(writable(out, output.path), job_result.pdf)
                    if job_result.job.event:
                        manifest.events[output.event] = job_result.job.event.summary()
                    manifest.record(output)
                    cache.record(output.path, keys[job_result.job])
                    result.outputs.append(output)
                except (OSError, BuildError) as exc:
                    failure = exc if isinstance(exc, BuildError) else \
                        BuildError.from_os(exc, out / output.path)
                    errors.append(failure.format_message())
                    result.errors += errors[-1:]
                    output = None
            if report:
                report(job_result.job, output, errors, job_result.warnings)
        try:
            for locale in dict.fromkeys(o.locale for o in result.outputs
                                        if o.material == "signsheet"):
                write_signsheet_csv(project, locale, out)
            manifest.save()
            cache.save()
            write_site(project, out, manifest)  # the kit page, from the manifest just saved
            manifest.list_files(out, _csv_files(manifest, out) + site_files(out))
        except OSError as exc:
            result.errors.append(BuildError.from_os(exc, out).format_message())
        except BuildError as exc:  # a link in the way, a manifest that cannot be written
            result.errors.append(exc.format_message())
    result.errors = list(dict.fromkeys(result.errors))
    result.warnings = list(dict.fromkeys(result.warnings))
    return result


def _csv_files(manifest: Manifest, out: Path) -> list[Path]:
    """The signature-sheet CSVs of the kit's locales (those that have a signature sheet)."""
    locales = sorted({entry["locale"] for entry in manifest.entries.values()
                      if entry["material"] == "signsheet" and not entry.get("event")})
    return [out / code / "signsheet.csv" for code in locales
            if (out / code / "signsheet.csv").is_file()]


def _up_to_date(cache: BuildCache, manifest: Manifest, job: Job, key: str, out: Path,
                strict: bool) -> Output | None:
    """The manifest entry of a job whose PDF need not be made again, or None."""
    entry = manifest.entries.get(job.path)
    if entry is None or not cache.fresh(job.path, key, entry, out) or \
            (strict and entry.get("warnings")):
        return None  # under --strict, a PDF with warnings is an error: build it to say so
    try:
        return Output(**entry)
    except TypeError:  # an entry of another shape: build it again
        return None


def _run(project: Project, jobs: list[Job], workers: int, strict: bool, seconds: float):
    """Job results in plan order, from a pool of worker processes when asked for."""
    groups = documents(jobs)
    if workers > 1 and len(groups) > 1:
        tasks = [(project, locale, material, profiles, strict, seconds, event)
                 for locale, material, profiles, event in groups]
        costs = [_cost(project, *group[:3]) for group in groups]
        for (locale, material, profiles, event), results in zip(
                groups, run_tasks(build_document, tasks, min(workers, len(groups)), costs),
                strict=True):
            if isinstance(results, Died):
                results = _failed(project, locale, material, profiles, event, str(results))
            yield from results
    else:
        for locale, material, profiles, event in groups:
            yield from document_results(project, locale, material, profiles, strict, seconds,
                                        event)


def warm_up(project: Project, locales: list[str]) -> None:
    """Load WeasyPrint and the fonts of ``locales`` into this process, so that the first
    rebuild ``watch`` makes in it is as quick as the next."""
    for locale in locales:
        css = theme_css(project, locale, cmyk=False)
        render_pdf(f"<style>{css}</style><p>&nbsp;</p>", root=project.root,
                   source=project.settings_path, diagnostics=[], write=False)
