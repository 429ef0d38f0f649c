"""The Mediatheek's content types: the library, its photos, videos and audio.

Every item carries the same descriptive metadata (who made it, who holds the
rights, under which licence, until when) and the technical facts read from
the file itself. The file is the item's primary field, so Plone's own
``@@download`` and ``@@images`` views serve it, streamed from its blob; a
video's poster frame is its ``image`` field, which gives it the same scales
as a photo.

Title, caption and subjects are fields of the schema rather than Dublin Core
behaviors: the Mediatheek's form has its own order and wording, and
:class:`MediaItem` answers ``Description()`` and ``Subject()`` from them so
listings and the catalog read them as they read any Plone item.
"""

from DateTime import DateTime
from datetime import date
from plone import api
from plone.app.z3cform.widgets.relateditems import RelatedItemsFieldWidget
from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.dexterity.content import Container
from plone.dexterity.content import Item
from plone.namedfile.field import NamedBlobFile
from plone.namedfile.field import NamedBlobImage
from plone.supermodel import model
from pro import _
from pro.landing.content import IPageBlock
from pro.landing.content import PageBlock
from pro.media.checks import audio_file
from pro.media.checks import photo_file
from pro.media.checks import video_file
from z3c.form.interfaces import IFieldWidget
from z3c.relationfield.schema import RelationChoice
from zope import schema
from zope.interface import implementer
from zope.interface import Invalid
from zope.interface import invariant
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


MEDIATHEEK_ID = "mediatheek"
MEDIA_TYPES = ("MediaPhoto", "MediaVideo", "MediaAudio")
KIND_OF_TYPE = {"MediaPhoto": "photo", "MediaVideo": "video", "MediaAudio": "audio"}
TYPE_OF_KIND = {kind: type_name for type_name, kind in KIND_OF_TYPE.items()}
LICENCES_VOCABULARY = "pro.media.licences"

# Stored values are stable identifiers (SPDX where one exists); the labels
# are what curators and visitors read.
LICENCES = {
    "CC0-1.0": _("licence_cc0", default="CC0 (no rights reserved)"),
    "CC-BY-4.0": _("licence_cc_by", default="CC BY 4.0 (credit the maker)"),
    "CC-BY-SA-4.0": _(
        "licence_cc_by_sa", default="CC BY-SA 4.0 (credit the maker, share alike)"
    ),
    "rights-reserved": _(
        "licence_rights_reserved", default="All rights reserved, terms of use apply"
    ),
}
RIGHTS_RESERVED = "rights-reserved"


@provider(IVocabularyFactory)
def licences_vocabulary(context) -> SimpleVocabulary:
    """The licences an item can be released under."""
    return SimpleVocabulary(
        [SimpleTerm(value, value, title) for value, title in LICENCES.items()]
    )


class IMediatheek(model.Schema):
    """The platform's one media library; its items are its children."""


@implementer(IMediatheek)
class Mediatheek(Container):
    """The shared library at ``/pro/mediatheek``."""


