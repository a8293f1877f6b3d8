"""The WeasyPrint adapter: what the measuring stages rely on of WeasyPrint's box tree and of
Pango's line breaking, on a real (small) layout. A WeasyPrint upgrade that breaks one of these
breaks here first, by name."""

from __future__ import annotations

import pytest

from pamphleteer import weasy


@pytest.fixture(scope="module")
def page():
    import weasyprint

    html = """<html lang="en"><body style="margin: 0; font-size: 12px">
    <p id="p">Peace agreement now, at last.</p>
    <p lang="ko" id="ko">평화 협정을 맺어야 합니다</p>
    <table><tr><td>cell</td></tr></table>
    <div style="display: grid"><div>grid item</div></div>
    <p>before <span style="display: inline-block">block</span> after</p>
    </body></html>"""
    document = weasyprint.HTML(string=html).render()
    return weasy.page_box(document.pages[0])


def boxes(page):
    return [box for box, _ in weasy.walk(page)]


def test_the_walk_reaches_every_box_with_its_parent(page):
    pairs = list(weasy.walk(page))
    assert pairs[0] == (page, None)
    for box, parent in pairs[1:]:
        assert box in parent.children


def test_lines_texts_and_solid_boxes_are_told_apart(page):
    found = boxes(page)
    texts = [box.text for box in found if weasy.is_text(box)]
    assert "Peace agreement now, at last." in texts
    lines = [box for box in found if weasy.is_line(box)]
    assert lines and all(any(weasy.is_text(b) for b, _ in weasy.walk(line)) for line in lines)
    assert any(weasy.is_solid(box) for box in found)  # the table
    assert any(weasy.is_grid(box) for box in found)
    assert any(weasy.is_atomic(box) for box in found)  # the inline block


def test_text_breaks_where_a_line_may_break_with_its_spaces(page):
    text_box = next(box for box in boxes(page) if weasy.is_text(box) and "Peace" in box.text)
    pieces = weasy.break_pieces(text_box.text, text_box.style)
    assert pieces == ["Peace ", "agreement ", "now, ", "at ", "last."]
    korean = next(box for box in boxes(page) if weasy.is_text(box) and "평화" in box.text)
    assert "".join(weasy.break_pieces(korean.text, korean.style)) == korean.text


def test_widths_are_pangos_and_pieces_add_up_to_the_line(page):
    text_box = next(box for box in boxes(page) if weasy.is_text(box) and "Peace" in box.text)
    whole = weasy.text_width(text_box, text_box.text)
    assert whole == pytest.approx(text_box.width, abs=0.5)
    assert weasy.text_width(text_box, "Peace") < weasy.text_width(text_box, "Peace agreement")
    pieces = weasy.break_pieces(text_box.text, text_box.style)
    widths = weasy.piece_widths(text_box, pieces)
    assert sum(word + space for word, space in widths) == pytest.approx(whole, abs=0.5)
    assert all(space > 0 for _, space in widths[:-1]) and widths[-1][1] == 0
    weasy.WIDTHS.clear()


def test_flow_helpers_read_padding_classes_and_custom_properties():
    import weasyprint

    document = weasyprint.HTML(string="""<div class="stack a" style="padding: 4px 0 6px;
        --fit-gap: 3px"><p>x</p><p style="position: absolute">y</p></div>""").render()
    stack = next(box for box, _ in weasy.walk(weasy.page_box(document.pages[0]))
                 if "stack" in weasy.classes(box))
    assert weasy.classes(stack) == {"stack", "a"}
    assert weasy.vertical_pad(stack) == pytest.approx(10)
    assert weasy.custom_px(stack, "__fit_gap") == pytest.approx(3)
    assert len(weasy.in_flow(stack)) == 1  # the absolutely placed one is not in the flow


def test_the_entry_points_the_renderer_uses_are_there():
    fetcher_base, response = weasy.fetcher_bases()
    assert issubclass(weasy.fetch_failed(), BaseException)
    fetcher = fetcher_base(allowed_protocols={"file"}, allow_redirects=False)
    profiles: dict = {}
    sheet = weasy.stylesheet("p { color: red }", "file:///", fetcher,
                             weasy.font_configuration(), profiles)
    document = weasy.html('<p>x <a href="data:,x" rel="attachment">y</a></p>', "file:///",
                          fetcher).render(stylesheets=[sheet])
    assert response.__name__ and len(document.pages) == 1
    weasy.drop_attachments(document)
    assert document.metadata.attachments == []
    assert not any(link[0] == "attachment" for page in document.pages for link in page.links)
