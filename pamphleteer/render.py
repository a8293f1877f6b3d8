"""Stage 5: fill a material's Jinja template with a document, strings and QR codes."""

from __future__ import annotations

import datetime as dt
import os
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from pamphleteer.content import Document, load_document
from pamphleteer.errors import BuildError, Diagnostic
from pamphleteer.events import TRANSLATABLE, Event
from pamphleteer.files import lies_outside, read_user_text, real_path
from pamphleteer.fonts import font_face_css
from pamphleteer.impose import unprintable_top
from pamphleteer.inks import colours
from pamphleteer.markup import css_string, inline, pair_lines_to_say, plain, to_html
from pamphleteer.materials import MATERIALS, SIGNATURE_COLUMNS, TRIFOLD_PANELS, Material
from pamphleteer.pagetext import check_filled, clean_metadata
from pamphleteer.prepress import SLUG
from pamphleteer.profiles import BLACK, OUTPUT_PROFILE, SCREEN, Profile
from pamphleteer.project import Project
from pamphleteer.qr import QRCode
from pamphleteer.theme import folders, trusted
from pamphleteer.visuals import paint


@dataclass(frozen=True)
class Geometry:
    """The pages of one render: trim size, bleed, marks and any extra named page sizes."""

    trim: tuple[float, float]
    bleed: float = 0
    slug: float = 0  # paper beyond the bleed for print-shop marks (see prepress.py)
    layout: str = "pages"  # "pages"; tri-folds: "sheets" (flat, fold order) or "panels"
    max_pages: int = 1
    safe: float = 18.0  # points of margin text keeps from the trim edge
    named: dict[str, tuple[float, float]] = field(default_factory=dict)
    panels: dict[str, float] = field(default_factory=dict)  # tri-fold panel widths
    folds: tuple[tuple[float, ...], ...] = ()  # per page: folds from the trim's left edge
    # Screens: each part of the body (a side, a panel) is a page as tall as its content: laid
    # out on a page as tall as a PDF page may be, then cut to its copy (see fit.grow_pages).
    grow: bool = False
    # How far in from the trim's top and sides a home printer cannot print, where the piece
    # lies on its sheet: the masthead band keeps clear of it in every profile, to look alike.
    unprintable: float = 0.25 * 72


def geometry(material: Material, profile: Profile, paper: str, rtl: bool = False) -> Geometry:
    """Page geometry of ``material`` for ``profile`` on ``paper`` (``rtl``: a tri-fold's
    panels, and so its folds, mirrored)."""
    common: dict[str, Any] = {"bleed": profile.bleed[paper], "safe": profile.safe_margin,
              "slug": SLUG if profile.marks else 0.0,
              "unprintable": unprintable_top(material, paper)}
    trim = material.trim[paper]
    if material.imposition == "trifold":
        flap, back, cover = TRIFOLD_PANELS[paper]
        # Seen from the inside, each panel is the back of an outside one, mirrored.
        common["panels"] = {"flap": flap, "back": back, "cover": cover,
                            "inside-1": cover, "inside-2": back, "inside-3": flap}
        if profile.medium == SCREEN:
            return Geometry(trim=(cover, GROW_HEIGHT), layout="panels", max_pages=6, grow=True,
                            **common)
        folds: tuple[tuple[float, ...], ...] = ((flap, flap + back), (cover, cover + back))
        if rtl:
            folds = tuple(tuple(sorted(trim[0] - x for x in side)) for side in folds)
        return Geometry(trim=trim, layout="sheets", max_pages=2, folds=folds, **common)
    if profile.medium == SCREEN:
        # Read on a phone, a page is shown 390 px wide: a page no wider than this keeps
        # 10 pt type at 10.8 px or more. Its parts are pages as tall as their copy.
        return Geometry(trim=(min(trim[0], PHONE_WIDTH), GROW_HEIGHT),
                        max_pages=len(material.parts) or 1, grow=True, **common)
    return Geometry(trim=trim, max_pages=material.pages, **common)


PHONE_WIDTH = 5 * 72.0  # points: the widest screen page
GROW_HEIGHT = 14400.0  # points (200 in, PDF's largest page): a screen page's measuring height


