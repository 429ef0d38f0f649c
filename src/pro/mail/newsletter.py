"""The newsletter issue: written in the site's ``nieuwsbrief/`` folder, mailed
to the subscribers of the site's newsletter.

An issue has an intro, items chosen by hand and, when asked, the site's news
of the last week or month. Editors preview it in the browser and send a test
to themselves; whoever may send newsletters (chief editors, site owners)
sends it now or schedules it. Sending renders the issue once, as it is at
that moment, and queues one mailing in the same transaction; scheduling does
the same with a time before which the worker leaves it alone, so an issue
changed after scheduling must be scheduled again (the page says so).
"""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from plone import api
from plone.app.textfield import RichText
from plone.app.z3cform.widgets.relateditems import RelatedItemsFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Item
from plone.supermodel import model
from pro import _
from pro.mail.channels import NEWSLETTER
from pro.mail.compose import html_to_text
from pro.mail.compose import Look
from pro.mail.compose import look_for
from pro.mail.compose import mail_content
from pro.mail.compose import mail_domain
from pro.mail.compose import MailBody
from pro.mail.compose import MailItem
from pro.mail.compose import sender_for
from pro.mail.dates import long_date
from pro.mail.exceptions import IssueNotSendable
from pro.mail.outbox import cancel_mailing
from pro.mail.outbox import queue_mailing
from pro.mail.outbox import queue_message
from pro.mail.storage import mail_store
from pro.platform.settings import site_settings
from z3c.relationfield.schema import RelationChoice
from z3c.relationfield.schema import RelationList
from zope import schema
from zope.annotation.interfaces import IAnnotations
from zope.i18n import translate
from zope.interface import implementer
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary
import logging


logger = logging.getLogger("pro.mail")

STATE_KEY = "pro.mail.issue"

RECENT_NEWS = SimpleVocabulary(
    [
        SimpleTerm(0, "0", _("recent_news_none", default="No news by date")),
        SimpleTerm(7, "7", _("recent_news_week", default="News of the last 7 days")),
        SimpleTerm(
            30, "30", _("recent_news_month", default="News of the last 30 days")
        ),
    ]
)
MAX_QUERY_ITEMS = 20


class INewsletterIssue(model.Schema):
    """Title and description come from behaviors."""

    intro = RichText(
        title=_("label_newsletter_intro", default="Introduction"),
        description=_(
            "help_newsletter_intro",
            default="Opens the newsletter, below its title. Use headings from "
            "level 2 and link texts that say where they lead.",
        ),
        required=False,
    )
    items = RelationList(
        title=_("label_newsletter_items", default="Items"),
        description=_(
            "help_newsletter_items",
            default="Pages and news of this site to include, in this order. Only "
            "published items are mailed.",
        ),
        value_type=RelationChoice(vocabulary="plone.app.vocabularies.Catalog"),
        required=False,
        default=[],
    )
    directives.widget(
        "items",
        RelatedItemsFieldWidget,
        vocabulary="plone.app.vocabularies.Catalog",
    )
    recent_news = schema.Choice(
        title=_("label_newsletter_recent_news", default="News by date"),
        description=_(
            "help_newsletter_recent_news",
            default="Also include the site's news published in this period, "
            "newest first, after the items above.",
        ),
        vocabulary=RECENT_NEWS,
        required=False,
        default=0,
    )


@implementer(INewsletterIssue)
class NewsletterIssue(Item):
    """One issue of a site's newsletter."""


def issue_state(issue) -> dict:
    """``sent_at``, ``scheduled_for``, ``recipients``, ``mailing`` of an issue."""
    return dict(IAnnotations(issue).get(STATE_KEY, {}))


def channel_of(issue) -> str:
    settings = site_settings(issue)
    if settings is None or "newsletter" not in settings.blocks:
        raise IssueNotSendable(
            "This site has no newsletter block; a platform administrator can enable it."
        )
    return f"{NEWSLETTER}:{settings.site_id}"


def send_issue(issue, not_before: datetime | None = None) -> int:
    """Queue ``issue`` to every subscriber of its site's newsletter.

    :param not_before: schedule it for this moment instead of now.
    :returns: the number of recipients.
    :raises IssueNotSendable: when it was sent or scheduled already, the site
        has no newsletter, or the moment is in the past.
    """
    state = issue_state(issue)
    if state.get("sent_at") or state.get("scheduled_for"):
        raise IssueNotSendable(
            "This issue was sent or scheduled already; copy it to send it again."
        )
    channel = channel_of(issue)
    now = datetime.now(UTC)
    if not_before is not None and not_before <= now:
        raise IssueNotSendable("Choose a moment in the future to schedule it.")

    store = mail_store(api.portal.get())
    look = look_for(issue)
    recipients = store.members.get(channel, ())
    mailing = queue_mailing(
        store.outbox,
        issue_content(issue, look),
        recipients,
        channels=[channel],
        links={"base": look.site_url},
        domain=mail_domain(),
        not_before=not_before.timestamp() if not_before else None,
        title=issue.Title(),
    )
    _store_state(
        issue,
        mailing=mailing.key,
        recipients=mailing.total,
        **(
            {"scheduled_for": not_before.isoformat(timespec="minutes")}
            if not_before
            else {"sent_at": now.isoformat(timespec="seconds")}
        ),
    )
    logger.info(
        "Queued newsletter %s to %d subscriber(s)%s",
        issue.absolute_url_path(),
        mailing.total,
        f", scheduled for {not_before.isoformat()}" if not_before else "",
    )
    return mailing.total


