"""The subscriber's pages in real Chromium: no axe-core violation, and the
subscribe form works with the keyboard alone.

Without Chromium these tests skip with a line saying how to install it,
except under ``CI=true``, where a missing browser is a failure.
"""

from conftest import subscribe
from plone import api
from pro.mail import tokens
from pro.mail.storage import mail_store
from pro_browser import AXE_TAGS
import pytest
import transaction


pytestmark = pytest.mark.slow


def page_urls(site) -> dict[str, str]:
    secret = mail_store(api.portal.get()).secret
    subscribe("anna@example.org", ["newsletter:waterbeheer", "press:waterbeheer"])
    transaction.commit()
    url = site.absolute_url()
    confirm = tokens.make_token(
        secret, tokens.CONFIRM, "bert@example.org", ["newsletter:waterbeheer"]
    )
    manage = tokens.make_token(secret, tokens.MANAGE, "anna@example.org")
    leave = tokens.make_token(
        secret, tokens.UNSUBSCRIBE, "anna@example.org", ["newsletter:waterbeheer"]
    )
    return {
        "subscribe": f"{url}/@@aanmelden",
        "confirm": f"{url}/@@aanmelden-bevestigen/{confirm}",
        "preferences": f"{url}/@@abonnement/{manage}",
        "unsubscribe": f"{url}/@@afmelden/{leave}",
        "refused link": f"{url}/@@abonnement/niet-geldig",
    }


def test_the_subscribers_pages_have_no_accessibility_violation(site, chromium):
    from axe_playwright_python.sync_playwright import Axe

    found = {}
    for name, url in page_urls(site).items():
        page = chromium.new_page()
        page.goto(url, wait_until="networkidle")
        results = Axe().run(
            page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}}
        )
        found[name] = {
            violation["id"]: [node["target"] for node in violation["nodes"]]
            for violation in results.response["violations"]
        }
        page.close()

    assert found == {name: {} for name in found}


def test_the_subscribe_form_works_with_the_keyboard(site, chromium, smtp):
    page = chromium.new_page()
    page.goto(f"{site.absolute_url()}/@@aanmelden", wait_until="networkidle")

    page.focus("#pro-channel-0")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "pro-subscribe-email"
    page.keyboard.type("anna@example.org")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.is_visible("text=Kijk in uw mailbox")
    page.close()
