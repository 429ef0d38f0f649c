"""Is an upload the photo, video or audio file it claims to be? Read its bytes.

An upload's name and declared media type are claims; its first bytes (its
"magic number") say what it is. :func:`recognise` reads them and refuses a
file whose name or type claims something else, an empty file, a file over the
size limit and anything that is not a format the Mediatheek serves. Once the
file is stored in its blob, :func:`verify_photo` decodes an image with Pillow
and :func:`pro.media.metadata.probe` reads audio and video with ``ffprobe``,
so a truncated or corrupt file is refused before an item is made of it.

SVG drawings are accepted as photos once cleaned by the theme's allow-list
sanitiser (:func:`pro.theme.images.sanitise_svg`); one that carries scripts,
event handlers or a link to JavaScript is refused outright rather than
silently changed, so the uploader knows the file was unsafe.

Media types are matched here by hand because the libraries that guess them
(Python's ``mimetypes``, ``python-magic``) map names to types or need
libmagic, while this module must compare what the name says with what the
bytes are, for the handful of formats a government website serves.
"""

from dataclasses import dataclass
from io import BytesIO
from lxml import etree
from PIL import Image
from PIL import UnidentifiedImageError
from plone.registry.interfaces import IRegistry
from pro.media.exceptions import MediaRefused
from pro.media.exceptions import MediaTooLarge
from pro.media.exceptions import MetadataUnreadable
from pro.media.interfaces import IMediaSettings
from pro.theme.images import ImageRefused
from pro.theme.images import sanitise_svg
from zope.component import queryUtility
from zope.interface import Invalid
import os.path


MEGABYTE = 1024 * 1024
DEFAULT_LIMIT_MB = 1000
SVG_HEAD_BYTES = 4096
MAX_SVG_BYTES = 5 * 1024 * 1024
# Images that decode to more pixels than this (a 15,000 by 10,000 pixel
# photo) are refused, so a small file cannot make the server allocate
# gigabytes; Pillow's own decompression-bomb limit lies just above it.
MAX_PIXELS = 150_000_000


@dataclass(frozen=True)
class Format:
    """A file format the Mediatheek accepts."""

    name: str
    kind: str
    media_type: str
    extensions: tuple[str, ...]
    # ffprobe's names for the container, for audio and video.
    probe_names: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return {
            "photo": f"a {self.name} image",
            "video": f"a {self.name} video",
            "audio": f"an {self.name} audio file",
        }[self.kind]


JPEG = Format("JPEG", "photo", "image/jpeg", (".jpg", ".jpeg", ".jpe"))
PNG = Format("PNG", "photo", "image/png", (".png",))
GIF = Format("GIF", "photo", "image/gif", (".gif",))
WEBP = Format("WEBP", "photo", "image/webp", (".webp",))
TIFF = Format("TIFF", "photo", "image/tiff", (".tif", ".tiff"))
SVG = Format("SVG", "photo", "image/svg+xml", (".svg",))
MP3 = Format("MP3", "audio", "audio/mpeg", (".mp3",), ("mp3",))
WAV = Format("WAV", "audio", "audio/wav", (".wav",), ("wav",))
FLAC = Format("FLAC", "audio", "audio/flac", (".flac",), ("flac",))
OGG = Format("Ogg", "audio", "audio/ogg", (".ogg", ".oga", ".opus"), ("ogg",))
M4A = Format("M4A", "audio", "audio/mp4", (".m4a",), ("mov", "mp4", "m4a"))
MP4 = Format(
    "MP4", "video", "video/mp4", (".mp4", ".m4v", ".mov"), ("mov", "mp4", "m4a")
)
WEBM = Format("WebM", "video", "video/webm", (".webm", ".mkv"), ("matroska", "webm"))
AVI = Format("AVI", "video", "video/x-msvideo", (".avi",), ("avi",))

FORMATS = (JPEG, PNG, GIF, WEBP, TIFF, SVG, MP3, WAV, FLAC, OGG, M4A, MP4, WEBM, AVI)
BY_EXTENSION = {ext: fmt for fmt in FORMATS for ext in fmt.extensions}
# Extensions for the same container: a name ending in .mp4 may hold audio only.
SAME_CONTAINER = {frozenset({"MP4", "M4A"})}
ACCEPTED_NAMES = (
    "JPEG, PNG, GIF, WebP, TIFF, SVG, MP3, WAV, FLAC, Ogg, M4A, MP4, WebM or AVI"
)


