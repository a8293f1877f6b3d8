"""Output formats: each makes its file from the piece's PDF and draws it back."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image

from pamphleteer.errors import BuildError
from pamphleteer.formats import FORMATS


def one_page_pdf(width: float, height: float) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(width, height))
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def test_a_pdf_is_written_as_it_is_and_counted():
    pdf = one_page_pdf(72, 144)
    assert FORMATS["pdf"].encode(pdf) == pdf
    assert FORMATS["pdf"].pages(pdf) == 1
    assert FORMATS["pdf"].picture(pdf).size == (72, 144)  # a point a pixel


@pytest.mark.parametrize("name", ["png", "webp"])
def test_an_image_is_the_page_at_one_pixel_a_css_px(name):
    data = FORMATS[name].encode(one_page_pdf(900, 472.5))
    with Image.open(io.BytesIO(data)) as image:
        assert image.format.lower() == name and image.size == (1200, 630)
    assert FORMATS[name].pages(data) == 1
    assert FORMATS[name].picture(data).size == (1200, 630)
    assert FORMATS[name].encode(one_page_pdf(900, 472.5)) == data  # reproducible


def test_a_damaged_image_is_refused_by_name():
    with pytest.raises(BuildError, match="cannot be read"):
        FORMATS["png"].picture(b"\x89PNG not really")


def test_a_thumbnail_of_a_damaged_image_names_its_file(tmp_path):
    from pamphleteer.site import _thumbnail

    with pytest.raises(BuildError) as caught:
        _thumbnail(b"\x89PNG not really", tmp_path / "en" / "share-preview.png")
    assert caught.value.format_message().startswith(f"{tmp_path}/en/share-preview.png: ")
    good = FORMATS["png"].encode(one_page_pdf(900, 472.5))
    with Image.open(io.BytesIO(_thumbnail(good, tmp_path / "x.png"))) as thumb:
        assert thumb.width == 200
