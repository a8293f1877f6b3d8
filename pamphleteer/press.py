"""What a press needs of a shop PDF's content, done on the written file (``finish``): black in
100% K overprints, and each font subset carries a tag of its own.

A print shop's preflight expects 100% K text and rules to overprint: printed over a tint, black
that knocks out leaves a white halo wherever the plates do not register exactly. WeasyPrint
sets no overprint, so a graphics state that turns it on is set before each 100% K colour, and
one that turns it off before any other. WeasyPrint also names a subset after its font alone
(the same six letters for different glyph sets in different files); a tag made from the
subset's own bytes is unique to it.
"""

from __future__ import annotations

import hashlib

# Graphics states by (fill, stroke) overprint; OPM 1: a zero component leaves the plate under
# it alone (only the K plate is painted by 100% K), as preflight profiles expect.
_STATE = "/PmOverprint{}{}"
_FILL = frozenset(("k", "sc", "scn", "g", "rg"))  # what sets a fill colour
_STROKE = frozenset(("K", "SC", "SCN", "G", "RG"))  # and a stroke colour
BLACK = (0.0, 0.0, 0.0, 1.0)


def overprint_black(pdf) -> bool:
    """Make 100% K fills and strokes overprint in every content stream of ``pdf`` (pikepdf);
    whether anything changed."""
    import pikepdf

    changed = False
    for page in pdf.pages:
        page.contents_coalesce()
        stream = page.obj.get("/Contents")
        if isinstance(stream, pikepdf.Stream):
            changed |= _rewrite(stream, page.obj, start=(False, False))
    for obj in list(pdf.objects):
        if isinstance(obj, pikepdf.Stream) and (obj.get("/Subtype") == pikepdf.Name.Form
                                                or obj.get("/PatternType") == 1):
            # A form inherits the state it is drawn in: say its own before its first colour.
            changed |= _rewrite(obj, obj, start=(None, None))
    return changed


def _rewrite(stream, owner, start: tuple[bool | None, bool | None]) -> bool:
    """Insert the overprint states ``stream`` needs; register them in ``owner``'s resources."""
    import pikepdf

    state, spaces, saved, used = list(start), ["/DeviceGray", "/DeviceGray"], [], set()
    out: list = []  # the stream's instructions, inline images included, and the states added
    for instruction in pikepdf.parse_content_stream(stream):
        operands, operator = instruction.operands, instruction.operator
        name = str(operator)
        if name == "q":
            saved.append((state.copy(), spaces.copy()))
        elif name == "Q" and saved:
            state, spaces = saved.pop()
        elif name in ("cs", "CS"):
            spaces[name == "CS"] = str(operands[0])
        elif name in _FILL or name in _STROKE:
            side = int(name in _STROKE)
            space = "/DeviceCMYK" if name in ("k", "K") else spaces[side]
            black = space == "/DeviceCMYK" and _values(operands) == BLACK
            if black != state[side]:
                state[side] = black
                flags = tuple(bool(v) for v in state)
                used.add(flags)
                out.append(pikepdf.ContentStreamInstruction(
                    [pikepdf.Name(_STATE.format(*map(int, flags)))], pikepdf.Operator("gs")))
        out.append(instruction)
    if not used:
        return False
    resources = owner.get("/Resources")
    if resources is None:
        owner.Resources = resources = pikepdf.Dictionary()
    states = resources.get("/ExtGState")
    if states is None:
        resources.ExtGState = states = pikepdf.Dictionary()
    for fill, stroke in sorted(used):
        states[_STATE.format(int(fill), int(stroke))] = pikepdf.Dictionary(
            Type=pikepdf.Name.ExtGState, op=fill, OP=stroke, OPM=1)
    stream.write(pikepdf.unparse_content_stream(out))
    return True


def _values(operands) -> tuple[float, ...]:
    """A colour operator's components (none for a pattern's name)."""
    try:
        return tuple(float(v) for v in operands)
    except (TypeError, ValueError):
        return ()


def unique_subset_tags(pdf) -> bool:
    """Give each font subset of ``pdf`` a tag made from its name and its embedded bytes."""
    import pikepdf

    changed = False
    for font in pdf.objects:
        if not (isinstance(font, pikepdf.Dictionary) and font.get("/Type") == pikepdf.Name.Font
                and "+" in str(font.get("/BaseFont", ""))):
            continue
        descendants = font.get("/DescendantFonts")
        parts = [font, *(descendants if descendants is not None else [])]
        descriptors = [p.FontDescriptor for p in parts if "/FontDescriptor" in p]
        files = [d.get(key) for d in descriptors for key in ("/FontFile2", "/FontFile3",
                                                             "/FontFile") if key in d]
        if not files:
            continue
        name = str(font.BaseFont).split("+", 1)[1]
        digest = hashlib.sha256(name.encode() + files[0].read_raw_bytes()).digest()
        tagged = pikepdf.Name("/" + "".join(chr(65 + b % 26) for b in digest[:6]) + "+" + name)
        if font.BaseFont == tagged:
            continue  # finished before
        for part in parts:
            part.BaseFont = tagged
        for descriptor in descriptors:
            descriptor.FontName = tagged
        changed = True
    return changed
