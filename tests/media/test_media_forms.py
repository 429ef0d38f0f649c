"""Editors of a site pick a Mediatheek item in the media block and news forms."""

from plone import api
from pro.testing import make_site
import html
import pytest


@pytest.fixture
def site(portal):
    return make_site(portal, "water")


def render_form(context, name: str, request) -> str:
    with api.env.adopt_roles(["Manager"]):
        view = context.restrictedTraverse(name)
        return html.unescape(view())


def test_the_media_block_form_browses_the_mediatheek(site, portal):
    with api.env.adopt_roles(["Manager"]):
        page = api.content.create(site, type="LandingPage", title="Campagne")

    form = render_form(page, "++add++MediaBlock", page.REQUEST)

    assert "Item uit de Mediatheek" in form
    assert '"basePath": "/plone/mediatheek"' in form
    assert '"rootPath": "/plone"' in form
    assert '"selectableTypes": ["MediaPhoto", "MediaVideo", "MediaAudio"]' in form


def test_the_news_form_offers_an_image_from_the_mediatheek(site):
    with api.env.adopt_roles(["Manager"]):
        news = api.content.create(site["nieuws"], type="News Item", title="Bericht")

    form = render_form(news, "@@edit", news.REQUEST)

    assert "Beeld uit de Mediatheek" in form
    assert '"basePath": "/plone/mediatheek"' in form
