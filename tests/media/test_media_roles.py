"""Who sees and does what in the Mediatheek."""

from datetime import date
from datetime import timedelta
from plone import api
from pro.media.ingest import ingest
from pro.media.ingest import Upload
from pro.media.search import search_media
from pro.media.setup import CURATORS_GROUP
from pro.media.setup import PHOTOGRAPHERS_GROUP
from pro.testing import make_site
from pro.testing import make_user
import io
import pytest


@pytest.fixture
def people(portal):
    for user_id in ("foto1", "foto2", "beheer", "redacteur"):
        make_user(user_id)
    api.group.add_user(groupname=PHOTOGRAPHERS_GROUP, username="foto1")
    api.group.add_user(groupname=PHOTOGRAPHERS_GROUP, username="foto2")
    api.group.add_user(groupname=CURATORS_GROUP, username="beheer")
    make_site(portal, "water")
    api.group.add_user(groupname="water-editors", username="redacteur")
    return portal


def upload_as(user_id, portal, path):
    with api.env.adopt_user(username=user_id):
        return ingest(
            portal["mediatheek"], Upload(path.name, io.BytesIO(path.read_bytes()))
        )


def can(user_id, permission, obj) -> bool:
    if user_id is None:
        with api.env.adopt_roles(["Anonymous"]):
            return api.user.has_permission(permission, obj=obj)
    return api.user.has_permission(permission, username=user_id, obj=obj)


def test_a_photographer_sees_only_their_own_uploads(people, media_files):
    item = upload_as("foto1", people, media_files["png"])

    assert item.getOwner().getId() == "foto1"
    assert can("foto1", "View", item)
    assert not can("foto2", "View", item)
    assert can("beheer", "View", item)
    assert not can(None, "View", item)
    assert not can("redacteur", "View", item)


def test_the_inbox_lists_only_own_uploads_for_a_photographer(people, media_files):
    upload_as("foto1", people, media_files["png"])
    upload_as("foto2", people, media_files["exif_jpeg"])

    def inbox_of(user_id):
        with api.env.adopt_user(username=user_id):
            brains = api.content.find(
                context=people["mediatheek"], review_state="inbox"
            )
            return sorted(brain.getObject().original_filename for brain in brains)

    assert inbox_of("foto1") == ["kaart.png"]
    assert inbox_of("foto2") == ["dijk.jpg"]
    assert inbox_of("beheer") == ["dijk.jpg", "kaart.png"]


@pytest.mark.parametrize(
    ("user_id", "allowed"),
    [("foto1", True), ("beheer", True), ("redacteur", False), (None, False)],
)
def test_only_photographers_and_curators_upload(people, user_id, allowed):
    assert can(user_id, "pro.media: Add media", people["mediatheek"]) is allowed


def test_only_curators_publish_and_then_everyone_sees(people, media_files):
    item = upload_as("foto1", people, media_files["png"])

    with api.env.adopt_user(username="foto1"):
        with pytest.raises(api.exc.InvalidParameterError):
            api.content.transition(item, transition="publish")
    with api.env.adopt_user(username="beheer"):
        api.content.transition(item, transition="publish")

    assert can(None, "View", item)
    assert can("redacteur", "View", item)
    assert not can("foto1", "Modify portal content", item)
    assert can("beheer", "Modify portal content", item)


def test_curator_roles_grant_nothing_in_a_site(people):
    site = people["water"]

    assert not can("beheer", "Modify portal content", site)
    assert not can("beheer", "Add portal content", site)
    assert not can("foto1", "Add portal content", site)


def test_visitors_no_longer_find_an_item_whose_rights_expired(people, media_files):
    item = upload_as("foto1", people, media_files["iptc_jpeg"])
    with api.env.adopt_user(username="beheer"):
        api.content.transition(item, transition="publish")
    item.rights_expiry = date.today() - timedelta(days=1)
    item.reindexObject()

    with api.env.adopt_roles(["Anonymous"]):
        visitor = search_media(people["mediatheek"], {"SearchableText": "Haven"})
    with api.env.adopt_user(username="beheer"):
        curator = search_media(people["mediatheek"], {"SearchableText": "Haven"})

    assert visitor.total == 0
    assert curator.total == 1
