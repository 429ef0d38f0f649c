"""Real media files for the Mediatheek's tests, made once per test session.

Photos are drawn with Pillow, which writes their EXIF; IPTC and XMP are
written by exiftool, as photo software writes them. Audio and video are made
by ffmpeg from its test sources. Nothing is read from outside the session.
"""

from io import BytesIO
from pathlib import Path
from PIL import Image
import pytest
import shutil
import subprocess


def _require(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        pytest.fail(
            f"{program} is needed: apt-get install ffmpeg libimage-exiftool-perl"
        )
    return found


def photo_bytes(size=(640, 480), colour=(30, 90, 160), image_format="JPEG", exif=None):
    """A photo drawn in memory, with the EXIF tags given as {tag: value}."""
    image = Image.new("RGB", size, colour)
    for x in range(0, size[0], 16):
        image.putpixel((x, size[1] // 2), (255, 255, 255))
    out = BytesIO()
    options = {}
    if exif:
        tags = Image.Exif()
        for tag, value in exif.items():
            tags[tag] = value
        options["exif"] = tags
    image.save(out, image_format, **options)
    return out.getvalue()


@pytest.fixture(scope="session")
def media_files(tmp_path_factory) -> dict[str, Path]:
    """Paths of generated files, by name."""
    folder = tmp_path_factory.mktemp("media")
    files = {}

    exif_photo = folder / "dijk.jpg"
    exif_photo.write_bytes(
        photo_bytes(
            exif={
                0x013B: "Anna Fotograaf",
                0x8298: "Rijkswaterstaat",
                0x010E: "De dijk bij Lelystad in de ochtend",
                0x0132: "2023:06:14 07:30:00",
            }
        )
    )
    files["exif_jpeg"] = exif_photo

    iptc_photo = folder / "haven.jpg"
    iptc_photo.write_bytes(photo_bytes(size=(300, 600), exif={0x013B: "Camera Naam"}))
    subprocess.run(
        [
            _require("exiftool"),
            "-q",
            "-overwrite_original",
            "-charset",
            "iptc=UTF8",
            "-IPTC:CodedCharacterSet=UTF8",
            "-IPTC:By-line=Bram Beeldmaker",
            "-IPTC:CopyrightNotice=Havenbedrijf",
            "-IPTC:Caption-Abstract=Containerschip in de haven",
            "-IPTC:ObjectName=Haven van Rotterdam",
            "-IPTC:City=Rotterdam",
            "-IPTC:Country-PrimaryLocationName=Nederland",
            "-IPTC:Keywords=haven",
            "-IPTC:Keywords=scheepvaart",
            "-IPTC:DateCreated=2022:03:01",
            str(iptc_photo),
        ],
        check=True,
    )
    files["iptc_jpeg"] = iptc_photo

    xmp_photo = folder / "brug.jpg"
    xmp_photo.write_bytes(photo_bytes(size=(500, 500)))
    subprocess.run(
        [
            _require("exiftool"),
            "-q",
            "-overwrite_original",
            "-XMP-dc:Title=Erasmusbrug",
            "-XMP-dc:Creator=Chris Camera",
            "-XMP-dc:Rights=Gemeente Rotterdam",
            "-XMP-dc:Subject=brug",
            "-XMP-photoshop:City=Rotterdam",
            "-XMP-photoshop:DateCreated=2021-09-10",
            str(xmp_photo),
        ],
        check=True,
    )
    files["xmp_jpeg"] = xmp_photo

    png = folder / "kaart.png"
    png.write_bytes(photo_bytes(size=(200, 100), image_format="PNG"))
    files["png"] = png

    mp3 = folder / "interview.mp3"
    _ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:duration=1",
        "-metadata",
        "title=Interview met de minister",
        "-metadata",
        "artist=Omroep Studio",
        "-metadata",
        "copyright=Rijksoverheid",
        "-c:a",
        "libmp3lame",
        "-b:a",
        "64k",
        str(mp3),
    )
    files["mp3"] = mp3

    mp4 = folder / "film.mp4"
    _ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=320x240:rate=10:duration=2",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=300:duration=2",
        "-metadata",
        "title=Korte film",
        "-metadata",
        "artist=Filmhuis",
        "-c:v",
        "mpeg4",
        "-c:a",
        "aac",
        "-shortest",
        str(mp4),
    )
    files["mp4"] = mp4
    return files


def _ffmpeg(*arguments: str) -> None:
    subprocess.run(
        [_require("ffmpeg"), "-v", "error", "-y", *arguments],
        check=True,
        timeout=60,
    )
