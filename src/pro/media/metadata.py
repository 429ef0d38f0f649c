"""What a file says about itself: EXIF, IPTC and XMP in photos, tags in A/V.

The values prefill an item's form; a curator corrects them. For every field
the most descriptive source wins: XMP (what current photo software writes),
then IPTC (what news agencies' tools write), then EXIF (what the camera
wrote). A field no source fills stays empty.

Pillow reads EXIF and IPTC. XMP is an RDF document inside the file; Pillow's
own reader needs defusedxml, which the platform does not otherwise use, so it
is parsed here with lxml under the same rules as the theme's SVG parser: no
entities expanded, no DTD or network access, no huge trees. Audio and video
are described from ``ffprobe``'s JSON (see :mod:`pro.media.streams`).

Every function here is given untrusted bytes; anything they cannot make sense
of raises :class:`~pro.media.exceptions.MetadataUnreadable` or is left out,
never another exception.
"""

from datetime import date
from io import BytesIO
from lxml import etree
from PIL import Image
from PIL import IptcImagePlugin
from pro.media.exceptions import MetadataUnreadable
import re
import warnings


DC = "http://purl.org/dc/elements/1.1/"
PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"
IPTC_CORE = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

# EXIF tag numbers (base IFD, and the Exif sub-IFD for the shot's date).
EXIF_DESCRIPTION = 0x010E
EXIF_ARTIST = 0x013B
EXIF_COPYRIGHT = 0x8298
EXIF_DATETIME = 0x0132
EXIF_ORIENTATION = 0x0112
EXIF_IFD = 0x8769
EXIF_DATETIME_ORIGINAL = 0x9003

# IPTC-IIM datasets of record 2 (application record).
IPTC_OBJECT_NAME = (2, 5)
IPTC_KEYWORDS = (2, 25)
IPTC_DATE_CREATED = (2, 55)
IPTC_BYLINE = (2, 80)
IPTC_CITY = (2, 90)
IPTC_SUBLOCATION = (2, 92)
IPTC_PROVINCE = (2, 95)
IPTC_COUNTRY = (2, 101)
IPTC_HEADLINE = (2, 105)
IPTC_COPYRIGHT = (2, 116)
IPTC_CAPTION = (2, 120)

MAX_TEXT = 2000
MAX_SUBJECTS = 50
DATE = re.compile(r"^\s*(\d{4})(?:[-:]?(\d{2})(?:[-:]?(\d{2}))?)?")
DESCRIPTIVE = ("title", "caption", "maker", "copyright_holder", "date_made", "place")


