"""``/@sites`` over real HTTP: create, list, change, archive and delete sites."""

from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from pro.testing import make_user
from pro.testing import RestClient
import gzip
import pytest
import transaction


@pytest.fixture
def admin(functional_portal):
    return RestClient(
        functional_portal.absolute_url(), auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    )


@pytest.fixture
def anonymous(functional_portal):
    return RestClient(functional_portal.absolute_url())


def new_site(**fields) -> dict:
    return {"id": "onderwijs", "title": "Onderwijs", "organisation": "OCW", **fields}


def test_post_creates_a_site_and_answers_its_summary(admin):
    response = admin.post("@sites", json=new_site(blocks=["news", "faq"]))

    assert response.status_code == 201
    assert response.headers["Location"].endswith("/@sites/onderwijs")
    summary = response.json()
    assert summary["id"] == "onderwijs"
    assert summary["blocks"] == ["news", "faq"]
    assert summary["state"] == "live"
    assert summary["groups"]["editors"]["id"] == "onderwijs-editors"
    assert admin.get("onderwijs/nieuws").status_code == 200


def test_post_with_bad_fields_answers_400_and_creates_nothing(admin):
    response = admin.post(
        "@sites",
        json=new_site(id="Bad Id", blocks=["webshop"], languages=["fr"]),
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "ValidationError"
    fields = {item["field"]: item["message"] for item in error["errors"]}
    assert set(fields) == {"id", "blocks", "languages"}
    assert "webshop" in fields["blocks"]
    assert admin.get("@sites").json()["items"] == []


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ("not json", {"Content-Type": "application/json"}),
        ("[1, 2]", {"Content-Type": "application/json"}),
        ('{"id": "x"}', {"Content-Type": "text/plain"}),
    ],
)
def test_post_without_a_json_object_is_refused(admin, body, headers):
    response = admin.post("@sites", data=body, headers=headers)

    assert response.status_code == 400
    assert response.json()["error"]["errors"][0]["field"] == "body"


def test_get_lists_every_site_and_gives_one(admin):
    admin.post("@sites", json=new_site())
    admin.post("@sites", json=new_site(id="trade", profile="english", languages=["en"]))

    listing = admin.get("@sites").json()
    one = admin.get("@sites/trade").json()

    assert [item["id"] for item in listing["items"]] == ["onderwijs", "trade"]
    first = listing["items"][0]
    for key in ("title", "organisation", "profile", "blocks", "languages"):
        assert key in first
    assert first["counts"]["total"] > 0
    assert one["languages"] == ["en"]
    assert admin.get("@sites/nergens").status_code == 404


def test_patch_changes_blocks_identity_domains_and_groups(admin, functional_portal):
    with api.env.adopt_roles(["Manager"]):
        make_user("anna")
    transaction.commit()
    admin.post("@sites", json=new_site(blocks=["news"]))

    response = admin.patch(
        "@sites/onderwijs",
        json={
            "blocks": ["news", "agenda"],
            "identity": {"primary_color": "#01689b"},
            "domains": ["www.onderwijs.example"],
            "editors": ["anna"],
        },
    )

    assert response.status_code == 200
    summary = response.json()
    assert summary["blocks"] == ["news", "agenda"]
    assert summary["identity"]["primary_color"] == "#01689b"
    assert summary["domains"] == ["www.onderwijs.example"]
    assert summary["groups"]["editors"]["members"] == ["anna"]
    assert admin.get("onderwijs/agenda").status_code == 200


def test_refused_patch_changes_nothing(admin):
    admin.post("@sites", json=new_site(blocks=["news"]))

    response = admin.patch(
        "@sites/onderwijs", json={"blocks": ["faq"], "domains": ["not a host"]}
    )

    assert response.status_code == 400
    assert admin.get("@sites/onderwijs").json()["blocks"] == ["news"]


