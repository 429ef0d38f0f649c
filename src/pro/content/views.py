"""The pages visitors get from the building blocks.

Every list comes from the catalog with the visitor's own permissions, so a
draft, an item before its publication date and an expired item stay out of
sight of everyone who may not see them, on every page alike. Listings read
catalog metadata; only the people overview wakes its items, for the role and
portrait that the catalog does not hold.
"""

from dataclasses import dataclass
from plone import api
from plone.app.layout.viewlets.common import ViewletBase
from plone.base.interfaces.syndication import IFeedSettings
from plone.base.utils import safe_text
from plone.batching import Batch
from plone.memoize.view import memoize
from pro import _
from pro.content.behaviors import INewsDetails
from pro.content.content import PUBLICATION_TYPES
from pro.content.topics import filed_under
from pro.content.topics import topics_vocabulary
from pro.content.topics import visible_topics
from pro.platform.blocks import BLOCKS
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zope.component import queryMultiAdapter
from zope.i18n import translate


# Short names of the file formats governments publish in, for the text next
# to a download link; other formats show their file extension.
FORMAT_NAMES = {
    "application/pdf": "PDF",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.ms-powerpoint": "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "PowerPoint"
    ),
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/vnd.oasis.opendocument.presentation": "ODP",
    "text/csv": "CSV",
    "text/plain": "TXT",
    "application/zip": "ZIP",
    "application/json": "JSON",
    "application/xml": "XML",
    "text/xml": "XML",
}

# The blocks whose items a topic page gathers, in the order it shows them.
TOPIC_SECTIONS = (
    ("news", ("News Item",), _("heading_topic_news", default="News")),
    (
        "publications",
        ("Publication",),
        _("heading_topic_publications", default="Publications"),
    ),
    ("faq", ("Question",), _("heading_topic_questions", default="Questions")),
)
TOPIC_SECTION_SIZE = 5


@dataclass(frozen=True)
class FilterOption:
    """One choice in a listing's filter, with the number of items it finds."""

    value: str
    title: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Download:
    """A file of a publication as its download link shows it."""

    title: str
    url: str
    format: str
    size: str


def format_name(mime_type: str | None, file_name: str) -> str:
    """A short name for a file's format, such as "PDF" or "Word"."""
    if mime_type in FORMAT_NAMES:
        return FORMAT_NAMES[mime_type]
    extension = file_name.rpartition(".")[2] if "." in file_name else ""
    if extension:
        return extension.upper()
    return (mime_type or "").rpartition("/")[2].upper() or "?"


def localized_date(value) -> str:
    """A date as the visitor's language writes it, without the time."""
    if not value:
        return ""
    return api.portal.get_localized_time(datetime=value, long_format=False)


def _path(context) -> str:
    return "/".join(context.getPhysicalPath())


