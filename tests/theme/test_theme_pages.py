"""Pages over real HTTP: each site shows its own identity and nothing of
another's, and its owners change that identity through a form."""

from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.testing.zope import Browser
from pro.platform.api import get_site
from pro.platform.settings import site_settings
import pytest
import re
import requests
import transaction


# The water site's owner, made by the ``sites`` fixture.
OWNER_AUTH = ("water-owner", "water-owner-Secret-1")


def get(url: str, **kwargs) -> requests.Response:
    return requests.get(url, timeout=30, **kwargs)


def custom_properties(html: str) -> dict[str, str]:
    block = re.search(r'<style id="pro-identity">(.*?)</style>', html, re.S).group(1)
    return dict(re.findall(r"(--pro-[a-z-]+):([^;}]+)", block))


class TestTwoSites:
    def test_each_site_renders_its_own_wordmark_and_colours(self, sites):
        water = get(sites.water_url).text
        green = get(sites.green_url).text

        assert custom_properties(water)["--pro-color-primary"] == "#154273"
        assert custom_properties(green)["--pro-color-primary"] == "#275937"
        assert 'class="pro-brand__wordmark">Dienst Water<' in water
        assert 'class="pro-brand__wordmark">Agentschap Groen<' in green
        assert "Dienst Water" not in green and "#154273" not in green
        assert "Agentschap Groen" not in water and "#275937" not in water

    def test_pages_share_every_css_file_and_differ_in_the_identity_block(self, sites):
        water = get(sites.water_url).text
        green = get(sites.green_url).text

        def stylesheets(html):
            return re.findall(r'<link[^>]+rel="stylesheet"[^>]*>', html)

        assert stylesheets(water) == stylesheets(green)
        assert any("pro.theme/theme.css" in link for link in stylesheets(water))
        assert any(
            "pro.theme/vendor/utrecht.css" in link for link in stylesheets(water)
        )

    def test_editing_style_sheets_only_where_they_are_used(self, sites):
        def bundles(url, **kwargs):
            html = get(url, **kwargs).text
            return set(re.findall(r'<link data-bundle="([^"]+)"', html))

        visitor = bundles(sites.pages["news item"])
        owner = bundles(sites.pages["news item"], auth=OWNER_AUTH)

        assert {"pro-utrecht", "pro-theme"} <= visitor
        assert not {"easyform", "multilingual"} & visitor
        assert {"easyform", "multilingual"} <= owner
        assert "easyform" in bundles(sites.pages["form"])

    def test_header_footer_and_skip_link_are_in_place(self, sites):
        html = get(sites.water_url).text

        assert html.index('id="pro-skip-link"') < html.index('id="pro-brand"')
        assert 'href="#main"' in html and 'id="main"' in html
        assert "Rijksoverheid" in html
        assert f'href="{sites.water_url}/contact">Contact opnemen</a>' in html
        assert 'href="https://www.example.nl/privacy">Privacyverklaring</a>' in html
        assert ">LinkedIn</a>" in html
        assert 'aria-label="Hoofdmenu"' in html

    def test_site_without_links_of_its_own_shows_the_standard_service_links(
        self, sites
    ):
        html = get(sites.green_url).text

        assert f'href="{sites.green_url}/sitemap"' in html

    def test_language_switch_only_on_multilingual_sites(self, sites):
        water = get(sites.pages["news item"]).text
        green = get(sites.green_url).text

        assert 'id="pro-languages"' in water
        assert f'href="{sites.water_url}/en" hreflang="en"' in water
        assert 'id="pro-languages"' not in green
        assert "portal-languageselector" not in water

    def test_main_menu_leaves_out_the_folder_of_the_second_language(self, sites):
        html = get(sites.water_url).text
        menu = html[html.index('id="portal-globalnav"') :]
        menu = menu[: menu.index("</ul>")]

        assert f'href="{sites.water_url}/nieuws"' in menu
        assert f'href="{sites.water_url}/en"' not in menu

    def test_menu_goes_deeper_only_when_the_navigation_depth_is_raised(
        self, sites, functional_portal_class
    ):
        def menu():
            # As the site's owner: this test layer's RAM cache of anonymous
            # pages does not follow registry changes (only the platform's does).
            html = get(sites.water_url, auth=OWNER_AUTH).text
            menu = html[html.index('id="portal-globalnav"') :]
            return menu[: menu.index("</nav>")]

        folder = sites.pages["folder"]
        one_level = menu()
        assert f'href="{sites.water_url}/onderwerpen"' in one_level
        assert f'href="{folder}"' not in one_level

        api.portal.set_registry_record("plone.navigation_depth", 2)
        transaction.commit()
        try:
            two_levels = menu()
        finally:
            api.portal.set_registry_record("plone.navigation_depth", 1)
            transaction.commit()
        assert f'href="{folder}"' in two_levels
        assert f'href="{sites.water_url}/en"' not in two_levels

    def test_current_section_is_marked_in_the_menu(self, sites):
        html = get(sites.pages["news item"]).text

        assert (
            f'href="{sites.water_url}/nieuws" class="state-published nav-link"' in html
        )
        assert re.search(r'/nieuws" class="[^"]+" aria-current="true"', html)

    def test_logo_is_served_clean_with_a_strict_policy(self, sites):
        html = get(sites.water_url).text
        url = re.search(r'class="pro-brand__logo"\s+alt=""\s+src="([^"]+)"', html)
        response = get(url.group(1).replace("&amp;", "&"))

        assert response.headers["Content-Type"] == "image/svg+xml"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "immutable" in response.headers["Cache-Control"]
        assert b"alert" not in response.content and b"<circle" in response.content

    def test_site_without_logo_has_none_to_serve(self, sites):
        assert get(f"{sites.green_url}/@@site-logo").status_code == 404

    def test_favicon_is_the_platform_emblem_unless_the_site_has_one(self, sites):
        html = get(sites.green_url).text
        icon = re.search(r'<link rel="icon"\s+href="([^"]+)"', html).group(1)

        assert icon.endswith("++plone++pro.theme/favicon.svg")
        assert get(icon).status_code == 200


