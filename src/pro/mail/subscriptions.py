"""Subscribing, confirming, changing and ending subscriptions; export and erasure.

Double opt-in: a request only queues a confirmation mail whose signed link
carries the address, the channels and where the request was made. Nothing is
stored about the address until that link is followed, so a request for an
address that is already subscribed, or that never will be, looks the same to
the requester and leaves the same trace: one mail in the outbox. Only a
confirmed address receives list mail.
"""

from datetime import datetime
from datetime import UTC
from plone import api
from pro import _
from pro.mail import channels as channel_catalogue
from pro.mail import ratelimit
from pro.mail import tokens
from pro.mail.compose import Action
from pro.mail.compose import look_for
from pro.mail.compose import mail_content
from pro.mail.compose import mail_domain
from pro.mail.compose import MailBody
from pro.mail.compose import placeholder
from pro.mail.compose import sender_for
from pro.mail.exceptions import SubscriptionRefused
from pro.mail.exceptions import TokenRefused
from pro.mail.exceptions import TooManyRequests
from pro.mail.outbox import CONFIRM
from pro.mail.outbox import queue_message
from pro.mail.outbox import remove_address
from pro.mail.storage import FREQUENCIES
from pro.mail.storage import mail_store
from pro.mail.storage import MAX_BOUNCES
from pro.mail.storage import Subscriber
from zope.i18n import translate
import logging
import re


logger = logging.getLogger("pro.mail")

MAX_CHANNELS = 50
MAX_ADDRESS = 254

# Deliberately plain: one @, no spaces, a dot in the domain. Whether the
# mailbox exists is what the confirmation mail finds out.
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$"
)

ADDRESS_HINT = _(
    "error_email", default="Give an e-mail address such as naam@example.nl."
)


def normalise_address(value) -> str:
    """The address as stored: trimmed, domain in lower case and ASCII (IDNA).

    :raises SubscriptionRefused: naming the field ``email``.
    """
    if not isinstance(value, str) or not value.strip():
        raise SubscriptionRefused({"email": ADDRESS_HINT})
    local, at, domain = value.strip().rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise SubscriptionRefused({"email": ADDRESS_HINT}) from None
    address = f"{local}{at}{domain}"
    if len(address) > MAX_ADDRESS or not _ADDRESS.match(address) or ".." in address:
        raise SubscriptionRefused({"email": ADDRESS_HINT})
    return address


def request_subscription(
    context, address, channel_ids, *, where: str, client: str
) -> None:
    """Queue a confirmation mail for ``channel_ids``; nothing else is written.

    :param context: the site (or platform) the request was made on; its look
        and URL are the confirmation mail's.
    :param where: the page or service the request came from, kept as the
        place of consent once confirmed.
    :param client: the requesting client's address, for the rate limit.
    :raises SubscriptionRefused: naming ``email`` or ``channels``.
    :raises TooManyRequests: when the address or the client asked too often.
    """
    portal = api.portal.get()
    address = normalise_address(address)
    channels = _checked_channels(portal, channel_ids)
    _limit(address, client)

    store = mail_store(portal)
    root = api.portal.get_navigation_root(context)
    token = tokens.make_token(
        store.secret, tokens.CONFIRM, address, [c.id for c in channels], where
    )
    look = look_for(context)
    content = mail_content(
        "confirmation", look, _confirmation_body(look, channels), sender_for(look)
    )
    queue_message(
        store.outbox,
        address,
        content,
        personal={CONFIRM: f"{root.absolute_url()}/@@aanmelden-bevestigen/{token}"},
        domain=mail_domain(),
    )
    logger.info("Queued a confirmation request for %d channel(s)", len(channels))


def confirm_subscription(token: str) -> Subscriber:
    """Follow a confirmation link: subscribe its address to its channels.

    :raises TokenRefused: for a forged, expired or already used link.
    """
    portal = api.portal.get()
    store = mail_store(portal)
    data = tokens.read_token(store.secret, token, tokens.CONFIRM)
    if data.nonce in store.used_tokens:
        raise TokenRefused("used")
    store.used_tokens[data.nonce] = data.issued_at + tokens.MAX_AGE[tokens.CONFIRM]

    subscriber = store.subscribers.get(data.address)
    if subscriber is None:
        subscriber = store.subscribers[data.address] = Subscriber(data.address)
    given_at = _iso_now()
    current = dict(subscriber.channels)
    for channel_id in data.channels:
        if channel_catalogue.resolve_channel(portal, channel_id) is None:
            continue
        current[channel_id] = {"given_at": given_at, "where": data.where}
        store.channel_members(channel_id).insert(data.address)
    subscriber.channels = current
    subscriber.undeliverable = False
    subscriber.bounces = 0
    logger.info("Confirmed a subscription to %d channel(s)", len(data.channels))
    return subscriber


