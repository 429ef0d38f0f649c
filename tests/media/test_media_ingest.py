"""Uploads become inbox items, described from what the files say."""

from datetime import date
from plone import api
from plone.namedfile.file import NamedBlobFile
from plone.namedfile.file import NamedBlobImage
from pro.media.content import IMediaAudio
from pro.media.content import IMediaPhoto
from pro.media.exceptions import MediaRefused
from pro.media.ingest import ingest
from pro.media.ingest import ingest_many
from pro.media.ingest import Upload
from zope.interface import Invalid
import io
import pytest


def upload(path, name=None, content_type=None) -> Upload:
    return Upload(name or path.name, io.BytesIO(path.read_bytes()), content_type)


@pytest.fixture
def mediatheek(portal):
    return portal["mediatheek"]


def add(mediatheek, *uploads):
    with api.env.adopt_roles(["Manager"]):
        return ingest_many(mediatheek, list(uploads))


def test_exif_fills_maker_copyright_caption_and_date(mediatheek, media_files):
    (outcome,) = add(mediatheek, upload(media_files["exif_jpeg"]))

    item = outcome.item
    assert item.portal_type == "MediaPhoto"
    assert item.maker == "Anna Fotograaf"
    assert item.copyright_holder == "Rijkswaterstaat"
    assert item.caption == "De dijk bij Lelystad in de ochtend"
    assert item.date_made == date(2023, 6, 14)
    assert (item.width, item.height) == (640, 480)
    assert item.media_format == "JPEG"
    assert item.original_filename == "dijk.jpg"
    assert api.content.get_state(item) == "inbox"


def test_iptc_wins_over_exif(mediatheek, media_files):
    (outcome,) = add(mediatheek, upload(media_files["iptc_jpeg"]))

    item = outcome.item
    assert item.maker == "Bram Beeldmaker"
    assert item.title == "Haven van Rotterdam"
    assert item.caption == "Containerschip in de haven"
    assert item.copyright_holder == "Havenbedrijf"
    assert item.place == "Rotterdam, Nederland"
    assert item.subjects == ("haven", "scheepvaart")
    assert item.date_made == date(2022, 3, 1)


def test_xmp_is_read(mediatheek, media_files):
    (outcome,) = add(mediatheek, upload(media_files["xmp_jpeg"]))

    item = outcome.item
    assert item.title == "Erasmusbrug"
    assert item.maker == "Chris Camera"
    assert item.copyright_holder == "Gemeente Rotterdam"
    assert item.place == "Rotterdam"
    assert item.subjects == ("brug",)


def test_audio_and_video_are_described_by_ffprobe(mediatheek, media_files):
    audio, video = add(
        mediatheek, upload(media_files["mp3"]), upload(media_files["mp4"])
    )

    assert audio.item.portal_type == "MediaAudio"
    assert audio.item.title == "Interview met de minister"
    assert audio.item.maker == "Omroep Studio"
    assert 0.9 < audio.item.duration < 1.2
    assert video.item.portal_type == "MediaVideo"
    assert (video.item.width, video.item.height) == (320, 240)
    assert video.item.maker == "Filmhuis"
    assert video.item.image is not None  # the poster frame
    assert video.item.image.getImageSize() == (320, 240)


SCRIPTED_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
)
HANDLER_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b'<rect width="10" height="10"/></svg>'
)
CLEAN_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10" fill="#154273"/></svg>'
)


