"""Views of landing pages and of each page block."""

from plone import api
from pro.landing.content import IPageBlock
from pro.landing.content import TEASER_TYPES
from Products.Five.browser import BrowserView


class LandingView(BrowserView):
    """The landing page: each visible block rendered in the folder's order."""

    def blocks(self) -> list[str]:
        rendered = []
        for block in self.context.listFolderContents():
            if IPageBlock.providedBy(block):
                rendered.append(block.restrictedTraverse("@@block")())
        return rendered


class BlockView(BrowserView):
    """One page block as a part of its landing page."""

    def heading_id(self) -> str:
        return f"block-{self.context.getId()}"


class HeroBlockView(BlockView):
    def image_url(self) -> str | None:
        if not self.context.image:
            return None
        return f"{self.context.absolute_url()}/@@images/image/huge"

    def image_alt(self) -> str:
        return "" if self.context.image_decorative else self.context.image_alt or ""


class TeaserListBlockView(BlockView):
    def items(self) -> list[dict]:
        root = api.portal.get_navigation_root(self.context)
        brains = api.content.find(
            context=root,
            portal_type=TEASER_TYPES[self.context.show],
            review_state="published",
            sort_on="effective",
            sort_order="descending",
            sort_limit=self.context.count,
        )[: self.context.count]
        return [
            {
                "title": brain.Title,
                "description": brain.Description,
                "url": brain.getURL(),
                "date": brain.effective,
            }
            for brain in brains
        ]


class HighlightsBlockView(BlockView):
    def items(self) -> list[dict]:
        items = []
        for relation in self.context.items or ():
            target = relation.to_object
            if target is None or not api.user.has_permission("View", obj=target):
                continue
            items.append(
                {
                    "title": target.Title(),
                    "description": target.Description(),
                    "url": target.absolute_url(),
                }
            )
        return items


class FormBlockView(BlockView):
    def form(self) -> str:
        target = self.context.form.to_object if self.context.form else None
        if target is None or not api.user.has_permission("View", obj=target):
            return ""
        return target.restrictedTraverse("@@embedded")()


class BlockRedirect(BrowserView):
    def __call__(self):
        page = self.context.__parent__
        target = f"{page.absolute_url()}#block-{self.context.getId()}"
        self.request.response.redirect(target)
        return ""
