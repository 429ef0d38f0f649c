"""The strict Content-Security-Policy in real Chromium: the theme and Plone's
editing screens work under it, and the browser reports no violation.

A violation is what a browser reports when a page needs something the policy
forbids (an inline script, a script from another origin); it shows in the
console and as a ``securitypolicyviolation`` event. Each page is loaded as a
visitor or as b's editor, and given time to start its scripts: TinyMCE on the
edit form, the folder contents' table.
"""

from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from security_platform import B_EDITOR
from security_platform import password
import base64
import pytest


pytestmark = pytest.mark.slow

# Collects what the page itself reports, from before its first script runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    event.violatedDirective + " " + (event.blockedURI || "inline")
  );
});
"""

# (who, path, what shows that the page's scripts ran)
PAGES = [
    pytest.param(None, "b", "body", id="site-home"),
    pytest.param(None, "b/nieuws", "body", id="news-listing"),
    pytest.param(
        "editor",
        "b/geheim/vertrouwelijk-document-van-b/edit",
        ".tox-tinymce",
        id="edit-form",
    ),
    pytest.param("editor", "b/geheim/++add++News Item", ".tox-tinymce", id="add-form"),
    pytest.param(
        "editor",
        "b/geheim/folder_contents",
        ".pat-structure table, .structure-wrapper table",
        id="folder-contents",
    ),
    pytest.param("admin", "@@create-site", "form", id="create-site-form"),
]


def _credentials(who: str | None) -> dict[str, str]:
    """Basic authentication on every request: Plone answers a visitor with
    its login page, not with the challenge that makes a browser send it."""
    if who is None:
        return {}
    if who == "admin":
        pair = f"{SITE_OWNER_NAME}:{SITE_OWNER_PASSWORD}"
    else:
        pair = f"{B_EDITOR}:{password(B_EDITOR)}"
    return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}


@pytest.mark.parametrize(("who", "path", "ready"), PAGES)
def test_the_page_works_under_the_policy_without_a_violation(
    platform, chromium, who, path, ready
):
    context = chromium.new_context(extra_http_headers=_credentials(who))
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    try:
        response = page.goto(f"{platform.url}/{path}", wait_until="networkidle")
        page.wait_for_selector(ready, state="attached", timeout=20_000)
        page.wait_for_timeout(500)
        violations = page.evaluate("window.__cspViolations")
        policy = response.headers.get("content-security-policy", "")
    finally:
        context.close()

    assert response.status == 200
    script_src = "script-src 'self' 'unsafe-eval';" if who else "script-src 'self';"
    assert script_src in policy
    assert violations == []
    assert console == []