class BlockListing(BrowserView):
    """A block folder's listing: newest first, filtered by the request's
    ``topic``, ``year`` (and for publications ``type``), paged.

    A filter value that is not one of the offered choices is ignored, so an
    old or mistyped link still shows the listing.
    """

    portal_types: tuple[str, ...] = ()
    filters: tuple[str, ...] = ("topic", "year")
    sort_on = "document_date"
    page_size = 10

    # Request parameter: catalog index.
    indexes = {
        "topic": "topic_uids",
        "year": "document_year",
        "type": "publication_type",
    }

    def base_query(self) -> dict:
        return {"path": _path(self.context), "portal_type": list(self.portal_types)}

    @memoize
    def chosen(self) -> dict:
        """The filters the request sets, with values the catalog can use."""
        form = self.request.form
        chosen = {}
        if "topic" in self.filters and form.get("topic") in self._topic_titles():
            chosen["topic"] = form["topic"]
        if "year" in self.filters and str(form.get("year", "")).isdigit():
            chosen["year"] = int(form["year"])
        if "type" in self.filters and form.get("type") in PUBLICATION_TYPES:
            chosen["type"] = form["type"]
        return chosen

    def query(self, leave_out: str | None = None) -> dict:
        query = self.base_query()
        for name, value in self.chosen().items():
            if name != leave_out:
                query[self.indexes[name]] = value
        return query

    @memoize
    def batch(self) -> Batch:
        brains = api.content.find(
            **self.query(), sort_on=self.sort_on, sort_order="reverse"
        )
        return Batch(brains, self.page_size, start=self._start())

    def items(self) -> list[dict]:
        return [self.describe(brain) for brain in self.batch()]

    def describe(self, brain) -> dict:
        scales = brain.image_scales or {}
        return {
            "title": brain.Title,
            "url": brain.getURL(),
            "description": brain.Description,
            "date": localized_date(brain.document_date),
            "iso_date": brain.document_date.ISO8601() if brain.document_date else "",
            "image": f"{brain.getURL()}/@@images/image/thumb"
            if "image" in scales
            else None,
            "type": self._type_title(brain.publication_type),
        }

    def filter_groups(self) -> list[dict]:
        """The filters to show, each with the choices that find something."""
        makers = {
            "type": (_("filter_type", default="Type"), self._type_options),
            "topic": (_("filter_topic", default="Topic"), self._topic_options),
            "year": (_("filter_year", default="Year"), self._year_options),
        }
        groups = []
        for name in self.filters:
            title, make = makers[name]
            options = make()
            if options:
                groups.append({"name": name, "title": title, "options": options})
        return groups

    def is_filtered(self) -> bool:
        return bool(self.chosen())

    def feed_url(self) -> str | None:
        settings = IFeedSettings(self.context, None)
        if settings is None or not settings.enabled:
            return None
        return f"{self.context.absolute_url()}/rss.xml"

    def _options(self, name: str, values) -> list[FilterOption]:
        query = self.query(leave_out=name)
        selected = self.chosen().get(name)
        options = []
        for value, title in values:
            count = len(api.content.find(**query, **{self.indexes[name]: value}))
            if count or value == selected:
                options.append(
                    FilterOption(str(value), title, count, value == selected)
                )
        return options

    def _topic_options(self) -> list[FilterOption]:
        return self._options("topic", self._topic_titles().items())

    def _year_options(self) -> list[FilterOption]:
        catalog = api.portal.get_tool("portal_catalog")
        years = sorted(catalog.uniqueValuesFor("document_year"), reverse=True)
        return self._options("year", [(year, str(year)) for year in years])

    def _type_options(self) -> list[FilterOption]:
        return self._options("type", PUBLICATION_TYPES.items())

    @memoize
    def _topic_titles(self) -> dict[str, str]:
        return {term.value: term.title for term in topics_vocabulary(self.context)}

    def _type_title(self, value) -> str:
        title = PUBLICATION_TYPES.get(value) if isinstance(value, str) else None
        return translate(title, context=self.request) if title else ""

    def _start(self) -> int:
        start = str(self.request.form.get("b_start", "0"))
        return int(start) if start.isdigit() else 0


class NewsListing(BlockListing):
    """The news block's folder: news items, newest first."""

    portal_types = ("News Item",)
    sort_on = "effective"


class PublicationListing(BlockListing):
    """The publications block's folder, filtered by type, topic and year."""

    portal_types = ("Publication",)
    filters = ("type", "topic", "year")


class FaqListing(BrowserView):
    """The questions of a folder, grouped by topic, with a group for the
    questions without a topic at the end; a question filed under two topics
    is in both groups."""

    @memoize
    def groups(self) -> list[dict]:
        questions = api.content.find(
            path=_path(self.context), portal_type="Question", sort_on="sortable_title"
        )
        uids = {uid for brain in questions for uid in brain.topic_uids or ()}
        topics = visible_topics(uids)
        by_topic = {topic.UID: [] for topic in topics}
        loose = []
        for brain in questions:
            own = [uid for uid in brain.topic_uids or () if uid in by_topic]
            for uid in own:
                by_topic[uid].append(brain)
            if not own:
                loose.append(brain)

        groups = [
            {
                "id": f"topic-{topic.UID}",
                "title": topic.Title,
                "url": topic.getURL(),
                "questions": by_topic[topic.UID],
            }
            for topic in topics
            if by_topic[topic.UID]
        ]
        if loose:
            groups.append(
                {
                    "id": "other-questions",
                    "title": translate(
                        _("heading_other_questions", default="Other questions"),
                        context=self.request,
                    ),
                    "url": None,
                    "questions": loose,
                }
            )
        return groups