def test_archived_site_is_closed_to_visitors_and_kept(admin, anonymous):
    admin.post("@sites", json=new_site())
    assert anonymous.get("onderwijs/nieuws").status_code == 200

    archived = admin.patch("@sites/onderwijs", json={"state": "archived"})

    assert archived.json()["state"] == "archived"
    assert anonymous.get("onderwijs").status_code == 401
    assert anonymous.get("onderwijs/nieuws").status_code == 401
    page = anonymous.get(
        "onderwijs/nieuws", headers={"Accept": "text/html"}, allow_redirects=False
    )
    assert "require_login" in page.headers["Location"]
    assert admin.get("onderwijs/nieuws").status_code == 200
    assert "Disallow: /\n" in admin.get("onderwijs/robots.txt").text

    admin.patch("@sites/onderwijs", json={"state": "live"})
    assert anonymous.get("onderwijs/nieuws").status_code == 200


def test_delete_needs_confirmation(admin):
    admin.post("@sites", json=new_site())

    refused = admin.delete("@sites/onderwijs")
    assert refused.status_code == 400
    assert refused.json()["error"]["errors"][0]["field"] == "confirm"
    assert admin.get("@sites/onderwijs").status_code == 200

    deleted = admin.delete("@sites/onderwijs", json={"confirm": "onderwijs"})
    assert deleted.status_code == 204
    assert admin.get("@sites/onderwijs").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "@sites"),
        ("POST", "@sites"),
        ("GET", "@sites/onderwijs"),
        ("PATCH", "@sites/onderwijs"),
        ("DELETE", "@sites/onderwijs"),
    ],
)
def test_visitors_and_members_cannot_use_the_registry(
    admin, anonymous, functional_portal, method, path
):
    with api.env.adopt_roles(["Manager"]):
        make_user("lid")
    transaction.commit()
    admin.post("@sites", json=new_site())
    member = RestClient(functional_portal.absolute_url(), auth=("lid", "lid-Secret-1"))

    for client in (anonymous, member):
        response = client.request(method, path, json=new_site(id="ander"))
        assert response.status_code in (401, 403)

    assert [s["id"] for s in admin.get("@sites").json()["items"]] == ["onderwijs"]


def test_public_list_shows_live_sites_only(admin, anonymous):
    admin.post("@sites", json=new_site(domains=["www.onderwijs.example"]))
    admin.post("@sites", json=new_site(id="oud", title="Oude site"))
    admin.patch("@sites/oud", json={"state": "archived"})

    page = anonymous.get("@@sites", headers={"Accept": "text/html"}).text

    assert "Onderwijs" in page
    assert "www.onderwijs.example" in page
    assert "Oude site" not in page


def test_host_header_serves_the_site_at_the_domain_root(admin, functional_portal):
    admin.post("@sites", json=new_site(domains=["www.onderwijs.example"]))
    server = functional_portal.absolute_url().rsplit("/", 1)[0]

    page = admin.get(
        f"{server}/nieuws",
        headers={"Host": "www.onderwijs.example", "Accept": "text/html"},
    )

    assert page.status_code == 200
    assert 'href="http://www.onderwijs.example/nieuws"' in page.text
    assert "/plone/onderwijs" not in page.text


def test_each_site_has_its_own_robots_and_sitemap(admin, anonymous):
    admin.post("@sites", json=new_site())

    robots = anonymous.get("onderwijs/robots.txt")
    sitemap = anonymous.get("onderwijs/sitemap.xml.gz")

    assert robots.status_code == 200
    assert "/plone/onderwijs/sitemap.xml.gz" in robots.text
    assert sitemap.status_code == 200
    index = gzip.decompress(sitemap.content)
    assert b"/plone/onderwijs/sitemap.xml.gz?page=1" in index
    page = anonymous.get("onderwijs/sitemap.xml.gz?page=1")
    assert b"/plone/onderwijs/nieuws" in gzip.decompress(page.content)


def test_news_feed_is_served(admin, anonymous):
    admin.post("@sites", json=new_site())

    feed = anonymous.get("onderwijs/nieuws/rss.xml")

    assert feed.status_code == 200
    assert "<rss" in feed.text
