"""Search the Mediatheek: full text over all metadata, facets with counts.

One function, :func:`search_media`, serves the search page and
``GET @media-search`` alike. Its parameters (query string or form):

``SearchableText``
    words to find in any metadata field (title, caption, maker, place, ...).
``kind``, ``maker``, ``organisation``, ``year``, ``subject``, ``licence``,
``orientation``
    one value each, as offered by the facets.
``sort_on``
    ``relevance`` (the default with words), ``newest`` (the default without),
    ``oldest``, ``title`` or ``made`` (year made, newest first).
``b_start``, ``b_size``
    paging: the first result (from 0) and the page size (1 to 100, default 20).

Results are what the searcher may see (published items, plus the inbox
items a curator or their own uploader sees, with ``review_state=inbox``);
items whose rights have expired are left out for everyone who may not see
inactive content. Facet counts are taken over the whole result, not only the
page, from the facet indexes themselves (see :func:`_count_values`), never by
loading the results' metadata; the result set is found once, and the page is
sorted from it.
"""

from BTrees.IIBTree import IISet
from BTrees.IIBTree import intersection
from collections import Counter
from dataclasses import dataclass
from DateTime import DateTime
from itertools import chain
from plone import api
from plone.batching import Batch
from pro import _
from pro.media.content import KIND_OF_TYPE
from pro.media.content import LICENCES
from pro.media.content import MEDIA_TYPES
from pro.media.exceptions import SearchInvalid
from Products.CMFCore.indexing import processQueue
from Products.CMFCore.permissions import AccessInactivePortalContent
from Products.CMFCore.utils import getToolByName
from Products.PluginIndexes.interfaces import ILimitedResultIndex
from urllib.parse import urlencode
from zope.i18n import translate
import re


FACETS = {
    "kind": "media_kind",
    "maker": "media_maker",
    "organisation": "media_organisation",
    "year": "media_year",
    "subject": "Subject",
    "licence": "media_licence",
    "orientation": "media_orientation",
}
FACET_LABELS = {
    "kind": _("facet_media_kind", default="Kind"),
    "maker": _("facet_media_maker", default="Maker"),
    "organisation": _("facet_media_organisation", default="Organisation"),
    "year": _("facet_media_year", default="Year made"),
    "subject": _("facet_media_subject", default="Subject"),
    "licence": _("facet_media_licence", default="Licence"),
    "orientation": _("facet_media_orientation", default="Orientation"),
}
VALUE_LABELS = {
    "kind": {
        "photo": _("kind_photo", default="Photo"),
        "video": _("kind_video", default="Video"),
        "audio": _("kind_audio", default="Audio"),
    },
    "licence": LICENCES,
    "orientation": {
        "landscape": _("orientation_landscape", default="Landscape"),
        "portrait": _("orientation_portrait", default="Portrait"),
        "square": _("orientation_square", default="Square"),
    },
}
SORTS = {
    "relevance": None,
    "newest": ("created", "descending"),
    "oldest": ("created", "ascending"),
    "title": ("sortable_title", "ascending"),
    "made": ("media_year", "descending"),
}
STATES = ("published", "inbox")
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_TEXT = 500
WORD = re.compile(r"\w+")
OPERATORS = ("AND", "OR", "NOT")
# Up to this many values a facet is counted by set intersections.
FEW_VALUES = 10
# The most frequent values a facet offers; the rest are reached by search.
FACET_VALUES = 25


@dataclass
class MediaSearch:
    """One page of results with the facets of the whole result."""

    context: object
    text: str
    chosen: dict[str, str]
    state: str
    sort: str
    batch: Batch
    total: int
    facets: dict[str, list[tuple[str, int]]]

    def facet_url(self, name: str, value: str) -> str:
        """This search with facet ``name`` set to ``value`` (or cleared)."""
        return self.url(**{name: value, "b_start": ""})

    def url(self, **changes) -> str:
        parameters = {
            "SearchableText": self.text,
            **self.chosen,
            "sort_on": self.sort if self.sort != self.default_sort else "",
            "review_state": self.state if self.state != "published" else "",
            **changes,
        }
        query = urlencode({key: value for key, value in parameters.items() if value})
        return f"{self.context.absolute_url()}/@@zoeken" + (
            f"?{query}" if query else ""
        )

    @property
    def default_sort(self) -> str:
        return "relevance" if self.text else "newest"

    def as_json(self, request) -> dict:
        return {
            "@id": _request_url(request),
            "items_total": self.total,
            "b_start": self.batch.first,
            "b_size": self.batch.pagesize,
            "sort_on": self.sort,
            "items": [result_json(brain) for brain in self.batch],
            "facets": {
                name: [
                    {
                        "value": value,
                        "label": _label_text(name, value, request),
                        "count": count,
                        "chosen": self.chosen.get(name) == value,
                    }
                    for value, count in values
                ]
                for name, values in self.facets.items()
            },
        }