def photo_metadata(source) -> dict:
    """Descriptive and technical metadata of an image file.

    :param source: a path or a binary file object.
    :returns: a mapping with any of ``title``, ``caption``, ``maker``,
        ``copyright_holder``, ``date_made``, ``place``, ``subjects`` and
        always ``media_format``, ``width``, ``height``, ``orientation``.
    :raises MetadataUnreadable: when ``source`` is no image Pillow opens.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(source) as image:
                return _photo_metadata(image)
    except MetadataUnreadable:
        raise
    except Exception as error:
        # Pillow raises many kinds for many kinds of damage; to the caller
        # they all mean that the file says nothing it can use.
        raise MetadataUnreadable(f"not a readable image: {error}") from None


def _photo_metadata(image) -> dict:
    exif = _exif_fields(image)
    iptc = _iptc_fields(image)
    xmp = xmp_fields(image.info.get("xmp") or image.info.get("XML:com.adobe.xmp"))

    found = {}
    for name in DESCRIPTIVE:
        for source in (xmp, iptc, exif):
            if source.get(name):
                found[name] = source[name]
                break
    subjects = xmp.get("subjects") or iptc.get("subjects")
    if subjects:
        found["subjects"] = subjects

    width, height = image.size
    if exif.get("orientation") in (5, 6, 7, 8):
        # The camera was turned: the picture is shown rotated a quarter.
        width, height = height, width
    found.update(
        media_format=image.format,
        width=width,
        height=height,
        orientation=orientation(width, height),
    )
    return found


def orientation(width: int | None, height: int | None) -> str | None:
    """``landscape``, ``portrait`` or ``square``; None without both sizes."""
    if not width or not height:
        return None
    if width > height:
        return "landscape"
    if height > width:
        return "portrait"
    return "square"


def _exif_fields(image) -> dict:
    try:
        exif = image.getexif()
        sub = exif.get_ifd(EXIF_IFD)
    except Exception:
        return {}
    fields = {
        "caption": _text(exif.get(EXIF_DESCRIPTION)),
        "maker": _text(exif.get(EXIF_ARTIST)),
        "copyright_holder": _text(exif.get(EXIF_COPYRIGHT)),
        "date_made": parse_date(
            _text(sub.get(EXIF_DATETIME_ORIGINAL)) or _text(exif.get(EXIF_DATETIME))
        ),
    }
    value = exif.get(EXIF_ORIENTATION)
    if isinstance(value, int):
        fields["orientation"] = value
    return fields


def _iptc_fields(image) -> dict:
    try:
        info = IptcImagePlugin.getiptcinfo(image) or {}
    except Exception:
        return {}

    def first(key):
        value = info.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        return _text(value)

    place = ", ".join(
        part
        for part in (
            first(IPTC_SUBLOCATION),
            first(IPTC_CITY),
            first(IPTC_PROVINCE),
            first(IPTC_COUNTRY),
        )
        if part
    )
    keywords = info.get(IPTC_KEYWORDS) or []
    if not isinstance(keywords, list):
        keywords = [keywords]
    return {
        "title": first(IPTC_OBJECT_NAME) or first(IPTC_HEADLINE),
        "caption": first(IPTC_CAPTION),
        "maker": first(IPTC_BYLINE),
        "copyright_holder": first(IPTC_COPYRIGHT),
        "date_made": parse_date(first(IPTC_DATE_CREATED)),
        "place": place or None,
        "subjects": _subjects(_text(keyword) for keyword in keywords),
    }


def xmp_fields(packet) -> dict:
    """The descriptive fields of an XMP packet (bytes or text); {} for none."""
    if not packet:
        return {}
    if isinstance(packet, str):
        packet = packet.encode("utf-8", "replace")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.parse(BytesIO(bytes(packet).strip(b"\x00 \r\n\t")), parser)
    except (etree.XMLSyntaxError, ValueError):
        return {}
    if root.docinfo.internalDTD is not None:
        return {}
    root = root.getroot()

    def first(namespace, name):
        values = _xmp_values(root, namespace, name)
        return values[0] if values else None

    place = ", ".join(
        part
        for part in (
            first(IPTC_CORE, "Location"),
            first(PHOTOSHOP, "City"),
            first(PHOTOSHOP, "State"),
            first(PHOTOSHOP, "Country"),
        )
        if part
    )
    creators = _xmp_values(root, DC, "creator")
    return {
        "title": first(DC, "title") or first(PHOTOSHOP, "Headline"),
        "caption": first(DC, "description"),
        "maker": ", ".join(creators) or None,
        "copyright_holder": first(DC, "rights"),
        "date_made": parse_date(first(PHOTOSHOP, "DateCreated")),
        "place": place or None,
        "subjects": _subjects(_xmp_values(root, DC, "subject")),
    }


def _xmp_values(root, namespace: str, name: str) -> list[str]:
    """Values of one XMP property, as element (plain, Alt, Bag, Seq) or attribute."""
    values = []
    qualified = f"{{{namespace}}}{name}"
    for element in root.iter(qualified):
        items = list(element.iter(f"{{{RDF}}}li"))
        for item in items or [element]:
            text = _text("".join(item.itertext()))
            if text:
                values.append(text)
    for description in root.iter(f"{{{RDF}}}Description"):
        text = _text(description.get(qualified))
        if text:
            values.append(text)
    return values


def stream_metadata(probe: dict) -> dict:
    """Descriptive and technical metadata from ``ffprobe``'s JSON output.

    :returns: a mapping with ``kind`` (``video`` when a moving picture stream
        is present, else ``audio``), ``media_format``, ``duration``, ``width``
        and ``height`` for video, and any of the descriptive fields the
        container's tags give.
    :raises MetadataUnreadable: when ``probe`` shows no audio or video stream.
    """
    if not isinstance(probe, dict):
        raise MetadataUnreadable("ffprobe gave no description")
    container = probe.get("format") if isinstance(probe.get("format"), dict) else {}
    listed = probe.get("streams")
    streams = (
        [s for s in listed if isinstance(s, dict)] if isinstance(listed, list) else []
    )
    video = [s for s in streams if s.get("codec_type") == "video" and not _still(s)]
    audio = [s for s in streams if s.get("codec_type") == "audio"]
    if not video and not audio:
        raise MetadataUnreadable("the file has no audio or video stream")

    tags = _lower_keys(container.get("tags"))
    for stream in streams:
        for key, value in _lower_keys(stream.get("tags")).items():
            tags.setdefault(key, value)
    found = {
        "kind": "video" if video else "audio",
        "media_format": _text(container.get("format_long_name"))
        or _text(container.get("format_name")),
        "format_name": _text(container.get("format_name")) or "",
        "duration": _seconds(container.get("duration"))
        or next(
            (_seconds(s.get("duration")) for s in video + audio if s.get("duration")),
            None,
        ),
        "title": _text(tags.get("title")),
        "caption": _text(tags.get("description") or tags.get("comment")),
        "maker": _text(
            tags.get("artist") or tags.get("album_artist") or tags.get("composer")
        ),
        "copyright_holder": _text(tags.get("copyright")),
        "date_made": parse_date(_text(tags.get("date") or tags.get("creation_time"))),
        "subjects": _subjects(
            _text(part) for part in str(tags.get("genre") or "").split(";")
        ),
    }
    if video:
        width, height = _int(video[0].get("width")), _int(video[0].get("height"))
        found.update(width=width, height=height, orientation=orientation(width, height))
    return {key: value for key, value in found.items() if value not in (None, ())}


def parse_date(text: str | None) -> date | None:
    """A date from EXIF (``2024:05:01``), IPTC (``20240501``) or ISO text."""
    match = DATE.match(text or "")
    if match is None:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if 1800 <= found.year <= 2200 else None


def _still(stream: dict) -> bool:
    """A cover picture attached to an audio file is not a video."""
    disposition = stream.get("disposition")
    return isinstance(disposition, dict) and bool(disposition.get("attached_pic"))


def _lower_keys(tags) -> dict:
    if not isinstance(tags, dict):
        return {}
    return {str(key).lower(): value for key, value in tags.items()}


def _text(value) -> str | None:
    """Clean text from a tag value, or None when it holds none."""
    if value is None:
        return None
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("latin-1")
    if not isinstance(value, str):
        value = str(value)
    value = "".join(ch for ch in value if ch.isprintable() or ch in "\n\t")
    value = value.strip().strip("\x00").strip()
    return value[:MAX_TEXT] or None


def _subjects(values) -> tuple[str, ...]:
    found = []
    for value in values:
        if value and value not in found:
            found.append(value[:100])
    return tuple(found[:MAX_SUBJECTS])


def _seconds(value) -> float | None:
    try:
        seconds = round(float(value), 3)
    except (TypeError, ValueError, OverflowError):
        return None
    return seconds if 0 < seconds < 1e7 else None


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 < number < 1_000_000 else None
