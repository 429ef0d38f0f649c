"""The building blocks' content types: schemas and classes.

Title and description come from Plone's Dublin Core behavior on every type,
and so do the publication date (effective) and the expiry date; body text
comes from Plone's rich-text behavior where a type has one body. A field is
defined here only where no behavior carries it, so each type reads in the
edit form and over REST as Plone's own types do.
"""

from datetime import date
from plone.app.textfield import RichText
from plone.app.z3cform.widgets.checkbox import CheckBoxFieldWidget
from plone.app.z3cform.widgets.relateditems import RelatedItemsFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.dexterity.content import Item
from plone.namedfile.field import NamedBlobImage
from plone.schema import Email
from plone.supermodel import model
from pro import _
from pro.content.topics import ITopical
from pro.content.topics import topics_field
from z3c.relationfield.schema import RelationChoice
from zope import schema
from zope.interface import implementer
from zope.interface import Interface
from zope.interface import Invalid
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


PUBLICATION_TYPES_VOCABULARY = "pro.content.publication_types"

# The kinds of publication a government publishes, as stored values (English,
# stable for the open-data API) with the labels editors and visitors read.
PUBLICATION_TYPES = {
    "report": _("publication_type_report", default="Report"),
    "letter-to-parliament": _(
        "publication_type_letter_to_parliament", default="Letter to parliament"
    ),
    "decision": _("publication_type_decision", default="Decision"),
    "brochure": _("publication_type_brochure", default="Brochure"),
    "form": _("publication_type_form", default="Form"),
    "policy-note": _("publication_type_policy_note", default="Policy note"),
    "other": _("publication_type_other", default="Other"),
}


@provider(IVocabularyFactory)
def publication_types_vocabulary(context) -> SimpleVocabulary:
    """The kinds of publication, in the order editors choose from."""
    return SimpleVocabulary(
        [SimpleTerm(value, value, title) for value, title in PUBLICATION_TYPES.items()]
    )


def _is_form(value) -> bool:
    if getattr(value, "portal_type", None) != "EasyForm":
        raise Invalid(
            _(
                "error_contact_form_type",
                default="Choose a form made with the form builder (EasyForm).",
            )
        )
    return True


class IPublication(model.Schema):
    """A report, letter, decision or other document the organisation
    publishes; its files are File items inside it."""

    publication_type = schema.Choice(
        title=_("label_publication_type", default="Type of publication"),
        description=_(
            "help_publication_type",
            default="What kind of document this is; visitors filter the "
            "publications by it.",
        ),
        vocabulary=PUBLICATION_TYPES_VOCABULARY,
        default="report",
    )
    publication_date = schema.Date(
        title=_("label_publication_date", default="Date of the document"),
        description=_(
            "help_publication_date",
            default="The date the document carries, for example the date a "
            "letter was signed; publications are sorted by it.",
        ),
        defaultFactory=date.today,
    )
    summary = RichText(
        title=_("label_summary", default="Contents in brief"),
        description=_(
            "help_summary",
            default="What the document says, in a few paragraphs; shown above "
            "its files.",
        ),
        required=False,
    )
    topics = topics_field()
    directives.widget("topics", CheckBoxFieldWidget)


class ITopic(model.Schema):
    """A subject the organisation works on. Its introduction is the
    description, its body the text; related items are chosen by hand and
    items filed under it are gathered on its page."""


class IQuestion(model.Schema):
    """A frequently asked question: the title asks it, the answer answers it."""

    answer = RichText(
        title=_("label_answer", default="Answer"),
        description=_(
            "help_answer",
            default="The full answer; the question itself is the title.",
        ),
    )
    topics = topics_field()
    directives.widget("topics", CheckBoxFieldWidget)


