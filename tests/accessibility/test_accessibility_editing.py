"""The checks while editing: errors stop publication on every path, warnings
are shown and let it through, and a save tells the editor what was found."""

from plone import api
from plone.app.textfield.value import RichTextValue
from plone.namedfile.file import NamedBlobFile
from plone.namedfile.file import NamedBlobImage
from plone.protect.authenticator import createToken
from pro.accessibility.checks import check_content
from pro.accessibility.exceptions import PublicationRefused
from pro.testing import make_site
from Products.statusmessages.interfaces import IStatusMessage
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent
import base64
import pytest


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
VAGUE_LINK = '<p>Het verslag staat online: <a href="/verslag">klik hier</a>.</p>'


@pytest.fixture
def site(portal):
    return make_site(portal, "toegankelijk", blocks=["news", "publications"])


def rich(html: str) -> RichTextValue:
    return RichTextValue(html, "text/html", "text/x-html-safe")


def add(container, type_name, **fields):
    with api.env.adopt_roles(["Manager"]):
        return api.content.create(container, type=type_name, **fields)


def publish(obj) -> None:
    # plone.api would report the refusal as an invalid transition.
    with api.env.adopt_roles(["Manager"]):
        api.portal.get_tool("portal_workflow").doActionFor(obj, "publish")


@pytest.mark.parametrize(
    ("html", "code"),
    [
        (VAGUE_LINK, "link-vague"),
        ('<p><img src="kaart.png"></p>', "image-alt-missing"),
        ("<h2></h2><p>Tekst</p>", "heading-empty"),
        ("<table><tr><td>1</td></tr></table>", "table-no-headers"),
        ('<p><a href="/x"></a></p>', "link-empty"),
    ],
)
def test_an_error_stops_publication_and_the_item_keeps_its_state(site, html, code):
    item = add(site["nieuws"], "News Item", title="Bericht", text=rich(html))

    with pytest.raises(PublicationRefused) as refused:
        publish(item)

    assert api.content.get_state(item) == "private"
    assert [finding.code for finding in refused.value.findings] == [code]
    assert "text:" in str(refused.value)
    assert item.EffectiveDate() == "None"


def test_an_item_without_errors_is_published(site):
    item = add(
        site["nieuws"],
        "News Item",
        title="Bericht",
        text=rich('<p>Lees <a href="/verslag">het jaarverslag 2025</a>.</p>'),
    )

    publish(item)

    assert api.content.get_state(item) == "published"


@pytest.mark.parametrize(
    ("title", "html"),
    [
        ("DE DIJK IS VANDAAG GESLOTEN", "<p>Tekst</p>"),
        ("Bericht", "<h3>Een kop die een niveau overslaat</h3>"),
        ("Bericht", '<p><a href="https://a.nl/b">https://a.nl/b</a></p>'),
    ],
)
def test_warnings_do_not_stop_publication(site, title, html):
    item = add(site["nieuws"], "News Item", title=title, text=rich(html))
    assert [finding.severity for finding in check_content(item)] == ["warning"]

    publish(item)

    assert api.content.get_state(item) == "published"


def test_a_landing_page_is_refused_for_its_blocks_and_says_which_block(site):
    page = add(site, "LandingPage", title="Campagne")
    hero = add(page, "HeroBlock", title="Welkom", image_decorative=True)
    # The edit form refuses an image without alternative text; an import or
    # a script can still store one.
    hero.image = NamedBlobImage(PNG, filename="dijk.png")
    hero.image_decorative = False
    add(
        page,
        "CallToActionBlock",
        title="Doe mee",
        link_url="https://example.org/",
        link_text="Lees meer",
    )
    add(page, "TextBlock", title="Uitleg", text=rich("<h3>Onder het blok</h3>"))

    with pytest.raises(PublicationRefused) as refused:
        publish(page)

    assert [(f.code, f.field, f.excerpt) for f in refused.value.findings] == [
        ("image-alt-missing", "Welkom › image", "dijk.png"),
        ("link-vague", "Doe mee › link", "Lees meer"),
    ]
    hero.image_decorative = True
    page["doe-mee"].link_text = "Meld je aan voor de nieuwsbrief"
    publish(page)
    assert api.content.get_state(page) == "published"


def test_a_publication_offered_only_as_pdf_is_a_warning(site):
    publication = add(site["publicaties"], "Publication", title="Jaarverslag")
    add(
        publication,
        "File",
        title="Jaarverslag (pdf)",
        file=NamedBlobFile(b"%PDF-1.4\n", filename="jaarverslag.pdf"),
    )

    (finding,) = check_content(publication)
    assert (finding.code, finding.severity) == ("publication-pdf-only", "warning")

    publication.summary = rich("<p>Wat we het afgelopen jaar deden, in het kort.</p>")
    assert check_content(publication) == []


def test_the_publishing_form_shows_the_problems_and_changes_nothing(site, portal):
    item = add(site["nieuws"], "News Item", title="Bericht", text=rich(VAGUE_LINK))
    request = portal.REQUEST
    with api.env.adopt_roles(["Manager"]):
        request.form.update(workflow_action="publish", _authenticator=createToken())
        view = api.content.get_view("content_status_modify", item, request)
        view(workflow_action="publish")

    assert api.content.get_state(item) == "private"
    assert request.response.getStatus() == 302
    assert request.response.getHeader("location") == item.absolute_url()
    shown = [
        (message.type, message.message) for message in IStatusMessage(request).show()
    ]
    assert shown[0][0] == "error"
    assert "klik hier" in shown[1][1] and shown[1][1].startswith("text:")


def test_saving_the_edit_form_shows_what_the_checks_found(site, portal):
    item = add(site["nieuws"], "News Item", title="Bericht", text=rich(VAGUE_LINK))
    request = portal.REQUEST
    request.form["form.buttons.save"] = "Opslaan"

    notify(ObjectModifiedEvent(item))
    notify(ObjectModifiedEvent(site["nieuws"]))

    shown = IStatusMessage(request).show()
    assert len(shown) == 2
    assert shown[0].type == "error"
    assert "klik hier" in shown[1].message


def test_a_change_without_the_form_shows_nothing(site, portal):
    item = add(site["nieuws"], "News Item", title="Bericht", text=rich(VAGUE_LINK))

    notify(ObjectModifiedEvent(item))

    assert IStatusMessage(portal.REQUEST).show() == []


@pytest.mark.parametrize(
    ("title", "expected"),
    [("IMG_2041.JPG", ["image-alt-file-name"]), ("De dijk bij Kampen", [])],
)
def test_an_image_titled_with_its_file_name_is_a_warning(site, title, expected):
    image = add(
        site["nieuws"],
        "Image",
        title=title,
        image=NamedBlobImage(PNG, filename="IMG_2041.JPG"),
    )

    assert [finding.code for finding in check_content(image)] == expected
