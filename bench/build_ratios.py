"""Measure build speed as ratios taken in one run (absolute times on a shared machine are noise).

    python bench/build_ratios.py [--project DIR] [--repeat N]

Works on a copy of the campaign (the demo by default), so that its edits touch nothing. Prints
the CPU count and the load before and after, then each figure beside its target:

- cold builds, as a user runs them (a new process each, no build cache; after one untimed
  build, as a user has built before): ``-j 1`` against ``-j 2``;
- a build with nothing changed against the full build, and a build after one edit;
- ``watch``: from saving a one-line edit to the flyer until its new PDF is written;
- in one warm process: the average PDF of the whole kit against a reference flyer (plain
  blocks, the same fonts, two QR codes: one WeasyPrint layout and write), one render of a
  kit PDF, and each kit PDF's copy with its design taken away (the least a job can cost whatever
  its templates: the floor under that figure), layouts per PDF,
  imposition against the rest of a home job, shop against home, Korean against English;
- sizes: shop over home, the Korean home flyer, an imposed sheet against its page.

``--warm`` measures only the figures of one warm process. ``--events N`` measures national
scale instead: N generated events, the PDFs they plan, and a
cold ``-j 2`` build of one slice of 50, from which the whole is projected.

Any build that fails stops the benchmark with its output (exit status 1).
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pamphleteer import pipeline  # noqa: E402
from pamphleteer.kit import documents, plan  # noqa: E402
from pamphleteer.pipeline import build_document  # noqa: E402
from pamphleteer.project import load_project  # noqa: E402

CAMPAIGN = ("campaign.toml", "content", "templates", "assets")
RESULTS: list[tuple[str, str, str, bool | None]] = []  # (figure, value, target, met)


def fail(message: str) -> None:
    sys.exit(f"benchmark stopped: {message}")


def report(figure: str, value: str, target: str = "", met: bool | None = None) -> None:
    RESULTS.append((figure, value, target, met))
    mark = "" if met is None else ("  ok" if met else "  MISSED")
    print(f"{figure:<56} {value:>8}   {target}{mark}", flush=True)


# Builds run as from an installed package, whose modules are compiled once: even where this
# machine says not to write bytecode (PYTHONDONTWRITEBYTECODE), it is kept in the scratch
# folder (set in main), or every process would compile pamphleteer anew (0.2 s a process).
ENVIRONMENT = {name: value for name, value in os.environ.items()
               if name != "PYTHONDONTWRITEBYTECODE"}


def cli(project: Path, *args: str) -> tuple[float, str]:
    """Run ``build.py`` in a new process; its time and output. A failed build stops us."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), *args, "--project",
                           str(project)], capture_output=True, text=True, env=ENVIRONMENT)
    took = time.perf_counter() - started
    if done.returncode != 0:
        fail(f"build.py {' '.join(args)} failed ({done.returncode}):\n{done.stdout}"
             f"{done.stderr}")
    return took, done.stdout + done.stderr


def written(output: str) -> int:
    return len(re.findall(r"^wrote ", output, re.MULTILINE))


def cold_builds(project: Path, out: Path, repeat: int) -> float:
    """-j 1 against -j 2, each a fresh process building the whole kit with no cache."""
    serial, parallel = [], []
    for _ in range(repeat):  # interleaved, so that machine noise hits both alike
        took, output = cli(project, "build", "--out", str(out / "j1"), "--no-cache", "-j", "1")
        serial.append(took)
        pdfs = written(output)
        took, output = cli(project, "build", "--out", str(out / "j2"), "--no-cache", "-j", "2")
        parallel.append(took)
        if written(output) != pdfs:
            fail(f"-j 2 wrote {written(output)} PDFs, -j 1 wrote {pdfs}")
    j1, j2 = statistics.median(serial), statistics.median(parallel)
    report(f"full kit -j 1 / -j 2 ({pdfs} PDFs, cold)", f"{j1 / j2:.2f}x", ">= 1.7x",
           j1 / j2 >= 1.7)
    return j2