class IMediaItem(model.Schema):
    """What every photo, video and audio item says about itself."""

    title = schema.TextLine(
        title=_("label_media_title", default="Title"),
        description=_(
            "help_media_title",
            default="A short name editors search for; prefilled from the file.",
        ),
    )
    caption = schema.Text(
        title=_("label_media_caption", default="Caption"),
        description=_(
            "help_media_caption",
            default="What is shown or heard, as printed below it on a page.",
        ),
        required=False,
    )
    maker = schema.TextLine(
        title=_("label_media_maker", default="Maker"),
        description=_(
            "help_media_maker",
            default="The photographer, film maker or producer, named in the "
            "credit line.",
        ),
        required=False,
    )
    copyright_holder = schema.TextLine(
        title=_("label_media_copyright_holder", default="Copyright holder"),
        description=_(
            "help_media_copyright_holder",
            default="Who holds the rights, for example the maker or the "
            "organisation that commissioned the work.",
        ),
        required=False,
    )
    licence = schema.Choice(
        title=_("label_media_licence", default="Licence"),
        description=_(
            "help_media_licence",
            default="Under which terms sites and visitors may use the item.",
        ),
        vocabulary=LICENCES_VOCABULARY,
        default=RIGHTS_RESERVED,
    )
    terms_of_use = schema.Text(
        title=_("label_media_terms_of_use", default="Terms of use"),
        description=_(
            "help_media_terms_of_use",
            default="With all rights reserved: where and how the item may be "
            "used, for example 'only on government websites'.",
        ),
        required=False,
    )
    date_made = schema.Date(
        title=_("label_media_date_made", default="Date made"),
        description=_(
            "help_media_date_made",
            default="When the photo was taken or the recording made.",
        ),
        required=False,
    )
    place = schema.TextLine(
        title=_("label_media_place", default="Place"),
        description=_(
            "help_media_place", default="Where it was made: a place, city or country."
        ),
        required=False,
    )
    subjects = schema.Tuple(
        title=_("label_media_subjects", default="Subjects"),
        description=_(
            "help_media_subjects",
            default="What the item is about, one subject a line; editors "
            "filter on them.",
        ),
        value_type=schema.TextLine(),
        required=False,
        default=(),
        missing_value=(),
    )
    organisation = schema.TextLine(
        title=_("label_media_organisation", default="Organisation"),
        description=_(
            "help_media_organisation",
            default="The organisation the item was made for or belongs to.",
        ),
        required=False,
    )
    rights_expiry = schema.Date(
        title=_("label_media_rights_expiry", default="Rights expire on"),
        description=_(
            "help_media_rights_expiry",
            default="From this day on the item is no longer shown to visitors "
            "and the editors of pages using it are warned. Leave empty when "
            "the rights do not expire.",
        ),
        required=False,
    )

    model.fieldset(
        "technical",
        label=_("fieldset_media_technical", default="File"),
        fields=[
            "original_filename",
            "media_format",
            "width",
            "height",
            "duration",
            "size",
        ],
    )
    original_filename = schema.TextLine(
        title=_("label_media_original_filename", default="Original file name"),
        description=_(
            "help_media_original_filename", default="The name the file was sent with."
        ),
        required=False,
    )
    media_format = schema.TextLine(
        title=_("label_media_format", default="Format"),
        description=_(
            "help_media_format", default="The file's format, read from its content."
        ),
        required=False,
    )
    width = schema.Int(
        title=_("label_media_width", default="Width"),
        description=_("help_media_width", default="In pixels."),
        required=False,
    )
    height = schema.Int(
        title=_("label_media_height", default="Height"),
        description=_("help_media_height", default="In pixels."),
        required=False,
    )
    duration = schema.Float(
        title=_("label_media_duration", default="Duration"),
        description=_("help_media_duration", default="In seconds."),
        required=False,
    )
    size = schema.Int(
        title=_("label_media_size", default="Size"),
        description=_("help_media_size", default="In bytes."),
        required=False,
    )
    directives.mode(
        original_filename="display",
        media_format="display",
        width="display",
        height="display",
        duration="display",
        size="display",
    )

    @invariant
    def reserved_rights_have_terms(data):
        if getattr(data, "licence", None) == RIGHTS_RESERVED and not getattr(
            data, "terms_of_use", None
        ):
            raise Invalid(
                _(
                    "error_media_terms_of_use",
                    default="With all rights reserved, say in 'Terms of use' "
                    "where the item may be used.",
                )
            )


class IMediaPhoto(IMediaItem):
    model.primary("image")
    image = NamedBlobImage(
        title=_("label_media_photo", default="Photo"),
        description=_(
            "help_media_photo",
            default="The original photo: JPEG, PNG, GIF, WebP or TIFF.",
        ),
        constraint=photo_file,
    )
    alt_text = schema.TextLine(
        title=_("label_media_alt_text", default="Alternative text"),
        description=_(
            "help_media_alt_text",
            default="What the photo shows, for people who cannot see it; "
            "used wherever the photo is placed.",
        ),
        required=False,
    )


