"""Measure, in one run, ratios that matter for build speed (absolute times are too noisy here).

    python bench/build_ratios.py [--repeat 3]

Prints:
- layouts per PDF: WeasyPrint layouts copyfit and rendering took for the whole demo kit
  (every locale, material and profile), and with the home sheets' underlays counted too;
- parallel speed-up: building six PDFs with -j 2 against -j 1;
- QR verification share: decoding the codes from a raster, against rendering the flyer.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pamphleteer.kit import build_job, build_kit, plan  # noqa: E402
from pamphleteer.preflight import decode_qr_codes  # noqa: E402
from pamphleteer.project import load_project  # noqa: E402


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    project = load_project(ROOT)
    with tempfile.TemporaryDirectory() as out:
        kit = build_kit(project, plan(project), Path(out), workers=2)
    if kit.errors:
        sys.exit("the demo kit did not build:\n" + "\n".join(kit.errors))
    pdfs = len(kit.outputs)
    print(f"layouts per PDF (whole kit, {pdfs} PDFs): {kit.layouts / pdfs:.2f} "
          f"({kit.layouts} layouts; {(kit.layouts + kit.underlays) / pdfs:.2f} with the "
          f"{kit.underlays} home-sheet underlays)")

    jobs = plan(project, ["en"], ["flyer", "handbill", "callscript"], ["home", "screen"])
    build_job(project, jobs[0])  # warm up: WeasyPrint import, font loading

    with tempfile.TemporaryDirectory() as out:
        serial, parallel = [], []
        for _ in range(repeat):  # interleaved, so that machine noise hits both alike
            serial.append(timed(lambda: build_kit(project, jobs, Path(out), workers=1)))
            parallel.append(timed(lambda: build_kit(project, jobs, Path(out), workers=2)))
    print(f"parallel speed-up (-j 1 / -j 2, {len(jobs)} PDFs, median of {repeat}): "
          f"{statistics.median(serial) / statistics.median(parallel):.2f}x")

    flyer = plan(project, ["en"], ["flyer"], ["home"])[0]
    renders, decodes = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        pdf = build_job(project, flyer).pdf
        renders.append(time.perf_counter() - start)
        decodes.append(timed(lambda pdf=pdf: decode_qr_codes(pdf)))
    print(f"QR verification share of a flyer job (median of {repeat}): "
          f"{statistics.median(decodes) / statistics.median(renders):.0%}")


if __name__ == "__main__":
    main()