def bad_upload(media_files, case: str) -> Upload:
    jpeg = media_files["exif_jpeg"].read_bytes()
    png = media_files["png"].read_bytes()
    cases = {
        "png named jpg": ("foto.jpg", png, "image/jpeg"),
        "jpeg sent as audio": ("foto.jpg", jpeg, "audio/mpeg"),
        "empty": ("leeg.jpg", b"", "image/jpeg"),
        "truncated jpeg": ("half.jpg", jpeg[: len(jpeg) // 2], "image/jpeg"),
        "text named jpg": ("tekst.jpg", b"Dit is geen foto.\n" * 20, "image/jpeg"),
        "html": ("pagina.html", b"<html><body>hallo</body></html>", "text/html"),
        "unknown extension": ("foto.exe", jpeg, "application/octet-stream"),
        "script in svg": ("logo.svg", SCRIPTED_SVG, "image/svg+xml"),
        "handler in svg": ("logo.svg", HANDLER_SVG, "image/svg+xml"),
        "damaged mp3": ("geluid.mp3", b"ID3\x03\x00\x00\x00" + b"\x00" * 4000, None),
        "damaged mp4": ("film.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4000, None),
    }
    name, data, content_type = cases[case]
    return Upload(name, io.BytesIO(data), content_type)


REASONS = {
    "png named jpg": "The name says it is a JPEG image, but the content is a PNG image",
    "jpeg sent as audio": "sent as audio/mpeg, but the content is a JPEG image",
    "empty": "The file is empty",
    "truncated jpeg": "damaged or incomplete",
    "text named jpg": "not a photo, video or audio format",
    "html": "not a photo, video or audio format",
    "unknown extension": "Files ending in .exe are not accepted",
    "script in svg": "a <script> element",
    "handler in svg": "an event handler (onload)",
    "damaged mp3": "not a playable MP3 file",
    "damaged mp4": "not a playable MP4 file",
}


@pytest.mark.parametrize("case", sorted(REASONS))
def test_bad_files_are_refused_with_their_reason(mediatheek, media_files, case):
    before = set(mediatheek.objectIds())

    with pytest.raises(MediaRefused) as refused:
        with api.env.adopt_roles(["Manager"]):
            ingest(mediatheek, bad_upload(media_files, case))

    assert REASONS[case] in refused.value.reason
    assert refused.value.status == 400
    assert set(mediatheek.objectIds()) == before


def test_a_file_over_the_limit_is_refused_as_too_large(mediatheek, media_files):
    with pytest.raises(MediaRefused) as refused:
        with api.env.adopt_roles(["Manager"]):
            ingest(mediatheek, upload(media_files["exif_jpeg"]), limit=1000)

    assert refused.value.status == 413
    assert "at most 1000 bytes" in refused.value.reason


def test_the_size_limit_comes_from_the_registry(mediatheek, media_files):
    api.portal.set_registry_record("pro.media.max_upload_mb", 1)
    big = Upload("groot.jpg", io.BytesIO(b"\xff\xd8\xff" + b"\x00" * (1024 * 1024)))

    (outcome,) = add(mediatheek, big)

    assert outcome.refused.status == 413
    assert "at most 1 MB" in outcome.refused.reason


def test_a_clean_svg_is_kept(mediatheek):
    (outcome,) = add(
        mediatheek, Upload("logo.svg", io.BytesIO(CLEAN_SVG), "image/svg+xml")
    )

    assert outcome.item.portal_type == "MediaPhoto"
    assert b"<rect" in outcome.item.image.data


def test_one_bad_file_fails_alone_in_a_bulk_upload(mediatheek, media_files):
    before = len(mediatheek.objectIds())

    outcomes = add(
        mediatheek,
        upload(media_files["exif_jpeg"]),
        bad_upload(media_files, "png named jpg"),
        upload(media_files["png"]),
    )

    assert [outcome.ok for outcome in outcomes] == [True, False, True]
    assert outcomes[1].filename == "foto.jpg"
    assert "PNG image" in outcomes[1].refused.reason
    assert len(mediatheek.objectIds()) == before + 2


@pytest.mark.parametrize(
    ("field", "case"),
    [
        ("image", "png named jpg"),
        ("image", "truncated jpeg"),
        ("image", "script in svg"),
        ("file", "damaged mp3"),
    ],
)
def test_replacing_a_file_in_the_edit_form_is_checked_too(
    mediatheek, media_files, field, case
):
    bad = bad_upload(media_files, case)
    schema = IMediaPhoto if field == "image" else IMediaAudio
    value = (NamedBlobImage if field == "image" else NamedBlobFile)(
        bad.file.read(), filename=bad.filename
    )

    with pytest.raises(Invalid) as refused:
        schema[field].validate(value)

    assert REASONS[case] in str(refused.value)


def test_a_good_replacement_passes_the_edit_form(media_files):
    value = NamedBlobImage(media_files["png"].read_bytes(), filename="kaart.png")

    IMediaPhoto["image"].validate(value)
