"""The site factory makes a complete, walled-off site in one step, or nothing."""

from plone import api
from plone.app.multilingual.interfaces import ITranslationManager
from plone.base.interfaces import ILanguage
from plone.base.interfaces import INavigationRoot
from plone.base.interfaces.syndication import IFeedSettings
from pro.platform import api as platform
from pro.platform.exceptions import SiteNotFoundError
from pro.platform.exceptions import SiteValidationError
from pro.platform.interfaces import IPlatformSite
from pro.platform.settings import site_settings
from pro.testing import make_site
from pro.testing import make_user
from zExceptions import Unauthorized
from zope.component.hooks import setSite
import pytest


@pytest.fixture
def as_admin(portal):
    with api.env.adopt_roles(["Manager"]):
        yield portal


def addable_types(container) -> set[str]:
    return {fti.getId() for fti in container.allowedContentTypes()}


def test_site_is_a_child_site_and_navigation_root(portal):
    site = make_site(portal, "onderwijs")

    assert IPlatformSite.providedBy(site)
    assert INavigationRoot.providedBy(site)
    assert api.content.get_state(site) == "live"


def test_dutch_site_gets_dutch_block_folders_in_menu_order(portal):
    site = make_site(portal, "onderwijs", blocks=["news", "faq", "agenda", "forms"])

    folders = [i for i in site.objectIds() if site[i].portal_type == "Folder"]
    assert folders == ["nieuws", "vraag-en-antwoord", "agenda", "formulieren"]
    assert site["nieuws"].Title() == "Nieuws"
    assert ILanguage(site["nieuws"]).get_language() == "nl"
    # Forms are reached from pages, not from the main menu.
    assert site["formulieren"].exclude_from_nav


def test_english_site_gets_english_folders(portal):
    site = make_site(portal, "trade", profile="english", languages=["en"])

    assert {"news", "publications", "topics", "contact"} <= set(site.objectIds())
    assert "nieuws" not in site.objectIds()
    assert ILanguage(site).get_language() == "en"


def test_home_page_is_the_sites_default_page(portal):
    site = make_site(portal, "onderwijs")

    assert site.getDefaultPage() == "startpagina"
    assert site["startpagina"].Title() == "Welkom"
    assert api.content.get_state(site["startpagina"]) == "published"


def test_bilingual_site_links_translations(portal):
    site = make_site(portal, "water", languages=["nl", "en"])

    english = site["en"]
    assert INavigationRoot.providedBy(english)
    assert ILanguage(english).get_language() == "en"
    assert ITranslationManager(site["nieuws"]).get_translation("en") == english["news"]
    assert ITranslationManager(site).get_translation("en") == english


def test_news_folder_offers_feeds(portal):
    site = make_site(portal, "onderwijs")

    assert IFeedSettings(site["nieuws"]).enabled


def test_settings_are_stored_on_the_site(portal):
    site = make_site(
        portal,
        "onderwijs",
        organisation="Ministerie van Onderwijs",
        blocks=["news", "faq"],
        identity={"primary_color": "#01689b"},
        domains=["www.onderwijs.example"],
    )

    settings = site_settings(site["nieuws"])
    assert settings.site_id == "onderwijs"
    assert settings.organisation == "Ministerie van Onderwijs"
    assert settings.profile == "organisatie"
    assert settings.blocks == ("news", "faq")
    assert settings.languages == ("nl",)
    assert settings.identity["primary_color"] == "#01689b"
    assert settings.identity["wordmark"] == "Ministerie van Onderwijs"
    assert settings.domains == ("www.onderwijs.example",)
    assert settings.created_by == "admin"
    assert settings.created


def test_profile_gives_the_default_blocks(portal):
    site = make_site(portal, "campagne", profile="campagne")

    assert site_settings(site).blocks == ("topics", "faq", "contact", "forms")