def cached_builds(project: Path, out: Path, full: float) -> None:
    """A build with nothing changed, and one after a one-line edit, against the full build."""
    noops = []
    for _ in range(3):  # under a second each: one run is at the mercy of the machine's noise
        took, output = cli(project, "build", "--out", str(out / "j2"), "-j", "2")
        if written(output) or "unchanged" not in output:
            fail(f"a build with nothing changed rendered something:\n{output}")
        noops.append(took)
    took = statistics.median(noops)
    report("no-op build / full build (median of 3)", f"{took / full:.1%}", "<= 3%",
           took / full <= 0.03)
    flyer = project / "content/en/flyer.md"
    flyer.write_text(flyer.read_text("utf-8").replace("\n\n", "\n\nOne more line.\n\n", 1),
                     "utf-8")
    took, output = cli(project, "build", "--out", str(out / "j2"), "-j", "2")
    report(f"one-edit build / full build ({written(output)} PDFs)", f"{took / full:.1%}",
           "only the edited piece's PDFs", written(output) == 3)


def watch_latency(project: Path, out: Path) -> float:
    """Seconds from saving a one-line flyer edit to its new home PDF, under ``watch``."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "watch", "--project", str(project), "--out",
         str(out / "j2")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**ENVIRONMENT, "PYTHONUNBUFFERED": "1"})
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout],
                     daemon=True).start()

    def wait_for(text: str, seconds: float = 300) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                line = lines.get(timeout=0.01)
            except queue.Empty:
                continue
            if line.startswith("error"):
                fail(f"watch: {line}")
            if text in line:
                return
        fail(f"watch printed no {text!r} in {seconds} s")

    try:
        wait_for("watching")
        time.sleep(1)
        flyer = project / "content/en/flyer.md"
        latencies, previous = [], "One more line."
        for line in ("Two more lines.", "Three more lines.", "Four more lines."):
            text = flyer.read_text("utf-8").replace(previous, line, 1)
            started = time.monotonic()
            flyer.write_text(text, "utf-8")
            wait_for("en/flyer-home.pdf")
            latencies.append(time.monotonic() - started)
            wait_for("done in")
            previous = line
    finally:
        process.terminate()
        process.wait(timeout=30)
    latency = min(latencies)
    report("watch: flyer edit saved -> new PDF", f"{latency:.2f} s", "<= 1 s", latency <= 1.0)
    return latency


def plain_style(project) -> str:
    """The reference's styles: the project's fonts, plain blocks on a letter page."""
    from pamphleteer.fonts import font_face_css

    return (f"<style>{font_face_css(project.font_faces)}"
            "@page { size: letter; margin: 0.5in }"
            "body { font: 11.5pt/1.4 'Noto Serif' } h1, h2 { font-family: Inter }"
            "h1 { font-size: 44pt; font-weight: 900 } svg { width: 1.1in; height: 1.1in }"
            "</style>")


def reference_flyer(project) -> Callable[[], float]:
    """A plain one-page flyer: the flyer's copy in plain blocks, the same fonts, two QR codes;
    one WeasyPrint layout and write (the least any tool must do). Returns a function that
    renders it once and says how long that took."""
    import markdown

    from pamphleteer.qr import make_qr

    body = (project.content_dir / "en/flyer.md").read_text("utf-8").split("---", 2)[2]
    codes = "".join(f'<div class="qr">{make_qr(p, project.links[p], p).svg}<p>{p}</p></div>'
                    for p in ("petition", "representatives"))
    html = (f"<html lang=en>{plain_style(project)}<h1>End the Korean War</h1>"
            + markdown.markdown(body) + codes)
    once = partial(_render_once, project, html)
    once()  # warm
    return once


def _render_once(project, html: str, source: Path | None = None) -> float:
    """Lay out and write ``html`` once; how long that took."""
    from pamphleteer.pdf import render_pdf

    started = time.perf_counter()
    pdf = render_pdf(html, root=project.root, source=source or project.settings_path).pdf
    took = time.perf_counter() - started
    assert pdf.startswith(b"%PDF")
    return took


def plain_floor(project, reference: Callable[[], float]) -> float:
    """Each kit PDF's own HTML with its design taken away (its stylesheets replaced by the
    reference's): the same copy, captions and codes in plain blocks, rendered once. Against
    the reference, the least a job can cost whatever its templates; returns that ratio."""
    from pamphleteer.fit import Fit

    ratios = []
    for locale, material, profiles, _ in documents(plan(project)):
        piece = pipeline.prepare(project, locale, pipeline.MATERIALS[material], profiles)[0]
        for profile in profiles:
            html = pipeline.page_html(project, piece, profile, Fit())
            html = re.sub(r"<style\b.*?</style>|<link\b[^>]*>", "", html, flags=re.S | re.I)
            html = html.replace("</head>", plain_style(project) + "</head>", 1)
            ratios.append(_render_once(project, html, piece.doc.path) / reference())
    return statistics.mean(ratios)


class Timer:
    """Time spent inside one function of ``owner`` (replaced by a timed wrapper). ``own`` is
    the time not spent in another timed function inside it (a sheet's PDF written inside
    the imposition counts as a write), so that the timers' ``own`` times add up."""

    running: ClassVar[list[Timer]] = []  # the timed calls under way, innermost last

    def __init__(self, name: str, owner: object = pipeline):
        self.name, self.owner = name, owner
        self.total = self.inner = 0.0
        self.calls = 0
        self.original = getattr(owner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            Timer.running.append(self)
            try:
                return self.original(*args, **kwargs)
            finally:
                Timer.running.pop()
                spent = time.perf_counter() - started
                self.total += spent
                self.calls += 1
                if Timer.running:
                    Timer.running[-1].inner += spent

        setattr(owner, name, timed)

    @property
    def own(self) -> float:
        return self.total - self.inner

    def restore(self) -> None:
        setattr(self.owner, self.name, self.original)


def warm_figures(project_dir: Path) -> None:
    """Everything measured in one warm process, serially."""
    from pamphleteer import pdf
    from pamphleteer.pdf import Rendered

    project = load_project(project_dir)
    build_document(project, "en", "flyer", ("home",))  # warm up: imports, fonts, templates
    reference = reference_flyer(project)

    took: dict[tuple[str, str], float] = {}
    sizes: dict[tuple[str, str, str], int] = {}
    references: list[float] = []
    # Where a job's time goes: its layouts, the PDFs written, the checks, the imposition.
    stages = {"layouts": Timer("lay_out"), "writes": Timer("written", Rendered),
              "finishing the written PDF (pikepdf)": Timer("finish", pdf),
              "checks": Timer("run_checks"), "imposition and its sheets": Timer("_impose"),
              "reading and QR codes": Timer("prepare")}
    layouts = pdfs = 0
    kept: dict[tuple[str, str], bytes] = {}  # the English home and shop PDFs, for the codes
    for locale, material, profiles, _ in documents(plan(project)):
        # The reference is rendered between documents, so that the machine's drift and noise
        # hit both sides of the ratio alike.
        writes = stages["writes"].total, stages["writes"].calls
        references.append(reference())
        stages["writes"].total, stages["writes"].calls = writes  # its write is not a job's
        started = time.perf_counter()
        results = build_document(project, locale, material, profiles)
        took[locale, material] = time.perf_counter() - started
        for result in results:
            if result.errors or result.pdf is None:
                fail(f"{result.job.path}: {result.errors}")
            sizes[locale, material, result.job.profile] = len(result.pdf)
            if locale == "en" and result.job.profile in ("home", "shop"):
                kept[material, result.job.profile] = result.pdf
            layouts += result.layouts + result.underlays
            pdfs += 1
    for timer in stages.values():
        timer.restore()
    reference_time = statistics.median(references)
    total = sum(took.values())
    average = total / pdfs
    report(f"average PDF / reference flyer ({pdfs} PDFs)", f"{average / reference_time:.2f}x",
           "<= 2x", average / reference_time <= 2)
    # One render of a kit PDF (a layout and a write), what the templates themselves cost.
    render = stages["layouts"].total / stages["layouts"].calls + \
        stages["writes"].total / stages["writes"].calls
    report("  one render of a kit PDF (layout + write) / reference",
           f"{render / reference_time:.2f}x")
    # The floor under the first figure: what a job costs with no design at all.
    report("  the same copy in plain blocks, one render / reference",
           f"{plain_floor(project, reference):.2f}x")
    report("WeasyPrint layouts per PDF", f"{layouts / pdfs:.2f}")
    rest = total - sum(timer.own for timer in stages.values())
    for name, spent in [*((n, t.own) for n, t in stages.items()), ("the rest", rest)]:
        report(f"  share of a job: {name}", f"{spent / total:.0%}")
    locales = {locale for locale, _ in took}
    if {"en", "ko"} <= locales:
        ratio = sum(t for (loc, _), t in took.items() if loc == "ko") / \
            sum(t for (loc, _), t in took.items() if loc == "en")
        report("Korean / English (every material)", f"{ratio:.2f}x", "<= 1.3x", ratio <= 1.3)

    # A render (one layout and its PDF) for the shop against one for home, at the same fit;
    # and a home job against the same job without its imposition.
    renders = {"home": 0.0, "shop": 0.0}
    regions: dict[str, tuple[bytes, tuple]] = {}
    impose, work = Timer("_impose"), 0.0
    for material in dict.fromkeys(m for _, m in took):
        piece = pipeline.prepare(project, "en", pipeline.MATERIALS[material],
                                 ("home", "shop"))[0]
        fit = pipeline._fit(partial(pipeline.lay_out, project, piece, "home", [0]), piece,
                            "home")[0]
        for profile in renders:
            times = []
            for _ in range(3):
                started = time.perf_counter()
                rendered = pipeline.lay_out(project, piece, profile, [0], fit).written()
                times.append(time.perf_counter() - started)
            renders[profile] += statistics.median(times)
            if profile == "shop":  # with the layout that says where its codes are
                regions[material] = (rendered.pdf, rendered.layout.codes)
        before = impose.total
        started = time.perf_counter()
        build_document(project, "en", material, ("home",))
        spent = time.perf_counter() - started
        if impose.total > before:
            work += spent - (impose.total - before)
    pipeline._impose = impose.original
    ratio = renders["shop"] / renders["home"]
    report("shop render / home render (same fit)", f"{ratio:.2f}x", "<= 1.2x", ratio <= 1.2)
    report("imposed home job / the job without imposing", f"{(work + impose.total) / work:.2f}x",
           "<= 1.25x", (work + impose.total) / work <= 1.25)

    extra = statistics.mean(sizes[k[0], k[1], "shop"] - sizes[k[0], k[1], "home"]
                            for k in took if (k[0], k[1], "shop") in sizes)  # not images
    report("shop PDF size - home PDF size (mean)", f"{extra / 1024:.0f} KB", "<= 80 KB",
           extra <= 80 * 1024)
    if ("ko", "flyer", "home") in sizes:
        size = sizes["ko", "flyer", "home"]
        report("Korean home flyer size", f"{size / 1024:.0f} KB", "<= 100 KB", size <= 100 * 1024)
    if ("en", "callscript", "home") in sizes:
        sheet, page = sizes["en", "callscript", "home"], sizes["en", "callscript", "screen"]
        report("call-script sheet (2 cards) / one card PDF", f"{sheet / page:.2f}x")
    verification_cost(kept, regions, reference_time)


def verification_cost(pdfs: dict[tuple[str, str], bytes], regions: dict[str, tuple[bytes, tuple]],
                      reference: float) -> None:
    """What checking the codes costs per page: the build's own decode (each code's region of
    the page, zxing-cpp; and, for comparison, the whole page), and the tests' phone-like
    decode (degraded, zxing-cpp and zbar), each against the reference flyer's render."""
    import pypdfium2

    from pamphleteer.preflight import scan_pages

    shop_pages = sum(len(pypdfium2.PdfDocument(pdf)) for pdf, _ in regions.values())
    spent = {"regions": 0.0, "whole": 0.0}
    for _ in range(3):
        for name in spent:
            started = time.perf_counter()
            for pdf, codes in regions.values():
                scan_pages(pdf, codes=codes if name == "regions" else None)
            spent[name] += time.perf_counter() - started
    report(f"code check per page, build: each code's region ({shop_pages} English shop pages) "
           "/ reference", f"{spent['regions'] / 3 / shop_pages / reference:.2f}x")
    report("  the same codes decoded from whole pages / reference",
           f"{spent['whole'] / 3 / shop_pages / reference:.2f}x")

    sys.path.insert(0, str(ROOT / "tests"))
    from pdfinspect import phone_decodes  # the tests' helper: degraded, two decoders

    pages = sum(len(pypdfium2.PdfDocument(pdf)) for pdf in pdfs.values())
    started = time.perf_counter()
    for pdf in pdfs.values():
        scan_pages(pdf)
    build = (time.perf_counter() - started) / pages
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for (material, profile), pdf in pdfs.items():
            paths.append(Path(folder) / f"{material}-{profile}.pdf")
            paths[-1].write_bytes(pdf)
        started = time.perf_counter()
        for path in paths:
            phone_decodes(path)
        phone = (time.perf_counter() - started) / pages
    report(f"code check per page, whole pages ({pages} English home and shop pages) / "
           "reference", f"{build / reference:.2f}x")
    report("  per page, as a phone sees it (tests: 300 dpi clean + degraded, two decoders)",
           f"{phone / reference:.2f}x")


def national_scale(project: Path, out: Path, count: int, sample: int = 50) -> None:
    """``count`` generated events: the jobs they make, how long planning and dealing them into
    shards takes, and a cold ``-j 2`` build of one slice of ``sample``, from which the whole
    is projected (the whole would take this machine an hour or more)."""
    from pamphleteer.events import load_events
    from pamphleteer.kit import shard

    folder = project / "events-bench"
    folder.mkdir()
    for number in range(count):
        day = 1 + number % 28
        (folder / f"event-{number:03d}.toml").write_text(
            f'name = "Vigil for peace {number}"\nslug = "town-{number:03d}"\n'
            f"date = 2099-07-{day:02d}\ntime = \"{17 + number % 4}:30\"\n"
            f'place = "Town square {number}"\naddress = "{number} Main Street"\n'
            f'host = "Peace group {number}"\n', "utf-8")
    started = time.perf_counter()
    loaded = load_project(project)
    jobs = plan(loaded, events=load_events(loaded, folder))
    slices = [shard(jobs, k, sample) for k in range(1, sample + 1)]
    planning = time.perf_counter() - started
    report(f"{count} events: PDFs planned ({len(documents(jobs))} documents)", f"{len(jobs)}")
    report(f"{count} events: plan and deal into {sample} shards", f"{planning:.2f} s")
    sizes = [len(piece) for piece in slices]
    report(f"{count} events: largest / smallest shard", f"{max(sizes) / min(sizes):.2f}x")
    took, output = cli(project, "build", "--event", str(folder), "--shard", f"1/{sample}",
                       "--out", str(out / "events"), "--no-cache", "-j", "2")
    built = written(output)
    if built != sizes[0]:
        fail(f"shard 1/{sample} wrote {built} PDFs, not {sizes[0]}")
    per_pdf = took / built
    report(f"{count} events: seconds per PDF (shard 1/{sample}, -j 2)", f"{per_pdf:.2f} s")
    for runners in (1, 4, 10):
        report(f"{count} events: projected on {runners} runner(s) like this one",
               f"{len(jobs) * per_pdf / runners / 60:.0f} min")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT, help="campaign to copy")
    parser.add_argument("--repeat", type=int, default=1, help="cold builds of each kind")
    parser.add_argument("--events", type=int, metavar="N",
                        help="measure only national scale: N generated events")
    parser.add_argument("--warm", action="store_true",
                        help="measure only the figures of one warm process")
    options = parser.parse_args()
    print(f"CPUs: {os.cpu_count()} (this process may use {len(os.sched_getaffinity(0))}); "
          f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as scratch:
        project, out = Path(scratch) / "campaign", Path(scratch) / "out"
        for name in CAMPAIGN:
            source = options.project / name
            if source.is_dir():
                shutil.copytree(source, project / name)
            elif source.exists():
                project.mkdir(exist_ok=True)
                shutil.copy(source, project / name)
        ENVIRONMENT["PYTHONPYCACHEPREFIX"] = str(Path(scratch) / "bytecode")
        # A user has built before: the machine's caches (fonts, the kit page's fonts, the
        # bytecode) are warm for every build measured; the PDFs are still made in full.
        warm = ("-m", "flyer") if options.events else ()
        cli(project, "build", "--out", str(out / "warm-up"), "--no-cache", "-j", "2", *warm)
        if options.events:
            national_scale(project, out, options.events)
        elif options.warm:
            warm_figures(project)
        else:
            full = cold_builds(project, out, options.repeat)
            cached_builds(project, out, full)
            watch_latency(project, out)
            warm_figures(project)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    missed = [figure for figure, _, _, met in RESULTS if met is False]
    print(f"{len(missed)} target(s) missed" + (f": {', '.join(missed)}" if missed else ""))


if __name__ == "__main__":
    main()