class PeopleOverview(BrowserView):
    """The people of a folder by their sort order, then by name."""

    def people(self) -> list[dict]:
        brains = api.content.find(
            path=_path(self.context),
            portal_type="Person",
            sort_on=("person_order", "sortable_title"),
        )
        people = []
        for brain in brains:
            person = brain.getObject()
            people.append(
                {
                    "name": brain.Title,
                    "url": brain.getURL(),
                    "role": person.role,
                    "portrait": f"{brain.getURL()}/@@images/portrait/thumb"
                    if person.portrait
                    else None,
                }
            )
        return people


class TopicOverview(BrowserView):
    """The topics of a folder by title, each with its introduction."""

    def topics(self) -> list:
        return list(
            api.content.find(
                path=_path(self.context), portal_type="Topic", sort_on="sortable_title"
            )
        )


class PublicationView(BrowserView):
    """A publication with a download link per file, format and size beside it."""

    def publication_type(self) -> str:
        title = PUBLICATION_TYPES.get(self.context.publication_type)
        return translate(title, context=self.request) if title else ""

    def date(self) -> str:
        return localized_date(self.context.publication_date)

    def downloads(self) -> list[Download]:
        brains = api.content.find(
            path={"query": _path(self.context), "depth": 1},
            portal_type="File",
            sort_on="getObjPositionInParent",
        )
        return [
            Download(
                title=brain.Title or brain.getId,
                url=f"{brain.getURL()}/@@download/file",
                format=format_name(brain.mime_type, brain.getId),
                size=brain.getObjSize or "",
            )
            for brain in brains
        ]


class TopicView(BrowserView):
    """A topic page: its text, what is filed under it per block, and the
    items chosen as related."""

    def sections(self) -> list[dict]:
        root = api.portal.get_navigation_root(self.context)
        language = self.context.Language() or root.Language() or "nl"
        sections = []
        for block, portal_types, title in TOPIC_SECTIONS:
            brains = filed_under(self.context, portal_types, TOPIC_SECTION_SIZE + 1)
            if not brains:
                continue
            folder = BLOCKS[block].folder(language)
            more = None
            if len(brains) > TOPIC_SECTION_SIZE and folder.id in root.objectIds():
                more = f"{root[folder.id].absolute_url()}?topic={self.context.UID()}"
            sections.append(
                {
                    "id": block,
                    "title": title,
                    "entries": [
                        {
                            "title": brain.Title,
                            "url": brain.getURL(),
                            "description": brain.Description,
                            "date": localized_date(brain.document_date),
                        }
                        for brain in brains[:TOPIC_SECTION_SIZE]
                    ],
                    "more": more,
                }
            )
        return sections

    def related(self) -> list:
        return visible_related(self.context)


class DossierView(BrowserView):
    """A dossier page: its text and one timeline, oldest first, of the items
    inside it and the items chosen as related."""

    def timeline(self) -> list[dict]:
        inside = api.content.find(
            path={"query": _path(self.context), "depth": 1},
            portal_type=_timeline_types(),
        )
        seen = set()
        entries = []
        for brain in [*inside, *visible_related(self.context)]:
            if brain.UID in seen:
                continue
            seen.add(brain.UID)
            entries.append(brain)
        entries.sort(key=lambda brain: brain.document_date or brain.created)
        return [
            {
                "title": brain.Title,
                "url": brain.getURL(),
                "description": brain.Description,
                "date": localized_date(brain.document_date),
                "iso_date": brain.document_date.ISO8601()
                if brain.document_date
                else "",
                "type": _type_title(brain.portal_type, self.request),
            }
            for brain in entries
        ]


class ContactPageView(BrowserView):
    """A contact page with the related form rendered in it; the form posts
    to itself, so its confirmation mail and saved data work as the form's
    editor set them up."""

    def address_lines(self) -> list[str]:
        return _lines(self.context.address)

    def hours_lines(self) -> list[str]:
        return _lines(self.context.visiting_hours)

    def phone_link(self) -> str:
        phone = self.context.phone or ""
        return "tel:" + "".join(c for c in phone if c.isdigit() or c == "+")

    def form(self) -> str:
        relation = self.context.contact_form
        target = getattr(relation, "to_object", None)
        if target is None or not api.user.has_permission("View", obj=target):
            return ""
        embedded = queryMultiAdapter((target, self.request), name="embedded")
        return embedded() if embedded is not None else ""


