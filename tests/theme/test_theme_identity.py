"""A site's identity as the site factory accepts it and the pages show it."""

from io import BytesIO
from PIL import Image
from pro.platform.api import update_site
from pro.platform.exceptions import SiteValidationError
from pro.platform.settings import site_settings
from pro.testing import make_site
from pro.theme.contrast import contrast_ratio
from pro.theme.identity import css_properties
from pro.theme.identity import identity_for
from pro.theme.images import parse_data_uri
import base64
import pytest
import re


def png_uri() -> str:
    buffer = BytesIO()
    Image.new("RGB", (32, 32), "#154273").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


HOSTILE_SVG = (
    "data:image/svg+xml;base64,"
    + base64.b64encode(
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(2)</script>"
        b'<rect width="10" height="10"/></svg>'
    ).decode()
)


def refused(portal, identity: dict) -> dict[str, str]:
    with pytest.raises(SiteValidationError) as error:
        make_site(portal, "onderwijs", identity=identity)
    return error.value.errors


@pytest.mark.parametrize(
    ("name", "colour", "text"),
    [
        ("primary_color", "#ffdd00", "#ffffff"),
        ("primary_color", "#7fa8d1", "#ffffff"),
        ("primary_color", "#949494", "#ffffff"),
        ("secondary_color", "#333333", "#1a1a1a"),
        ("secondary_color", "#7a2e5c", "#1a1a1a"),
    ],
)
def test_failing_colour_is_refused_with_its_ratio_and_the_nearest_that_passes(
    portal, name, colour, text
):
    message = refused(portal, {name: colour})[f"identity.{name}"]

    ratio = contrast_ratio(text, colour)
    assert f"{int(ratio * 100) / 100:.2f}:1" in message
    assert "4.5:1" in message
    nearest = re.search(r"passes is (#[0-9a-f]{6})", message).group(1)
    assert contrast_ratio(text, nearest) >= 4.5
    assert "onderwijs" not in portal.objectIds()


def test_ratio_just_below_the_limit_never_reads_as_passing(portal):
    # White on #777777 is 4.48:1, which one decimal would show as 4.5:1.
    message = refused(portal, {"primary_color": "#777777"})["identity.primary_color"]

    assert "4.47:1" in message or "4.48:1" in message


def test_identity_with_logo_favicon_and_links_is_stored_clean(portal):
    site = make_site(
        portal,
        "onderwijs",
        identity={
            "wordmark": "Onderwijs",
            "primary_color": "#01689B",
            "logo": HOSTILE_SVG,
            "favicon": png_uri(),
            "footer_links": [
                {"title": " Contact ", "url": "/contact"},
                {"title": "Privacy", "url": "https://www.example.nl/privacy"},
                {"title": "Mail ons", "url": "mailto:info@example.nl"},
            ],
            "social_links": [
                {"url": "https://www.linkedin.com/company/onderwijs"},
                {"title": "Mastodon", "url": "https://social.example.nl/@ocw"},
            ],
        },
    )

    identity = site_settings(site).identity
    media_type, logo = parse_data_uri(identity["logo"])
    assert media_type == "image/svg+xml"
    assert b"alert" not in logo and b"<rect" in logo
    assert parse_data_uri(identity["favicon"])[0] == "image/png"
    assert identity["primary_color"] == "#01689b"
    assert identity["footer_links"][0] == {"title": "Contact", "url": "/contact"}
    assert identity["social_links"] == [
        {"title": "LinkedIn", "url": "https://www.linkedin.com/company/onderwijs"},
        {"title": "Mastodon", "url": "https://social.example.nl/@ocw"},
    ]


@pytest.mark.parametrize(
    ("identity", "field", "message"),
    [
        ({"logo": "data:text/plain;base64,aGFsbG8="}, "logo", "SVG or PNG"),
        ({"logo": "https://example.org/logo.svg"}, "logo", "data: URI"),
        ({"favicon": "data:image/png;base64,aGFsbG8="}, "favicon", "SVG, PNG or ICO"),
        ({"footer_links": "Contact"}, "footer_links", "list of links"),
        ({"footer_links": [{"url": "/contact"}]}, "footer_links", "needs a title"),
        (
            {"footer_links": [{"title": "X", "url": "javascript:alert(1)"}]},
            "footer_links",
            "not a web address",
        ),
        (
            {"footer_links": [{"title": "X", "url": "//evil.example/"}]},
            "footer_links",
            "not a web address",
        ),
        (
            {"social_links": [{"url": "http://www.linkedin.com/x"}]},
            "social_links",
            "not a web address",
        ),
        (
            {"social_links": [{"url": "https://social.example.nl/@x"}]},
            "social_links",
            "name the network",
        ),
        (
            {"footer_links": [{"title": f"L{i}", "url": "/x"} for i in range(20)]},
            "footer_links",
            "At most 16 links",
        ),
    ],
)
def test_bad_logo_favicon_or_links_are_refused_naming_the_field(
    portal, identity, field, message
):
    errors = refused(portal, identity)

    assert message in errors[f"identity.{field}"]


def test_an_empty_setting_removes_it(portal):
    make_site(portal, "onderwijs", identity={"logo": png_uri()})

    update_site(portal, "onderwijs", {"identity": {"logo": None, "footer_links": []}})

    identity = site_settings(portal["onderwijs"]).identity
    assert "logo" not in identity and "footer_links" not in identity


def test_pages_get_the_site_colours_as_custom_properties(portal):
    site = make_site(
        portal,
        "onderwijs",
        identity={"primary_color": "#7a2e5c", "secondary_color": "#f6eef3"},
    )

    css = css_properties(identity_for(site["nieuws"]))

    assert css.startswith(":root{") and css.endswith("}")
    assert "--pro-color-primary:#7a2e5c;" in css
    assert "--pro-color-secondary:#f6eef3;" in css
    assert "--pro-color-primary-rgb:122, 46, 92;" in css


def test_outside_every_site_pages_get_the_platform_identity(portal):
    identity = identity_for(portal)

    assert identity.wordmark == portal.Title()
    assert identity.logo == "" and identity.footer_links == ()


def test_image_urls_change_when_the_image_does(portal):
    site = make_site(portal, "onderwijs", identity={"logo": png_uri()})
    before = identity_for(site).logo

    update_site(portal, "onderwijs", {"identity": {"logo": HOSTILE_SVG}})

    after = identity_for(site).logo
    assert before != after
    assert after.startswith(f"{site.absolute_url()}/@@site-logo?v=")
