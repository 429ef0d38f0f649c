"""Uploaded logos and favicons: only clean images of the accepted kinds."""

from io import BytesIO
from lxml import etree
from PIL import Image
from pro.theme.images import clean_image
from pro.theme.images import ICO
from pro.theme.images import ImageRefused
from pro.theme.images import parse_data_uri
from pro.theme.images import PNG
from pro.theme.images import sanitise_svg
from pro.theme.images import SVG
import base64
import pytest


SVG_OPEN = (
    '<svg xmlns="http://www.w3.org/2000/svg" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'
)
SQUARE = '<rect width="10" height="10" fill="#154273"/>'


def svg(body: str) -> bytes:
    return f"{SVG_OPEN}{body}</svg>".encode()


def raster(kind: str, size=(16, 16)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, "#154273").save(buffer, format=kind)
    return buffer.getvalue()


def as_uri(data: bytes, media_type="image/svg+xml") -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"


HOSTILE = {
    "script": "<script>alert(1)</script>",
    "onload": '<g onload="alert(1)">' + SQUARE + "</g>",
    "onclick upper case": '<rect width="1" height="1" ONCLICK="alert(1)"/>',
    "foreignObject": (
        "<foreignObject><iframe src='https://evil.example'/></foreignObject>"
    ),
    "image": '<image href="https://evil.example/track.png" width="1" height="1"/>',
    "external use": '<use href="https://evil.example/sprite.svg#a"/>',
    "external xlink use": '<use xlink:href="https://evil.example/sprite.svg#a"/>',
    "javascript link": '<a href="javascript:alert(1)">' + SQUARE + "</a>",
    "animate": '<animate attributeName="href" to="javascript:alert(1)"/>',
    "set": '<set attributeName="onmouseover" to="alert(1)"/>',
    "style import": "<style>@import url(https://evil.example/x.css);</style>",
    "style url": "<style>rect { fill: url(https://evil.example/p.svg#p) }</style>",
    "fill url": '<rect width="1" height="1" fill="url(https://evil.example/p#p)"/>',
    "style attribute": (
        '<rect width="1" height="1" style="background:url(https://evil.example)"/>'
    ),
    "other namespace": '<x:thing xmlns:x="urn:x" x:onload="alert(1)"/>',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_svg_is_cleaned_and_keeps_its_drawing(name):
    cleaned = sanitise_svg(svg(SQUARE + HOSTILE[name]))
    text = cleaned.decode().lower()

    for forbidden in ("script", "alert", "evil.example", "foreignobject", "iframe"):
        assert forbidden not in text
    assert "<animate" not in text and "<set" not in text and "<image" not in text
    assert (
        etree.fromstring(cleaned).find("{http://www.w3.org/2000/svg}rect") is not None
    )


def test_link_is_unwrapped_and_what_it_held_is_cleaned_too():
    cleaned = sanitise_svg(
        svg('<a href="https://x.example"><script>alert(1)</script>' + SQUARE + "</a>")
    ).decode()

    assert "<a" not in cleaned and "script" not in cleaned
    assert "<rect" in cleaned


def test_internal_references_and_gradients_are_kept():
    drawing = (
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/>'
        '</linearGradient><path id="p" d="M0 0h5v5z"/></defs>'
        '<use href="#p"/><use xlink:href="#p"/><rect width="5" height="5" '
        'fill="url(#g)"/>'
    )
    cleaned = sanitise_svg(svg(drawing)).decode()

    assert cleaned.count('href="#p"') == 2
    assert 'fill="url(#g)"' in cleaned
    assert "linearGradient" in cleaned


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'<?xml version="1.0"?>'
            b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
            "DOCTYPE",
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect", "well-formed"),
        (b"<html><body><svg></svg></body></html>", "not an SVG"),
        (svg("<script>alert(1)</script>"), "draws nothing"),
    ],
)
def test_svg_that_cannot_be_cleaned_is_refused(data, message):
    with pytest.raises(ImageRefused, match=message):
        sanitise_svg(data)


def test_logo_is_stored_as_cleaned_data_uri():
    uri = clean_image(as_uri(svg(SQUARE + HOSTILE["script"])), (SVG, PNG), 10_000)
    media_type, data = parse_data_uri(uri)

    assert media_type == SVG
    assert b"script" not in data


@pytest.mark.parametrize(
    "upload",
    [
        as_uri(raster("PNG"), "image/png"),
        {"data": base64.b64encode(raster("PNG")).decode(), "encoding": "base64"},
        {"data": base64.b64encode(raster("PNG")).decode(), "filename": "logo.png"},
    ],
)
def test_png_is_accepted_as_data_uri_or_file_object(upload):
    media_type, _data = parse_data_uri(clean_image(upload, (SVG, PNG), 100_000))

    assert media_type == PNG


def test_ico_is_accepted_only_where_asked():
    ico = as_uri(raster("ICO"), "image/x-icon")

    assert parse_data_uri(clean_image(ico, (SVG, PNG, ICO), 100_000))[0] == ICO
    with pytest.raises(ImageRefused, match="SVG or PNG"):
        clean_image(ico, (SVG, PNG), 100_000)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (as_uri(b"just text", "image/png"), "not a valid image"),
        (as_uri(raster("JPEG"), "image/png"), "not a valid image"),
        (as_uri(raster("GIF"), "image/svg+xml"), "not a valid image"),
        (as_uri(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png"), "not a valid PNG"),
        (as_uri(raster("PNG", (5000, 10)), "image/png"), "at most 4096"),
        ("data:image/png;base64,@@@", "not valid base64"),
        ("data:image/png,plain", "base64"),
        ("https://example.org/logo.png", "data: URI"),
        ({"data": "aGVsbG8=", "encoding": "utf-8"}, "base64"),
        (42, "data: URI"),
    ],
)
def test_anything_but_a_valid_image_is_refused(upload, message):
    with pytest.raises(ImageRefused, match=message):
        clean_image(upload, (SVG, PNG), 200_000)


def test_too_large_a_file_is_refused_with_the_limit():
    with pytest.raises(ImageRefused, match="at most 1 KB"):
        clean_image(as_uri(raster("PNG", (400, 400))), (SVG, PNG), 1024)
