"""The chief editors' list of what waits for review in their own site."""

from plone import api
from Products.Five.browser import BrowserView


class ToReview(BrowserView):
    """Items submitted for publication in this site, oldest submission first.

    The catalog search runs with the visitor's own permissions and within this
    site only, so a chief editor never sees another organisation's drafts.
    """

    def items(self) -> list[dict]:
        brains = api.content.find(
            context=self.context,
            review_state="pending",
            sort_on="modified",
            sort_order="ascending",
        )
        return [
            {
                "title": brain.Title,
                "url": brain.getURL(),
                "type": brain.Type,
                "creator": brain.Creator,
                "modified": brain.modified,
            }
            for brain in brains
        ]