def _label_text(name: str, value: str, request) -> str:
    label = value_label(name, value)
    # Only kinds, licences and orientations have labels to translate; a
    # maker's or subject's value is its own label.
    return translate(label, context=request) if label is not value else value


def search_media(mediatheek, form) -> MediaSearch:
    """Search ``mediatheek`` with the parameters in ``form``.

    :raises SearchInvalid: naming the parameter, for a value out of range.
    """
    text, chosen, state, sort, start, size = _parameters(form)
    catalog = getToolByName(mediatheek, "portal_catalog")
    query = _query(mediatheek, catalog, text, chosen, state)

    matching = _matching(catalog, query)
    facets = _facet_counts(catalog, matching)
    brains = _ordered(catalog, query, matching, sort, limit=start + size)
    batch = Batch(brains, size, start)
    return MediaSearch(
        context=mediatheek,
        text=text,
        chosen=chosen,
        state=state,
        sort=sort,
        batch=batch,
        total=len(matching),
        facets=facets,
    )


def _request_url(request) -> str:
    query = request.get("QUERY_STRING")
    return request.getURL() + (f"?{query}" if query else "")


def value_label(name: str, value: str):
    return VALUE_LABELS.get(name, {}).get(value, value)


def result_json(brain) -> dict:
    url = brain.getURL()
    return {
        "@id": url,
        "UID": brain.UID,
        "@type": brain.portal_type,
        "kind": KIND_OF_TYPE.get(brain.portal_type),
        "title": brain.Title,
        "description": brain.Description,
        "maker": brain.media_maker or None,
        "licence": brain.media_licence or None,
        "review_state": brain.review_state,
        "thumbnail": f"{url}/@@images/image/thumb"
        if brain.portal_type != "MediaAudio"
        else None,
        "download": f"{url}/@@download",
    }


def _parameters(form) -> tuple:
    def single(name: str) -> str:
        value = form.get(name) or ""
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        return str(value).strip()

    text = single("SearchableText") or single("q")
    if len(text) > MAX_TEXT:
        raise SearchInvalid("SearchableText", f"Use at most {MAX_TEXT} characters.")
    chosen = {name: single(name) for name in FACETS if single(name)}
    if "year" in chosen and not chosen["year"].isdigit():
        raise SearchInvalid("year", "Give the year as four digits, such as 2024.")
    state = single("review_state") or "published"
    if state not in STATES:
        raise SearchInvalid("review_state", "Use published or inbox.")
    sort = single("sort_on") or ("relevance" if text else "newest")
    if sort not in SORTS:
        raise SearchInvalid("sort_on", f"Use one of: {', '.join(SORTS)}.")
    start = _number(single("b_start"), "b_start", 0, 0, 10**9)
    size = _number(single("b_size"), "b_size", PAGE_SIZE, 1, MAX_PAGE_SIZE)
    return text, chosen, state, sort, start, size


def _number(value: str, name: str, default: int, low: int, high: int) -> int:
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise SearchInvalid(name, f"Give a whole number from {low} to {high}.")
    return int(value)


def _query(mediatheek, catalog, text, chosen, state) -> dict:
    """The catalog query, with the security filters Plone's search adds."""
    query = {
        "path": "/".join(mediatheek.getPhysicalPath()),
        "portal_type": list(MEDIA_TYPES),
        "review_state": state,
        "allowedRolesAndUsers": catalog._listAllowedRolesAndUsers(
            api.user.get_current()
        ),
    }
    if not api.user.has_permission(AccessInactivePortalContent, obj=mediatheek):
        query["effectiveRange"] = DateTime()
    if text and _text_query(text):
        query["SearchableText"] = _text_query(text)
    for name, value in chosen.items():
        query[FACETS[name]] = int(value) if name == "year" else value
    return query


