"""The news block's behavior on Plone's News Item.

News stays Plone's own type, so its lead (description), body (text), lead
image and publication date (effective) work as in every Plone site; this
behavior adds what a government newsroom needs on top: the press-release flag
and the site's topics.
"""

from plone.app.z3cform.widgets.checkbox import CheckBoxFieldWidget
from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from pro import _
from pro.content.topics import ITopical
from pro.content.topics import topics_field
from zope import schema
from zope.interface import provider


@provider(IFormFieldProvider)
class INewsDetails(model.Schema, ITopical):
    """Press-release flag and topics of a news item."""

    press_release = schema.Bool(
        title=_("label_press_release", default="Press release"),
        description=_(
            "help_press_release",
            default="Tick when this news item is the organisation's official "
            "press release; it is marked as such for journalists.",
        ),
        required=False,
        default=False,
    )
    topics = topics_field()
    directives.widget("topics", CheckBoxFieldWidget)
