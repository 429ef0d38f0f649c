"""Fixtures of the security suites."""

from pathlib import Path
from security_platform import arrange_platform
from security_platform import Platform
import os
import pytest


@pytest.fixture(scope="module")
def platform(functional_session) -> Platform:
    """Sites a and b with their people and b's private items, once a module.

    The functional layer's per-test isolation (a database layer stacked on the
    fixture's) is driven here per module rather than per class: arranging the
    platform is the expensive part, and the suites only read it or restore
    what they change.
    """
    functional_session.testSetUp()
    try:
        yield arrange_platform(functional_session["portal"])
    finally:
        functional_session.testTearDown()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium driven by Playwright, for the whole module.

    Without Chromium the browser tests skip, except in CI, where a missing
    browser is a failure.
    """
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing; install it with: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
