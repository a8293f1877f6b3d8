"""``merge``: join the output folders of sharded builds (``build --shard K/N``) into one kit,
as if it had been built at once.

Nothing in a shard is trusted: ``shard`` checks its manifest and derives every path; here
every file taken is read as ``files`` reads a user's file and checked against its hash (and a
PDF opened), two shards must agree on what they both hold, and nothing is written until every
shard has passed: the files wait in the output folder's own state folder, then move into
place. The kit page, its thumbnails and zips are made anew.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from pamphleteer.cache import BuildCache
from pamphleteer.errors import BuildError
from pamphleteer.events import Event
from pamphleteer.files import kind_of, read_bytes
from pamphleteer.formats import PX_PER_PT
from pamphleteer.materials import MATERIALS
from pamphleteer.outputs import (
    MANIFEST,
    STATE,
    Manifest,
    Output,
    output_folder,
    write_atomic,
    write_signsheet_csv,
)
from pamphleteer.photos import pixels_problem
from pamphleteer.profiles import PROFILES
from pamphleteer.project import Project
from pamphleteer.shard import CSV_FILE, Shard, read_shard, shown
from pamphleteer.site import site_files, write_site

PAGE_SIDES = (36.0, 7200.0)  # points: a page's width from half an inch to 100 inches
MAX_PAGE_RATIO = 200  # height over width: a long screen page, not a sliver to render
# What a build never writes into a PDF, and a viewer would run or open: scripts, actions on
# opening, launching or submitting, attached and embedded files, forms, rich media.
ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/OpenAction", "/AA", "/Launch", "/EmbeddedFiles",
                         "/EmbeddedFile", "/EF", "/FS", "/AcroForm", "/XFA", "/RichMedia"})
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR",
                            "/GoToE", "/Sound", "/Movie", "/Rendition", "/ResetForm",
                            "/Hide", "/Named", "/SetOCGState", "/Trans", "/GoTo3DView"})
PDF_LINK_SCHEMES = ("https", "http", "mailto", "tel")  # as the kit page links (kitpage.py)
MAX_OBJECTS = 1_000_000  # a kit PDF has a few thousand


@dataclass(frozen=True)
class Taken:
    """A file of the kit, read from a shard and checked, waiting in the staging folder."""

    path: str  # in the kit: derived from checked fields
    sha256: str
    shard: Path  # the shard's folder, for messages
    staged: Path
    output: Output | None = None  # a PDF's manifest entry; None for a CSV
    key: str | None = None  # a PDF's build cache key


def merge(project: Project, sources: list[Path], out: Path) -> tuple[list[str], Path]:
    """Join the shards into ``out`` and write its kit page; the PDFs copied and the page.
    Every shard is checked before anything is written: a refused merge leaves ``out`` as it
    was."""
    for source in sources:  # before the output folder is made: it may be inside a shard
        _check_source(source, out)
    try:
        with output_folder(out, project), _staging(out) as staging:
            manifest, cache = Manifest(project, out), BuildCache(out)
            taken: dict[str, Taken] = {}
            events: dict[str, tuple[Event, Path]] = {}
            for source in sources:
                shard = read_shard(project, source)
                _take_events(shard, events)
                _take_files(project, shard, taken, staging)
            _check_targets(out, taken)
            copied = _commit(out, taken, events, manifest, cache)
            page = write_site(project, out, manifest)
            manifest.list_files(out, sorted(out.glob(f"*/{CSV_FILE}")) + site_files(out))
    except OSError as exc:  # no room left, no permission: said, without a traceback
        raise BuildError.from_os(exc, out) from None
    return copied, page


def _check_source(source: Path, out: Path) -> None:
    """``source`` is a build's output folder, no link, and apart from ``out``: neither
    inside the other."""
    if source.is_symlink():
        raise BuildError("this shard folder is a link: name the folder itself", source)
    if not os.path.lexists(source / MANIFEST):
        raise BuildError(f"no {MANIFEST} here: is this the output folder of a build?", source)
    shard, kit = source.resolve(), out.resolve()
    if shard == kit:
        raise BuildError("a shard folder cannot also be the folder merged into", source)
    if kit.is_relative_to(shard):
        raise BuildError(f"the output folder {out} is inside this shard folder: merge into a "
                         "folder of its own", source)
    if shard.is_relative_to(kit):
        raise BuildError(f"this shard folder is inside the output folder {out}: merge into a "
                         "folder of its own", source)


@contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A folder in ``out``'s state folder (the same file system, so files move in at once),
    removed at the end whatever happens."""
    folder = Path(tempfile.mkdtemp(prefix="merge-", dir=out / STATE))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _take_events(shard: Shard, events: dict[str, tuple[Event, Path]]) -> None:
    """Add the shard's events; two shards must agree on an event they both hold."""
    for slug, event in shard.events.items():
        if slug in events and events[slug][0].summary() != event.summary():
            raise BuildError(f"the event {slug} differs between {events[slug][1]} and "
                             f"{shard.folder}: were the shards built from the same event "
                             "files?", shard.manifest)
        events.setdefault(slug, (event, shard.folder))


