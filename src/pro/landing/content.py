"""The landing page and the page blocks it is made of."""

from plone.app.textfield import RichText
from plone.app.z3cform.widgets.relateditems import RelatedItemsFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.dexterity.content import Item
from plone.namedfile.field import NamedBlobImage
from plone.supermodel import model
from pro import _
from pro.security.exceptions import UnsafeURLError
from pro.security.urls import check_link_url
from z3c.relationfield.schema import RelationChoice
from z3c.relationfield.schema import RelationList
from zope import schema
from zope.interface import implementer
from zope.interface import Invalid
from zope.interface import invariant
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


# The page block types, which live only inside landing pages.
BLOCK_TYPES = (
    "HeroBlock",
    "TextBlock",
    "TeaserListBlock",
    "HighlightsBlock",
    "CallToActionBlock",
    "FormBlock",
    "MediaBlock",
    # The e-mail service's form (pro.mail.content).
    "SubscribeBlock",
)

# What a teaser list may show, by the block that brings it.
TEASER_TYPES = {
    "news": "News Item",
    "agenda": "Event",
    "pages": "Document",
}
TEASER_CHOICES = SimpleVocabulary(
    [
        SimpleTerm("news", "news", _("News")),
        SimpleTerm("agenda", "agenda", _("Events")),
        SimpleTerm("pages", "pages", _("Pages")),
    ]
)


def _heading_field() -> schema.TextLine:
    """The optional heading shown above a block."""
    return schema.TextLine(
        title=_("label_block_heading", default="Heading"),
        description=_(
            "help_block_heading", default="Shown above the block; leave empty for none."
        ),
        required=False,
    )


def _link_url_field(required: bool) -> schema.URI:
    return schema.URI(
        title=_("label_link_url", default="Link"),
        description=_("help_link_url", default="Where the button leads."),
        required=required,
        constraint=_safe_link,
    )


class UnsafeLinkError(schema.ValidationError):
    """A link that would run a script instead of leading somewhere."""

    def doc(self) -> str:
        return self.args[0]


def _safe_link(value: str) -> bool:
    """No ``javascript:`` or ``data:`` links on a button.

    A ``ValidationError``, not ``Invalid``: plone.restapi answers only that
    with a 400 naming the field.
    """
    try:
        check_link_url(value, "link_url")
    except UnsafeURLError as error:
        raise UnsafeLinkError(str(error)) from None
    return True


def _link_text_field(required: bool) -> schema.TextLine:
    return schema.TextLine(
        title=_("label_link_text", default="Button text"),
        description=_(
            "help_link_text",
            default="Say where the link leads, not 'click here'.",
        ),
        required=required,
    )


class ILandingPage(model.Schema):
    """Title and description come from behaviors; the blocks are its items."""


@implementer(ILandingPage)
class LandingPage(Container):
    """A page whose content is the page blocks it holds, in their order."""


class IPageBlock(model.Schema):
    """Marker shared by every page block."""


class IHeroBlock(IPageBlock):
    title = schema.TextLine(
        title=_("label_hero_heading", default="Heading"),
        description=_("help_hero_heading", default="The page's main message."),
    )
    text = schema.Text(
        title=_("label_hero_text", default="Text"),
        description=_("help_hero_text", default="One or two sentences."),
        required=False,
    )
    image = NamedBlobImage(
        title=_("label_hero_image", default="Image"),
        description=_("help_hero_image", default="A wide photo behind the heading."),
        required=False,
    )
    image_alt = schema.TextLine(
        title=_("label_image_alt", default="Alternative text"),
        description=_(
            "help_image_alt",
            default="What the image shows, for people who cannot see it. "
            "Required with an image unless the image is decorative.",
        ),
        required=False,
    )
    image_decorative = schema.Bool(
        title=_("label_image_decorative", default="The image is decorative"),
        description=_(
            "help_image_decorative",
            default="Tick when the image adds nothing to the text.",
        ),
        required=False,
        default=False,
    )
    link_url = _link_url_field(required=False)
    link_text = _link_text_field(required=False)

    @invariant
    def image_has_alternative_text(data):
        if (
            getattr(data, "image", None)
            and not getattr(data, "image_alt", None)
            and not getattr(data, "image_decorative", False)
        ):
            raise Invalid(
                _(
                    "error_image_alt",
                    default="Describe the image in 'Alternative text', or tick "
                    "that it is decorative.",
                )
            )

    @invariant
    def link_has_text(data):
        if getattr(data, "link_url", None) and not getattr(data, "link_text", None):
            raise Invalid(_("error_link_text", default="Give the link a button text."))


class ITextBlock(IPageBlock):
    title = _heading_field()
    text = RichText(
        title=_("label_block_text", default="Text"),
        description=_("help_block_text", default="The block's text."),
    )


class ITeaserListBlock(IPageBlock):
    title = _heading_field()
    show = schema.Choice(
        title=_("label_teaser_show", default="Show"),
        description=_("help_teaser_show", default="Which items of this site to list."),
        vocabulary=TEASER_CHOICES,
        default="news",
    )
    count = schema.Int(
        title=_("label_teaser_count", default="Number of items"),
        description=_("help_teaser_count", default="From 1 to 12, newest first."),
        min=1,
        max=12,
        default=3,
    )


class IHighlightsBlock(IPageBlock):
    title = _heading_field()
    items = RelationList(
        title=_("label_highlights", default="Highlighted items"),
        description=_(
            "help_highlights", default="Pages of this site to point visitors to."
        ),
        value_type=RelationChoice(vocabulary="plone.app.vocabularies.Catalog"),
        required=False,
        default=[],
    )
    directives.widget(
        "items",
        RelatedItemsFieldWidget,
        vocabulary="plone.app.vocabularies.Catalog",
    )


class ICallToActionBlock(IPageBlock):
    title = schema.TextLine(
        title=_("label_cta_heading", default="Heading"),
        description=_("help_cta_heading", default="What the visitor can do."),
    )
    text = schema.Text(
        title=_("label_cta_text", default="Text"),
        description=_("help_cta_text", default="Why it is worth doing."),
        required=False,
    )
    link_url = _link_url_field(required=True)
    link_text = _link_text_field(required=True)


class IFormBlock(IPageBlock):
    title = _heading_field()
    form = RelationChoice(
        title=_("label_form", default="Form"),
        description=_("help_form", default="A form of this site to show here."),
        vocabulary="plone.app.vocabularies.Catalog",
    )
    directives.widget(
        "form",
        RelatedItemsFieldWidget,
        vocabulary="plone.app.vocabularies.Catalog",
        pattern_options={"selectableTypes": ["EasyForm"]},
    )


@implementer(IPageBlock)
class PageBlock(Item):
    """A page block; its schema comes from its type."""