class IPerson(model.Schema):
    """Someone in the organisation's management or team; the title is the
    person's name."""

    role = schema.TextLine(
        title=_("label_role", default="Role"),
        description=_(
            "help_role",
            default="The person's position, for example 'Director-General'.",
        ),
        required=False,
    )
    portrait = NamedBlobImage(
        title=_("label_portrait", default="Portrait"),
        description=_(
            "help_portrait",
            default="A photo of the person, at least 400 pixels wide.",
        ),
        required=False,
    )
    biography = RichText(
        title=_("label_biography", default="Biography"),
        description=_(
            "help_biography",
            default="Career and responsibilities, shown on the profile page.",
        ),
        required=False,
    )
    sort_order = schema.Int(
        title=_("label_sort_order", default="Sort order"),
        description=_(
            "help_sort_order",
            default="People are listed from low to high; people with the same "
            "number by name.",
        ),
        default=100,
        min=0,
    )


class IDossier(model.Schema):
    """A curated set of items around one subject: items kept inside it and
    related items chosen from elsewhere, shown as one timeline."""


class IContactPage(model.Schema):
    """How to reach the organisation, with an optional contact form."""

    address = schema.Text(
        title=_("label_address", default="Address"),
        description=_(
            "help_address",
            default="Visiting and postal address, one line each as it is "
            "written on an envelope.",
        ),
        required=False,
    )
    visiting_hours = schema.Text(
        title=_("label_visiting_hours", default="Visiting hours"),
        description=_(
            "help_visiting_hours",
            default="When visitors are welcome, for example 'Monday to Friday "
            "9.00 to 17.00'.",
        ),
        required=False,
    )
    phone = schema.TextLine(
        title=_("label_phone", default="Phone"),
        description=_(
            "help_phone",
            default="The general number, with the area code: 070 123 45 67.",
        ),
        required=False,
    )
    email = Email(
        title=_("label_email", default="E-mail address"),
        description=_(
            "help_email",
            default="The address visitors can write to.",
        ),
        required=False,
    )
    contact_form = RelationChoice(
        title=_("label_contact_form", default="Contact form"),
        description=_(
            "help_contact_form",
            default="A form made with the form builder, shown on this page; "
            "it sends its confirmation and keeps its data as set up there.",
        ),
        vocabulary="plone.app.vocabularies.Catalog",
        constraint=_is_form,
        required=False,
    )
    directives.widget(
        "contact_form",
        RelatedItemsFieldWidget,
        vocabulary="plone.app.vocabularies.Catalog",
        pattern_options={"selectableTypes": ["EasyForm"]},
    )


class IMagazine(model.Schema):
    """An online magazine; it holds its issues."""


class IMagazineIssue(model.Schema):
    """One issue of a magazine, with a cover and its articles."""

    cover = NamedBlobImage(
        title=_("label_cover", default="Cover"),
        description=_(
            "help_cover",
            default="The cover image of this issue, in portrait format.",
        ),
        required=False,
    )


class IArticle(model.Schema):
    """An article in a magazine issue; lead, image and text come from
    Plone's behaviors."""

    author = schema.TextLine(
        title=_("label_author", default="Author"),
        description=_(
            "help_author",
            default="Who wrote the article, as printed in the byline.",
        ),
        required=False,
    )


class IBlockContent(Interface):
    """A content type of a building block. Its class names its rich-text
    fields in ``text_fields``, so search finds the words in all of them."""


@implementer(IBlockContent, IPublication, ITopical)
class Publication(Container):
    """A publication with its files."""

    text_fields = ("summary",)


@implementer(IBlockContent, ITopic)
class Topic(Item):
    """A topic page."""

    text_fields = ("text",)


@implementer(IBlockContent, IQuestion, ITopical)
class Question(Item):
    """A question with its answer."""

    text_fields = ("answer",)


@implementer(IBlockContent, IPerson)
class Person(Item):
    """A person's profile."""

    text_fields = ("biography",)


@implementer(IBlockContent, IDossier)
class Dossier(Container):
    """A dossier with its items."""

    text_fields = ("text",)


@implementer(IBlockContent, IContactPage)
class ContactPage(Item):
    """A contact page."""

    text_fields = ("text",)


@implementer(IBlockContent, IMagazine)
class Magazine(Container):
    """A magazine with its issues."""

    text_fields = ()


@implementer(IBlockContent, IMagazineIssue)
class MagazineIssue(Container):
    """An issue with its articles."""

    text_fields = ("text",)


@implementer(IBlockContent, IArticle)
class Article(Item):
    """A magazine article."""

    text_fields = ("text",)
