"""Make an ICC profile compact for embedding: drop the measurement data it carries as text.

    python assets/tools/compact_icc.py IN.icc OUT.icc

ArgyllCMS ``colprof`` stores the whole characterization file it was built from in the
``targ`` tag (and, by reference, ``DevD`` and ``CIED``): about 127 KB of text that no colour
conversion reads. Every PDF/X output intent embeds the profile, so this tool rewrites it
without those tags, keeping every other tag's bytes unchanged (tags that shared data still
share it). The result is checked to parse and convert colours in LittleCMS.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

DROP = {b"targ", b"DevD", b"CIED"}


def compact(data: bytes) -> bytes:
    """``data`` without the tags in DROP."""
    count = struct.unpack(">I", data[128:132])[0]
    tags = [struct.unpack(">4sII", data[132 + 12 * i:144 + 12 * i]) for i in range(count)]
    kept = [tag for tag in tags if tag[0] not in DROP]
    start = 132 + 12 * len(kept)
    body, placed, table = bytearray(), {}, []
    for signature, offset, size in kept:
        if (offset, size) not in placed:
            body += b"\0" * (-(start + len(body)) % 4)  # tag data starts on 4-byte boundaries
            placed[offset, size] = start + len(body)
            body += data[offset:offset + size]
        table.append(struct.pack(">4sII", signature, placed[offset, size], size))
    body += b"\0" * (-(start + len(body)) % 4)
    header = bytearray(data[:128])
    header[0:4] = struct.pack(">I", start + len(body))
    header[84:100] = bytes(16)  # the profile ID (an MD5 of the old bytes) no longer holds
    return bytes(header) + struct.pack(">I", len(kept)) + b"".join(table) + bytes(body)


def main() -> None:
    source, target = (Path(arg) for arg in sys.argv[1:3])
    data = compact(source.read_bytes())
    target.write_bytes(data)
    from PIL import Image, ImageCms  # the check: LittleCMS reads it and converts with it

    lab = ImageCms.createProfile("LAB")
    transform = ImageCms.buildTransform(ImageCms.ImageCmsProfile(str(target)), lab,
                                        "CMYK", "LAB")
    ImageCms.applyTransform(Image.new("CMYK", (1, 1), (0, 0, 0, 255)), transform)
    print(f"{source} ({source.stat().st_size} bytes) -> {target} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
