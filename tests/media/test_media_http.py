"""The Mediatheek over real HTTP: bulk upload, search, downloads and pages.

One platform is served for the whole module; each test reads what it needs
from it and adds what it sends, so the tests do not depend on their order.
"""

from axe_playwright_python.sync_playwright import Axe
from datetime import date
from datetime import timedelta
from plone import api
from pro.media.ingest import ingest
from pro.media.ingest import Upload
from pro.media.setup import CURATORS_GROUP
from pro.media.setup import PHOTOGRAPHERS_GROUP
from pro.media.usage import check_rights_expiry
from pro.testing import make_site
from pro.testing import make_user
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.component.hooks import setSite
from zope.intid.interfaces import IIntIds
import io
import pytest
import re
import requests
import transaction


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHOTOGRAPHER = ("fotograaf", "fotograaf-Secret-1")
CURATOR = ("beheerder", "beheerder-Secret-1")
EDITOR = ("redacteur", "redacteur-Secret-1")


@pytest.fixture(scope="class")
def platform(functional_portal_class, media_files):
    portal = functional_portal_class
    setSite(portal)
    with api.env.adopt_roles(["Manager"]):
        for user_id in ("fotograaf", "beheerder", "redacteur"):
            make_user(user_id)
        api.group.add_user(groupname=PHOTOGRAPHERS_GROUP, username="fotograaf")
        api.group.add_user(groupname=CURATORS_GROUP, username="beheerder")
        site = make_site(portal, "water", organisation="Waterdienst")
        api.group.add_user(groupname="water-editors", username="redacteur")

        mediatheek = portal["mediatheek"]
        published = []
        for key, organisation in (
            ("exif_jpeg", "Rijkswaterstaat"),
            ("iptc_jpeg", "Havenbedrijf"),
            ("xmp_jpeg", "Rijkswaterstaat"),
            ("mp3", "Rijkswaterstaat"),
        ):
            path = media_files[key]
            item = ingest(mediatheek, Upload(path.name, io.BytesIO(path.read_bytes())))
            item.organisation = organisation
            item.licence = "CC-BY-4.0"
            item.reindexObject()
            api.content.transition(item, transition="publish")
            published.append(item)
        inbox = ingest(
            mediatheek,
            Upload("geheim.png", io.BytesIO(media_files["png"].read_bytes())),
        )
        inbox.title = "Geheime kaart"
        inbox.reindexObject()

        page = api.content.create(site, type="LandingPage", title="Campagne")
        intids = getUtility(IIntIds)
        api.content.create(
            page,
            type="MediaBlock",
            title="Beeld",
            media=RelationValue(intids.getId(published[0])),
        )
        api.content.transition(page, transition="publish")
        page.manage_setLocalRoles("redacteur", ["Owner", "Editor"])
    transaction.commit()
    return {
        "portal": portal,
        "url": portal.absolute_url(),
        "photo": published[0],
        "harbour": published[1],
        "inbox": inbox,
        "page": page,
    }


def upload_files(url, files, auth=PHOTOGRAPHER, **headers):
    parts = [
        ("files", (name, data, content_type)) for name, data, content_type in files
    ]
    return requests.post(
        f"{url}/mediatheek/@media-upload",
        files=parts,
        auth=auth,
        headers={"Accept": "application/json", **headers},
        timeout=60,
    )


