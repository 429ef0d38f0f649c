"""Search: full text over every metadata field, facets counted over all results."""

from datetime import date
from plone import api
from pro.media.exceptions import SearchInvalid
from pro.media.ingest import ingest
from pro.media.ingest import Upload
from pro.media.search import search_media
import io
import pytest


@pytest.fixture
def library(portal, media_files):
    mediatheek = portal["mediatheek"]
    rows = [
        ("exif_jpeg", "Rijkswaterstaat", "CC0-1.0", ("water",), date(2023, 6, 1)),
        ("iptc_jpeg", "Havenbedrijf", "CC-BY-4.0", ("haven", "water"), None),
        ("xmp_jpeg", "Rijkswaterstaat", "CC-BY-4.0", ("brug",), date(2021, 9, 10)),
        ("png", "Kadaster", "CC0-1.0", ("kaart",), date(2023, 1, 1)),
        ("mp3", "Rijkswaterstaat", "rights-reserved", ("water",), date(2020, 5, 5)),
        ("mp4", "Havenbedrijf", "CC-BY-4.0", ("haven",), date(2023, 2, 2)),
    ]
    with api.env.adopt_roles(["Manager"]):
        for key, organisation, licence, subjects, made in rows:
            path = media_files[key]
            item = ingest(mediatheek, Upload(path.name, io.BytesIO(path.read_bytes())))
            item.organisation = organisation
            item.licence = licence
            item.subjects = subjects
            item.date_made = made or item.date_made
            item.reindexObject()
            api.content.transition(item, transition="publish")
        draft = ingest(
            mediatheek,
            Upload("concept.png", io.BytesIO(media_files["png"].read_bytes())),
        )
        draft.organisation = "Rijkswaterstaat"
        draft.reindexObject()
    return mediatheek


def facet(found, name) -> dict:
    return dict(found.facets.get(name, ()))


def test_facets_count_the_whole_result(library):
    found = search_media(library, {"b_size": "2"})

    assert found.total == 6
    assert len(list(found.batch)) == 2
    assert facet(found, "kind") == {"photo": 4, "audio": 1, "video": 1}
    assert facet(found, "organisation") == {
        "Rijkswaterstaat": 3,
        "Havenbedrijf": 2,
        "Kadaster": 1,
    }
    assert facet(found, "subject")["water"] == 3
    assert facet(found, "licence") == {
        "CC-BY-4.0": 3,
        "CC0-1.0": 2,
        "rights-reserved": 1,
    }
    assert facet(found, "orientation") == {"landscape": 3, "portrait": 1, "square": 1}
    assert list(facet(found, "year"))[:2] == ["2023", "2022"]


@pytest.mark.parametrize(
    ("form", "titles"),
    [
        ({"kind": "video"}, ["Korte film"]),
        ({"subject": "haven", "kind": "photo"}, ["Haven van Rotterdam"]),
        ({"year": "2021"}, ["Erasmusbrug"]),
        ({"SearchableText": "Lelystad"}, ["dijk"]),
        ({"SearchableText": "Beeldmaker"}, ["Haven van Rotterdam"]),
        ({"SearchableText": "minister"}, ["Interview met de minister"]),
        ({"SearchableText": "Kadaster"}, ["kaart"]),
    ],
)
def test_filters_and_full_text_narrow_the_result(library, form, titles):
    found = search_media(library, form)

    assert sorted(brain.Title for brain in found.batch) == titles


def test_drafts_are_not_found_by_default(library):
    found = search_media(library, {"SearchableText": "concept"})

    assert found.total == 0


def test_sorting_by_title(library):
    found = search_media(library, {"sort_on": "title"})

    titles = [brain.Title for brain in found.batch]
    assert titles == sorted(titles, key=str.lower)


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"sort_on": "size"}, "sort_on"),
        ({"year": "last"}, "year"),
        ({"b_size": "1000"}, "b_size"),
        ({"review_state": "private"}, "review_state"),
    ],
)
def test_bad_parameters_are_named(library, form, field):
    with pytest.raises(SearchInvalid) as invalid:
        search_media(library, form)

    assert invalid.value.field == field
