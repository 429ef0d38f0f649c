"""Turn uploaded files into Mediatheek items in its inbox.

:func:`ingest` takes one file through its steps: recognise it by its first
bytes, stream it into a blob, verify the stored file (Pillow for images,
ffprobe for audio and video), read its metadata and make the item, owned by
the uploader, in the ``inbox`` state. :func:`ingest_many` does that for every
file of a bulk upload inside its own savepoint, so a refused file leaves
nothing behind while the others go in, all in the request's one transaction.

Files are copied into their blob in chunks of :data:`CHUNK` bytes and read
back from the blob's file on disk, never whole into memory; waitress and
Zope's form parser have already spooled a large request body to disk.
"""

from dataclasses import dataclass
from dataclasses import field
from plone import api
from plone.i18n.normalizer.interfaces import IIDNormalizer
from plone.namedfile.file import NamedBlobFile
from plone.namedfile.file import NamedBlobImage
from pro.media import checks
from pro.media import logger
from pro.media import metadata
from pro.media import streams
from pro.media.content import TYPE_OF_KIND
from pro.media.exceptions import MediaRefused
from pro.media.exceptions import MetadataUnreadable
from typing import BinaryIO
from zope.component import getUtility
import os
import shutil
import transaction


CHUNK = 1 << 16
# The fields an upload prefills from what the file says about itself.
PREFILLED = (
    "title",
    "caption",
    "maker",
    "copyright_holder",
    "date_made",
    "place",
    "subjects",
    "media_format",
    "width",
    "height",
    "duration",
)


@dataclass
class Upload:
    """One file as sent: its name, declared media type and a binary stream."""

    filename: str
    file: BinaryIO
    content_type: str | None = None

    @classmethod
    def from_request(cls, upload) -> "Upload":
        """From a ``ZPublisher.HTTPRequest.FileUpload`` of a multipart form."""
        headers = getattr(upload, "headers", None) or {}
        return cls(
            filename=_basename(getattr(upload, "filename", "") or ""),
            file=upload,
            content_type=headers.get("content-type"),
        )


@dataclass
class Outcome:
    """What became of one file of a bulk upload."""

    filename: str
    item: object | None = None
    refused: MediaRefused | None = field(default=None)

    @property
    def ok(self) -> bool:
        return self.item is not None


def ingest_many(container, uploads: list[Upload]) -> list[Outcome]:
    """Ingest every upload; a refused one is rolled back alone.

    :returns: one :class:`Outcome` per upload, in their order.
    """
    limit = checks.upload_limit()
    outcomes = []
    for upload in uploads:
        savepoint = transaction.savepoint()
        try:
            item = ingest(container, upload, limit=limit)
        except MediaRefused as refused:
            savepoint.rollback()
            logger.info("Refused upload %s: %s", refused.filename, refused.reason)
            outcomes.append(Outcome(upload.filename, refused=refused))
        else:
            outcomes.append(Outcome(upload.filename, item=item))
    return outcomes


def ingest(container, upload: Upload, limit: int | None = None):
    """Make an inbox item of ``upload`` in ``container`` (the Mediatheek).

    :raises MediaRefused: with the reason, when the file is not accepted;
        nothing was added then.
    """
    filename = upload.filename or "upload"
    limit = checks.upload_limit() if limit is None else limit
    head, size = _measure(upload)
    found = checks.recognise(filename, upload.content_type, head, size, limit)

    stored = _store(upload, found)
    fields = _describe(filename, stored, found)
    poster = _poster(stored, fields) if fields["kind"] == "video" else None

    item = _create(container, filename, fields, stored, poster)
    logger.info(
        "Uploaded %s (%s, %d bytes) as %s",
        filename,
        found.name,
        size,
        "/".join(item.getPhysicalPath()),
    )
    return item


def _measure(upload: Upload) -> tuple[bytes, int]:
    stream = upload.file
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    head = stream.read(checks.SVG_HEAD_BYTES)
    stream.seek(0)
    return head, size