class TestMediatheekOverHttp:
    def test_bulk_upload_stores_the_good_files_and_names_the_bad(
        self, platform, media_files
    ):
        response = upload_files(
            platform["url"],
            [
                ("strand.jpg", media_files["exif_jpeg"].read_bytes(), "image/jpeg"),
                ("nep.jpg", media_files["png"].read_bytes(), "image/jpeg"),
                ("podcast.mp3", media_files["mp3"].read_bytes(), "audio/mpeg"),
            ],
        )

        assert response.status_code == 201, response.text[:3000]
        body = response.json()
        assert [item["filename"] for item in body["items"]] == [
            "strand.jpg",
            "podcast.mp3",
        ]
        assert [item["@type"] for item in body["items"]] == ["MediaPhoto", "MediaAudio"]
        (error,) = body["errors"]
        assert error["filename"] == "nep.jpg"
        assert "the content is a PNG image" in error["message"]
        transaction.begin()
        assert "nep" not in platform["portal"]["mediatheek"].objectIds()

    def test_an_upload_of_only_bad_files_answers_400_and_stores_nothing(self, platform):
        before = len(platform["portal"]["mediatheek"].objectIds())

        response = upload_files(platform["url"], [("leeg.mp4", b"", "video/mp4")])

        assert response.status_code == 400
        assert response.json()["error"]["errors"][0]["message"].startswith(
            "The file is empty"
        )
        transaction.begin()
        assert len(platform["portal"]["mediatheek"].objectIds()) == before

    def test_a_file_over_the_limit_answers_413(self, platform):
        api.portal.set_registry_record("pro.media.max_upload_mb", 1)
        transaction.commit()
        try:
            response = upload_files(
                platform["url"],
                [
                    (
                        "groot.jpg",
                        b"\xff\xd8\xff" + b"\0" * (2 * 1024 * 1024),
                        "image/jpeg",
                    )
                ],
            )
        finally:
            api.portal.set_registry_record("pro.media.max_upload_mb", 1000)
            transaction.commit()

        assert response.status_code == 413
        assert "at most 1 MB" in response.json()["error"]["errors"][0]["message"]

    @pytest.mark.parametrize("auth", [EDITOR, None], ids=["site editor", "anonymous"])
    def test_site_editors_and_visitors_cannot_upload(self, platform, media_files, auth):
        response = upload_files(
            platform["url"],
            [("a.png", media_files["png"].read_bytes(), "image/png")],
            auth=auth,
        )

        assert response.status_code == 401

    def test_search_answers_results_with_facet_counts(self, platform):
        response = requests.get(
            f"{platform['url']}/mediatheek/@media-search",
            params={"organisation": "Rijkswaterstaat", "sort_on": "title"},
            headers={"Accept": "application/json"},
            timeout=30,
        )

        assert response.status_code == 200
        body = response.json()
        assert body["items_total"] == 3
        titles = [item["title"] for item in body["items"]]
        assert titles == sorted(titles, key=str.lower)
        kinds = {entry["value"]: entry["count"] for entry in body["facets"]["kind"]}
        assert kinds == {"photo": 2, "audio": 1}
        assert "Geheime kaart" not in titles

    def test_search_pages_through_results(self, platform):
        def page(start):
            return requests.get(
                f"{platform['url']}/mediatheek/@media-search",
                params={"b_size": 2, "b_start": start, "sort_on": "title"},
                headers={"Accept": "application/json"},
                timeout=30,
            ).json()

        first, second = page(0), page(2)

        assert len(first["items"]) == 2
        assert first["items_total"] == second["items_total"] >= 4
        assert not {i["@id"] for i in first["items"]} & {
            i["@id"] for i in second["items"]
        }

    def test_a_bad_search_parameter_answers_400_naming_it(self, platform):
        response = requests.get(
            f"{platform['url']}/mediatheek/@media-search",
            params={"sort_on": "colour"},
            headers={"Accept": "application/json"},
            timeout=30,
        )

        assert response.status_code == 400
        assert response.json()["error"]["field"] == "sort_on"

    def test_the_search_page_finds_by_any_metadata(self, platform):
        response = requests.get(
            f"{platform['url']}/mediatheek/@@zoeken",
            params={"SearchableText": "Rotterdam"},
            timeout=30,
        )

        assert response.status_code == 200
        text = " ".join(response.text.split())
        assert "Haven van Rotterdam" in text and "Erasmusbrug" in text
        assert "2 items gevonden" in text
        assert 'role="search"' in text and 'for="pro-media-text"' in text
        assert "Geheime kaart" not in text

    def test_visitors_download_published_items_only(self, platform):
        photo, inbox = platform["photo"], platform["inbox"]

        original = requests.get(f"{photo.absolute_url()}/@@download", timeout=30)
        hidden = requests.get(
            f"{inbox.absolute_url()}/@@download", allow_redirects=False, timeout=30
        )

        assert original.status_code == 200
        assert original.content[:3] == b"\xff\xd8\xff"
        assert hidden.status_code in (302, 401, 403, 404)

    def test_the_upload_page_works_without_javascript(self, platform, media_files):
        session = requests.Session()
        session.auth = PHOTOGRAPHER
        form = session.get(f"{platform['url']}/mediatheek/@@uploaden", timeout=30)
        token = re.search(
            r'name="_authenticator"\s+type="hidden"\s+value="([^"]+)"', form.text
        )

        response = session.post(
            f"{platform['url']}/mediatheek/@@uploaden",
            data={"_authenticator": token.group(1)},
            files=[
                ("files", ("eerste.png", media_files["png"].read_bytes(), "image/png")),
                ("files", ("kapot.jpg", b"\xff\xd8\xff\xe0rommel", "image/jpeg")),
            ],
            timeout=60,
        )

        assert 'multiple="multiple"' in form.text
        text = " ".join(response.text.split())
        assert "1 van 2 bestanden staan in de inbox" in text
        assert "kapot.jpg" in text and "damaged or incomplete" in text

    def test_the_upload_page_refuses_a_post_without_token(self, platform, media_files):
        response = requests.post(
            f"{platform['url']}/mediatheek/@@uploaden",
            auth=PHOTOGRAPHER,
            files=[("files", ("x.png", media_files["png"].read_bytes(), "image/png"))],
            timeout=60,
        )

        assert response.status_code == 403

    def test_a_media_block_shows_the_photo_with_srcset_and_credit(self, platform):
        response = requests.get(platform["page"].absolute_url(), timeout=30)

        assert response.status_code == 200
        assert "srcset=" in response.text
        assert "Anna Fotograaf / Rijkswaterstaat, CC BY 4.0" in response.text

    def test_an_item_lists_the_pages_that_use_it(self, platform):
        response = requests.get(
            platform["photo"].absolute_url(), auth=CURATOR, timeout=30
        )

        assert response.status_code == 200
        assert "Waar gebruikt" in response.text
        assert platform["page"].absolute_url() in response.text

    def test_expired_rights_hide_the_item_and_warn_the_editors(self, platform):
        transaction.begin()
        harbour = platform["harbour"]
        intids = getUtility(IIntIds)
        with api.env.adopt_roles(["Manager"]):
            news = api.content.create(
                platform["portal"]["water"]["nieuws"],
                type="News Item",
                title="Nieuwe kade",
                media_image=RelationValue(intids.getId(harbour)),
            )
            api.content.transition(news, transition="publish")
            news.manage_setLocalRoles("redacteur", ["Owner", "Editor"])
        harbour.rights_expiry = date.today() - timedelta(days=1)
        harbour.reindexObject()
        transaction.commit()

        visitor = requests.get(news.absolute_url(), timeout=30)
        editor = requests.get(news.absolute_url(), auth=EDITOR, timeout=30)
        download = requests.get(f"{harbour.absolute_url()}/@@download", timeout=30)
        expired = check_rights_expiry(platform["portal"])
        transaction.commit()

        assert "Haven van Rotterdam" not in visitor.text
        assert "srcset" not in visitor.text.split("pro-news-media")[-1][:200]
        assert (
            "is no longer available" in editor.text
            or "niet meer beschikbaar" in editor.text
        )
        assert download.status_code == 404
        assert [event.item for event in expired] == [harbour]
        assert expired[0].pages == [news]
        assert api.content.get_state(harbour) == "expired"

    def test_the_upload_page_asks_for_a_file_when_none_was_chosen(self, platform):
        session = requests.Session()
        session.auth = PHOTOGRAPHER
        form = session.get(f"{platform['url']}/mediatheek/@@uploaden", timeout=30)
        token = re.search(
            r'name="_authenticator"\s+type="hidden"\s+value="([^"]+)"', form.text
        )

        response = session.post(
            f"{platform['url']}/mediatheek/@@uploaden",
            data={"_authenticator": token.group(1)},
            files=[("files", ("", b"", "application/octet-stream"))],
            timeout=60,
        )

        assert response.status_code == 400
        assert "Kies ten minste één bestand." in response.text

    @pytest.mark.slow
    @pytest.mark.parametrize(
        ("page", "credentials"),
        [("search", None), ("item", None), ("upload", PHOTOGRAPHER)],
    )
    def test_pages_have_no_accessibility_violation(
        self, platform, chromium, page, credentials
    ):
        url = {
            "search": f"{platform['url']}/mediatheek/@@zoeken?SearchableText=Rotterdam",
            "item": platform["photo"].absolute_url(),
            "upload": f"{platform['url']}/mediatheek/@@uploaden",
        }[page]
        context = chromium.new_context(
            http_credentials=(
                {"username": credentials[0], "password": credentials[1]}
                if credentials
                else None
            )
        )
        tab = context.new_page()
        status = tab.goto(url, wait_until="networkidle").status

        results = Axe().run(
            tab, options={"runOnly": {"type": "tag", "values": AXE_TAGS}}
        )
        violations = {
            violation["id"]: [node["target"] for node in violation["nodes"]]
            for violation in results.response["violations"]
        }
        context.close()
        assert status == 200
        assert violations == {}
