"""Every page type in Chromium with axe-core, and the keyboard path.

Each page type of ``axe_pages.txt`` is opened in every site root the
arrangement has it (light and dark identity, Dutch and English) and must
show no violation of WCAG 2.0-2.2 A and AA as axe-core checks them. One
browser page is reused for all of them.
"""

from axe_pages import PAGE_TYPES
from axe_pages import ROOTS
from pro_browser import axe_violations
import pytest


pytestmark = pytest.mark.slow

DESKTOP = {"width": 1280, "height": 900}
# Enough presses to pass the header and menu of any site.
TAB_PRESSES = 40
ERROR_MESSAGES = (
    ".invalid-feedback, .fieldErrorBox, .alert-danger, .portalMessage.error"
)
FOCUS_STYLE = """element => {
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== 'none'
        && parseFloat(style.outlineWidth) >= 2;
    const shadow = style.boxShadow !== 'none';
    const box = element.getBoundingClientRect();
    return {
        visible: outline || shadow,
        shown: box.width > 0 && box.height > 0,
        element: element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
            + ' ' + (element.textContent || '').trim().slice(0, 30),
    };
}"""


@pytest.fixture(scope="module")
def tab(chromium):
    """One browser page for the whole module; every test navigates it."""
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    yield page
    context.close()


def submit_empty(tab) -> None:
    """Send the page's form with nothing filled in, past the browser's own
    checks, so that the server answers with its validation errors."""
    tab.eval_on_selector("#content-core form", "form => { form.noValidate = true; }")
    with tab.expect_navigation(wait_until="load"):
        tab.click("#content-core form [type=submit]")
    assert tab.locator(ERROR_MESSAGES).count() > 0


def press_tab_until(tab, selector: str) -> bool:
    for _press in range(TAB_PRESSES):
        tab.keyboard.press("Tab")
        if tab.evaluate(
            "selector => document.activeElement.matches(selector)", selector
        ):
            return True
    return False


class TestInChromium:
    """One arrangement of the platform and one browser page for all."""

    def test_every_page_type_is_found_in_some_site(self, platform):
        found = {name for name, _root in platform.urls}

        assert [
            page_type.name for page_type in PAGE_TYPES if page_type.name not in found
        ] == []

    @pytest.mark.parametrize(
        "page_type", PAGE_TYPES, ids=lambda page_type: page_type.name
    )
    def test_page_type_has_no_axe_violation_in_any_identity_or_language(
        self, platform, tab, page_type
    ):
        statuses, violations = {}, {}
        for root in ROOTS:
            url = platform.urls.get((page_type.name, root.name))
            if url is None:
                continue
            response = tab.goto(url, wait_until="load")
            if page_type.action == "submit empty":
                submit_empty(tab)
            statuses[root.name] = response.status
            if found := axe_violations(tab):
                violations[root.name] = found

        assert statuses
        assert set(statuses.values()) == {page_type.status}, statuses
        assert violations == {}

    @pytest.mark.parametrize("root", ROOTS, ids=lambda root: root.name)
    def test_the_skip_link_is_reached_first_and_leads_to_the_content(
        self, platform, tab, root
    ):
        tab.goto(platform.root_url(root), wait_until="load")

        tab.keyboard.press("Tab")
        assert tab.evaluate("document.activeElement.id") == "pro-skip-link"
        assert tab.is_visible("#pro-skip-link")
        tab.keyboard.press("Enter")
        assert tab.evaluate("document.activeElement.id") == "main"

    @pytest.mark.parametrize("root", ROOTS, ids=lambda root: root.name)
    def test_focus_is_visible_on_everything_the_tab_key_reaches(
        self, platform, tab, root
    ):
        tab.goto(platform.root_url(root), wait_until="load")

        reached, hidden = [], []
        for _press in range(TAB_PRESSES):
            tab.keyboard.press("Tab")
            focus = tab.evaluate(f"({FOCUS_STYLE})(document.activeElement)")
            if focus["element"].startswith("body"):
                break
            reached.append(focus["element"])
            if not (focus["visible"] and focus["shown"]):
                hidden.append(focus["element"])
        # The skip link, the brand, the language switch or search, the menu.
        assert len(reached) >= 5
        assert hidden == []

    @pytest.mark.parametrize("root", ROOTS, ids=lambda root: root.name)
    def test_the_main_menu_works_with_the_keyboard_alone(self, platform, tab, root):
        tab.goto(platform.root_url(root), wait_until="load")

        assert press_tab_until(tab, "#portal-globalnav a")
        target = tab.evaluate("document.activeElement.href")
        with tab.expect_navigation(wait_until="load"):
            tab.keyboard.press("Enter")
        assert tab.url == target

    def test_the_language_switch_works_with_the_keyboard_alone(self, platform, tab):
        dutch = next(root for root in ROOTS if root.name == "licht-nl")
        tab.goto(platform.root_url(dutch), wait_until="load")
        assert tab.get_attribute("html", "lang") == "nl"

        assert press_tab_until(tab, "#pro-languages a[hreflang=en]")
        with tab.expect_navigation(wait_until="load"):
            tab.keyboard.press("Enter")
        assert tab.get_attribute("html", "lang") == "en"
        assert tab.url.rstrip("/").startswith(f"{platform.portal_url}/waterbeheer/en")
