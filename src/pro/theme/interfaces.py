"""Platform-wide settings of the theme, kept in the registry."""

from pro import _
from zope import schema
from zope.interface import Interface


class IThemeSettings(Interface):
    """What every site's header shows of the government itself."""

    government_name = schema.TextLine(
        title=_("label_government_name", default="Government"),
        description=_(
            "help_government_name",
            default="Shown above every site's wordmark, so visitors recognise "
            "the government as well as the organisation.",
        ),
        default="Rijksoverheid",
        required=False,
    )
    emblem_url = schema.TextLine(
        title=_("label_emblem_url", default="Emblem"),
        description=_(
            "help_emblem_url",
            default="Address of the emblem shown beside every wordmark: a full "
            "URL, or a path below the platform such as beeldmerk.svg. Empty: "
            "the platform's own neutral emblem.",
        ),
        required=False,
    )
