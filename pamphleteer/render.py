"""Stage 5: fill a material's Jinja template with a document, strings and QR codes."""

from __future__ import annotations

import datetime as dt
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from pamphleteer.content import Document
from pamphleteer.errors import BuildError, Diagnostic
from pamphleteer.fonts import font_face_css
from pamphleteer.markup import inline, to_html
from pamphleteer.materials import Material
from pamphleteer.profiles import Profile
from pamphleteer.project import Project
from pamphleteer.qr import QRCode


@dataclass(frozen=True)
class Page:
    """Page geometry of one render: trim size and what surrounds it."""

    width: str
    height: str
    bleed: str = "0"
    marks: str = "none"


def environment(templates_dir: Path) -> jinja2.Environment:
    """A sandboxed Jinja environment: autoescaped, and an unknown name is an error."""
    return ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def document_context(project: Project, doc: Document, diagnostics: list[Diagnostic]) -> dict:
    """The document's front matter and parts as safe HTML for the template."""
    locale = project.locales[doc.content_locale]
    options = {"edition": project.edition, "keep_words": locale.keep_words}
    meta = {key: Markup(inline(value, path=doc.path, line=doc.meta_lines[key], **options))
            for key, value in doc.meta.items() if key != "translation_of"}
    parts = {name: Markup(to_html(part.markdown, path=doc.path, line=part.line,
                                  diagnostics=diagnostics, **options))
             for name, part in doc.parts.items()}
    return {"meta": meta, "parts": parts, "lang": doc.content_locale}


def page_css(page: Page) -> str:
    """The ``@page`` rule of one render, from data rather than from templates."""
    return (f"@page {{ size: {page.width} {page.height}; margin: 0; "
            f"bleed: {page.bleed}; marks: {page.marks}; }}\n"
            f":root {{ --trim-width: {page.width}; --trim-height: {page.height}; "
            f"--bleed: {page.bleed}; }}")


def theme_css(project: Project, locale_code: str) -> str:
    """Fonts and brand colours as CSS custom properties for the stylesheet."""
    locale = project.locales[locale_code]
    lines = [font_face_css(project.font_faces), ":root {"]
    for role, stack in locale.fonts.items():
        families = ", ".join(f'"{family}"' for family in stack)
        lines.append(f"  --font-{role}: {families};")
    for name, colour in project.brand.items():
        lines.append(f"  --{name}: {colour.rgb};")
    lines.append("}")
    return "\n".join(lines)


def render_html(project: Project, material: Material, profile: Profile, doc: Document,
                strings: dict[str, str], codes: list[QRCode], page: Page,
                diagnostics: list[Diagnostic]) -> str:
    """Render the material's template to a complete HTML document."""
    locale = project.locales[doc.locale]
    edition = dt.datetime.combine(project.edition, dt.time(), dt.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    context: dict[str, Any] = {
        "campaign": {"name": project.name, "slug": project.slug, "imprint": project.imprint},
        "doc": document_context(project, doc, diagnostics),
        "locale": {"code": locale.code, "name": locale.name, "direction": locale.direction},
        "material": material.name,
        "profile": profile.name,
        "strings": strings,
        "qr": {code.purpose: {"svg": Markup(code.svg), "display": code.display, "url": code.url}
               for code in codes},
        "edition": edition,
        "page_css": Markup(page_css(page)),
        "theme_css": Markup(theme_css(project, doc.content_locale)),
    }
    env = environment(project.templates_dir)
    try:
        return env.get_template(material.template).render(context)
    except jinja2.TemplateNotFound as exc:
        raise BuildError(f"template '{exc.name}' not found", project.templates_dir) from None
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
