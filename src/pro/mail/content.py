"""The subscribe block: a landing page's form for the site's newsletter and alerts.

It is a page block like the landing page's own (it lives inside a landing page
and follows its state); it shows the channels of its site and posts to the
site's ``@@aanmelden``, so visitors get the same double opt-in and the same
answers as on the subscribe page.
"""

from pro import _
from pro.landing.content import IPageBlock
from zope import schema


class ISubscribeBlock(IPageBlock):
    title = schema.TextLine(
        title=_("label_subscribe_heading", default="Heading"),
        description=_(
            "help_subscribe_heading",
            default="Shown above the form, for example 'Stay informed'.",
        ),
    )
    text = schema.Text(
        title=_("label_subscribe_text", default="Text"),
        description=_(
            "help_subscribe_text",
            default="What subscribers get and how often; leave empty for none.",
        ),
        required=False,
    )