def cancel_schedule(issue) -> None:
    """Take a scheduled issue off the queue, if it has not started."""
    state = issue_state(issue)
    if not state.get("scheduled_for"):
        raise IssueNotSendable("This issue is not scheduled.")
    store = mail_store(api.portal.get())
    if not cancel_mailing(store.outbox, state["mailing"]):
        raise IssueNotSendable("Sending has started; it can no longer be stopped.")
    IAnnotations(issue).pop(STATE_KEY, None)
    logger.info("Cancelled the schedule of %s", issue.absolute_url_path())


def send_test(issue, address: str) -> None:
    """Queue the issue, marked as a test, to ``address`` only."""
    from pro.mail.subscriptions import manage_links

    store = mail_store(api.portal.get())
    look = look_for(issue)
    content = issue_content(issue, look, test=True)
    channel = channel_of(issue)
    queue_message(
        store.outbox,
        address,
        content,
        personal=manage_links(store, address, [channel], look.site_url),
        domain=mail_domain(),
    )
    logger.info("Queued a test of %s", issue.absolute_url_path())


def issue_content(issue, look: Look | None = None, test: bool = False):
    """The issue rendered as mail in its site's look (``test`` marks the subject)."""
    look = look or look_for(issue)
    body = issue_body(issue, look, test)
    return mail_content("newsletter", look, body, sender_for(look))


def issue_body(issue, look: Look, test: bool = False) -> MailBody:
    lang = look.lang
    intro = issue.intro.output if issue.intro else ""
    subject = issue.Title()
    if test:
        label = translate(_("mail_test", default="Test"), target_language=lang)
        subject = f"[{label}] {subject}"
    return MailBody(
        subject=subject,
        heading=issue.Title(),
        paragraphs=(issue.Description(),) if issue.Description() else (),
        intro_html=intro,
        intro_text=html_to_text(intro),
        items=tuple(issue_items(issue, lang)),
        footer_note=translate(
            _(
                "mail_newsletter_footer",
                default="You get this newsletter because you subscribed to it on "
                "${site}.",
                mapping={"site": look.site_title},
            ),
            target_language=lang,
        ),
        headers={"List-Id": f"<{channel_of(issue).replace(':', '.')}.{mail_domain()}>"},
    )


def issue_items(issue, lang: str) -> list[MailItem]:
    """The items chosen by hand, then the news of the chosen period; only what
    an anonymous visitor may see, each once."""
    items, seen = [], set()
    for relation in issue.items or ():
        target = relation.to_object
        if target is not None and _public(target) and target.UID() not in seen:
            seen.add(target.UID())
            items.append(_mail_item(target, lang))
    for brain in _recent_news(issue):
        if brain.UID not in seen:
            seen.add(brain.UID)
            items.append(_mail_item(brain.getObject(), lang))
    return items


def _recent_news(issue) -> list:
    days = issue.recent_news or 0
    if not days:
        return []
    since = datetime.now(UTC) - timedelta(days=days)
    with api.env.adopt_roles(["Anonymous"]):
        brains = api.content.find(
            context=api.portal.get_navigation_root(issue),
            portal_type="News Item",
            review_state="published",
            effective={"query": since, "range": "min"},
            sort_on="effective",
            sort_order="reverse",
            sort_limit=MAX_QUERY_ITEMS,
        )
    return list(brains[:MAX_QUERY_ITEMS])


def _public(item) -> bool:
    with api.env.adopt_roles(["Anonymous"]):
        return api.user.has_permission("View", obj=item)


def _mail_item(item, lang: str) -> MailItem:
    effective = item.effective_date
    image_url = image_alt = ""
    if getattr(item, "image", None):
        image_url = f"{item.absolute_url()}/@@images/image/preview"
        # The title follows the image, so without a caption it is decorative.
        image_alt = getattr(item, "image_caption", "") or ""
    return MailItem(
        title=item.Title(),
        url=item.absolute_url(),
        description=item.Description(),
        date=long_date(effective.asdatetime(), lang) if effective else "",
        image_url=image_url,
        image_alt=image_alt,
    )


def _store_state(issue, **values) -> None:
    from persistent.mapping import PersistentMapping

    annotations = IAnnotations(issue)
    stored = annotations.get(STATE_KEY)
    if stored is None:
        stored = annotations[STATE_KEY] = PersistentMapping()
    stored.update(values)