def _take_files(project: Project, shard: Shard, taken: dict[str, Taken],
                staging: Path) -> None:
    """Read every file the shard's manifest lists (once), check it against its hash, and
    stage the first copy of each; two shards must agree on a file they both hold."""
    files: list[tuple[str, str, int, Output | None]] = [
        (output.path, output.sha256, output.bytes, output) for output in shard.outputs]
    files += [(path, sha, size, None) for path, (sha, size) in shard.csvs.items()]
    for path, sha, size, output in files:
        data = read_bytes(shard.folder / path, kind_of(Path(path)) if output else "text",
                          [shard.folder])
        if len(data) != size or hashlib.sha256(data).hexdigest() != sha:
            raise BuildError(f"{path} does not match its manifest entry (changed after the "
                             "build?)", shard.manifest)
        if path in taken:
            if taken[path].sha256 != sha or taken[path].output != output:
                raise BuildError(f"{path} differs between {taken[path].shard} and "
                                 f"{shard.folder}: were the shards built from the same "
                                 "campaign?", shard.manifest)
            continue
        if output and PROFILES[output.profile].format != "pdf":
            _check_image(data, output, shard.folder / path)
        elif output:
            _check_pdf(data, output, shard.folder / path)
        elif data != _campaign_csv(project, path.split("/")[0], staging):
            raise BuildError("this is not the header row the campaign's strings give: were "
                             "the shards built from the same campaign?", shard.folder / path)
        staged = staging / str(len(taken))
        write_atomic(staged, data)
        taken[path] = Taken(path, sha, shard.folder, staged, output, shard.keys.get(path))


def _campaign_csv(project: Project, locale: str, staging: Path) -> bytes:
    """The signature-sheet CSV a build of this campaign writes for ``locale``: only the
    header row, from its strings, so any other content is not a build's."""
    write_signsheet_csv(project, locale, staging / "expected")
    return (staging / "expected" / locale / CSV_FILE).read_bytes()


def _check_image(data: bytes, output: Output, path: Path) -> None:
    """The image is one of its profile's format, of exactly its material's pixel size (read
    with Pillow's cap on pixels, as photos are: nothing a build writes comes near it)."""
    from PIL import Image

    wanted = tuple(round(side * PX_PER_PT) for side in MATERIALS[output.material].trim["a4"])
    fmt = PROFILES[output.profile].format
    problem = pixels_problem(data)
    if problem:
        raise BuildError(f"this image {problem}", path)
    try:
        with Image.open(io.BytesIO(data)) as image:
            found, size = (image.format or "").lower(), image.size
    except Exception:  # Pillow raises many kinds on a damaged file
        raise BuildError("not an image a build wrote: it cannot be read", path) from None
    if found != fmt or size != wanted:
        raise BuildError(f"not the image a build writes: {found or 'unknown'} of {size[0]}x"
                         f"{size[1]} px where the {output.material} is {fmt} of "
                         f"{wanted[0]}x{wanted[1]} px", path)