def test_three_groups_hold_local_roles_on_the_site_only(portal):
    make_user("anna")
    make_user("bert", email="bert@example.org")
    site = make_site(portal, "onderwijs", owners=["anna"], editors=["bert@example.org"])

    assert set(site.get_local_roles_for_userid("onderwijs-owners")) >= {
        "Site Owner",
        "Reviewer",
    }
    assert "Reviewer" in site.get_local_roles_for_userid("onderwijs-chief-editors")
    assert "Reviewer" not in site.get_local_roles_for_userid("onderwijs-editors")
    assert portal.get_local_roles_for_userid("onderwijs-editors") == ()
    assert api.group.get(groupname="onderwijs-owners").getMemberIds() == ["anna"]
    assert api.group.get(groupname="onderwijs-editors").getMemberIds() == ["bert"]
    assert "Editor" in api.user.get_roles(username="bert", obj=site["nieuws"])
    assert "Editor" not in api.user.get_roles(username="bert", obj=portal)


def test_content_follows_the_platform_workflow(portal):
    site = make_site(portal, "onderwijs")

    with api.env.adopt_roles(["Manager"]):
        page = api.content.create(site["nieuws"], type="News Item", title="Bericht")
    assert api.content.get_state(page) == "private"
    chain = api.portal.get_tool("portal_workflow").getChainFor(page)
    assert chain == ("pro_publication_workflow",)


def test_only_enabled_blocks_types_are_addable(portal, as_admin):
    with_news = make_site(portal, "metnieuws", blocks=["news"])
    without = make_site(portal, "zondernieuws", blocks=["faq"])

    assert "News Item" in addable_types(with_news["nieuws"])
    assert "News Item" not in addable_types(without)
    assert "Event" not in addable_types(with_news)
    nested = api.content.create(
        without["vraag-en-antwoord"], type="Folder", title="Sub"
    )
    assert "News Item" not in addable_types(nested)
    assert "Document" in addable_types(nested)
    with pytest.raises(Unauthorized):
        api.content.create(nested, type="News Item", title="Niet toegestaan")


def test_creation_does_not_leak_into_other_sites(portal, as_admin):
    make_site(portal, "a", blocks=["faq"])
    b = make_site(portal, "b", blocks=["news", "agenda"])

    assert "Event" in addable_types(b["agenda"])


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"id": "Onderwijs!"}, "id", "lower-case letters"),
        ({"id": ""}, "id", "Give the site an id"),
        ({"id": "search"}, "id", "already taken"),
        ({"id": "mediatheek"}, "id", "already taken"),
        ({"title": ""}, "title", "Required"),
        ({"title": "x" * 201}, "title", "At most 200"),
        ({"organisation": None}, "organisation", "Required"),
        ({"profile": "blog"}, "profile", "choose one of: campagne"),
        ({"blocks": ["news", "webshop"]}, "blocks", "Unknown block 'webshop'"),
        ({"blocks": "news"}, "blocks", None),
        ({"blocks": [1]}, "blocks", "list of texts"),
        ({"languages": ["de"]}, "languages", "does not offer 'de'"),
        ({"languages": []}, "languages", "at least one"),
        ({"languages": ["nl", "nl"]}, "languages", "once"),
        ({"identity": {"primary_color": "blue"}}, "identity.primary_color", "#rrggbb"),
        ({"identity": {"primary_color": "#ffdd00"}}, "identity.primary_color", "4.5:1"),
        (
            {"identity": {"secondary_color": "#333333"}},
            "identity.secondary_color",
            "lighter",
        ),
        ({"identity": {"font": "Comic"}}, "identity", "Unknown identity setting"),
        ({"identity": "blue"}, "identity", "object of identity settings"),
        ({"domains": ["http://www.x.nl/"]}, "domains", "not a host name"),
        ({"domains": ["localhost"]}, "domains", "not a host name"),
        ({"domains": ["10.0.0.1"]}, "domains", "address"),
        ({"domains": ["www.x.nl", "WWW.X.NL"]}, "domains", "named twice"),
        ({"editors": ["nobody"]}, "editors", "No user 'nobody'"),
        ({"owners": ["nobody@example.org"]}, "owners", "No user"),
        ({"colour": "red"}, "colour", "Unknown field"),
    ],
)
def test_invalid_input_names_the_field_and_creates_nothing(
    portal, fields, field, fragment
):
    data = {"id": "nieuw", "title": "Nieuw", "organisation": "Org", **fields}
    groups_before = set(
        api.group.get_groups() and [g.id for g in api.group.get_groups()]
    )

    if field == "blocks" and fragment is None:
        # A single name is accepted as a one-item list.
        assert make_site(portal, "nieuw", blocks="news")
        return
    with api.env.adopt_roles(["Manager"]), pytest.raises(SiteValidationError) as error:
        platform.create_site(portal, data)

    assert field in error.value.errors
    assert fragment in error.value.errors[field]
    assert "nieuw" not in portal.objectIds()
    assert {g.id for g in api.group.get_groups()} == groups_before


