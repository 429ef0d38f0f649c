"""Pages of the Mediatheek: search, bulk upload, an item, and items on pages.

The search page (``@@zoeken``, the library's default view) and the upload page
(``@@uploaden``) work without JavaScript: plain forms, links for facets and
paging. Where an item is placed on a site's page (a media block, a news
item's image) it is rendered by :class:`MediaFigure`, with the photo's scales
in ``srcset`` and its credit line; an item a visitor may not see (retracted,
expired) is left out, and the page's editors get a warning in its place.
"""

from plone import api
from plone.app.layout.viewlets.common import ViewletBase
from plone.protect.authenticator import check as check_csrf_token
from pro import _
from pro.media.content import LICENCES
from pro.media.exceptions import SearchInvalid
from pro.media.ingest import ingest_many
from pro.media.search import FACET_LABELS
from pro.media.search import search_media
from pro.media.search import value_label
from pro.media.services import csrf_protected
from pro.media.services import uploaded_files
from pro.media.usage import check_rights_expiry
from pro.media.usage import expires_soon
from pro.media.usage import pages_using
from pro.media.usage import referenced_item
from Products.Five.browser import BrowserView
from zExceptions import Forbidden


CREDIT_PREFIX = {
    "photo": _("credit_photo", default="Photo"),
    "video": _("credit_video", default="Video"),
    "audio": _("credit_audio", default="Audio"),
}
SORT_LABELS = {
    "relevance": _("sort_relevance", default="Best match"),
    "newest": _("sort_newest", default="Newest first"),
    "oldest": _("sort_oldest", default="Oldest first"),
    "title": _("sort_title", default="Title"),
    "made": _("sort_made", default="Year made"),
}


# How a licence is named in a credit line; reserved rights are not named.
LICENCE_CREDITS = {
    "CC0-1.0": "CC0",
    "CC-BY-4.0": "CC BY 4.0",
    "CC-BY-SA-4.0": "CC BY-SA 4.0",
}
SIZES = "(min-width: 768px) 720px, 100vw"


def credit_line(item) -> str:
    """``Anna Fotograaf / Rijkswaterstaat, CC BY 4.0``: maker, holder, licence."""
    names = [item.maker] if item.maker else []
    if item.copyright_holder and item.copyright_holder != item.maker:
        names.append(item.copyright_holder)
    parts = [" / ".join(names)] if names else []
    if item.licence in LICENCE_CREDITS:
        parts.append(LICENCE_CREDITS[item.licence])
    return ", ".join(parts)


def srcset_tag(item, css_class: str | None = None) -> str | None:
    """The item's image (a photo, or a video's poster) with its scales."""
    if not getattr(item, "image", None):
        return None
    return item.restrictedTraverse("@@images").srcset(
        "image",
        sizes=SIZES,
        alt=getattr(item, "alt_text", None) or "",
        title=None,
        css_class=css_class,
    )


def visible_to_visitors(item) -> bool:
    """Published and within its rights: what a site's visitor may be shown."""
    return api.content.get_state(item, default=None) == "published" and not (
        item.rights_expired()
    )


class MediaSearchView(BrowserView):
    """``@@zoeken``: the library's search page with facets."""

    def __call__(self):
        self.error = None
        try:
            self.found = search_media(self.context, self.request.form)
        except SearchInvalid as invalid:
            self.request.response.setStatus(400)
            self.error = invalid
            self.found = search_media(self.context, {})
        return self.index()

    def facet_label(self, name: str):
        return FACET_LABELS[name]

    def value_label(self, name: str, value: str):
        return value_label(name, value)

    def sort_options(self) -> list[dict]:
        return [
            {"value": value, "label": label, "selected": value == self.found.sort}
            for value, label in SORT_LABELS.items()
        ]

    def results(self) -> list[dict]:
        found = []
        for brain in self.found.batch:
            url = brain.getURL()
            found.append(
                {
                    "title": brain.Title,
                    "description": brain.Description,
                    "url": url,
                    "kind": value_label("kind", brain.media_kind),
                    "maker": brain.media_maker,
                    "thumbnail": None
                    if brain.portal_type == "MediaAudio"
                    else f"{url}/@@images/image/thumb",
                }
            )
        return found

    def can_upload(self) -> bool:
        return api.user.has_permission("pro.media: Add media", obj=self.context)


class MediaUploadView(BrowserView):
    """``@@uploaden``: many files at once into the inbox, without JavaScript."""

    def __call__(self):
        self.outcomes = []
        self.csrf_failed = False
        self.no_files = False
        if self.request.method == "POST":
            self._receive()
        return self.index()

    def _receive(self) -> None:
        try:
            check_csrf_token(self.request)
        except Forbidden:
            self.request.response.setStatus(403)
            self.csrf_failed = True
            return
        uploads = uploaded_files(self.request)
        if not uploads:
            self.request.response.setStatus(400)
            self.no_files = True
            return
        self.outcomes = ingest_many(self.context, uploads)
        if not self.accepted():
            self.request.response.setStatus(400)

    def accepted(self) -> list:
        return [outcome for outcome in self.outcomes if outcome.ok]

    def refused(self) -> list:
        return [outcome for outcome in self.outcomes if not outcome.ok]

    def inbox(self) -> list:
        """The inbox items this user may see: their own, or all for curators."""
        return api.content.find(
            context=self.context,
            review_state="inbox",
            sort_on="created",
            sort_order="descending",
        )[:50]