@pytest.fixture
def owner_browser(functional_app_class):
    browser = Browser(functional_app_class)
    browser.handleErrors = False
    browser.addHeader("Authorization", "Basic " + ":".join(OWNER_AUTH))
    return browser


class TestIdentityForm:
    def test_site_owner_finds_the_form_in_the_toolbar_of_the_site(
        self, sites, owner_browser
    ):
        owner_browser.open(sites.water_url)

        assert f'href="{sites.water_url}/@@site-identity' in owner_browser.contents

    def test_site_owner_changes_the_identity(
        self, sites, owner_browser, functional_portal_class
    ):
        owner_browser.open(f"{sites.water_url}/@@site-identity")
        owner_browser.getControl(name="form.widgets.wordmark").value = "Dienst Water NL"
        owner_browser.getControl(name="form.widgets.primary_color").value = "#01689b"
        owner_browser.getControl(
            name="form.widgets.footer_links"
        ).value = "Contact | /contact\nOpen data | https://data.example.nl"
        owner_browser.getControl(name="form.buttons.save").click()

        assert "De identiteit is opgeslagen" in owner_browser.contents
        transaction.begin()
        identity = site_settings(get_site(functional_portal_class, "water")).identity
        assert identity["wordmark"] == "Dienst Water NL"
        assert identity["primary_color"] == "#01689b"
        assert identity["footer_links"][1] == {
            "title": "Open data",
            "url": "https://data.example.nl",
        }
        assert "logo" in identity, "an empty file field keeps the logo"

    def test_failing_colour_is_refused_at_its_field_and_nothing_changes(
        self, sites, owner_browser, functional_portal_class
    ):
        owner_browser.open(f"{sites.water_url}/@@site-identity")
        owner_browser.getControl(name="form.widgets.secondary_color").value = "#555555"
        owner_browser.getControl(name="form.buttons.save").click()

        html = owner_browser.contents
        field = html[html.index('id="formfield-form-widgets-secondary_color"') :]
        field = field[: field.index('id="formfield-form-widgets-logo"')]
        assert "4.5:1" in field and "The nearest colour of the same hue" in field
        transaction.begin()
        identity = site_settings(get_site(functional_portal_class, "water")).identity
        assert identity["secondary_color"] == "#e6eef7"

    def test_hostile_logo_upload_is_cleaned(
        self, sites, owner_browser, functional_portal_class
    ):
        from io import BytesIO

        owner_browser.open(f"{sites.water_url}/@@site-identity")
        owner_browser.getControl(name="form.widgets.logo").add_file(
            BytesIO(
                b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
                b'<path d="M0 0h4v4z"/></svg>'
            ),
            "image/svg+xml",
            "logo.svg",
        )
        owner_browser.getControl(name="form.buttons.save").click()

        transaction.begin()
        identity = site_settings(get_site(functional_portal_class, "water")).identity
        assert "logo" in identity
        assert "alert" not in identity["logo"]

    def test_form_is_refused_to_anyone_but_the_site_team_and_platform(self, sites):
        anonymous = get(f"{sites.water_url}/@@site-identity", allow_redirects=False)
        admin = get(
            f"{sites.green_url}/@@site-identity",
            auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
        )
        owner_of_water = get(
            f"{sites.green_url}/@@site-identity",
            auth=OWNER_AUTH,
            allow_redirects=False,
        )

        assert anonymous.status_code in (302, 401, 403)
        assert admin.status_code == 200
        assert owner_of_water.status_code in (302, 401, 403)

    def test_fields_have_dutch_labels_and_help(self, sites):
        html = get(
            f"{sites.water_url}/@@site-identity",
            auth=OWNER_AUTH,
        ).text

        for label in ("Woordmerk", "Hoofdkleur", "Steunkleur", "Logo", "Servicelinks"):
            assert label in html
        assert "witte tekst erop moet een contrast van 4,5:1 halen" in html


def test_platform_administrator_sets_the_government_name(functional_portal):
    browser = Browser(functional_portal.aq_parent)
    browser.handleErrors = False
    browser.addHeader("Authorization", f"Basic {SITE_OWNER_NAME}:{SITE_OWNER_PASSWORD}")
    browser.open(f"{functional_portal.absolute_url()}/@@theme-settings")
    browser.getControl(name="form.widgets.government_name").value = "Provincie"
    browser.getControl(name="form.buttons.save").click()

    browser.open(functional_portal.absolute_url())
    assert 'class="pro-brand__government">Provincie<' in browser.contents