def templates(project: Project) -> jinja2.Environment:
    """The Jinja environment of a campaign: its own templates first, then the theme's."""
    dirs = tuple(folders(project.root, "templates"))
    # A template the campaign adds later (under ``watch``) must replace the theme's at once:
    # the names of its own templates are part of the key.
    own = tuple(sorted(str(p.relative_to(dirs[0])) for p in dirs[0].rglob("*.j2"))) \
        if dirs and dirs[0].is_relative_to(project.root.resolve()) else ()
    return environment(dirs, own, tuple(trusted(project.root, "templates")))


@lru_cache(maxsize=8)
def environment(templates_dirs: tuple[Path, ...], own: tuple[str, ...] = (),
                allowed: tuple[Path, ...] | None = None) -> jinja2.Environment:
    """A sandboxed Jinja environment: autoescaped, and an unknown name is an error.

    One per set of template folders, kept: it compiles each template once, and reloads one
    that changed on disk (``auto_reload``), as ``watch`` needs. Templates are read only from
    the folders ``allowed`` (by default ``templates_dirs``, links resolved): see
    ``CampaignLoader``."""
    if allowed is None:
        allowed = tuple(folder.resolve() for folder in templates_dirs)
    return ImmutableSandboxedEnvironment(
        loader=CampaignLoader(templates_dirs, allowed),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class CampaignLoader(jinja2.FileSystemLoader):
    """Templates from the campaign's templates/ and then the theme's, read as every file a
    campaign supplies is read (``files``): an ordinary file, under the text cap, that after
    every link is resolved lies in one of the ``allowed`` folders (``theme.trusted``: the
    campaign's and the theme's templates/). So an ``{% include %}`` reaches nothing else,
    through a link or a ``..``."""

    def __init__(self, searchpath: tuple[Path, ...], allowed: tuple[Path, ...]):
        super().__init__([str(folder) for folder in searchpath])
        self.allowed = allowed

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        """The text of ``template``, its file, and whether that file is unchanged since."""
        pieces = split_template_path(template)  # a ".." is refused here, as not found
        for folder in self.searchpath:
            path = Path(folder, *pieces)
            # The campaign's file, whatever stands there, replaces the theme's: a pipe or a
            # broken link is refused by name, not passed over.
            if os.path.lexists(path):
                break
        else:
            raise jinja2.TemplateNotFound(template)
        signature = _signature(path)
        if lies_outside(path, self.allowed):
            raise BuildError("this is a link to a file outside the campaign's templates/ "
                             "folder and the theme's: a template may include only templates",
                             path)
        source = read_user_text(path, self.allowed, error=BuildError)
        return source, os.path.normpath(path), lambda: _signature(path) == signature


def _signature(path: Path) -> tuple | None:
    """What says a template file changed: where it leads, its size, time and inode."""
    try:
        info = path.stat()
        return (real_path(path), info.st_size, info.st_mtime_ns, info.st_ino)
    except OSError:
        return None


HEADLINES = ("title", "cta")  # front matter set as headlines: no short word left alone


def document_context(project: Project, doc: Document, diagnostics: list[Diagnostic]) -> dict:
    """The document's front matter and parts as safe HTML for the template."""
    locale = project.locales[doc.content_locale]
    options: dict[str, Any] = {"edition": project.edition, "keep_words": locale.keep_words,
               "lang": doc.content_locale}
    meta = {key: Markup(inline(value, path=doc.path, line=doc.meta_lines[key],
                               headline=key in HEADLINES, **options))
            for key, value in doc.meta.items() if key != "translation_of"}
    parts = {name: Markup(to_html(part.markdown, path=doc.path, line=part.line,
                                  diagnostics=diagnostics, photos=project.root, **options))
             for name, part in doc.parts.items()}
    if MATERIALS[doc.material].bilingual and doc.content_locale != project.source_locale:
        parts = _with_source_lines(project, doc, parts, diagnostics)
    return {"meta": meta, "parts": parts, "lang": doc.content_locale}


def _with_source_lines(project: Project, doc: Document, parts: dict,
                       diagnostics: list[Diagnostic]) -> dict:
    """Lines to say, in the source language above their translation (see the call script)."""
    source_doc = load_document(project, project.source_locale, MATERIALS[doc.material], [])
    source = document_context(project, source_doc, [])["parts"]
    paired = {}
    for name, html in parts.items():
        paired[name], here, there = pair_lines_to_say(str(html), str(source.get(name, "")),
                                                      project.source_locale)
        paired[name] = Markup(paired[name])
        if here != there:
            diagnostics.append(Diagnostic(
                f"the {name} has {here} line(s) to say (quoted with '>') where the "
                f"{project.source_locale} copy has {there}: translate each one, so that a "
                f"caller reads the {project.source_locale} line above yours",
                doc.path, doc.parts[name].line))
    return paired


TALL = 8  # a measuring layout's pages are this many times taller, so nothing is cut off


def page_css(geo: Geometry, profile: Profile, tall: bool = False,
             output_profile: str = OUTPUT_PROFILE) -> str:
    """The ``@page`` rules of one render, from data rather than from templates."""
    def rule(name: str, size: tuple[float, float]) -> str:
        height = size[1] * TALL if tall and not geo.grow else size[1]
        # The media reaches past the bleed into the slug; marks are drawn by prepress.py.
        return (f"@page {name}{{ size: {size[0]:.3f}pt {height:.3f}pt; margin: 0; "
                f"bleed: {max(geo.slug, geo.bleed):.3f}pt; marks: none; }}")

    rules = [rule("", geo.trim)] + [rule(f"{name} ", size) for name, size in geo.named.items()]
    if geo.grow:
        # Each child of <body> is a part, on a page of its own (cut to its content later).
        for number in range(1, geo.max_pages + 1):
            rules.append(rule(f"grow-{number} ", geo.trim))
            rules.append(f"body > :nth-child({number}) {{ page: grow-{number}; }}")
    if profile.cmyk:
        # WeasyPrint writes the PDF/X OutputIntent only when a CMYK profile is declared.
        rules.insert(0, f"@color-profile device-cmyk {{ src: url({css_string(output_profile)}); "
                     "components: cyan, magenta, yellow, black; }")
    rules.append(f":root {{ --trim-width: {geo.trim[0]:.3f}pt; --trim-height: {geo.trim[1]:.3f}pt;"
                 f" --bleed: {geo.bleed:.3f}pt; --safe: {geo.safe:.3f}pt;"
                 f" --band-home: {geo.unprintable:.3f}pt;"
                 + "".join(f" --panel-{n}: {w:.3f}pt;" for n, w in geo.panels.items()) + " }")
    return "\n".join(rules)


def theme_css(project: Project, locale_code: str, ink: str) -> str:
    """Fonts and colours as CSS custom properties for the stylesheets."""
    locale = project.locales[locale_code]
    # Only the faces the language sets in: a build's cache counts those files alone.
    families = {family for stack in locale.fonts.values() for family in stack}
    lines = [font_face_css(tuple(f for f in project.font_faces if f.family in families)),
             ":root {"]
    for role, stack in locale.fonts.items():
        names = ", ".join(css_string(family) for family in stack)
        lines.append(f"  --font-{role}: {names};")
    for name, value in colours(project, ink).items():
        lines.append(f"  --{name}: {value};")
    lines.append("}")
    return "\n".join(lines)


def base_context(project: Project, locale_code: str, profile: Profile, geo: Geometry,
                 tall: bool = False) -> dict:
    """What every template gets: campaign, locale, page geometry, fonts and colours."""
    locale = project.locales[locale_code]
    painted = colours(project, profile.ink)
    edition = dt.datetime.combine(project.edition, dt.time(), dt.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    return {
        "campaign": {"name": project.name, "slug": project.slug, "imprint": project.imprint,
                     "wordmark": project.identity.wordmark,
                     # Knocked out of the band (in one ink the band is a rule, the logo black).
                     "logo": Markup(project.identity.logo_in(
                         painted["ink" if profile.ink == BLACK else "white"])),
                     "mark": Markup(project.identity.logo_in(painted["primary"])),  # on paper
                     "logo_ratio": f"{project.identity.logo_ratio:.3f}"},
        "locale": {"code": locale.code, "name": locale.name, "direction": locale.direction},
        "profile": profile.name,
        # What templates ask of a profile (not its name, so that a new one needs no edit).
        "medium": profile.medium,
        "imposed": profile.impose,
        "ink": profile.ink,
        "layout": geo.layout,
        "edition": edition,
        "page_css": Markup(page_css(geo, profile, tall,
                                       project.output_intent(locale_code).path)),
        "fit_css": "",
        "theme_css": Markup(theme_css(project, locale_code, profile.ink)),
    }


def render_html(project: Project, material: Material, profile: Profile, doc: Document,
                html_parts: dict, strings: dict[str, str], codes: list[QRCode], geo: Geometry,
                fit_css: str = "", tall: bool = False, event: dict | None = None,
                links: dict[str, str] | None = None) -> str:
    """Render the material's template to a complete HTML document.

    ``html_parts`` is the document's ``document_context``; ``fit_css`` carries the copyfit
    (type scale and spread spacing); ``tall`` lays the pages out taller than trim, to measure
    copy that runs past its frames.
    """
    context = base_context(project, doc.content_locale, profile, geo, tall)
    words = project.locales[doc.locale]  # the template's own words are the locale's
    words_html = {key: Markup(plain(value, words.code, words.keep_words))
                  for key, value in strings.items()}
    size = f"{material.code_size(profile.medium, len(codes)):g}in"  # the symbol, quiet zone not
    number = Markup('<a class="number w" href="tel:{}">{}</a>').format(
        re.sub(r"[^0-9+]", "", project.call_number), project.call_number)
    context.update({
        "fit_css": Markup(fit_css),
        "doc": html_parts,
        "event": event,
        "material": material.name,
        "strings": words_html,
        "signature_columns": SIGNATURE_COLUMNS,
        # The call script's line: "Call {number} and ask ...", in each language's own order.
        "call": {"line": Markup(str(words_html["call_line"]).replace("{number}", number))},
        "qr": {code.purpose: {"svg": Markup(code.svg), "display": address(code.display),
                              "url": code.url, "scale": f"{code.scale:.4f}", "size": size}
               for code in codes},
        "links": {purpose: address(display) for purpose, display in (links or {}).items()},
    })
    # The page's language is the requested locale's only when the text really is in it.
    context["locale"]["code"] = doc.content_locale
    html = render_template(project, material.template, context)
    check_filled(html, project.root, material.template)
    return clean_metadata(paint(html, colours(project, profile.ink)))


def event_context(project: Project, locale: str, event: Event) -> dict[str, str]:
    """What an event block prints, in the locale's words: its date and time the locale's
    way, and its name, place, address and host as written for the locale (or as written)."""
    words = project.locales[locale]

    def html(text: str) -> Markup:
        return Markup(plain(text, words.code, words.keep_words))

    return {"slug": event.slug, "when": html(event.when(words.code)),
            **{name: html(event.text_in(name, locale)) for name in TRANSLATABLE}}


LONG_HOST = 24  # characters: a host this long breaks after a dot where it must


def address(display: str) -> Markup:
    """A printed web address that may break after a "/" and nowhere else (not at a hyphen);
    a host longer than a narrow column holds may break after its dots too."""
    host, slash, path = display.partition("/")
    # A break after a dot is no break opportunity of Unicode's: <wbr> makes one there.
    segments = re.findall(r"[^.]+\.?", host) if len(host) > LONG_HOST else [host]
    segments[-1] += slash
    segments += re.findall(r"[^/]+/?|/", path)
    return Markup("").join(Markup('<span class="w">{}</span>{}').format(
        segment, Markup("<wbr>") if segment.endswith(".") else "") for segment in segments)


def render_template(project: Project, name: str, context: dict[str, Any]) -> str:
    """Render one template; template mistakes become errors naming the template and line."""
    env = templates(project)
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateNotFound as exc:
        file, line = _template_frame(exc)  # the template that includes it, if one does
        if ".." in re.split(r"[/\\]", str(exc.name)):
            raise BuildError(f"template '{exc.name}' is not in templates/: a template may "
                             "include only templates (no '..')", file or project.templates_dir,
                             line) from None
        raise BuildError(f"template '{exc.name}' not found", file or project.templates_dir,
                         line) from None
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(f"template error: {exc.message}", exc.filename, exc.lineno) from None
    except jinja2.UndefinedError as exc:
        file, line = _template_frame(exc)
        hint = " (add it to content/<locale>/strings.toml)" if "strings" in str(exc) else ""
        raise BuildError(f"template uses an undefined value: {exc.message}{hint}",
                         file, line) from None
    except jinja2.exceptions.SecurityError as exc:
        raise BuildError(f"template tried something unsafe: {exc}") from None


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The innermost template file and line in a Jinja traceback."""
    found: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith(".j2"):
            found = (frame.filename, frame.lineno)
    return found
