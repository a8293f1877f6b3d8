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
from pamphleteer.profiles import PAPER, PROFILES
from pamphleteer.project import Project, tracks
from pamphleteer.qr import (
    QRCode,
    display_url,
    make_qr,
    max_version,
    module_mm,
    symbol,
    tracked_url,
    tracking_value,
)
from pamphleteer.render import Geometry, document_context, event_context, geometry
from pamphleteer.tomlfile import line_of
from pamphleteer.translation import STRINGS, UNTRANSLATED, file_status
from pamphleteer.typography import cjk_language

CJK_GROWTH = 1.15  # how much further Japanese and Chinese type may grow than the material says


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
    if cjk_language(doc.content_locale):
        # Japanese and Chinese say in fewer square ems what English says: their type may
        # grow further before an area is called too empty.
        material = replace(material, fit=(material.fit[0],
                                          round(material.fit[1] * CJK_GROWTH, 3)))
    strings = load_strings(project, locale, diagnostics)
    check_glyphs(project, locale, doc.content_locale, doc.path)
    if event:
        check_event_glyphs(project, locale, event)
    paper = project.locales[locale].paper
    rtl = project.locales[doc.content_locale].direction == "rtl"
    codes, geometries = {}, {}
    purposes = material.qr + tuple(p for p in material.optional_qr if p in project.links)
    coded = {p: code_link(project, p, event) for p in purposes}
    # Tracking only where the campaign can read it: another site's link is coded as it is.
    value = tracking_value(material.code, locale, event.slug if event else None)
    tagged = {p: tracked_url(url, project.tracking, value) if tracks(project, url) else url
              for p, url in coded.items()}
    size = material.code_size(PAPER, len(purposes))  # screens have no module floor
    densest = max_version(size, material.min_module)
    for purpose, url in tagged.items():
        _check_density(project, material, purpose, url, size, densest, event, diagnostics)
    shown = {p: display_url(url) for p, url in coded.items()}  # printed under each code
    for name in profiles:
        ink = colours(project, PROFILES[name].ink)
        # A tagged PDF says what each code does and where it goes, in the piece's words.
        tags = (PROFILES[name].pdf_variant or "").startswith("pdf/ua")
        codes[name] = [make_qr(purpose, tagged[purpose], shown[purpose], ink["black"],
                               ink["white"], densest,
                               alt=f"{strings.get(purpose + '_label', purpose)}: "
                                   f"{shown[purpose]}" if tags else "")
                       for purpose in purposes]
        geometries[name] = geometry(material, PROFILES[name], paper, rtl)
    piece = Piece(locale=locale, material=material, doc=doc,
                  html_parts=document_context(project, doc, diagnostics), strings=strings,
                  codes=codes, geometries=geometries,
                  event=event_context(project, locale, event) if event else None,
                  translation=translation,
                  links={purpose: display_url(code_link(project, purpose, event))
                         for purpose in material.links})
    return piece, diagnostics


def code_link(project: Project, purpose: str, event: Event | None = None) -> str:
    """The link a ``purpose``'s code carries and its piece prints, before tracking: the short
    link where one is set, else the link (the event's own, or the campaign's)."""
    short = project.short_links.get(purpose)
    if event:
        return event.short_link(purpose, short) or event.link(purpose, project.links[purpose])
    return short or project.links[purpose]


def _check_density(project: Project, material: Material, purpose: str, url: str, size: float,
                   densest: int, event: Event | None, diagnostics: list[Diagnostic]) -> None:
    """Warn when a code's modules print smaller than a phone reads in a crowd, naming the
    setting to shorten: the event's or the campaign's short link, or the link."""
    version = symbol(url, densest)[1]
    if version <= densest:
        return
    short = project.short_links.get(purpose)
    if event:
        short = event.short_link(purpose, short)
    table = "short_links" if short else "links"
    own = event and purpose in dict(event.short_links if short else event.links)
    source = event.path if event and own else project.settings_path
    fix = (f"shorten [short_links] {purpose}" if short else
           f"set a short link for it under [short_links] {purpose} = \"https://...\"")
    if event and tracks(project, url):
        fix += " (or give the event a shorter slug: it rides in the tracking)"
    diagnostics.append(Diagnostic(
        f"the {purpose} code on the {material.name} carries {len(url)} characters ({url}): "
        f"its modules print {module_mm(version, size):.2f} mm wide, under the "
        f"{material.min_module:g} mm a phone reads from a hand's length in a crowd; {fix}",
        source, line_of(source.read_text(encoding="utf-8"), (table, purpose))))


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
