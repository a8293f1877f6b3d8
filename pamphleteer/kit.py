"""Stage 9: plan the kit (locale x material x profile), build every job, write the manifest."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pamphleteer import __version__
from pamphleteer.checks import unembedded_fonts, verify_qr_codes
from pamphleteer.content import STRINGS_FILE, load_document, load_strings
from pamphleteer.errors import BuildError, Diagnostic, PamphleteerError
from pamphleteer.glyphs import check_file
from pamphleteer.impose import impose, instruction_keys, plan_sheets
from pamphleteer.materials import MATERIALS, SHEETS, Material
from pamphleteer.pdf import Rendered, page_count, render_pdf, write_atomic
from pamphleteer.profiles import PROFILES, Profile
from pamphleteer.project import Project
from pamphleteer.qr import display_url, make_qr, tagged_url
from pamphleteer.render import (
    Geometry,
    base_context,
    colours,
    geometry,
    render_html,
    render_template,
)

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Job:
    """One PDF of the kit."""

    locale: str
    material: str
    profile: str

    @property
    def path(self) -> str:
        """Where the PDF goes, relative to the output folder."""
        return f"{self.locale}/{self.material}-{self.profile}.pdf"


@dataclass
class Output:
    """A manifest entry: one finished PDF and what the checks found."""

    path: str
    locale: str
    material: str
    profile: str
    content_locale: str
    event: str | None
    pages: int
    bytes: int
    sha256: str
    fit_scale: float
    qr: list[dict]
    warnings: list[str] = field(default_factory=list)


@dataclass
class JobResult:
    """What a worker hands back: the PDF and its entry, or the errors (as printable text)."""

    job: Job
    output: Output | None = None
    pdf: bytes | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class KitResult:
    """The outcome of a build: entries written, and every error and warning."""

    outputs: list[Output]
    errors: list[str]
    warnings: list[str]


def plan(project: Project, locales: list[str] | None = None, materials: list[str] | None = None,
         profiles: list[str] | None = None) -> list[Job]:
    """Every (locale, material, profile) to build, in a stable order."""
    for code in locales or ():
        if code not in project.locales:
            known = ", ".join(project.locales)
            raise BuildError(f"unknown locale '{code}' (this campaign has: {known})",
                             project.settings_path)
    return list(dict.fromkeys(Job(locale, material, profile)
                              for locale in (locales or list(project.locales))
                              for material in (materials or list(MATERIALS))
                              for profile in (profiles or list(PROFILES))))


def build_job(project: Project, job: Job, strict: bool = False) -> JobResult:
    """Render, check and return one PDF; errors come back as values, never raised."""
    diagnostics: list[Diagnostic] = []
    try:
        output, pdf = _build(project, job, diagnostics)
    except PamphleteerError as exc:
        return JobResult(job, errors=[f"{exc.format_message()} [{job.path}]"],
                         warnings=[str(d) for d in diagnostics])
    except Exception as exc:  # one broken job must not abort the whole kit
        return JobResult(job, errors=[f"could not build {job.path}: "
                                      f"{type(exc).__name__}: {exc} (please report this)"],
                         warnings=[str(d) for d in diagnostics])
    warnings = [str(d) for d in diagnostics]
    output.warnings = warnings
    if strict and warnings:
        return JobResult(job, errors=[f"{w} (--strict)" for w in warnings], warnings=[])
    return JobResult(job, output=output, pdf=pdf, warnings=warnings)


def _build(project: Project, job: Job, diagnostics: list[Diagnostic]) -> tuple[Output, bytes]:
    material, profile = MATERIALS[job.material], PROFILES[job.profile]
    locale = project.locales[job.locale]
    doc = load_document(project, job.locale, material, diagnostics)
    strings = load_strings(project, job.locale, diagnostics)
    _check_glyphs(project, job.locale, doc.content_locale, doc.path)
    ink = colours(project, profile.cmyk)
    codes = [make_qr(purpose,
                     tagged_url(project.links[purpose], material=material.name,
                                campaign=project.slug, locale=job.locale),
                     display_url(project.links[purpose]), ink["black"], ink["white"])
             for purpose in material.qr]
    geo = geometry(material, profile, locale.paper)

    def render(blank_pages: int = 0) -> Rendered:
        html = render_html(project, material, profile, doc, strings, codes, geo, diagnostics,
                           blank_pages=blank_pages)
        return render_pdf(html, root=project.root, source=doc.path,
                          pdf_variant=profile.pdf_variant, diagnostics=diagnostics)

    rendered = render()
    if rendered.pages % material.page_multiple:
        # Booklets: blank pages go before the back cover, which must stay the last page.
        rendered = render(blank_pages=-rendered.pages % material.page_multiple)
        if rendered.pages % material.page_multiple:
            raise BuildError(f"the {material.name} needs a multiple of "
                             f"{material.page_multiple} pages but has {rendered.pages} even "
                             "with blank pages added (check its template)",
                             project.templates_dir / material.template)
    _check_fit(material, geo, rendered, doc.path)
    pdf = rendered.pdf
    if profile.impose:
        pdf = _impose(project, job, material, profile, geo, strings, rendered)
    checks = verify_qr_codes(pdf, codes)
    failed = [check for check in checks if not check.verified]
    if failed:
        found = ", ".join(failed[0].found) or "no code at all"
        raise BuildError(f"QR code for the {failed[0].purpose} does not decode to "
                         f"{failed[0].url} (decoded: {found})", project.templates_dir
                         / material.template)
    missing_fonts = unembedded_fonts(pdf)
    if missing_fonts:
        raise BuildError(f"fonts not embedded: {', '.join(missing_fonts)}", doc.path)
    output = Output(path=job.path, locale=job.locale, material=job.material,
                    profile=job.profile, content_locale=doc.content_locale, event=None,
                    pages=page_count(pdf), bytes=len(pdf),
                    sha256=hashlib.sha256(pdf).hexdigest(), fit_scale=1.0,
                    qr=[{"purpose": c.purpose, "url": c.url, "verified": c.verified}
                        for c in checks])
    return output, pdf


def _check_glyphs(project: Project, locale: str, content_locale: str, path: Path) -> None:
    """Refuse text the locale's bundled fonts cannot draw, before it becomes boxes."""
    strings = project.content_dir / locale / STRINGS_FILE
    for code, file in ((content_locale, path), (locale, strings)):
        problem = check_file(project, code, file) if file.is_file() else None
        if problem:
            raise problem