def subscriber_for(token: str, purpose: str = tokens.MANAGE):
    """The token's data and its subscriber (None when no longer subscribed)."""
    store = mail_store(api.portal.get())
    data = tokens.read_token(store.secret, token, purpose)
    return data, store.subscribers.get(data.address)


def update_preferences(
    address: str, keep_channels, frequency: str
) -> Subscriber | None:
    """Keep only ``keep_channels`` and set the alert frequency.

    Channels can only be left here, never added: adding one needs a new
    confirmation. Leaving every channel erases the address.

    :raises SubscriptionRefused: naming ``frequency`` when it is not allowed.
    :returns: the subscriber, or None when it was erased.
    """
    if frequency not in FREQUENCIES:
        raise SubscriptionRefused(
            {
                "frequency": _(
                    "error_frequency",
                    default="Choose one of: ${choices}.",
                    mapping={"choices": ", ".join(FREQUENCIES)},
                )
            }
        )
    store = mail_store(api.portal.get())
    subscriber = store.subscribers.get(address)
    if subscriber is None:
        return None
    keep = set(keep_channels or ())
    leave = [c for c in subscriber.channels if c not in keep]
    subscriber.frequency = frequency
    return unsubscribe(address, leave)


def unsubscribe(address: str, channel_ids) -> Subscriber | None:
    """End ``channel_ids`` for ``address``; with none left, erase the address.

    :returns: the subscriber, or None when it has no channel left.
    """
    store = mail_store(api.portal.get())
    subscriber = store.subscribers.get(address)
    if subscriber is None:
        return None
    current = dict(subscriber.channels)
    for channel_id in channel_ids:
        if current.pop(channel_id, None) is not None:
            members = store.members.get(channel_id)
            if members is not None and address in members:
                members.remove(address)
    subscriber.channels = current
    if not current:
        erase_address(address)
        return None
    logger.info("Unsubscribed an address from %d channel(s)", len(channel_ids))
    return subscriber


def export_address(address: str) -> dict:
    """Everything the platform holds about ``address``, as JSON-ready data."""
    store = mail_store(api.portal.get())
    subscriber = store.subscribers.get(address)
    messages = []
    for message in store.outbox.messages.values():
        if message.recipient == address:
            messages.append(_mail_record(message))
        # Back to a ghost: looking through every record keeps memory flat.
        message._p_deactivate()
    return {
        "address": address,
        "subscription": subscriber.export() if subscriber else None,
        "mail": sorted(messages, key=lambda m: m["queued_at"]),
    }


def _mail_record(message) -> dict:
    return {
        "message_id": message.message_id,
        "kind": message.content.kind,
        "subject": message.content.subject,
        "state": message.state,
        "queued_at": _iso(message.created_at),
        "finished_at": _iso(message.finished_at) if message.finished_at else None,
    }


def erase_address(address: str) -> bool:
    """Remove every trace of ``address``: subscription, queued and sent mail.

    :returns: whether anything was held about it.
    """
    store = mail_store(api.portal.get())
    subscriber = store.subscribers.pop(address, None)
    for channel_id in subscriber.channels if subscriber else ():
        members = store.members.get(channel_id)
        if members is not None and address in members:
            members.remove(address)
    removed = remove_address(store.outbox, address)
    if subscriber is not None or removed:
        logger.info("Erased an address and %d outbox record(s)", removed)
    return subscriber is not None or removed > 0


def record_permanent_failure(store, address: str) -> None:
    """Count a permanent failure; after a few in a row, stop mailing it."""
    subscriber = store.subscribers.get(address)
    if subscriber is None:
        return
    subscriber.bounces += 1
    if subscriber.bounces >= MAX_BOUNCES and not subscriber.undeliverable:
        subscriber.undeliverable = True
        logger.warning(
            "Marked an address undeliverable after %d permanent failures",
            subscriber.bounces,
        )


def record_delivery(store, address: str) -> None:
    subscriber = store.subscribers.get(address)
    if subscriber is not None and subscriber.bounces:
        subscriber.bounces = 0