class PersonView(BrowserView):
    """A person's profile page."""

    def portrait(self) -> str:
        return image_tag(self.context, "portrait", "preview", self.context.Title())


class MagazineView(BrowserView):
    """A magazine's cover page: the newest issue with its cover and articles
    first, the earlier issues after. As the magazine block's folder view it
    does the same for the issues of every magazine in the folder."""

    articles_template = ViewPageTemplateFile("templates/magazine_articles.pt")

    @memoize
    def issues(self) -> list[dict]:
        brains = api.content.find(
            path=_path(self.context),
            portal_type="MagazineIssue",
            sort_on="document_date",
            sort_order="reverse",
        )
        return [_issue(brain) for brain in brains]

    def latest_articles(self) -> list[dict]:
        issues = self.issues()
        return _articles(issues[0]["path"]) if issues else []


class MagazineIssueView(BrowserView):
    """An issue's cover page: the cover, the editorial and its articles."""

    articles_template = ViewPageTemplateFile("templates/magazine_articles.pt")

    def articles(self) -> list[dict]:
        return _articles(_path(self.context))

    def cover(self) -> str:
        # The issue's title says what the cover shows.
        return image_tag(self.context, "cover", "large", "")


class ArticleView(BrowserView):
    """An article, with a link to its print version."""

    def date(self) -> str:
        return localized_date(self.context.effective_date)


class ArticlePrintView(ArticleView):
    """An article on a page of its own, without menus or the site's header,
    for printing or saving as PDF."""

    def site_title(self) -> str:
        return api.portal.get_navigation_root(self.context).Title()

    def lead_image(self) -> str:
        caption = getattr(self.context, "image_caption", None) or ""
        return image_tag(self.context, "image", "large", caption)


class TopicsViewlet(ViewletBase):
    """Under the title of an item filed by topic: its topics as links, and
    for a news item whether it is a press release."""

    def update(self) -> None:
        super().update()
        self.topics = [
            {"title": brain.Title, "url": brain.getURL()}
            for brain in visible_topics(self.context.topics)
        ]
        self.press_release = INewsDetails.providedBy(self.context) and bool(
            self.context.press_release
        )

    @property
    def available(self) -> bool:
        return bool(self.topics or self.press_release)


def image_tag(context, field_name: str, scale: str, alt: str) -> str:
    """An ``<img>`` of a scale of ``context``'s image field, or '' without one."""
    if not getattr(context, field_name, None):
        return ""
    return context.restrictedTraverse("@@images").tag(field_name, scale=scale, alt=alt)


def visible_related(context) -> list:
    """Catalog brains of ``context``'s related items the user may see."""
    uids = [
        relation.to_object.UID()
        for relation in getattr(context, "relatedItems", None) or ()
        if relation.to_object is not None
    ]
    if not uids:
        return []
    by_uid = {brain.UID: brain for brain in api.content.find(UID=uids)}
    return [by_uid[uid] for uid in uids if uid in by_uid]


def _issue(brain) -> dict:
    return {
        "title": brain.Title,
        "url": brain.getURL(),
        "path": brain.getPath(),
        "description": brain.Description,
        "date": localized_date(brain.document_date),
        "cover": f"{brain.getURL()}/@@images/cover/preview"
        if "cover" in (brain.image_scales or {})
        else None,
    }


def _articles(issue_path: str) -> list[dict]:
    brains = api.content.find(
        path={"query": issue_path, "depth": 1},
        portal_type="Article",
        sort_on="getObjPositionInParent",
    )
    return [
        {
            "title": brain.Title,
            "url": brain.getURL(),
            "description": brain.Description,
            "image": f"{brain.getURL()}/@@images/image/preview"
            if "image" in (brain.image_scales or {})
            else None,
        }
        for brain in brains
    ]


def _timeline_types() -> list[str]:
    # Images illustrate a dossier's pages; they are not a step in its history.
    types_tool = api.portal.get_tool("portal_types")
    return [name for name in types_tool.listContentTypes() if name not in ("Image",)]


def _type_title(portal_type: str, request) -> str:
    fti = api.portal.get_tool("portal_types").getTypeInfo(portal_type)
    if fti is None:
        return portal_type
    return translate(fti.Title(), domain=fti.i18n_domain, context=request)


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in safe_text(text or "").splitlines() if line.strip()]
