"""What a screen reader needs of a tagged (PDF/UA) PDF that WeasyPrint does not write, done on
the written file (``finish``): decorative drawings as artifacts, and header cells that say
what they head.

WeasyPrint tags every inline SVG as a ``/Figure``, taking its alternative text from the
SVG's ``<title>``. The theme gives one to every drawing that means something (a code, a map, a
logo); an icon beside its own words or a fallback's mark has none (``aria-hidden`` in the
HTML), and a figure without alternative text is an error for a PDF/UA checker. Such a figure
becomes an artifact: its marked content is re-marked ``/Artifact`` and it leaves the tree.
WeasyPrint's table header cells carry no ``/Scope``: a header row's cells head their columns,
a header cell that starts a body row heads its row.
"""

from __future__ import annotations


def fix_tags(pdf) -> bool:
    """Artifacts for ``pdf``'s figures without alternative text, scopes for its header cells;
    whether anything changed."""

    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return False
    decorative: dict[tuple[int, int], set[int]] = {}  # page (objgen) -> its MCIDs
    changed = _walk(root, decorative)
    for page in pdf.pages:
        mcids = decorative.get(page.obj.objgen)
        if mcids:
            _unmark(page, mcids)
            _forget(root, page.obj, mcids)
    return changed or bool(decorative)


def _walk(element, decorative: dict[tuple[int, int], set[int]]) -> bool:
    """Drop the decorative figures under ``element``, noting their content; set scopes."""
    import pikepdf

    kids = element.get("/K")
    if not isinstance(kids, pikepdf.Array):
        return False
    changed, kept = False, []
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != pikepdf.Name.MCR:
            role = kid.get("/S")
            if role == pikepdf.Name.Figure and "/Alt" not in kid and "/ActualText" not in kid:
                _content(kid, kid.get("/Pg"), decorative)
                changed = True
                continue
            if role == pikepdf.Name.TH:
                changed |= _scope(kid)
            changed |= _walk(kid, decorative)
        kept.append(kid)
    if changed:
        element.K = pikepdf.Array(kept)
    return changed


def _content(element, page, decorative: dict[tuple[int, int], set[int]]) -> None:
    """Note the marked content ``element`` (and what it holds) stands for."""
    import pikepdf

    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int):
            if page is not None:
                decorative.setdefault(page.objgen, set()).add(int(kid))
        elif isinstance(kid, pikepdf.Dictionary):
            if kid.get("/Type") == pikepdf.Name.MCR:
                where = kid.get("/Pg", page)
                if where is not None:
                    decorative.setdefault(where.objgen, set()).add(int(kid.MCID))
            else:
                _content(kid, kid.get("/Pg", page), decorative)


def _scope(cell) -> bool:
    """``/Scope``: a cell of a header row (the table's head, or its first row where it has
    none) heads its column; any other header cell heads the row it starts."""
    import pikepdf

    row = cell.get("/P")
    section = row.get("/P") if isinstance(row, pikepdf.Dictionary) else None
    if not isinstance(section, pikepdf.Dictionary):
        return False
    table = section if section.get("/S") == pikepdf.Name.Table else section.get("/P")
    groups = _elements(table)
    if section.get("/S") == pikepdf.Name.THead:
        heads_column = True
    elif any(group.get("/S") == pikepdf.Name.THead for group in groups):
        heads_column = False
    else:
        rows = [r for group in groups for r in ([group] if group.get("/S") == pikepdf.Name.TR
                                                else _elements(group))]
        heads_column = bool(rows) and rows[0].objgen == row.objgen
    attributes = cell.get("/A")
    if not isinstance(attributes, pikepdf.Dictionary):
        cell.A = attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
    scope = pikepdf.Name.Column if heads_column else pikepdf.Name.Row
    if attributes.get("/Scope") == scope:
        return False
    attributes.Scope = scope
    return True


def _elements(node) -> list:
    """The structure elements among ``node``'s kids."""
    import pikepdf

    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
    return [kid for kid in (kids if isinstance(kids, pikepdf.Array) else [kids])
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != pikepdf.Name.MCR]


def _unmark(page, mcids: set[int]) -> None:
    """Re-mark ``mcids``' marked content on ``page`` as artifacts."""
    import pikepdf

    page.contents_coalesce()
    out = []
    for instruction in pikepdf.parse_content_stream(page):
        operands, operator = instruction.operands, instruction.operator
        if str(operator) == "BDC" and len(operands) == 2 and \
                isinstance(operands[1], pikepdf.Dictionary) and \
                int(operands[1].get("/MCID", -1)) in mcids:
            instruction = pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact],
                                                           pikepdf.Operator("BMC"))
        out.append(instruction)
    page.obj.Contents.write(pikepdf.unparse_content_stream(out))


def _forget(root, page, mcids: set[int]) -> None:
    """Clear ``mcids`` from the parent tree's entry for ``page`` (nothing stands for them)."""
    import pikepdf

    key = page.get("/StructParents")
    tree = root.get("/ParentTree")
    nums = tree.get("/Nums") if tree is not None else None
    if key is None or nums is None:
        return
    for index in range(0, len(nums) - 1, 2):
        if int(nums[index]) == int(key) and isinstance(nums[index + 1], pikepdf.Array):
            parents = nums[index + 1]
            for mcid in mcids:
                if mcid < len(parents):
                    parents[mcid] = None  # null