def manage_links(store, address: str, channel_ids, base_url: str) -> dict[str, str]:
    """The personal preference and unsubscribe links of ``address``."""
    from pro.mail.outbox import PREFERENCES
    from pro.mail.outbox import UNSUBSCRIBE

    manage = tokens.make_token(store.secret, tokens.MANAGE, address)
    leave = tokens.make_token(store.secret, tokens.UNSUBSCRIBE, address, channel_ids)
    return {
        PREFERENCES: f"{base_url}/@@abonnement/{manage}",
        UNSUBSCRIBE: f"{base_url}/@@afmelden/{leave}",
    }


def _checked_channels(portal, channel_ids) -> list:
    if isinstance(channel_ids, str):
        channel_ids = [channel_ids]
    if not isinstance(channel_ids, list | tuple) or not channel_ids:
        raise SubscriptionRefused(
            {
                "channels": _(
                    "error_no_channels",
                    default="Choose at least one newsletter or alert to subscribe to.",
                )
            }
        )
    if len(channel_ids) > MAX_CHANNELS:
        raise SubscriptionRefused(
            {
                "channels": _(
                    "error_too_many_channels",
                    default="Choose at most ${count} channels at once.",
                    mapping={"count": MAX_CHANNELS},
                )
            }
        )
    found, unknown = [], []
    for channel_id in dict.fromkeys(channel_ids):
        channel = channel_catalogue.resolve_channel(portal, channel_id)
        if channel is None:
            unknown.append(str(channel_id)[:80])
        else:
            found.append(channel)
    if unknown:
        raise SubscriptionRefused(
            {
                "channels": _(
                    "error_unknown_channels",
                    default="These are not channels of this platform: ${ids}. Use "
                    "the ids the subscribe page offers.",
                    mapping={"ids": ", ".join(unknown)},
                )
            }
        )
    return found


def _limit(address: str, client: str) -> None:
    wait = ratelimit.PER_CLIENT.hit(client or "unknown") or ratelimit.PER_ADDRESS.hit(
        address
    )
    if wait:
        raise TooManyRequests(wait)


def _confirmation_body(look, channels) -> MailBody:
    lang = look.lang
    names = ", ".join(channel_title(channel, lang) for channel in channels)
    return MailBody(
        subject=_tr(
            _("mail_confirm_subject", default="Confirm your subscription"), lang
        ),
        heading=_tr(
            _("mail_confirm_heading", default="Confirm your subscription"), lang
        ),
        paragraphs=(
            _tr(
                _(
                    "mail_confirm_text",
                    default="Someone, probably you, asked to receive the following "
                    "by e-mail: ${channels}.",
                    mapping={"channels": names},
                ),
                lang,
            ),
        ),
        action=Action(
            label=_tr(_("mail_confirm_button", default="Yes, subscribe me"), lang),
            url=placeholder(CONFIRM, "html"),
            note=_tr(
                _(
                    "mail_confirm_note",
                    default="The link works once and for 48 hours. If you did not "
                    "ask for this, ignore this mail: you will not be subscribed.",
                ),
                lang,
            ),
        ),
        footer_note=_tr(
            _(
                "mail_confirm_footer",
                default="You get this mail once, because your address was entered "
                "on ${site}.",
                mapping={"site": look.site_title},
            ),
            lang,
        ),
        # A confirmation request is not list mail: until it is confirmed there
        # is nothing to unsubscribe from.
        list_mail=False,
    )


def channel_title(channel, lang: str) -> str:
    """A channel's name for a mail or a page in ``lang``, with its site's."""
    title = _tr(channel.title, lang)
    if channel.kind == channel_catalogue.PRESS and channel.id.count(":") == 2:
        prefix = _tr(_("channel_press", default="Press releases"), lang)
        title = f"{prefix}: {title}"
    if channel.site_title:
        return f"{title} ({channel.site_title})"
    return title


def _tr(message, lang: str) -> str:
    return translate(message, target_language=lang)


def forget_expired_links(store, now: float) -> int:
    """Forget used confirmation links that would have expired anyway; how many.

    The worker calls this now and then, so confirming never scans the list.
    """
    old = [nonce for nonce, expiry in store.used_tokens.items() if expiry < now]
    for nonce in old:
        del store.used_tokens[nonce]
    return len(old)


def _iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")
