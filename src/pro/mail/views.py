"""The pages of the e-mail service.

Visitors subscribe at ``@@aanmelden`` on any site with a newsletter or press
alerts (and on the platform for the organisations' press channels), confirm
at ``@@aanmelden-bevestigen/<token>``, change their subscriptions at
``@@abonnement/<token>`` and leave at ``@@afmelden/<token>``. The signed token
in the address is what identifies the subscriber; visitors never log in.

A link in a mail is often fetched by a virus scanner before a person sees it,
so following a link never changes anything: each page shows a button, and
only the POST acts. Those POSTs carry Plone's CSRF token, except the
unsubscribe one: a mail client's one-click unsubscribe (RFC 8058) posts
``List-Unsubscribe=One-Click`` to the link in the mail and cannot know a
token. That POST is safe without one because the signed token in its URL is
the authentication: it names one address and the channels of one mail, it
cannot be made without the platform's secret, and all it can do is stop mail.
"""

from plone import api
from plone.protect import CheckAuthenticator
from plone.protect.interfaces import IDisableCSRFProtection
from pro import _
from pro.mail import channels as channel_catalogue
from pro.mail import subscriptions
from pro.mail import tokens
from pro.mail.exceptions import SubscriptionRefused
from pro.mail.exceptions import TokenRefused
from pro.mail.exceptions import TooManyRequests
from pro.mail.storage import FREQUENCIES
from pro.platform.settings import find_site
from pro.platform.settings import site_settings
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zExceptions import NotFound
from zope.interface import alsoProvides
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse
import json


REFUSALS = {
    "expired": _(
        "token_expired",
        default="This link has expired. Confirmation links work for 48 hours: "
        "subscribe again to get a new one.",
    ),
    "used": _(
        "token_used",
        default="This link was used already, so your subscription is confirmed. "
        "Every mail we send has a link to change it.",
    ),
    "forged": _(
        "token_forged",
        default="This link is not valid. Copy the whole link from the mail, or "
        "subscribe again.",
    ),
}
REFUSALS["malformed"] = REFUSALS["forged"]
REFUSALS["wrong-purpose"] = REFUSALS["forged"]

FREQUENCY_LABELS = {
    "immediate": _("frequency_immediate", default="At once, one mail per alert"),
    "daily": _("frequency_daily", default="Once a day, in one mail"),
    "weekly": _("frequency_weekly", default="Once a week, in one mail"),
}


def offered_channels(context) -> list:
    """The channels a subscribe form on ``context``'s site (or the platform) offers."""
    site = find_site(context)
    portal = api.portal.get()
    if site is None:
        return channel_catalogue.organisation_channels(portal)
    offered = channel_catalogue.site_channels(site)
    settings = site_settings(site)
    if "press-alerts" in settings.blocks:
        slug = channel_catalogue.organisation_slug(settings.organisation)
        offered.extend(
            c
            for c in channel_catalogue.organisation_channels(portal)
            if c.id == f"{channel_catalogue.ORGANISATION}:{slug}"
        )
    return offered


def channel_label(channel) -> str:
    """A channel's name as a form shows it, in the page's language."""
    request = api.env.getRequest()
    lang = request.get("LANGUAGE") or "nl"
    return subscriptions.channel_title(channel, lang)


class SubscribePage(BrowserView):
    """``@@aanmelden``: the subscribe form, and the same answer for everyone."""

    template = ViewPageTemplateFile("templates/subscribe.pt")

    def __call__(self):
        self.channels = offered_channels(self.context)
        if not self.channels:
            raise NotFound("This site offers no newsletter or alerts.")
        self.errors: dict[str, str] = {}
        self.done = False
        self.email = self.request.form.get("email", "")
        self.chosen = set(_as_list(self.request.form.get("channels")))
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            self._subscribe()
        return self.template()

    def _subscribe(self) -> None:
        try:
            subscriptions.request_subscription(
                self.context,
                self.email,
                sorted(self.chosen),
                where=self.request.get("ACTUAL_URL", self.context.absolute_url()),
                client=self.request.getClientAddr() or "",
            )
        except SubscriptionRefused as error:
            self.errors = error.errors
            self.request.response.setStatus(400)
        except TooManyRequests as error:
            self.errors = {"email": _too_many(error)}
            self.request.response.setStatus(429)
            self.request.response.setHeader("Retry-After", str(error.retry_after))
        else:
            self.done = True

    def label(self, channel) -> str:
        return channel_label(channel)


class SubscribeBlockView(BrowserView):
    """The subscribe block on a landing page: its site's channels, posting to
    the site's subscribe page."""

    def heading_id(self) -> str:
        return f"block-{self.context.getId()}"

    def channels(self) -> list:
        return offered_channels(self.context)

    def action(self) -> str:
        root = api.portal.get_navigation_root(self.context)
        return f"{root.absolute_url()}/@@aanmelden"

    def label(self, channel) -> str:
        return channel_label(channel)