def _check_pdf(data: bytes, output: Output, path: Path) -> None:
    """The PDF opens, has the pages its entry says, and a first page of a size a kit page's
    thumbnail can be drawn from (a sliver a mile long would take gigabytes)."""
    import pypdfium2  # the library the thumbnails are drawn with

    try:
        document = pypdfium2.PdfDocument(data)
        try:
            pages = len(document)
            width, height = document[0].get_size() if pages else (0.0, 0.0)
        finally:
            document.close()
    except pypdfium2.PdfiumError as exc:
        raise BuildError(f"not a PDF a build wrote ({shown(str(exc))})", path) from None
    if pages != output.pages:
        raise BuildError(f"has {pages} page(s), not the {output.pages} its manifest entry "
                         "says", path)
    low, high = PAGE_SIDES
    if not (low <= width <= high and low <= height <= width * MAX_PAGE_RATIO):
        raise BuildError(f"its first page is {width:g} x {height:g} points: not a page a "
                         "build makes", path)
    problem = _active_content(data)
    if problem:
        raise BuildError(f"this PDF holds {problem}, which a build never writes: build the "
                         "shard again", path)


def _active_content(data: bytes) -> str | None:
    """What in the PDF ``data`` a viewer would run, open or send (a script, an action on
    opening, an attached file, a form, a link to another scheme than the kit page allows),
    or None. Every object is looked at once, however it is reached."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if len(pdf.objects) > MAX_OBJECTS:
            return f"more than {MAX_OBJECTS:,} objects"
        seen: set[tuple[int, int]] = set()
        todo: list[object] = [pdf.trailer]
        while todo:
            item = todo.pop()
            if isinstance(item, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)) and \
                    item.is_indirect:
                if item.objgen in seen:
                    continue
                seen.add(item.objgen)
            if isinstance(item, pikepdf.Array):
                todo.extend(item)
                continue
            if not isinstance(item, (pikepdf.Dictionary, pikepdf.Stream)):
                continue
            table = item.stream_dict if isinstance(item, pikepdf.Stream) else item
            for key, value in table.items():
                if key in ACTIVE_KEYS:
                    return f"a {key} entry"
                if key == "/S" and isinstance(value, pikepdf.Name) and \
                        str(value) in ACTIVE_ACTIONS:
                    return f"a {value} action"
                if key == "/URI":
                    scheme = str(value).partition(":")[0].lower()
                    if scheme not in PDF_LINK_SCHEMES:
                        return f"a link to {shown(str(value))}"
                todo.append(value)
    return None


def _check_targets(out: Path, taken: dict[str, Taken]) -> None:
    """Before anything is written: every file goes where only folders and files of the kit
    stand, no link, so that nothing lands outside ``out`` and no move fails half-way."""
    for path in taken:
        parts = Path(path).parts
        for depth in range(1, len(parts) + 1):
            target = out.joinpath(*parts[:depth])
            folder = depth < len(parts)
            if target.is_symlink() or (target.exists() and target.is_dir() != folder):
                raise BuildError(f"a link, or a {'file' if folder else 'folder'} where a "
                                 f"{'folder' if folder else 'file'} belongs, stands where the "
                                 f"kit's {path} goes: remove it", target)


def _commit(out: Path, taken: dict[str, Taken], events: dict[str, tuple[Event, Path]],
            manifest: Manifest, cache: BuildCache) -> list[str]:
    """Move the staged files into place and record them; the PDFs' paths."""
    pdfs = [item for item in taken.values() if item.output]
    for item in pdfs:  # entries leave the manifest before their files are replaced
        manifest.entries.pop(item.path, None)
    manifest.save()
    for item in taken.values():
        (out / item.path).parent.mkdir(parents=True, exist_ok=True)
        os.replace(item.staged, out / item.path)
    for item in pdfs:
        assert item.output is not None  # what makes it one of the PDFs
        manifest.entries[item.path] = asdict(item.output)
        if item.key:
            cache.keys[item.path] = item.key
        else:  # a key left from an older file would call the new one up to date
            cache.keys.pop(item.path, None)
    manifest.events.update({slug: event.summary() for slug, (event, _) in events.items()})
    manifest.save()
    cache.save()
    return [item.path for item in pdfs]
