"""Landing pages: page blocks that editors add, order and remove."""

from AccessControl.SecurityManagement import getSecurityManager
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import setSecurityManager
from AccessControl.SpecialUsers import nobody
from contextlib import contextmanager
from plone import api
from plone.namedfile.file import NamedBlobImage
from pro.landing.content import IHeroBlock
from pro.testing import make_site
from zope.interface import Invalid
import base64
import pytest


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def site(portal):
    return make_site(portal, "onderwijs", blocks=["news", "agenda"])


def render(page) -> str:
    return page.restrictedTraverse("landing_view")()


def add(container, type_name, **fields):
    with api.env.adopt_roles(["Manager"]):
        return api.content.create(container, type=type_name, **fields)


def test_every_site_gets_a_landing_page_as_home(site):
    home = site["startpagina"]

    assert home.portal_type == "LandingPage"
    assert site.getDefaultPage() == "startpagina"
    kinds = [block.portal_type for block in home.listFolderContents()]
    assert kinds == ["HeroBlock", "TeaserListBlock", "TeaserListBlock"]


def test_blocks_render_in_their_order(site):
    page = add(site, "LandingPage", title="Campagne")
    add(page, "TextBlock", title="Eerste", text="<p>een</p>")
    add(
        page,
        "CallToActionBlock",
        title="Doe mee",
        link_url="https://example.org/",
        link_text="Meld je aan",
    )
    add(page, "TextBlock", title="Derde", text="<p>drie</p>")

    html = render(page)
    assert html.index("Eerste") < html.index("Doe mee") < html.index("Derde")

    page.moveObjectsToTop(["derde"])
    html = render(page)
    assert html.index("Derde") < html.index("Eerste")


def test_removed_block_is_no_longer_shown(site):
    page = add(site, "LandingPage", title="Pagina")
    block = add(page, "TextBlock", title="Weg ermee", text="<p>x</p>")
    assert "Weg ermee" in render(page)

    with api.env.adopt_roles(["Manager"]):
        api.content.delete(block)

    assert "Weg ermee" not in render(page)


def test_teaser_list_shows_newest_published_items_of_this_site_only(site, portal):
    other = make_site(portal, "ander", blocks=["news"])
    for number in range(1, 5):
        item = add(site["nieuws"], "News Item", title=f"Bericht {number}")
        with api.env.adopt_roles(["Manager"]):
            api.content.transition(item, transition="publish")
    add(site["nieuws"], "News Item", title="Nog een concept")
    published = add(other["nieuws"], "News Item", title="Bericht van een ander")
    with api.env.adopt_roles(["Manager"]):
        api.content.transition(published, transition="publish")

    html = render(site["startpagina"])

    assert "Bericht 4" in html and "Bericht 2" in html
    assert "Bericht 1" not in html  # three newest only
    assert "Nog een concept" not in html
    assert "Bericht van een ander" not in html


def test_hero_image_needs_alternative_text_or_decorative(site):
    image = NamedBlobImage(data=PNG, filename="foto.png")

    class Data:
        pass

    data = Data()
    data.image, data.image_alt, data.image_decorative = image, "", False
    with pytest.raises(Invalid):
        IHeroBlock.validateInvariants(data)
    data.image_alt = "Een dijk bij hoogwater"
    IHeroBlock.validateInvariants(data)
    data.image_alt, data.image_decorative = "", True
    IHeroBlock.validateInvariants(data)


def test_hero_renders_image_with_its_alternative_text(site):
    page = add(site, "LandingPage", title="Pagina")
    add(
        page,
        "HeroBlock",
        title="Welkom",
        image=NamedBlobImage(data=PNG, filename="foto.png"),
        image_alt="Een dijk bij hoogwater",
    )

    html = render(page)

    assert 'alt="Een dijk bij hoogwater"' in html


def test_blocks_are_addable_only_inside_landing_pages(site):
    with api.env.adopt_roles(["Manager"]):
        addable = {fti.getId() for fti in site.allowedContentTypes()}
        page = add(site, "LandingPage", title="Pagina")
        inside = {fti.getId() for fti in page.allowedContentTypes()}

    assert "LandingPage" in addable
    assert "TextBlock" not in addable
    assert {"HeroBlock", "TextBlock", "TeaserListBlock", "FormBlock"} <= inside
    assert "News Item" not in inside


def test_blocks_follow_the_pages_visibility(site):
    page = add(site, "LandingPage", title="Nog niet af")
    block = add(page, "TextBlock", title="Geheim", text="<p>x</p>")
    assert api.content.get_state(page) == "private"
    assert api.content.get_state(block, default=None) is None

    with anonymous():
        assert not getSecurityManager().checkPermission("View", block)
    with api.env.adopt_roles(["Manager"]):
        api.content.transition(page, transition="publish")
    with anonymous():
        assert getSecurityManager().checkPermission("View", block)


@contextmanager
def anonymous():
    manager = getSecurityManager()
    newSecurityManager(None, nobody)
    try:
        yield
    finally:
        setSecurityManager(manager)


def test_teaser_list_without_items_shows_nothing(site):
    html = render(site["startpagina"])

    # The hero is there; the empty news and agenda teasers are left out.
    assert "pro-hero" in html
    assert "pro-teasers" not in html
