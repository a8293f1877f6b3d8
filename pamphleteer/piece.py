"""Stage 2-4 for one document: its content, strings, markup and QR codes, read and checked
once for every render of it (the piece the later stages lay out)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pamphleteer.content import Document, load_document, load_strings
from pamphleteer.errors import Diagnostic
from pamphleteer.events import Event
from pamphleteer.inks import colours
from pamphleteer.materials import Material
from pamphleteer.preflight import check_event_glyphs, check_glyphs
from pamphleteer.profiles import PROFILES
from pamphleteer.project import Project, tracks
from pamphleteer.qr import MAX_VERSION, QRCode, display_url, make_qr, symbol, tagged_url
from pamphleteer.render import Geometry, document_context, event_context, geometry
from pamphleteer.tomlfile import line_of
from pamphleteer.translation import STRINGS, UNTRANSLATED, file_status


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
    links: dict[str, str] = field(default_factory=dict)  # printed short addresses, no code


def prepare(project: Project, locale: str, material: Material, profiles: tuple[str, ...],
            event: Event | None = None) -> tuple[Piece, list[Diagnostic]]:
    """Read, check and convert one document's content once for all its renders; the piece
    and the warnings found on the way (a fallback, a missing string, a link too long)."""
    diagnostics: list[Diagnostic] = []
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
    # Tracking only where the campaign can read it: another site's link is printed as it is.
    tagged = {p: tagged_url(links[p], material=material.code, campaign=project.slug,
                            locale=locale, event=event.slug if event else None)
              if tracks(project, links[p]) else links[p] for p in purposes}
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
        ink = colours(project, PROFILES[name].ink)
        codes[name] = [make_qr(purpose, tagged[purpose], display_url(links[purpose]),
                               ink["black"], ink["white"])
                       for purpose in purposes]
        geometries[name] = geometry(material, PROFILES[name], paper)
    piece = Piece(locale=locale, material=material, doc=doc,
                  html_parts=document_context(project, doc, diagnostics), strings=strings,
                  codes=codes, geometries=geometries,
                  event=event_context(project, locale, event) if event else None,
                  translation=translation,
                  links={purpose: display_url(event.link(purpose, project.links[purpose])
                                              if event else project.links[purpose])
                         for purpose in material.links})
    return piece, diagnostics


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