def test_every_bad_field_is_named_at_once(portal):
    with api.env.adopt_roles(["Manager"]), pytest.raises(SiteValidationError) as error:
        platform.create_site(portal, {"id": "X", "blocks": ["x"], "languages": ["fr"]})

    assert {"id", "title", "organisation", "blocks", "languages"} <= set(
        error.value.errors
    )


def test_duplicate_id_and_domain_are_refused(portal):
    make_site(portal, "onderwijs", domains=["www.onderwijs.example"])

    with api.env.adopt_roles(["Manager"]), pytest.raises(SiteValidationError) as error:
        platform.create_site(
            portal,
            {
                "id": "onderwijs",
                "title": "Twee",
                "organisation": "Org",
                "domains": ["www.onderwijs.example"],
            },
        )

    assert "already taken" in error.value.errors["id"]
    assert "already serves the site 'onderwijs'" in error.value.errors["domains"]


def test_a_failure_while_building_leaves_nothing_behind(portal, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(platform, "_link_translations", broken)
    with pytest.raises(RuntimeError):
        make_site(portal, "halfbakken", languages=["nl", "en"])

    assert "halfbakken" not in portal.objectIds()
    assert api.group.get(groupname="halfbakken-editors") is None
    catalog = api.portal.get_tool("portal_catalog")
    assert not catalog.unrestrictedSearchResults(path="/plone/halfbakken")


def test_domains_are_routed_to_the_site(portal, app):
    make_site(portal, "onderwijs", domains=["www.onderwijs.example"])

    monster = app.virtual_hosting
    assert "www.onderwijs.example/plone/onderwijs" in monster.lines
    assert monster.fixed_map["www.onderwijs.example"]


def test_disabling_a_block_hides_its_folder_and_keeps_content(portal, as_admin):
    site = make_site(portal, "onderwijs", blocks=["news", "faq"])
    item = api.content.create(site["nieuws"], type="News Item", title="Bewaard")

    platform.update_site(portal, "onderwijs", {"blocks": ["faq"]})

    assert site["nieuws"].exclude_from_nav
    assert item.getId() in site["nieuws"].objectIds()
    assert "News Item" not in addable_types(site["nieuws"])
    assert site_settings(site).blocks == ("faq",)


def test_enabling_a_block_adds_its_folder(portal, as_admin):
    site = make_site(portal, "onderwijs", blocks=["faq"])

    platform.update_site(portal, "onderwijs", {"blocks": ["faq", "agenda"]})

    assert "agenda" in site.objectIds()
    assert "Event" in addable_types(site["agenda"])


def test_reenabling_a_block_shows_its_folder_again(portal, as_admin):
    site = make_site(portal, "onderwijs", blocks=["news"])
    platform.update_site(portal, "onderwijs", {"blocks": []})

    platform.update_site(portal, "onderwijs", {"blocks": ["news"]})

    assert not site["nieuws"].exclude_from_nav
    assert "News Item" in addable_types(site["nieuws"])


def test_update_changes_identity_domains_and_team(portal, app):
    make_user("anna")
    make_site(portal, "onderwijs", domains=["old.example.nl"])

    platform.update_site(
        portal,
        "onderwijs",
        {
            "identity": {"primary_color": "#275937"},
            "domains": ["new.example.nl"],
            "chief_editors": ["anna"],
        },
    )

    summary = platform.site_summary(platform.get_site(portal, "onderwijs"))
    assert summary["identity"]["primary_color"] == "#275937"
    assert summary["domains"] == ["new.example.nl"]
    assert summary["groups"]["chief_editors"]["members"] == ["anna"]
    assert "old.example.nl" not in app.virtual_hosting.fixed_map
    assert "new.example.nl" in app.virtual_hosting.fixed_map


def test_refused_update_changes_nothing(portal):
    site = make_site(portal, "onderwijs", blocks=["news"])

    with pytest.raises(SiteValidationError) as error:
        platform.update_site(
            portal, "onderwijs", {"blocks": ["faq"], "identity": {"primary_color": "x"}}
        )

    assert "identity.primary_color" in error.value.errors
    assert site_settings(site).blocks == ("news",)
    assert not site["nieuws"].exclude_from_nav


def test_archiving_hides_the_site_and_keeps_its_content(portal):
    site = make_site(portal, "onderwijs")

    platform.archive_site(portal, "onderwijs")

    assert api.content.get_state(site) == "archived"
    assert "nieuws" in site.objectIds()
    assert api.content.get_state(site["nieuws"]) == "published"
    platform.reopen_site(portal, "onderwijs")
    assert api.content.get_state(site) == "live"


def test_deleting_needs_the_id_as_confirmation(portal, app):
    make_site(portal, "onderwijs", domains=["www.onderwijs.example"])

    with pytest.raises(SiteValidationError) as error:
        platform.delete_site(portal, "onderwijs", confirm="yes")
    assert "confirm" in error.value.errors
    assert "onderwijs" in portal.objectIds()

    platform.delete_site(portal, "onderwijs", confirm="onderwijs")
    assert "onderwijs" not in portal.objectIds()
    assert api.group.get(groupname="onderwijs-owners") is None
    assert "www.onderwijs.example" not in app.virtual_hosting.fixed_map


def test_unknown_site_is_reported(portal):
    with pytest.raises(SiteNotFoundError):
        platform.get_site(portal, "nergens")
    with pytest.raises(SiteNotFoundError):
        platform.get_site(portal, "portal_catalog")


def test_registry_lists_every_site_with_counts(portal):
    make_site(portal, "b")
    make_site(portal, "a", blocks=["news"])

    summaries = [platform.site_summary(site) for site in platform.list_sites(portal)]

    assert [s["id"] for s in summaries] == ["a", "b"]
    assert summaries[0]["counts"]["by_type"] == {"LandingPage": 1, "Folder": 1}
    assert summaries[0]["state"] == "live"


def test_site_search_is_scoped_to_the_site(portal):
    a = make_site(portal, "a")
    make_site(portal, "b")
    setSite(portal)

    view = a.restrictedTraverse("@@search")
    results = view.results(query={"SearchableText": "Nieuws"}, batch=False)

    paths = {brain.getPath() for brain in results}
    assert "/plone/a/nieuws" in paths
    assert not any(path.startswith("/plone/b") for path in paths)


def test_publishing_gives_a_publication_date(portal, as_admin):
    site = make_site(portal, "onderwijs")
    item = api.content.create(site["nieuws"], type="News Item", title="Bericht")
    assert item.EffectiveDate() == "None"

    api.content.transition(item, transition="publish")

    assert item.EffectiveDate() != "None"
    catalog = api.portal.get_tool("portal_catalog")
    (brain,) = catalog(UID=item.UID())
    assert brain.effective.year() > 2000
