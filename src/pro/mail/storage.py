"""Where the e-mail service keeps its data: one persistent store on the platform.

Subscriptions are personal data, shared by every site and every instance, so
they live once, in the platform's ZODB, in an annotation on the platform's
Plone site. Only what the service needs is stored per address: its channels,
when and where consent was given for each, how often it wants alerts, and how
often mail to it bounced. Nothing is stored for an address before it confirms:
the confirmation link itself carries the request.

Every collection is a BTree keyed by something distinct per writer (the
normalised address, a random message key), so two instances subscribing
different addresses at once touch different keys and ZODB's BTree conflict
resolution merges their commits instead of retrying a request.
"""

from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from BTrees.OOBTree import OOTreeSet
from persistent import Persistent
from zope.annotation.interfaces import IAnnotations
import secrets
import time


ANNOTATION_KEY = "pro.mail"

FREQUENCIES = ("immediate", "daily", "weekly")

# After this many permanent failures in a row an address gets no more mail.
MAX_BOUNCES = 3


class Subscriber(Persistent):
    """One confirmed address and what it agreed to.

    ``channels`` maps a channel id to its consent: ``{"given_at": ISO 8601 UTC,
    "where": the page or service it was given on}``.
    """

    def __init__(self, address: str):
        self.address = address
        self.channels: dict[str, dict[str, str]] = {}
        self.frequency = "immediate"
        self.bounces = 0
        self.undeliverable = False

    def export(self) -> dict:
        return {
            "address": self.address,
            "channels": {name: dict(c) for name, c in sorted(self.channels.items())},
            "alert_frequency": self.frequency,
            "permanent_failures": self.bounces,
            "undeliverable": self.undeliverable,
        }


class MailStore(Persistent):
    """The subscriptions, the outbox and the alert log of the whole platform."""

    def __init__(self):
        from pro.mail.outbox import Outbox

        # Signs every link in every mail; shared by all instances through the
        # database, so a link made by one is accepted by the others.
        self.secret = secrets.token_urlsafe(48)
        self.subscribers = OOBTree()
        # channel id → OOTreeSet of addresses: who gets a mailing.
        self.members = OOBTree()
        # nonce of a used confirmation link → when it would have expired.
        self.used_tokens = OOBTree()
        # publication time key → alert record, read by the digests.
        self.alert_log = LOBTree()
        # frequency → POSIX time up to which its digest was queued; digests
        # start with the alerts published after the store was made.
        self.digests_until = OOBTree({"daily": time.time(), "weekly": time.time()})
        self.outbox = Outbox()

    def channel_members(self, channel: str) -> OOTreeSet:
        members = self.members.get(channel)
        if members is None:
            members = self.members[channel] = OOTreeSet()
        return members


def mail_store(portal) -> MailStore:
    """The platform's mail store, made on first use (normally at install)."""
    annotations = IAnnotations(portal)
    store = annotations.get(ANNOTATION_KEY)
    if store is None:
        store = annotations[ANNOTATION_KEY] = MailStore()
    return store


def existing_store(portal) -> MailStore | None:
    """The store if it exists; read-only paths use this to never write."""
    return IAnnotations(portal).get(ANNOTATION_KEY)


def install_mail_store(portal) -> None:
    mail_store(portal)