def _text_query(text: str) -> str | None:
    """Every word must match, each also as a prefix ("dijk" finds "dijken").

    Only letters and digits are passed on, so nothing a searcher types is
    read as the text index's query syntax (operators, quotes, brackets).
    """
    words = WORD.findall(text)
    if not words:
        return None
    return " AND ".join(
        f'"{word}"' if word.upper() in OPERATORS else f"{word}*" for word in words
    )


def _ordered(catalog, query: dict, matching: IISet, sort: str, limit: int):
    """The matching records in the chosen order, as lazy brains.

    Ordered by an index, the set found once is sorted by ZCatalog's own
    sorting; ordered by relevance, the catalog searches again, for the text
    index's scores.
    """
    if not matching:
        return []
    chosen = SORTS[sort]
    if chosen is None:
        # The security filters are in the query already, as in _matching.
        return catalog.unrestrictedSearchResults(**query)
    records = catalog._catalog
    return records.sortResults(
        matching,
        records.getIndex(chosen[0]),
        reverse=chosen[1] == "descending",
        limit=limit,
        actual_result_count=len(matching),
    )


def _matching(catalog, query: dict) -> IISet:
    """The record ids matching ``query``, as one set.

    Each index applies its part of the query (``_apply_index`` is the
    index API ZCatalog's own search is built on); a text index answers
    scores, of which only the ids count here. The page itself comes from an
    ordinary catalog search with the same query, which sorts.
    """
    # Catalog searches first index what this transaction changed; the
    # indexes are read directly here, so that is done first here too.
    processQueue()
    found = None
    for name in sorted(query, key=_selectivity):
        value = query[name]
        index = catalog._catalog.getIndex(name)
        # An index that can narrow what was found so far is given it; that
        # makes the wide ones (security, dates) cheap.
        if ILimitedResultIndex.providedBy(index) and found is not None:
            applied = index._apply_index({name: value}, found)
        else:
            applied = index._apply_index({name: value})
        if applied is None:
            continue
        ids = applied[0]
        if hasattr(ids, "items"):
            ids = IISet(ids.keys())
        found = ids if found is None else intersection(found, ids)
        if not found:
            return IISet()
    return IISet(found) if found is not None else IISet()


# Narrow first with what selects few records, last with what selects most.
WIDE_INDEXES = (
    "portal_type",
    "review_state",
    "path",
    "allowedRolesAndUsers",
    "effectiveRange",
)


def _selectivity(name: str) -> int:
    return WIDE_INDEXES.index(name) + 1 if name in WIDE_INDEXES else 0


def _facet_counts(catalog, matching: IISet) -> dict[str, list[tuple[str, int]]]:
    if not matching:
        return {}
    facets = {}
    for name, index_id in FACETS.items():
        index = catalog._catalog.getIndex(index_id)
        counts = [
            (str(value), count)
            for value, count in _count_values(index, matching).items()
            if count and value not in ("", None)
        ]
        if name == "year":
            counts.sort(reverse=True)
        else:
            counts.sort(key=lambda pair: (-pair[1], pair[0]))
        if counts:
            facets[name] = counts[:FACET_VALUES]
    return facets


def _count_values(index, matching: IISet) -> Counter:
    """How many of the matching records hold each value of a Field- or
    KeywordIndex.

    With few values, each value's record set (``_index``) is intersected with
    the result; with many, each result's values (``_unindex``) are looked up
    once instead. Both loops run in C (BTrees, ``Counter``, ``map``).
    """
    if index.indexSize() <= FEW_VALUES:
        counts = Counter()
        for value, documents in index._index.items():
            if isinstance(documents, int):
                counts[value] = 1 if documents in matching else 0
            else:
                counts[value] = len(intersection(matching, documents))
        return counts
    found = map(index._unindex.get, matching)
    if index.meta_type == "KeywordIndex":
        return Counter(chain.from_iterable(filter(None, found)))
    return Counter(found)
