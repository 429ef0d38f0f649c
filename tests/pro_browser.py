"""Chromium for the browser suites, shared as a pytest plugin.

Debian's Chromium driven by Playwright; without it the browser tests skip
with one line saying how to install it, except in CI, where a missing
browser is a failure. ``axe_violations`` runs axe-core on an open page.
"""

from pathlib import Path
import os
import pytest


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what the Dutch rules ask.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def chromium():
    """One browser for the whole module."""
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


AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    # Passed and inapplicable rules would be sent back too, for every node.
    "resultTypes": ["violations"],
}


def axe_violations(page) -> dict[str, list]:
    """axe-core's violations on ``page``: per rule, the elements at fault."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    return {
        violation["id"]: [node["target"] for node in violation["nodes"]]
        for violation in results.response["violations"]
    }