def recognise(
    filename: str, declared_type: str | None, head: bytes, size: int, limit: int
) -> Format:
    """The format of an upload, from its first bytes, checked against its claims.

    :param head: the file's first bytes (at least :data:`SVG_HEAD_BYTES` when
        the file has that many).
    :param size: the file's size in bytes.
    :param limit: the largest size accepted, in bytes.
    :raises MediaTooLarge: when ``size`` is over ``limit``.
    :raises MediaRefused: for an empty file, an unknown format, or a name or
        declared type that says something else than the bytes.
    """
    if size == 0:
        raise MediaRefused(filename, "The file is empty (0 bytes); send it again.")
    if size > limit:
        raise MediaTooLarge(
            filename,
            f"The file has {_megabytes(size)}; the Mediatheek accepts files of "
            f"at most {_megabytes(limit)}.",
        )

    found = sniff(head)
    if found is None:
        raise MediaRefused(
            filename,
            "The content is not a photo, video or audio format the Mediatheek "
            f"accepts; send {ACCEPTED_NAMES}.",
        )
    _check_name(filename, found)
    _check_declared_type(filename, declared_type, found)
    return found


def sniff(head: bytes) -> Format | None:
    """The format whose signature ``head`` starts with, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head[:4] == b"RIFF":
        return {b"WEBP": WEBP, b"WAVE": WAV, b"AVI ": AVI}.get(head[8:12])
    if head[4:8] == b"ftyp":
        return M4A if head[8:11] in (b"M4A", b"M4B") else MP4
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"fLaC"):
        return FLAC
    if head.startswith(b"ID3") or (
        len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
    ):
        return MP3
    text = head[:SVG_HEAD_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<") and b"<svg" in text:
        return SVG
    return None


def verify_photo(filename: str, path: str, found: Format) -> tuple[int, int]:
    """Decode the stored image; answer its width and height in pixels.

    :raises MediaRefused: when the file is corrupt, truncated, of another
        format than its first bytes said, or has too many pixels.
    """
    try:
        with Image.open(path) as image:
            image.verify()
        with open(path, "rb") as raw:
            watched = _EndWatcher(raw)
            with Image.open(watched) as image:
                if image.format != found.name:
                    raise _damaged(filename, found)
                size = image.size
                if size[0] * size[1] > MAX_PIXELS:
                    raise _too_many_pixels(filename, size)
                # A JPEG decoded at an eighth of its size still reads every
                # byte of its data, in an eighth of the memory.
                image.draft("RGB", (max(size[0] // 8, 1), max(size[1] // 8, 1)))
                watched.reached_end = False
                image.load()
        if watched.reached_end:
            raise _damaged(filename, found)
        return size
    except Image.DecompressionBombError:
        raise _too_many_pixels(filename, None) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _damaged(filename, found) from None


class _EndWatcher:
    """A file that remembers when a reader asked for bytes past its end.

    plone.scale makes Pillow load truncated images without complaint
    (``ImageFile.LOAD_TRUNCATED_IMAGES``, a process-wide switch); a decoder
    that runs out of data before the image is complete is how a truncated
    file shows itself without changing that switch for every thread.
    """

    def __init__(self, raw) -> None:
        self._raw = raw
        self.reached_end = False

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        if size != 0 and not data:
            self.reached_end = True
        return data

    def __getattr__(self, name: str):
        return getattr(self._raw, name)


def _damaged(filename: str, found: Format) -> MediaRefused:
    return MediaRefused(
        filename,
        f"The file is not a valid {found.name} image: it is damaged or "
        "incomplete. Export it again and send it.",
    )


def clean_svg(filename: str, data: bytes) -> bytes:
    """The SVG drawing, cleaned; refused when it could run code.

    :raises MediaRefused: for scripts, event handlers, ``javascript:`` links
        and embedded HTML, for a drawing that is too large, and for anything
        the theme's sanitiser refuses (no SVG root, a DOCTYPE, bad XML).
    """
    if len(data) > MAX_SVG_BYTES:
        raise MediaRefused(
            filename,
            f"The SVG has {_megabytes(len(data))}; drawings of at most "
            f"{_megabytes(MAX_SVG_BYTES)} are accepted.",
        )
    active = _active_content(data)
    if active:
        raise MediaRefused(
            filename,
            f"The SVG contains {active}, which could run code in a visitor's "
            "browser; remove it and send the drawing again.",
        )
    try:
        return sanitise_svg(data)
    except ImageRefused as refused:
        raise MediaRefused(filename, str(refused)) from None


class FileRefused(Invalid):
    """A file chosen in an edit form is refused; the message says why."""


def check_file_value(value, kinds: tuple[str, ...]) -> bool:
    """Check a file value as set through a form or REST, like an upload.

    Used as the constraint of the items' file fields, so replacing a file in
    the edit form is checked by content too.

    :raises FileRefused: with the reason, when the file is not accepted.
    """
    from pro.media import metadata
    from pro.media import streams

    filename = getattr(value, "filename", None) or "upload"
    with value.open() as reader:
        path = reader.name
        head = reader.read(SVG_HEAD_BYTES)
    try:
        found = recognise(filename, None, head, value.getSize(), upload_limit())
        if found.kind not in kinds and not (found.kind == "audio" and "video" in kinds):
            raise MediaRefused(
                filename, f"The content is {found.label}; choose another file here."
            )
        if found is SVG:
            with value.open() as reader:
                active = _active_content(reader.read(MAX_SVG_BYTES + 1))
            if active:
                raise MediaRefused(
                    filename,
                    f"The SVG contains {active}, which could run code in a "
                    "visitor's browser; remove it and send the drawing again.",
                )
        elif found.kind == "photo":
            verify_photo(filename, path, found)
        else:
            try:
                metadata.stream_metadata(streams.probe(path))
            except MetadataUnreadable:
                raise MediaRefused(
                    filename,
                    f"The file is not a playable {found.name} file: it is "
                    "damaged or incomplete.",
                ) from None
    except MediaRefused as refused:
        raise FileRefused(f"{refused.filename}: {refused.reason}") from None
    return True


def photo_file(value) -> bool:
    return check_file_value(value, ("photo",))


def video_file(value) -> bool:
    return check_file_value(value, ("video",))


def audio_file(value) -> bool:
    return check_file_value(value, ("audio",))


def upload_limit() -> int:
    """The largest upload accepted, in bytes, from the registry."""
    registry = queryUtility(IRegistry)
    settings = (
        registry.forInterface(IMediaSettings, prefix="pro.media", check=False)
        if registry is not None
        else None
    )
    megabytes = getattr(settings, "max_upload_mb", None) or DEFAULT_LIMIT_MB
    return megabytes * MEGABYTE


def _check_name(filename: str, found: Format) -> None:
    extension = os.path.splitext(filename)[1].lower()
    if not extension:
        return
    named = BY_EXTENSION.get(extension)
    if named is None:
        raise MediaRefused(
            filename,
            f"Files ending in {extension} are not accepted; the content is "
            f"{found.label}, so give it the extension {found.extensions[0]}.",
        )
    if named is not found and frozenset({named.name, found.name}) not in (
        SAME_CONTAINER
    ):
        raise MediaRefused(
            filename,
            f"The name says it is {named.label}, but the content is "
            f"{found.label}; rename it to {found.extensions[0]} or send the "
            "right file.",
        )


def _check_declared_type(filename: str, declared: str | None, found: Format) -> None:
    media_type = (declared or "").split(";")[0].strip().lower()
    major = media_type.partition("/")[0]
    # Generic types (application/octet-stream) and none at all claim nothing.
    if major not in ("image", "audio", "video", "text"):
        return
    if found.kind == "photo":
        fits = major == "image" or (found is SVG and media_type.endswith("xml"))
    else:
        fits = major in ("audio", "video")
    if not fits:
        raise MediaRefused(
            filename,
            f"The file was sent as {media_type}, but the content is {found.label}.",
        )


def _active_content(data: bytes) -> str | None:
    """What in the SVG could run code, described for the uploader, or None."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.parse(BytesIO(data), parser).getroot()
    except etree.XMLSyntaxError:
        return None  # the sanitiser refuses it with its own reason
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        if name in ("script", "foreignObject", "handler"):
            return f"a <{name}> element"
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname.lower()
            if local.startswith("on"):
                return f"an event handler ({local})"
            if "javascript:" in value.lower().replace(" ", ""):
                return "a javascript: link"
    return None


def _too_many_pixels(filename: str, size) -> MediaRefused:
    shown = f"{size[0]}×{size[1]} pixels" if size else "too many pixels"
    return MediaRefused(
        filename,
        f"The image has {shown}; at most {MAX_PIXELS // 1_000_000} megapixels "
        "are accepted. Send a smaller export.",
    )


def _megabytes(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):,.0f} MB"
