"""Logos and favicons uploaded for a site: recognised, cleaned, stored as data.

A site's identity is a small JSON-ready mapping, so an image is kept in it as a
``data:`` URI of the cleaned bytes; pages never inline it but load it from a
URL of its own (see :mod:`pro.theme.views`), so it is cached once per site.

The kind of an upload is read from its bytes, never from its name or declared
type. SVG is cleaned by an allow-list written here: the HTML sanitisers Plone
ships (lxml_html_clean, plone.outputfilters) treat SVG as HTML and would either
break a logo or leave ``xlink:href`` and SVG event attributes in place.
"""

from io import BytesIO
from lxml import etree
from PIL import Image
from PIL import UnidentifiedImageError
import base64
import binascii
import re


SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

SVG = "image/svg+xml"
PNG = "image/png"
ICO = "image/vnd.microsoft.icon"

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ICO_SIGNATURE = b"\x00\x00\x01\x00"
MAX_PIXELS = 4096

# Elements a logo may be drawn with. Everything else goes with its content:
# scripts, foreignObject (HTML inside SVG), image (fetches other files),
# animation elements (they can rewrite an href), and editors' private markup.
SVG_ELEMENTS = frozenset(
    {
        "svg",
        "g",
        "defs",
        "title",
        "desc",
        "symbol",
        "use",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "linearGradient",
        "radialGradient",
        "stop",
        "clipPath",
        "mask",
        "pattern",
        "style",
        "filter",
        "feBlend",
        "feColorMatrix",
        "feComposite",
        "feFlood",
        "feGaussianBlur",
        "feMerge",
        "feMergeNode",
        "feOffset",
    }
)
# Elements that only group others: their drawing is kept, they are not.
SVG_UNWRAPPED = frozenset({"a", "switch"})
SVG_DRAWING = frozenset(
    {"path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "use"}
)

# A reference may point inside the document (#id) and nowhere else.
EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
UNSAFE_CSS = re.compile(r"@import|expression\s*\(|javascript:|behavior\s*:", re.I)
DATA_URI = re.compile(
    r"^data:(?P<type>[\w.+/-]+)?(?P<params>(;[\w=.+-]+)*),(?P<data>.*)$"
)


class ImageRefused(ValueError):
    """The upload is not an image PRO accepts; the message says what to send."""


def clean_image(value, accepted: tuple[str, ...], max_bytes: int) -> str:
    """An uploaded image as a ``data:`` URI of its cleaned bytes.

    :param value: a ``data:`` URI, or a mapping as plone.restapi sends files
        (``data``, ``encoding`` ``"base64"``, optional ``filename`` and
        ``content-type``).
    :param accepted: the media types allowed, of :data:`SVG`, :data:`PNG`
        and :data:`ICO`.
    :raises ImageRefused: for anything that is not a valid image of those types.
    """
    data = _decode(value)
    if len(data) > max_bytes:
        raise ImageRefused(
            f"The file has {len(data) // 1024} KB; at most {max_bytes // 1024} KB "
            "is accepted."
        )

    media_type = _sniff(data)
    if media_type not in accepted:
        raise ImageRefused(
            "This is not a valid image of an accepted kind; send "
            f"{_type_names(accepted)}."
        )
    if media_type == SVG:
        data = sanitise_svg(data)
    else:
        _check_raster(data, media_type)
    return data_uri(media_type, data)


def data_uri(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def parse_data_uri(uri: str) -> tuple[str, bytes]:
    """The media type and bytes of a ``data:`` URI.

    :raises ImageRefused: when ``uri`` is not one.
    """
    match = DATA_URI.match(uri.strip()) if isinstance(uri, str) else None
    if match is None:
        raise ImageRefused("Send the image as a data: URI or as a file object.")
    if ";base64" not in (match["params"] or ""):
        raise ImageRefused("Encode the image as base64.")
    return match["type"] or "", _b64decode(match["data"])


def sanitise_svg(data: bytes) -> bytes:
    """``data`` as an SVG that draws the same shapes and can do nothing else.

    Scripts, event handlers, references to other files, HTML content and
    unknown elements are removed; document type declarations (and with them
    entity tricks) are refused.

    :raises ImageRefused: when ``data`` is not well-formed SVG, or nothing
        drawable is left after cleaning.
    """
    root = _parse_svg(data)
    _clean_element(root)
    if not any(
        etree.QName(element).localname in SVG_DRAWING
        for element in root.iter(f"{{{SVG_NS}}}*")
    ):
        raise ImageRefused("The SVG draws nothing once cleaned; send another file.")
    return etree.tostring(root, encoding="utf-8")


def _decode(value) -> bytes:
    if isinstance(value, str):
        return parse_data_uri(value)[1]
    if isinstance(value, dict) and isinstance(value.get("data"), str):
        if value.get("encoding", "base64") != "base64":
            raise ImageRefused("Encode the image as base64.")
        return _b64decode(value["data"])
    raise ImageRefused(
        "Send the image as a data: URI or as an object with base64 'data'."
    )


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ImageRefused("The image data is not valid base64.") from None


def _sniff(data: bytes) -> str | None:
    if data.startswith(PNG_SIGNATURE):
        return PNG
    if data.startswith(ICO_SIGNATURE):
        return ICO
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"<svg" in data[:4096]:
        return SVG
    return None


def _type_names(accepted: tuple[str, ...]) -> str:
    names = [{SVG: "SVG", PNG: "PNG", ICO: "ICO"}[kind] for kind in accepted]
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} or {names[-1]}"


def _check_raster(data: bytes, media_type: str) -> None:
    expected = {PNG: "PNG", ICO: "ICO"}[media_type]
    try:
        with Image.open(BytesIO(data)) as image:
            image.verify()
            size = image.size
            found = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRefused(f"The file is not a valid {expected} image.") from None
    if found != expected:
        raise ImageRefused(f"The file is not a valid {expected} image.")
    if max(size) > MAX_PIXELS:
        raise ImageRefused(
            f"The image is {size[0]}×{size[1]} pixels; at most {MAX_PIXELS} "
            "on each side."
        )


def _parse_svg(data: bytes):
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        tree = etree.parse(BytesIO(data), parser)
    except etree.XMLSyntaxError:
        raise ImageRefused("The SVG is not well-formed XML.") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ImageRefused("Remove the DOCTYPE from the SVG; it is not needed.")
    root = tree.getroot()
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ImageRefused("The file is not an SVG image (no <svg> root element).")
    return root


def _clean_element(element) -> None:
    """Clean ``element`` and everything in it, in place.

    Children are examined by position, not over a copy, because unwrapping a
    link moves its children up to where they must be examined in turn.
    """
    _clean_attributes(element)
    if etree.QName(element).localname == "style":
        css = element.text or ""
        if UNSAFE_CSS.search(css) or EXTERNAL_URL.search(css):
            element.text = ""
    index = 0
    while index < len(element):
        child = element[index]
        name = etree.QName(child) if isinstance(child.tag, str) else None
        if name is None:
            _remove_keeping_tail(child)
        elif name.namespace == SVG_NS and name.localname in SVG_UNWRAPPED:
            _unwrap(child)
        elif name.namespace != SVG_NS or name.localname not in SVG_ELEMENTS:
            _remove_keeping_tail(child)
        else:
            _clean_element(child)
            index += 1


def _clean_attributes(element) -> None:
    for attribute, value in list(element.attrib.items()):
        name = etree.QName(attribute)
        if not _attribute_allowed(name, value):
            del element.attrib[attribute]


def _attribute_allowed(name: etree.QName, value: str) -> bool:
    local = name.localname.lower()
    if local.startswith("on"):
        return False
    if name.namespace not in (None, XLINK_NS, XML_NS):
        return False
    if local == "href":
        return value.strip().startswith("#")
    if name.namespace == XLINK_NS:
        return False
    lowered = value.lower()
    if EXTERNAL_URL.search(value) or "javascript:" in lowered or "data:" in lowered:
        return False
    return not (local == "style" and UNSAFE_CSS.search(value))


def _unwrap(element) -> None:
    parent = element.getparent()
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    _remove_keeping_tail(element)


def _remove_keeping_tail(element) -> None:
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