class IMediaVideo(IMediaItem):
    model.primary("file")
    file = NamedBlobFile(
        title=_("label_media_video", default="Video"),
        description=_("help_media_video", default="The original video file."),
        constraint=video_file,
    )
    image = NamedBlobImage(
        title=_("label_media_poster", default="Poster frame"),
        description=_(
            "help_media_poster",
            default="The still shown before the video plays; taken from the "
            "video on upload.",
        ),
        required=False,
        constraint=photo_file,
    )


class IMediaAudio(IMediaItem):
    model.primary("file")
    file = NamedBlobFile(
        title=_("label_media_audio", default="Audio"),
        description=_("help_media_audio", default="The original audio file."),
        constraint=audio_file,
    )


class MediaItem(Item):
    """Base of the three kinds: caption and subjects read as Dublin Core."""

    caption = None
    subjects = ()
    rights_expiry = None

    def Description(self) -> str:
        return self.caption or ""

    def Subject(self) -> tuple[str, ...]:
        return tuple(self.subjects or ())

    @property
    def kind(self) -> str:
        return KIND_OF_TYPE[self.portal_type]

    @property
    def expiration_date(self) -> DateTime | None:
        """Dublin Core's expiry is the rights expiry: Plone's own searches then
        leave the item out for everyone who may not see inactive content."""
        if self.rights_expiry is None:
            return None
        return DateTime(self.rights_expiry.isoformat())

    @expiration_date.setter
    def expiration_date(self, value) -> None:
        # The rights expiry is the one place an item's expiry is kept.
        pass

    def rights_expired(self, today: date | None = None) -> bool:
        """Whether the rights expiry date has been reached."""
        expiry = self.rights_expiry
        return expiry is not None and expiry <= (today or date.today())


@implementer(IMediaPhoto)
class MediaPhoto(MediaItem):
    """A photo or other still image."""


@implementer(IMediaVideo)
class MediaVideo(MediaItem):
    """A video with its poster frame."""


@implementer(IMediaAudio)
class MediaAudio(MediaItem):
    """An audio recording."""


def media_reference_field(title, description) -> RelationChoice:
    """A reference to one item of the Mediatheek, chosen by an editor."""
    return RelationChoice(
        title=title,
        description=description,
        vocabulary="plone.app.vocabularies.Catalog",
        required=False,
    )


@implementer(IFieldWidget)
def MediaReferenceFieldWidget(field, request):
    """The related-items widget, opened in the Mediatheek, offering its items.

    Plone's widget starts in, and is rooted at, the editor's own site (a
    lineage child site is the local site); the Mediatheek lies beside the
    sites, so the widget is rooted at the platform here.
    """
    widget = RelatedItemsFieldWidget(field, request)
    portal = api.portal.get()
    portal_path = "/".join(portal.getPhysicalPath())
    widget.vocabulary = "plone.app.vocabularies.Catalog"
    widget.pattern_options = {
        "selectableTypes": list(MEDIA_TYPES),
        "rootPath": portal_path,
        "rootUrl": portal.absolute_url(),
        "basePath": f"{portal_path}/{MEDIATHEEK_ID}",
    }
    return widget


class IMediaBlock(IPageBlock):
    """A page block showing one Mediatheek item with its credit line."""

    title = schema.TextLine(
        title=_("label_block_heading", default="Heading"),
        description=_(
            "help_block_heading", default="Shown above the block; leave empty for none."
        ),
        required=False,
    )
    media = media_reference_field(
        _("label_media_block_item", default="Mediatheek item"),
        _(
            "help_media_block_item",
            default="A published photo, video or audio item of the Mediatheek; "
            "the page shows it with its caption and credit line.",
        ),
    )
    directives.widget("media", MediaReferenceFieldWidget)


@implementer(IMediaBlock)
class MediaBlock(PageBlock):
    """A page block that shows a Mediatheek item."""


@provider(IFormFieldProvider)
class IMediaImage(model.Schema):
    """A news item's image taken from the Mediatheek instead of uploaded."""

    media_image = media_reference_field(
        _("label_media_image", default="Image from the Mediatheek"),
        _(
            "help_media_image",
            default="A published photo of the Mediatheek shown at the top of "
            "the item with its credit line, instead of an uploaded lead image.",
        ),
    )
    directives.widget("media_image", MediaReferenceFieldWidget)
