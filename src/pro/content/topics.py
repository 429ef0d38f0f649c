"""Topics: the site's own subjects that news, publications and questions are
filed under.

An item stores the UIDs of its topics, so renaming a topic changes nothing on
the items filed under it. The vocabulary offers the Topic items of the current
site or language (its navigation root) only, so an editor never files an item
under another organisation's topic.
"""

from plone import api
from pro import _
from zope import schema
from zope.globalrequest import getRequest
from zope.interface import Interface
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


TOPICS_VOCABULARY = "pro.content.topics"


class ITopical(Interface):
    """Content with a ``topics`` field: the UIDs of the Topic items it is
    filed under. The catalog indexes them as ``topic_uids``."""


def topics_field() -> schema.List:
    """A new ``topics`` field; each schema that files content by topic has
    its own, so it can place it where its editors expect it."""
    return schema.List(
        title=_("label_topics", default="Topics"),
        description=_(
            "help_topics",
            default="The topics of this site the item belongs to; it is shown "
            "on the page of each topic you choose.",
        ),
        value_type=schema.Choice(vocabulary=TOPICS_VOCABULARY),
        required=False,
        defaultFactory=list,
        missing_value=[],
    )


@provider(IVocabularyFactory)
def topics_vocabulary(context) -> SimpleVocabulary:
    """The Topic items of the navigation root ``context`` is in, by title."""
    root = _navigation_root(context)
    if root is None:
        return SimpleVocabulary([])
    brains = api.content.find(
        context=root, portal_type="Topic", sort_on="sortable_title"
    )
    return SimpleVocabulary(
        [SimpleTerm(brain.UID, brain.UID, brain.Title) for brain in brains]
    )


def visible_topics(uids) -> list:
    """Catalog brains of the topics ``uids`` that the current user may see,
    by title; a deleted or unpublished topic is left out."""
    uids = [uid for uid in uids or () if uid]
    if not uids:
        return []
    return list(
        api.content.find(portal_type="Topic", UID=uids, sort_on="sortable_title")
    )


def filed_under(topic, portal_types, limit: int | None = None) -> list:
    """What the current user may see of ``portal_types`` filed under ``topic``
    within its navigation root, newest first."""
    root = api.portal.get_navigation_root(topic)
    query = {
        "context": root,
        "portal_type": list(portal_types),
        "topic_uids": topic.UID(),
        "sort_on": "document_date",
        "sort_order": "reverse",
    }
    if limit:
        query["sort_limit"] = limit
    brains = api.content.find(**query)
    return list(brains[:limit] if limit else brains)


def _navigation_root(context):
    # Add forms and REST calls may hand the vocabulary a context that is not
    # yet in the content tree; the published view's context is.
    if not hasattr(context, "getPhysicalPath"):
        request = getRequest()
        published = request.get("PUBLISHED") if request is not None else None
        context = getattr(published, "context", None)
    if not hasattr(context, "getPhysicalPath"):
        return None
    return api.portal.get_navigation_root(context)