class TokenPage(BrowserView):
    """A page whose subject is the signed token after its name."""

    purpose = ""
    template = None

    def __init__(self, context, request):
        super().__init__(context, request)
        self.token = ""

    def publishTraverse(self, request, name):
        if self.token:
            raise NotFound(name)
        self.token = name
        return self

    def __call__(self):
        self.refusal = None
        self.done = False
        self.token = self.token or self.request.form.get("token", "")
        try:
            self.data = tokens.read_token(self._secret(), self.token, self.purpose)
            self.act()
        except TokenRefused as error:
            self.refusal = REFUSALS[error.reason]
            self.request.response.setStatus(400)
        return self.template()

    def act(self) -> None:
        raise NotImplementedError

    def _secret(self) -> str:
        from pro.mail.storage import existing_store

        store = existing_store(api.portal.get())
        if store is None:
            raise TokenRefused("forged")
        return store.secret

    @property
    def action_url(self) -> str:
        return f"{self.context.absolute_url()}/@@{self.__name__}/{self.token}"


@implementer(IPublishTraverse)
class ConfirmPage(TokenPage):
    """``@@aanmelden-bevestigen/<token>``: a button, then the subscription."""

    purpose = tokens.CONFIRM
    template = ViewPageTemplateFile("templates/confirm.pt")

    def act(self) -> None:
        if self.request.method != "POST":
            return
        CheckAuthenticator(self.request)
        subscriber = subscriptions.confirm_subscription(self.token)
        store_secret = self._secret()
        self.preferences_url = (
            f"{api.portal.get_navigation_root(self.context).absolute_url()}"
            f"/@@abonnement/"
            f"{tokens.make_token(store_secret, tokens.MANAGE, subscriber.address)}"
        )
        self.done = True


@implementer(IPublishTraverse)
class PreferencesPage(TokenPage):
    """``@@abonnement/<token>``: the channels kept and how often alerts come."""

    purpose = tokens.MANAGE
    template = ViewPageTemplateFile("templates/preferences.pt")
    frequencies = FREQUENCIES

    def act(self) -> None:
        self.errors = {}
        _data, subscriber = subscriptions.subscriber_for(self.token)
        if self.request.method == "POST" and subscriber is not None:
            CheckAuthenticator(self.request)
            try:
                subscriber = subscriptions.update_preferences(
                    subscriber.address,
                    _as_list(self.request.form.get("channels")),
                    self.request.form.get("frequency", ""),
                )
            except SubscriptionRefused as error:
                self.errors = error.errors
                self.request.response.setStatus(400)
            else:
                self.done = True
        self.subscriber = subscriber

    def channels(self) -> list[dict]:
        if self.subscriber is None:
            return []
        portal = api.portal.get()
        rows = []
        for channel_id, consent in sorted(self.subscriber.channels.items()):
            channel = channel_catalogue.resolve_channel(portal, channel_id)
            rows.append(
                {
                    "id": channel_id,
                    "label": channel_label(channel) if channel else channel_id,
                    "given_at": consent.get("given_at", "")[:10],
                }
            )
        return rows

    def frequency_label(self, frequency: str):
        return FREQUENCY_LABELS[frequency]


@implementer(IPublishTraverse)
class UnsubscribePage(TokenPage):
    """``@@afmelden/<token>``: one POST ends the channels of one mail."""

    purpose = tokens.UNSUBSCRIBE
    template = ViewPageTemplateFile("templates/unsubscribe.pt")

    def act(self) -> None:
        if self.request.method != "POST":
            return
        # See the module docstring: the signed token authenticates this POST.
        alsoProvides(self.request, IDisableCSRFProtection)
        subscriptions.unsubscribe(self.data.address, self.data.channels)
        self.done = True


class SubscriberAdmin(BrowserView):
    """``@@mail-subscriber``: a platform administrator exports or erases one
    address's data (the right of access and the right to erasure)."""

    template = ViewPageTemplateFile("templates/subscriber_admin.pt")

    def __call__(self):
        self.message = ""
        self.error = ""
        self.address = self.request.form.get("email", "")
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            try:
                address = subscriptions.normalise_address(self.address)
            except SubscriptionRefused as error:
                self.error = error.errors["email"]
                self.request.response.setStatus(400)
                return self.template()
            if "export" in self.request.form:
                return self._export(address)
            if "erase" in self.request.form:
                erased = subscriptions.erase_address(address)
                self.message = (
                    _(
                        "erased_address",
                        default="Every record of the address was erased.",
                    )
                    if erased
                    else _(
                        "nothing_held", default="Nothing was held about that address."
                    )
                )
        return self.template()

    def _export(self, address: str) -> str:
        data = subscriptions.export_address(address)
        response = self.request.response
        response.setHeader("Content-Type", "application/json; charset=utf-8")
        response.setHeader(
            "Content-Disposition", 'attachment; filename="subscriber-export.json"'
        )
        return json.dumps(data, indent=2, ensure_ascii=False)


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)]