def _check_fit(material: Material, geo: Geometry, rendered: Rendered, source: Path) -> None:
    """Text must fit its frames, and the document its page budget."""
    for frame, excess in rendered.overflows:
        by = f"by about {max(excess, 1):.0f} mm " if excess else ""
        raise BuildError(f"the text does not fit: the {material.name}'s {frame} area is too "
                         f"small {by}for it; shorten the text", source)
    if rendered.pages > geo.max_pages:
        raise BuildError(f"the text does not fit: the {material.name} has room for "
                         f"{geo.max_pages} page(s) but needs {rendered.pages}; shorten it", source)


def _impose(project: Project, job: Job, material: Material, profile: Profile, geo: Geometry,
            strings: dict[str, str], rendered: Rendered) -> bytes:
    """Put the trim pages on the home printer's sheets, with marks and a print instruction."""
    paper = project.locales[job.locale].paper
    words = [strings[key] for key in instruction_keys(material)]
    instruction = "; ".join(words[:1] + [w[:1].lower() + w[1:] for w in words[1:]])
    layout = plan_sheets(material, SHEETS[paper], geo.trim, rendered.pages, instruction)
    if layout is None:
        return rendered.pdf
    sheet = layout.sheets[0]
    context = base_context(project, job.locale, profile,
                           Geometry(trim=(sheet.width, sheet.height)))
    context["sheets"] = layout.sheets
    html = render_template(project, "sheet.html.j2", context)
    underlay = render_pdf(html, root=project.root, source=project.templates_dir / "sheet.html.j2",
                          diagnostics=[])
    return impose(rendered.pdf, layout, underlay.pdf)


def build_kit(project: Project, jobs: list[Job], out: Path, workers: int = 1,
              strict: bool = False) -> KitResult:
    """Build ``jobs`` into ``out`` and update the manifest; failed jobs leave old files alone."""
    notes = [str(note) for note in project.notes]
    if strict and notes:
        return KitResult(outputs=[], errors=[f"{n} (--strict)" for n in notes], warnings=[])
    outputs, errors, warnings = [], [], notes
    # Each PDF is written as soon as it is ready, so a late failure loses nothing.
    for result in _run(project, jobs, workers, strict):
        errors += result.errors
        warnings += result.warnings
        if result.output is not None and result.pdf is not None:
            write_atomic(out / result.output.path, result.pdf)
            outputs.append(result.output)
    for locale in dict.fromkeys(o.locale for o in outputs if o.material == "signsheet"):
        _write_signsheet_csv(project, locale, out)
    write_manifest(project, out, outputs)
    return KitResult(outputs=outputs, errors=list(dict.fromkeys(errors)),
                     warnings=list(dict.fromkeys(warnings)))


def _write_signsheet_csv(project: Project, locale: str, out: Path) -> None:
    """The header row volunteers type the signature sheets into, in the sheet's own words."""
    strings = load_strings(project, locale, [])
    columns = [strings[key] for key in ("name", "email", "zip", "phone", "keep_informed")]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([*columns, "sheet", "row"])
    write_atomic(out / locale / "signsheet.csv", buffer.getvalue().encode("utf-8-sig"))


def _run(project: Project, jobs: list[Job], workers: int, strict: bool):
    """Job results in plan order, from a pool of warm worker processes when asked for."""
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            yield from pool.map(build_job, [project] * len(jobs), jobs, [strict] * len(jobs))
    else:
        for job in jobs:
            yield build_job(project, job, strict)


def write_manifest(project: Project, out: Path, outputs: list[Output]) -> None:
    """Merge this build's outputs into ``manifest.json`` (entries of other files are kept)."""
    path = out / MANIFEST
    rebuilt = {output.path for output in outputs}
    kept: list[dict] = []
    if path.is_file():
        try:
            previous = json.loads(path.read_text(encoding="utf-8")).get("outputs", [])
        except (ValueError, AttributeError):  # not JSON, not UTF-8, not a manifest
            previous = []
        kept = [entry for entry in previous if isinstance(entry, dict)
                and entry.get("path") not in rebuilt and (out / str(entry.get("path"))).is_file()]
    entries = sorted(kept + [asdict(o) for o in outputs], key=lambda e: e["path"])
    manifest = {"campaign": project.name, "generator": f"pamphleteer {__version__}",
                "outputs": entries}
    write_atomic(path, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