class MediaItemView(BrowserView):
    """An item's own page: the media, its metadata, downloads, where used."""

    def credit(self) -> str:
        return credit_line(self.context)

    def licence_label(self):
        return LICENCES.get(self.context.licence, self.context.licence)

    def image_tag(self) -> str | None:
        return srcset_tag(self.context, "pro-media__image")

    def scales(self) -> list[dict]:
        """Ready sizes a photo can be downloaded in."""
        if self.context.kind != "photo" or not self.context.image:
            return []
        images = self.context.restrictedTraverse("@@images")
        width = self.context.width or 0
        found = []
        for name, (scale_width, _height) in sorted(
            images.available_sizes.items(), key=lambda pair: pair[1][0]
        ):
            if scale_width < width and name in ("preview", "large", "huge", "great"):
                scale = images.scale("image", scale=name)
                if scale is not None:
                    found.append({"name": name, "url": scale.url, "width": scale.width})
        return found

    def download_url(self) -> str:
        return f"{self.context.absolute_url()}/@@download"

    def used_on(self) -> list[dict]:
        """Pages placing this item that the current user may see."""
        return [
            {"title": page.Title(), "url": page.absolute_url()}
            for page in pages_using(self.context)
            if api.user.has_permission("View", obj=page)
        ]

    def rights_warning(self) -> bool:
        return expires_soon(self.context)

    def rights_expired(self) -> bool:
        return self.context.rights_expired()


class MediaFigure(BrowserView):
    """A Mediatheek item as placed on a page: media, caption, credit line."""

    def __call__(self, heading_id: str | None = None):
        self.heading_id = heading_id
        return self.index()

    def image_tag(self) -> str | None:
        return srcset_tag(self.context, "pro-figure__image")

    def credit(self) -> str:
        return credit_line(self.context)

    def credit_prefix(self):
        return CREDIT_PREFIX[self.context.kind]


# Who is warned on a page: its team, also once a published page is closed
# to changes by its plain editors.
PAGE_TEAM_ROLES = frozenset(
    {"Owner", "Editor", "Reviewer", "Site Owner", "Manager", "Site Administrator"}
)


def is_page_editor(page) -> bool:
    if api.user.is_anonymous():
        return False
    return bool(PAGE_TEAM_ROLES & set(api.user.get_roles(obj=page)))


class _PlacedMedia:
    """What a page shows of the item it references."""

    def _placed(self, relation) -> dict | None:
        item = referenced_item(relation)
        editor = is_page_editor(self.context)
        if item is None:
            return None
        if visible_to_visitors(item):
            warning = editor and expires_soon(item)
            return {
                "figure": item.restrictedTraverse("@@media-figure")(),
                "warning": _warning_soon(item) if warning else None,
            }
        if editor:
            return {"figure": None, "warning": _warning_gone(item)}
        return None


def _warning_soon(item):
    return _(
        "warning_media_expires",
        default="The rights of the Mediatheek item '${title}' expire on "
        "${date}; from then on it is no longer shown here. Choose another.",
        mapping={"title": item.title, "date": item.rights_expiry.isoformat()},
    )


def _warning_gone(item):
    return _(
        "warning_media_gone",
        default="The Mediatheek item '${title}' is no longer available (its "
        "rights expired or it was retracted) and is not shown to visitors. "
        "Choose another.",
        mapping={"title": item.title},
    )


class MediaBlockView(BrowserView, _PlacedMedia):
    """The media block on its landing page."""

    def heading_id(self) -> str:
        return f"block-{self.context.getId()}"

    def placed(self) -> dict | None:
        return self._placed(self.context.media)


class MediaImageViewlet(ViewletBase, _PlacedMedia):
    """A news item's Mediatheek image, above its text."""

    def update(self) -> None:
        super().update()
        relation = getattr(self.context, "media_image", None)
        self.shown = self._placed(relation) if relation else None


class ExpiryCheckView(BrowserView):
    """``@@media-expiry-check``: run the daily rights check (POST, with token).

    A cron job calls it with a platform administrator's credentials; it
    answers one line per item taken off the sites.
    """

    def __call__(self):
        if self.request.method != "POST":
            self.request.response.setStatus(405)
            return "Send a POST request to run the check.\n"
        if not csrf_protected(self.request):
            raise Forbidden("Send the CSRF token or an Authorization header.")
        expired = check_rights_expiry(api.portal.get())
        self.request.response.setHeader("Content-Type", "text/plain; charset=utf-8")
        lines = [
            f"{event.item.absolute_url()}: used on {len(event.pages)} pages"
            for event in expired
        ]
        return "\n".join([f"{len(expired)} items expired", *lines]) + "\n"