def _store(upload: Upload, found: checks.Format):
    """The upload in a new blob: cleaned first for SVG, else copied in chunks.

    Given a stream, plone.namedfile would take over a named file (moving it
    away from its owner) and store nothing for an unnamed one, so the bytes
    are copied here into an empty value.
    """
    filename = upload.filename or "upload"
    if found is checks.SVG:
        cleaned = checks.clean_svg(filename, upload.file.read(checks.MAX_SVG_BYTES + 1))
        return NamedBlobImage(cleaned, contentType=found.media_type, filename=filename)

    value = NamedBlobFile(b"", contentType=found.media_type, filename=filename)
    with value.open("w") as target:
        shutil.copyfileobj(upload.file, target, CHUNK)
    value.contentType = found.media_type
    return value


def _describe(filename: str, stored, found: checks.Format) -> dict:
    """Verify the stored file and read what it says about itself."""
    path = _blob_path(stored)
    fields = {"kind": found.kind, "media_format": found.name, "size": stored.getSize()}
    if found is checks.SVG:
        return fields
    if found.kind == "photo":
        width, height = checks.verify_photo(filename, path, found)
        try:
            fields.update(metadata.photo_metadata(path))
        except MetadataUnreadable:
            fields.update(width=width, height=height)
        return fields

    try:
        described = metadata.stream_metadata(streams.probe(path))
    except MetadataUnreadable:
        raise MediaRefused(
            filename,
            f"The file is not a playable {found.name} file: it is damaged or "
            "incomplete. Export it again and send it.",
        ) from None
    if not set(described.pop("format_name", "").split(",")) & set(found.probe_names):
        raise MediaRefused(
            filename,
            f"The file starts like {found.label}, but its content is something "
            "else; send the original file.",
        )
    fields.update(described)
    return fields


def _as_image(stored, filename: str, media_type: str) -> NamedBlobImage:
    """The verified photo as an image value, its blob file handed over.

    plone.namedfile takes the file over without copying it and reads the
    image's size and orientation itself, as for any image it stores.
    """
    if isinstance(stored, NamedBlobImage):
        return stored
    with open(_blob_path(stored), "rb") as stream:
        return NamedBlobImage(stream, contentType=media_type, filename=filename)


def _poster(stored, fields: dict):
    taken = streams.poster_frame(_blob_path(stored), fields.get("duration"))
    if taken is None:
        return None
    try:
        with open(taken, "rb") as still:
            return NamedBlobImage(
                still.read(), contentType="image/jpeg", filename="poster.jpg"
            )
    finally:
        os.unlink(taken)


def _create(container, filename: str, fields: dict, stored, poster):
    type_name = TYPE_OF_KIND[fields["kind"]]
    values = {name: fields[name] for name in PREFILLED if fields.get(name)}
    values.setdefault("title", _title_from(filename))
    values["original_filename"] = filename
    values["size"] = fields["size"]
    if type_name == "MediaPhoto":
        values["image"] = _as_image(stored, filename, stored.contentType)
    else:
        values["file"] = stored
        if poster is not None:
            values["image"] = poster
    return api.content.create(
        container=container,
        type=type_name,
        id=_id_from(filename),
        safe_id=True,
        **values,
    )


def _blob_path(value) -> str:
    with value.open("r") as reader:
        return reader.name


def _basename(filename: str) -> str:
    # Old browsers send the whole client path; only its last part is a name.
    return filename.replace("\\", "/").rsplit("/", 1)[-1].strip()


def _title_from(filename: str) -> str:
    stem = os.path.splitext(filename)[0]
    return " ".join(stem.replace("_", " ").replace("-", " ").split()) or filename


def _id_from(filename: str) -> str:
    normalizer = getUtility(IIDNormalizer)
    return normalizer.normalize(os.path.splitext(filename)[0]) or "media"