def _too_many(error: TooManyRequests):
    return _(
        "too_many_requests",
        default="Too many requests. Try again in ${minutes} minutes.",
        mapping={"minutes": max(1, error.retry_after // 60)},
    )


# Newsletter issues


class NewsletterIssueView(BrowserView):
    """An issue's page: a link to the mail as subscribers get it and, for its
    editors, its state and what they may do with it."""

    template = ViewPageTemplateFile("templates/newsletter_issue.pt")

    def __call__(self):
        from pro.mail import newsletter

        self.state = newsletter.issue_state(self.context)
        self.message = self.request.form.get("message", "")
        return self.template()

    def can_send(self) -> bool:
        return api.user.has_permission("pro: Send newsletter", obj=self.context)

    def can_test(self) -> bool:
        return api.user.has_permission("Modify portal content", obj=self.context)

    def subscribers(self) -> int:
        from pro.mail.exceptions import IssueNotSendable
        from pro.mail.newsletter import channel_of
        from pro.mail.storage import existing_store

        store = existing_store(api.portal.get())
        if store is None:
            return 0
        try:
            return len(store.members.get(channel_of(self.context), ()))
        except IssueNotSendable:
            return 0


class NewsletterPreview(BrowserView):
    """``@@newsletter-preview``: the HTML part of the mail, as subscribers get it."""

    def __call__(self):
        from pro.mail.compose import placeholder
        from pro.mail.newsletter import issue_content
        from pro.mail.outbox import PREFERENCES
        from pro.mail.outbox import UNSUBSCRIBE

        html = issue_content(self.context).html
        root = api.portal.get_navigation_root(self.context).absolute_url()
        for name in (PREFERENCES, UNSUBSCRIBE):
            html = html.replace(placeholder(name, "html"), f"{root}/@@aanmelden")
        response = self.request.response
        response.setHeader("Content-Type", "text/html; charset=utf-8")
        # The mail's inline styles are its whole layout; scripts stay out.
        response.setHeader(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src * data:",
        )
        return html


class NewsletterSend(BrowserView):
    """``@@newsletter-send`` (POST): test, send now, schedule or cancel."""

    def __call__(self):
        from pro.mail import newsletter
        from pro.mail.exceptions import IssueNotSendable

        if self.request.method != "POST":
            return self.request.response.redirect(self.context.absolute_url())
        CheckAuthenticator(self.request)
        form = self.request.form
        try:
            if "test" in form:
                self._require("Modify portal content")
                address = api.user.get_current().getProperty("email", "")
                if not address:
                    raise IssueNotSendable(
                        "Your account has no e-mail address; add one in your "
                        "personal preferences."
                    )
                newsletter.send_test(self.context, address)
                message = _(
                    "test_queued",
                    default="A test is on its way to ${address}.",
                    mapping={"address": address},
                )
            elif "send" in form:
                self._require("pro: Send newsletter")
                count = newsletter.send_issue(self.context)
                message = _(
                    "issue_queued",
                    default="Sending to ${count} subscribers.",
                    mapping={"count": count},
                )
            elif "schedule" in form:
                self._require("pro: Send newsletter")
                moment = _parse_moment(form.get("moment", ""))
                newsletter.send_issue(self.context, not_before=moment)
                message = _("issue_scheduled", default="The issue is scheduled.")
            elif "cancel" in form:
                self._require("pro: Send newsletter")
                newsletter.cancel_schedule(self.context)
                message = _("issue_unscheduled", default="The schedule is cancelled.")
            else:
                raise IssueNotSendable("Choose test, send, schedule or cancel.")
        except IssueNotSendable as error:
            api.portal.show_message(str(error), request=self.request, type="error")
        else:
            api.portal.show_message(message, request=self.request, type="info")
        return self.request.response.redirect(self.context.absolute_url())

    def _require(self, permission: str) -> None:
        from zExceptions import Unauthorized

        if not api.user.has_permission(permission, obj=self.context):
            raise Unauthorized(permission)


def _parse_moment(value: str):
    """A ``datetime-local`` value in the platform's time zone (Europe/Amsterdam)."""
    from datetime import datetime
    from pro.mail.exceptions import IssueNotSendable
    from zoneinfo import ZoneInfo

    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise IssueNotSendable(
            "Give the moment to send as a date and time, e.g. 2026-12-24T09:00."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("Europe/Amsterdam"))
    return moment
