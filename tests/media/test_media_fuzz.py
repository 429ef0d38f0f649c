"""The metadata and format parsers take any bytes without breaking.

Each is given what an uploader controls: the file's bytes (also inside a
valid JPEG's EXIF, IPTC and XMP segments), its name, its declared type, and
whatever ffprobe reports about it. They may refuse with their own documented
errors and nothing else.
"""

from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
from io import BytesIO
from pro.media import checks
from pro.media import metadata
from pro.media.exceptions import MediaRefused
from pro.media.exceptions import MetadataUnreadable
from pro.media.exceptions import SearchInvalid
from pro.media.search import search_media
import struct


FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"


def jpeg_with_segment(base: bytes, marker: int, payload: bytes) -> bytes:
    """``base`` (a JPEG) with one more APPn segment right after its start."""
    payload = payload[:65000]
    segment = struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload
    return base[:2] + segment + base[2:]


@FUZZ
@given(data=st.binary(max_size=4096))
def test_photo_metadata_of_random_bytes(data):
    try:
        found = metadata.photo_metadata(BytesIO(data))
    except MetadataUnreadable:
        return
    assert isinstance(found, dict)


@FUZZ
@given(
    marker=st.sampled_from([0xE1, 0xED]),
    prefix=st.sampled_from([b"Exif\x00\x00", b"Photoshop 3.0\x00", XMP_HEADER, b""]),
    payload=st.binary(max_size=2048),
)
def test_photo_metadata_of_random_segments_in_a_real_jpeg(
    media_files, marker, prefix, payload
):
    base = media_files["exif_jpeg"].read_bytes()
    data = jpeg_with_segment(base, marker, prefix + payload)
    try:
        found = metadata.photo_metadata(BytesIO(data))
    except MetadataUnreadable:
        return
    assert found["media_format"] == "JPEG"


@FUZZ
@given(packet=st.one_of(st.binary(max_size=2048), st.text(max_size=2048)))
def test_xmp_of_random_text(packet):
    assert isinstance(metadata.xmp_fields(packet), dict)


@FUZZ
@given(
    fields=st.lists(
        st.sampled_from(["title", "creator", "rights", "description", "subject"]),
        max_size=5,
    ),
    values=st.lists(st.text(max_size=40), max_size=5),
)
def test_xmp_of_random_rdf(fields, values):
    body = "".join(
        f"<dc:{name}><rdf:Alt><rdf:li>{value}</rdf:li></rdf:Alt></dc:{name}>"
        for name, value in zip(fields, values, strict=False)
    )
    packet = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><rdf:Description>'
        f"{body}</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    assert isinstance(metadata.xmp_fields(packet), dict)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
stream = st.fixed_dictionaries(
    {},
    optional={
        "codec_type": st.sampled_from(["audio", "video", "data"]) | json_values,
        "width": json_values,
        "height": json_values,
        "duration": json_values,
        "disposition": json_values,
        "tags": json_values,
    },
)


@FUZZ
@given(
    probe=st.one_of(
        json_values,
        st.fixed_dictionaries(
            {},
            optional={
                "format": st.dictionaries(st.text(max_size=20), json_values)
                | json_values,
                "streams": st.lists(stream, max_size=3) | json_values,
            },
        ),
    )
)
def test_stream_metadata_of_random_ffprobe_output(probe):
    try:
        found = metadata.stream_metadata(probe)
    except MetadataUnreadable:
        return
    assert found["kind"] in ("audio", "video")


@FUZZ
@given(
    filename=st.text(max_size=40),
    declared=st.none() | st.text(max_size=40),
    head=st.binary(max_size=512),
    size=st.integers(min_value=0, max_value=10**12),
)
def test_recognise_random_uploads(filename, declared, head, size):
    try:
        found = checks.recognise(filename, declared, head, size, limit=10**9)
    except MediaRefused as refused:
        assert refused.reason
        return
    assert found in checks.FORMATS


@FUZZ
@given(
    form=st.dictionaries(
        st.sampled_from(
            [
                "SearchableText",
                "kind",
                "maker",
                "year",
                "subject",
                "sort_on",
                "b_start",
                "b_size",
                "review_state",
            ]
        ),
        st.text(max_size=30),
        max_size=5,
    )
)
def test_search_parameters_of_any_text(portal, form):
    try:
        found = search_media(portal["mediatheek"], form)
    except SearchInvalid as invalid:
        assert invalid.field in form
        return
    assert found.total >= 0
