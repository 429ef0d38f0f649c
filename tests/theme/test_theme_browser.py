"""The theme in Chromium: what a visitor sees, on a desktop and on a phone.

Screenshots of every page are kept under ``var/test-artefacts/theme/`` for a
person to look at; the assertions check what can be measured.
"""

from pro_browser import axe_violations
import pytest


pytestmark = pytest.mark.slow

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Kinds of resource a page loads because the theme references it.
THEME_RESOURCES = {"stylesheet", "script", "font", "image"}


def open_page(chromium, url: str, viewport=DESKTOP):
    """A new page at ``url``, with every failed resource and script error
    collected in ``page.problems``."""
    page = chromium.new_page(viewport=viewport)
    page.problems = []
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.request.resource_type in THEME_RESOURCES
            and page.problems.append(f"{response.status} {response.url}")
        ),
    )
    page.on(
        "requestfailed",
        lambda request: page.problems.append(f"failed {request.url}"),
    )
    page.on("pageerror", lambda error: page.problems.append(f"script {error}"))
    page.status = page.goto(url, wait_until="networkidle").status
    return page


def computed(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(
        selector, f"element => getComputedStyle(element).{prop}"
    )


class TestTwoSitesInChromium:
    @pytest.mark.parametrize(
        ("site", "wordmark", "primary", "other"),
        [
            ("water", "Dienst Water", "rgb(21, 66, 115)", "Agentschap Groen"),
            ("groen", "Agentschap Groen", "rgb(39, 89, 55)", "Dienst Water"),
        ],
    )
    @pytest.mark.parametrize(
        ("device", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)]
    )
    def test_each_site_shows_its_own_wordmark_and_colours(
        self,
        chromium,
        sites,
        artefacts,
        site,
        wordmark,
        primary,
        other,
        device,
        viewport,
    ):
        url = sites.water_url if site == "water" else sites.green_url
        page = open_page(chromium, url, viewport)
        page.screenshot(path=artefacts / f"{site}-{device}.png", full_page=True)

        assert page.inner_text(".pro-brand__wordmark") == wordmark
        assert page.is_visible(".pro-brand__emblem")
        assert computed(page, ".pro-navigation", "backgroundColor") == primary
        assert computed(page, ".pro-page-footer", "backgroundColor") == primary
        assert other not in page.inner_text("body")
        assert page.problems == []
        page.close()

    def test_the_logo_shows_beside_the_wordmark(self, chromium, sites):
        page = open_page(chromium, sites.water_url)

        logo = page.query_selector(".pro-brand__logo")
        assert logo.evaluate("image => image.complete && image.naturalWidth > 0")
        page.close()


class TestEveryPageType:
    @pytest.mark.parametrize(
        "kind",
        [
            "home",
            "folder listing",
            "news item",
            "event",
            "document",
            "folder",
            "link",
            "file",
            "image",
            "collection",
            "form",
            "search",
            "sitemap",
            "login",
            "not found",
            "english home",
            "contact form",
        ],
    )
    def test_page_renders_with_every_resource_and_no_accessibility_violation(
        self, chromium, sites, artefacts, kind
    ):
        page = open_page(chromium, sites.pages[kind])
        page.screenshot(path=artefacts / f"page-{kind.replace(' ', '-')}.png")

        assert page.status == (404 if kind == "not found" else 200)
        assert page.problems == []
        assert page.is_visible("#pro-brand")
        assert axe_violations(page) == {}
        page.close()


class TestKeyboardAndPhone:
    def test_first_tab_shows_the_skip_link_and_it_leads_to_the_content(
        self, chromium, sites
    ):
        page = open_page(chromium, sites.pages["document"])

        assert not page.is_visible("#pro-skip-link") or (
            page.eval_on_selector(
                "#pro-skip-link", "link => link.getBoundingClientRect().bottom"
            )
            <= 0
        )
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "pro-skip-link"
        assert (
            page.eval_on_selector(
                "#pro-skip-link", "link => link.getBoundingClientRect().top"
            )
            >= 0
        )
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.close()

    def test_menu_opens_on_a_phone_with_the_keyboard_and_closes_with_escape(
        self, chromium, sites, artefacts
    ):
        page = open_page(chromium, sites.water_url, PHONE)
        assert not page.is_visible("#portal-globalnav a")

        page.focus(".pro-navigation__toggle")
        page.keyboard.press("Enter")
        page.wait_for_selector("#pro-navigation-panel.show")
        page.screenshot(path=artefacts / "water-phone-menu.png")
        assert page.is_visible(f'#portal-globalnav a[href="{sites.water_url}/nieuws"]')

        page.keyboard.press("Escape")
        page.wait_for_selector("#pro-navigation-panel", state="hidden")
        page.close()

    def test_menu_items_are_reached_with_tab_on_a_desktop(self, chromium, sites):
        page = open_page(chromium, sites.water_url)

        reached = []
        for _press in range(15):
            page.keyboard.press("Tab")
            reached.append(page.evaluate("document.activeElement.href || ''"))
        assert f"{sites.water_url}/nieuws" in reached
        page.close()
